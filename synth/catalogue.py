"""The invariant catalogue as data: which invariants exist and which operations each applies to.

Each entry is decided from the contracts alone (the ``ApiSpec`` and the operation graph), so
the test emitter reads this module without importing the test runtime; the runtime binds one
check to each id (``synth.testing.invariants``). The order is the catalogue's documented one,
family by family (idempotency, pagination, tenancy, errors, caching, updates, limits,
observability), and it is the order of the generated tests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

from ._paths import PATH_PARAM
from .relations import Graph, collection_noun, id_candidates
from .spec import ApiSpec, OperationSpec

__all__ = [
    "BY_ID",
    "CATALOGUE",
    "FAMILIES",
    "Applies",
    "Coverage",
    "Declares",
    "Entry",
    "Family",
    "WhyNot",
    "applicable",
    "bounded_fields",
    "cache_reader",
    "coverage",
    "markdown",
    "not_promised",
    "partial_fields",
    "provokes_errors",
]

Family = Literal[
    "idempotency",
    "pagination",
    "tenancy",
    "errors",
    "caching",
    "updates",
    "limits",
    "observability",
]
FAMILIES: tuple[Family, ...] = (
    "idempotency",
    "pagination",
    "tenancy",
    "errors",
    "caching",
    "updates",
    "limits",
    "observability",
)

Applies = Callable[[ApiSpec, Graph, OperationSpec], bool]
Declares = Callable[[Graph, OperationSpec], bool]
WhyNot = Callable[[ApiSpec, Graph, OperationSpec], str]


def _any(graph: Graph, op: OperationSpec) -> bool:
    return True


def _unknown(api: ApiSpec, graph: Graph, op: OperationSpec) -> str:
    return "synth cannot yet exercise it on this operation's shape"


@dataclass(frozen=True, slots=True)
class Entry:
    """One invariant: its id, family, what it says, where it applies, what a check needs.

    ``declares`` says from the contract alone which operations call for the invariant (an
    idempotent one calls for IDEM-*); ``applies`` says where synth can exercise it; where a
    call is not answered, ``why_not`` says why and how to make it exercisable.
    """

    id: str
    family: Family
    summary: str
    applies: Applies
    tenants: int = 1
    weight: float = 1.0
    declares: Declares = _any
    why_not: WhyNot = _unknown


@dataclass(frozen=True, slots=True)
class Coverage:
    """One (operation, invariant) its declared semantics call for; ``reason`` None if exercised."""

    operation: OperationSpec
    entry: Entry
    reason: str | None

    @property
    def exercised(self) -> bool:
        return self.reason is None


def _declares(op: OperationSpec, code: str) -> bool:
    return any(entry.code == code for entry in op.errors)


# idempotency


def _idempotent(api: ApiSpec, graph: Graph, op: OperationSpec) -> bool:
    return op.idempotency is not None and graph.parents(op) is not None


def _key_required(api: ApiSpec, graph: Graph, op: OperationSpec) -> bool:
    return _idempotent(api, graph, op) and op.idempotency is not None and op.idempotency.required


# pagination


def _paginated(api: ApiSpec, graph: Graph, op: OperationSpec) -> bool:
    return (
        op.pagination is not None
        and graph.creator_of_items(op) is not None
        and graph.parents(op) is not None
    )


def _paginated_stable(api: ApiSpec, graph: Graph, op: OperationSpec) -> bool:
    return _paginated(api, graph, op) and _declares_stable(graph, op)


def _paginated_opaque(api: ApiSpec, graph: Graph, op: OperationSpec) -> bool:
    return _paginated(api, graph, op) and _declares_opaque(graph, op)


def _filtered(api: ApiSpec, graph: Graph, op: OperationSpec) -> bool:
    return _paginated(api, graph, op) and bool(op.pagination and op.pagination.filters)


# tenancy


def _scoped(api: ApiSpec, graph: Graph, op: OperationSpec) -> bool:
    return op.tenant_scoped and graph.parents(op) is not None


def _lists(api: ApiSpec, graph: Graph, op: OperationSpec) -> bool:
    return (
        _scoped(api, graph, op)
        and op.pagination is not None
        and graph.creator_of_items(op) is not None
    )


def _reads(api: ApiSpec, graph: Graph, op: OperationSpec) -> bool:
    return _scoped(api, graph, op) and op.method == "GET" and _targets_one(api, graph, op)


def _writes(api: ApiSpec, graph: Graph, op: OperationSpec) -> bool:
    """An update, delete or upsert of one item or of the tenant itself, or an action on an item."""
    writes = op.method in ("PATCH", "PUT", "DELETE") or graph.is_action(op)
    return _scoped(api, graph, op) and writes and _targets_one(api, graph, op)


def _targets_one(api: ApiSpec, graph: Graph, op: OperationSpec) -> bool:
    """``op`` acts on one item of a tenant's, or on the tenant itself (``/orgs/{org_id}``)."""
    return graph.is_item_op(op) or _on_tenant(api, graph, op)


