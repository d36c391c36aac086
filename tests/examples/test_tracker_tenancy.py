"""TEN-READ, TEN-WRITE and TEN-CHILD on the tracker: clean on its correct server, not blind.

The tracker's project ids are patterned (``^prj_[a-z0-9]{12}$``): the id that exists nowhere,
which B's answer for A's project is compared with, must be one the pattern accepts, or the
correct server's 422 for it reads as a leak (examples/tracker/FINDINGS.md item 2).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from examples.tracker import server
from synth import load
from synth.testing import Finding, Outcome, Target, config_from_options
from synth.testing._runner import run_check

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / "examples" / "tracker" / "contracts"
API = load(CONTRACTS)
TENANTS = ["a=tok_acme_0123456789", "b=tok_globex_9876543210"]
CHECKS = [
    ("TEN-READ", "getProject"),
    ("TEN-WRITE", "updateProject"),
    ("TEN-CHILD", "createTask"),
    ("TEN-CHILD", "listTasks"),
]
NOWHERE_READ = re.compile(r"GET /v1/projects/prj_[a-z0-9]{12} as b -> 404")


@pytest.fixture(autouse=True)
def store(monkeypatch: pytest.MonkeyPatch) -> server.Store:
    """A fresh, empty store; project keys may repeat (synth's fixtures repeat them)."""
    fresh = server.Store(unique_keys=False)
    monkeypatch.setattr(server, "STORE", fresh)
    return fresh


def _check(invariant: str, operation: str, seed: int) -> tuple[Finding, list[str]]:
    """Run one check in-process; its finding and every request as ``METHOD path as tenant -> status``."""
    config = config_from_options(app=server.app, tenants=TENANTS, seed=seed, env={},
                                 contracts=CONTRACTS)  # fmt: skip
    target = Target(config, API)
    try:
        finding = run_check(invariant, operation, target)
        log = [f"{e.request.method} {e.request.path} as {e.request.tenant} -> {e.status}"
               for e in target.client.log]  # fmt: skip
    finally:
        target.close()
    return finding, log


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(("invariant", "operation"), CHECKS)
def test_the_correct_server_is_clean(invariant: str, operation: str, seed: int) -> None:
    finding, log = _check(invariant, operation, seed)
    assert finding.outcome is Outcome.PASSED, finding.message
    assert finding.examples > 1
    # The baseline ids matched the pattern: the server never had to refuse one.
    assert not [line for line in log if line.endswith("-> 422")], log
    assert any(NOWHERE_READ.fullmatch(line) for line in log), log


def test_a_project_read_across_tenants_is_still_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """getProject that looks the project up by id alone leaks it to every tenant."""

    def any_tenant(tenant: str, project_id: str) -> server.ProjectRow:
        row = server.STORE.projects.get(project_id)
        if row is None:
            raise server.Problem(404, "not_found", "No such project.")
        return row

    monkeypatch.setattr(server, "own_project", any_tenant)
    finding, _ = _check("TEN-READ", "getProject", seed=1)
    assert finding.outcome is Outcome.VIOLATION, finding.message
    assert "tenant b reading tenant a's item: 404" in finding.expected
    assert finding.actual.startswith("HTTP 200")


def test_a_different_not_found_is_caught_and_shows_the_baseline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A 404 that says the project belongs to someone else tells B that it exists.

    The reproduction runs up to the baseline request, the read of an id that exists nowhere.
    """
    own_project = server.own_project

    def telling(tenant: str, project_id: str) -> server.ProjectRow:
        row = server.STORE.projects.get(project_id)
        if row is not None and row.tenant != tenant:
            raise server.Problem(404, "not_found", "That project belongs to another organisation.")
        return own_project(tenant, project_id)

    monkeypatch.setattr(server, "own_project", telling)
    finding, _ = _check("TEN-READ", "getProject", seed=1)
    assert finding.outcome is Outcome.VIOLATION, finding.message
    assert "exactly the answer an id that exists nowhere gets" in finding.expected
    assert "another organisation" in finding.actual
    projects = set(re.findall(r"/v1/projects/(prj_[a-z0-9]{12})", finding.curl))
    assert len(projects) == 2, finding.curl  # A's project, and the id that exists nowhere
    assert "No such project." in finding.curl  # the baseline's answer is in the reproduction


@pytest.mark.parametrize(("invariant", "operation"), CHECKS[:2])
def test_an_id_that_exists_is_not_taken_for_one_that_exists_nowhere(
    invariant: str, operation: str, store: server.Store
) -> None:
    """B owns the simplest id the pattern admits, which Hypothesis draws first: it is read,
    found, and another is drawn (without the read, B's own project is the baseline)."""
    now = store.now()
    store.projects["prj_000000000000"] = server.ProjectRow(
        "globex", "prj_000000000000", "MINE", "Globex's", "", now, now
    )
    finding, log = _check(invariant, operation, seed=1)
    assert finding.outcome is Outcome.PASSED, finding.message
    assert "GET /v1/projects/prj_000000000000 as b -> 200" in log
    assert store.projects["prj_000000000000"].name == "Globex's"
