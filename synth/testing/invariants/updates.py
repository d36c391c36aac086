"""PATCH-PARTIAL: a partial update changes what it sends and nothing else (docs/models.md);
UPSERT-STATUS: a PUT upsert says by its status whether it created the item or replaced it.

PATCH-PARTIAL. A field of a PATCH body that may be left out and has no default (``email: EmailStr | None =
None``) means "leave it alone" when left out and "clear it" when sent as null. A server that
applies the parsed body whole (every left-out field read as None) clears what the caller never
mentioned: no schema check sees it, because every answer is well formed.

UPSERT-STATUS. An upsert declaring both 201 and 200 passes conformance with either answer, so
a server that answers 200 when it creates (or 201 when it replaces) shows only when the status
is compared with whether the id was in use: read it first (404), PUT (201), PUT again (200).
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import assume
from pydantic import TypeAdapter, ValidationError

from ...catalogue import partial_fields
from ...spec import OperationSpec
from .._context import Context, brief
from .._data import accepts
from .._unique import fixed_reason
from .._violation import CannotCheck, NoExample
from ._bounds import equal
from ._registry import implements


@implements("PATCH-PARTIAL")
def partial(ctx: Context) -> None:
    op = ctx.op
    creator = ctx.graph.item_creator(op)
    reader = ctx.graph.reader(creator) if creator is not None else None
    fields = partial_fields(ctx.graph, op)
    assert creator is not None
    assert reader is not None
    assert op.body is not None
    parent, item = ctx.fixture(ctx.a, creator)
    params = ctx.item_params(op, parent, item)
    read = ctx.item_params(reader, parent, item)
    _fill(ctx, params, fields)
    before = ctx.send(ctx.a, reader, read)
    ctx.expect_success(before, reader, "reading the item")
    if not isinstance(before.json, dict):
        ctx.fail(f"{reader.operation_id} to return the item", brief(before), before)
    # The fields that hold a value now: left out, a server that reads them as null shows it.
    held = [f for f in fields if before.json.get(f) is not None]
    drawn = ctx.body(op)
    assume(isinstance(drawn, dict) and bool(drawn))
    # A PATCH of one field the drawn body sets (a valid body as it stands), leaving out all
    # the others.
    changed = ctx.choose(sorted(drawn), "field changed")
    change = {changed: drawn[changed]}
    assume(accepts(op.body, change))
    left_out = [f for f in held if f != changed]
    if not left_out:
        ctx.unexercised(
            f"the item held a value in none of {', '.join(fields)} besides the field changed, "
            "so leaving them out could not show whether they were cleared"
        )
        return
    updated = ctx.send(ctx.a, op, params, body=change)
    ctx.expect_success(updated, op, f"a PATCH of {changed!r} alone")
    after = ctx.send(ctx.a, reader, read)
    ctx.expect_success(after, reader, "reading the item back")
    now = after.json if isinstance(after.json, dict) else {}
    for field in left_out:
        if now.get(field) != before.json.get(field):
            ctx.fail(
                f"{field!r}, left out of the PATCH body {{{changed!r}: ...}}, unchanged: "
                f"{before.json.get(field)!r}",
                f"{field!r} is now {now.get(field)!r}; {brief(after)}",
                after,
            )
    _clear(ctx, params, read, ctx.choose(left_out, "field cleared"), now)


def _fill(ctx: Context, params: dict[str, str], fields: tuple[str, ...]) -> None:
    """Give the item a value in each of ``fields`` (a created item often holds none in its
    optional fields, and a field that is null already cannot show that it was cleared)."""
    op = ctx.op
    assert op.body is not None
    assert op.body_schema is not None
    props = ctx.schemas.properties(op.body_schema)
    values = {
        field: ctx.draw(
            ctx.schemas.strategy(props[field]).filter(lambda v: v is not None), f"{field} (held)"
        )
        for field in fields
        if field in props
    }
    body = ctx.mark(op, values, ctx.marker())
    if not body or not accepts(op.body, body):
        return  # the model refuses them together: the fields the item holds already serve
    filled = ctx.send(ctx.a, op, params, body=body)
    ctx.expect_success(filled, op, "a PATCH giving the item a value in each optional field")


def _clear(
    ctx: Context, params: dict[str, str], read: dict[str, str], field: str, item: Any
) -> None:
    """Where ``field`` is nullable in the body and in the item, an explicit null clears it."""
    op = ctx.op
    creator = ctx.graph.item_creator(op)
    reader = ctx.graph.reader(creator) if creator is not None else None
    assert op.body is not None
    assert reader is not None
    body = {field: None}
    if not accepts(op.body, body) or not _may_be_null(reader.response, item, field):
        return
    cleared = ctx.send(ctx.a, op, params, body=body)
    ctx.expect_success(cleared, op, f"a PATCH setting {field!r} to null")
    after = ctx.send(ctx.a, reader, read)
    ctx.expect_success(after, reader, "reading the item back")
    now = after.json.get(field) if isinstance(after.json, dict) else None
    if now is not None:
        ctx.fail(
            f"{field!r} cleared by the PATCH body {{{field!r}: null}}",
            f"{field!r} is {now!r}; {brief(after)}",
            after,
        )


def _may_be_null(response: Any, item: Any, field: str) -> bool:
    """Whether the item's model takes null in ``field`` (the item as read, with it null)."""
    if response is None or not isinstance(item, dict):
        return False
    try:
        response.model_validate({**item, field: None})
    except ValidationError:
        return False
    return True


