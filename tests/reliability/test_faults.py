"""``synth test`` through the fault proxy (``bench._proxy``, every kind of fault it has) at 10%
injected faults, against the real server.

The correct reference server must come out clean (exit 0, no violation) with every injected
fault either retried and survived or counted apart (the contacts operations' checks in
``make test``, every check in ``make test-thorough``); every planted bug must still be found by
its invariant (one bug of each family in ``make test``, every bug in ``make test-thorough``).
Figures for docs/reliability.md: run with ``-s`` to see the fault tables.
``SYNTH_FAULT_PROFILE=default`` (or ``thorough``) runs the correct server's suite at a larger
budget; ``SYNTH_FAULT_RATE`` changes the rate (0.1 by default).
"""

from __future__ import annotations

import dataclasses
import os
from collections import Counter
from pathlib import Path

import pytest

from bench._proxy import FAULTS, running
from examples.reference_server.bugs import BUGS
from synth.catalogue import BY_ID
from synth.testing import config_from_options
from synth.testing.cli import run_suite
from tests.reliability._servers import TOKENS, reference_server
from tests.testing.conftest import api, generated  # noqa: F401  (fixtures)

pytestmark = pytest.mark.slow

RATE = float(os.environ.get("SYNTH_FAULT_RATE", "0.1"))
PROFILE = os.environ.get("SYNTH_FAULT_PROFILE", "quick")
BUG_PROFILE = os.environ.get("SYNTH_FAULT_BUG_PROFILE", "quick")
# Held answers take twice the client's timeout; short values keep the run inside its budget.
TIMEOUT, HOLD = 0.5, 1.0
SHRINK = float(os.environ.get("SYNTH_FAULT_SHRINK_SECONDS", "0.5"))


def _run(
    url: str, tmp_path: Path, tests: Path, *, seed: int, select: str | None, profile: str
) -> tuple[int, str, Counter[str]]:
    with running(url, 0.0, fault_rate=RATE, faults=FAULTS, seed=seed, hold=HOLD) as proxy:
        config = config_from_options(base_url=proxy.url, tenants=TOKENS, profile=profile,
                                     seed=seed, timeout=TIMEOUT, env={})  # fmt: skip
        # Backoff is real time; a tenth of the default keeps 200 retries under a few seconds.
        # Shrinking is cut short too: a bug is found when its first example fails.
        budget = dataclasses.replace(config.profile, shrink_seconds=SHRINK)
        config = dataclasses.replace(config, backoff=0.01, profile=budget)
        report = tmp_path / "report.md"
        extra = ["-p", "no:randomly"] + (["-x"] if select else [])
        code = run_suite(config, tests, select=select, report=report, extra=extra)
        injected = Counter(proxy.stats.faults)
    return code, report.read_text(encoding="utf-8") if report.exists() else "", injected


# `make test` runs every check on the contacts operations (each family but the rate limits and
# the child resources; test_correct_server_is_clean in tests/testing/test_mutation.py runs every
# check on the correct server without faults); `make test-thorough` every check under faults.
@pytest.mark.parametrize(
    "select",
    [pytest.param("Contact", id="contacts"),
     pytest.param(None, id="every-check", marks=pytest.mark.thorough)],
)  # fmt: skip
def test_correct_server_survives_faults(
    tmp_path: Path,
    generated: Path,  # noqa: F811
    select: str | None,
) -> None:
    with reference_server() as url:
        code, report, injected = _run(
            url, tmp_path, generated, seed=7, select=select, profile=PROFILE
        )
    print(f"\nfaults injected by kind: {dict(sorted(injected.items()))}")
    print(next(line for line in report.splitlines() if line.startswith("Transport faults")))
    assert code == 0, report
    assert "## synth test: no violations" in report, report
    assert sum(injected.values()) >= 100, injected
    line = next(line for line in report.splitlines() if line.startswith("Transport faults"))
    survived = int(line.split(": ", 1)[1].split(" retried", 1)[0])
    hedged = int(line.split("; ")[-1].split(" slow safe requests", 1)[0])
    # Nearly every injected fault is met by the client: retried and survived, or, for a held
    # answer to a safe request, met by a copy sent beside it (docs/reliability.md).
    met = survived + hedged
    assert 0.8 * sum(injected.values()) <= met <= sum(injected.values()), (line, injected)


# Bugs missed under the proxy's faults, kept visible (none now). PATCH-PARTIAL on updateContact
# was one: its first example, the one that shows the bug, was set aside when a write in it was
# retried after it may have arrived, and the quick profile's next example did not show it; an
# example cut by transport is now sent again as it was drawn (``_runner._Scenario``).
_MISSED_UNDER_FAULTS: set[str] = set()


# A latency objective's breach is judged by time, which injected faults and retries distort.
_JUDGED = sorted(b for b in BUGS if BUGS[b].invariant != "SLO")


def _family(bug: str) -> str:
    return BY_ID[BUGS[bug].invariant].family if BUGS[bug].invariant in BY_ID else "conformance"


# `make test` runs one bug of each family (the first by name; none for a family whose only bug
# is a known flaky miss); `make test-thorough` runs every bug (about 9 s each).
_SAMPLED = {
    next(b for b in _JUDGED if _family(b) == family and b not in _MISSED_UNDER_FAULTS)
    for family in {_family(b) for b in _JUDGED if b not in _MISSED_UNDER_FAULTS}
}


def _marks(bug: str) -> list[pytest.MarkDecorator]:
    marks = [] if bug in _SAMPLED else [pytest.mark.thorough]
    if bug in _MISSED_UNDER_FAULTS:
        marks.append(pytest.mark.xfail(strict=False, reason="flaky miss under faults"))
    return marks


@pytest.mark.parametrize("bug", [pytest.param(b, marks=_marks(b)) for b in _JUDGED])
def test_planted_bug_found_under_faults(bug: str, tmp_path: Path, generated: Path) -> None:  # noqa: F811
    expected = BUGS[bug].invariant
    select = f"__{expected.replace('-', '_')}"
    with reference_server(bug) as url:
        code, report, _ = _run(url, tmp_path, generated, seed=1, select=select, profile=BUG_PROFILE)
    assert code == 1, report
    assert f"### {expected} on" in report, report
