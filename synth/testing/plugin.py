"""The pytest plugin behind the generated tests: target options, the ``target`` fixture, reports.

The generated ``conftest.py`` imports these hooks and the fixture, so ``pytest generated/tests``
and ``synth test`` run the same tests and take the same target options. ``synth test`` passes
an already validated configuration (possibly with an in-process app) through ``inject``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from _pytest import junitxml  # its stash key: the report the run writes, to add properties to

from .. import loader
from .._errors import SynthError, describe
from ..catalogue import BY_ID
from ..spec import ApiSpec
from . import _exit
from ._authorization import standby
from ._config import TargetConfig, config_from_options
from ._conformance import INVARIANT as CONFORMANCE
from ._conformance import sends_declared_examples
from ._coverage import Gap, NotExercised, gaps_of, not_exercised_item, tenant_gaps, uncovered
from ._coverage import describe as describe_coverage
from ._data import Schemas
from ._dispatch import WIRE_KEY as DISPATCH_WHEN_FREE
from ._dispatch import run_when_free
from ._edges import SharedEdges
from ._first import FIRST, SPLIT_AT, FirstExamples, covered_firsts, search_examples
from ._latency import latency_rows
from ._lock import RunLock
from ._order import Chains, load_costs, order, parse_shard, shard, test_key, with_firsts
from ._parallel import (
    ALONE,
    STAGGER_NICE,
    PartScheduling,
    Shape,
    alone,
    chains,
    config_from_wire,
    config_to_wire,
    dealt,
    dump_state,
    hold,
    merge_state,
    quotas_spent,
    shape_of,
    stays_on,
)
from ._report import markdown, summary_lines
from ._target import Target
from ._twins import Twins
from ._unique import unique_notes
from ._violation import Outcome

__all__ = [
    "coverage_lines",
    "inject",
    "pytest_addoption",
    "pytest_configure",
    "pytest_terminal_summary",
    "target",
]

_INJECTED: list[tuple[TargetConfig, ApiSpec | None]] = []
_CONFIG = pytest.StashKey[TargetConfig]()
_API = pytest.StashKey[ApiSpec]()
_TARGET = pytest.StashKey[Target]()
_BEFORE = pytest.StashKey[int]()
# The selected catalogue checks, as (invariant, operation), and the declared ones not exercised.
_CHECKS = pytest.StashKey[list[tuple[str, str]]]()
_GAPS = pytest.StashKey[list[Gap]]()
# With worker processes: the run's lock folder, and (in the controller) each worker's state.
_LOCK_DIR = pytest.StashKey[str]()
_STATES = pytest.StashKey[list[str]]()
# A split check's test: "first" (its first example alone) or "rest" (``_first``).
_STAGE = pytest.StashKey[str]()
# The tenant a chain's walk acts as, by index (``Chains.lanes``).
_LANE = pytest.StashKey[int]()
# The run's chains and the quotas each operation's checks spend (``_parallel.stays_on``);
# the part this process says it goes on with while it runs a test (``RunLock.stay``).
_SCHEDULE = pytest.StashKey[tuple[Chains, dict[str, frozenset[str]]]]()
_STAYS = pytest.StashKey[str]()
# Set once a process of one has started its object-level checks' engines ahead (``_ahead``).
_AHEAD = pytest.StashKey[bool]()


def inject(config: TargetConfig | None, api: ApiSpec | None = None) -> None:
    """Use ``config`` (and ``api``, already loaded from its contracts) for the next pytest
    session instead of its options (``synth test``)."""
    _INJECTED.clear()
    if config is not None:
        _INJECTED.append((config, api))


def _api(config: pytest.Config) -> ApiSpec:
    """The contracts under test, loaded once per session."""
    api = config.stash.get(_API, None)
    if api is None:
        api = config.stash[_API] = loader.load(config.stash[_CONFIG].contracts)
    return api


def _named(item: pytest.Item) -> tuple[str, str]:
    """``(invariant, operation)`` as a generated test's name spells them (``test_op__INV_ID``),
    whether or not the invariant is in the catalogue; ``("", name)`` for any other test."""
    return test_key(item.name)


def _check_of(item: pytest.Item) -> tuple[str, str] | None:
    """``(invariant, operation)`` for a generated catalogue test, else None (and for a
    check's first example's test, ``name[first]``: the same check, counted once)."""
    if item.name.endswith(FIRST):
        return None
    invariant, operation = _named(item)
    return (invariant, operation) if invariant in BY_ID else None


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("synth", "synth target (also SYNTH_* environment variables)")
    group.addoption("--base-url", help="the server's base URL (SYNTH_BASE_URL)")
    group.addoption(
        "--tenant",
        action="append",
        default=[],
        metavar="NAME=TOKEN",
        help="a tenant and its secret (bearer token, API key or session cookie, as "
        "the contracts declare); twice or more (SYNTH_TENANTS)",
    )
    group.addoption("--tenant-id", action="append", default=[], metavar="NAME=VALUE",
                    help="a tenant's value of the tenant path parameter (SYNTH_TENANT_IDS)")  # fmt: skip
    group.addoption("--allow-host", action="append", default=[], metavar="HOST",
                    help="a non-loopback host that may receive writes (SYNTH_ALLOW_HOSTS)")  # fmt: skip
    group.addoption("--profile", choices=["quick", "default", "thorough"], help="test budget")
    group.addoption("--seed", help="reproduce a run (SYNTH_SEED)")
    group.addoption("--timeout", help="seconds per request (SYNTH_TIMEOUT)")
    group.addoption("--header", action="append", default=[], metavar="NAME=VALUE",
                    help="a secret header sent with every request (SYNTH_HEADERS)")  # fmt: skip
    group.addoption("--contracts", help="the contracts directory (SYNTH_CONTRACTS)")
    group.addoption("--synth-report", metavar="FILE", help="write a markdown report here")
    group.addoption("--synth-require-coverage", action="store_true", default=False,
                    help="fail the run when a declared semantic is not exercised")  # fmt: skip
    group.addoption("--synth-shard", metavar="I/N",
                    help="run only shard I of N (checks split by cost)")  # fmt: skip
    group.addoption("--synth-costs", metavar="FILE",
                    help="balance shards by the seconds in this --synth-results file")  # fmt: skip
    group.addoption("--synth-results", metavar="FILE",
                    help="write this run's findings as JSON, for `synth test merge`")  # fmt: skip
    group.addoption("--synth-enforce-slo", action="store_true", default=False,
                    help="fail the run when a latency objective is breached over enough "
                    "answers")  # fmt: skip


class _FaultsApart:
    """Turns a test that a transport fault cut short into a skip that says so.

    A check the target never answered usably has found nothing, neither a violation nor its
    absence; failing the run for it would cry wolf. The report counts such checks apart.
    Registered from ``pytest_configure`` because the generated conftest imports hooks by name.
    """

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Iterator[None]:
        made = item.config.stash.get(_TARGET, None)
        item.stash[_BEFORE] = len(made.findings) if made is not None else 0
        return (yield)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Iterator[None]:
        report: Any = yield
        made = item.config.stash.get(_TARGET, None)
        if made is None or report.when != "call" or not report.failed:
            return report  # type: ignore[no-any-return]
        new = made.findings[item.stash.get(_BEFORE, len(made.findings)) :]
        if new and all(f.outcome is Outcome.FAULT for f in new):
            reason = new[-1].message.splitlines()[0] if new[-1].message else "transport fault"
            report.outcome = "skipped"
            report.longrepr = (str(item.path), item.location[1] or 0, f"Skipped: {reason}")
        return report  # type: ignore[no-any-return]


class _Workers:
    """Checks in pytest-xdist worker processes (``synth test --workers``): the target's
    configuration goes to each worker, what each found comes back, and every test holds the
    run's lock (``_parallel``) while it runs."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        stash = self.config.stash
        if _LOCK_DIR not in stash:
            stash[_LOCK_DIR] = tempfile.mkdtemp(prefix="synth-run-")
        node.workerinput["synth_config"] = config_to_wire(stash[_CONFIG])
        # Each worker runs a test without waiting to be sent the next (``_dispatch``), for
        # ``PartScheduling`` to hand out each unit when a worker is free for it.
        node.workerinput[DISPATCH_WHEN_FREE] = self.config.getoption("dist", None) == "load"
        node.workerinput["synth_lock"] = stash[_LOCK_DIR]

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_setupnodes(self, config: pytest.Config, specs: list[Any]) -> None:
        """The workers past the machine's CPUs (a far target's: ``workers_for``) start at a
        lower priority (``nice``), so that the first ones come up and start checks at once,
        where every worker importing at the same time took them all five to eight seconds
        on two CPUs (twelve workers); the others take the CPU time those leave while their
        requests wait on the network. xdist has made each spec with its execution model
        (``NodeManager``) before this hook, and makes the gateway from that spec."""
        for spec in specs[os.cpu_count() or 1 :]:
            if spec.popen and not spec.nice:
                spec.nice = str(STAGGER_NICE)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        state = getattr(node, "workeroutput", {}).get("synth_state")
        if state is not None:
            self.config.stash.setdefault(_STATES, []).append(state)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Iterator[None]:
        made = item.config.stash.get(_TARGET, None)
        if made is None:
            return (yield)
        # By name: OBJECT-LEVEL-AUTHORIZATION is not in the catalogue.
        invariant, operation = _named(item)
        # The tenant a chain's walk acts as, in one process too: a run replays the same.
        lane = item.stash.get(_LANE, None)
        made.lane = lane if dealt(invariant, operation, made) else None
        # What the lists held (``Target.seen_list``): requests this process's client did not
        # send changed them since (the object-level check's ``st run`` processes), and with
        # no lock, nothing else says so.
        made.seen_lists.clear()
        lock = made.lock
        if lock is None:
            return (yield)
        if item.stash.get(_STAGE, "") == "rest":
            # Its first example's test, run by another process, is waited for with no lock held.
            made.firsts.before_search(f"{invariant} {operation}")
        if item.stash.get(_STAGE, "") != "first":
            # Likewise the twin search (``_twins``) that claimed the pair, if not this one.
            made.twins.before_search(invariant, operation)
        if invariant in ALONE:
            # The object-level check's engine, if not yet started (``standby``), starts to
            # draw while this test waits for its part: handed out ahead of the part's end, it
            # first waits for the part's last tests to be handed out, holding nothing.
            standby(made, operation)
            lock.until_drained(made.part(operation))
        hold(made, invariant, operation)
        # Said at each test's start: a test skipped in its setup says nothing.
        lock.stay(item.stash.get(_STAYS, "") or None)
        made.sync_shared()
        try:
            return (yield)
        finally:
            lock.release()
            made.twins.after_test(invariant, operation)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> Any:
        """Each part's chain to one worker (``PartScheduling``), for ``--dist load`` (what
        ``synth test --workers`` and a plain ``pytest -n N`` of the generated tests run)."""
        if config.getoption("dist", None) != "load" or _CONFIG not in config.stash:
            return None
        try:
            api = _api(config)
        except SynthError:
            return None  # the run stops on it where it needs the contracts, and says why
        costs = config.getoption("synth_costs", None)
        try:
            measured = load_costs(costs) if costs else None
        except SynthError:
            return None  # the workers stop on it, and say why
        tenants = len(config.stash[_CONFIG].tenants)
        folder = config.stash.get(_LOCK_DIR, None)
        return PartScheduling(config, shape_of(api), log, tenants=tenants, measured=measured,
                              folder=Path(folder) if folder else None)  # fmt: skip

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Each failure printed the moment it is reported, not only at the end."""
        if report.when != "call" or not report.failed or hasattr(self.config, "workerinput"):
            return
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is None:
            return
        reporter.ensure_newline()
        reporter.write_line(f"synth: FAILED {report.nodeid}")
        for line in report.longreprtext.splitlines():
            reporter.write_line(f"  {line}")

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        config = session.config
        output = getattr(config, "workeroutput", None)
        if output is not None:
            output["synth_state"] = dump_state(config.stash.get(_TARGET, None),
                                               config.stash.get(_CHECKS, None),
                                               config.stash.get(_GAPS, None))  # fmt: skip

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        folder = config.stash.get(_LOCK_DIR, None)
        if folder is not None and not hasattr(config, "workerinput"):
            shutil.rmtree(folder, ignore_errors=True)


class _WorkerEnd:
    """A worker's session has ended once the last plugin has unconfigured: it may leave
    without the interpreter's teardown (``_exit``)."""

    @pytest.hookimpl(trylast=True)
    def pytest_unconfigure(self, config: pytest.Config) -> None:
        _exit.done()


