"""TEN-*: tenant isolation, for tenant-scoped operations and at least two tenants."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from ...spec import OperationSpec
from .._context import NO_BODY, Alike, Context, brief
from .._http import Exchange
from .._violation import CannotCheck, NoExample
from ._common import (
    cursor_fields,
    declared,
    fresh_id,
    may_collide,
    normalize,
    nowhere_answer,
    nowhere_tenant,
)
from ._registry import implements
from .pagination import spread

# Owner fields a request might smuggle in, besides the response model's server-set fields.
_OWNER_FIELDS = ("tenant", "tenant_id", "owner", "owner_id", "account_id", "org_id",
                 "organization_id", "workspace_id")  # fmt: skip


# ``_held_by_b``'s default: A's item is read as A first.
_A_READS: Any = object()


def _theirs_differ(creator: OperationSpec, a_item: Any, answer: Exchange) -> bool:
    """Whether tenant B's 2xx ``answer`` at tenant A's item's path shows an item of B's own
    (ids unique only within a tenant name an item in each), not ``a_item``."""
    return answer.ok and _other_item(creator, a_item, answer.json)


def _other_item(creator: OperationSpec, a_item: Any, shown: Any) -> bool:
    """Whether item ``shown`` is another than ``a_item`` (both made by ``creator``): it differs
    in a value A's create sent (where it shows none of them, in anything), which what a server
    computes alone (a time, a version) does not decide."""
    if not isinstance(shown, dict) or not isinstance(a_item, dict):
        return False
    sent = {info.alias or name for name, info in (creator.body.model_fields.items()
                                                    if creator.body is not None else [])}  # fmt: skip
    both = [k for k in sent if k in a_item and k in shown]
    if not both:
        return shown != a_item
    return any(shown[k] != a_item[k] for k in both)


def _held_by_b(
    ctx: Context, creator: OperationSpec, params: dict[str, str], a_item: Any = _A_READS
) -> None:
    """Before tenant B sends anything to tenant A's item (made by ``creator``, at ``params``;
    ``a_item`` as A reads it, else A reads it here): where its id may also name an item of B's
    own (``may_collide``), B reads it, and where it finds its own there the example is set
    aside. What B would get or change there is its own item (a write would change B's data),
    and says nothing of A's: another example, whose item's id names nothing of B's, judges."""
    reader = ctx.graph.reader(creator)
    if reader is None or not may_collide(reader, params):
        return
    if a_item is _A_READS:
        mine = ctx.send(ctx.a, reader, params)
        if not mine.ok:
            return
        a_item = mine.json
    held = ctx.send(ctx.b, reader, params)
    if _theirs_differ(creator, a_item, held):
        raise _own_there(ctx, held)


def _own_there(ctx: Context, held: Exchange) -> NoExample:
    """Why an example is set aside where B's ``held`` answer shows an item of B's own."""
    return NoExample(f"tenant {ctx.b} holds an item of its own at {held.request.path}, where "
                     f"tenant {ctx.a}'s is (ids unique only within a tenant)")  # fmt: skip


def _same_as_nowhere(  # noqa: PLR0917 (the steps of one check share this state)
    ctx: Context, op: OperationSpec, answer: Exchange, nowhere: Exchange, ids: list[str], what: str
) -> None:
    """``answer`` must be the declared 404, and exactly what an id that exists nowhere gets."""
    status = declared(op, "not_found") or 404
    if answer.status != status:
        ctx.fail(f"{what}: {status}, as for an id that exists nowhere", brief(answer), answer)
    cursors = cursor_fields(ctx.target.api)
    if (answer.content_type, normalize(answer.json, ids, cursors=cursors)) != (
        nowhere.content_type,
        normalize(nowhere.json, ids, cursors=cursors),
    ):
        # Up to the baseline, sent after ``answer``: the reproduction shows both requests.
        ctx.fail(f"{what}: exactly the answer an id that exists nowhere gets ({brief(nowhere)})",
                 brief(answer), nowhere)  # fmt: skip


def _foreign_tenant(  # noqa: PLR0917 (the steps of one check share this state)
    ctx: Context,
    op: OperationSpec,
    params: dict[str, str],
    what: str,
    body: Any = NO_BODY,
    query: dict[str, str] | None = None,
) -> None:
    """B's credentials with A's id in the tenant path parameter get exactly the answer B gets
    with a tenant id that exists nowhere (``Api(tenant_param=...)``); nothing when the path
    carries no tenant."""
    if not ctx.graph.tenant_in_path(op):
        return
    theirs = ctx.target.tenant_id(ctx.a)
    answer = ctx.send(ctx.b, op, params, body=body, query=query or {}, tenant_id=theirs)
    absent = nowhere_tenant(ctx, op)
    nowhere = ctx.send(ctx.b, op, params, body=body, query=query or {}, tenant_id=absent)
    ids = [str(v) for v in params.values()] + [str(theirs), absent]
    ids += [t.tenant_id for t in ctx.target.config.tenants if t.tenant_id]
    cursors = cursor_fields(ctx.target.api)
    shown = f"{what}, with tenant {ctx.a}'s {{{ctx.api.tenant_param}}} in the path"
    if (answer.status, answer.content_type, normalize(answer.json, ids, cursors=cursors)) != (
        nowhere.status,
        nowhere.content_type,
        normalize(nowhere.json, ids, cursors=cursors),
    ):
        ctx.fail(f"{shown}: exactly the answer a {{{ctx.api.tenant_param}}} that exists nowhere "
                 f"gets ({brief(nowhere)})", brief(answer), nowhere)  # fmt: skip


def _target_item(
    ctx: Context, tenant: str, op: OperationSpec
) -> tuple[dict[str, str], dict[str, Any], OperationSpec]:
    """Create the item ``op`` acts on as ``tenant``; its path parameters, the item, its creator."""
    creator = ctx.graph.item_creator(op)
    assert creator is not None
    params, item = ctx.fixture(tenant, creator)
    return ctx.item_params(op, params, item), item, creator


@implements("TEN-LIST")
def lists(ctx: Context) -> None:
    op = ctx.op
    assert op.pagination is not None
    # No baseline: what is judged is whether A's items show in B's list, by their ids (with
    # the tenant in the path, their whole representation too), which no other check's items
    # have; a list that cannot be isolated is walked beside the other checks of its part.
    scope = ctx.scope(ctx.a, op, settle=True)
    count = ctx.draw(st.integers(1, 3), "items")
    # Values of their own in the filtered fields (an element to filter on, say), which the
    # simplest drawn bodies may lack: each filter then has something of A's to ask B's list for.
    each: list[dict[str, Any]] = [{} for _ in range(count)]
    for flt in op.pagination.filters:
        for row, given in zip(each, spread(ctx, scope, flt, count), strict=False):
            row.update(given)
    seeded = ctx.seed(scope, count, each=each)
    if not seeded:
        ctx.unexercised(f"seeded no item of tenant {ctx.a}'s to look for in another's list")
    theirs = {ctx.item_id(op, i, scope.params) for i in seeded}
    mine = ctx.scope(ctx.b, op, None if not scope.params else ctx.provision(ctx.b, op),
                     settle=True)  # fmt: skip
    mine.query = dict(scope.query)
    ctx.beside(mine)
    queries: list[dict[str, str]] = [{}]
    for flt in op.pagination.filters:
        for item in seeded:
            value = item.get(flt.field)
            if isinstance(value, list) and value:
                queries.append({flt.param: str(value[0])})
            elif isinstance(value, str | int) and flt.op != "icontains":
                queries.append({flt.param: str(value)})
            elif isinstance(value, str):
                queries.append({flt.param: scope.marker})
    # With the tenant in the path, identities name each tenant's own path: A's items are
    # recognised in B's list by their identity there and their whole representation.
    in_path = ctx.graph.tenant_in_path(op)
    as_mine = {ctx.item_id(op, i, mine.params): i for i in seeded}
    # Ids unique only within a tenant (``may_collide``) name an item in each: an item of B's
    # listed under one of A's ids is A's only where nothing A sent differs.
    as_theirs = {ctx.item_id(op, i, scope.params): i for i in seeded}
    creator = ctx.graph.creator_of_items(op)
    reader = ctx.graph.reader(creator) if creator is not None else None
    collide = reader is not None and may_collide(reader)

    def foreign(key: str, item: Any) -> bool:
        if key not in theirs:
            return False
        return not (collide and creator is not None
                    and _other_item(creator, as_theirs[key], item))  # fmt: skip

    for query in queries:
        walk = ctx.walk(mine, tenant=ctx.b, limit=op.pagination.limit.max, query=query)
        # An isolated scope of B's holds only what B seeded into it, which is nothing: any
        # item there is foreign even when its identity, unique only within its parent, names
        # B's parent rather than A's.
        leaked = [
            key
            for key, item in zip(walk.ids, walk.items, strict=True)
            if foreign(key, item) or mine.isolated or (in_path and as_mine.get(key) == item)
        ]
        if leaked:
            shown = "&".join(f"{k}={v}" for k, v in {**mine.query, **query}.items()) or "no filter"
            ctx.fail(f"tenant {ctx.b}'s list ({shown}) to hold none of tenant {ctx.a}'s items",
                     f"{leaked[0]} listed")  # fmt: skip
    limit = {op.pagination.limit_param: str(op.pagination.limit.max)}
    _foreign_tenant(ctx, op, scope.params, f"tenant {ctx.b} listing", query=limit)


def _own_tenant(ctx: Context, op: OperationSpec) -> OperationSpec | None:
    """The read of the tenant itself (``GET /orgs/{org_id}``) that ``op`` acts on, if any; A
    reads its own first (an answer other than 200 fails the check)."""
    reader = op if op.method == "GET" else ctx.graph.op("GET", op.path)
    if reader is not None and reader.tenant_scoped:
        own = ctx.send(ctx.a, reader)
        if own.status != 200:
            ctx.fail(f"tenant {ctx.a} to read its own {reader.path}", brief(own), own)
        return reader
    return None


def _tenant_itself(ctx: Context, op: OperationSpec) -> None:
    """TEN-READ and TEN-WRITE on the tenant itself (``/orgs/{org_id}``): B with A's id in the
    path gets what B gets with an id that exists nowhere, and A's tenant is unchanged."""
    reader = _own_tenant(ctx, op)
    before = ctx.send(ctx.a, reader) if reader is not None and op is not reader else None
    body = ctx.body(op) if op.body is not None else NO_BODY
    verb = "reading" if op.method == "GET" else f"sending {op.method} to"
    _foreign_tenant(ctx, op, {}, f"tenant {ctx.b} {verb} {op.path}", body=body)
    if reader is not None and before is not None:
        after = ctx.send(ctx.a, reader)
        if after.status != before.status or after.json != before.json:
            ctx.fail(f"tenant {ctx.a}'s {reader.path} unchanged after tenant {ctx.b}'s "
                     f"{op.method}", brief(after), after)  # fmt: skip


@implements("TEN-READ")
def reads(ctx: Context) -> None:
    if not ctx.graph.is_item_op(ctx.op):
        _tenant_itself(ctx, ctx.op)
        return
    params, item, creator = _target_item(ctx, ctx.a, ctx.op)
    # The foreign read and its baseline come first, so that a leak is shown by the shortest
    # sequence (create, B's read, B's read of an id that exists nowhere); the owner's own read
    # follows: a 404 to B proves nothing unless A reads the item.
    last = (ctx.graph.parents(ctx.op) or [])[-1].param
    answer = ctx.send(ctx.b, ctx.op, params)
    if may_collide(ctx.op, params) and _theirs_differ(creator, item, answer):
        # B read an item of its own at A's numbers (ids unique only within a tenant), not A's.
        raise _own_there(ctx, answer)
    absent, nowhere = nowhere_answer(ctx, ctx.op, params, last)
    ids = [str(v) for v in params.values()] + nowhere.request.path.split("/") + [absent]
    what = f"tenant {ctx.b} reading tenant {ctx.a}'s item"
    _same_as_nowhere(ctx, ctx.op, answer, nowhere, ids, what)
    own = ctx.send(ctx.a, ctx.op, params)
    if own.status != 200:
        ctx.fail(f"tenant {ctx.a} to read its own item", brief(own), own)
    _foreign_tenant(ctx, ctx.op, params, what)
    del item


@implements("TEN-WRITE")
def writes(ctx: Context) -> None:
    op = ctx.op
    if not ctx.graph.is_item_op(op):
        _tenant_itself(ctx, op)
        return
    params, item, creator = _target_item(ctx, ctx.a, op)
    reader = ctx.graph.reader(creator)
    before = ctx.send(ctx.a, reader, params) if reader is not None else None
    if op.upsert and reader is not None and before is not None:
        # Ids a client chooses are each tenant's own: where tenant B already holds an item
        # under A's id (made elsewhere, as B: another process's, an earlier run's, an id space
        # too small to give each item one of its own), B's PUT rightly replaces it (200), and
        # says nothing of A's. What B reads there is its own item, not A's.
        held = ctx.send(ctx.b, reader, params)
        if held.ok and held.json != before.json:
            raise NoExample(f"tenant {ctx.b} already holds an item of its own under the id "
                            f"{op.operation_id} was to send to tenant {ctx.a}'s")  # fmt: skip
    elif before is not None and before.ok:
        _held_by_b(ctx, creator, params, before.json)
    body = ctx.body(op) if op.body is not None else NO_BODY
    answer = ctx.send(ctx.b, op, params, body=body)
    last = (ctx.graph.parents(op) or [])[-1].param
    if op.upsert:
        _upsert_elsewhere(ctx, op, params, answer)
    elif ctx.graph.is_action(op) and answer.ok:
        # No action succeeds on an id that exists nowhere: no need to draw one to compare.
        status = declared(op, "not_found") or 404
        ctx.fail(f"tenant {ctx.b} acting on tenant {ctx.a}'s item: {status}, as for an id "
                 "that exists nowhere", brief(answer), answer)  # fmt: skip
    else:
        what = f"sending {op.method} to tenant {{a}}'s item"
        _nowhere_answer(ctx, op, params, body, answer, last, what)
    _foreign_tenant(ctx, op, params, f"tenant {ctx.b} sending {op.method} to tenant "
                    f"{ctx.a}'s item", body=body)  # fmt: skip
    if reader is not None and before is not None:
        after = ctx.send(ctx.a, reader, params)
        if after.status != before.status or after.json != before.json:
            ctx.fail(f"tenant {ctx.a}'s item unchanged after tenant {ctx.b}'s {op.method}",
                     brief(after), after)  # fmt: skip
    del item


def _upsert_elsewhere(
    ctx: Context, op: OperationSpec, params: dict[str, str], answer: Exchange
) -> None:
    """B's upsert on an id A uses creates B's own item (201) or is refused as declared."""
    if not answer.ok:
        if (answer.status, answer.code) not in {(e.status, e.code) for e in op.errors}:
            ctx.fail(f"tenant {ctx.b}'s PUT on tenant {ctx.a}'s id to create its own item (201) "
                     "or be refused with a declared error", brief(answer), answer)  # fmt: skip
        return
    if answer.status != 201:
        ctx.fail(f"tenant {ctx.b}'s PUT on tenant {ctx.a}'s id to create tenant {ctx.b}'s own "
                 f"item (201), not to replace tenant {ctx.a}'s", brief(answer), answer)  # fmt: skip
    if isinstance(answer.json, dict):
        ctx.remember(ctx.b, op, params, answer.json)


def _nowhere_answer(  # noqa: PLR0917 (the steps of one check share this state)
    ctx: Context, op: OperationSpec, params: dict[str, str], body: Any, answer: Exchange,
    last: str, what: str,
) -> None:  # fmt: skip
    """``answer`` must be exactly what tenant B gets for an id that exists nowhere."""
    absent, nowhere = nowhere_answer(ctx, op, params, last, body)
    ids = [str(v) for v in params.values()] + nowhere.request.path.split("/") + [absent]
    _same_as_nowhere(ctx, op, answer, nowhere, ids, f"tenant {ctx.b} " + what.format(a=ctx.a))


@implements("TEN-CHILD")
def children(ctx: Context) -> None:
    op = ctx.op
    params = ctx.provision(ctx.a, op)
    body = ctx.body(op) if op.body is not None else NO_BODY
    parents = ctx.graph.parents(op) or []
    if parents:
        _held_by_b(ctx, parents[-1].create, params)  # A's parent, as A reads it
        answer = ctx.send(ctx.b, op, params, body=body)
        _nowhere_answer(ctx, op, params, body, answer, parents[-1].param,
                        "using tenant {a}'s parent")  # fmt: skip
    what = f"tenant {ctx.b} sending {op.method} {op.path}" + (
        f" under tenant {ctx.a}'s parent" if parents else ""
    )
    _foreign_tenant(ctx, op, params, what, body=body)
    lister = ctx.graph.lister_of(op) if op.method == "POST" and parents else None
    if lister is None or lister.pagination is None:
        return
    parent = parents[-1].param
    scope = ctx.scope(ctx.a, lister, params)
    if not scope.isolated and parent not in lister.pagination.item.model_fields:
        return  # a list at the top whose items do not name their parent: nothing to look for
    walk = ctx.walk(scope, limit=None)
    # Under A's fresh parent, every item listed is B's doing; in a list at the top (``GET
    # /trips`` of trips made under a vehicle), those that name A's parent are.
    listed = [i for i in walk.items if scope.isolated or str(i.get(parent)) == params[parent]]
    if listed:
        ctx.fail(f"no child created under tenant {ctx.a}'s parent by tenant {ctx.b}",
                 f"{len(listed)} child item(s) listed")  # fmt: skip


@implements("TEN-ASSIGN")
def assigns(ctx: Context) -> None:
    op = ctx.op
    if ctx.graph.is_tenant_op(op):
        _assign_to_tenant(ctx, op)
        return
    # A POST creates; an action, like any write on an item, acts on what another op creates.
    creates = op.method == "POST" and not ctx.graph.is_action(op)
    creator = op if creates else ctx.graph.item_creator(op)
    assert creator is not None
    assert op.response is not None
    # Tenant B's own object of the same kind: its server-set values are what A smuggles.
    b_params, b_item = ctx.fixture(ctx.b, creator)
    body_fields = set(op.body.model_fields) if op.body is not None else set()
    candidates = {name: ctx.b for name in _OWNER_FIELDS if name not in body_fields}
    candidates.update({k: v for k, v in sorted(b_item.items()) if k not in body_fields})
    # One field per request: a server that honours one field may still reject the others.
    for name, value in candidates.items():
        _smuggle(ctx, op, creator, b_params, b_item, name, value)
    _foreign_references(ctx, op)


def _foreign_references(ctx: Context, op: OperationSpec) -> None:
    """A body field that names another collection's item (``member_id``), given an item of
    tenant B's: refused with a declared error, or the item A gets does not name B's.

    Accepted, it would tie A's data to B's (a loan of A's to B's member), and tell A that
    B's id exists.
    """
    for ref in ctx.graph.references(op):
        if not ref.create.tenant_scoped:
            continue  # a shared, public collection: every tenant may name its items
        _, theirs = ctx.fixture(ctx.b, ref.create)
        foreign = str(theirs[ref.id_field])
        params = ctx.provision(ctx.a, op) if op.method == "POST" and not ctx.graph.is_action(op) \
            else _target_item(ctx, ctx.a, op)[0]  # fmt: skip
        body = ctx.body(op)
        if not isinstance(body, dict):
            continue
        shown = f"{ref.field}={foreign!r}, tenant {ctx.b}'s item of {ref.collection}"
        answer = ctx.send(ctx.a, op, params, body={**body, ref.field: foreign}, own_refs=False)
        if 400 <= answer.status < 500 and (answer.status, answer.code) in {
            (e.status, e.code) for e in op.errors
        }:
            continue  # refused: fine
        if not answer.ok:
            ctx.fail(f"{shown} to be refused with a declared error", brief(answer), answer)
        if op.method == "POST" and isinstance(answer.json, dict):
            ctx.remember(ctx.a, op, params, answer.json)
        if isinstance(answer.json, dict) and str(answer.json.get(ref.field)) == foreign:
            ctx.fail(f"tenant {ctx.a}'s {op.operation_id} naming {shown} to be refused",
                     brief(answer), answer)  # fmt: skip


def _assign_to_tenant(ctx: Context, op: OperationSpec) -> None:
    """TEN-ASSIGN on the tenant itself (``PATCH /orgs/{org_id}``): what A smuggles in (owner
    fields, B's own values) is ignored or rejected, A keeps its tenant, B's is untouched."""
    reader = _own_tenant(ctx, op)
    if reader is None:
        raise CannotCheck(f"no tenant-scoped GET {op.path} reads back what {op.operation_id} "
                          "writes, so smuggled owner fields cannot be looked for")  # fmt: skip
    theirs = ctx.send(ctx.b, reader)
    body_fields = set(op.body.model_fields) if op.body is not None else set()
    candidates: dict[str, Any] = {name: ctx.b for name in _OWNER_FIELDS if name not in body_fields}
    if theirs.status == 200 and isinstance(theirs.json, dict):
        candidates.update({k: v for k, v in sorted(theirs.json.items()) if k not in body_fields})
    for name, value in candidates.items():
        shown = f"{name}={value!r}"
        answer = ctx.send(ctx.a, op, body={**ctx.body(op), name: value})
        if 400 <= answer.status < 500 and (answer.status, answer.code) in {
            (e.status, e.code) for e in op.errors
        }:
            continue  # rejected: fine
        if not answer.ok:
            ctx.fail(f"the smuggled {shown} to be ignored or rejected with a declared error",
                     brief(answer), answer)  # fmt: skip
        own = ctx.send(ctx.a, reader)
        if own.status != 200:
            ctx.fail(f"tenant {ctx.a} to still read its own {reader.path} (smuggled {shown})",
                     brief(own), own)  # fmt: skip
        after = ctx.send(ctx.b, reader)
        if (after.status, after.json) != (theirs.status, theirs.json):
            ctx.fail(f"tenant {ctx.b}'s {reader.path} untouched (smuggled {shown})",
                     brief(after), after)  # fmt: skip


def _smuggle(  # noqa: PLR0917 (the steps of one check share this state)
    ctx: Context, op: OperationSpec, creator: OperationSpec, b_params: dict[str, str],
             b_item: dict[str, Any], name: str, value: Any) -> None:  # fmt: skip
    # A create makes A's item with the smuggled field; an action or any other write acts on an
    # item of A's made first (a fixture, whose refused parent is replaced).
    creates = op.method == "POST" and not ctx.graph.is_action(op)
    if creates:
        params = ctx.provision(ctx.a, op)
    else:
        params, _, _ = _target_item(ctx, ctx.a, op)
    body = ctx.body(op)
    answer = ctx.send(ctx.a, op, params, body={**body, name: value})
    if 400 <= answer.status < 500 and (answer.status, answer.code) in {
        (e.status, e.code) for e in op.errors
    }:
        return  # rejected: fine
    shown = f"{name}={value!r}"
    if not answer.ok or not isinstance(answer.json, dict):
        ctx.fail(f"the smuggled {shown} to be ignored or rejected with a declared error",
                 brief(answer), answer)  # fmt: skip
    result = answer.json
    if creates:
        ctx.remember(ctx.a, op, params, result)
    field = ctx.graph.identity(creator).field
    if result.get(field) is not None and ctx.item_id(creator, result, params) == ctx.item_id(
        creator, b_item, b_params
    ):
        ctx.fail(f"a new id, not tenant {ctx.b}'s (smuggled {shown})", brief(answer), answer)
    reader = ctx.graph.reader(creator)
    if reader is None or field not in result:
        return
    item_params = ctx.item_params(reader, params, result) if creates else params
    own = ctx.send(ctx.a, reader, item_params)
    if own.status != 200:
        ctx.fail(
            f"tenant {ctx.a} to still own what it wrote with the smuggled {shown}", brief(own), own
        )
    other = ctx.send(ctx.b, reader, item_params)
    if other.ok and not (may_collide(reader, item_params)
                         and _theirs_differ(creator, own.json, other)):  # fmt: skip
        ctx.fail(
            f"tenant {ctx.b} not to see tenant {ctx.a}'s item (smuggled {shown})",
            brief(other),
            other,
        )
    b_read = ctx.send(ctx.b, reader, ctx.item_params(reader, b_params, b_item))
    if b_read.status != 200 or b_read.json != b_item:
        ctx.fail(f"tenant {ctx.b}'s own item untouched (smuggled {shown})", brief(b_read), b_read)


@implements("TEN-NONINTERFERENCE")
def noninterference(ctx: Context) -> None:
    op = ctx.op
    # Everything is drawn once; each world marks it with its own run-unique marker, so B's
    # requests are the same in both worlds up to that marker (and ids the server assigns).
    creator = ctx.graph.creator_of_items(op) if op.pagination else ctx.graph.item_creator(op)
    # A fixture refused with a 409 sets the example aside: retried with fresh values, B's
    # items would differ between the two worlds by synth's doing.
    ctx.retry_conflicts = False
    count = ctx.draw(st.integers(1, 3), "items") if op.pagination is not None else 1
    item_bodies = [ctx.raw_body(creator) for _ in range(count)] if creator is not None else []
    body = ctx.raw_body(op)
    assigned = _assigned(ctx, op, creator)
    ids = _ordered_ids(ctx, creator, count) if op.pagination is not None else ([], [], [])
    # The fixtures made on the way (the parents of the item or of the list) are drawn once
    # too: each tenant's steps in each world make them from the same bodies in the same order.
    steps = Alike()
    quiet, quiet_marks = _world(
        ctx, op, creator, item_bodies, body, steps=steps, noisy=False, ids=ids
    )
    noisy, noisy_marks = _world(
        ctx, op, creator, item_bodies, body, steps=steps, noisy=True, ids=ids
    )
    cursors = cursor_fields(ctx.target.api)
    walked = op.pagination is not None and creator is not None  # ``_act``: B's items walked
    if walked:
        quiet, noisy = _in_ties(op, quiet, assigned), _in_ties(op, noisy, assigned)
    q = normalize(quiet, quiet_marks, assigned, cursors=cursors)
    n = normalize(noisy, noisy_marks, assigned, cursors=cursors)
    if walked:
        q, n = _untied(q), _untied(n)
    if q != n:
        ctx.fail(f"tenant {ctx.b}'s answers to be the same whether or not tenant {ctx.a} acted "
                 f"first: {q}{_shared_values(ctx, op, creator)}",
                 f"after tenant {ctx.a} did the same first: {n}")  # fmt: skip


def _in_ties(op: OperationSpec, seen: list[Any], assigned: set[str]) -> list[Any]:
    """B's list as runs of items its declared order does not tell apart by what B sent.

    The order's later keys may be fields the server fills in (``assigned``: an id, a
    timestamp), compared by type only since they differ between the worlds: items alike in
    the other keys (two appointments at one time, ordered by a random id) come in the order
    the server's values give them, which two worlds need not share for anything A did. Each
    run is put in one order after normalizing (``_untied``); the runs' own order is compared
    as listed."""
    assert op.pagination is not None
    keys = [key.field for key in op.pagination.order if key.field not in assigned]
    runs: list[tuple[tuple[Any, ...], list[Any]]] = []
    for item in seen[1]:
        at = tuple(item.get(key) if isinstance(item, dict) else item for key in keys)
        if runs and runs[-1][0] == at:
            runs[-1][1].append(item)
        else:
            runs.append((at, [item]))
    return [seen[0], [run for _, run in runs]]


def _untied(seen: list[Any]) -> list[Any]:
    """``_in_ties``'s runs, normalized, each in one order (by its items' JSON), as one list."""

    def canonical(item: Any) -> str:
        return json.dumps(item, sort_keys=True, default=str)

    return [seen[0], [item for run in seen[1] for item in sorted(run, key=canonical)]]


def _shared_values(ctx: Context, op: OperationSpec, creator: OperationSpec | None) -> str:
    """What the failure says of the ``Unique()`` fields both tenants sent alike (``_world``)."""
    ops = [op] if creator is None or creator is op else [creator, op]
    shared = [f"{o.operation_id}.{name}" for o in ops for name in o.unique
              if name not in o.unique_across_tenants]  # fmt: skip
    if not shared:
        return ""
    return (f" (tenant {ctx.b} sent tenant {ctx.a}'s values in {', '.join(shared)}, declared "
            "unique within a tenant; a field unique across tenants by design is declared "
            "Unique(across_tenants=True))")  # fmt: skip


def _assigned(ctx: Context, op: OperationSpec, creator: OperationSpec | None) -> set[str]:
    """Fields the server fills in itself (in the response model, in no request body), and
    the fields declared unique."""
    model = op.pagination.item if op.pagination is not None else op.response
    if model is None:
        return set()
    given: set[str] = set()
    unique: set[str] = set()
    for source in (op, creator):
        if source is not None and source.body is not None:
            given |= set(source.body.model_fields)
            unique |= set(source.unique)
    # A unique field holds a fresh value in each world: compared by type, like an id.
    return set(model.model_fields) - given | unique


def _ordered_ids(
    ctx: Context, creator: OperationSpec | None, count: int
) -> tuple[list[str], list[str], list[str]]:
    """For items an upsert creates, ids in the same order in both worlds: B's quiet, A's, B's.

    The client chooses them, and a list ordered by id shows B's items in the order of their
    ids; drawn apart for each world, that order would differ for nothing A did.
    """
    parents = ctx.graph.parents(creator) if creator is not None and creator.upsert else None
    if creator is None or not parents:
        return [], [], []
    name = parents[-1].param
    param = next((p for p in creator.path_params if p.name == name), None)
    numeric = param is not None and param.schema.get("type") == "integer"
    drawn = [ctx.fresh_item_id(creator, name) for _ in range(3 * count)]
    drawn.sort(key=lambda v: (int(v), "") if numeric else (0, v))
    return drawn[0::3], drawn[1::3], drawn[2::3]


def _world(ctx: Context, op: OperationSpec, creator: OperationSpec | None, item_bodies: list[Any],
           body: Any, *, steps: Alike, noisy: bool,
           ids: tuple[list[str], list[str], list[str]]) -> tuple[list[Any], list[str]]:  # fmt: skip
    """B's observations in one world; in the noisy one, A does the same things first, with
    the same values in fields declared ``Unique()``: unique within a tenant, they are A's and
    B's alike, and a server that keeps them unique across tenants refuses B what A took."""
    marker = ctx.marker()
    key = fresh_id()
    marks = [marker]
    values: dict[tuple[str, str, int], Any] = {}
    if noisy:
        with ctx.alike(steps, values) as markers:
            marks += _act(ctx, ctx.a, op, creator, item_bodies, body, marker, key, ids[1])[1]
        marks += markers
    with ctx.alike(steps, values) as markers:
        seen, made = _act(ctx, ctx.b, op, creator, item_bodies, body, marker, key,
                          ids[2] if noisy else ids[0])  # fmt: skip
    return seen, marks + made + markers


def _act(  # noqa: PLR0917 (the steps of one check share this state)
    ctx: Context, tenant: str, op: OperationSpec, creator: OperationSpec | None,
         item_bodies: list[Any], body: Any, marker: str, key: str,
         new_ids: list[str]) -> tuple[list[Any], list[str]]:  # fmt: skip
    ids: list[str] = []
    if op.pagination is not None and creator is not None:
        scope = ctx.scope(tenant, op, marker=marker)
        # The world's own: its fresh parent, and the fresh item a filter keeps (a driver).
        ids += [*scope.params.values(), *scope.query.values()]
        for n, raw in enumerate(item_bodies):
            marked = ctx.mark(creator, raw, marker, scope.overrides)
            ctx.create(tenant, creator, scope.params, marked,
                       new_id=new_ids[n] if n < len(new_ids) else None)  # fmt: skip
        walk = ctx.walk(scope, limit=op.pagination.limit.max)
        mine = [i for i, key in zip(walk.items, walk.ids, strict=True) if key not in scope.baseline]
        return [[p.status for p in walk.pages][-1:], mine], ids
    if creator is not None:
        parent, item = ctx.fixture(tenant, creator, ctx.mark(creator, item_bodies[0], marker))
        params = ctx.item_params(op, parent, item)
    else:
        params = ctx.provision(tenant, op)
    ids += params.values()
    marked = ctx.mark(op, body, marker) if body is not NO_BODY else NO_BODY
    answer = ctx.send(tenant, op, params, body=marked, key=key)
    return [answer.status, answer.json], ids
