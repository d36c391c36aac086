"""Findings are typed: each outcome is its own, reported as what it is."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import pytest

from examples.reference_server.app import create_app
from synth.spec import ApiSpec
from synth.testing import Finding, Outcome, Target, config_from_options, conformance
from synth.testing._context import Context
from synth.testing._report import markdown, summary_lines
from synth.testing._runner import run_check
from synth.testing._violation import Violation

from .conftest import TOKENS


def _target(api: ApiSpec, bugs: str = "") -> Target:
    config = config_from_options(app=create_app(bugs=bugs), tenants=TOKENS, profile="quick",
                                 seed=1, env={})  # fmt: skip
    return Target(config, api)


def test_unconfirmed_is_its_own_outcome_and_never_a_violation(api: ApiSpec) -> None:
    target = _target(api)
    target.findings += [
        Finding("IDEM-REPLAY", "createContact", Outcome.UNCONFIRMED, 0.1, 3,
                expected="the replay to repeat the first answer", actual="HTTP 201, a new id"),
        Finding("PAGE-ORDER", "listContacts", Outcome.PASSED, 0.1, 3),
        Finding("TEN-READ", "getContact", Outcome.SKIPPED, 0.0, 0,
                message="TEN-READ needs 2 tenants; pass another --tenant NAME=TOKEN"),
    ]  # fmt: skip
    summary = summary_lines(target, not_planned=2)
    assert "3 checks, 0 violations" in summary[0]
    assert "1 unconfirmed, 0 errors" in summary[0]
    assert summary[1] == (
        "  not exercised: 1 skipped at run time (no usable example, or too few tenants; each "
        "with the reason), 2 not planned (synth cannot run them here; each with the reason): "
        "3 in all"
    )
    assert "  unconfirmed IDEM-REPLAY createContact (not reported as a violation)" in summary
    report = markdown(target)
    assert report.startswith("## synth test: no violations")
    assert "| IDEM-REPLAY | `createContact` | unconfirmed |" in report
    assert "| PAGE-ORDER | `listContacts` | passed |" in report
    assert "| TEN-READ | `getContact` | skipped |" in report
    # What was seen the once, beside what was expected: where to look on the server.
    assert ("- IDEM-REPLAY `createContact`: expected the replay to repeat the first answer; "
            "got HTTP 201, a new id") in report  # fmt: skip
    assert "### IDEM-REPLAY on" not in report


def test_the_report_s_headline_names_errors_and_faults_that_fail_the_run(api: ApiSpec) -> None:
    """An error in a check (a bug in synth) and a check cut short by transport faults exit 1
    with no violation: a new user read "no violations" over a run that failed, the error in a
    table row below."""
    target = _target(api)
    target.findings += [
        Finding("TEN-READ", "getContact", Outcome.ERROR, 0.1, 3, message="ERROR in the check"),
        Finding("PAGE-ORDER", "listContacts", Outcome.FAULT, 0.1, 3, message="TRANSPORT FAULT"),
    ]
    headline = markdown(target).splitlines()[0]
    assert headline == (
        "## synth test: no violations; 1 check error(s), a bug in synth, not in the server "
        "(exit 1); 1 check(s) cut short by transport faults (exit 1)"
    )


def test_a_conformance_failure_does_not_claim_a_replay(api: ApiSpec) -> None:
    """schemathesis's failures are reported as found, and the message says they were not replayed."""
    target = _target(api, "err-plain-404")
    try:
        with pytest.raises(pytest.fail.Exception) as failed:
            conformance("getContact", target)
    finally:
        target.close()
    message = str(failed.value)
    assert "CONFORMANCE violated by getContact (reported by schemathesis; not replayed)" in message
    assert "confirmed" not in message
    assert "ERR-PROBLEM: expected HTTP 404 as application/problem+json" in message
    assert target.findings[-1].outcome is Outcome.VIOLATION


def test_a_list_not_judged_at_its_edges_is_named_with_the_reason(api: ApiSpec) -> None:
    target = _target(api)
    target.edges[("a", "listInteractions")] = "101 items could not be made in one scope: 409"
    target.edges[("a", "listContacts")] = (object(), ())  # made: nothing to say
    summary = summary_lines(target)
    assert (
        "  not judged at the declared edges (PAGE-LIMIT, PAGE-END, PAGE-COMPLETE) "
        "listInteractions: 101 items could not be made in one scope: 409"
    ) in summary
    assert not any("listContacts" in line for line in summary)


def test_a_bound_no_value_was_sent_at_is_named_with_the_reason(api: ApiSpec) -> None:
    target = _target(api)
    target.unsent_bounds["createThing"] = {"ratio exclusiveMinimum 0.5": "a float next to it",
                                           "name maxLength 20": ""}  # fmt: skip
    summary = summary_lines(target)
    assert (
        "  not sent at the bound (VAL-BOUND) createThing ratio exclusiveMinimum 0.5: "
        "a float next to it"
    ) in summary
    assert not any("maxLength 20" in line for line in summary)


def _judge(ctx: Context, failures: list[bool]) -> Callable[[], None]:
    """A check at the edges that fails on each call whose entry of ``failures`` is true."""
    calls = iter(failures)

    def judge() -> None:
        if next(calls):
            ctx.fail("at most 100 items per page with limit=100", "101 items")

    return judge


