"""What an operation promises beyond its types: idempotency, pagination and its
filters, conditional requests; and the parameters each promise adds to the operation.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import textwrap
from collections.abc import Mapping
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, RootModel, TypeAdapter
from pydantic.errors import (
    PydanticInvalidForJsonSchema,
    PydanticSchemaGenerationError,
    PydanticUserError,
)

from .._errors import Location
from .._jsonschema import SynthJsonSchema
from ..contract import OperationDecl, Unique
from ..contract._api import RawParam
from ..contract._models import PAGE_ITEMS
from ..contract._semantics import (
    Conditional,
    Cursor,
    Filter,
    Idempotency,
    Limit,
    LinkHeader,
    Offset,
    PageNumber,
    PageToken,
    Paginated,
    Sort,
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
    LIST_OF,
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
    "check_no_filters",
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
    if isinstance(style, type) and style in _STYLES:
        problems.add(
            where,
            f"{d.name}: paginated={style.__name__} is the class, not a pagination style",
            f"call it with the list's order: paginated={style.__name__}(order=('-created_at', "
            "'id'))",
        )
        return None
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
    if style.order or sort is None:
        order = _order(d, style.order, item, problems)
    else:  # the order without the parameter
        order = list(sort.order(sort.default))
    if not order and style.sort is None:
        problems.add(
            where,
            f"{d.name}: {type(style).__name__}(order=()) is empty",
            "give the order keys, the last one unique, e.g. ('-created_at', '-id')",
        )
    _check_style(d, style, names, item, order=order, sort=sort, problems=problems)
    limit = _limit(d, style, problems)
    filters = []
    for raw_param, spec in op.params:
        _, markers = split(raw_param.annotation)
        flt = next((m for m in markers if isinstance(m, Filter)), None)
        if flt is None:
            continue
        path = _check_filter(d, item, raw_param, spec.name, flt, problems=problems)
        if path is None and not isinstance(flt.field, str):
            continue  # reported: it names no field
        path = path or tuple(identifier(s) for s in flt.field.split("."))
        filters.append(
            FilterSpec(spec.name, ".".join(path), flt.op, path=path, explode=flt.explode)
        )
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


def _limit(d: OperationDecl, style: Paginated, problems: Problems) -> Limit:
    """The style's page-size rules, checked; the default ``Limit()`` where they are unusable."""
    limit = style.limit
    if not isinstance(limit, Limit):
        problems.add(
            d.location,
            f"{d.name}: {type(style).__name__}(limit={limit!r}) is not a Limit",
            "declare the page size's rules as limit=Limit(default=20, max=100)",
        )
        limit = Limit()
    elif not all(_integer(getattr(limit, n)) for n in ("min", "default", "max")):
        problems.add(
            d.location,
            f"{d.name}: Limit(min={limit.min!r}, default={limit.default!r}, "
            f"max={limit.max!r}) holds something other than whole numbers",
            "give the page sizes as integers, e.g. Limit(default=20, max=100)",
        )
        limit = Limit()
    elif limit.out_of_range not in ("reject", "clamp"):
        problems.add(
            d.location,
            f"{d.name}: Limit(out_of_range={limit.out_of_range!r}) is neither 'reject' nor 'clamp'",
            "'reject' answers 422 validation_failed to a size out of range; 'clamp' serves "
            "the nearest bound",
        )
    elif not 1 <= limit.min <= limit.default <= limit.max:
        problems.add(
            d.location,
            f"{d.name}: Limit(min={limit.min}, default={limit.default}, "
            f"max={limit.max}) is inconsistent",
            "need 1 <= min <= default <= max",
        )
    return limit


