"""ERR-DECLARED and ERR-PROBLEM send, for each body field naming another collection's item
(``Graph.references``), the body with that field naming no item: every other request synth
builds fills such a field with an item of the sending tenant's own (``Context.referenced``), so
a server's answer to a dangling reference went unjudged. The gridwise example (an API a new
user wrote: alert rules name a meter in their body) planted an undeclared 404 there, a known
miss until this probe."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from examples.gridwise import server
from synth.testing import Outcome
from synth.testing._runner import run_check
from tests.testing._in_process import example_target


@pytest.fixture
def bugs() -> Iterator[set[str]]:
    planted = server.BUGS
    yield planted
    planted.clear()


@pytest.mark.parametrize("invariant", ["ERR-DECLARED", "ERR-PROBLEM"])
def test_a_body_reference_naming_no_item_gets_a_declared_answer(
    bugs: set[str], invariant: str
) -> None:
    with example_target("gridwise") as target:
        finding = run_check(invariant, "createAlert", target)
        assert finding.outcome is Outcome.PASSED, finding.message
        # The correct server's answer to an alert rule naming no meter, which the check judged.
        refused = [e for e in target.client.log if e.request.method == "POST"
                   and e.request.path.endswith("/alerts") and e.code == "unknown_meter"]  # fmt: skip
        assert refused, "no alert rule naming no meter was sent: nothing judged"


def test_an_undeclared_answer_to_a_body_reference_naming_no_item_is_reported(
    bugs: set[str],
) -> None:
    bugs.add("err-alert-meter-404")
    with example_target("gridwise") as target:
        finding = run_check("ERR-DECLARED", "createAlert", target)
        assert finding.outcome is Outcome.VIOLATION, finding.message
        assert "404" in finding.actual, finding.actual
        assert "not_found" in finding.actual, finding.actual
        assert '"meter_id"' in finding.curl, finding.curl
