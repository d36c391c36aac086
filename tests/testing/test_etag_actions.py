"""CACHE-ETAG judges an action's change as an update's: where an action on the item (archive,
cancel, complete) changes what its read shows, the ETag is new. A new user's conference-talks
API made its ETag without the status an accept action sets, and no check saw it. The kanban
example plants it on archiving a card (``cache-etag-ignores-archived``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from examples.kanban import server
from synth.testing import Outcome
from synth.testing._runner import run_check
from tests.testing._in_process import example_target


@pytest.fixture
def bugs() -> Iterator[set[str]]:
    planted = server.BUGS
    yield planted
    planted.clear()


def test_an_action_that_changes_the_item_makes_a_new_etag(bugs: set[str]) -> None:
    with example_target("kanban") as target:
        finding = run_check("CACHE-ETAG", "getCard", target)
        assert finding.outcome is Outcome.PASSED, finding.message
        archived = [e for e in target.client.log if e.request.path.endswith("/archive") and e.ok]
        assert archived, "no card was archived: nothing judged"


def test_an_etag_an_action_leaves_unchanged_is_reported(bugs: set[str]) -> None:
    bugs.add("cache-etag-ignores-archived")
    with example_target("kanban") as target:
        finding = run_check("CACHE-ETAG", "getCard", target)
        assert finding.outcome is Outcome.VIOLATION, finding.message
        assert finding.expected == "a new ETag after archiveCard changed the item", finding.expected
