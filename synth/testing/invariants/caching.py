"""CACHE-ETAG: conditional requests, for operations declared cacheable."""

from __future__ import annotations

from typing import Any

from hypothesis import assume

from ...catalogue import cache_reader
from ...spec import OperationSpec
from .._context import NO_BODY, Context, brief
from .._http import Exchange
from ._common import expect_error
from ._registry import implements


@implements("CACHE-ETAG")
def etag(ctx: Context) -> None:
    op = ctx.op
    reader = cache_reader(ctx.graph, op)
    creator = ctx.graph.item_creator(op)
    assert reader is not None
    assert creator is not None
    parent, item = ctx.fixture(ctx.a, creator)
    params = ctx.item_params(reader, parent, item)
    first = ctx.send(ctx.a, reader, params)
    tag = first.headers.get("etag")
    if first.status != 200 or not tag:
        ctx.fail("200 with an ETag header", brief(first), first)
    cached = ctx.send(ctx.a, reader, params, headers={"If-None-Match": tag})
    if cached.status != 304 or cached.content:
        ctx.fail(f"If-None-Match: {tag} to get 304 with no body", brief(cached), cached)
    updater = ctx.graph.updater(creator)
    if updater is not None:
        _updated(ctx, reader, updater, params, first, tag)
    # Last: an action may leave the item where an update is refused (retired, archived).
    _acted(ctx, reader, creator, params, parent, item)


def _updated(  # noqa: PLR0917 (the steps of one check share this state)
    ctx: Context,
    reader: OperationSpec,
    updater: OperationSpec,
    params: dict[str, str],
    first: Exchange,
    tag: str,
) -> None:
    """An update makes a new ETag; the stale one is refused where the update takes If-Match."""
    change = ctx.body(updater)
    # A required If-Match gets the current ETag (Context.send): this step is about the change.
    changed = ctx.send(ctx.a, updater, params, body=change)
    ctx.expect_success(changed, updater, "an update")
    second = ctx.send(ctx.a, reader, params)
    new_tag = second.headers.get("etag")
    if second.json != first.json and (not new_tag or new_tag == tag):
        ctx.fail(
            "a new ETag after the item changed", f"ETag {new_tag} again; {brief(second)}", second
        )
    assume(second.json != first.json)
    stale = ctx.send(ctx.a, reader, params, headers={"If-None-Match": tag})
    if stale.status != 200:
        ctx.fail(f"the stale If-None-Match: {tag} to get 200 with the item", brief(stale), stale)
    if updater.cache is None or updater.cache.if_match is None:
        return
    if updater.cache.if_match == "required":
        bare = ctx.send(ctx.a, updater, params, body=ctx.body(updater), if_match=None)
        expect_error(ctx, bare, updater, "precondition_required", "no If-Match, which is required")
        unchanged = ctx.send(ctx.a, reader, params)
        if unchanged.json != second.json:
            ctx.fail("the item unchanged after an update without the required If-Match",
                     brief(unchanged), unchanged)  # fmt: skip
    refused = ctx.send(ctx.a, updater, params, body=ctx.body(updater), headers={"If-Match": tag})
    expect_error(
        ctx, refused, updater, "precondition_failed", f"If-Match with the stale ETag {tag}"
    )
    unchanged = ctx.send(ctx.a, reader, params)
    if unchanged.json != second.json:
        ctx.fail("the item unchanged after a refused If-Match update", brief(unchanged), unchanged)
    current = ctx.send(
        ctx.a, updater, params, body=ctx.body(updater), headers={"If-Match": new_tag or ""}
    )
    ctx.expect_success(current, updater, f"If-Match with the current ETag {new_tag}")


def _acted(  # noqa: PLR0917 (the steps of one check share this state)
    ctx: Context,
    reader: OperationSpec,
    creator: OperationSpec,
    params: dict[str, str],
    parent: dict[str, str],
    item: dict[str, Any],
) -> None:
    """An action on the item (``Graph.is_action``: archive, cancel, complete) that changes what
    its read shows makes a new ETag, as an update does. An action the item's state refuses
    changes nothing and is not judged; nor one sending a form or a file (no such body drawn
    here)."""
    for action in ctx.target.api.operations:
        made = ctx.graph.item_creator(action) if ctx.graph.is_action(action) else None
        if made is None or made.operation_id != creator.operation_id or action.form:
            continue
        before = ctx.send(ctx.a, reader, params)
        tag = before.headers.get("etag")
        if before.status != 200 or not tag:
            return
        body = ctx.body(action) if action.body is not None else NO_BODY
        acted = ctx.send(ctx.a, action, ctx.item_params(action, parent, item), body=body)
        if not acted.ok:
            continue
        after = ctx.send(ctx.a, reader, params)
        new_tag = after.headers.get("etag")
        if after.status == 200 and after.json != before.json and (not new_tag or new_tag == tag):
            ctx.fail(f"a new ETag after {action.operation_id} changed the item",
                     f"ETag {new_tag} again; {brief(after)}", after)  # fmt: skip