def _tenant_reader(graph: Graph, op: OperationSpec) -> OperationSpec | None:
    reader = graph.op("GET", op.path)
    return reader if reader is not None and reader.tenant_scoped else None


def _on_tenant(api: ApiSpec, graph: Graph, op: OperationSpec) -> bool:
    return api.tenant_param is not None and graph.is_tenant_op(op)


def _children(api: ApiSpec, graph: Graph, op: OperationSpec) -> bool:
    return _scoped(api, graph, op) and graph.is_child_collection(op)


def _assigns(api: ApiSpec, graph: Graph, op: OperationSpec) -> bool:
    return (
        _scoped(api, graph, op)
        and op.body is not None
        and op.response is not None
        and op.method in ("POST", "PUT", "PATCH")
        and (
            graph.reader(op) is not None
            or graph.item_creator(op) is not None
            or (_on_tenant(api, graph, op) and _tenant_reader(graph, op) is not None)
        )
    )


def _interferable(api: ApiSpec, graph: Graph, op: OperationSpec) -> bool:
    if not _scoped(api, graph, op):
        return False
    if op.pagination is not None:
        return graph.creator_of_items(op) is not None
    return True


# errors


def _always(api: ApiSpec, graph: Graph, op: OperationSpec) -> bool:
    return graph.parents(op) is not None


def provokes_errors(graph: Graph, op: OperationSpec) -> bool:
    """Whether some request can draw a declared 4xx from ``op``: it needs credentials, takes
    a path parameter, a body or a checked query parameter, pages, or requires a key or an
    ``If-Match``. A public operation without input (``GET /health``) answers every request
    alike: ERR-PROBLEM and ERR-DECLARED would pass there having judged nothing."""
    return (
        op.tenant_scoped
        or op.body is not None
        or bool(op.path_params)
        or op.pagination is not None
        or any(p.location == "query" and (p.required or _constrained(p.schema)) for p in op.params)
        or (op.idempotency is not None and op.idempotency.required)
        or (op.cache is not None and op.cache.if_match is not None)
    )


def _errs(api: ApiSpec, graph: Graph, op: OperationSpec) -> bool:
    return _always(api, graph, op) and provokes_errors(graph, op)


def _validates(api: ApiSpec, graph: Graph, op: OperationSpec) -> bool:
    return _always(api, graph, op) and _declares_validation(graph, op)


# The keywords of a parameter's schema that make some value of it invalid; ERR-VALIDATION
# varies each (``_bad_values`` in synth/testing/invariants/errors.py): the two must agree.
_CONSTRAINTS = frozenset({"pattern", "enum", "$ref", "minLength", "maxLength", "minimum",
                          "maximum", "exclusiveMinimum", "exclusiveMaximum"})  # fmt: skip


def _constrained(schema: Any) -> bool:
    return (
        bool(_CONSTRAINTS & set(schema))
        or schema.get("type") in ("integer", "number", "boolean")
        or schema.get("format") in ("uuid", "email")
    )


# The keywords that draw a line in a body field's schema: VAL-BOUND sends a value at each
# (``body_bounds`` in synth/testing/invariants/_bounds.py: the two must agree).
_BOUNDS = frozenset({"maxLength", "minLength", "minimum", "maximum", "exclusiveMinimum",
                     "exclusiveMaximum", "multipleOf", "maxItems", "minItems", "enum"})  # fmt: skip
_REF = "#/components/schemas/"


