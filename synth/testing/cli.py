"""``synth test``: run the generated property tests against a server.

The command validates the target once, then runs ``generated/tests`` through pytest in this
process, so ``synth test`` and ``pytest generated/tests`` run the same tests. Exit codes: 0 no
violation, 1 violations, 2 usage or configuration error. Transport faults are retried and
reported apart; a check they cut short is skipped and counted, never a violation.
"""

from __future__ import annotations

import contextlib
import io
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import httpx
import pytest
from xdist.dsession import Interrupted

from .. import loader
from .._cli import report_and_exit
from .._errors import SynthError, UsageError
from ..catalogue import BY_ID
from ..relations import Graph
from ._config import TargetConfig, check_tenant_ids, config_from_options
from ._context import describe_isolation
from ._coverage import (
    Gap,
    NotExercised,
    describe,
    describe_quiet,
    describe_relations,
    describe_styles,
    match_tests,
    tenant_gaps,
)
from ._data import Schemas
from ._first import FIRST
from ._order import load_costs, parse_shard, test_key
from ._parallel import parse_workers, workers_for
from ._target import check_tenant_values
from ._unique import unique_notes
from .invariants import applicable
from .plugin import inject

__all__ = ["run_suite", "test_command"]


def run_suite(
    config: TargetConfig,
    tests: str | Path = "generated/tests",
    *,
    junit: str | Path | None = None,
    report: str | Path | None = None,
    select: str | None = None,
    verbose: bool | None = None,
    dry_run: bool = False,
    require_coverage: bool = False,
    enforce_slo: bool = False,
    extra: list[str] | None = None,
    workers: int | None = 1,
    max_failures: int | None = None,
    shard: str | None = None,
    results: str | Path | None = None,
    costs: str | Path | None = None,
) -> int:
    """Run the generated tests against ``config``'s target; returns the exit code (0, 1 or 2).

    ``workers``: processes running checks side by side (None: chosen for the machine and the
    target); ``max_failures``: stop after that many failed checks; ``shard``: ``"I/N"``, this
    shard's checks only; ``results``: write the findings as JSON (``synth test merge``);
    ``costs``: an earlier run's results, to balance the shards by measured seconds.
    """
    _check_run_options(config, workers, shard, costs)
    tests = Path(tests)
    if not tests.is_dir() or not (tests / "conftest.py").exists():
        raise UsageError(
            f"--tests={str(tests)!r} holds no generated tests (no conftest.py); "
            "run `synth generate` first"
        )
    api = loader.load(config.contracts)
    check_tenant_ids(config, api.tenant_param)
    check_tenant_values(api, config)
    match_tests(api, tests, config.contracts)
    args = _pytest_args(tests, junit=junit, report=report, select=select, verbose=verbose,
                        dry_run=dry_run, require_coverage=require_coverage)  # fmt: skip
    args += _run_args(max_failures=max_failures, shard=shard, costs=costs, results=results,
                      enforce_slo=enforce_slo)  # fmt: skip
    args += extra or []
    round_trip = 0.0
    if not dry_run and config.app is None:
        round_trip = _preflight(config)
    if workers is None and (dry_run or config.app is not None):
        workers = 1
    elif workers is None:
        selected = _selected(api, args, config, narrowed=select is not None or shard is not None)
        workers = workers_for(config, selected, round_trip=round_trip)
    if workers > 1 and not dry_run:
        args += ["-n", str(workers), "--dist", "load"]
    plan, stop = _Plan(), _Stop()
    inject(config, api)
    try:
        with _own_modules(tests), _terminate_as_interrupt():
            code = pytest.main(args, plugins=[plan] if dry_run else [stop])
    finally:
        inject(None)
    if dry_run and code in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        notes = unique_notes(api, Schemas(api)) + describe_quiet(api) + describe_styles(api)
        notes += describe_relations(api)
        notes += describe_isolation(api, Schemas(api), Graph(api))
        for line in plan.lines(config) + notes:
            click.echo(line)
        if code == pytest.ExitCode.TESTS_FAILED:
            click.echo("--require-coverage: declared checks would not be exercised (above)")
    return _exit_code(code, stop, tests)


def _exit_code(code: int | pytest.ExitCode, stop: _Stop, tests: str | Path) -> int:
    """The command's exit status for pytest's ``code``: 0 clean, 1 failed checks, 2 else."""
    if code == pytest.ExitCode.OK:
        return 0
    # pytest-xdist ends a run that --max-failures stops with an interrupt (2); one process
    # ends it as failed (1). Failed checks are what stopped it: exit 1 either way.
    if code == pytest.ExitCode.TESTS_FAILED or (
        code == pytest.ExitCode.INTERRUPTED and stop.at_failures
    ):
        return 1
    if code == pytest.ExitCode.NO_TESTS_COLLECTED:
        click.echo(f"UsageError: no generated tests selected in {tests}", err=True)
    return 2


