"""PAGE-FILTER gives each filter something to drop (a user's clinic API, reduced).

Visits reference a patient and start ``booked``; only the ``cancel`` action makes one
``cancelled``. A server ignoring ``?patient_id=`` or ``?status=`` passed when every seeded
visit had the same patient and the same status: the filter never had anything to drop. Now
the seeded visits name several patients, an action cancels one of them, and a status no
visit holds is sent too; where no value can drop anything, the check ends not exercised,
saying why, never passed.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import synth
from synth.testing import config_from_options
from synth.testing.cli import run_suite
from tests._generated import write_tests
from tests._taxonomy import STANDARD_ERRORS

CONTRACTS = (
    """\
from typing import Annotated, Literal

from pydantic import Field

from synth.contract import Api, Cursor, Filter, Model, Page, RequestModel

api = Api("Visits", "1.0.0")
"""
    + STANDARD_ERRORS
    + """

PatientId = Annotated[str, Field(pattern=r"^pat_[0-9]{6}$")]
VisitId = Annotated[str, Field(pattern=r"^vis_[0-9]{6}$")]
Status = Literal["booked", "cancelled"]


class PatientIn(RequestModel):
    name: Annotated[str, Field(min_length=1, max_length=80)]


class Patient(Model):
    id: PatientId
    name: str


class VisitIn(RequestModel):
    patient_id: PatientId
    note: Annotated[str, Field(min_length=1, max_length=80)]


class Visit(Model):
    id: VisitId
    patient_id: PatientId
    note: str
    status: Status


class VisitPage(Page[Visit]):
    pass


@api.post("/patients", status=201)
def create_patient(body: PatientIn) -> Patient: ...


@api.get("/patients/{patient_id}")
def get_patient(patient_id: PatientId) -> Patient: ...


@api.post("/visits", status=201)
def create_visit(body: VisitIn) -> Visit: ...


@api.get("/visits/{visit_id}")
def get_visit(visit_id: VisitId) -> Visit: ...


@api.get("/visits", paginated=Cursor(order=("id",)))
def list_visits(
    status: Annotated[Status | None, Filter("status")] = None,
    patient_id: Annotated[PatientId | None, Filter("patient_id")] = None,
) -> VisitPage: ...
"""
)
CANCEL = """

