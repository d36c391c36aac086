"""Run one invariant against one operation: Hypothesis generates and shrinks, we confirm and report.

Hypothesis shrinks a failure to its smallest example and runs it once more before it raises:
that second run is the confirmation. Where it did not reproduce (Hypothesis raises
``FlakyFailure``), or where the search ran beside other parts of the API, the runner replays
the example (its ``reproduce_failure`` blob) itself. A violation that does not reproduce is
reported as unconfirmed, never as a violation. Transport faults stop the check at once and are
reported apart.

Every example is HTTP requests against a live server, so the runner asks Hypothesis for no run
it does not need: no explain phase (it reruns the failing example with parts varied to say
which mattered; the report is the curl sequence instead), and no replay of its own after one
that Hypothesis already made.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import hashlib
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import hypothesis
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.database import InMemoryExampleDatabase
from hypothesis.errors import FlakyFailure, FlakyStrategyDefinition, Unsatisfiable

from .._errors import UsageError
from ..catalogue import BY_ID
from ._context import Context, shorten
from ._curl import sequence
from ._first import FIRST, Stage, search_examples, staged
from ._http import Exchange, TransportFault
from ._parallel import walks_whole_list
from ._record import Abort, render
from ._target import Target
from ._violation import (
    FAILING,
    CannotCheck,
    Finding,
    NoExample,
    Outcome,
    Violation,
)
from .invariants import REGISTRY

__all__ = ["check", "run_check"]

_REPLAYS = 3
# Outcomes that stand when seen while the API's other parts ran: a pass, a violation (its
# replay ran with the run to itself) and transport faults.
_STANDS = frozenset({Outcome.PASSED, Outcome.VIOLATION, Outcome.FAULT})
# Checks that judge each answer by itself (its status, its code, its body's shape), never how
# answers relate: a read an earlier example sent the same, with no write of this process since,
# is answered as then instead of sent again, until an example shows a violation (the runs that
# follow send every request, as the report shows them). On the CRM the errors checks of a read
# sent 35 of their 40 to 50 requests again as they were (an operation with no input but the
# item's id draws the same reads in every example), and `getJob`'s spent its rate-limit quota
# on them. Not OBS-REQUEST-ID, whose every request carries a fresh id to be echoed.
REUSES_ANSWERS = frozenset({"ERR-PROBLEM", "ERR-DECLARED", "ERR-VALIDATION"})


def check(invariant_id: str, operation_id: str, target: Target) -> None:
    """Check one invariant on one operation; a confirmed violation fails the calling test.

    A check split in two tests (``_first``) runs as ``target.stage`` says: its first example
    alone, failing only on a violation it confirms, or the check unless that was reported."""

    def run(stage: Stage) -> Finding:
        if stage == "first":
            return run_check(invariant_id, operation_id, target, first=True)
        return target.twins.search(invariant_id, operation_id, target,
                                   lambda: run_check(invariant_id, operation_id, target))  # fmt: skip

    finding = staged(f"{invariant_id} {operation_id}", target, run)
    if finding is None:
        return
    if finding.outcome is Outcome.SKIPPED:
        pytest.skip(finding.message)
    if finding.outcome in FAILING:
        pytest.fail(finding.message, pytrace=False)


def run_check(
    invariant_id: str, operation_id: str, target: Target, *, first: bool = False
) -> Finding:
    """Run the check and return what it found (also recorded in ``target.findings``).

    ``first``: its first example alone (``_first``), recorded only when it shows a violation;
    anything else it meets (a skip, a fault) is left to the check's whole run."""
    inv = REGISTRY.get(invariant_id)
    if inv is None:
        raise UsageError(f"unknown invariant {invariant_id!r}; known: {', '.join(REGISTRY)}")
    try:
        op = target.api.operation(operation_id)
    except KeyError:
        raise UsageError(
            f"operation {operation_id!r} is not in the contracts; the generated tests are stale: "
            "run `synth generate` to regenerate them"
        ) from None
    if not inv.applies(target.api, target.graph, op):
        raise UsageError(
            f"{invariant_id} does not apply to {operation_id} under the current contracts; the "
            "generated tests are stale: regenerate them"
        )
    started, requests = time.monotonic(), target.client.requests
    # The rate-limit checks count what the server counts: no request sent twice (``_http``).
    target.client.hedging = BY_ID[inv.id].family != "limits"
    try:
        finding = _begin(inv.id, op.operation_id, target, first=first)
        if len(target.tenants) < inv.tenants:
            finding.outcome = Outcome.SKIPPED
            finding.message = (
                f"{invariant_id} needs {inv.tenants} tenants; pass another --tenant NAME=TOKEN"
            )
        else:
            _run(inv.id, op.operation_id, target, finding, first=first)
            lock = target.lock
            if lock is not None and lock.partial and finding.outcome not in _STANDS:
                # Seen while the API's other parts ran (``RunLock.exclusive_part``): a server may
                # tie parts together in ways the contract does not say, so the check is run again
                # from its first example with the run to itself, and that is its outcome.
                seen = finding
                _to_itself(target)
                finding = _begin(inv.id, op.operation_id, target, first=first)
                finding.extra["beside"] = str(seen.outcome)
                finding.extra["beside_saw"] = _saw(seen)
                _run(inv.id, op.operation_id, target, finding, first=first)
    finally:
        target.client.hedging = True
    finding.seconds = time.monotonic() - started
    finding.requests = target.client.requests - requests
    if not first or finding.outcome is Outcome.VIOLATION:
        target.findings.append(finding)
    return finding