class _Stop:
    """Whether pytest-xdist stopped the run because --max-failures failed checks were reached
    (its ``Interrupted``, "stopping after N failures"), not because of an interrupt."""

    def __init__(self) -> None:
        self.at_failures = False

    @pytest.hookimpl
    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        # Also raised where a worker was interrupted: told apart by what it says.
        said = str(excinfo.value)
        self.at_failures = (
            isinstance(excinfo.value, Interrupted)
            and said.startswith("stopping after ")
            and said.endswith(" failures")
        )


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (what `timeout`, a CI runner's cancel or Kubernetes sends) stops the run as
    Ctrl-C does: pytest ends the session, stops the workers and removes the run's lock folder,
    and the command says so (exit 2). Python's default ended the process at once, no word
    said, the folder left in the temporary directory."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    stopped: list[int] = []

    def interrupt(number: int, frame: Any) -> None:
        stopped.append(number)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        if stopped:
            click.echo("synth test: stopped by SIGTERM; the checks above ran, the rest did not "
                       "(exit 2)", err=True)  # fmt: skip


def _check_run_options(
    config: TargetConfig, workers: int | None, shard: str | None, costs: str | Path | None
) -> None:
    """Refuse bad run options up front (exit 2), before any request."""
    if shard is not None:
        parse_shard(shard)
    if costs is not None:
        load_costs(costs)
    if workers is not None and workers > 1 and config.app is not None:
        raise UsageError(
            f"--workers={workers}: an in-process app runs in one process; give --base-url to "
            "run checks side by side, or leave --workers out"
        )


def _run_args(
    *,
    max_failures: int | None,
    shard: str | None,
    costs: str | Path | None,
    results: str | Path | None,
    enforce_slo: bool,
) -> list[str]:
    args = [f"--maxfail={max_failures}"] if max_failures is not None else []
    if enforce_slo:
        args += ["--synth-enforce-slo"]
    if shard is not None:
        args += ["--synth-shard", shard]
    if costs is not None:
        args += ["--synth-costs", str(costs)]
    if results is not None:
        args += ["--synth-results", str(results)]
    return args


def _selected(api: Any, args: list[str], config: TargetConfig, *, narrowed: bool) -> int:
    """How many tests the run selects: every applicable check, or when ``-k`` or a shard
    ``narrowed`` the selection, what a collection (no request sent) keeps."""
    if not narrowed:
        return len(applicable(api))
    counter = _Plan()
    inject(config, api)
    try:
        with contextlib.redirect_stdout(io.StringIO()), _own_modules(Path(args[0])):
            pytest.main([*args, "--collect-only"], plugins=[counter])
    finally:
        inject(None)
    return len(counter.checks) + len(counter.gaps)


def _pytest_args(
    tests: Path,
    *,
    junit: str | Path | None,
    report: str | Path | None,
    select: str | None,
    verbose: bool | None,
    dry_run: bool,
    require_coverage: bool,
) -> list[str]:
    verbose = (not sys.stdout.isatty()) if verbose is None else verbose
    # --assert=plain: the checks report through synth's own messages, never a bare assert,
    # and pytest would otherwise rewrite every module of each pytest-plugin package on import
    # (schemathesis's 277) in every worker: about 2.7 s of CPU a process where bytecode is
    # not written (PYTHONDONTWRITEBYTECODE=1, as CI containers often set), 0.3 s where it is.
    args = [str(tests), "-p", "no:cacheprovider", "--import-mode=importlib", "-o", "addopts=",
            "-o", "console_output_style=count", "--strict-markers", "--assert=plain"]  # fmt: skip
    # A dry run lists the tests one node id a line (verbose, pytest printed the collection
    # tree with every module's and test's docstring before the plan).
    args += ["-v", "--color=no"] if verbose and not dry_run else ["-q"]
    if select:
        args += ["-k", select]
    if junit:
        args += [f"--junitxml={junit}", "-o", "junit_family=xunit2"]
    if report:
        args += ["--synth-report", str(report)]
    if dry_run:
        args += ["--collect-only"]
    if require_coverage:
        args += ["--synth-require-coverage"]
    return args


@contextlib.contextmanager
def _own_modules(tests: str | Path) -> Iterator[None]:
    """Forget, after a run in this process, the modules it imported from ``tests``. Every
    generated suite has a ``test_authorization`` module; pytest's importlib mode reuses a module
    already in ``sys.modules`` under the same name, so a second run in one process (another
    API's suite) ran the first suite's tests."""
    before = set(sys.modules)
    try:
        yield
    finally:
        root = Path(tests).resolve()
        for name in set(sys.modules) - before:
            where = getattr(sys.modules[name], "__file__", None)
            if where and Path(where).resolve().is_relative_to(root):
                del sys.modules[name]


# Requests the preflight sends at most before it says no server answers, and the pause after
# each one that met no answer: a preview deploy's edge resets or cuts a request now and then,
# which is no reason to stop the run (a fault in four answers met at once ended it before).
_PREFLIGHT_TRIES = 8
_PREFLIGHT_PAUSE = 0.4


def _preflight(config: TargetConfig) -> float:
    """Unauthenticated GETs of the base URL: any HTTP answer means a server is there. Returns
    the round trip, the quickest of up to three answers after the first (which pays for the
    connection), in seconds. A request that meets a transport fault is sent again, up to
    ``_PREFLIGHT_TRIES`` in all.

    Without it, an unreachable target would have every check retried with backoff and then
    skipped as cut short by faults, ending with exit 0 after minutes.
    """
    last: Exception | None = None
    first: float | None = None
    times: list[float] = []
    with httpx.Client(timeout=config.timeout) as client:
        for _ in range(_PREFLIGHT_TRIES):
            start = time.perf_counter()
            try:
                client.get(config.url)
            except httpx.HTTPError as exc:
                last = exc
                time.sleep(_PREFLIGHT_PAUSE)
                continue
            elapsed = time.perf_counter() - start
            if first is None:
                first = elapsed
            else:
                times.append(elapsed)
                if len(times) == 3:
                    break
    if first is None:
        raise UsageError(
            f"--base-url={config.url!r}: no server answers there ({type(last).__name__}: "
            f"{last}); start the server, or fix the URL"
        )
    return min(times) if times else first


class _Plan:
    """Collects the selected tests of a dry run and describes the requests they would send."""

    def __init__(self) -> None:
        self.checks: list[tuple[str, str]] = []
        self.gaps: list[Gap] = []
        self.firsts = 0  # checks whose first example is a test of its own (``name[first]``)
        self.listed = 0  # the tests pytest lists: those, the checks and the gaps

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.listed = len(session.items)
        for item in session.items:
            if isinstance(item, NotExercised):
                self.gaps.append(item.gap)
                continue
            if item.name.endswith(FIRST):
                self.firsts += 1
                continue  # a check's first example ahead of its search: the same check
            invariant, operation = test_key(item.name)
            if invariant:
                self.checks.append((invariant, operation))

    def lines(self, config: TargetConfig) -> list[str]:
        by_invariant: dict[str, list[str]] = {}
        for invariant, operation in self.checks:
            by_invariant.setdefault(invariant, []).append(operation)
        examples = config.profile.examples
        hosts = ", ".join(("loopback", *config.allow_hosts))
        out = [
            f"dry run: no request sent. Plan against {config.url} (profile "
            f"{config.profile.name}, about {examples} examples per check, each a few requests; "
            f"writes allowed to {hosts}):",
        ]
        for invariant in sorted(by_invariant):
            ops = by_invariant[invariant]
            out.append(f"  {invariant}: {len(ops)} check(s) on {', '.join(sorted(ops))}")
        total = f"  total: {len(self.checks)} checks, {len(by_invariant)} kinds"
        own = sum(invariant not in BY_ID for invariant, _ in self.checks)
        if own:
            # Three counts of one plan confused a new user: say how they relate.
            total += (f": {len(self.checks) - own} declared by the contracts (the coverage "
                      f"line counts these) and {own} of schemathesis's own (conformance, the "
                      "object-level check)")  # fmt: skip
        if self.firsts:
            # pytest's "N tests collected" above counts what it collected, before the first
            # examples became tests of their own: the ids it listed are more.
            total += (f" ({self.listed} tests listed above: {self.firsts} checks also run "
                      "their first example as a test of its own, ahead of the searches"
                      + (f"; {len(self.gaps)} say what is not exercised" if self.gaps else "")
                      + ")")  # fmt: skip
        out.append(total)
        ids = [f"{t.name}: {t.tenant_id}" for t in config.tenants if t.tenant_id is not None]
        if ids:
            out.append(f"  the tenant in the path is each acting tenant's own ({', '.join(ids)})")
        declared = [c for c in self.checks if c[0] in BY_ID]
        gaps = self.gaps + tenant_gaps(declared, len(config.tenants))
        out += describe(gaps, len(declared) + len(self.gaps), planned=True)
        return out


@click.group("test", invoke_without_command=True)
@click.option("--base-url", help="The server's base URL (or SYNTH_BASE_URL).")
@click.option(
    "--tenant",
    "tenants",
    multiple=True,
    metavar="NAME=TOKEN",
    help="A tenant and its secret, sent as the contracts' Api(auth=...) declares "
    "(Bearer token, ApiKey header or Cookie session); give two or more (or "
    "SYNTH_TENANTS).",
)
@click.option("--tenant-id", "tenant_ids", multiple=True, metavar="NAME=VALUE",
              help="A tenant's own value of the tenant path parameter (Api(tenant_param=...), "
                   "e.g. {org_id}); one per tenant when the contracts declare it (or "
                   "SYNTH_TENANT_IDS=a=org_1,b=org_2).")  # fmt: skip
@click.option("--contracts", type=click.Path(file_okay=False),
              help="Contracts directory (or SYNTH_CONTRACTS).  [default: contracts]")  # fmt: skip
@click.option("--tests", default="generated/tests", show_default=True,
              type=click.Path(file_okay=False), help="The generated tests to run.")  # fmt: skip
@click.option("--profile", type=click.Choice(["quick", "default", "thorough"]), help="Test budget.")
@click.option("--seed", help="Reproduce a run (or SYNTH_SEED).")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="HOST",
              help="A non-loopback host that may receive writes.")  # fmt: skip
