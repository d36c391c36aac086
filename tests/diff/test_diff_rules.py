"""The table: one small mutation of the base document per row, the rule it must trigger and
its level. Requests break when accepted inputs shrink, responses when possible outputs grow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from synth.diff import RULES, Level, diff_documents

from .base import PROBLEM, base

B, N = Level.BREAKING, Level.NON_BREAKING
Doc = dict[str, Any]


def schema(doc: Doc, name: str) -> Doc:
    return doc["components"]["schemas"][name]  # type: ignore[no-any-return]


def prop(doc: Doc, name: str, field: str) -> Doc:
    return schema(doc, name)["properties"][field]  # type: ignore[no-any-return]


def op(doc: Doc, path: str, method: str) -> Doc:
    return doc["paths"][path][method]  # type: ignore[no-any-return]


def param(doc: Doc, path: str, method: str, name: str) -> Doc:
    return next(p for p in op(doc, path, method)["parameters"] if p["name"] == name)


def sem(doc: Doc, path: str, method: str) -> Doc:
    return op(doc, path, method)["x-synth-semantics"]  # type: ignore[no-any-return]


Mutation = Callable[[Doc], object]


def add_required_sku(doc: Doc) -> None:
    schema(doc, "ItemCreate")["properties"]["sku"] = {"type": "string"}
    schema(doc, "ItemCreate")["required"].append("sku")


def narrow_label_union(doc: Doc) -> None:
    """A union loses a branch: `label: str | int` becomes `label: str`."""
    schema(doc, "Node")["properties"]["label"] = {"type": "string"}


ITEM = "/components/schemas/Item/properties"
CREATE = "/components/schemas/ItemCreate/properties"

# (id, mutation, rule, level, location or None)
ROWS: list[tuple[str, Mutation, str, Level, str | None]] = [
    # -- request bodies: inputs shrink -> breaking ---------------------------------------------
    ("req-prop-became-required", lambda d: schema(d, "ItemCreate")["required"].append("count"),
     "request-property-became-required", B, f"{CREATE}/count"),
    ("req-prop-became-optional", lambda d: schema(d, "ItemCreate").update(required=[]),
     "request-property-became-optional", N, f"{CREATE}/name"),
    ("req-new-required-prop", add_required_sku, "new-required-request-property", B,
     f"{CREATE}/sku"),
    ("req-new-optional-prop", lambda d: schema(d, "ItemCreate")["properties"].update(
        sku={"type": "string"}), "new-optional-request-property", N, f"{CREATE}/sku"),
    ("req-prop-removed", lambda d: schema(d, "ItemCreate")["properties"].pop("size"),
     "request-property-removed", B, f"{CREATE}/size"),
    ("req-type-changed", lambda d: prop(d, "ItemCreate", "name").update(type="integer"),
     "request-property-type-changed", B, f"{CREATE}/name"),
    ("req-type-narrowed", lambda d: prop(d, "ItemCreate", "size").update(type="integer"),
     "request-property-type-changed", B, f"{CREATE}/size"),
    ("req-type-widened", lambda d: prop(d, "ItemCreate", "count").update(type="number"),
     "request-property-type-generalized", N, f"{CREATE}/count"),
    ("req-max-length-decreased", lambda d: prop(d, "ItemCreate", "name").update(maxLength=50),
     "request-property-max-length-decreased", B, f"{CREATE}/name"),
    ("req-max-length-increased", lambda d: prop(d, "ItemCreate", "name").update(maxLength=500),
     "request-property-max-length-increased", N, f"{CREATE}/name"),
    ("req-min-length-increased", lambda d: prop(d, "ItemCreate", "name").update(minLength=3),
     "request-property-min-length-increased", B, f"{CREATE}/name"),
    ("req-max-decreased", lambda d: prop(d, "ItemCreate", "count").update(maximum=5),
     "request-property-max-decreased", B, f"{CREATE}/count"),
    ("req-min-increased", lambda d: prop(d, "ItemCreate", "count").update(minimum=1),
     "request-property-min-increased", B, f"{CREATE}/count"),
    ("req-min-unset", lambda d: prop(d, "ItemCreate", "count").pop("minimum"),
     "request-property-min-unset", N, f"{CREATE}/count"),
    ("req-exclusive-max-set", lambda d: prop(d, "ItemCreate", "size").update(exclusiveMaximum=9),
     "request-property-exclusive-max-set", B, f"{CREATE}/size"),
    ("req-max-items-decreased", lambda d: prop(d, "ItemCreate", "tags").update(maxItems=2),
     "request-property-max-items-decreased", B, f"{CREATE}/tags"),
    ("req-min-items-set", lambda d: prop(d, "ItemCreate", "tags").update(minItems=1),
     "request-property-min-items-set", B, f"{CREATE}/tags"),
    ("req-unique-items-set", lambda d: prop(d, "ItemCreate", "tags").update(uniqueItems=True),
     "request-property-unique-items-set", B, f"{CREATE}/tags"),
    ("req-items-pattern-added", lambda d: prop(d, "ItemCreate", "tags")["items"].update(
        pattern="^[a-z]+$"), "request-property-pattern-added", B, f"{CREATE}/tags/items"),
    ("req-pattern-removed", lambda d: prop(d, "Item", "tags")["items"].pop("pattern"),
     "response-property-pattern-removed", B, f"{ITEM}/tags/items"),
    ("req-format-added", lambda d: prop(d, "ItemCreate", "name").update(format="hostname"),
     "request-property-format-added", B, f"{CREATE}/name"),
    ("req-enum-value-removed", lambda d: prop(d, "ItemCreate", "kind").update(enum=["a"]),
     "request-property-enum-value-removed", B, f"{CREATE}/kind"),
    ("req-enum-value-added", lambda d: prop(d, "ItemCreate", "kind").update(enum=["a", "b", "c"]),
     "request-property-enum-value-added", N, f"{CREATE}/kind"),
    ("req-became-enum", lambda d: prop(d, "ItemCreate", "name").update(enum=["x"]),
     "request-property-became-enum", B, f"{CREATE}/name"),
    ("req-not-nullable", lambda d: schema(d, "ItemCreate")["properties"].update(
        email={"type": "string", "format": "email", "default": None}),
     "request-property-became-not-nullable", B, f"{CREATE}/email"),
    ("req-nullable", lambda d: schema(d, "ItemCreate")["properties"].update(
        name={"anyOf": [{"type": "string", "minLength": 1, "maxLength": 100}, {"type": "null"}]}),
     "request-property-became-nullable", N, f"{CREATE}/name"),
    ("req-additional-tightened", lambda d: schema(d, "Node").update(additionalProperties=False),
     "request-body-additional-properties-tightened", B, "/components/schemas/Node"),
    ("req-additional-loosened", lambda d: schema(d, "ItemCreate").pop("additionalProperties"),
     "request-body-additional-properties-loosened", N, "/components/schemas/ItemCreate"),
    ("req-multiple-of-changed", lambda d: prop(d, "ItemCreate", "size").update(multipleOf=0.25),
     "request-property-multiple-of-changed", B, f"{CREATE}/size"),
    ("req-default-changed", lambda d: prop(d, "ItemCreate", "count").update(default=1),
     "request-property-default-value-changed", B, f"{CREATE}/count"),
    ("req-enum-dropped-via-union", lambda d: schema(d, "ItemCreate")["properties"].update(
        kind={"anyOf": [{"type": "string"}]}), "request-property-enum-dropped", N,
     f"{CREATE}/kind/anyOf/0"),
    ("req-union-narrowed", narrow_label_union, "request-property-any-of-removed", B,
     "/components/schemas/Node/properties/label"),
    ("req-body-became-optional", lambda d: op(d, "/items", "post")["requestBody"].update(
        required=False), "request-body-became-optional", N, "/paths/~1items/post/requestBody"),
    ("req-body-media-type-removed", lambda d: op(d, "/items", "post")["requestBody"].update(
        content={"application/xml": {"schema": {"type": "object"}}}),
     "request-body-media-type-removed", B,
     "/paths/~1items/post/requestBody/content/application~1json"),
    ("req-body-added", lambda d: op(d, "/items/{item_id}", "delete").update(
        requestBody={"required": True, "content": {"application/json": {"schema": {}}}}),
     "request-body-added-required", B, "/paths/~1items~1{item_id}/delete/requestBody"),
    ("req-body-removed", lambda d: op(d, "/items", "post").pop("requestBody"),
     "request-body-removed", B, "/paths/~1items/post/requestBody"),
    # -- parameters -----------------------------------------------------------------------------
    ("param-new-required", lambda d: op(d, "/items", "get")["parameters"].append(
        {"name": "org", "in": "query", "required": True, "schema": {"type": "string"}}),
     "new-required-request-parameter", B, "/paths/~1items/get/parameters/2"),
    ("param-new-required-header", lambda d: op(d, "/items", "get")["parameters"].append(
        {"name": "X-Org", "in": "header", "required": True, "schema": {"type": "string"}}),
     "new-required-request-parameter", B, "/paths/~1items/get/parameters/2"),
    ("param-new-optional", lambda d: op(d, "/items", "get")["parameters"].append(
        {"name": "tag", "in": "query", "schema": {"type": "string"}}),
     "new-optional-request-parameter", N, "/paths/~1items/get/parameters/2"),
    ("param-removed", lambda d: op(d, "/items", "get")["parameters"].pop(0),
     "request-parameter-removed", B, "/paths/~1items/get/parameters/0"),
    ("param-became-required", lambda d: param(d, "/items", "get", "q").update(required=True),
     "request-parameter-became-required", B, "/paths/~1items/get/parameters/0"),
    ("param-max-decreased", lambda d: param(d, "/items", "get", "limit")["schema"].update(
        maximum=50), "request-parameter-max-decreased", B,
     "/paths/~1items/get/parameters/1/schema"),
    ("param-default-changed", lambda d: param(d, "/items", "get", "limit")["schema"].update(
        default=10), "request-parameter-default-value-changed", B,
     "/paths/~1items/get/parameters/1/schema"),
    ("param-type-changed", lambda d: param(d, "/items", "get", "q")["schema"].update(
        type="integer"), "request-parameter-type-changed", B,
     "/paths/~1items/get/parameters/0/schema"),
    ("param-header-max-length", lambda d: param(d, "/items", "post", "Idempotency-Key")["schema"]
     .update(maxLength=64), "request-parameter-max-length-decreased", B,
     "/paths/~1items/post/parameters/0/schema"),
    ("path-param-renamed", lambda d: d["paths"].update({"/items/{id}": d["paths"].pop(
        "/items/{item_id}")}) or [p.update(name="id") for m in ("get", "delete")
        for p in op(d, "/items/{id}", m)["parameters"]],
     "request-path-parameter-renamed", N, "/paths/~1items~1{id}/get/parameters/0"),
    ("param-style-changed", lambda d: param(d, "/items", "get", "q").update(style="form",
        explode=False), "request-parameter-style-changed", B, "/paths/~1items/get/parameters/0"),
    # -- responses: outputs grow -> breaking ----------------------------------------------------
    ("resp-required-removed", lambda d: schema(d, "Item")["properties"].pop("count"),
     "response-required-property-removed", B, f"{ITEM}/count"),
    ("resp-optional-removed", lambda d: schema(d, "Item")["properties"].pop("note"),
     "response-optional-property-removed", B, f"{ITEM}/note"),
    ("resp-became-optional", lambda d: schema(d, "Item")["required"].remove("name"),
     "response-property-became-optional", B, f"{ITEM}/name"),
    ("resp-became-required", lambda d: schema(d, "Item")["required"].append("note"),
     "response-property-became-required", N, f"{ITEM}/note"),
    ("resp-prop-added", lambda d: schema(d, "Item")["properties"].update(
        color={"type": "string"}), "response-optional-property-added", N, f"{ITEM}/color"),
    ("resp-became-nullable", lambda d: schema(d, "Item")["properties"].update(
        name={"anyOf": [{"type": "string", "minLength": 1, "maxLength": 100}, {"type": "null"}]}),
     "response-property-became-nullable", B, f"{ITEM}/name"),
    ("resp-became-nullable-type-list", lambda d: prop(d, "Item", "note").update(
        type=["string", "null"]), "response-property-became-nullable", B, f"{ITEM}/note"),
    ("resp-not-nullable", lambda d: schema(d, "Item")["properties"].update(
        email={"type": "string", "format": "email"}),
     "response-property-became-not-nullable", N, f"{ITEM}/email"),
    ("resp-type-changed", lambda d: prop(d, "Item", "count").update(type="string"),
     "response-property-type-changed", B, f"{ITEM}/count"),
    ("resp-type-widened", lambda d: prop(d, "Item", "count").update(type="number"),
     "response-property-type-changed", B, f"{ITEM}/count"),
    ("resp-type-narrowed", lambda d: prop(d, "Item", "score").update(type="integer"),
     "response-property-type-specialized", N, f"{ITEM}/score"),
    ("resp-enum-value-added", lambda d: schema(d, "Status")["enum"].append("archived"),
     "response-property-enum-value-added", B, "/components/schemas/Status"),
    ("resp-enum-value-removed", lambda d: schema(d, "Status").update(enum=["open"]),
     "response-property-enum-value-removed", N, "/components/schemas/Status"),
    ("resp-union-branch-added", lambda d: prop(d, "Item", "owner")["anyOf"].append(
        {"type": "string"}), "response-property-any-of-added", B, f"{ITEM}/owner"),
    ("resp-union-branch-removed", lambda d: prop(d, "Item", "owner")["anyOf"].pop(),
     "response-property-any-of-removed", N, f"{ITEM}/owner"),
    ("resp-union-from-single", lambda d: prop(d, "Item", "note").update(
        anyOf=[{"type": "string"}, {"type": "integer"}]) or prop(d, "Item", "note").pop("type"),
     "response-property-any-of-added", B, f"{ITEM}/note"),
    ("resp-const-changed", lambda d: prop(d, "Team", "kind").update(const="group"),
     "response-property-enum-value-added", B, "/components/schemas/Team/properties/kind"),
    ("resp-max-length-increased", lambda d: prop(d, "Item", "name").update(maxLength=200),
     "response-property-max-length-increased", B, f"{ITEM}/name"),
    ("resp-max-length-decreased", lambda d: prop(d, "Item", "name").update(maxLength=50),
     "response-property-max-length-decreased", N, f"{ITEM}/name"),
    ("resp-min-decreased", lambda d: prop(d, "Item", "count").update(minimum=-1),
     "response-property-min-decreased", B, f"{ITEM}/count"),
    ("resp-max-unset", lambda d: prop(d, "Item", "count").pop("maximum"),
     "response-property-max-unset", B, f"{ITEM}/count"),
    ("resp-max-items-increased", lambda d: prop(d, "Item", "tags").update(maxItems=50),
     "response-property-max-items-increased", B, f"{ITEM}/tags"),
    ("resp-unique-items-unset", lambda d: prop(d, "Item", "tags").pop("uniqueItems"),
     "response-property-unique-items-unset", B, f"{ITEM}/tags"),
    ("resp-pattern-changed", lambda d: prop(d, "Item", "tags")["items"].update(
        pattern="^[a-z0-9]+$"), "response-property-pattern-changed", B, f"{ITEM}/tags/items"),
    ("resp-format-changed", lambda d: prop(d, "Item", "id").update(format="uri"),
     "response-property-format-changed", B, f"{ITEM}/id"),
    ("resp-format-removed", lambda d: prop(d, "Item", "id").pop("format"),
     "response-property-format-removed", B, f"{ITEM}/id"),
    ("resp-additional-tightened", lambda d: schema(d, "Node").update(
        additionalProperties={"type": "string"}), "response-body-additional-properties-tightened",
     N, "/components/schemas/Node"),
    ("resp-description-changed", lambda d: prop(d, "Item", "note").update(description="Notes."),
     "response-property-description-changed", N, f"{ITEM}/note"),
    ("resp-deprecated", lambda d: prop(d, "Item", "note").update(deprecated=True),
     "response-property-deprecated", N, f"{ITEM}/note"),
    ("resp-success-status-changed", lambda d: op(d, "/items", "post")["responses"].update(
        {"200": op(d, "/items", "post")["responses"].pop("201")}),
     "response-success-status-removed", B, "/paths/~1items/post/responses/201"),
    ("resp-success-status-added", lambda d: op(d, "/items", "post")["responses"].update(
        {"200": {"description": "OK"}}), "response-success-status-added", N,
     "/paths/~1items/post/responses/200"),
    ("resp-error-status-added", lambda d: op(d, "/items/{item_id}", "delete")["responses"].update(
        {"409": op(d, "/items", "post")["responses"]["409"]}),
     "response-non-success-status-added", B, "/paths/~1items~1{item_id}/delete/responses/409"),
    ("resp-error-status-removed", lambda d: op(d, "/items", "post")["responses"].pop("409"),
     "response-non-success-status-removed", N, "/paths/~1items/post/responses/409"),
    ("resp-error-code-added", lambda d: op(d, "/items", "post")["responses"]["409"]["content"][
        PROBLEM]["examples"].update(busy={"value": {"code": "busy", "status": 409}}),
     "response-error-code-added", B,
     "/paths/~1items/post/responses/409/content/application~1problem+json/examples/busy"),
    ("resp-error-code-removed", lambda d: op(d, "/items", "get")["responses"]["400"]["content"][
        PROBLEM]["examples"].clear(), "response-error-code-removed", N,
     "/paths/~1items/get/responses/400/content/application~1problem+json/examples/invalid_cursor"),
    ("resp-media-type-removed", lambda d: op(d, "/items/{item_id}", "get")["responses"]["200"]
     .update(content={"text/csv": {"schema": {"type": "string"}}}),
     "response-media-type-removed", B,
     "/paths/~1items~1{item_id}/get/responses/200/content/application~1json"),
    ("resp-body-removed", lambda d: op(d, "/items/{item_id}", "get")["responses"]["200"].pop(
        "content"), "response-body-removed", B,
     "/paths/~1items~1{item_id}/get/responses/200/content"),
    ("resp-header-removed", lambda d: op(d, "/items/{item_id}", "get")["responses"]["200"].pop(
        "headers"), "optional-response-header-removed", B,
     "/paths/~1items~1{item_id}/get/responses/200/headers/ETag"),
    ("resp-header-added", lambda d: op(d, "/items/{item_id}", "get")["responses"]["200"][
        "headers"].update({"X-Rate": {"schema": {"type": "integer"}}}),
     "response-header-added", N, "/paths/~1items~1{item_id}/get/responses/200/headers/X-Rate"),
    ("resp-header-enum-dropped", lambda d: op(d, "/items", "post")["responses"]["201"]["headers"][
        "Idempotent-Replayed"]["schema"].pop("enum"), "response-header-enum-dropped", B,
     "/paths/~1items/post/responses/201/headers/Idempotent-Replayed/schema"),
    # -- operations, security, document ---------------------------------------------------------
    ("op-removed", lambda d: d["paths"]["/items/{item_id}"].pop("delete"),
     "endpoint-removed", B, "/paths/~1items~1{item_id}/delete"),
    ("op-added", lambda d: d["paths"]["/items/{item_id}"].update(
        patch={"operationId": "patchItem", "responses": {"200": {"description": "OK"}}}),
     "endpoint-added", N, "/paths/~1items~1{item_id}/patch"),
    ("op-id-changed", lambda d: op(d, "/items", "get").update(operationId="listAllItems"),
     "api-operation-id-changed", B, "/paths/~1items/get/operationId"),
    ("op-deprecated", lambda d: op(d, "/items", "get").update(deprecated=True),
     "endpoint-deprecated", N, "/paths/~1items/get"),
    ("op-description", lambda d: op(d, "/items", "get").update(summary="List all items."),
     "endpoint-description-changed", N, "/paths/~1items/get/summary"),
    ("op-tag-removed", lambda d: op(d, "/items", "post").pop("tags"),
     "api-tag-removed", N, "/paths/~1items/post/tags"),
    ("security-anonymous-allowed", lambda d: op(d, "/tree", "put").update(
        security=[{"bearer": []}, {}]), "api-security-added", N, "/paths/~1tree/put/security"),
    ("security-bearer-dropped", lambda d: op(d, "/tree", "put").update(security=[{}]),
     "api-security-removed", B, "/paths/~1tree/put/security"),
    ("security-required", lambda d: d.update(security=[{"bearer": ["write"]}]),
     "api-security-scope-added", B, "/security"),
    ("security-scheme-changed", lambda d: d["components"]["securitySchemes"]["bearer"].update(
        scheme="basic"), "api-security-component-changed", B,
     "/components/securitySchemes/bearer"),
    ("server-removed", lambda d: d.update(servers=[{"url": "/api/v2"}]),
     "api-server-removed", B, "/servers/0"),
    ("schema-added", lambda d: d["components"]["schemas"].update(Extra={"type": "string"}),
     "api-schema-added", N, "/components/schemas/Extra"),
    ("taxonomy-code-removed", lambda d: d["x-synth-errors"].pop(0),
     "error-code-removed", B, "/x-synth-errors/0"),
    ("taxonomy-status-changed", lambda d: d["x-synth-errors"][2].update(status=422),
     "error-code-status-changed", B, "/x-synth-errors/2/status"),
    ("taxonomy-type-changed", lambda d: d["x-synth-errors"][2].update(type="urn:taken"),
     "error-code-type-changed", B, "/x-synth-errors/2/type"),
    ("taxonomy-code-added", lambda d: d["x-synth-errors"].append(
        {"code": "busy", "status": 503, "title": "Busy", "retryable": True, "type": "t"}),
     "error-code-added", N, "/x-synth-errors/4"),
    ("taxonomy-retryable", lambda d: d["x-synth-errors"][0].update(retryable=True),
     "error-code-retryable-changed", N, "/x-synth-errors/0/retryable"),
    # -- x-synth-semantics ----------------------------------------------------------------------
    ("idem-removed", lambda d: sem(d, "/items", "post").pop("idempotency"),
     "idempotency-removed", B, "/paths/~1items/post/x-synth-semantics/idempotency"),
    ("idem-became-optional", lambda d: sem(d, "/items", "post")["idempotency"].update(
        required=False), "idempotency-key-became-optional", N,
     "/paths/~1items/post/x-synth-semantics/idempotency/required"),
    ("idem-became-required", lambda d: op(d, "/tree", "put").update({"x-synth-semantics": {
        "idempotency": {"header": "Idempotency-Key", "required": True}}}),
     "idempotency-key-became-required", B, "/paths/~1tree/put/x-synth-semantics/idempotency"),
    ("idem-header-renamed", lambda d: sem(d, "/items", "post")["idempotency"].update(
        header="X-Request-Id"), "idempotency-key-header-changed", B,
     "/paths/~1items/post/x-synth-semantics/idempotency/header"),
    ("page-order-changed", lambda d: sem(d, "/items", "get")["pagination"].update(
        order=["created_at", "id"]), "pagination-order-changed", B,
     "/paths/~1items/get/x-synth-semantics/pagination/order"),
    ("page-max-decreased", lambda d: sem(d, "/items", "get")["pagination"]["limit"].update(
        max=50), "pagination-limit-max-decreased", B,
     "/paths/~1items/get/x-synth-semantics/pagination/limit/max"),
    ("page-filter-removed", lambda d: sem(d, "/items", "get")["pagination"].update(filters=[]),
     "pagination-filter-removed", B, "/paths/~1items/get/x-synth-semantics/pagination/filters"),
    ("page-out-of-range", lambda d: sem(d, "/items", "get")["pagination"]["limit"].update(
        outOfRange="clamp"), "pagination-out-of-range-changed", B,
     "/paths/~1items/get/x-synth-semantics/pagination/limit/outOfRange"),
    ("page-removed", lambda d: sem(d, "/items", "get").pop("pagination"),
     "pagination-removed", B, "/paths/~1items/get/x-synth-semantics/pagination"),
    ("page-style-changed", lambda d: sem(d, "/items", "get")["pagination"].update(
        style="offset"), "pagination-style-changed", B,
     "/paths/~1items/get/x-synth-semantics/pagination/style"),
    ("page-field-renamed", lambda d: sem(d, "/items", "get")["pagination"].update(
        itemsField="data"), "pagination-field-renamed", B,
     "/paths/~1items/get/x-synth-semantics/pagination/itemsField"),
    ("page-sort-added", lambda d: sem(d, "/items", "get")["pagination"].update(sort={
        "param": "sort", "default": "new", "orders": {"new": ["-created_at", "-id"]}}),
     "pagination-sort-added", N, "/paths/~1items/get/x-synth-semantics/pagination/sort"),
    ("tenant-scope", lambda d: sem(d, "/items", "get").update(tenantScoped=False),
     "tenant-scoping-changed", B, "/paths/~1items/get/x-synth-semantics/tenantScoped"),
    ("etag-removed", lambda d: sem(d, "/items/{item_id}", "get")["conditional"].update(
        etag=False), "conditional-etag-removed", B,
     "/paths/~1items~1{item_id}/get/x-synth-semantics/conditional"),
    ("if-match-required", lambda d: sem(d, "/items/{item_id}", "delete")["conditional"].update(
        ifMatch="required"), "conditional-if-match-became-required", B,
     "/paths/~1items~1{item_id}/delete/x-synth-semantics/conditional/ifMatch"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("mutate", "rule", "level", "location"),
    [pytest.param(m, r, lv, loc, id=i) for i, m, r, lv, loc in ROWS],
)
def test_change_is_classified(
    mutate: Mutation, rule: str, level: Level, location: str | None
) -> None:
    old, new = base(), base()
    mutate(new)
    changes = diff_documents(old, new)
    found = [c for c in changes if c.rule == rule]
    assert found, f"expected {rule}; got {[(c.rule, c.location) for c in changes]}"
    assert all(c.level is level for c in found)
    assert RULES[rule].level is level
    if location is not None:
        assert location in {c.location for c in found}, [c.location for c in found]


@pytest.mark.parametrize(
    ("mutate", "rule", "level", "location"),
    [pytest.param(m, r, lv, loc, id=i) for i, m, r, lv, loc in ROWS],
)
def test_reverse_direction_is_found_too(
    mutate: Mutation, rule: str, level: Level, location: str | None
) -> None:
    """Undoing a change is also a change: the diff is never empty in either direction."""
    old, new = base(), base()
    mutate(new)
    assert diff_documents(new, old)


def test_table_covers_forty_kinds_in_both_directions() -> None:
    rules = {row[2] for row in ROWS}
    assert len(rules) >= 40
    assert {RULES[r].direction for r in rules} >= {"request", "response", "none"}
    assert {row[3] for row in ROWS} == {B, N}


def test_identical_documents_have_no_changes() -> None:
    assert diff_documents(base(), base()) == []


# Rows whose reverse (NEW -> OLD) is the mirror rule: the same change read the other way.
MIRRORS = {
    "resp-additional-tightened": "response-body-additional-properties-loosened",
    "req-max-length-decreased": "request-property-max-length-increased",
    "req-became-enum": "request-property-enum-dropped",
    "resp-became-nullable-type-list": "response-property-became-not-nullable",
    "resp-union-branch-added": "response-property-any-of-removed",
    "param-new-required": "request-parameter-removed",
    "op-added": "endpoint-removed",
    "taxonomy-code-added": "error-code-removed",
    "req-not-nullable": "request-property-became-nullable",
}


@pytest.mark.parametrize(("row_id", "mirror"), sorted(MIRRORS.items()))
def test_mirror_rule(row_id: str, mirror: str) -> None:
    mutate = next(row[1] for row in ROWS if row[0] == row_id)
    old, new = base(), base()
    mutate(new)
    assert mirror in {c.rule for c in diff_documents(new, old)}


SORTED: dict[str, Any] = {"param": "sort", "default": "new",
          "orders": {"new": ["-created_at", "-id"], "old": ["created_at", "id"]}}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "rule", "level"),
    [
        ({"orders": {"new": ["-created_at", "-id"]}}, "pagination-sort-value-removed", B),
        ({"orders": {**SORTED["orders"], "id": ["id"]}}, "pagination-sort-value-added", N),
        ({"orders": {"new": ["-id"], "old": ["created_at", "id"]}}, "pagination-sort-changed", B),
        ({"default": "old"}, "pagination-sort-changed", B),
        ({"param": "order_by"}, "pagination-sort-changed", B),
    ],
)
def test_sort_changes_are_classified(change: dict[str, object], rule: str, level: Level) -> None:
    old, new = base(), base()
    sem(old, "/items", "get")["pagination"]["sort"] = dict(SORTED)
    sem(new, "/items", "get")["pagination"]["sort"] = {**SORTED, **change}
    found = [c for c in diff_documents(old, new) if c.rule.startswith("pagination-")]
    assert [(c.rule, c.level) for c in found] == [(rule, level)]


def test_link_headers_losing_their_keyset_is_breaking() -> None:
    old, new = base(), base()
    sem(old, "/items", "get")["pagination"].update(style="link", keyset=True)
    sem(new, "/items", "get")["pagination"].update(style="link", keyset=False)
    assert [c.rule for c in diff_documents(old, new)] == ["pagination-style-changed"]
    assert [c.rule for c in diff_documents(new, old)] == []