def _ahead(made: Target, items: list[pytest.Item]) -> None:
    """In a run of one process (``--workers 1``) on a machine with CPUs to spare, start every
    object-level check's engine at once (``_authorization.standby``), held before its first
    request until its test takes it: its start-up (importing schemathesis, loading the
    document, drawing the coverage phase's cases, a second or two of CPU each) runs on a CPU
    the run leaves idle, instead of beside the test before it. A run of worker processes keeps
    the CPUs busy, and starts each engine a test ahead (``nextitem``)."""
    if (os.cpu_count() or 1) < 2:
        return
    for item in items:
        _standby(made, item)


def _standby(made: Target, item: pytest.Item) -> None:
    """Start ``item``'s object-level check's engine ahead of it, where ``item`` is one."""
    invariant, operation = _named(item)
    if invariant in ALONE and isinstance(item, pytest.Function):
        standby(made, operation)


class _Order:
    """Cheap checks first; with ``--synth-shard I/N`` only this shard's (``_order``)."""

    @pytest.hookimpl(trylast=True)  # after -k deselects: shards split what is selected
    def pytest_collection_modifyitems(
        self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        costs_file = config.getoption("synth_costs", None)
        text = config.getoption("synth_shard", None)
        try:
            measured = load_costs(costs_file) if costs_file else None
            wanted = parse_shard(text) if text else None
        except SynthError as exc:
            raise pytest.UsageError(describe(exc)) from None
        names = [item.name for item in items]
        if wanted is not None:
            mine = shard(names, *wanted, measured, _parts_of_tests(config, names))
            dropped = [item for i, item in enumerate(items) if i not in mine]
            if dropped:
                config.hook.pytest_deselected(items=dropped)
            kept = [(name, item) for i, (name, item) in enumerate(zip(names, items, strict=True))
                    if i in mine]  # fmt: skip
            names, items[:] = [n for n, _ in kept], [item for _, item in kept]
        spread = hasattr(config, "workerinput")  # one of several worker processes
        shape, found = None, None
        if _CONFIG in config.stash:
            try:
                shape = shape_of(_api(config))
                found = chains(names, shape, len(config.stash[_CONFIG].tenants), measured)
            except SynthError:
                shape = None  # the run stops on it where it needs the contracts
        workers = int(getattr(config, "workerinput", {}).get("workercount", 1))
        ordered = order(names, measured, spread=spread, chains=found, workers=workers)
        splits = _splits(config, shape, found)
        # A generated test function; not a declared check synth cannot run (``NotExercised``).
        functions = {item.name for item in items if isinstance(item, pytest.Function)}
        placed = with_firsts(names, ordered, lambda name: name in functions and splits(name),
                             measured)  # fmt: skip
        split = {i for i, first in placed if first}
        for i in split:
            items[i].stash[_STAGE] = "rest"
        for i, name in enumerate(names):
            if found is not None and name in found.lanes:
                items[i].stash[_LANE] = found.lanes[name]
        items[:] = [_first_of(items[i]) if first else items[i] for i, first in placed]
        if found is not None and shape is not None:
            config.stash[_SCHEDULE] = (found, quotas_spent(shape))

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None) -> None:
        """Notes the part this process goes on with after ``item`` (``_parallel.stays_on``);
        where the object-level check of a part comes next, starts its engine meanwhile
        (``_authorization.standby``)."""
        known = item.config.stash.get(_SCHEDULE, None)
        # The next test, where the worker has one queued: else the session (``_dispatch``).
        if not isinstance(nextitem, pytest.Item):
            nextitem = None
        following = nextitem.nodeid if nextitem is not None else None
        item.stash[_STAYS] = stays_on(item.nodeid, following, *known) if known else ""
        made = item.config.stash.get(_TARGET, None)
        if made is None:
            return
        if not hasattr(item.config, "workerinput") and _AHEAD not in item.config.stash:
            item.config.stash[_AHEAD] = True
            _ahead(made, item.session.items)
        if nextitem is not None:
            _standby(made, nextitem)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Iterator[None]:
        """Tells the target which test of a split check runs (``_first``)."""
        made = item.config.stash.get(_TARGET, None)
        if made is None:
            return (yield)
        made.stage = item.stash.get(_STAGE, "")
        try:
            return (yield)
        finally:
            made.stage = ""