def _saw(finding: Finding) -> str:
    """What a check's outcome beside other checks was about, for the report: what it expected
    and what came (a violation or one left unconfirmed), or its message (a skip, a fault)."""
    text = (f"expected {finding.expected}; got {finding.actual}" if finding.expected
            else finding.message.splitlines()[0] if finding.message else "")  # fmt: skip
    return text if len(text) <= _SAW else text[: _SAW - 1] + "…"


# How much of what a check saw beside other checks the report keeps (``_saw``).
_SAW = 300


def _to_itself(target: Target) -> None:
    """Take the run to this test alone to confirm what it saw beside other checks. Another
    process may have spoilt what this one keeps for reuse while it waited (conformance deleting
    a shared parent: ``Target.spoil_shared``), so that is dropped first: a confirmation must not
    judge on an item someone else deleted or changed."""
    assert target.lock is not None
    target.lock.exclusive()
    target.sync_shared()


def _begin(invariant_id: str, operation_id: str, target: Target, *, first: bool) -> Finding:
    """A check's start: fresh values drawn from its own seed (the first example's test from
    one of its own: what it made stays, and a unique value made twice would clash), an empty
    finding."""
    target.fresh.reseed(f"{invariant_id}:{operation_id}" + (FIRST if first else ""))
    return Finding(invariant_id, operation_id, Outcome.PASSED, 0.0, 0)


def _run(
    invariant_id: str, operation_id: str, target: Target, finding: Finding, *, first: bool
) -> None:
    examples = 1
    if not first:
        whole = walks_whole_list(invariant_id, operation_id, target)
        examples = search_examples(target.config.profile, invariant_id, whole_list=whole)
    # The first example alone stops at its first example set aside: the search goes on.
    search = _tests(invariant_id, operation_id, target, finding, give_up=1 if first else None)
    base, make = search.base, search.make
    set_aside = target.set_aside
    try:
        violation, reproduced = _search(search, examples, target)
    except Abort as abort:
        _fault(target, finding, abort.fault)
        return
    except (CannotCheck, _GiveUp) as cannot:
        if isinstance(cannot, _GiveUp):
            _vacuous(invariant_id, operation_id, finding, tried=finding.examples)
        else:
            _skipped(invariant_id, operation_id, finding, str(cannot))
        return
    except Exception as exc:  # a crash in a check is a reported error, not a crashed run
        if isinstance(exc, Unsatisfiable) and finding.no_example:
            _skipped(invariant_id, operation_id, finding, f"no example could: {finding.no_example}")
            return
        all_set_aside = isinstance(exc, Unsatisfiable) and target.set_aside != set_aside
        _crashed(invariant_id, operation_id, target, finding, exc, all_set_aside=all_set_aside)
        return
    if violation is None:
        _vacuous(invariant_id, operation_id, finding)
        _undrawn(invariant_id, operation_id, finding)
        return
    if target.lock is not None and target.lock.partial:
        # Found while the API's other parts ran: confirmed with the run to itself.
        _to_itself(target)
        reproduced = False
    try:
        confirmed = violation if reproduced else _replay(make, base, violation)
    except Abort as abort:
        _fault(target, finding, abort.fault)
        return
    _report(target, finding, violation, confirmed)


