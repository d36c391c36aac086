"""What the runner makes of a check that crashes, rejects every example, or fails only once."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

import hypothesis
import pytest
from hypothesis import strategies as st

from examples.reference_server.app import create_app
from synth.spec import ApiSpec
from synth.testing import Outcome, Target, config_from_options
from synth.testing._config import PROFILES
from synth.testing._context import Context
from synth.testing._http import Request
from synth.testing._runner import run_check
from synth.testing._violation import CannotCheck, NoExample, Violation
from synth.testing.invariants import REGISTRY

from .conftest import TOKENS

INVARIANT, OPERATION = "IDEM-REPLAY", "createContact"


@pytest.fixture
def target(api: ApiSpec) -> Iterator[Target]:
    config = config_from_options(app=create_app(), tenants=TOKENS, profile="quick", seed=1,
                                 env={})  # fmt: skip
    target = Target(config, api)
    yield target
    target.close()


def _replace_check(monkeypatch: pytest.MonkeyPatch, run: Callable[[Context], None]) -> None:
    monkeypatch.setitem(REGISTRY, INVARIANT, dataclasses.replace(REGISTRY[INVARIANT], run=run))


def test_a_check_that_crashes_is_an_error_not_a_crashed_run(
    target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(ctx: Context) -> None:
        raise RuntimeError("the check itself is broken")

    _replace_check(monkeypatch, crash)
    finding = run_check(INVARIANT, OPERATION, target)
    assert finding.outcome is Outcome.ERROR
    assert finding.message.startswith(
        f"ERROR in the check {INVARIANT} on {OPERATION} (a bug in synth, not in the server): "
        "RuntimeError: the check itself is broken\n"
    )
    assert target.findings == [finding]


def test_every_example_set_aside_is_a_transport_fault(
    target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    def set_aside(ctx: Context) -> None:
        ctx.target.note_set_aside()
        hypothesis.reject()

    _replace_check(monkeypatch, set_aside)
    finding = run_check(INVARIANT, OPERATION, target)
    assert finding.outcome is Outcome.FAULT
    assert finding.message == (
        f"TRANSPORT FAULT (not a contract violation) in {INVARIANT} {OPERATION}: every example "
        "was set aside because a write in it was retried after it may have reached the server."
    )


def test_an_example_cut_by_transport_is_sent_again_as_it_was_drawn(
    target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A request that outlasted every retry proves nothing: the example runs again with the
    same draws (the first, simplest, example often shows the bug), and the violation it then
    shows is reported. Three attempts cut so stop the check, cut short."""
    from synth.testing._http import TransportFault

    drawn: list[int] = []

    def flaky_once(ctx: Context) -> None:
        drawn.append(ctx.draw(st.integers(0, 10**9)))
        if len(drawn) == 1:
            raise TransportFault("GET /x: reset after 4 attempts", kind="reset")
        raise Violation(INVARIANT, OPERATION, "kept", f"lost {drawn[-1]}", [])

    _replace_check(monkeypatch, flaky_once)
    finding = run_check(INVARIANT, OPERATION, target)
    assert finding.outcome is Outcome.VIOLATION, finding.message
    assert drawn[0] == drawn[1]  # the same example, sent again
    assert target.set_aside == 1

    attempts: list[int] = []

    def always_cut(ctx: Context) -> None:
        attempts.append(ctx.draw(st.integers()))
        raise TransportFault("GET /x: reset after 4 attempts", kind="reset")

    _replace_check(monkeypatch, always_cut)
    finding = run_check(INVARIANT, OPERATION, target)
    assert finding.outcome is Outcome.FAULT
    assert "TRANSPORT FAULT" in finding.message
    assert len(attempts) == 3  # the first example twice, the next once