def _check_style(
    d: OperationDecl,
    style: Paginated,
    names: _Names,
    item: type[BaseModel],
    *,
    order: list[OrderKey],
    sort: SortSpec | None,
    problems: Problems,
) -> None:
    """What each style needs beyond an order: an id to start after, sane page numbers and
    parameter names."""
    where = d.location
    if isinstance(style, StartingAfter) and order and not _unique_key(item, order[-1].field):
        problems.add(
            where,
            f"{d.name}: StartingAfter's order ends with {order[-1].field!r}, which is not "
            f"{item.__name__}'s id: the next page starts after the last item's id",
            "end the order with the item's `id` field (or a field declared Unique()), "
            "e.g. order=('-created', 'id')",
        )
    if isinstance(style, StartingAfter) and sort is not None and order:
        for value, keys in sort.orders:
            if keys and keys[-1].field != order[-1].field:
                problems.add(
                    where,
                    f"{d.name}: StartingAfter's Sort value {value!r} ends with "
                    f"{keys[-1].field!r}, not {order[-1].field!r}: {names.cursor_param} "
                    "takes one id field whatever the order",
                    f"end every order with {order[-1].field!r}",
                )
    if isinstance(style, PageNumber) and (
        not isinstance(style.first_page, int) or style.first_page < 0
    ):
        problems.add(
            where,
            f"{d.name}: PageNumber(first_page={style.first_page!r}) is not a page number",
            "number pages from 1 (the default) or 0",
        )
    params = {"page size": names.limit_param}
    if not isinstance(style, LinkHeader):  # a Link header's URL carries the position
        params["position"] = names.cursor_param
    if isinstance(style, StartingAfter):
        params["before"] = names.before_param
    if isinstance(style.sort, Sort):
        params["sort"] = style.sort.param
    for option, value in params.items():
        if not value or not isinstance(value, str):
            problems.add(
                where,
                f"{d.name}: {type(style).__name__}'s {option} parameter name is {value!r}",
                "name it with a non-empty string, or leave the default",
            )


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _order(
    d: OperationDecl, keys: tuple[str, ...], item: type[BaseModel], problems: Problems
) -> list[OrderKey]:
    fields = item.model_fields
    if not isinstance(keys, (str, tuple, list)):
        problems.add(
            d.location,
            f"{d.name}: the order {keys!r} is not a tuple of keys",
            "write a tuple of item fields, '-' first for descending: ('-created_at', 'id')",
        )
        return []
    if isinstance(keys, str):  # ("id") where ("id",) was meant
        problems.add(
            d.location,
            f"{d.name}: the order {keys!r} is a string, not a tuple of keys",
            f"write a tuple: ({keys!r},)",
        )
        keys = (keys,)
    order = []
    for key in keys:
        if not isinstance(key, str) or not key.lstrip("-+"):
            problems.add(
                d.location,
                f"{d.name}: order key {key!r} is not a field name",
                "give each key as the item field's name, '-' first for descending, e.g. '-id'",
            )
            continue
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
    """The client-chosen sort, each allowed order checked like ``order=`` and ending with a
    unique key (``id`` or a field declared Unique()), so that a walk in it is well defined."""
    sort, where, name = style.sort, d.location, type(style).__name__
    if sort is None:
        return None
    if not isinstance(sort, Sort):
        problems.add(
            where,
            f"{d.name}: {name}(sort={sort!r}) is not a Sort",
            "declare it as Sort(param='sort', orders={...}, default=...)",
        )
        return None
    if not isinstance(sort.orders, Mapping):
        problems.add(
            where,
            f"{d.name}: Sort(orders={sort.orders!r}) is not a mapping",
            "map each value of the parameter to its order, e.g. "
            "orders={'-created_at': ('-created_at', 'id')}",
        )
        return None
    orders = []
    for value, keys in sort.orders.items():
        if not isinstance(value, str) or not value:
            problems.add(
                where,
                f"{d.name}: Sort value {value!r} is not a non-empty string",
                "key orders= by the values the query parameter takes, e.g. '-created_at'",
            )
            continue
        order = tuple(_order(d, keys, item, problems))
        if not order:
            problems.add(
                where,
                f"{d.name}: Sort value {value!r} means an empty order",
                f"give its order keys, the last one unique, e.g. {value!r}: ({value!r}, 'id')",
            )
        elif not _unique_key(item, order[-1].field):
            problems.add(
                where,
                f"{d.name}: Sort value {value!r} orders by {keys!r}, whose last key "
                f"{order[-1].field!r} is not unique per {item.__name__}: items that tie on it "
                "have no defined order, so pages can repeat or skip them",
                f"end the order with `id` (or a field declared Unique()), e.g. "
                f"{value!r}: ({', '.join(repr(k) for k in (*keys, 'id'))})",
            )
        orders.append((value, order))
    if not orders:
        problems.add(
            where,
            f"{d.name}: Sort(orders={{}}) allows no order",
            "map each value of the parameter to its order, e.g. "
            "orders={'-created_at': ('-created_at', 'id')}",
        )
        return None
    spec = SortSpec(sort.param, tuple(orders), sort.default)
    if sort.default not in spec.values:
        problems.add(
            where,
            f"{d.name}: Sort(default={sort.default!r}) is not one of its orders "
            f"({', '.join(map(repr, spec.values))})",
            "set default= to the value whose order the list has without the parameter",
        )
        return None
    if style.order and tuple(_order(d, style.order, item, Problems())) != spec.order(sort.default):
        problems.add(
            where,
            f"{d.name}: {name}(order={style.order!r}) disagrees with the Sort's default "
            f"{sort.default!r}, which means {tuple(dict(sort.orders)[sort.default])!r}",
            "leave order= out (it is then the default's order), or make the two the same",
        )
    return spec


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


