"""What an operation promises beyond its types: idempotency, pagination and its
filters, conditional requests; and the parameters each promise adds to the operation.
"""

from __future__ import annotations

import dataclasses
from typing import Any, get_args, get_origin

from pydantic import BaseModel, RootModel

from ..contract import OperationDecl, Unique
from ..contract._models import PAGE_ITEMS
from ..contract._semantics import (
    Conditional,
    Cursor,
    Filter,
    Idempotency,
    LinkHeader,
    Offset,
    PageNumber,
    PageToken,
    Paginated,
    StartingAfter,
)
from ..spec import (
    CacheSpec,
    FilterSpec,
    IdempotencySpec,
    OrderKey,
    PaginationSpec,
    PaginationStyle,
    ParamSpec,
    SortSpec,
)
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


# What each style of ``paginated=`` is called in the spec.
_STYLES: dict[type[Any], PaginationStyle] = {
    Cursor: "cursor",
    PageToken: "page_token",
    StartingAfter: "starting_after",
    LinkHeader: "link",
    Offset: "offset",
    PageNumber: "page",
}


@dataclasses.dataclass(frozen=True, slots=True)
class _Names:
    """A style's parameter and response field names, as ``PaginationSpec`` holds them."""

    cursor_param: str
    limit_param: str
    items_field: str
    next_field: str = ""
    has_more_field: str = ""
    total_field: str = ""
    before_param: str = ""


def _names(style: Paginated) -> _Names:
    if isinstance(style, Cursor):
        return _Names(style.cursor_param, style.limit_param, style.items_field, style.next_field)
    if isinstance(style, PageToken):
        return _Names(style.token_param, style.size_param, style.items_field, style.next_field)
    if isinstance(style, StartingAfter):
        return _Names(
            style.after_param, style.limit_param, style.items_field,
            has_more_field=style.has_more_field, before_param=style.before_param,
        )  # fmt: skip
    if isinstance(style, LinkHeader):
        return _Names("", style.limit_param, "")
    if isinstance(style, Offset):
        return _Names(style.offset_param, style.limit_param, style.items_field,
                      total_field=style.total_field or "")  # fmt: skip
    return _Names(style.page_param, style.size_param, style.items_field,
                  total_field=style.total_field or "")  # fmt: skip


def pagination(op: Op, problems: Problems) -> PaginationSpec | None:
    """The pagination an operation declares, checked against its page's item model."""
    d, where, style = op.decl, op.decl.location, op.decl.paginated
    if style is None:
        return None
    kind = _STYLES.get(type(style))
    if kind is None:
        problems.add(
            where,
            f"{d.name}: paginated={style!r} is not a pagination style",
            "use one of synth.contract's Cursor, PageToken, StartingAfter, LinkHeader, "
            "Offset, PageNumber",
        )
        return None
    if d.method != "GET":
        problems.add(
            where,
            f"{d.name}: paginated=... on {d.method}",
            "only GET list operations are paginated",
        )
    names = _names(style)
    item = _page_item(op, style, names, problems)
    if item is None:
        return None
    sort = _sort(d, style, item, problems)
    raw = style.order
    if not raw and style.sort is not None:
        raw = tuple(dict(style.sort.orders).get(style.sort.default, ()))
    order = _order(d, raw, item, problems)
    if not order and style.sort is None:
        problems.add(
            where,
            f"{d.name}: {type(style).__name__}(order=()) is empty",
            "give the order keys, the last one unique, e.g. ('-created_at', '-id')",
        )
    if isinstance(style, StartingAfter) and order and not _unique_key(item, order[-1].field):
        problems.add(
            where,
            f"{d.name}: StartingAfter's order ends with {order[-1].field!r}, which is not "
            f"{item.__name__}'s id: the next page starts after the last item's id",
            "end the order with the item's `id` field (or a field declared Unique()), "
            "e.g. order=('-created', 'id')",
        )
    limit = style.limit
    if not 1 <= limit.min <= limit.default <= limit.max:
        problems.add(
            where,
            f"{d.name}: Limit(min={limit.min}, default={limit.default}, "
            f"max={limit.max}) is inconsistent",
            "need 1 <= min <= default <= max",
        )
    filters = []
    for raw_param, spec in op.params:
        _, markers = split(raw_param.annotation)
        flt = next((m for m in markers if isinstance(m, Filter)), None)
        if flt is None:
            continue
        _check_filter(d, item, spec.name, flt, problems)
        filters.append(FilterSpec(spec.name, identifier(flt.field), flt.op))
    return PaginationSpec(
        style=kind,
        cursor_param=names.cursor_param,
        limit_param=names.limit_param,
        limit=limit,
        order=tuple(order),
        filters=tuple(filters),
        item=item,
        item_schema=item.__name__,
        items_field=names.items_field,
        next_field=names.next_field,
        has_more_field=names.has_more_field,
        total_field=names.total_field,
        before_param=names.before_param,
        first_page=style.first_page if isinstance(style, PageNumber) else 1,
        sort=sort,
        link_keyset=isinstance(style, LinkHeader) and style.keyset,
    )