@click.option("--header", "headers", multiple=True, metavar="NAME=VALUE",
              help="A header for every request, treated as a secret.")  # fmt: skip
@click.option("--timeout", help="Seconds per request.")
@click.option("--junit", type=click.Path(dir_okay=False), help="Write a JUnit XML report.")
@click.option("--report", type=click.Path(dir_okay=False), help="Write a markdown report.")
@click.option("-k", "select",
              help="Only tests matching this pytest -k expression. It matches folder and file "
                   "names too (generated/ holds 'rate'): select a check by its test name's part, "
                   "RATE_LIMIT or __RATE_ (ids with '_' for '-'), not RATE.")  # fmt: skip
@click.option(
    "--dry-run",
    is_flag=True,
    help="Check the options and contracts, list the tests and the plan; send nothing (the target's reachability is not checked).",
)
@click.option(
    "--require-coverage",
    is_flag=True,
    help="Exit 1 when a semantic the contracts declare is not exercised (listed with why).",
)
@click.option("--workers", metavar="N|auto", default="auto", show_default=True,
              help="Processes running checks side by side; auto: by CPUs and the target's "
                   "round trip (4 at most on loopback, 12 for a far target; 1 for a dry run or "
                   "a single check).")  # fmt: skip
@click.option("--max-failures", type=click.IntRange(min=1), metavar="N",
              help="Stop after N failed checks.")  # fmt: skip
