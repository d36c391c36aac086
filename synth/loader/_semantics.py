"""What an operation promises beyond its types: idempotency, pagination and its
filters, conditional requests; and the parameters each promise adds to the operation.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import textwrap
from types import UnionType
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter

from .._errors import Location
from ..contract import OperationDecl, Page
from ..contract._api import RawParam
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
        path = _check_filter(d, item, raw, spec.name, flt, problems=problems)
        path = path or tuple(identifier(s) for s in flt.field.split("."))
        filters.append(
            FilterSpec(spec.name, ".".join(path), flt.op, path=path, explode=flt.explode)
        )
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


# The kinds of field each operator takes (DESIGN: "filter operators"): kinds as ``_kind`` reads
# them from the field's JSON Schema, which already resolves Literal, Enum, date, UUID, ...
_SCALARS = frozenset({"str", "int", "float", "bool", "enum", "date", "date-time", "uuid"})
_TAKES: dict[str, frozenset[str]] = {
    "eq": _SCALARS,
    "ne": _SCALARS,
    "in": _SCALARS - {"bool"},
    "lt": frozenset({"int", "float", "date", "date-time"}),
    "lte": frozenset({"int", "float", "date", "date-time"}),
    "gt": frozenset({"int", "float", "date", "date-time"}),
    "gte": frozenset({"int", "float", "date", "date-time"}),
    "prefix": frozenset({"str"}),
    "icontains": frozenset({"str"}),
    "contains": frozenset({"list"}),
}
_HINTS = {
    "eq": "'eq' and 'ne' take a scalar field (str, int, float, bool, enum, date, date-time, UUID)",
    "in": "'in' takes a scalar field other than bool",
    "lt": "ranges take an int, float, date or date-time field",
    "prefix": "'prefix' and 'icontains' take a str field; use 'eq' or 'in' for enums",
    "contains": "'contains' takes a list field; use 'eq' for scalar fields, 'icontains' for "
    "substrings",
}


def _kind(annotation: Any) -> str:
    """What a field holds, for the operator rules: read from its JSON Schema."""
    try:
        schema = TypeAdapter(strip(annotation)).json_schema(mode="serialization")
    except Exception:  # any type Pydantic cannot describe is simply "other"
        return "other"
    branches = [b for b in schema.get("anyOf", [schema]) if b != {"type": "null"}]
    if len(branches) != 1:
        return "other"
    branch = branches[0]
    if "enum" in branch or "const" in branch:
        return "enum"
    kind = branch.get("type")
    if kind == "string":
        fmt = branch.get("format")
        return fmt if fmt in ("date", "date-time", "uuid") else "str"
    return {"integer": "int", "number": "float", "boolean": "bool", "array": "list"}.get(
        kind, "model" if "$ref" in branch or kind == "object" else "other"
    )


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds, looking through ``Annotated`` and ``| None``."""
    base = split(annotation)[0]
    options = (
        [a for a in get_args(base) if a is not type(None)]
        if get_origin(base) in (Union, UnionType)
        else [base]
    )
    if len(options) == 1:
        found = split(options[0])[0]
        if isinstance(found, type) and issubclass(found, BaseModel):
            return found
    return None


def _param_location(d: OperationDecl, name: str) -> Location:
    """Where parameter ``name`` of ``d``'s function is written: file and line."""
    func = d.func
    if func is None:
        return d.location
    try:
        lines, start = inspect.getsourcelines(func)
        file = inspect.getsourcefile(func) or d.location.file
        tree = ast.parse(textwrap.dedent("".join(lines)))
    except (OSError, TypeError, SyntaxError):
        return d.location
    for node in ast.walk(tree):
        if isinstance(node, ast.arg) and node.arg == name:
            return Location(file, start + node.lineno - 1)
    return d.location


def _check_filter(
    d: OperationDecl,
    item: type[BaseModel],
    raw: RawParam,
    param: str,
    flt: Filter,
    *,
    problems: Problems,
) -> tuple[str, ...] | None:
    """The field path ``flt`` reads through ``item``, after checking the operator's rules."""
    where = _param_location(d, raw.name)
    what = f"{d.name}: filter {param!r}"
    if flt.op not in _TAKES:
        problems.add(
            where,
            f"{what} names an unknown operator {flt.op!r}",
            f"use one of {', '.join(_TAKES)}",
        )
        return None
    path = tuple(identifier(segment) for segment in flt.field.split("."))
    model: type[BaseModel] | None = item
    annotation: Any = None
    for number, segment in enumerate(path):
        if model is None:
            problems.add(
                where,
                f"{what}: {'.'.join(path[:number])} is not a nested model, so it has no "
                f"field {segment!r}",
                "name a path through nested models only, e.g. 'address.city'",
            )
            return None
        info = model.model_fields.get(segment)
        if info is None:
            problems.add(
                where,
                f"{what} tests field {'.'.join(path[: number + 1])!r}, which "
                f"{model.__name__} lacks (fields: {', '.join(model.model_fields)})",
                "name a field of the page's items (a dotted path for nested models)",
            )
            return None
        annotation = info.annotation
        model = _model_of(annotation)
    kind = _kind(annotation)
    if kind not in _TAKES[flt.op]:
        shown = {"model": "holds a nested model", "list": "holds a list"}.get(kind, f"holds {kind}")
        if flt.op == "contains":
            shown = "is not a list"
        problems.add(
            where,
            f"{what} uses {flt.op!r} on {item.__name__}.{flt.field}, which {shown}",
            _HINTS.get(flt.op, _HINTS["lt"] if flt.op in ("lte", "gt", "gte") else _HINTS["eq"]),
        )
        return None
    if flt.explode and flt.op != "in":
        problems.add(
            where,
            f"{what}: explode=True on {flt.op!r} ({flt.field!r}); only 'in' takes several values",
            "drop explode=True, or use op='in'",
        )
        return None
    given = _kind(raw.annotation)
    if flt.op == "in" and flt.explode and given != "list":
        problems.add(
            where,
            f"{what}: explode=True takes the repeated parameter, but {param!r} is annotated "
            f"{type_name(strip(split(raw.annotation)[0]))}, not a list",
            f"annotate it as a list, e.g. `Annotated[list[str] | None, Filter({flt.field!r}, "
            "'in', explode=True)] = None`",
        )
    elif flt.op == "in" and not flt.explode and given != "str":
        problems.add(
            where,
            f"{what}: 'in' takes a comma-separated list in one parameter, but {param!r} is "
            f"annotated {type_name(strip(split(raw.annotation)[0]))}, which cannot carry "
            "'a,b'",
            "annotate it as str (the comma list), or pass explode=True and annotate a list "
            "for the repeated parameter",
        )
    elif flt.op != "in" and given == "list" and flt.op != "contains":
        problems.add(
            where,
            f"{what}: {flt.op!r} compares with one value, but {param!r} is annotated as a list",
            "annotate the parameter with the field's own type",
        )
    return path


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