@dataclass
class _Search:
    """One check's Hypothesis test: its base settings, a function that makes the test with
    given settings (and, to replay a failure, its ``reproduce_failure`` blob), the numbers of
    the examples (counted from 1) that raised a violation."""

    base: settings
    make: Any
    failed_at: list[int]
    # How many examples the check has run so far (``Finding.examples``), and the last
    # violation one of them raised.
    tried: Callable[[], int]
    seen: Callable[[], Violation | None]


def _search(search: _Search, examples: int, target: Target) -> tuple[Violation | None, bool]:
    """Search for a violation; shrink it only when the example that showed it was not already
    the simplest.

    Hypothesis's first example is always its simplest (every choice at its simplest value), and
    shrinking a failure costs two runs of it before any smaller one is tried (a run to see it
    fail again, then the final run). So the search runs without the shrink phase: a violation
    in the first example is reported as it stands, seen twice (the search and Hypothesis's
    final run). A violation found later is shrunk in a second pass that starts from it (saved
    in an in-memory example database) rather than searching again, within the profile's
    seconds and requests (``Profile.shrink_seconds``, ``shrink_requests``); where that pass
    does not see it again, the first pass's violation stands.
    """
    base, make, profile = search.base, search.make, target.config.profile
    database = _Found()
    phases = [p for p in base.phases if p is not hypothesis.Phase.shrink]
    before = search.tried()
    try:
        found = _violation_of(make(settings(base, max_examples=examples, phases=phases,
                                            database=database)))  # fmt: skip
    except FlakyStrategyDefinition:
        # What an example draws follows what the server answers (a fixture refused, an item
        # of B's own found at A's id, a list's length), and the server's state moves with
        # the run (and with earlier runs: a fresh user's API with thousands of items left by
        # them drew it in a thorough run). Hypothesis stops the whole search when a path it
        # drew before ends elsewhere: the examples left are searched once more from another
        # seed, a search of its own.
        left = max(1, examples - (search.tried() - before))
        found = _violation_of(make(settings(base, max_examples=left, phases=phases,
                                            database=database), again=1))  # fmt: skip
    if found[0] is None and search.seen() is not None:
        # An example raised a violation and Hypothesis raised none: its final run of that
        # example was set aside (the server's state had moved), or the search stopped (above)
        # and the new one did not see it. It stands, unconfirmed, as one that did not replay.
        found = (search.seen(), False)
    if found[0] is None or search.failed_at[:1] == [1]:
        return found
    database.demote()
    until = target.client.requests + profile.shrink_requests
    with _shrink_budget(profile.shrink_seconds, lambda: target.client.requests >= until):
        try:
            shrunk = _violation_of(make(settings(base, max_examples=examples, database=database,
                                                 phases=[hypothesis.Phase.reuse,
                                                         hypothesis.Phase.shrink])))  # fmt: skip
        except FlakyStrategyDefinition:
            shrunk = (None, False)  # the search's violation stands, as where shrinking lost it
    return shrunk if shrunk[0] is not None else found


