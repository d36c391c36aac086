"""Items identified by a field other than ``id``: the tracker's tasks, numbered per project.

The list checks of ``listTasks`` run in-process against the tracker's correct server (every
one passes, none errors), and a planted pagination bug there is still reported.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from starlette.requests import Request
from starlette.responses import Response

import synth
from examples.tracker import server
from synth.testing import config_from_options
from synth.testing.cli import run_suite
from tests._generated import write_tests
from tests.testing._tracker import tracker_with

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / "examples" / "tracker" / "contracts"
TENANTS = ["a=tok_acme_0123456789", "b=tok_globex_9876543210"]
CHECKS = ("PAGE-COMPLETE", "PAGE-ORDER", "PAGE-LIMIT", "PAGE-CONCURRENT", "TEN-LIST")


@pytest.fixture(scope="module")
def tracker_tests(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tracker's generated tests, written to a temporary folder."""
    root = tmp_path_factory.mktemp("tracker")
    return write_tests(synth.load(CONTRACTS), root)


@pytest.fixture
def fresh_store(monkeypatch: pytest.MonkeyPatch) -> None:
    # Project keys unique per tenant, as the server keeps them by default: the contract
    # declares them Unique(), and no fixture repeats one.
    monkeypatch.setattr(server, "STORE", server.Store(unique_keys=True))


def _run(
    tests: Path, tmp_path: Path, checks: tuple[str, ...], seed: int, app: Any = None
) -> tuple[int, str]:
    config = config_from_options(
        app=app or server.app, tenants=TENANTS, seed=seed, contracts=CONTRACTS, env={}
    )
    report = tmp_path / "report.md"
    select = " or ".join(f"listTasks__{c.replace('-', '_')}" for c in checks)
    code = run_suite(config, tests, select=select, report=report, extra=["-p", "no:randomly"])
    return code, report.read_text(encoding="utf-8") if report.exists() else ""


def _outcomes(report: str) -> dict[str, str]:
    return dict(re.findall(r"^\| ([A-Z-]+) \| `listTasks` \| (\w+) \|", report, re.MULTILINE))


@pytest.mark.usefixtures("fresh_store")
@pytest.mark.parametrize("seed", [1, 2])
def test_list_checks_pass_on_the_correct_tracker(
    seed: int, tracker_tests: Path, tmp_path: Path
) -> None:
    code, report = _run(tracker_tests, tmp_path, CHECKS, seed)
    assert _outcomes(report) == dict.fromkeys(CHECKS, "passed"), report
    assert code == 0, report
    assert "no violations" in report


@pytest.mark.usefixtures("fresh_store")
def test_a_page_that_skips_a_task_is_reported(
    tracker_tests: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    decode = server.decode_cursor

    def skipping(cursor: str, scope: str) -> dict[str, Any]:
        # Every page after the first starts one task late: its first task is never listed.
        data = decode(cursor, scope)
        if scope.startswith("tasks:") and isinstance(data.get("n"), int):
            return {**data, "n": data["n"] + 1}
        return data

    monkeypatch.setattr(server, "decode_cursor", skipping)
    code, report = _run(tracker_tests, tmp_path, ("PAGE-COMPLETE",), seed=1)
    assert code == 1, report
    assert _outcomes(report) == {"PAGE-COMPLETE": "violation"}, report
    assert "### PAGE-COMPLETE on `listTasks`" in report
    assert re.search(r"missing, e\.g\. /projects/prj_[a-z0-9]{12}/tasks/\d+", report), report


@pytest.mark.usefixtures("fresh_store")
def test_tasks_of_another_tenants_project_in_a_list_are_reported(
    tracker_tests: Path, tmp_path: Path
) -> None:
    """Task numbers repeat across projects: a leaked task is told apart by its project."""

    async def leaky(request: Request) -> Response:
        # The planted bug: with a filter, the project (and with it the tenant) is forgotten.
        q = request.query_params
        if "status" not in q and "priority" not in q:
            return await server.list_tasks(request)
        server.own_project(server.tenant_of(request), server.project_id_param(request))
        rows = [
            t
            for t in server.STORE.tasks.values()
            if all(getattr(t, k) == q[k] for k in ("status", "priority") if k in q)
        ]
        return server.json_response({"items": [t.json() for t in rows], "next_cursor": None})

    app = tracker_with(server.list_tasks, leaky)
    code, report = _run(tracker_tests, tmp_path, ("TEN-LIST",), seed=1, app=app)
    assert code == 1, report
    assert _outcomes(report) == {"TEN-LIST": "violation"}, report
    assert "to hold none of tenant a's items" in report
