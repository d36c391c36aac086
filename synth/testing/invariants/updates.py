"""PATCH-PARTIAL: a partial update changes what it sends and nothing else (docs/models.md).

A field of a PATCH body that may be left out and has no default (``email: EmailStr | None =
None``) means "leave it alone" when left out and "clear it" when sent as null. A server that
applies the parsed body whole (every left-out field read as None) clears what the caller never
mentioned: no schema check sees it, because every answer is well formed.
"""

from __future__ import annotations

from typing import Any

from hypothesis import assume
from pydantic import ValidationError

from ...catalogue import partial_fields
from .._context import Context, brief
from .._data import accepts
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