def _bounded(api: ApiSpec, schema: Any) -> bool:
    """Whether a field's schema (through ``$ref``, ``anyOf`` and ``oneOf``) declares a bound."""
    while isinstance(schema, dict) and str(schema.get("$ref", "")).startswith(_REF):
        schema = api.schemas.get(schema["$ref"][len(_REF) :], {})
    if not isinstance(schema, dict):
        return False
    if _BOUNDS & set(schema):
        return True
    return any(_bounded(api, b) for b in [*schema.get("anyOf", ()), *schema.get("oneOf", ())])


def bounded_fields(api: ApiSpec, op: OperationSpec) -> list[str]:
    """The top-level fields of ``op``'s body whose schemas declare a bound."""
    schema: Any = api.schemas.get(op.body_schema, {}) if op.body_schema is not None else {}
    while isinstance(schema, dict) and str(schema.get("$ref", "")).startswith(_REF):
        schema = api.schemas.get(schema["$ref"][len(_REF) :], {})
    props = schema.get("properties", {}) if isinstance(schema, dict) else {}
    return [name for name, field in props.items() if _bounded(api, field)]


def _writes_bounds(graph: Graph, op: OperationSpec) -> bool:
    return op.method in ("POST", "PUT", "PATCH") and op.body is not None


def _bound_reader(graph: Graph, op: OperationSpec) -> OperationSpec | None:
    """What reads back what ``op`` writes: the GET of the item it acts on; for a create, the
    GET of the item it makes, or else the list that shows it."""
    if graph.is_action(op):
        return None
    if graph.is_item_op(op):
        return graph.op("GET", op.path)
    return graph.reader(op) or graph.lister_of(op)


def _stores_bounds(api: ApiSpec, graph: Graph, op: OperationSpec) -> bool:
    return (
        _always(api, graph, op)
        and _writes_bounds(graph, op)
        and bool(bounded_fields(api, op))
        and _bound_reader(graph, op) is not None
    )


# caching


def cache_reader(graph: Graph, op: OperationSpec) -> OperationSpec | None:
    """The cacheable GET for ``op``'s items: ``op`` itself, or the GET on its item path."""
    if op.method == "GET":
        return op
    creator = graph.item_creator(op)
    reader = graph.reader(creator) if creator is not None else None
    return reader if reader is not None and reader.cache is not None and reader.cache.etag else None


def _cacheable(api: ApiSpec, graph: Graph, op: OperationSpec) -> bool:
    return (
        op.cache is not None
        and graph.item_creator(op) is not None
        and cache_reader(graph, op) is not None
    )


# limits


def _declares_limit(graph: Graph, op: OperationSpec) -> bool:
    return op.rate_limit is not None


def _limited(api: ApiSpec, graph: Graph, op: OperationSpec) -> bool:
    """A rate-limited read whose path synth can fill: a burst of reads writes nothing."""
    return op.rate_limit is not None and op.method == "GET" and _always(api, graph, op)


def _declares_limit_per_caller(graph: Graph, op: OperationSpec) -> bool:
    return op.rate_limit is not None and op.rate_limit.key in ("tenant", "token")


def _limited_per_caller(api: ApiSpec, graph: Graph, op: OperationSpec) -> bool:
    return _limited(api, graph, op) and _declares_limit_per_caller(graph, op)


def _no_limited_read(api: ApiSpec, graph: Graph, op: OperationSpec) -> str:
    if op.method != "GET":
        return (
            f"a burst past the limit would send {op.method} up to 2 x limit + 1 times, each "
            "of which may write; synth bursts only reads (GET)"
        )
    return _no_path(api, graph, op)


# Why a declared invariant cannot run: the first missing relation, and how to declare it.


