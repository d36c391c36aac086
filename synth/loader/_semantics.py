"""What an operation promises beyond its types: idempotency, pagination and its
filters, conditional requests; and the parameters each promise adds to the operation.
"""

from __future__ import annotations

import dataclasses
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from ..contract import OperationDecl, Page
from ..contract._models import PAGE_ITEMS, PAGE_NEXT
from ..contract._semantics import Conditional, Filter, Idempotency
from ..spec import CacheSpec, FilterSpec, IdempotencySpec, OrderKey, PaginationSpec, ParamSpec
from ._common import (
    Op,
    identifier,
    ref_name,
    split,
    strip,
    type_name,
)
from ._problems import Problems

__all__ = [
    "cache",
    "check_idempotency",
    "idempotency",
    "pagination",
    "semantic_params",
    "with_item_schema",
]


def check_idempotency(decl: OperationDecl, problems: Problems) -> None:
    if decl.idempotent is not None and decl.method in ("GET", "HEAD"):
        problems.add(
            decl.location,
            f"{decl.name}: idempotent=... on {decl.method}, which is idempotent by definition",
            "drop idempotent=; Idempotency-Key is for unsafe methods",
        )


def idempotency(decl: OperationDecl) -> IdempotencySpec | None:
    if decl.idempotent is None:
        return None
    return IdempotencySpec(required=decl.idempotent is Idempotency.REQUIRED)


def pagination(op: Op, problems: Problems) -> PaginationSpec | None:
    """The pagination an operation declares, checked against its page's item model."""
    d, where, cursor = op.decl, op.decl.location, op.decl.paginated
    if cursor is None:
        return None
    if d.method != "GET":
        problems.add(
            where,
            f"{d.name}: paginated=... on {d.method}",
            "only GET list operations are paginated",
        )
    response = op.response
    if response is None or not issubclass(response, Page):
        problems.add(
            where,
            f"{d.name}: paginated, but the response {type_name(response)} is not a page",
            "return a subclass of synth.contract.Page[Item], e.g. "
            "`class ContactPage(Page[Contact])`",
        )
        return None
    item = _page_item(response)
    if item is None:
        problems.add(
            where,
            f"{d.name}: the page {response.__name__} has no item model",
            "subclass Page[Item] with a Pydantic model as Item",
        )
        return None
    fields = item.model_fields
    order = []
    for key in cursor.order:
        name = identifier(key.lstrip("-+"))
        if name not in fields:
            problems.add(
                where,
                f"{d.name}: order key {key!r} names no field of "
                f"{item.__name__} (fields: {', '.join(fields)})",
                "order by fields the items have, e.g. ('-created_at', '-id')",
            )
        order.append(OrderKey(name, key.startswith("-")))
    if not order:
        problems.add(
            where,
            f"{d.name}: Cursor(order=()) is empty",
            "give the order keys, the last one unique, e.g. ('-created_at', '-id')",
        )
    limit = cursor.limit
    if not 1 <= limit.min <= limit.default <= limit.max:
        problems.add(
            where,
            f"{d.name}: Limit(min={limit.min}, default={limit.default}, "
            f"max={limit.max}) is inconsistent",
            "need 1 <= min <= default <= max",
        )
    filters = []
    for raw, spec in op.params:
        _, markers = split(raw.annotation)
        flt = next((m for m in markers if isinstance(m, Filter)), None)
        if flt is None:
            continue
        _check_filter(d, item, spec.name, flt, problems)
        filters.append(FilterSpec(spec.name, identifier(flt.field), flt.op))
    return PaginationSpec(
        cursor_param=cursor.cursor_param,
        limit_param=cursor.limit_param,
        limit=limit,
        order=tuple(order),
        filters=tuple(filters),
        item=item,
        item_schema=item.__name__,
        items_field=PAGE_ITEMS,
        next_field=PAGE_NEXT,
    )