class _Found(InMemoryExampleDatabase):
    """Where the search leaves its failing example for the shrinking pass.

    Hypothesis replays an example saved under a test's primary key as one already shrunk, and
    shrinks one saved under its secondary key: ``demote`` moves the search's there.
    """

    def demote(self) -> None:
        # ``data`` (key -> values) is this public class's own store; the keys Hypothesis
        # derives are the primary one and it with ``.secondary`` or ``.pareto`` appended.
        for key in [k for k in self.data if not k.endswith((b".secondary", b".pareto"))]:
            for value in list(self.fetch(key)):
                self.move(key, key + b".secondary", value)


# Examples set aside for want of what they need (beyond twice the profile's examples) after
# which a check that has checked nothing yet stops.
_GIVE_UP = 10
# Attempts of a check's examples that a request outlasting every retry cut short (a transport
# fault) before the check stops, cut short itself: one such request is the edge's bad luck (at
# 10% faults, about one request in a thousand outlasts four attempts), and the example proves
# nothing either way, so it is sent again; three in one check is a server in trouble.
_FAULTED = 3


class _Diverged(Exception):
    """An example sent again drew more than it did the first time (``_Replayed``)."""


class _Recorded:
    """The draws of an example as it runs, kept to send it again as it was (``_Replayed``)."""

    def __init__(self, data: st.DataObject) -> None:
        self._data = data
        self.values: list[Any] = []

    def draw(self, strategy: st.SearchStrategy[Any], label: str | None = None) -> Any:
        value = self._data.draw(strategy, label=label)
        self.values.append(copy.deepcopy(value))
        return value


class _Replayed:
    """An example's draws given again in order (its requests then go as they went, but for
    fresh markers and unique values); a draw past them is ``_Diverged``."""

    def __init__(self, values: list[Any]) -> None:
        self._values = iter(values)

    def draw(self, strategy: st.SearchStrategy[Any], label: str | None = None) -> Any:
        try:
            return copy.deepcopy(next(self._values))
        except StopIteration:
            raise _Diverged(f"drew more than the first time: {strategy!r}") from None


class _GiveUp(BaseException):
    """Stops a Hypothesis run whose examples found nothing to check (a ``BaseException``, as
    ``_record.Abort``, so that Hypothesis does not take it for a failing example)."""