def _splits(
    config: pytest.Config, shape: Shape | None, found: Chains | None
) -> Callable[[str], bool]:
    """Which generated tests are split in two (``_first``): under a profile of ``SPLIT_AT``
    examples or more, a catalogue check whose search runs more than one, that keeps nothing
    to itself from its first request (those wait for others, and a rate-limit check's first
    example is most of its run) and is in no part's chain (``found``, ``_parallel.chain_of``:
    its first example would hold its part's lock beside the chain); and conformance on an
    operation whose declared examples it sends. None without the contracts (``shape``)."""
    if shape is None or found is None:
        return lambda name: False
    profile = config.stash[_CONFIG].profile
    chained = found.of
    operations = {op.operation_id for op in shape.api.operations}

    def split(name: str) -> bool:
        invariant, operation = test_key(name)
        if invariant == CONFORMANCE and operation in operations:
            # Its first test sends the contract's declared examples, the other the drawn cases.
            return sends_declared_examples(shape.api, shape.api.operation(operation))
        return (invariant in BY_ID and name not in chained
                and not alone(invariant, operation, shape)
                and profile.examples >= SPLIT_AT and search_examples(profile, invariant) > 1)  # fmt: skip

    return split


def _first_of(item: pytest.Item) -> pytest.Item:
    """The test that runs ``item``'s first example alone (``test_op__INV[first]``)."""
    assert isinstance(item, pytest.Function)
    first = pytest.Function.from_parent(item.parent, name=item.name + FIRST, callobj=item.obj,
                                        keywords=item.keywords)  # fmt: skip
    first.stash[_STAGE] = "first"
    return first