def check_no_filters(op: Op, problems: Problems) -> None:
    """``Filter`` narrows a paginated list; on any other operation it would mean nothing."""
    for raw, spec in op.params:
        if any(isinstance(m, Filter) for m in split(raw.annotation)[1]):
            problems.add(
                _param_location(op.decl, raw.name),
                f"{op.decl.name}: parameter {spec.name!r} is a Filter, but the operation is "
                "not a paginated list",
                "declare the list with paginated=Cursor(order=(...)) (or another style), or "
                "drop Filter() to make it a plain query parameter",
            )


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


def _filter_shape(what: str, where: Location, flt: Filter, problems: Problems) -> bool:
    """Whether ``Filter(...)`` names a field and a known operator, and ``explode`` is a bool."""
    if not isinstance(flt.field, str) or not flt.field:
        problems.add(
            where,
            f"{what}: Filter({flt.field!r}) does not name a field",
            "name the item field it tests, e.g. Filter('status') or Filter('address.city')",
        )
        return False
    if not isinstance(flt.explode, bool):
        problems.add(
            where,
            f"{what}: Filter(explode={flt.explode!r}) is not True or False",
            "pass explode=True (the repeated parameter, with 'in') or leave it out",
        )
        return False
    if not isinstance(flt.op, str) or flt.op not in _TAKES:
        problems.add(
            where,
            f"{what} names an unknown operator {flt.op!r}",
            f"use one of {', '.join(_TAKES)}",
        )
        return False
    return True


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
    if not _filter_shape(what, where, flt, problems):
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
        if response is not None and getattr(response, LIST_OF, None) is not None:
            fix += (
                f"; a bare array has no room for the next {type(style).__name__} position "
                "(LinkHeader lists answer the array and page in the Link header)"
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
    _check_page_fields(d, response, style, names, problems)
    return item


def _check_page_fields(
    d: OperationDecl, page: type[BaseModel], style: Paginated, names: _Names, problems: Problems
) -> None:
    """The page's fields beside the items, each of the type its style reads."""
    nullable = "str | None" if isinstance(style, Cursor) else "str | None (or str, '' at the end)"
    wanted = [
        (names.next_field, "next_field", nullable, _is_token),
        (names.has_more_field, "has_more_field", "bool", lambda tp: tp is bool),
        (names.total_field, "total_field", "int", lambda tp: tp is int),
    ]
    for field_name, option, type_text, ok in wanted:
        if not field_name:
            continue
        info = page.model_fields.get(field_name)
        if info is None:
            problems.add(
                d.location,
                f"{d.name}: the page {page.__name__} has no field {field_name!r} "
                f"({type(style).__name__}'s {option}; fields: {', '.join(page.model_fields)})",
                f"add `{field_name}: {type_text}` to {page.__name__}, or name its field "
                f"with {option}=",
            )
        elif not ok(_bare(info.annotation)) or (
            option == "next_field" and isinstance(style, Cursor) and _bare(info.annotation) is str
        ):
            problems.add(
                d.location,
                f"{d.name}: the page's {page.__name__}.{field_name} is "
                f"{type_name(_bare(info.annotation))}, but {type(style).__name__}'s "
                f"{option} is {type_text}",
                f"declare `{field_name}: {type_text}`",
            )


def _bare(annotation: Any) -> Any:
    """The type under every ``Annotated``."""
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def _is_token(tp: Any) -> bool:
    """``str | None`` (null at the end) or ``str`` (Google's "" at the end; PageToken only)."""
    if tp is str:
        return True
    return get_origin(tp) in (Union, UnionType) and set(map(_bare, get_args(tp))) == {
        str,
        type(None),
    }


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
    if decl.method == "GET" and isinstance(decl.cacheable, Conditional):
        problems.add(
            decl.location,
            f"{decl.name}: cacheable={decl.cacheable} on GET: Conditional says how a write "
            "takes If-Match; a read takes If-None-Match",
            "write cacheable=True on a GET (ETag, If-None-Match, 304)",
        )
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
    limit_doc = f"Items per page, {rule}."
    if p.style == "link":
        limit_doc += (
            ' The next page\'s URL is in the `Link` response header (`rel="next"`), '
            "absent on the last page."
        )
    params = [*_position_params(p)]
    params.append(ParamSpec(p.limit_param, "query", False, limit, limit_doc, int, p.limit_param))
    if p.sort is not None:
        s = p.sort
        means = "; ".join(
            f"`{value}`: " + ", ".join(("-" if k.descending else "") + k.field for k in order)
            for value, order in s.orders
        )
        doc = (
            f"The order of the items, `{s.default}` when omitted ({means}; `-` is descending). "
            "Keep it the same on every page of a walk; another value gets 422 "
            "`validation_failed`."
        )
        schema = {"type": "string", "enum": list(s.values), "default": s.default}
        params.append(ParamSpec(s.param, "query", False, schema, doc, str, s.param))
    return tuple(params)


def _id_schema(item: type[BaseModel], key: str, is_int: bool) -> dict[str, Any]:
    """The JSON Schema of the item's id field ``key`` (a UUID's format, a pattern, bounds),
    which ``starting_after`` and ``ending_before`` take; a plain non-empty string or an
    integer where that schema is not self-contained (it refers to a component)."""
    info = item.model_fields[key]
    try:
        schema = TypeAdapter(info.rebuild_annotation()).json_schema(
            schema_generator=SynthJsonSchema
        )
    except (PydanticInvalidForJsonSchema, PydanticUserError, PydanticSchemaGenerationError):
        schema = {}
    schema = {k: v for k, v in schema.items() if k not in {"title", "description", "examples"}}
    if schema.get("type") not in {"string", "integer"} or "$defs" in schema or "$ref" in schema:
        return {"type": "integer"} if is_int else {"type": "string", "minLength": 1}
    if (
        schema["type"] == "string"
        and "minLength" not in schema
        and not ({"format", "pattern", "enum", "const"} & set(schema))
    ):
        schema["minLength"] = 1
    return schema


def _position_params(p: PaginationSpec) -> tuple[ParamSpec, ...]:
    """The parameter taking a page's position, per style (none for a Link header: its URL)."""
    if p.style == "cursor":
        schema: dict[str, Any] = {"type": "string", "minLength": 1}
        doc = f"The `{p.next_field}` of the previous page; omit for the first page."
        return (ParamSpec(p.cursor_param, "query", False, schema, doc, str, p.cursor_param),)
    if p.style == "page_token":
        # Google APIs (AIP-158) take an empty page_token as the first page: proto3 cannot
        # tell an absent string from an empty one, and the last page says "" as well.
        schema = {"type": "string"}
        doc = (
            f"The `{p.next_field}` of the previous page; omit it or send it empty for the "
            "first page."
        )
        return (ParamSpec(p.cursor_param, "query", False, schema, doc, str, p.cursor_param),)
    if p.style == "starting_after":
        key = p.tiebreaker.field
        is_int = _bare(p.item.model_fields[key].annotation) is int
        schema = _id_schema(p.item, key, is_int)
        after = (
            f"The `{key}` of the last item of the previous page: the page starts after it; "
            f"omit for the first page. Pages follow while `{p.has_more_field}` is true."
        )
        before = (
            f"The `{key}` of the first item of a page: the page ends just before it "
            "(paging backwards)."
        )
        return (
            ParamSpec(p.cursor_param, "query", False, schema, after, int if is_int else str,
                      p.cursor_param),
            ParamSpec(p.before_param, "query", False, schema, before, int if is_int else str,
                      p.before_param),
        )  # fmt: skip
    if p.style == "offset":
        schema = {"type": "integer", "minimum": 0, "default": 0}
        total = f", or at `{p.total_field}`" if p.total_field else ""
        doc = (
            "How many items to skip: 0 for the first page, then the previous offset plus the "
            f"number of items it returned; the list ends at a page shorter than the limit{total}."
        )
        return (ParamSpec(p.cursor_param, "query", False, schema, doc, int, p.cursor_param),)
    if p.style == "page":
        schema = {"type": "integer", "minimum": p.first_page, "default": p.first_page}
        total = f" (`{p.total_field}` counts the items)" if p.total_field else ""
        doc = (
            f"The page number, from {p.first_page}, plus 1 for each next page; the list ends "
            f"at a page shorter than the page size{total}."
        )
        return (ParamSpec(p.cursor_param, "query", False, schema, doc, int, p.cursor_param),)
    return ()