def _path_gap(api: ApiSpec, graph: Graph, op: OperationSpec) -> str | None:
    """Why the path parameters of ``op`` cannot be filled, or None when they can."""
    if graph.parents(op) is not None:
        return None
    for match in PATH_PARAM.finditer(op.path):
        param, collection = match.group(1), op.path[: match.start()].rstrip("/")
        if param == api.tenant_param:  # the runtime fills it with the caller's tenant
            continue
        create = graph.op("POST", collection)
        if create is None:
            return (
                f"no operation creates the items that {{{param}}} names (no POST {collection}): "
                f"declare it with api.resource({collection!r}, ..., id_param={param!r}); or, "
                f"when {{{param}}} is the caller's own tenant, declare "
                f"Api(..., tenant_param={param!r}) and give synth test --tenant-id NAME=VALUE"
            )
        candidates = id_candidates(param, collection)
        fields = create.response.model_fields if create.response is not None else {}
        if not any(name in fields for name in candidates):
            model = create.response.__name__ if create.response is not None else "nothing"
            tried = ", ".join(f"`{name}`" for name in candidates)
            return (
                f"{create.operation_id} creates the items that {{{param}}} names but answers "
                f"{model}, which has none of the fields that could fill {{{param}}} ({tried}): "
                "name the item's field like the parameter, or declare it with "
                f"api.resource({collection!r}, ..., id_param={param!r}, id_field=...)"
            )
    return "synth cannot fill this operation's path parameters"


def _first(*gaps: str | None) -> str:
    return next((gap for gap in gaps if gap), "synth cannot yet exercise it on this shape")


def _no_path(api: ApiSpec, graph: Graph, op: OperationSpec) -> str:
    return _first(_path_gap(api, graph, op))


def _items_gap(api: ApiSpec, graph: Graph, op: OperationSpec) -> str | None:
    if op.pagination is None or graph.creator_of_items(op) is not None:
        return None
    item = op.pagination.item.__name__
    # An operation elsewhere answering the listed items (a create under a parent for a list at
    # the top) is named in the fix, with the argument that says so: a new user's API listed
    # enrolments at `GET /enrolments`, made at `POST /courses/{id}/enrolments`.
    makers = [o for o in api.operations if o.method in ("POST", "PUT")
              and o.response is op.pagination.item]  # fmt: skip
    param = f"{collection_noun(op.path)}_id"  # as inference reads an item's id parameter
    made = f", created_by={makers[0].name!r}" if len(makers) == 1 else ""
    where = (f"; {makers[0].method} {makers[0].path} ({makers[0].operation_id}) answers {item}: "
             "created_by= names it" if made else "")  # fmt: skip
    return (
        f"no operation creates the {item} items {op.operation_id} lists (a POST {op.path} "
        f"answering {item}){where}, so synth cannot seed a scope to walk: declare one with "
        f"api.resource({op.path!r}, {item}, id_param={param!r}{made}) (id_param names "
        "the item's id as a path parameter, even where no path has one)"
    )


def _no_items(api: ApiSpec, graph: Graph, op: OperationSpec) -> str:
    return _first(_path_gap(api, graph, op), _items_gap(api, graph, op))


def _item_gap(api: ApiSpec, graph: Graph, op: OperationSpec) -> str | None:
    if graph.is_item_op(op):
        return None
    return (
        f"synth finds no operation that creates the item {op.path} names, so it has no object "
        "of one tenant to aim at: declare the collection with api.resource(...)"
    )


def _no_item(api: ApiSpec, graph: Graph, op: OperationSpec) -> str:
    return _first(_path_gap(api, graph, op), _item_gap(api, graph, op))


def _no_child(api: ApiSpec, graph: Graph, op: OperationSpec) -> str:
    return _first(
        _path_gap(api, graph, op),
        "an operation on one item is checked by TEN-READ or TEN-WRITE, not as a child collection",
    )


def _no_readback(api: ApiSpec, graph: Graph, op: OperationSpec) -> str:
    return _first(
        _path_gap(api, graph, op),
        f"nothing reads back what {op.operation_id} writes (no GET of the item it creates or "
        "acts on), so smuggled owner fields cannot be looked for: an item GET at the item's "
        "path makes it exercisable (or api.resource(...) when the API has one elsewhere)",
    )


def _no_cache_reader(api: ApiSpec, graph: Graph, op: OperationSpec) -> str:
    return _first(
        _path_gap(api, graph, op),
        _item_gap(api, graph, op),
        f"no cacheable GET reads the item {op.operation_id} acts on: declare the read with "
        "cacheable=True",
    )


def _no_validation_input(api: ApiSpec, graph: Graph, op: OperationSpec) -> str:
    return _first(
        _path_gap(api, graph, op),
        f"{op.operation_id} takes no body and no constrained parameter to send invalid",
    )


# What the contract declares, operation by operation: the calls each invariant answers.