def _parts_of_tests(config: pytest.Config, names: list[str]) -> dict[str, str]:
    """Each generated test's part of the API (``Graph.parts``), by its operation; none where
    the contracts cannot be read here (the run stops on it where it needs them)."""
    if _CONFIG not in config.stash:
        return {}
    try:
        parts = shape_of(_api(config)).graph.parts()
    except SynthError:
        return {}
    found = {name: parts.get(test_key(name)[1], "") for name in names}
    return {name: part for name, part in found.items() if part}


def _merged(config: pytest.Config) -> Target | None:
    """The controller's view of a run in worker processes: one target that sent nothing,
    holding what every worker found (None when no worker reported)."""
    states = config.stash.get(_STATES, None)
    if not states or _TARGET in config.stash:
        return config.stash.get(_TARGET, None)
    try:
        made = Target(config.stash[_CONFIG], _api(config))
    except SynthError:
        return None
    ids: list[str] = []
    checks: list[tuple[str, str]] = []
    gaps: list[Gap] = []
    for state in states:
        their_checks, their_gaps, run_id = merge_state(made, state)
        # Every worker collects the same tests: the selection is any one worker's.
        checks, gaps = (checks or their_checks), (gaps or their_gaps)
        ids += [run_id] if run_id else []
    made.run_id = ", ".join(sorted(ids)) or made.run_id
    made.enforce_slo = config.getoption("synth_enforce_slo", False)
    config.stash[_CHECKS], config.stash[_GAPS] = checks, gaps
    config.stash[_TARGET] = made
    return made


