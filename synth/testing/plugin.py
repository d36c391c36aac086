"""The pytest plugin behind the generated tests: target options, the ``target`` fixture, reports.

The generated ``conftest.py`` imports these hooks and the fixture, so ``pytest generated/tests``
and ``synth test`` run the same tests and take the same target options. ``synth test`` passes
an already validated configuration (possibly with an in-process app) through ``inject``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .._errors import SynthError, describe
from ._config import TargetConfig, config_from_options
from ._report import markdown, summary_lines
from ._target import Target
from ._violation import Outcome

__all__ = ["inject", "pytest_addoption", "pytest_configure", "pytest_terminal_summary", "target"]

_INJECTED: list[TargetConfig] = []
_CONFIG = pytest.StashKey[TargetConfig]()
_TARGET = pytest.StashKey[Target]()
_BEFORE = pytest.StashKey[int]()


def inject(config: TargetConfig | None) -> None:
    """Use ``config`` for the next pytest session instead of its options (``synth test``)."""
    _INJECTED.clear()
    if config is not None:
        _INJECTED.append(config)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("synth", "synth target (also SYNTH_* environment variables)")
    group.addoption("--base-url", help="the server's base URL (SYNTH_BASE_URL)")
    group.addoption("--tenant", action="append", default=[], metavar="NAME=TOKEN",
                    help="a tenant and its bearer token; twice or more (SYNTH_TENANTS)")  # fmt: skip
    group.addoption("--allow-host", action="append", default=[], metavar="HOST",
                    help="a non-loopback host that may receive writes (SYNTH_ALLOW_HOSTS)")  # fmt: skip
    group.addoption("--profile", choices=["quick", "default", "thorough"], help="test budget")
    group.addoption("--seed", help="reproduce a run (SYNTH_SEED)")
    group.addoption("--timeout", help="seconds per request (SYNTH_TIMEOUT)")
    group.addoption("--header", action="append", default=[], metavar="NAME=VALUE",
                    help="a secret header sent with every request (SYNTH_HEADERS)")  # fmt: skip
    group.addoption("--contracts", help="the contracts directory (SYNTH_CONTRACTS)")
    group.addoption("--synth-report", metavar="FILE", help="write a markdown report here")


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


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin("synth-faults-apart"):
        config.pluginmanager.register(_FaultsApart(), "synth-faults-apart")
    if _INJECTED:
        config.stash[_CONFIG] = _INJECTED[0]
        return
    try:
        config.stash[_CONFIG] = config_from_options(
            base_url=config.getoption("base_url"),
            tenants=config.getoption("tenant"),
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
        made = Target(config)
    except SynthError as exc:
        pytest.exit(describe(exc), returncode=exc.exit_code)
    request.config.stash[_TARGET] = made
    yield made
    made.close()


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    made = config.stash.get(_TARGET, None)
    if made is None:
        return
    for line in summary_lines(made):
        terminalreporter.write_line(line)
    text = markdown(made)
    report = config.getoption("synth_report", None)
    if report:
        Path(report).write_text(text, encoding="utf-8")
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        with open(step_summary, "a", encoding="utf-8") as handle:
            handle.write(text + "\n")