def _declares_idempotent(graph: Graph, op: OperationSpec) -> bool:
    return op.idempotency is not None


def _declares_key_required(graph: Graph, op: OperationSpec) -> bool:
    return op.idempotency is not None and op.idempotency.required


def _declares_paginated(graph: Graph, op: OperationSpec) -> bool:
    return op.pagination is not None


def _declares_stable(graph: Graph, op: OperationSpec) -> bool:
    """A keyset walk, stable under inserts and deletes: cursor, page token, starting after, and
    Link headers declared ``keyset=True`` (offset and page-number walks promise no such thing)."""
    return op.pagination is not None and op.pagination.stable


def _declares_opaque(graph: Graph, op: OperationSpec) -> bool:
    """A position the server makes (a cursor or page token), which a client could tamper with."""
    return op.pagination is not None and op.pagination.opaque


def _declares_filters(graph: Graph, op: OperationSpec) -> bool:
    return op.pagination is not None and bool(op.pagination.filters)


def _declares_scoped_list(graph: Graph, op: OperationSpec) -> bool:
    return op.tenant_scoped and op.pagination is not None


def _on_item(op: OperationSpec) -> bool:
    return PATH_PARAM.fullmatch(op.path.rstrip("/").rpartition("/")[2]) is not None


def _declares_scoped_read(graph: Graph, op: OperationSpec) -> bool:
    return op.tenant_scoped and op.method == "GET" and _on_item(op)


def _declares_scoped_write(graph: Graph, op: OperationSpec) -> bool:
    on_item = op.method in ("PATCH", "PUT", "DELETE") and _on_item(op)
    return op.tenant_scoped and (on_item or graph.is_action(op))


def _declares_scoped_child(graph: Graph, op: OperationSpec) -> bool:
    return (
        op.tenant_scoped and bool(op.path_params) and not _on_item(op) and not graph.is_action(op)
    )


def _declares_scoped_assign(graph: Graph, op: OperationSpec) -> bool:
    return (
        op.tenant_scoped
        and op.body is not None
        and op.response is not None
        and op.method in ("POST", "PUT", "PATCH")
    )


def _declares_scoped(graph: Graph, op: OperationSpec) -> bool:
    return op.tenant_scoped


def _declares_validation(graph: Graph, op: OperationSpec) -> bool:
    # Path parameters count: a pattern or a bound on one is input the server must validate.
    # A required query parameter counts too: leaving it out is invalid input.
    has_input = op.body is not None or any(
        (p.location in ("query", "path") and _constrained(p.schema))
        or (p.location == "query" and p.required)
        for p in op.params
    )
    return has_input and _declares(op, "validation_failed")


def _declares_bounds(graph: Graph, op: OperationSpec) -> bool:
    # An action's body is not stored as the item's fields: nothing to read back as sent (its
    # bounds one step past are ERR-VALIDATION's).
    return (
        _writes_bounds(graph, op)
        and not graph.is_action(op)
        and bool(bounded_fields(graph.api, op))
    )


def _no_bound_reader(api: ApiSpec, graph: Graph, op: OperationSpec) -> str:
    fields = ", ".join(bounded_fields(api, op))
    gap = (f"nothing reads back what {op.operation_id} writes (no GET of the item it "
               f"creates or acts on, no list showing it), so {fields} at their bounds cannot be "
               "read back: an item GET at the item's path makes it exercisable (or "
               "api.resource(...)); one step past each bound is ERR-VALIDATION's")  # fmt: skip
    return _first(_path_gap(api, graph, op), gap)


def _declares_cacheable(graph: Graph, op: OperationSpec) -> bool:
    return op.cache is not None


# updates


def _optional_fields(op: OperationSpec) -> tuple[str, ...]:
    """The body fields of ``op`` that may be left out and have no default (``= None``): what a
    partial update leaves alone when they are left out (docs/models.md), by their wire names."""
    if op.body is None or op.form:
        return ()
    return tuple(
        field.alias or name
        for name, field in op.body.model_fields.items()
        if not field.is_required() and field.default is None and field.default_factory is None
    )


