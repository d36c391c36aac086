"""Run markers: the text synth puts into free-text fields to recognise a run's items.

A filter on one marker, or a test of which items carry it, must not match another's items:
no marker is a substring of another, however many a run hands out.
"""

from __future__ import annotations

import re
from pathlib import Path

from examples.tracker import server
from synth.testing import config_from_options
from synth.testing._target import MARKER_END, Target

ROOT = Path(__file__).resolve().parents[2]
TRACKER = ROOT / "examples" / "tracker" / "contracts"
TENANTS = ["a=tok_acme_0123456789", "b=tok_globex_9876543210"]


def _markers(count: int) -> list[str]:
    config = config_from_options(app=server.app, tenants=TENANTS, seed=1, contracts=TRACKER, env={})
    target = Target(config)
    return [target.marker() for _ in range(count)]


def test_no_marker_of_a_run_is_a_substring_of_another() -> None:
    markers = _markers(5000)
    assert len(set(markers)) == len(markers)
    # Every marker against every other: in their concatenation a marker occurs only where it was
    # put (the separator is in none of them).
    joined = "|".join(markers)
    for marker in markers[:300] + markers[-300:]:
        assert joined.count(marker) == 1, marker


def test_the_second_marker_does_not_match_the_thirty_second() -> None:
    markers = _markers(40)
    assert markers[1] not in markers[31]
    assert markers[1].lower() not in markers[31].lower()  # a case-insensitive filter neither


def test_a_marker_is_text_a_slug_or_tag_field_accepts() -> None:
    for marker in _markers(5000)[::97]:
        assert re.fullmatch(r"[a-z0-9-]{1,32}", marker), marker
        assert marker.endswith(MARKER_END)
        assert MARKER_END not in marker[:-1]
