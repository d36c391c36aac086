"""What two runs may legitimately differ in, and what they may not."""

from __future__ import annotations

from synth.testing.invariants._common import normalize


def test_a_short_id_is_replaced_only_as_a_whole_value_or_path_segment() -> None:
    # Item 4 in one world and 7 in the other: the label's "04" is data, not the id.
    quiet = {"label": "A04-06", "href": "/warehouses/4/bins", "parent": "4"}
    noisy = {"label": "A04-06", "href": "/warehouses/7/bins", "parent": "7"}
    assert normalize(quiet, ["4"], cursors=()) == normalize(noisy, ["7"], cursors=())
    assert normalize(quiet, ["4"], cursors=())["label"] == "A04-06"


def test_a_changed_label_is_still_a_difference() -> None:
    quiet = normalize({"label": "A04-06"}, ["4"], cursors=())
    noisy = normalize({"label": "A07-06"}, ["7"], cursors=())
    assert quiet != noisy


def test_a_run_marker_is_replaced_inside_text() -> None:
    a = normalize({"name": "s1a2b3c4-1f Ann"}, ["s1a2b3c4-1f"], cursors=())
    b = normalize({"name": "s1a2b3c4-20 Ann"}, ["s1a2b3c4-20"], cursors=())
    assert a == b == {"name": "<m> Ann"}