def partial_fields(graph: Graph, op: OperationSpec) -> tuple[str, ...]:
    """The fields a PATCH-PARTIAL check can leave out of ``op``'s body and read back: optional
    without a default in the body, and in the item its GET returns."""
    creator = graph.item_creator(op)
    reader = graph.reader(creator) if creator is not None else None
    if reader is None or reader.response is None:
        return ()
    returned = {field.alias or name for name, field in reader.response.model_fields.items()}
    return tuple(f for f in _optional_fields(op) if f in returned)


def _declares_partial(graph: Graph, op: OperationSpec) -> bool:
    return op.method == "PATCH" and bool(_optional_fields(op))


def _partial(api: ApiSpec, graph: Graph, op: OperationSpec) -> bool:
    return (
        _declares_partial(graph, op)
        and graph.parents(op) is not None
        and bool(partial_fields(graph, op))
    )


def _no_partial_readback(api: ApiSpec, graph: Graph, op: OperationSpec) -> str:
    return _first(
        _path_gap(api, graph, op),
        _item_gap(api, graph, op),
        f"no GET of the item {op.operation_id} updates returns any of its optional fields "
        f"({', '.join(_optional_fields(op))}), so what a partial update left alone cannot be "
        "read back: an item GET whose response has those fields makes it exercisable",
    )


def _declares_upsert_status(graph: Graph, op: OperationSpec) -> bool:
    """An upsert whose contract declares both answers: 201 when it creates, 200 when it
    replaces. One declared status alone (``status=201``) promises no difference to check."""
    return op.method == "PUT" and op.upsert and op.status == 200


def _upsert_status(api: ApiSpec, graph: Graph, op: OperationSpec) -> bool:
    return (
        _declares_upsert_status(graph, op)
        and graph.parents(op) is not None
        and graph.item_creator(op) is op
        and graph.reader(op) is not None
    )


def _no_upsert_reader(api: ApiSpec, graph: Graph, op: OperationSpec) -> str:
    return _first(
        _path_gap(api, graph, op),
        _item_gap(api, graph, op),
        f"no GET of the item {op.operation_id} creates, so whether an id is new before the PUT "
        "and what the PUT stored cannot be read: an item GET at the item's path makes it "
        "exercisable",
    )


# observability


def _declares_request_id(graph: Graph, op: OperationSpec) -> bool:
    return graph.api.request_id is not None


def _request_id(api: ApiSpec, graph: Graph, op: OperationSpec) -> bool:
    return api.request_id is not None and graph.parents(op) is not None


