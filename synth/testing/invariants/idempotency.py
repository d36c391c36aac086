"""IDEM-*: operations declared idempotent (``Idempotency-Key``)."""

from __future__ import annotations

import uuid
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from .._context import Context, Scope, brief, listed_markable
from .._http import Exchange
from ._common import declared, expect_error, fresh_id, scope_count
from ._registry import implements


def _setup(ctx: Context, tenant: str) -> tuple[dict[str, str], Scope | None, Any]:
    """Path parameters, a scope to count in (if the op's items are listed), and a body."""
    op = ctx.op
    params = ctx.provision(tenant, op)
    lister = ctx.graph.lister_of(op)
    if lister is None:
        return params, None, ctx.body(op)
    scope = ctx.scope(tenant, lister, params, settle=True)
    body = ctx.body(op, scope.marker, scope.overrides, fill=_fill(ctx, scope))
    ctx.settle(scope, body)
    return params, scope, body


def _fill(ctx: Context, scope: Scope | None) -> tuple[str, ...]:
    """The fields of the body that carry the check's marker even where the drawn body leaves
    them out, in a list no scope isolates: those the list shows of every item
    (``listed_markable``), so that the check counts its items there by the marker, beside
    the part's other checks, in every example (``Context.settle``). Drawn without them (an
    optional `purpose` of a trip), it walked the whole list keeping the part, after every
    walk of the part's chain."""
    if scope is None or scope.isolated or scope.create is None:
        return ()
    return listed_markable(ctx.schemas, scope.create, scope.lister)


def _count(ctx: Context, scope: Scope | None, body: Any, expected: int, what: str) -> None:
    if scope is None:
        return
    found = scope_count(ctx, scope, body)
    if len(found) != expected:
        ids = ", ".join(ctx.item_id(scope.lister, i, scope.params) for i in found) or "none"
        ctx.fail(f"{what}: exactly {expected} item(s) in the list", f"{len(found)} ({ids})")


def _reread(ctx: Context, tenant: str, params: dict[str, str], first: Any) -> None:
    reader = ctx.graph.reader(ctx.op)
    if reader is None or not isinstance(first, dict):
        return
    got = ctx.send(tenant, reader, ctx.item_params(reader, params, first))
    if got.status != 200 or got.json != first:
        ctx.fail("the first result to be intact (reading it gives the same item)", brief(got), got)


def _state(ctx: Context, tenant: str, params: dict[str, str]) -> Exchange | None:
    """The item an action acts on, read with the item's GET (None: not an action, no GET).

    An action's effect is on its item, not a new one in a list: its idempotency is judged on
    the item's state.
    """
    if not ctx.graph.is_action(ctx.op):
        return None
    creator = ctx.graph.item_creator(ctx.op)
    reader = ctx.graph.reader(creator) if creator is not None else None
    if reader is None:
        return None
    # The action's path is the item's path and one more segment: its parameters, in order.
    mine = [p.param for p in ctx.graph.parents(ctx.op) or []]
    theirs = [p.param for p in ctx.graph.parents(reader) or []]
    values = {name: params[own] for name, own in zip(theirs, mine, strict=False)}
    answer = ctx.send(tenant, reader, values)
    if answer.status != 200:
        ctx.fail(f"tenant {tenant} to read the item {ctx.op.operation_id} acted on",
                 brief(answer), answer)  # fmt: skip
    return answer


def _same_state(ctx: Context, before: Exchange | None, after: Exchange | None, what: str) -> None:
    if before is not None and after is not None and after.json != before.json:
        ctx.fail(f"{what}: the item as it was after the first request ({brief(before)})",
                 brief(after), after)  # fmt: skip


