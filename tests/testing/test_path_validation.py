"""ERR-VALIDATION on path parameters: a malformed id gets the validation error or a 404.

The tracker's ids are patterned (``prj_`` and 12 alphanumerics) and its task numbers are
integers >= 1; the correct server answers 422 ``validation_failed`` naming the parameter. A
server that lets a malformed id through to its store (a 500) is reported.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.requests import Request

import synth
from examples.tracker import server
from synth.testing import config_from_options
from synth.testing.cli import run_suite
from tests._generated import write_tests

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / "examples" / "tracker" / "contracts"
TENANTS = ["a=tok_acme_0123456789", "b=tok_globex_9876543210"]
OPERATIONS = ("getProject", "getTask", "completeTask")


@pytest.fixture(scope="module")
def tracker_tests(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tracker")
    return write_tests(synth.load(CONTRACTS), root)


@pytest.fixture(autouse=True)
def fresh_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "STORE", server.Store(unique_keys=False))


def _run(tests: Path, tmp_path: Path, seed: int) -> tuple[int, dict[str, str], str]:
    config = config_from_options(
        app=server.app, tenants=TENANTS, seed=seed, contracts=CONTRACTS, env={}
    )
    report = tmp_path / "report.md"
    select = " or ".join(f"{op}__ERR_VALIDATION" for op in OPERATIONS)
    code = run_suite(config, tests, select=select, report=report, extra=["-p", "no:randomly"])
    text = report.read_text(encoding="utf-8")
    found = re.findall(r"^\| ERR-VALIDATION \| `(\w+)` \| (\w+) \|", text, re.MULTILINE)
    return code, dict(found), text


@pytest.mark.parametrize("seed", [1, 2])
def test_malformed_path_ids_pass_on_the_correct_tracker(
    seed: int, tracker_tests: Path, tmp_path: Path
) -> None:
    code, outcomes, report = _run(tracker_tests, tmp_path, seed)
    assert outcomes == dict.fromkeys(OPERATIONS, "passed"), report
    assert code == 0, report


def test_a_malformed_id_that_reaches_the_store_is_reported(
    tracker_tests: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unchecked_project(request: Request) -> str:
        value: str = request.path_params["project_id"]
        if not re.fullmatch(r"prj_[a-z0-9]{12}", value):
            # The planted bug: the id goes to the store unchecked, whose lookup fails.
            raise server.Problem(500, "internal_error", "invalid input syntax for type prj_id")
        return value

    def unchecked_number(request: Request) -> int:
        raw = request.path_params["task_number"]
        if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
            raise server.Problem(500, "internal_error", "invalid input syntax for integer")
        return int(raw)

    monkeypatch.setattr(server, "project_id_param", unchecked_project)
    monkeypatch.setattr(server, "task_number_param", unchecked_number)
    code, outcomes, report = _run(tracker_tests, tmp_path, seed=1)
    assert code == 1, report
    assert outcomes == dict.fromkeys(OPERATIONS, "violation"), report
    assert "or a declared 404" in report
    assert "500" in report


def test_a_404_for_a_malformed_id_is_accepted(
    tracker_tests: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A malformed id names no item: the declared 404 is as right as the validation error."""

    def lenient_project(request: Request) -> str:
        value: str = request.path_params["project_id"]
        if not re.fullmatch(r"prj_[a-z0-9]{12}", value):
            raise server.Problem(404, "not_found", "No such project.")
        return value

    def lenient_number(request: Request) -> int:
        raw = request.path_params["task_number"]
        if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
            raise server.Problem(404, "not_found", "No such task.")
        return int(raw)

    monkeypatch.setattr(server, "project_id_param", lenient_project)
    monkeypatch.setattr(server, "task_number_param", lenient_number)
    code, outcomes, report = _run(tracker_tests, tmp_path, seed=1)
    assert outcomes == dict.fromkeys(OPERATIONS, "passed"), report
    assert code == 0, report


def test_the_tenant_in_the_path_is_varied_too(tmp_path: Path) -> None:
    """A malformed ``{org_id}`` is sent as it is, not replaced by the acting tenant's own id
    (which the server would rightly answer 200)."""
    from examples.warehouse import example as warehouse
    from examples.warehouse.server import create_app

    root = tmp_path / "generated"
    write_tests(synth.load(warehouse.CONTRACTS), root)
    config = config_from_options(
        app=create_app(),
        tenants=[f"{name}={secret}" for name, secret in warehouse.TENANTS.items()],
        tenant_ids=[f"{name}={value}" for name, value in warehouse.TENANT_IDS.items()],
        seed=1,
        contracts=warehouse.CONTRACTS,
        env={},
    )
    report = tmp_path / "report.md"
    select = "getWarehouse__ERR_VALIDATION or getBin__ERR_VALIDATION"
    code = run_suite(
        config, root / "tests", select=select, report=report, extra=["-p", "no:randomly"]
    )
    text = report.read_text(encoding="utf-8")
    found = dict(re.findall(r"^\| ERR-VALIDATION \| `(\w+)` \| (\w+) \|", text, re.MULTILINE))
    assert found == {"getWarehouse": "passed", "getBin": "passed"}, text
    assert code == 0, text