CATALOGUE: tuple[Entry, ...] = (
    Entry("IDEM-REPLAY", "idempotency",
          "Same tenant, key and body sent again: same status and body; exactly one resource.",
          _idempotent, declares=_declares_idempotent, why_not=_no_path),
    Entry("IDEM-MISMATCH", "idempotency",
          "Same key, different body: the declared error; nothing new is created; the first "
          "result intact.",
          _idempotent, declares=_declares_idempotent, why_not=_no_path),
    Entry("IDEM-CONCURRENT", "idempotency",
          "Concurrent requests with one key and body: one resource; each answer that success "
          "or 409.",
          _idempotent, weight=0.5, declares=_declares_idempotent, why_not=_no_path),
    Entry("IDEM-MISSING", "idempotency",
          "No key where one is required: the declared 400; nothing created.",
          _key_required, weight=0.5, declares=_declares_key_required,
          why_not=_no_path),
    Entry("IDEM-TENANT-SCOPE", "idempotency",
          "Another tenant using the same key gets its own result, never the first tenant's.",
          _idempotent, tenants=2, declares=_declares_idempotent, why_not=_no_path),
    Entry("PAGE-COMPLETE", "pagination",
          "Walking every page of a freshly seeded scope returns each item exactly once.",
          _paginated, declares=_declares_paginated, why_not=_no_items),
    Entry("PAGE-ORDER", "pagination",
          "Items follow the declared order across page boundaries, ties broken as declared; "
          "timestamps compare as instants, not as text.",
          _paginated, declares=_declares_paginated, why_not=_no_items),
    Entry("PAGE-LIMIT", "pagination",
          "No page exceeds the limit; out-of-range limits get the declared answer.",
          _paginated, declares=_declares_paginated, why_not=_no_items),
    Entry("PAGE-END", "pagination",
          "The last page says so, as its style does (no next cursor or token, has_more "
          "false, no rel=\"next\", a short page); an empty scope gives an empty page.",
          _paginated, weight=0.5, declares=_declares_paginated, why_not=_no_items),
    Entry("PAGE-CONCURRENT", "pagination",
          "Inserts and deletes during a walk never duplicate or drop an item that was there "
          "all along.",
          _paginated_stable, declares=_declares_stable, why_not=_no_items),
    Entry("PAGE-FILTER", "pagination",
          "A filtered walk equals the filter applied to the unfiltered walk; a declared total "
          "on its pages counts the items the filter keeps.",
          _filtered, declares=_declares_filters, why_not=_no_items),
    Entry("PAGE-CURSOR", "pagination",
          "Malformed or tampered cursors get 400 invalid_cursor; a cursor reveals nothing to "
          "another tenant.",
          _paginated_opaque, declares=_declares_opaque, why_not=_no_items),
    Entry("TEN-LIST", "tenancy",
          "Nothing tenant A created appears in any page of any list that tenant B reads.",
          _lists, tenants=2, declares=_declares_scoped_list, why_not=_no_items),
    Entry("TEN-READ", "tenancy",
          "B reading A's object gets exactly the answer an id that exists nowhere gets.",
          _reads, tenants=2, declares=_declares_scoped_read, why_not=_no_item),
    Entry("TEN-WRITE", "tenancy",
          "B writing to or acting on A's object gets 404 (as for an id that exists nowhere), and "
          "A's object is unchanged.",
          _writes, tenants=2, declares=_declares_scoped_write, why_not=_no_item),
    Entry("TEN-CHILD", "tenancy",
          "B creating or listing children under A's parent gets 404.",
          _children, tenants=2, declares=_declares_scoped_child, why_not=_no_child),
    Entry("TEN-ASSIGN", "tenancy",
          "Owner or tenant fields a request smuggles in are ignored or rejected; a body naming "
          "another tenant's item is refused.",
          _assigns, tenants=2, weight=0.25, declares=_declares_scoped_assign,
          why_not=_no_readback),
    Entry("TEN-NONINTERFERENCE", "tenancy",
          "What B observes does not depend on what A does: same answers whether or not A acted.",
          _interferable, tenants=2, declares=_declares_scoped, why_not=_no_items),
    Entry("ERR-PROBLEM", "errors",
          "Every 4xx and 5xx is application/problem+json with type, title, status and code.",
          _errs, declares=provokes_errors, why_not=_no_path),
    Entry("ERR-DECLARED", "errors",
          "Every (status, code) an operation answers with is declared for it.",
          _errs, declares=provokes_errors, why_not=_no_path),
    Entry("ERR-VALIDATION", "errors",
          "Schema-invalid input gets the declared validation error naming the field.",
          _validates, declares=_declares_validation, why_not=_no_validation_input),
    Entry("VAL-BOUND", "errors",
          "Each declared bound of a body field, sent exactly at the line: accepted and stored "
          "as sent (read back equal).",
          _stores_bounds, weight=0.5, declares=_declares_bounds, why_not=_no_bound_reader),
    Entry("CACHE-ETAG", "caching",
          "GET gives an ETag; If-None-Match gives 304; a change (an update, or an action on "
          "the item) makes a new ETag; stale If-Match gives 412.",
          _cacheable, declares=_declares_cacheable, why_not=_no_cache_reader),
    Entry("PATCH-PARTIAL", "updates",
          "A PATCH leaves every field it leaves out unchanged; an explicit null clears a "
          "nullable field.",
          _partial, weight=0.5, declares=_declares_partial, why_not=_no_partial_readback),
    Entry("UPSERT-STATUS", "updates",
          "A PUT upsert to an id not in use answers 201 and the item reads back as sent; the "
          "same PUT again answers 200 and replaces it.",
          _upsert_status, weight=0.5, declares=_declares_upsert_status,
          why_not=_no_upsert_reader),
    # One burst each (weight: one example in every profile); each waits out a window first.
    Entry("RATE-LIMIT", "limits",
          "A burst past the declared limit gets 429 rate_limited with the RateLimit and "
          "RateLimit-Policy headers.",
          _limited, weight=0.01, declares=_declares_limit, why_not=_no_limited_read),
    Entry("RATE-TENANT", "limits",
          "One tenant's burst past the limit does not throttle another tenant when the limit "
          "is per tenant or per token.",
          _limited_per_caller, tenants=2, weight=0.01, declares=_declares_limit_per_caller,
          why_not=_no_limited_read),
    Entry("RATE-RETRY-AFTER", "limits",
          "A 429 announces Retry-After, and the request sent again after that delay succeeds.",
          _limited, weight=0.01, declares=_declares_limit, why_not=_no_limited_read),
    Entry("OBS-REQUEST-ID", "observability",
          "Every answer, success or error, carries the request id: the client's valid one "
          "echoed, else one the server made; every problem body repeats it.",
          _request_id, weight=0.5, declares=_declares_request_id, why_not=_no_path),
)  # fmt: skip