class _Coverage:
    """Adds a skipped test, with its reason, for each declared check synth cannot run; with
    ``--synth-require-coverage`` a run that leaves any declared check unexercised fails."""

    @pytest.hookimpl(tryfirst=True)  # before -k deselects, so the added tests obey it too
    def pytest_collection_modifyitems(
        self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        try:
            api = _api(config)
        except SynthError as exc:
            if config.option.collectonly:
                # Listing tests needs no contracts (nor a target); a run does, and says so.
                return
            raise pytest.UsageError(describe(exc)) from None
        # Each added test goes right after its operation's last test, in that test's module.
        last: dict[str, int] = {}
        for index, item in enumerate(items):
            last[item.name.removeprefix("test_").partition("__")[0]] = index
        after: dict[int, list[pytest.Item]] = {}
        for gap in gaps_of(api):
            index = last.get(gap.operation, len(items) - 1)
            found = items[index].parent if items else None
            parent = found if found is not None else session
            after.setdefault(index, []).append(not_exercised_item(parent, gap))
        for index in sorted(after, reverse=True):
            items[index + 1 : index + 1] = after[index]

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        checks, gaps = [], []
        for item in session.items:
            if isinstance(item, NotExercised):
                gaps.append(item.gap)
            elif (found := _check_of(item)) is not None:
                checks.append(found)
        session.config.stash[_CHECKS] = checks
        session.config.stash[_GAPS] = gaps

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        config = session.config
        _merged(config)
        gaps = _uncovered(config)
        if config.getoption("synth_require_coverage") and gaps and exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        made = config.stash.get(_TARGET, None)
        if made is None or not made.enforce_slo or session.exitstatus != 0:
            return
        if any(r.breaches for r in latency_rows(made.api, made.latencies)):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _uncovered(config: pytest.Config) -> list[Gap]:
    """The selected declared checks the run did not exercise: those synth cannot run, those
    skipped at run time (too few tenants; in a dry run, foreseen from the tenants) and those
    it never ran (``_coverage.uncovered``)."""
    gaps = list(config.stash.get(_GAPS, None) or ())
    made = config.stash.get(_TARGET, None)
    if made is not None:
        checks: list[tuple[str, str]] = config.stash.get(_CHECKS, [])
        gaps = uncovered(gaps, made.findings, checks)
    elif config.getoption("collectonly", False) and _CONFIG in config.stash:
        gaps += tenant_gaps(config.stash.get(_CHECKS, []), len(config.stash[_CONFIG].tenants))
    return gaps


def coverage_lines(config: pytest.Config) -> list[str]:
    """The coverage of the session's selection, as plain lines (empty before collection)."""
    if _GAPS not in config.stash:
        return []
    declared = len(config.stash.get(_CHECKS, [])) + len(config.stash[_GAPS])
    lines = describe_coverage(_uncovered(config), declared)
    if _API not in config.stash and config.getoption("collectonly", False):
        return lines  # listing tests needs no contracts; they did not load
    api = _api(config)
    return lines + unique_notes(api, Schemas(api))


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin("synth-faults-apart"):
        config.pluginmanager.register(_FaultsApart(), "synth-faults-apart")
    if not config.pluginmanager.has_plugin("synth-coverage"):
        config.pluginmanager.register(_Coverage(), "synth-coverage")
    if not config.pluginmanager.has_plugin("synth-workers"):
        config.pluginmanager.register(_Workers(config), "synth-workers")
    if not config.pluginmanager.has_plugin("synth-order"):
        config.pluginmanager.register(_Order(), "synth-order")
    if not config.pluginmanager.has_plugin("synth-junit"):
        config.pluginmanager.register(_Junit(), "synth-junit")
    workerinput = getattr(config, "workerinput", None)
    run_when_free(config)
    if workerinput is not None and "synth_config" in workerinput:
        config.stash[_CONFIG] = config_from_wire(workerinput["synth_config"])
        config.stash[_LOCK_DIR] = workerinput["synth_lock"]
        config.pluginmanager.register(_WorkerEnd(), "synth-worker-end")
        _exit.arm()
        return
    if _INJECTED:
        config.stash[_CONFIG], api = _INJECTED[0]
        if api is not None:
            config.stash[_API] = api
        return
    try:
        config.stash[_CONFIG] = config_from_options(
            base_url=config.getoption("base_url"),
            tenants=config.getoption("tenant"),
            tenant_ids=config.getoption("tenant_id"),
            allow_hosts=config.getoption("allow_host"),
            profile=config.getoption("profile"),
            seed=config.getoption("seed"),
            timeout=config.getoption("timeout"),
            headers=config.getoption("header"),
            contracts=config.getoption("contracts"),
        )
    except SynthError as exc:
        raise pytest.UsageError(describe(exc)) from None


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    """The server under test, shared by every generated test of the session."""
    config = request.config.stash[_CONFIG]
    try:
        made = Target(config, _api(request.config))
    except SynthError as exc:
        pytest.exit(describe(exc), returncode=exc.exit_code)
    folder = request.config.stash.get(_LOCK_DIR, None)
    if folder is not None and hasattr(request.config, "workerinput"):
        made.lock = RunLock(folder, lanes=min(2, len(config.tenants)))
        made.fresh.share(folder)
        made.firsts = FirstExamples(folder)
        made.twins = Twins(folder)
        made.edge_store = SharedEdges(folder)
    made.enforce_slo = request.config.getoption("synth_enforce_slo", False)
    request.config.stash[_TARGET] = made
    yield made
    made.close()  # its cleanup takes the lock: closed after it
    if made.lock is not None:
        made.lock.close()


class _Junit:
    """Each operation's response times as properties of the JUnit report (``--junitxml``),
    written by the process that writes the report: with workers, the controller, from what
    every worker measured (a worker's own ``record_testsuite_property`` never reaches it)."""

    @pytest.hookimpl(tryfirst=True)  # before junitxml writes the report in its own
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        config = session.config
        xml = config.stash.get(junitxml.xml_key, None)
        if xml is None or hasattr(config, "workerinput"):
            return
        made = _merged(config)
        if made is None:
            return
        for row in latency_rows(made.api, made.latencies):
            name = f"synth.latency.{row.operation}"
            xml.add_global_property(f"{name}.answers", str(row.samples))
            for stat, ms in row.measured.items():
                xml.add_global_property(f"{name}.{stat}_ms", f"{ms:.1f}")
            if row.breaches:
                xml.add_global_property(f"{name}.breached", ",".join(b[0] for b in row.breaches))


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    made = _merged(config)
    covered = coverage_lines(config)
    if made is None:
        if not covered or config.getoption("collectonly", False) or _CONFIG not in config.stash:
            return
        # Only tests that send nothing ran (declared checks synth cannot run): still report
        # them, from a target that never connects. A target refused (its error already shown
        # when the session stopped) has nothing to report.
        try:
            made = Target(config.stash[_CONFIG], _api(config))
        except SynthError:
            return
    not_planned = len(config.stash.get(_GAPS, None) or ())
    lines = summary_lines(made, not_planned)
    firsts = covered_firsts(terminalreporter.stats.get("skipped", []))
    if firsts:
        # pytest counts them skipped, beside the checks skipped above: said, so that the two
        # counts add up.
        lines.insert(2, f"  {firsts} first-example tests ({FIRST}) skipped by pytest: each "
                        "one's check ran whole in its search's test, begun first in another "
                        "worker, that example included; no check left out")  # fmt: skip
    for line in lines + covered:
        terminalreporter.write_line(made.redact(line))
    if config.getoption("synth_require_coverage") and _uncovered(config):
        terminalreporter.write_line(
            "synth: --require-coverage: declared checks were not exercised (listed above)"
        )
    if made.enforce_slo and any(r.breaches for r in latency_rows(made.api, made.latencies)):
        terminalreporter.write_line("synth: --enforce-slo: latency objectives breached (above)")
    text = markdown(made, _uncovered(config), covered[0] if covered else "")
    report = config.getoption("synth_report", None)
    if report:
        Path(report).write_text(text, encoding="utf-8")
    results = config.getoption("synth_results", None)
    if results:
        asked = config.getoption("synth_shard", None)
        shard = "{}/{}".format(*parse_shard(asked)) if asked else None
        state = dump_state(made, config.stash.get(_CHECKS, None), config.stash.get(_GAPS, None),
                           shard=shard)  # fmt: skip
        Path(results).write_text(state + "\n", encoding="utf-8")
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        with open(step_summary, "a", encoding="utf-8") as handle:
            handle.write(text + "\n")
