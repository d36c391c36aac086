"""TEN-NONINTERFERENCE makes tenant b's fixtures alike in its two worlds.

The check runs tenant b's steps twice, once alone and once after tenant a did the same, and
compares what b saw. A menu's dishes are given in its create body and listed, as a bare
array, at ``/menus/{menu_id}/dishes``: no operation creates a dish, so the menu is a parent
the check provisions on the way. Drawn afresh in each world, b's two menus held different
dishes, and a correct server was reported for answering each with its own.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import synth
from synth.testing import config_from_options
from synth.testing.cli import run_suite
from tests._generated import write_tests
from tests._taxonomy import STANDARD_ERRORS

TENANTS = ["a=tok_menus_a_0123456789", "b=tok_menus_b_9876543210"]
_TOKENS = {"tok_menus_a_0123456789": "a", "tok_menus_b_9876543210": "b"}

CONTRACTS = '''\
"""Menus, each with the dishes its create body lists."""

from typing import Annotated

from pydantic import Field

from synth.contract import UUID, Api, Model, RequestModel

api = Api("Menus", "1.0.0", base_path="/v1")
{errors}

class DishIn(RequestModel):
    name: Annotated[str, Field(min_length=1, max_length=20)]
    price: Annotated[int, Field(ge=1, le=1000)]


class Dish(Model):
    position: int
    name: str
    price: int


class MenuBody(RequestModel):
    title: Annotated[str, Field(min_length=1, max_length=40)]
    dishes: Annotated[list[DishIn], Field(max_length=5)] = []


class Menu(Model):
    id: UUID
    title: str
    dish_count: int


@api.post("/menus", status=201)
def create_menu(body: MenuBody) -> Menu:
    """Write a menu with its dishes."""


@api.get("/menus/{{menu_id}}")
def get_menu(menu_id: UUID) -> Menu:
    """One menu."""


@api.delete("/menus/{{menu_id}}")
def delete_menu(menu_id: UUID) -> None:
    """Remove a menu."""


@api.get("/menus/{{menu_id}}/dishes")
def list_dishes(menu_id: UUID) -> list[Dish]:
    """A menu's dishes in order: a bare JSON array."""
'''

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _problem(status: int, code: str, loc: list[str] | None = None) -> Response:
    body: dict[str, Any] = {"type": "about:blank", "title": code, "status": status, "code": code}
    if loc is not None:
        body["errors"] = [{"loc": loc, "msg": "invalid", "type": "value_error"}]
    return Response(json.dumps(body), status, media_type="application/problem+json")


class _DishIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: Annotated[str, Field(min_length=1, max_length=20)]
    price: Annotated[int, Field(ge=1, le=1000)]


class _MenuBody(BaseModel):
    """What the server accepts: the contract's ``MenuBody``."""

    model_config = ConfigDict(extra="forbid", strict=True)
    title: Annotated[str, Field(min_length=1, max_length=40)]
    dishes: Annotated[list[_DishIn], Field(max_length=5)] = []


def menus_app(made: list[tuple[str, list[Any]]]) -> Starlette:
    """The menus API under ``/v1``, correct: each tenant sees its own menus only. ``made``
    gets each menu's tenant and dishes as it is created."""
    menus: dict[str, tuple[str, dict[str, Any]]] = {}

    def tenant_of(request: Request) -> str | None:
        return _TOKENS.get(request.headers.get("authorization", "").removeprefix("Bearer "))

    def own(request: Request, tenant: str) -> dict[str, Any] | None:
        menu_id = request.path_params["menu_id"]
        found = menus.get(menu_id) if _UUID.fullmatch(menu_id) else None
        return found[1] if found is not None and found[0] == tenant else None

    async def create(request: Request) -> Response:
        tenant = tenant_of(request)
        if tenant is None:
            return _problem(401, "unauthenticated")
        raw = await request.body()
        try:
            json.loads(raw)
        except ValueError:
            return _problem(400, "invalid_request")
        try:
            body = _MenuBody.model_validate_json(raw)
        except ValidationError as exc:
            where = ["body", *(str(part) for part in exc.errors()[0]["loc"])]
            return _problem(422, "validation_failed", where)
        dishes = [dish.model_dump() for dish in body.dishes]
        menu: dict[str, Any] = {"id": str(uuid.uuid4()), "title": body.title, "dishes": dishes}
        menus[menu["id"]] = (tenant, menu)
        made.append((tenant, dishes))
        return JSONResponse(_shown(menu), 201)

    async def item(request: Request) -> Response:
        tenant = tenant_of(request)
        if tenant is None:
            return _problem(401, "unauthenticated")
        menu = own(request, tenant)
        if menu is None:
            return _problem(404, "not_found")
        if request.method == "DELETE":
            del menus[menu["id"]]
            return Response(status_code=204)
        return JSONResponse(_shown(menu))

    async def dishes(request: Request) -> Response:
        tenant = tenant_of(request)
        if tenant is None:
            return _problem(401, "unauthenticated")
        menu = own(request, tenant)
        if menu is None:
            return _problem(404, "not_found")
        listed = [{"position": n, **dish} for n, dish in enumerate(menu["dishes"], 1)]
        return JSONResponse(listed)

    return Starlette(
        routes=[
            Route("/v1/menus", create, methods=["POST"]),
            Route("/v1/menus/{menu_id}", item, methods=["GET", "DELETE"]),
            Route("/v1/menus/{menu_id}/dishes", dishes, methods=["GET"]),
        ]
    )


def _shown(menu: dict[str, Any]) -> dict[str, Any]:
    return {"id": menu["id"], "title": menu["title"], "dish_count": len(menu["dishes"])}


@pytest.fixture(scope="module")
def menus_api(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("menus")
    contracts = root / "contracts"
    contracts.mkdir()
    (contracts / "__init__.py").write_text("")
    (contracts / "api.py").write_text(CONTRACTS.format(errors=STANDARD_ERRORS))
    write_tests(synth.load(contracts), root / "out")
    return contracts, root / "out" / "tests"


@pytest.mark.parametrize("seed", [1, 2])
def test_a_list_of_what_the_parents_body_held_is_the_same_in_both_worlds(
    menus_api: tuple[Path, Path], tmp_path: Path, seed: int
) -> None:
    """Tenant b's two menus are made from one body, so the correct server passes; and the
    check still sees b's dishes (it would pass vacuously on empty menus only)."""
    contracts, tests = menus_api
    made: list[tuple[str, list[Any]]] = []
    config = config_from_options(app=menus_app(made), tenants=TENANTS, seed=seed,
                                 contracts=contracts, env={})  # fmt: skip
    report = tmp_path / "report.md"
    code = run_suite(config, tests, select="listDishes__TEN_NONINTERFERENCE", report=report,
                     extra=["-p", "no:randomly"])  # fmt: skip
    text = report.read_text(encoding="utf-8") if report.exists() else ""
    assert code == 0, text
    assert re.search(r"^\| TEN-NONINTERFERENCE \| `listDishes` \| passed \|", text, re.M), text
    assert any(dishes for tenant, dishes in made if tenant == "b"), made