def test_a_failure_at_the_edges_is_rechecked_at_once_and_kept_once_confirmed(api: ApiSpec) -> None:
    target = _target(api)
    op = api.operation("listContacts")
    data: Any = None  # the judges here draw nothing
    ctx = Context(target, "PAGE-LIMIT", op, data)
    with pytest.raises(Violation):
        ctx.at_the_edges(_judge(ctx, [True, True]))
    assert ("PAGE-LIMIT", "listContacts") in target.edge_violations
    # A later example (the search's shrinking, the runner's replay) gets it again at once,
    # without judging the fixture again.
    later = Context(target, "PAGE-LIMIT", op, data)
    with pytest.raises(Violation) as again:
        later.at_the_edges(_judge(later, []))
    assert again.value.expected == "at most 100 items per page with limit=100"
    # Another check on the same list is not affected.
    other = Context(target, "PAGE-END", op, data)
    assert other.at_the_edges(_judge(other, [False]))
    assert not target.edges_unconfirmed
    assert not any("not reproduced" in line for line in summary_lines(target))


def test_a_failure_at_the_edges_seen_beside_other_parts_is_judged_again_alone(
    api: ApiSpec,
) -> None:
    """A failure at the edges kept while the API's other parts ran (a feed they write to
    without the contract saying so) is judged again by the replay with the run to itself, not
    raised again from what was kept; one kept with the run to itself is raised again."""
    from types import SimpleNamespace

    target = _target(api)
    op = api.operation("listContacts")
    data: Any = None
    target.lock = cast(Any, SimpleNamespace(held="shared", partial=True))
    ctx = Context(target, "PAGE-COMPLETE", op, data)
    with pytest.raises(Violation):
        ctx.at_the_edges(_judge(ctx, [True, True]))
    key = ("PAGE-COMPLETE", "listContacts")
    assert key in target.edge_violations
    # Another example beside the other parts gets it again without judging.
    with pytest.raises(Violation):
        Context(target, "PAGE-COMPLETE", op, data).at_the_edges(_judge(ctx, []))
    # The confirmation with the run to itself judges the fixture again: it passes now.
    target.lock = cast(Any, SimpleNamespace(held="exclusive", partial=True))
    alone = Context(target, "PAGE-COMPLETE", op, data)
    assert alone.at_the_edges(_judge(alone, [False]))
    assert key not in target.edge_violations
    assert key in target.edges_judged
    # Kept with the run to itself (or without other workers), it is raised again as before.
    end = Context(target, "PAGE-END", op, data)
    with pytest.raises(Violation):
        end.at_the_edges(_judge(end, [True, True]))
    with pytest.raises(Violation):
        Context(target, "PAGE-END", op, data).at_the_edges(_judge(end, []))


def test_a_failure_at_the_edges_a_recheck_does_not_show_is_said_in_the_summary(
    api: ApiSpec,
) -> None:
    target = _target(api)
    op = api.operation("listContacts")
    data: Any = None
    ctx = Context(target, "PAGE-LIMIT", op, data)
    assert ctx.at_the_edges(_judge(ctx, [True, False]))
    assert not target.edge_violations
    # Judged: later examples do not judge it again.
    assert not Context(target, "PAGE-LIMIT", op, data).at_the_edges(_judge(ctx, []))
    summary = summary_lines(target)
    assert (
        "  not reproduced at the declared edges PAGE-LIMIT listContacts (a failure a re-check "
        "at once did not show again; not reported as a violation): expected at most 100 items "
        "per page with limit=100; got 101 items"
    ) in summary
    report = markdown(target)
    assert "### Not reproduced at the declared edges" in report
    assert "- PAGE-LIMIT `listContacts`: expected at most 100 items per page" in report


def test_a_failure_at_the_edges_is_reported_confirmed(api: ApiSpec) -> None:
    """Kept after the re-check and raised again by later examples from one place: Hypothesis
    sees the same failure each time (not a flaky one), and the runner's replay confirms it."""
    target = _target(api, "page-overflow-at-max")
    try:
        finding = run_check("PAGE-LIMIT", "listJobs", target)
    finally:
        target.close()
    assert finding.outcome is Outcome.VIOLATION, finding.message
    assert "confirmed by replaying it" in finding.message
    assert "at most 100 items per page with limit=100" in finding.expected


def test_a_finding_without_requests_says_where_its_reproduction_is() -> None:
    """A conformance failure schemathesis found with no answer synth saw has no curl: the
    reproduce line says so instead of announcing 0 requests and showing nothing."""
    from types import SimpleNamespace

    from synth.testing._record import render

    target: Any = SimpleNamespace(
        config=SimpleNamespace(tenants=[SimpleNamespace(placeholder="$TOKEN_A")])
    )
    bare = Finding("CONFORMANCE", "createPet", Outcome.VIOLATION, 0.1, 1, "a", "b")
    text = render(bare, target, "reported by schemathesis")
    assert "0 requests" not in text
    assert "the reproduction follows" in text
    bare.curl = "curl one\n# -> 200\n\n"
    assert "reproduce (1 requests; set $TOKEN_A first):\n    curl one" in render(bare, target, "x")