BY_ID: Mapping[str, Entry] = MappingProxyType({entry.id: entry for entry in CATALOGUE})
if len(BY_ID) != len(CATALOGUE):  # pragma: no cover (a mistake in the table above)
    raise RuntimeError("an invariant id appears twice in the catalogue")


# Why a pagination style leaves out a check it does not promise (DESIGN: guarantees per style).
_UNSTABLE = {
    "offset": "an offset walk shifts when items are inserted or deleted before its position",
    "page": "a page-number walk shifts when items are inserted or deleted before its page",
    "link": "Link headers without keyset=True (page numbers behind the links) shift when items "
    "are inserted or deleted; declare LinkHeader(keyset=True) if the links carry a keyset "
    "position",
}
_NOT_OPAQUE = {
    "starting_after": "the position is an item's id, not a token the server makes",
    "link": "the server writes the next page's URL whole; the client sends no token of its own",
    "offset": "the position is a number the client computes, not a token the server makes",
    "page": "the position is a page number the client computes, not a token the server makes",
}


def not_promised(op: OperationSpec) -> list[tuple[str, str]]:
    """The pagination checks ``op``'s style does not promise, each with the reason: they are
    neither planned nor declared there (PAGE-CONCURRENT on offset walks, say)."""
    p = op.pagination
    if p is None:
        return []
    out = []
    if not p.stable:
        out.append(("PAGE-CONCURRENT", _UNSTABLE[p.style]))
    if not p.opaque:
        out.append(("PAGE-CURSOR", _NOT_OPAQUE[p.style]))
    return out


def applicable(api: ApiSpec) -> list[tuple[OperationSpec, Entry]]:
    """Every (operation, invariant) pair the API's declared semantics call for, in order."""
    graph = Graph(api)
    return [
        (op, entry) for op in api.operations for entry in CATALOGUE if entry.applies(api, graph, op)
    ]


def coverage(api: ApiSpec) -> list[Coverage]:
    """Every (operation, invariant) the declared semantics call for, exercised or not, in order.

    A pair synth runs is always listed (exercised), so ``applicable`` is exactly the exercised
    part; a declared pair it cannot run carries the reason and the way to make it runnable.
    """
    graph = Graph(api)
    out = []
    for op in api.operations:
        for entry in CATALOGUE:
            if entry.applies(api, graph, op):
                out.append(Coverage(op, entry, None))
            elif entry.declares(graph, op):
                out.append(Coverage(op, entry, entry.why_not(api, graph, op)))
    return out


def markdown() -> str:
    """``docs/invariants.md``: each invariant's rule, family by family, as the catalogue says
    it (``python -m synth.catalogue > docs/invariants.md``; a test keeps the two the same)."""
    lines = [
        "# The invariants synth checks",
        "",
        "Written by `python -m synth.catalogue > docs/invariants.md` from the catalogue",
        "(`synth/catalogue.py`); a test fails when the two differ. Each invariant applies to every",
        "operation whose contract declares the semantics it judges; `synth test --dry-run` lists",
        "the checks planned and says why a declared one cannot be exercised. What a check sends",
        "and expects is in its generated test's docstring (`generated/tests/`).",
    ]
    for family in FAMILIES:
        entries = [e for e in CATALOGUE if e.family == family]
        if not entries:
            continue
        lines += ["", f"## {family}", "", "| invariant | rule | tenants |", "|---|---|---:|"]
        lines += [f"| {e.id} | {e.summary} | {e.tenants} |" for e in entries]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