class _Scenario:
    """One example of a check, what Hypothesis calls (``_tests``): the check run once, or, where
    transport cut it (a request that outlasted every retry, a write retried after it may have
    arrived), twice, the second time with the first one's draws. What it counts goes into
    ``finding``; ``give_up``: examples set aside before a check that has checked nothing
    stops."""

    def __init__(self, invariant_id: str, target: Target, finding: Finding, give_up: int) -> None:
        self.inv = REGISTRY[invariant_id]
        self.op = target.api.operation(finding.operation)
        self.target, self.finding, self.give_up = target, finding, give_up
        self.failed_at: list[int] = []  # the examples (counted from 1) that raised a violation
        self.seen: Violation | None = None  # the last violation an example raised
        self.set_aside = 0  # examples that found nothing to check (NoExample)
        self.faulted = 0  # attempts cut short by a transport fault
        # The answers to reads a check judging each answer by itself reuses (``_context``).
        self.answers: dict[tuple[Any, ...], tuple[Exchange, int]] = {}

    def _once(self, ctx: Context) -> None:
        finding = self.finding
        self.inv.run(ctx)
        if ctx.vacuous is None:
            finding.exercised += 1
            for what, (options, chosen) in ctx.drawn.items():
                finding.wanted[what] = options
                finding.drawn.setdefault(what, set()).update(chosen)
        else:
            finding.vacuous = ctx.vacuous

    def _cut(self, fault: TransportFault) -> None:
        """An attempt cut short by a request that outlasted every retry: the check stops
        (``Abort``) at the ``_FAULTED``-th, or at once for a first example alone (its search
        goes on)."""
        self.faulted += 1
        if self.faulted >= _FAULTED or self.give_up == 1:
            raise Abort(fault) from None

    def _judged(self, ctx: Context) -> bool:
        """Whether ``ctx``, which raised a violation, judged the server: a write retried after
        it may have reached the server can show a second effect (a 404, a 412, a duplicate)
        that is the retry's doing, not the server's, and the example proves nothing either
        way."""
        if any(exchange.ambiguous for exchange in ctx.trace):
            return False
        self.failed_at.append(self.finding.examples)
        return True

    def _attempt(self, ctx: Context) -> bool:
        """Run the check once as ``ctx``: True when it judged the server (a violation it saw is
        raised), False when transport cut it short and it proves nothing."""
        try:
            self._once(ctx)
        except TransportFault as fault:
            self._cut(fault)
            return False
        except Violation as violation:
            if self._judged(ctx):
                self.seen = violation
                raise
            return False
        return True

    def _context(self, data: _Recorded | _Replayed) -> Context:
        """The context of the current example, drawing from ``data``: after a check's first
        example, requests that do not depend on each other go together (``Context.at_once``),
        until an example shows a violation; the runs of it that follow (Hypothesis's final
        run, shrinking, the replay that confirms it) send them one at a time, as the report
        shows them. An operation whose contract declares a latency objective sends them one
        at a time too: its answers are the sample the objective is judged on (``_latency``),
        which answers sharing the server with each other would skew."""
        ctx = Context(self.target, self.finding.invariant, self.op, data)  # type: ignore[arg-type]
        ctx.at_once = self.finding.examples > 1 and not self.failed_at and self.op.slo is None
        if self.inv.id in REUSES_ANSWERS and not self.failed_at and self.op.slo is None:
            ctx.answers = self.answers
        return ctx

    def __call__(self, data: st.DataObject) -> None:
        finding, target = self.finding, self.target
        finding.examples += 1
        if finding.examples > 1 and target.lock is not None:
            target.lock.let_in()  # a check keeping its part lets waiting writes in between
        recorded = _Recorded(data)
        try:
            if self._attempt(self._context(recorded)):
                return
        except NoExample as no:
            finding.no_example = str(no)
            self.set_aside += 1
            if not finding.exercised and self.set_aside >= self.give_up:
                # None of the first examples had what it needs (every id drawn for one that
                # exists nowhere was found; a fixture's create refused each time): more would
                # ask the same server the same question until Hypothesis gives up on its own,
                # hundreds of examples and thousands of requests later. What a shared parent's
                # state refuses is not among them: that parent is replaced (``Context.fixture``).
                raise _GiveUp from None
            hypothesis.reject()
        # What transport cut proves nothing: the example is sent again once, as it was drawn
        # (the simplest example, Hypothesis's first, is often the one that shows a bug, and
        # another drawn in its place may not), and set aside only if that is cut too.
        target.note_set_aside()
        again = self._context(_Replayed(recorded.values))
        try:
            if self._attempt(again):
                return
        except (NoExample, _Diverged):
            pass
        hypothesis.reject()


def _tests(
    invariant_id: str,
    operation_id: str,
    target: Target,
    finding: Finding,
    *,
    give_up: int | None = None,
) -> _Search:
    """The check's Hypothesis test (``_Search``); ``give_up``: examples set aside before a
    check that has checked nothing stops (``_GIVE_UP`` beyond twice the profile's examples)."""
    if give_up is None:
        give_up = _GIVE_UP + 2 * target.config.profile.examples
    scenario = _Scenario(invariant_id, target, finding, give_up)

    base = settings(
        database=None,
        deadline=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
        phases=[p for p in hypothesis.Phase if p is not hypothesis.Phase.explain],
        print_blob=True,
        verbosity=hypothesis.Verbosity.quiet,
    )

    def make(chosen: settings, blob: tuple[str, bytes] | None = None, again: int = 0) -> Any:
        """The test under ``chosen``; ``blob`` replays a failure, ``again`` counts the searches
        begun anew (``_search``), each from a seed of its own."""

        def example(data: st.DataObject) -> None:
            scenario(data)

        test = given(st.data())(example)
        if blob is not None:
            test = hypothesis.reproduce_failure(*blob)(test)
        elif target.config.seed is not None:
            key = f"{target.config.seed}:{invariant_id}:{operation_id}" + (
                f":{again}" if again else ""
            )
            digest = hashlib.sha256(key.encode())
            test = hypothesis.seed(int.from_bytes(digest.digest()[:8], "big"))(test)
        # Settings last: ``seed`` turns the example database off, and the search hands its
        # failure to the shrinking pass through one (``_search``).
        return settings(chosen)(test)

    return _Search(base, make, scenario.failed_at, lambda: finding.examples, lambda: scenario.seen)