def _check_filter(
    d: OperationDecl, item: type[BaseModel], param: str, flt: Filter, problems: Problems
) -> None:
    info = item.model_fields.get(identifier(flt.field))
    if info is None:
        problems.add(
            d.location,
            f"{d.name}: filter {param!r} tests field {flt.field!r}, "
            f"which {item.__name__} lacks (fields: {', '.join(item.model_fields)})",
            "name a field of the page's items",
        )
        return
    if flt.op == "contains" and get_origin(strip(info.annotation)) not in (list, set, tuple):
        problems.add(
            d.location,
            f"{d.name}: filter {param!r} uses 'contains' on "
            f"{item.__name__}.{flt.field}, which is not a list",
            "use 'eq' for scalar fields, 'icontains' for substrings",
        )


def _page_item(page: type[BaseModel]) -> type[BaseModel] | None:
    info = page.model_fields.get(PAGE_ITEMS)
    if info is None:
        return None
    args = get_args(info.annotation)
    item = args[0] if args else None
    return item if isinstance(item, type) and issubclass(item, BaseModel) else None


def with_item_schema(
    p: PaginationSpec, page_schema: Any, components: dict[str, Any]
) -> PaginationSpec:
    """``p`` naming the component the page really holds: ``Item`` or ``Item-Output``."""
    page = ref_name(page_schema)
    items = components.get(page or "", {}).get("properties", {}).get(p.items_field, {})
    item_schema = ref_name(items.get("items"))  # the JSON Schema keyword of the array
    if item_schema is None:
        return p
    return dataclasses.replace(p, item_schema=item_schema)


def cache(decl: OperationDecl, problems: Problems) -> CacheSpec | None:
    """The conditional requests an operation takes: ETag on reads, If-Match on writes."""
    if decl.cacheable is False:
        return None
    if decl.method == "GET":
        return CacheSpec(etag=True, if_match=None)
    if decl.method == "POST":
        problems.add(
            decl.location,
            f"{decl.name}: cacheable=... on POST",
            "conditional requests apply to GET (ETag) and PATCH/PUT/DELETE (If-Match)",
        )
        return None
    required = decl.cacheable is Conditional.REQUIRED
    return CacheSpec(etag=False, if_match="required" if required else "optional")


def semantic_params(
    decl: OperationDecl, paging: PaginationSpec | None, caching: CacheSpec | None
) -> tuple[ParamSpec, ...]:
    """The parameters synth adds for pagination, idempotency and conditional requests."""
    params: tuple[ParamSpec, ...] = ()
    if paging is not None:
        params += _pagination_params(paging)
    if decl.idempotent is not None:
        params += (
            _header_param(
                "Idempotency-Key",
                decl.idempotent is Idempotency.REQUIRED,
                "A unique key (a UUID, say) that makes retries of this request safe: a "
                "retry with the same key and body replays the first answer.",
                {"type": "string", "minLength": 1, "maxLength": 255},
            ),
        )
    if caching is not None and caching.etag:
        params += (
            _header_param(
                "If-None-Match",
                False,
                "An ETag from an earlier read: 304 Not Modified when it still matches.",
                {"type": "string"},
            ),
        )
    if caching is not None and caching.if_match is not None:
        params += (
            _header_param(
                "If-Match",
                caching.if_match == "required",
                "The ETag you read: the change is refused with 412 if the object changed since.",
                {"type": "string"},
            ),
        )
    return params


def _header_param(name: str, required: bool, description: str, schema: dict[str, Any]) -> ParamSpec:
    python_name = name.lower().replace("-", "_")
    return ParamSpec(name, "header", required, schema, description, str, python_name)


def _pagination_params(p: PaginationSpec) -> tuple[ParamSpec, ...]:
    limit: dict[str, Any] = {"type": "integer", "default": p.limit.default}
    if p.limit.out_of_range == "reject":
        limit |= {"minimum": p.limit.min, "maximum": p.limit.max}
        rule = f"{p.limit.min} to {p.limit.max}; out of range gets 422 `validation_failed`"
    else:
        rule = f"clamped to {p.limit.min}..{p.limit.max}"
    cursor: dict[str, Any] = {"type": "string", "minLength": 1}
    cursor_doc = "The `next_cursor` of the previous page; omit for the first page."
    limit_doc = f"Items per page, {rule}."
    return (
        ParamSpec(p.cursor_param, "query", False, cursor, cursor_doc, str, p.cursor_param),
        ParamSpec(p.limit_param, "query", False, limit, limit_doc, int, p.limit_param),
    )
