"""The invariant catalogue as data: which invariants exist and which operations each applies to.

Each entry is decided from the contracts alone (the ``ApiSpec`` and the operation graph), so
the test emitter reads this module without importing the test runtime; the runtime binds one
check to each id (``synth.testing.invariants``). The order is the catalogue's documented one,
family by family (idempotency, pagination, tenancy, errors, caching), and it is the order of
the generated tests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

from .relations import Graph
from .spec import ApiSpec, OperationSpec

__all__ = [
    "BY_ID",
    "CATALOGUE",
    "FAMILIES",
    "Applies",
    "Entry",
    "Family",
    "applicable",
    "cache_reader",
]

Family = Literal["idempotency", "pagination", "tenancy", "errors", "caching"]
FAMILIES: tuple[Family, ...] = ("idempotency", "pagination", "tenancy", "errors", "caching")

Applies = Callable[[ApiSpec, Graph, OperationSpec], bool]


@dataclass(frozen=True, slots=True)
class Entry:
    """One invariant: its id, family, what it says, where it applies, what a check needs."""

    id: str
    family: Family
    summary: str
    applies: Applies
    tenants: int = 1
    weight: float = 1.0


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
    return _scoped(api, graph, op) and op.method == "GET" and graph.is_item_op(op)


def _writes(api: ApiSpec, graph: Graph, op: OperationSpec) -> bool:
    return (
        _scoped(api, graph, op) and op.method in ("PATCH", "PUT", "DELETE") and graph.is_item_op(op)
    )


def _children(api: ApiSpec, graph: Graph, op: OperationSpec) -> bool:
    return _scoped(api, graph, op) and graph.is_child_collection(op)


def _assigns(api: ApiSpec, graph: Graph, op: OperationSpec) -> bool:
    return (
        _scoped(api, graph, op)
        and op.body is not None
        and op.response is not None
        and op.method in ("POST", "PUT", "PATCH")
        and (graph.reader(op) is not None or graph.item_creator(op) is not None)
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


def _validates(api: ApiSpec, graph: Graph, op: OperationSpec) -> bool:
    has_input = op.body is not None or any(
        p.location == "query" and _constrained(p.schema) for p in op.params
    )
    return _always(api, graph, op) and has_input and _declares(op, "validation_failed")


def _constrained(schema: Any) -> bool:
    return bool({"pattern", "enum", "$ref"} & set(schema)) or schema.get("type") in (
        "integer",
        "number",
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


CATALOGUE: tuple[Entry, ...] = (
    Entry("IDEM-REPLAY", "idempotency",
          "Same tenant, key and body sent again: same status and body; exactly one resource.",
          _idempotent),
    Entry("IDEM-MISMATCH", "idempotency",
          "Same key, different body: the declared error; nothing new is created; the first "
          "result intact.",
          _idempotent),
    Entry("IDEM-CONCURRENT", "idempotency",
          "Concurrent requests with one key and body: one resource; each answer that success "
          "or 409.",
          _idempotent, weight=0.5),
    Entry("IDEM-MISSING", "idempotency",
          "No key where one is required: the declared 400; nothing created.",
          _key_required, weight=0.5),
    Entry("IDEM-TENANT-SCOPE", "idempotency",
          "Another tenant using the same key gets its own result, never the first tenant's.",
          _idempotent, tenants=2),
    Entry("PAGE-COMPLETE", "pagination",
          "Walking every page of a freshly seeded scope returns each item exactly once.",
          _paginated),
    Entry("PAGE-ORDER", "pagination",
          "Items follow the declared order across page boundaries, ties broken as declared.",
          _paginated),
    Entry("PAGE-LIMIT", "pagination",
          "No page exceeds the limit; out-of-range limits get the declared answer.",
          _paginated),
    Entry("PAGE-END", "pagination",
          "The last page says so (next_cursor null); an empty scope gives an empty page.",
          _paginated, weight=0.5),
    Entry("PAGE-CONCURRENT", "pagination",
          "Inserts and deletes during a walk never duplicate or drop an item that was there "
          "all along.",
          _paginated),
    Entry("PAGE-FILTER", "pagination",
          "A filtered walk equals the filter applied to the unfiltered walk.",
          _filtered),
    Entry("PAGE-CURSOR", "pagination",
          "Malformed or tampered cursors get 400 invalid_cursor; a cursor reveals nothing to "
          "another tenant.",
          _paginated),
    Entry("TEN-LIST", "tenancy",
          "Nothing tenant A created appears in any page of any list that tenant B reads.",
          _lists, tenants=2),
    Entry("TEN-READ", "tenancy",
          "B reading A's object gets exactly the answer an id that exists nowhere gets.",
          _reads, tenants=2),
    Entry("TEN-WRITE", "tenancy",
          "B updating or deleting A's object gets 404, and A's object is unchanged.",
          _writes, tenants=2),
    Entry("TEN-CHILD", "tenancy",
          "B creating or listing children under A's parent gets 404.",
          _children, tenants=2),
    Entry("TEN-ASSIGN", "tenancy",
          "Owner or tenant fields a request smuggles in are ignored or rejected.",
          _assigns, tenants=2, weight=0.25),
    Entry("TEN-NONINTERFERENCE", "tenancy",
          "What B observes does not depend on what A does: same answers whether or not A acted.",
          _interferable, tenants=2),
    Entry("ERR-PROBLEM", "errors",
          "Every 4xx and 5xx is application/problem+json with type, title, status and code.",
          _always),
    Entry("ERR-DECLARED", "errors",
          "Every (status, code) an operation answers with is declared for it.",
          _always),
    Entry("ERR-VALIDATION", "errors",
          "Schema-invalid input gets the declared validation error naming the field.",
          _validates),
    Entry("CACHE-ETAG", "caching",
          "GET gives an ETag; If-None-Match gives 304; a change makes a new ETag; stale "
          "If-Match gives 412.",
          _cacheable),
)  # fmt: skip

BY_ID: Mapping[str, Entry] = MappingProxyType({entry.id: entry for entry in CATALOGUE})
if len(BY_ID) != len(CATALOGUE):  # pragma: no cover (a mistake in the table above)
    raise RuntimeError("an invariant id appears twice in the catalogue")


def applicable(api: ApiSpec) -> list[tuple[OperationSpec, Entry]]:
    """Every (operation, invariant) pair the API's declared semantics call for, in order."""
    graph = Graph(api)
    return [
        (op, entry) for op in api.operations for entry in CATALOGUE if entry.applies(api, graph, op)
    ]
