"""synth test on the ticketing example (examples/ticketing), a new user's API, in process.

Its creates name other collections' items (an order names an event, an event a venue); synth
once judged IDEM-* there on the body before the reference was set to the tenant's own item
(IDEM-MISMATCH sent one body twice; IDEM-REPLAY and IDEM-CONCURRENT counted 0 orders). Two of
its planted bugs were missed before PAGE-COMPLETE seeded ties on the sort keys and PAGE-FILTER
judged a date-time at its bound where the server printed what it was sent.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from examples.ticketing import server
from synth import load
from synth.testing import config_from_options
from synth.testing.cli import run_suite
from tests._generated import write_tests

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / "examples" / "ticketing" / "contracts"
TENANTS = ["a=key-alpha", "b=key-beta"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tests(load(CONTRACTS), tmp_path_factory.mktemp("ticketing"))


def _run(generated: Path, tmp_path: Path, select: str, seed: int = 1) -> tuple[int, str]:
    config = config_from_options(app=server.app, tenants=TENANTS, seed=seed, env={},
                                 contracts=CONTRACTS)  # fmt: skip
    report = tmp_path / "report.md"
    code = run_suite(config, generated, select=select, report=report, extra=["-p", "no:randomly"])
    return code, report.read_text(encoding="utf-8") if report.exists() else ""


@pytest.mark.slow
def test_idempotency_on_creates_that_name_other_items_passes_the_correct_server(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server, "ON", set())
    select = "(createOrder or createEvent) and IDEM"
    code, text = _run(generated, tmp_path, select)
    assert code == 0, text
    assert len(re.findall(r"^\| IDEM-\S+ \| `create(Order|Event)` \| passed \|", text, re.M)) >= 8


@pytest.mark.slow
@pytest.mark.parametrize(
    ("bug", "select", "expected"),
    [
        (
            "no-tiebreak-events",
            "listEvents and PAGE_COMPLETE",
            "| PAGE-COMPLETE | `listEvents` | violation |",
        ),
        (
            "gte-as-gt",
            "listEvents and PAGE_FILTER",
            "to keep every item whose starts_at is at least",
        ),
    ],
)
def test_a_bug_once_missed_is_reported(  # noqa: PLR0917 (three parameters, three fixtures)
    bug: str, select: str, expected: str, generated: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(server, "ON", {bug})
    code, text = _run(generated, tmp_path, select)
    assert code == 1, text
    assert expected in text, text