@click.option("--fail-fast", is_flag=True, help="Stop at the first failed check.")
@click.option("--shard", metavar="I/N",
              help="Run shard I of N only (checks split deterministically, balanced by cost).")  # fmt: skip
@click.option("--results", type=click.Path(dir_okay=False),
              help="Write the findings as JSON, for `synth test merge`.")  # fmt: skip
@click.option("--costs", type=click.Path(dir_okay=False),
              help="Order the checks, deal each chain's walks between the tenants and balance "
                   "--shard by the seconds in an earlier run's --results file.")  # fmt: skip
@click.option(
    "--enforce-slo",
    is_flag=True,
    help="Exit 1 when an operation's latency objective is breached over at least 20 answers.",
)
@click.pass_context
def test_command(context: click.Context, /, **options: Any) -> None:
    """Fuzz a running server for the contract's invariants (idempotency, pagination, tenancy, ...).

    `synth test merge` joins the --results files of a sharded run.
    """
    if context.invoked_subcommand is not None:
        return
    try:
        config = config_from_options(
            base_url=options["base_url"],
            tenants=options["tenants"],
            tenant_ids=options["tenant_ids"],
            allow_hosts=options["allow_hosts"],
            profile=options["profile"],
            seed=options["seed"],
            timeout=options["timeout"],
            headers=options["headers"],
            contracts=options["contracts"],
        )
        workers = parse_workers(options["workers"])
        code = run_suite(
            config,
            options["tests"],
            junit=options["junit"],
            report=options["report"],
            select=options["select"],
            dry_run=options["dry_run"],
            require_coverage=options["require_coverage"],
            workers=workers,
            max_failures=1 if options["fail_fast"] else options["max_failures"],
            shard=options["shard"],
            results=options["results"],
            costs=options["costs"],
            enforce_slo=options["enforce_slo"],
        )
    except SynthError as exc:
        report_and_exit(exc)
    raise SystemExit(code)


@test_command.command("merge")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--junit", type=click.Path(dir_okay=False), help="Write one JUnit XML report.")
@click.option("--report", type=click.Path(dir_okay=False), help="Write one markdown report.")
def merge_command(files: tuple[str, ...], junit: str | None, report: str | None) -> None:
    """Merge the --results files of `synth test --shard I/N` runs into one report."""
    from ._merge import merge_results

    try:
        code, lines = merge_results(list(files), junit=junit, report=report)
    except SynthError as exc:
        report_and_exit(exc)
    for line in lines:
        click.echo(line)
    raise SystemExit(code)