@api.post("/visits/{visit_id}/cancel", status=200)
def cancel_visit(visit_id: VisitId) -> Visit: ...
"""

TENANTS = {"tok-a-0123456789": "a", "tok-b-0123456789": "b"}
OPTIONS = [f"{name}={token}" for token, name in TENANTS.items()]


def _problem(status: int, code: str) -> Response:
    body = {"type": f"https://errors/{code}", "title": code, "status": status, "code": code}
    return Response(json.dumps(body), status, media_type="application/problem+json")


def _json(item: Any, status: int = 200) -> Response:
    return Response(json.dumps(item), status, media_type="application/json")


def _app(bug: str = "") -> Starlette:
    patients: dict[str, dict[str, Any]] = {}
    visits: dict[str, dict[str, Any]] = {}

    def tenant(request: Request) -> str | None:
        return TENANTS.get(request.headers.get("authorization", "").removeprefix("Bearer "))

    def strip(item: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in item.items() if k != "tenant"}

    async def create_patient(request: Request) -> Response:
        who = tenant(request)
        if who is None:
            return _problem(401, "unauthenticated")
        body = json.loads(await request.body())
        if not isinstance(body, dict) or not isinstance(body.get("name"), str):
            return _problem(422, "validation_failed")
        key = f"pat_{len(patients):06d}"
        patients[key] = {"id": key, "name": body["name"], "tenant": who}
        return _json(strip(patients[key]), 201)

    async def get_patient(request: Request) -> Response:
        found = patients.get(request.path_params["patient_id"])
        if tenant(request) is None:
            return _problem(401, "unauthenticated")
        if found is None or found["tenant"] != tenant(request):
            return _problem(404, "not_found")
        return _json(strip(found))

    async def create_visit(request: Request) -> Response:
        who = tenant(request)
        if who is None:
            return _problem(401, "unauthenticated")
        body = json.loads(await request.body())
        if not isinstance(body, dict) or not isinstance(body.get("note"), str):
            return _problem(422, "validation_failed")
        patient = patients.get(str(body.get("patient_id")))
        if patient is None or patient["tenant"] != who:
            return _problem(422, "validation_failed")
        key = f"vis_{len(visits):06d}"
        visits[key] = {"id": key, "patient_id": patient["id"], "note": body["note"],
                       "status": "booked", "tenant": who}  # fmt: skip
        return _json(strip(visits[key]), 201)

    def visit(request: Request) -> dict[str, Any] | None:
        found = visits.get(request.path_params["visit_id"])
        return found if found is not None and found["tenant"] == tenant(request) else None

    async def get_visit(request: Request) -> Response:
        if tenant(request) is None:
            return _problem(401, "unauthenticated")
        found = visit(request)
        return _problem(404, "not_found") if found is None else _json(strip(found))

    async def cancel_visit(request: Request) -> Response:
        if tenant(request) is None:
            return _problem(401, "unauthenticated")
        found = visit(request)
        if found is None:
            return _problem(404, "not_found")
        found["status"] = "cancelled"
        return _json(strip(found))

    async def list_visits(request: Request) -> Response:
        who = tenant(request)
        if who is None:
            return _problem(401, "unauthenticated")
        q = request.query_params
        status = None if bug == "status-ignored" else q.get("status")
        patient = None if bug == "patient-ignored" else q.get("patient_id")
        if status not in (None, "booked", "cancelled"):
            return _problem(422, "validation_failed")
        try:
            limit = int(q.get("limit", "20"))
        except ValueError:
            return _problem(422, "validation_failed")
        if not 1 <= limit <= 100:
            return _problem(422, "validation_failed")
        after = q.get("cursor", "")
        rows = [
            strip(v)
            for v in visits.values()
            if v["tenant"] == who
            and v["id"] > after
            and status in (None, v["status"])
            and patient in (None, v["patient_id"])
        ]
        page = rows[:limit]
        cursor = page[-1]["id"] if len(rows) > limit else None
        return _json({"items": page, "next_cursor": cursor})

    return Starlette(
        routes=[
            Route("/patients", create_patient, methods=["POST"]),
            Route("/patients/{patient_id}", get_patient),
            Route("/visits", create_visit, methods=["POST"]),
            Route("/visits", list_visits),
            Route("/visits/{visit_id}", get_visit),
            Route("/visits/{visit_id}/cancel", cancel_visit, methods=["POST"]),
        ]
    )


def _run(
    tmp_path: Path,
    bug: str,
    *,
    cancel: bool = True,
    seed: int = 1,
    statuses: str = 'Literal["booked", "cancelled"]',
) -> tuple[int, str]:
    contracts = tmp_path / "visits"
    contracts.mkdir()
    (contracts / "__init__.py").write_text("")
    source = CONTRACTS.replace('Status = Literal["booked", "cancelled"]', f"Status = {statuses}")
    (contracts / "api.py").write_text(textwrap.dedent(source + (CANCEL if cancel else "")))
    write_tests(synth.load(contracts), tmp_path / "out")
    config = config_from_options(
        app=_app(bug), tenants=OPTIONS, seed=seed, contracts=contracts, env={}
    )
    report = tmp_path / "report.md"
    code = run_suite(config, tmp_path / "out" / "tests", select="listVisits__PAGE_FILTER",
                     report=report, extra=["-p", "no:randomly"])  # fmt: skip
    return code, report.read_text(encoding="utf-8")


@pytest.mark.parametrize("seed", [1, 2])
def test_a_correct_server_passes(seed: int, tmp_path: Path) -> None:
    code, text = _run(tmp_path, "", seed=seed)
    assert re.search(r"^\| PAGE-FILTER \| `listVisits` \| passed \|", text, re.MULTILINE), text
    assert code == 0, text


@pytest.mark.parametrize(
    ("bug", "expected"),
    [
        ("patient-ignored", "to keep only items whose patient_id equals it"),
        ("status-ignored", "to keep only items whose status equals it"),
    ],
)
def test_an_ignored_filter_is_reported(bug: str, expected: str, tmp_path: Path) -> None:
    code, text = _run(tmp_path, bug)
    assert code == 1, text
    assert expected in text, text


def test_without_the_action_a_status_no_visit_holds_still_finds_the_bug(tmp_path: Path) -> None:
    """Without the cancel action every visit stays booked; ?status=cancelled must drop them."""
    code, text = _run(tmp_path, "status-ignored", cancel=False)
    assert code == 1, text
    assert "status='cancelled' to keep only items whose status equals it" in text, text


def test_a_filter_that_can_drop_nothing_ends_not_exercised(tmp_path: Path) -> None:
    """A status with one value only: no value keeps some visits and drops others, so the
    check says so instead of passing."""
    code, text = _run(tmp_path, "status-ignored", cancel=False, statuses='Literal["booked"]')
    assert not re.search(r"^\| PAGE-FILTER \| `listVisits` \| passed \|", text, re.MULTILINE)
    assert "every item matched status='booked', so the filter had nothing to drop" in text, text
    assert code == 0, text
