"""CACHE-ETAG: conditional requests, for operations declared cacheable."""

from __future__ import annotations

from hypothesis import assume

from ...catalogue import cache_reader
from .._context import Context, brief
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
    if updater is None:
        return
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