def _longest_key(ctx: Context) -> str | None:
    """A new key of the declared maximum length of the operation's key header, for the run's
    first replay (each example until one passes): a server must take the longest key its
    document declares, and replay it. None once judged, or where no maximum is declared.

    One character longer is not sent: the maximum is synth's document's (255 on every
    idempotent operation), not a line the contract draws, and correct servers take longer
    keys (the library and warehouse examples' do)."""
    op = ctx.op
    assert op.idempotency is not None
    if (ctx.invariant, op.operation_id) in ctx.target.edges_judged:
        return None
    header = op.idempotency.header
    most = next((p.schema.get("maxLength") for p in op.params
                 if p.location == "header" and p.name == header), None)  # fmt: skip
    if not isinstance(most, int) or most < 1:
        return None
    return (uuid.uuid4().hex * (most // 32 + 1))[:most]


@implements("IDEM-REPLAY")
def replay(ctx: Context) -> None:
    params, scope, body = _setup(ctx, ctx.a)
    longest = _longest_key(ctx)
    key = longest or fresh_id()
    first = ctx.send(ctx.a, ctx.op, params, body=body, key=key)
    if longest is not None and first.code == "validation_failed":
        ctx.fail(f"a key of {len(longest)} characters (the declared maximum of "
                 f"{ctx.op.idempotency.header if ctx.op.idempotency else 'the key'}) to be "
                 "taken", brief(first), first)  # fmt: skip
    ctx.expect_success(first, ctx.op, "the first request")
    effect = _state(ctx, ctx.a, params)
    again = ctx.send(ctx.a, ctx.op, params, body=body, key=key)
    if again.status != first.status or again.json != first.json:
        ctx.fail(f"the replay to repeat the first answer: {first.status} with the same body",
                 brief(again), again)  # fmt: skip
    # The document declares the header on every idempotent operation's success, and the
    # contract language has no switch to leave it out: a replay always says it is one.
    if again.headers.get("idempotent-replayed") != "true":
        shown = again.headers.get("idempotent-replayed")
        ctx.fail("the replay to say so with `Idempotent-Replayed: true`",
                 f"Idempotent-Replayed: {shown}" if shown is not None else
                 f"no Idempotent-Replayed header; {brief(again)}", again)  # fmt: skip
    _same_state(
        ctx, effect, _state(ctx, ctx.a, params), "after the replay, the action applied once"
    )
    ctx.remember(ctx.a, ctx.op, params, first.json)
    _count(ctx, scope, body, 1, "after a request and its replay")
    ctx.target.edges_judged.add((ctx.invariant, ctx.op.operation_id))


def _without(body: Any, fields: set[str]) -> Any:
    if not isinstance(body, dict):
        return body
    return {k: v for k, v in body.items() if k not in fields}


@implements("IDEM-MISMATCH")
def mismatch(ctx: Context) -> None:
    params, scope, body = _setup(ctx, ctx.a)
    fill = _fill(ctx, scope)
    other = ctx.body(ctx.op, scope.marker if scope else None, scope.overrides if scope else None,
                     fill=fill)  # fmt: skip
    # Fields naming another collection's item are sent as the tenant's own item, the same one
    # for both bodies: a body differing only there would be sent as the first one again.
    refs = {r.field for r in ctx.graph.references(ctx.op)}
    if scope is not None and _without(other, refs) == _without(body, refs):
        # The simplest example (Hypothesis's first) draws the same body twice: the second then
        # carries its scope's marker twice over in its free text, which still names the scope.
        other = ctx.body(ctx.op, scope.marker * 2, scope.overrides, fill=fill)
    assume(_without(other, refs) != _without(body, refs))
    key = fresh_id()
    first = ctx.send(ctx.a, ctx.op, params, body=body, key=key)
    ctx.expect_success(first, ctx.op, "the first request")
    ctx.remember(ctx.a, ctx.op, params, first.json)
    effect = _state(ctx, ctx.a, params)
    second = ctx.send(ctx.a, ctx.op, params, body=other, key=key)
    expect_error(ctx, second, ctx.op, "idempotency_key_reused", "the same key with another body")
    _same_state(ctx, effect, _state(ctx, ctx.a, params), "after the refused reuse of the key")
    _count(ctx, scope, None if scope and scope.isolated else body, 1, "after the mismatched reuse")
    _reread(ctx, ctx.a, params, first.json)


@implements("IDEM-CONCURRENT")
def concurrent(ctx: Context) -> None:
    op = ctx.op
    params, scope, body = _setup(ctx, ctx.a)
    key = fresh_id()
    # Two copies at once in the simplest example (the shortest race); the profile's
    # concurrency in about seven examples of eight of the others (more copies, more overlap).
    most = max(2, ctx.target.config.profile.concurrency)
    n = ctx.draw(st.integers(0, 7).map(lambda k: 2 if k == 0 else most), "copies at once")
    answers = ctx.gather([lambda: ctx.request(ctx.a, op, params, body, key)] * n)
    in_use = declared(op, "idempotency_key_in_use")
    successes = [a for a in answers if a.ok]
    for answer in answers:
        if answer.ok:
            if answer.json != successes[0].json:
                ctx.fail("every success to carry the same result", brief(answer), answer)
        elif not (answer.status == in_use and answer.code == "idempotency_key_in_use"):
            ctx.fail(f"each answer to be {op.status} or {in_use} 'idempotency_key_in_use'",
                     brief(answer), answer)  # fmt: skip
    settled = ctx.send(ctx.a, op, params, body=body, key=key)
    ctx.expect_success(settled, op, "a replay after the concurrent requests")
    if successes and settled.json != successes[0].json:
        ctx.fail(
            "the replay to give the result the concurrent success gave", brief(settled), settled
        )
    effect = _state(ctx, ctx.a, params)
    if effect is not None:
        ctx.send(ctx.a, op, params, body=body, key=key)
        _same_state(ctx, effect, _state(ctx, ctx.a, params), "after one more replay")
    ctx.remember(ctx.a, op, params, settled.json)
    _count(ctx, scope, body, 1, f"after {n} concurrent requests with one key")


@implements("IDEM-MISSING")
def missing(ctx: Context) -> None:
    params, scope, body = _setup(ctx, ctx.a)
    answer = ctx.send(ctx.a, ctx.op, params, body=body, key=None)
    expect_error(ctx, answer, ctx.op, "idempotency_key_missing", "a request without the key")
    _count(ctx, scope, body, 0, "after a request without the key")


@implements("IDEM-TENANT-SCOPE")
def tenant_scope(ctx: Context) -> None:
    op = ctx.op
    # Nothing is counted: no scope (a list that cannot be isolated would be walked for its
    # baseline, keeping its part of the API).
    params_a, body = ctx.provision(ctx.a, op), ctx.body(op)
    key = fresh_id()
    first = ctx.send(ctx.a, op, params_a, body=body, key=key)
    ctx.expect_success(first, op, f"tenant {ctx.a}'s request")
    ctx.remember(ctx.a, op, params_a, first.json)
    params_b = ctx.provision(ctx.b, op)
    # The same body, but for what two tenants cannot both hold (a public handle).
    other = ctx.send(ctx.b, op, params_b, body=ctx.for_another_tenant(ctx.a, op, body), key=key)
    if not other.ok:
        ctx.fail(f"tenant {ctx.b}, reusing {ctx.a}'s key, to get its own {op.status}",
                 brief(other), other)  # fmt: skip
    ctx.remember(ctx.b, op, params_b, other.json)
    a_item, b_item = first.json, other.json
    # The same resource: the same id, and for an id unique within its parent the same parent.
    if (
        isinstance(a_item, dict)
        and isinstance(b_item, dict)
        and (same := ctx.item_id(op, a_item, params_a)) == ctx.item_id(op, b_item, params_b)
    ):
        ctx.fail(f"tenant {ctx.b} to get a new resource, not tenant {ctx.a}'s",
                 f"the same id {same}", other)  # fmt: skip
    reader = ctx.graph.reader(op)
    if reader is not None and isinstance(b_item, dict):
        mine = ctx.send(ctx.b, reader, ctx.item_params(reader, params_b, b_item))
        if mine.status != 200:
            ctx.fail(f"tenant {ctx.b} to read the resource it was given", brief(mine), mine)
    _reread(ctx, ctx.a, params_a, a_item)