def test_every_example_rejected_without_a_set_aside_is_an_error(
    target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    def reject(ctx: Context) -> None:
        hypothesis.reject()

    _replace_check(monkeypatch, reject)
    finding = run_check(INVARIANT, OPERATION, target)
    assert finding.outcome is Outcome.ERROR
    assert "Unsatisfiable" in finding.message


def test_a_violation_that_does_not_replay_is_unconfirmed(
    target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def once(ctx: Context) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise Violation(INVARIANT, OPERATION, "the first answer again", "a new one", [])

    _replace_check(monkeypatch, once)
    finding = run_check(INVARIANT, OPERATION, target)
    assert finding.outcome is Outcome.UNCONFIRMED
    assert finding.expected == "the first answer again"
    assert finding.actual == "a new one"
    assert "NOT confirmed on replay" in finding.message


def test_a_violation_that_replays_is_confirmed(
    target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hypothesis runs the failing example once more before it raises: that run is the
    confirmation, with no explain phase and no replay of the runner's own after it (each run
    of an example is requests against the server)."""
    calls = []

    def always(ctx: Context) -> None:
        calls.append(1)
        raise Violation(INVARIANT, OPERATION, "the first answer again", "a new one", [])

    _replace_check(monkeypatch, always)
    finding = run_check(INVARIANT, OPERATION, target)
    assert finding.outcome is Outcome.VIOLATION
    assert "confirmed by replaying it" in finding.message
    assert "NOT confirmed" not in finding.message
    assert len(calls) == 2  # found, then Hypothesis's final run


def test_a_violation_in_the_simplest_example_is_not_shrunk(
    target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hypothesis's first example is its simplest; a violation there is reported after two
    runs (the search, Hypothesis's final run), without the shrink phase's own run of it."""
    drawn: list[int] = []

    def always(ctx: Context) -> None:
        drawn.append(ctx.draw(st.integers(0, 1000), "n"))
        raise Violation(INVARIANT, OPERATION, "n to be refused", f"n={drawn[-1]}", [])

    _replace_check(monkeypatch, always)
    finding = run_check(INVARIANT, OPERATION, target)
    assert finding.outcome is Outcome.VIOLATION
    assert drawn == [0, 0]  # the simplest example, found, then Hypothesis's final run


def test_a_violation_found_later_is_shrunk_from_where_it_was_found(
    target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A violation the search finds past its first example is shrunk, starting from that
    example (not from a second search), and the smallest example is what the report shows."""
    drawn: list[int] = []

    def large(ctx: Context) -> None:
        drawn.append(ctx.draw(st.integers(0, 1000), "n"))
        if drawn[-1] >= 10:
            raise Violation(INVARIANT, OPERATION, "n to be refused", f"n={drawn[-1]}", [])

    _replace_check(monkeypatch, large)
    finding = run_check(INVARIANT, OPERATION, target)
    assert finding.outcome is Outcome.VIOLATION
    assert finding.actual == "n=10"
    first = next(i for i, n in enumerate(drawn) if n >= 10)
    # The search stopped at the first failing example; the next run replays it.
    assert drawn[first + 2] == drawn[first]
    assert drawn[first + 3] == drawn[first]


@pytest.mark.parametrize("budget", [1000, 4])
def test_shrinking_stops_at_its_request_budget(
    api: ApiSpec, monkeypatch: pytest.MonkeyPatch, budget: int
) -> None:
    """The shrinking pass sends at most ``Profile.shrink_requests`` besides its first two runs
    of the failing example and its final run of the smallest; a larger budget lets the same
    shrink go on (so the cap, not the example, is what stops it)."""
    profile = dataclasses.replace(PROFILES["quick"], shrink_seconds=60, shrink_requests=budget)
    config = config_from_options(app=create_app(), tenants=TOKENS, profile="quick", seed=1,
                                 env={})  # fmt: skip
    target = Target(dataclasses.replace(config, profile=profile), api)
    drawn: list[int] = []

    def one_request(ctx: Context) -> None:
        drawn.append(ctx.draw(st.integers(0, 1000), "n"))
        ctx.target.client.send(Request("a", "GET", "/api/v1/contacts", token="token-a"))
        if drawn[-1] >= 10:
            raise Violation(INVARIANT, OPERATION, "n to be refused", f"n={drawn[-1]}", [])

    _replace_check(monkeypatch, one_request)
    try:
        finding = run_check(INVARIANT, OPERATION, target)
    finally:
        target.close()
    assert finding.outcome is Outcome.VIOLATION
    first = next(i for i, n in enumerate(drawn) if n >= 10)
    shrinking = len(drawn) - (first + 2)  # after the search's examples and its final run
    if budget == 4:
        assert shrinking <= 2 + budget + 1
    else:
        assert shrinking > 2 + 4 + 1


def test_a_check_that_cannot_run_here_is_skipped_with_its_reason(
    target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    def cannot(ctx: Context) -> None:
        raise CannotCheck("no id that exists nowhere to compare with: thing_id: no integer")

    _replace_check(monkeypatch, cannot)
    finding = run_check(INVARIANT, OPERATION, target)
    assert finding.outcome is Outcome.SKIPPED
    assert finding.examples == 1  # stopped at once, not drawn again
    assert finding.message == (
        f"{INVARIANT} on {OPERATION} not checked: no id that exists nowhere to compare with: "
        "thing_id: no integer"
    )


@pytest.mark.parametrize(
    "reason",
    [
        "every thing_id drawn for an id that exists nowhere was found",
        "creating a Thing as tenant a (a fixture of the check) was answered 409 'thing_taken' "
        "4 times, with fresh values in every field that takes one",
    ],
    ids=["nowhere-found", "fixture-refused"],
)
def test_every_example_without_what_it_needs_is_skipped_with_the_reason(
    target: Target, monkeypatch: pytest.MonkeyPatch, reason: str
) -> None:
    """And the check stops once the first examples found nothing to check: 10 more than twice
    the profile's examples (the quick profile's 3: 16), not the hundreds Hypothesis would draw
    before it gave up (a server answering 500 to every unknown id made TEN-READ send 5,967
    requests in 30 s to say it could not check; a fixture refused for a field the contract
    does not declare unique, about 5,500 requests per check)."""
    calls = []

    def none(ctx: Context) -> None:
        calls.append(ctx.draw(hypothesis.strategies.integers(0, 10**6)))
        raise NoExample(reason)

    _replace_check(monkeypatch, none)
    finding = run_check(INVARIANT, OPERATION, target)
    assert finding.outcome is Outcome.SKIPPED
    assert finding.message == (
        f"{INVARIANT} on {OPERATION} not checked: no example could, in 16 tried: {reason}"
    )
    assert len(calls) == finding.examples == 10 + 2 * PROFILES["quick"].examples


def test_some_examples_without_what_they_need_still_pass(
    target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def sometimes(ctx: Context) -> None:
        calls.append(ctx.draw(hypothesis.strategies.integers(0, 10**6)))  # a space to search
        if len(calls) % 2:
            raise NoExample("this example's candidates were all found")

    _replace_check(monkeypatch, sometimes)
    finding = run_check(INVARIANT, OPERATION, target)
    assert finding.outcome is Outcome.PASSED, finding.message
    assert finding.examples > 2


def _moving_state(
    calls: list[bool], *, set_aside_at: int, violated_at: int = 0
) -> Callable[[Context], None]:
    """A check whose every example draws twice, but the ``set_aside_at``-th (counted from 1,
    over every run of the check), which the server's moved state sets aside after one draw;
    the ``violated_at``-th raises a violation after its first."""

    def check(ctx: Context) -> None:
        calls.append(ctx.draw(st.booleans(), "first"))
        if len(calls) == violated_at:
            raise Violation(INVARIANT, OPERATION, "the first answer again", "a new one", [])
        if len(calls) == set_aside_at:
            raise NoExample("tenant b holds an item of its own at tenant a's id")
        ctx.draw(st.booleans(), "second")

    return check


def test_a_search_hypothesis_stops_as_the_server_s_state_moved_is_searched_anew(
    target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What an example draws follows the server's answers, and the server's state moves with
    the run: an example that found what it needs on one path and, on the same path later, was
    set aside sooner (B held an item of its own at A's id) stops Hypothesis's whole search
    (``FlakyStrategyDefinition``). A new user's thorough run reported that as an error in the
    check; the examples left are now searched anew from another seed, and the check passes."""
    calls: list[bool] = []
    _replace_check(monkeypatch, _moving_state(calls, set_aside_at=3))
    finding = run_check(INVARIANT, OPERATION, target)
    assert finding.outcome is Outcome.PASSED, finding.message
    assert len(calls) > PROFILES["quick"].examples  # the search went on past the stop


def test_a_violation_whose_final_run_was_set_aside_is_unconfirmed_not_lost(
    target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hypothesis runs a failing example once more before it raises; where that run was set
    aside (the server's state had moved: B now held an item at A's id), Hypothesis raised
    nothing and the check passed, the violation it had seen lost. It stands, unconfirmed."""
    _replace_check(monkeypatch, _moving_state([], set_aside_at=3, violated_at=2))
    finding = run_check(INVARIANT, OPERATION, target)
    assert finding.outcome is Outcome.UNCONFIRMED, finding.message
    assert finding.actual == "a new one"
    assert "NOT confirmed on replay" in finding.message
