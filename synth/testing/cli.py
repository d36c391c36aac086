"""``synth test``: run the generated property tests against a server.

The command validates the target once, then runs ``generated/tests`` through pytest in this
process, so ``synth test`` and ``pytest generated/tests`` run the same tests. Exit codes: 0 no
violation, 1 violations, 2 usage or configuration error. Transport faults are retried and
reported apart; a check they cut short is skipped and counted, never a violation.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click
import httpx
import pytest

from .. import loader
from .._cli import report_and_exit
from .._errors import SynthError, UsageError
from ..catalogue import BY_ID
from ._config import TargetConfig, check_tenant_ids, config_from_options
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
from ._target import check_tenant_values
from ._unique import unique_notes
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
) -> int:
    """Run the generated tests against ``config``'s target; returns the exit code (0, 1 or 2)."""
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
    if enforce_slo:
        args += ["--synth-enforce-slo"]
    args += extra or []
    if not dry_run and config.app is None:
        _preflight(config)
    plan = _Plan()
    inject(config, api)
    try:
        code = pytest.main(args, plugins=[plan] if dry_run else [])
    finally:
        inject(None)
    if dry_run and code in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        notes = unique_notes(api, Schemas(api)) + describe_quiet(api) + describe_styles(api)
        notes += describe_relations(api)
        for line in plan.lines(config) + notes:
            click.echo(line)
        if code == pytest.ExitCode.TESTS_FAILED:
            click.echo("--require-coverage: declared checks would not be exercised (above)")
    if code == pytest.ExitCode.OK:
        return 0
    if code == pytest.ExitCode.TESTS_FAILED:
        return 1
    if code == pytest.ExitCode.NO_TESTS_COLLECTED:
        click.echo(f"UsageError: no generated tests selected in {tests}", err=True)
    return 2


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
    args = [str(tests), "-p", "no:cacheprovider", "--import-mode=importlib", "-o", "addopts=",
            "-o", "console_output_style=count", "--strict-markers",
            "-W", "ignore::pytest.PytestAssertRewriteWarning"]  # fmt: skip
    args += ["-v", "--color=no"] if verbose else ["-q"]
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


def _preflight(config: TargetConfig) -> None:
    """One unauthenticated GET of the base URL: any HTTP answer means a server is there.

    Without it, an unreachable target would have every check retried with backoff and then
    skipped as cut short by faults, ending with exit 0 after minutes.
    """
    last: Exception | None = None
    for _ in range(3):
        try:
            httpx.get(config.url, timeout=config.timeout)
            return
        except httpx.HTTPError as exc:
            last = exc
            time.sleep(0.5)
    raise UsageError(
        f"--base-url={config.url!r}: no server answers there ({type(last).__name__}: {last}); "
        "start the server, or fix the URL"
    )


class _Plan:
    """Collects the selected tests of a dry run and describes the requests they would send."""

    def __init__(self) -> None:
        self.checks: list[tuple[str, str]] = []
        self.gaps: list[Gap] = []

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        for item in session.items:
            if isinstance(item, NotExercised):
                self.gaps.append(item.gap)
                continue
            operation, sep, slug = item.name.removeprefix("test_").partition("__")
            if sep:
                self.checks.append((slug.replace("_", "-"), operation))

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
        out.append(f"  total: {len(self.checks)} checks, {len(by_invariant)} kinds")
        ids = [f"{t.name}: {t.tenant_id}" for t in config.tenants if t.tenant_id is not None]
        if ids:
            out.append(f"  the tenant in the path is each acting tenant's own ({', '.join(ids)})")
        declared = [c for c in self.checks if c[0] in BY_ID]
        gaps = self.gaps + tenant_gaps(declared, len(config.tenants))
        out += describe(gaps, len(declared) + len(self.gaps))
        return out


@click.command("test")
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
@click.option("--contracts", type=click.Path(file_okay=False), help="Contracts directory.")
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
@click.option("-k", "select", help="Only tests matching this pytest -k expression.")
@click.option(
    "--dry-run", is_flag=True, help="Validate the target and list the tests; send nothing."
)
@click.option(
    "--require-coverage",
    is_flag=True,
    help="Exit 1 when a semantic the contracts declare is not exercised (listed with why).",
)
@click.option(
    "--enforce-slo",
    is_flag=True,
    help="Exit 1 when an operation's latency objective is breached over at least 20 answers.",
)
def test_command(**options: Any) -> None:
    """Fuzz a running server for the contract's invariants (idempotency, pagination, tenancy, ...)."""
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
        code = run_suite(
            config,
            options["tests"],
            junit=options["junit"],
            report=options["report"],
            select=options["select"],
            dry_run=options["dry_run"],
            require_coverage=options["require_coverage"],
            enforce_slo=options["enforce_slo"],
        )
    except SynthError as exc:
        report_and_exit(exc)
    raise SystemExit(code)
