"""PAGE-FILTER judges a declared total on filtered pages: on a quiet isolated scope it counts
the items the filter keeps. PAGE-END judges the total on unfiltered walks only, so a total
that leaves a filter out went unseen (a new user's conference-talks API, `total` ignoring
the track filter). The feeds example's publishers list (offset pages with `count`, a country
filter besides the name prefix that isolates a check's items) plants it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from examples.feeds import server
from synth.testing import Outcome
from synth.testing._runner import run_check
from tests.testing._in_process import example_target


@pytest.fixture
def feeds() -> Iterator[server.Store]:
    store = server.STORE
    yield store
    store.bugs = frozenset()


def test_a_correct_total_on_filtered_pages_passes(feeds: server.Store) -> None:
    with example_target("feeds") as target:
        finding = run_check("PAGE-FILTER", "listPublishers", target)
        assert finding.outcome is Outcome.PASSED, finding.message
        filtered = [e for e in target.client.log if "country=" in e.request.target
                    and e.status == 200]  # fmt: skip
        assert filtered, "no filtered page: nothing judged"


def test_a_total_that_leaves_a_filter_out_is_reported(feeds: server.Store) -> None:
    feeds.bugs = frozenset({"count-ignores-country"})
    with example_target("feeds") as target:
        finding = run_check("PAGE-FILTER", "listPublishers", target)
        assert finding.outcome is Outcome.VIOLATION, finding.message
        assert "count to count the" in finding.expected, finding.expected
        assert "items the filtered walk holds" in finding.expected, finding.expected
