"""PAGE-FILTER sends filter values the contract's own types accept.

A filter typed ``EmailStr`` refuses addresses its JSON Schema (``format: email``) admits, a
``.example`` domain say; a correct server answers those 422. The small API here lists members
filtered by e-mail (an optional field, so the seeded items often lack one) and by a patterned
code; its server, written apart from synth, validates the filters with the same types.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path
from typing import Annotated, Any

import pytest
from pydantic import EmailStr, Field, TypeAdapter, ValidationError
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
from typing import Annotated

from pydantic import EmailStr, Field

from synth.contract import Api, Cursor, Filter, Model, Page, RequestModel

api = Api("Members", "1.0.0")
"""
    + STANDARD_ERRORS
    + """

Code = Annotated[str, Field(pattern=r"^[a-z]{2}-[0-9]{3}$")]


class MemberIn(RequestModel):
    name: str
    email: EmailStr | None = None
    code: Code | None = None


class Member(Model):
    id: str
    name: str
    email: EmailStr | None
    code: Code | None


class MemberPage(Page[Member]):
    pass


@api.post("/members", status=201)
def create_member(body: MemberIn) -> Member: ...


@api.get("/members", paginated=Cursor(order=("id",)))
def list_members(
    email: Annotated[EmailStr | None, Filter("email")] = None,
    code: Annotated[Code | None, Filter("code")] = None,
) -> MemberPage: ...
"""
)

TENANTS = {"tok-a-0123456789": "a", "tok-b-0123456789": "b"}
OPTIONS = [f"{name}={token}" for token, name in TENANTS.items()]
_EMAIL: TypeAdapter[str] = TypeAdapter(EmailStr)
_CODE: TypeAdapter[str] = TypeAdapter(Annotated[str, Field(pattern=r"^[a-z]{2}-[0-9]{3}$")])


def _problem(status: int, code: str) -> Response:
    body = {"type": f"https://errors/{code}", "title": code, "status": status, "code": code}
    return Response(json.dumps(body), status, media_type="application/problem+json")


def _app() -> Starlette:
    members: list[dict[str, Any]] = []

    def tenant(request: Request) -> str | None:
        return TENANTS.get(request.headers.get("authorization", "").removeprefix("Bearer "))

    async def create(request: Request) -> Response:
        who = tenant(request)
        if who is None:
            return _problem(401, "unauthenticated")
        body = json.loads(await request.body())
        if not isinstance(body, dict) or not isinstance(body.get("name"), str):
            return _problem(422, "validation_failed")
        try:
            email = _EMAIL.validate_python(body["email"]) if body.get("email") else None
            code = _CODE.validate_python(body["code"]) if body.get("code") else None
        except ValidationError:
            return _problem(422, "validation_failed")
        item = {"id": f"m{len(members):06d}", "name": body["name"], "email": email, "code": code}
        members.append({**item, "tenant": who})
        return Response(json.dumps(item), 201, media_type="application/json")

    async def listing(request: Request) -> Response:
        who = tenant(request)
        if who is None:
            return _problem(401, "unauthenticated")
        q = request.query_params
        try:
            email = _EMAIL.validate_python(q["email"]) if "email" in q else None
            code = _CODE.validate_python(q["code"]) if "code" in q else None
            limit = int(q.get("limit", "20"))
        except (ValidationError, ValueError):
            return _problem(422, "validation_failed")
        if not 1 <= limit <= 100:
            return _problem(422, "validation_failed")
        after = q.get("cursor", "")
        rows = [
            {k: v for k, v in m.items() if k != "tenant"}
            for m in members
            if m["tenant"] == who
            and m["id"] > after
            and (email is None or m["email"] == email)
            and (code is None or m["code"] == code)
        ]
        page = rows[:limit]
        cursor = page[-1]["id"] if len(rows) > limit else None
        body = {"items": page, "next_cursor": cursor}
        return Response(json.dumps(body), 200, media_type="application/json")

    return Starlette(
        routes=[Route("/members", create, methods=["POST"]), Route("/members", listing)]
    )


def _tests(tmp_path: Path) -> tuple[Path, Path]:
    contracts = tmp_path / "members"
    contracts.mkdir()
    (contracts / "__init__.py").write_text("")
    (contracts / "api.py").write_text(textwrap.dedent(CONTRACTS))
    write_tests(synth.load(contracts), tmp_path / "out")
    return contracts, tmp_path / "out" / "tests"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_filter_values_are_ones_the_parameter_accepts(seed: int, tmp_path: Path) -> None:
    contracts, tests = _tests(tmp_path)
    config = config_from_options(
        app=_app(),
        tenants=OPTIONS,
        seed=seed,
        contracts=contracts,
        env={},
    )
    report = tmp_path / "report.md"
    code = run_suite(config, tests, select="listMembers__PAGE_FILTER", report=report,
                     extra=["-p", "no:randomly"])  # fmt: skip
    text = report.read_text(encoding="utf-8")
    assert re.search(r"^\| PAGE-FILTER \| `listMembers` \| passed \|", text, re.MULTILINE), text
    assert code == 0, text


def test_a_filter_that_keeps_too_much_is_still_reported(tmp_path: Path) -> None:
    """The accepted values still find a server that ignores the e-mail filter."""
    contracts, tests = _tests(tmp_path)
    app = _app()
    listing = app.routes[1].endpoint  # type: ignore[attr-defined]

    async def ignoring(request: Request) -> Response:
        scope = dict(request.scope)
        query = [p for p in request.query_params.multi_items() if p[0] != "email"]
        scope["query_string"] = "&".join(f"{k}={v}" for k, v in query).encode()
        return await listing(Request(scope, request.receive))  # type: ignore[no-any-return]

    app.router.routes[1] = Route("/members", ignoring)
    config = config_from_options(app=app, tenants=OPTIONS, seed=1, contracts=contracts, env={})
    report = tmp_path / "report.md"
    code = run_suite(config, tests, select="listMembers__PAGE_FILTER", report=report,
                     extra=["-p", "no:randomly"])  # fmt: skip
    text = report.read_text(encoding="utf-8")
    assert code == 1, text
    assert "to keep only items whose email equals it" in text, text