# New ids tried for one example before it is set aside (each found in use).
_NEW_ID_TRIES = 5


@implements("UPSERT-STATUS")
def upsert_status(ctx: Context) -> None:
    op = ctx.op
    reader = ctx.graph.reader(op)
    assert reader is not None
    params = ctx.provision(ctx.a, op)
    body = ctx.body(op)
    # The item's id is the client's: one new to the run, made from the path parameter's
    # schema outside Hypothesis (an id Hypothesis draws comes again on a replay, by then in
    # use), then read first: an id in use, by the run or anyone, cannot show what creating is.
    last = (ctx.graph.parents(op) or [])[-1].param
    param = next(p for p in op.path_params if p.name == last)
    for _ in range(_NEW_ID_TRIES):
        new = ctx.target.fresh.path_value(
            f"{op.operation_id}.{last}",
            param.schema,
            lambda v: ctx.target.nowhere.accepts(param, v),
        )
        if new is None:
            raise CannotCheck(
                f"no new value for {{{last}}} could be made from its schema "
                f"({fixed_reason(ctx.schemas, param.schema) or 'no value it accepts was found'}), "
                f"so {op.operation_id} cannot be sent to an id not in use"
            )
        params[last] = new
        before = ctx.send(ctx.a, reader, params)
        if not before.ok:
            break
    else:
        raise NoExample(f"every new {{{last}}} made for {op.operation_id} was in use already")
    created = ctx.send(ctx.a, op, params, body=body)
    ctx.expect_success(created, op, f"a {op.method} to an id not in use")
    if isinstance(created.json, dict):
        ctx.remember(ctx.a, op, params, created.json)
    if created.status != 201:
        ctx.fail(f"a {op.method} to an id not in use (its GET answered {before.status}) to "
                 "create the item: 201", brief(created), created)  # fmt: skip
    _read_back(ctx, reader, params, ctx.as_sent(ctx.a, body), "created")
    replaced = ctx.send(ctx.a, op, params, body=body)
    ctx.expect_success(replaced, op, f"the same {op.method} again")
    if replaced.status != op.status:
        ctx.fail(f"the same {op.method} again, to the id it just created, to replace the item: "
                 f"{op.status}, not create another", brief(replaced), replaced)  # fmt: skip
    _read_back(ctx, reader, params, ctx.as_sent(ctx.a, body), "replaced")


def _read_back(
    ctx: Context, reader: OperationSpec, params: dict[str, str], sent: Any, what: str
) -> None:
    """The item read after the PUT holds each body field it returns as sent."""
    after = ctx.send(ctx.a, reader, params)
    ctx.expect_success(after, reader, f"reading the item the {ctx.op.method} {what}")
    if not isinstance(sent, dict) or not isinstance(after.json, dict):
        return
    returned = reader.response.model_fields if reader.response is not None else {}
    types = {info.alias or name: info.annotation for name, info in returned.items()}
    for field, value in sent.items():
        if field in types and not _same(types[field], value, after.json.get(field)):
            ctx.fail(f"the item {what} by the {ctx.op.method} to read back as sent: "
                     f"{field!r} = {value!r}",
                     f"{field!r} is {after.json.get(field)!r}; {brief(after)}", after)  # fmt: skip


def _same(annotation: Any, sent: Any, stored: Any) -> bool:
    """Whether ``stored`` holds ``sent`` as the item's field type reads them both: the same
    instant written with another offset, ``1.50`` read back as ``1.5``, are the value sent."""
    if equal(sent, stored):
        return True
    adapter: TypeAdapter[Any] = TypeAdapter(annotation)
    try:
        return equal(
            adapter.validate_json(json.dumps(sent)), adapter.validate_json(json.dumps(stored))
        )
    except (ValidationError, TypeError, ValueError):
        return False