def _order(
    d: OperationDecl, keys: tuple[str, ...], item: type[BaseModel], problems: Problems
) -> list[OrderKey]:
    fields = item.model_fields
    order = []
    for key in keys:
        name = identifier(key.lstrip("-+"))
        if name not in fields:
            problems.add(
                d.location,
                f"{d.name}: order key {key!r} names no field of "
                f"{item.__name__} (fields: {', '.join(fields)})",
                "order by fields the items have, e.g. ('-created_at', '-id')",
            )
        order.append(OrderKey(name, key.startswith("-")))
    return order


def _unique_key(item: type[BaseModel], name: str) -> bool:
    """Whether ``name`` identifies one item: the ``id`` field, or a field declared Unique()."""
    info = item.model_fields.get(name)
    if info is None:
        return True  # reported as naming no field
    return name == "id" or any(isinstance(m, Unique) for m in info.metadata)


def _sort(
    d: OperationDecl, style: Paginated, item: type[BaseModel], problems: Problems
) -> SortSpec | None:
    """The client-chosen sort, each allowed order checked like ``order=``."""
    sort = style.sort
    if sort is None:
        return None
    orders = []
    for value, keys in dict(sort.orders).items():
        orders.append((value, tuple(_order(d, tuple(keys), item, problems))))
    return SortSpec(sort.param, tuple(orders), sort.default)


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


def _page_item(
    op: Op, style: Paginated, names: _Names, problems: Problems
) -> type[BaseModel] | None:
    """The item model of the page the operation returns, its shape checked for the style."""
    d, where, response = op.decl, op.decl.location, op.response
    if isinstance(style, LinkHeader):
        item = _list_item(response)
        if item is None:
            problems.add(
                where,
                f"{d.name}: paginated with LinkHeader, but the response "
                f"{type_name(response)} is not a list of items",
                "return the items themselves, e.g. `-> list[Contact]`; the next page is in "
                "the Link header",
            )
        return item
    if response is None or names.items_field not in response.model_fields:
        fix = (
            "return a subclass of synth.contract.Page[Item], e.g. "
            "`class ContactPage(Page[Contact])`"
            if isinstance(style, Cursor) and names.items_field == PAGE_ITEMS
            else f"return a model with the field `{names.items_field}: list[Item]` (the "
            f"items_field of {type(style).__name__})"
        )
        problems.add(
            where,
            f"{d.name}: paginated, but the response {type_name(response)} is not a page",
            fix,
        )
        return None
    item = _list_item(response.model_fields[names.items_field].annotation)
    if item is None:
        problems.add(
            where,
            f"{d.name}: the page {response.__name__}.{names.items_field} is not a list of items",
            f"declare `{names.items_field}: list[Item]` with a Pydantic model as Item",
        )
        return None
    return item


def _list_item(annotation: Any) -> type[BaseModel] | None:
    """``Item`` of ``list[Item]`` (or of a root model of one), when a Pydantic model."""
    annotation = strip(annotation)
    if isinstance(annotation, type) and issubclass(annotation, RootModel):
        annotation = strip(annotation.model_fields["root"].annotation)
    if get_origin(annotation) is not list:
        return None
    args = get_args(annotation)
    item = args[0] if args else None
    return item if isinstance(item, type) and issubclass(item, BaseModel) else None


def with_item_schema(
    p: PaginationSpec, page_schema: Any, components: dict[str, Any]
) -> PaginationSpec:
    """``p`` naming the component the page really holds: ``Item`` or ``Item-Output``."""
    page = components.get(ref_name(page_schema) or "", {})
    # a LinkHeader list's body is the array of items itself
    items = page.get("properties", {}).get(p.items_field, {}) if p.items_field else page
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
    position = (
        (ParamSpec(p.cursor_param, "query", False, cursor, cursor_doc, str, p.cursor_param),)
        if p.cursor_param  # a Link header's URL carries the position
        else ()
    )
    return (
        *position,
        ParamSpec(p.limit_param, "query", False, limit, limit_doc, int, p.limit_param),
    )