def _skipped(invariant_id: str, operation_id: str, finding: Finding, why: str) -> None:
    """The check could not run here, and says why: a skip, never a report on the server."""
    finding.outcome = Outcome.SKIPPED
    finding.message = f"{invariant_id} on {operation_id} not checked: {why}"


def _vacuous(
    invariant_id: str, operation_id: str, finding: Finding, *, tried: int | None = None
) -> None:
    """No violation, but no example exercised what the check is about: a skip with the reason,
    never a pass (an example that could not be made, or one that saw nothing, proves nothing).
    ``tried``: the examples drawn before the check stopped (``_GiveUp``)."""
    if finding.exercised or not (finding.vacuous or finding.no_example):
        return
    could = f"no example could, in {tried} tried" if tried else "no example could"
    if finding.no_example and finding.vacuous:
        why = f"{could}: {finding.no_example}; the examples that ran {finding.vacuous}"
    elif finding.no_example:
        why = f"{could}: {finding.no_example}"
    else:
        why = f"no example exercised it: every example {finding.vacuous}"
    _skipped(invariant_id, operation_id, finding, why)


def _undrawn(invariant_id: str, operation_id: str, finding: Finding) -> None:
    """A check that passed without exercising every option it must (every allowed sort
    order): a skip naming those never drawn, never a pass."""
    if finding.outcome is not Outcome.PASSED:
        return
    missing = [
        f"{what} never drawn: {', '.join(o for o in options if o not in finding.drawn[what])}"
        for what, options in finding.wanted.items()
        if not set(options) <= finding.drawn.get(what, set())
    ]
    if missing:
        _skipped(invariant_id, operation_id, finding,
                 f"{'; '.join(missing)} in the {finding.exercised} examples that ran (each "
                 "example draws one; --profile default or thorough draws more)")  # fmt: skip


def _crashed(
    invariant_id: str,
    operation_id: str,
    target: Target,
    finding: Finding,
    exc: Exception,
    *,
    all_set_aside: bool,
) -> None:
    """The search ended in an exception: every example set aside, or a bug in the check."""
    if all_set_aside:
        finding.outcome = Outcome.FAULT
        finding.message = (
            f"TRANSPORT FAULT (not a contract violation) in {invariant_id} {operation_id}: "
            "every example was set aside because a write in it was retried after it may "
            "have reached the server."
        )
        return
    finding.outcome = Outcome.ERROR
    finding.message = target.redact(
        f"ERROR in the check {invariant_id} on {operation_id} (a bug in synth, not in the "
        f"server): {type(exc).__name__}: {exc}\n{_trace(exc)}"
    )


def _replay(make: Any, base: settings, violation: Violation) -> Violation | None:
    """Replay the shrunk example (Hypothesis's reproduce_failure blob) to confirm it; an
    ``Abort`` (a transport fault) is left to the caller."""
    confirmed: Violation | None = None
    blob = _blob(violation)
    for _ in range(_REPLAYS if blob is not None else 0):
        try:
            confirmed, _ = _violation_of(make(settings(base, max_examples=1), blob))
        except (Exception, pytest.skip.Exception):  # did not reproduce, or could not replay
            confirmed = None
        if confirmed is not None:
            break
    return confirmed


