"""The tracker's ``completeTask`` (``POST …/tasks/{task_number}/complete``) is an action.

Inferred as an action on the task (nothing else lives at that path), it gets TEN-WRITE: B
completing A's task gets what a task that exists nowhere gets, and A's task stays open. It
used to be taken for a child collection and checked by TEN-CHILD.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.requests import Request

from examples.tracker import server
from synth import load
from synth.catalogue import applicable
from synth.relations import Graph
from synth.testing import Finding, Outcome, Target, config_from_options
from synth.testing._runner import run_check

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / "examples" / "tracker" / "contracts"
API = load(CONTRACTS)
TENANTS = ["a=tok_acme_0123456789", "b=tok_globex_9876543210"]


@pytest.fixture(autouse=True)
def store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "STORE", server.Store(unique_keys=False))


def _check(invariant: str, seed: int) -> Finding:
    config = config_from_options(app=server.app, tenants=TENANTS, seed=seed, env={},
                                 contracts=CONTRACTS)  # fmt: skip
    target = Target(config, API)
    try:
        return run_check(invariant, "completeTask", target)
    finally:
        target.close()


def test_complete_task_is_an_inferred_action_checked_by_ten_write() -> None:
    complete = API.operation("completeTask")
    assert Graph(API).is_action(complete)
    assert API.relations.actions["completeTask"] == "inferred"
    checks = {inv.id for op, inv in applicable(API) if op is complete}
    assert "TEN-WRITE" in checks
    assert "TEN-CHILD" not in checks


@pytest.mark.parametrize("seed", [1, 2])
def test_the_correct_tracker_passes_ten_write_on_complete_task(seed: int) -> None:
    finding = _check("TEN-WRITE", seed)
    assert finding.outcome is Outcome.PASSED, finding.message
    assert finding.examples > 1


def test_completing_another_tenants_task_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """The planted bug: a task is found by its project and number alone, whoever asks."""

    def anyones_task(request: Request) -> server.TaskRow:
        project_id = server.project_id_param(request)
        number = server.task_number_param(request)
        row = server.STORE.tasks.get((project_id, number))
        if row is None:
            raise server.Problem(404, "not_found", "No such task.")
        return row

    monkeypatch.setattr(server, "own_task", anyones_task)
    finding = _check("TEN-WRITE", seed=1)
    assert finding.outcome is Outcome.VIOLATION, finding.message
    assert "tenant b acting on tenant a's item: 404" in finding.expected
