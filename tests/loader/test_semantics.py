"""The semantics phase on its own: pagination, filters, idempotency and conditional requests."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

import pytest
from pydantic import BaseModel, ConfigDict, Field

from synth.contract import Api, Conditional, Cursor, Filter, Idempotency, Limit, OperationDecl, Page
from synth.loader._common import Op
from synth.loader._operations import check_names_only
from synth.loader._problems import Problems
from synth.loader._semantics import (
    cache,
    check_idempotency,
    idempotency,
    pagination,
    semantic_params,
    with_item_schema,
)
from synth.loader._signatures import resolve
from synth.loader._taxonomy import check_taxonomy, implied_by, implied_codes
from synth.spec import CacheSpec, FilterSpec, IdempotencySpec, OrderKey

api = Api("T", "1")
NOT_FOUND = api.error("not_found", 404, "Not found", "No such thing.")


class Thing(BaseModel):
    id: UUID
    name: str
    tags: list[str]


class ThingPage(Page[Thing]):
    pass


class Renamed(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    full_name: str = Field(alias="fullName")


@api.get("/things", paginated=Cursor(order=("-name", "id"), limit=Limit(10, 1, 50, "clamp")))
def list_things(
    tag: Annotated[str | None, Filter("tags", "contains")] = None,
    named: Annotated[str | None, Filter("name", "icontains")] = None,
) -> ThingPage: ...


@api.route("POST", "/things/search", paginated=Cursor(order=("rank",), limit=Limit(5, 1, 2)))
def search_things(
    name: Annotated[str | None, Filter("name", "contains")] = None,
    colour: Annotated[str | None, Filter("colour")] = None,
) -> ThingPage: ...


@api.get("/things/flat", paginated=Cursor(order=()))
def flat_things() -> Thing: ...


@api.route("GET", "/things/{thing_id}", idempotent=True, cacheable=True)
def get_thing(thing_id: UUID) -> Thing: ...


@api.post("/things", idempotent=Idempotency.OPTIONAL)
def create_thing(body: Renamed) -> Thing: ...


@api.patch("/things/{thing_id}", cacheable=Conditional.REQUIRED)
def update_thing(thing_id: UUID, body: Renamed) -> Thing: ...


@api.route("POST", "/things/{thing_id}/touch", cacheable=True)
def touch_thing(thing_id: UUID) -> None: ...


def decl(name: str) -> OperationDecl:
    return next(d for d in api.operations if d.name == name)


def op(name: str) -> Op:
    resolved = resolve(decl(name), Problems())
    assert resolved is not None
    return resolved


def messages(problems: Problems) -> list[str]:
    return [p.message for p in problems.found]


def test_a_paginated_list_gets_its_order_limit_and_filters() -> None:
    problems = Problems()
    spec = pagination(op("list_things"), problems)
    assert problems.found == []
    assert spec is not None
    assert spec.item is Thing
    assert spec.item_schema == "Thing"
    assert spec.order == (OrderKey("name", True), OrderKey("id", False))
    assert spec.limit == Limit(10, 1, 50, "clamp")
    assert spec.filters == (
        FilterSpec("tag", "tags", "contains", path=("tags",)),
        FilterSpec("named", "name", "icontains", path=("name",)),
    )
    params = semantic_params(decl("list_things"), spec, None)
    assert [(p.name, p.location, p.required, p.schema) for p in params] == [
        ("cursor", "query", False, {"type": "string", "minLength": 1}),
        ("limit", "query", False, {"type": "integer", "default": 10}),
    ]
    assert params[1].description == "Items per page, clamped to 1..50."


def test_pagination_mistakes_are_all_collected() -> None:
    problems = Problems()
    spec = pagination(op("search_things"), problems)
    assert spec is not None
    assert [m.split(" (fields")[0] for m in messages(problems)] == [
        "search_things: paginated=... on POST",
        "search_things: order key 'rank' names no field of Thing",
        "search_things: Limit(min=1, default=5, max=2) is inconsistent",
        "search_things: filter 'name' uses 'contains' on Thing.name, which is not a list",
        "search_things: filter 'colour' tests field 'colour', which Thing lacks",
    ]
    # The spec is still built, so later phases see every filter; the problems stop the load.
    assert [f.param for f in spec.filters] == ["name", "colour"]


def test_a_paginated_operation_must_return_a_page() -> None:
    problems = Problems()
    assert pagination(op("flat_things"), problems) is None
    assert messages(problems) == ["flat_things: paginated, but the response Thing is not a page"]
    assert pagination(op("get_thing"), problems) is None  # not paginated: nothing to say
    assert len(problems.found) == 1


def test_the_page_names_the_item_component_it_really_holds() -> None:
    spec = pagination(op("list_things"), Problems())
    assert spec is not None
    components = {"ThingPage": {"properties": {"items": {"items": {"$ref": "#/c/Thing-Output"}}}}}
    page = {"$ref": "#/components/schemas/ThingPage"}
    assert with_item_schema(spec, page, components).item_schema == "Thing-Output"
    assert with_item_schema(spec, page, {}).item_schema == "Thing"


def test_idempotency_is_for_unsafe_methods() -> None:
    problems = Problems()
    check_idempotency(decl("get_thing"), problems)
    check_idempotency(decl("create_thing"), problems)
    assert messages(problems) == [
        "get_thing: idempotent=... on GET, which is idempotent by definition"
    ]
    assert idempotency(decl("create_thing")) == IdempotencySpec(required=False)
    assert idempotency(decl("list_things")) is None
    [key] = semantic_params(decl("create_thing"), None, None)
    assert (key.name, key.location, key.required, key.python_name) == (
        "Idempotency-Key",
        "header",
        False,
        "idempotency_key",
    )


@pytest.mark.parametrize(
    ("name", "expected", "headers"),
    [
        ("get_thing", CacheSpec(etag=True, if_match=None), [("If-None-Match", False)]),
        ("update_thing", CacheSpec(etag=False, if_match="required"), [("If-Match", True)]),
        ("list_things", None, []),
    ],
)
def test_conditional_requests(
    name: str, expected: CacheSpec | None, headers: list[tuple[str, bool]]
) -> None:
    problems = Problems()
    spec = cache(decl(name), problems)
    assert spec == expected
    assert problems.found == []
    params = semantic_params(decl("update_thing"), None, spec)
    assert [(p.name, p.required) for p in params] == headers


def test_conditional_requests_do_not_apply_to_post() -> None:
    problems = Problems()
    assert cache(decl("touch_thing"), problems) is None
    assert messages(problems) == ["touch_thing: cacheable=... on POST"]


def test_a_request_model_must_not_accept_undocumented_names() -> None:
    problems = Problems()
    check_names_only(Renamed, decl("create_thing").location, problems)
    [problem] = problems.found
    assert problem.message.startswith("Renamed accepts 'full_name' as well as its alias 'fullName'")
    assert problem.location is not None
    assert problem.location != decl("create_thing").location  # the model's own line


def test_a_missing_implied_code_is_reported_once_per_load() -> None:
    problems = Problems()
    taxonomy = check_taxonomy(api.errors, problems)
    missing: set[str] = set()
    where = decl("get_thing").location
    codes = implied_codes(
        "get_thing", where, ["lookup", "always"], taxonomy, missing=missing, problems=problems
    )
    again = implied_codes(
        "update_thing", where, ["always"], taxonomy, missing=missing, problems=problems
    )
    assert list(codes) == ["not_found"]
    assert again == {}
    assert [m.split(",")[0] for m in messages(problems)] == [
        "get_thing: every operation implies error code 'internal_error'"
    ]


def test_what_each_operation_implies() -> None:
    assert implied_by(op("get_thing"), tenant=True, paginated=False, if_match=None) == [
        "always",
        "tenant",
        "lookup",
        "input",
        "idempotent",
        "key_required",
    ]
    # An optional key: a request without one is served, so no idempotency_key_missing.
    assert implied_by(op("create_thing"), tenant=False, paginated=False, if_match=None) == [
        "always",
        "input",
        "body",
        "idempotent",
    ]
    assert implied_by(op("flat_things"), tenant=False, paginated=True, if_match="optional") == [
        "always",
        "input",
        "paginated",
        "if_match",
    ]


@pytest.mark.parametrize(
    ("if_match", "codes"),
    [
        (None, []),
        ("optional", ["precondition_failed"]),
        ("required", ["precondition_failed", "precondition_required"]),
    ],
)
def test_a_required_if_match_implies_428(
    if_match: Literal["optional", "required"] | None, codes: list[str]
) -> None:
    reasons = implied_by(op("update_thing"), tenant=False, paginated=False, if_match=if_match)
    problems = Problems()
    where = decl("update_thing").location
    implied_codes("update_thing", where, reasons, {}, missing=set(), problems=problems)
    lacking = [m.split("'")[1] for m in messages(problems) if "'precondition_" in m]
    assert lacking == codes
    if if_match == "required":
        assert (
            "update_thing: cacheable=Conditional.REQUIRED (If-Match required) implies error "
            "code 'precondition_required', which the taxonomy lacks (reported once)"
        ) in messages(problems)