def _report(
    target: Target, finding: Finding, violation: Violation, confirmed: Violation | None
) -> None:
    shown = confirmed or violation
    finding.expected = shorten(target.redact(shown.expected))
    finding.actual = shorten(target.redact(shown.actual))
    finding.curl = sequence(shown.exchanges, target.config.url, target.redact,
                            [name for name, _ in target.config.headers],
                            target.credential)  # fmt: skip
    if confirmed is not None:
        finding.outcome = Outcome.VIOLATION
        finding.message = render(finding, target, "confirmed by replaying it")
    else:
        finding.outcome = Outcome.UNCONFIRMED
        finding.message = render(finding, target, "NOT confirmed on replay")


@contextlib.contextmanager
def _shrink_budget(seconds: float, spent: Callable[[], bool] = lambda: False) -> Iterator[None]:
    """Cap the time Hypothesis spends shrinking, and the requests (``spent`` says when they are
    used up): each shrink step here is a run of the example, a few HTTP requests.

    Hypothesis has no public setting for either. Its engine reads this module constant when
    shrinking starts (five minutes by default, far too long against a live server) and stops
    shrinking once its clock passes the deadline; once ``spent``, the clock it reads
    (``_Clock``) runs past any deadline.
    """
    from hypothesis.internal.conjecture import engine

    saved, clock = engine.MAX_SHRINKING_SECONDS, vars(engine)["time"]
    engine.MAX_SHRINKING_SECONDS = seconds  # type: ignore[assignment]
    setattr(engine, "time", _Clock(spent))  # noqa: B010 (not an attribute it exports)
    try:
        yield
    finally:
        engine.MAX_SHRINKING_SECONDS = saved
        setattr(engine, "time", clock)  # noqa: B010


class _Clock:
    """The ``time`` module as Hypothesis's engine sees it while a check shrinks: the real one,
    except that once the requests are spent each ``perf_counter`` reading jumps a day further
    on, past the deadline however late it was set (only the engine's shrink deadline and its
    phase statistics read it)."""

    def __init__(self, spent: Callable[[], bool]) -> None:
        self._spent = spent
        self._jumps = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)

    def perf_counter(self) -> float:
        if self._spent():
            self._jumps += 1
        return time.perf_counter() + 86_400.0 * self._jumps


def _blob(violation: Violation) -> tuple[str, bytes] | None:
    """The ``@reproduce_failure(version, blob)`` arguments Hypothesis noted on the failure."""
    for note in getattr(violation, "__notes__", []):
        found = re.search(r"@reproduce_failure\((['\"][^'\"]+['\"]), (b['\"][^'\"]*['\"])\)", note)
        if found:
            return ast.literal_eval(found.group(1)), ast.literal_eval(found.group(2))
    return None


def _trace(exc: BaseException) -> str:
    import traceback

    return "".join(traceback.format_exception(exc)[-6:])


def _violation_of(test: Any) -> tuple[Violation | None, bool]:
    """The violation the test raised, and whether Hypothesis saw it twice: a ``Violation``
    raised by ``given`` comes from its final run of the shrunk example, which Hypothesis makes
    to raise it, so the example failed again; ``FlakyFailure`` says the final run did not."""
    try:
        test()
    except Violation as violation:
        return violation, True
    except FlakyFailure as flaky:
        inner = [e for e in flaky.exceptions if isinstance(e, Violation)]
        return (inner[0] if inner else None), False
    return None, False


def _fault(target: Target, finding: Finding, fault: TransportFault) -> None:
    finding.outcome = Outcome.FAULT
    finding.message = target.redact(
        f"TRANSPORT FAULT (not a contract violation) in {finding.invariant} {finding.operation}: "
        f"{fault}. The server did not answer usably after every retry (backing off where many "
        "requests failed)."
    )
