"""ERR-*: the error model, on every operation."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

from hypothesis import strategies as st

from ...spec import OperationSpec
from .. import _problems as problems
from .._context import NO_BODY, Context, Scope, brief, items_of
from .._http import Exchange, Request
from .._twins import TWINS
from ._bounds import Bound, body_bounds, equal
from ._common import declared, may_collide, nowhere_value
from ._registry import implements

# In this order: a later rule reads what an earlier one has established.
_PROBLEM = (
    problems.problem_media_type,
    problems.problem_object,
    problems.problem_fields,
    problems.problem_status,
)


def _semantic_probes(
    ctx: Context, item_params: dict[str, str], body: Any
) -> list[Callable[[], Request]]:
    """Probes that the declared semantics call for: bad cursors and limits, a missing key, a
    stale or missing If-Match."""
    op = ctx.op
    probes: list[Callable[[], Request]] = []
    if op.pagination is not None:
        for name, bad in ((op.pagination.cursor_param, "!!"), (op.pagination.limit_param, "many")):
            if name:  # a link list has no position parameter: its URLs carry it
                probes.append(
                    functools.partial(ctx.build, ctx.a, op, item_params, query={name: bad})
                )
    if op.idempotency is not None and op.idempotency.required:
        probes.append(lambda: ctx.build(ctx.a, op, item_params, body=body, key=None))
    if op.cache is not None and op.cache.if_match is not None:
        probes.append(
            lambda: ctx.build(
                ctx.a, op, item_params, body=body, headers={"If-Match": '"synth-stale"'}
            )
        )
    if op.cache is not None and op.cache.if_match == "required":
        probes.append(lambda: ctx.build(ctx.a, op, item_params, body=body, if_match=None))
    return probes


def _dangling_references(
    ctx: Context, item_params: dict[str, str], body: Any
) -> list[Callable[[], Request]]:
    """For each body field naming another collection's item (``Graph.references``), the body
    with every other such field naming an item of the tenant's own and that one an id the
    item's path parameter accepts and no item has: a request the server refuses (or takes)
    as the contract declares. The path probes above name nothing only in the path; every
    other request synth builds names the tenant's own items there (``Context.referenced``),
    so a server answering a dangling reference with an undeclared 404 went unseen (the
    gridwise example's alert rule naming no meter)."""
    op = ctx.op
    if not isinstance(body, dict) or op.body is None:
        return []
    probes: list[Callable[[], Request]] = []
    for ref in ctx.graph.references(op):
        reader = ctx.graph.reader(ref.create)
        chain = ctx.graph.parents(reader) if reader is not None else None
        if reader is None or not chain or ref.field not in body:
            continue  # no read of the item names it: no id the server is known to look up
        value = nowhere_value(ctx, reader, chain[-1].param)
        if value is None:
            continue

        def dangling(field: str = ref.field, value: str = value) -> Request:
            sent = dict(ctx.referenced(ctx.a, op, body))
            sent[field] = ctx.as_field(op, field, value)
            return ctx.build(ctx.a, op, item_params, body=sent, own_refs=False)

        probes.append(dangling)
    return probes


def _malformed(op: OperationSpec) -> tuple[bytes, str] | None:
    """A body that does not parse as the operation's media type, with its ``Content-Type``;
    None for a urlencoded form, where any bytes parse (as fields the model then refuses)."""
    if op.body_media_type == "multipart/form-data":
        return b"--synth-boundary\r\nContent-Disposition: form-data; na", (
            "multipart/form-data; boundary=synth-boundary"
        )
    if op.form:
        return None
    return b'{"unterminated": ', "application/json"


def _probes(ctx: Context) -> Iterator[Exchange]:
    """Requests that should draw errors from ``op``: no token, unknown ids, bad input, ...

    Each is sent as the caller asks for its answer, so a check that fails on one sends no more
    (everything is drawn before the first is sent). After a check's first example they go
    together (``Context.together``), in two batches: those drawn before the one request that
    should succeed (the last below), that one alone, then the rest. On a correct server a
    refused request changes nothing, so each batch sees the state the same probes one after
    another would, and the order drawn still decides which of them meet what that request
    changed (a deleted item's 404, a new ETag)."""
    op = ctx.op
    item_params = ctx.acted_on(ctx.a, ctx.op)
    body = ctx.body(op) if op.body is not None else NO_BODY
    probes: list[Callable[[], Request]] = [
        lambda: ctx.build(None, op, item_params, body=body),
        lambda: ctx.build(ctx.a, op, item_params, body=body, token="synth-not-a-token"),
    ]
    for param in ctx.graph.parents(op) or []:
        # An id the parameter's schema accepts but no item has, and one meant to be malformed.
        for value in (nowhere_value(ctx, op, param.param), "not-an-id"):
            if value is None:
                continue
            params = {**item_params, param.param: value}
            probes.append(functools.partial(ctx.build, ctx.a, op, params, body=body))
    if op.body is not None and op.body_schema is not None:
        mutations = ctx.schemas.mutations(op.body_schema, op.body, body, op)
        if mutations:
            mutation = ctx.choose(mutations, "invalid body")
            probes.append(lambda: ctx.build(ctx.a, op, item_params, body=mutation.body))
        malformed = _malformed(op)
        if malformed is not None:
            raw, kind = malformed
            probes.append(lambda: ctx.build(ctx.a, op, item_params, raw=raw,
                                            headers={"Content-Type": kind}))  # fmt: skip
    probes += _semantic_probes(ctx, item_params, body)
    probes += _dangling_references(ctx, item_params, body)
    # Tenant B sending the operation to A's item, where that cannot change an item of B's own:
    # where ids are unique only within a tenant, A's item's path may name one of B's, which a
    # PATCH, DELETE or action there would change (the kanban example's DELETE of B's own
    # workspaces, answered 204). The TEN-* checks send such requests only after B read the
    # path and found nothing of its own there.
    if (
        len(ctx.target.tenants) > 1
        and ctx.graph.parents(op)
        and (op.method in ("GET", "HEAD") or not may_collide(op, item_params))
    ):
        probes.append(lambda: ctx.build(ctx.b, op, item_params, body=body))
    if len(ctx.target.tenants) > 1 and ctx.graph.tenant_in_path(op):
        # A's credentials with B's id in the tenant path parameter: refused, and as declared.
        other = ctx.target.tenant_id(ctx.b)
        probes.append(lambda: ctx.build(ctx.a, op, item_params, body=body, tenant_id=other))
    probes.append(lambda: ctx.build(ctx.a, op, item_params, body=body))
    order = ctx.draw(st.permutations(range(len(probes))), "probe order")
    at = order.index(len(probes) - 1)
    for batch in (order[:at], order[at : at + 1], order[at + 1 :]):
        yield from ctx.together([probes[index] for index in batch])


def _errors(ctx: Context) -> Iterator[Exchange]:
    """The probes' error answers, each as it comes (a check stops at the first it refuses).

    An operation no probe can make fail (a public one without input) gives none: its check
    passes having judged nothing. It is not marked unexercised: whether such an operation
    declares ERR-PROBLEM and ERR-DECLARED at all is for the catalogue to say.
    """
    return (answer for answer in _probes(ctx) if answer.status >= 400)


def _not_a_problem(ctx: Context, answer: Exchange) -> tuple[str, str] | None:
    """What ERR-PROBLEM expected of ``answer`` and what came, or None where it holds."""
    for rule in _PROBLEM:
        wrong = rule(answer.status, answer.content_type, answer.json)
        if wrong is not None:
            return wrong, brief(answer)
    return None


def _undeclared(ctx: Context, answer: Exchange) -> tuple[str, str] | None:
    """What ERR-DECLARED expected of ``answer`` and what came, or None where it holds."""
    allowed = {(e.status, e.code) for e in ctx.op.errors}
    wrong = problems.declared(answer.status, answer.code, allowed)
    if wrong is None:
        return None
    return wrong, f"({answer.status}, {answer.code!r}) {brief(answer)}"


_RULES = {"ERR-PROBLEM": _not_a_problem, "ERR-DECLARED": _undeclared}


def _judge(ctx: Context, invariant: str) -> None:
    """``invariant``'s rule on each error answer; its twin's (the other check sending the same
    probes: ``_twins``) judged too, a failure of it noted for the run, not raised."""
    twin = TWINS[invariant]
    for answer in _errors(ctx):
        if _RULES[twin](ctx, answer) is not None:
            ctx.target.twin_failed.add((twin, ctx.op.operation_id))
        wrong = _RULES[invariant](ctx, answer)
        if wrong is not None:
            ctx.fail(*wrong, answer)


@implements("ERR-PROBLEM")
def problem(ctx: Context) -> None:
    _judge(ctx, "ERR-PROBLEM")


@implements("ERR-DECLARED")
def declared_only(ctx: Context) -> None:
    _judge(ctx, "ERR-DECLARED")


@implements("ERR-VALIDATION")
def validation(ctx: Context) -> None:
    op = ctx.op
    params = ctx.acted_on(ctx.a, ctx.op)
    cases = _invalid_inputs(ctx, params)
    if not cases:
        ctx.unexercised(f"found no input of {op.operation_id} to make invalid")
        return
    status = declared(op, "validation_failed")
    chosen = ctx.choose(cases, "invalid input")
    # Unknown keys in a closed body, at the top and nested, on every example and first: one
    # request each, and a server that ignores them accepts every other case here (drawn among
    # many); one that names no field in its errors shows it there as well. Then the drawn case.
    probes = [*_unknown_keys(ctx, params), chosen]
    # One step past each declared bound, every one of them once in the run: an off-by-one
    # sits at exactly one value, which a drawn case seldom is.
    key = (ctx.invariant, op.operation_id)
    edges = key not in ctx.target.edges_judged
    if edges:
        probes += [(f"{description} (one step past the bound)", field, in_path, build, bound)
                   for description, field, in_path, build, bound in cases if bound]  # fmt: skip
    # Each should be refused and change nothing, so after the check's first example they go
    # together (``Context.together``): one round trip an example instead of one a probe.
    # Judged in this order all the same; a server that accepts one may answer the others as
    # a changed item's, and the runs that confirm a violation send one at a time.
    answers = ctx.together([build for *_, build, _ in probes])
    for (description, field, in_path, _, _), answer in zip(probes, answers, strict=True):
        _refused(ctx, status, description, field, in_path, answer)
    if edges:
        ctx.target.edges_judged.add(key)


def _refused(  # noqa: PLR0917 (what was sent and what came back)
    ctx: Context, status: int | None, description: str, field: str | None, in_path: bool,
    answer: Exchange,
) -> None:  # fmt: skip
    """``answer`` to invalid input is the declared validation error naming ``field``."""
    op = ctx.op
    if in_path and _names_nothing(op, answer):
        # A malformed id names no item: the declared 404 is as right as the validation error.
        return
    if _bad_cursor(op, field, in_path, answer):
        # Any cursor the server did not mint is one it cannot resume from (PAGE-CURSOR).
        return
    if answer.status != status or answer.code != "validation_failed":
        expected = f"{status} 'validation_failed'" + (" or a declared 404" if in_path else "")
        ctx.fail(f"{description} to get {expected}", brief(answer), answer)
    if field is None:
        return
    errors = answer.json.get("errors") if isinstance(answer.json, dict) else None
    named = isinstance(errors, list) and any(
        isinstance(e, dict) and isinstance(e.get("loc"), list) and field in e["loc"] for e in errors
    )
    if not named:
        ctx.fail(
            f"{description}: an 'errors' entry whose loc names {field!r}", brief(answer), answer
        )


def _unknown_keys(ctx: Context, params: dict[str, str]) -> list[_Case]:
    """The body with an unknown key in each closed object (``Schemas.unknown_keys``)."""
    op = ctx.op
    if op.body is None or op.body_schema is None:
        return []
    body = ctx.body(op)
    query = _valid_query(ctx, op)
    return [
        (m.description, m.field, False,
         functools.partial(ctx.build, ctx.a, op, params, body=m.body, query=query), False)
        for m in ctx.schemas.unknown_keys(op.body_schema, op.body, body, op)
    ]  # fmt: skip


# What is wrong, the field that should be named, whether it is in the path, the request (built,
# not sent: ``Context.together`` sends it), and whether it is one step past a declared bound.
_Case = tuple[str, str | None, bool, Callable[[], Request], bool]


def _invalid_inputs(ctx: Context, params: dict[str, str]) -> list[_Case]:
    """Requests to ``ctx.op`` with one schema-invalid part: the body, a query or path parameter,
    or a required query parameter left out. Every other part is valid: the required query
    parameters not under test carry a value their schema accepts."""
    op = ctx.op
    cases: list[_Case] = []
    body = ctx.body(op) if op.body is not None else NO_BODY
    query = _valid_query(ctx, op)
    if op.body is not None and op.body_schema is not None:
        for m in ctx.schemas.mutations(op.body_schema, op.body, body, op):
            build = functools.partial(ctx.build, ctx.a, op, params, body=m.body, query=query)
            cases.append((m.description, m.field, False, build, False))
        for b in body_bounds(ctx, body):
            if b.outside is not None:
                value = b.outside[b.field]
                build = functools.partial(ctx.build, ctx.a, op, params, body=b.outside, query=query)
                cases.append((f"{b.field}: {_shown(value)}, past its {b.what}", b.field, False,
                              build, True))  # fmt: skip
    for param in op.params:
        in_path = param.location == "path"
        if param.location != "query" and not in_path:
            continue
        where = "{" + param.name + "}" if in_path else param.name
        if param.location == "query" and param.required:
            rest = {k: v for k, v in query.items() if k != param.name}
            build = functools.partial(ctx.build, ctx.a, op, params, query=rest, body=body)
            cases.append((f"{where}: required, left out", param.name, False, build, False))
        for description, value, bound in _bad_values(ctx, param.schema):
            if ctx.target.nowhere.accepts(param, value):
                continue  # the contract's own type takes it: not invalid after all
            if in_path:
                bad = {**params, param.name: value}
                build = functools.partial(ctx.build, ctx.a, op, bad, body=body, query=query)
                if param.name == ctx.api.tenant_param:
                    # Else the acting tenant's own id would replace the malformed one.
                    build = functools.partial(build, tenant_id=value)
            else:
                build = functools.partial(ctx.build, ctx.a, op, params,
                                          query={**query, param.name: value}, body=body)  # fmt: skip
            cases.append((f"{where}: {description}", param.name, in_path, build, bound))
    return cases


def _shown(value: Any) -> str:
    """A value as a message shows it: long text and lists by their size."""
    if isinstance(value, str) and len(value) > 40:
        return f"{len(value)} characters"
    if isinstance(value, list):
        return f"{len(value)} items"
    return repr(value)


def _valid_query(ctx: Context, op: OperationSpec) -> dict[str, str]:
    """A value for each required query parameter of ``op`` that its schema and type accept."""
    query: dict[str, str] = {}
    for param in op.params:
        if param.location == "query" and param.required:
            strategy = (
                ctx.schemas.strategy(param.schema)
                .map(_query_text)
                .filter(functools.partial(ctx.target.nowhere.accepts, param))
            )
            query[param.name] = ctx.draw(strategy, f"{param.name} (valid)")
    return query


def _query_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _bad_cursor(op: OperationSpec, field: str | None, in_path: bool, answer: Exchange) -> bool:
    """A malformed cursor answered with the declared ``invalid_cursor``."""
    return (
        not in_path
        and op.pagination is not None
        and field == op.pagination.cursor_param
        and answer.code == "invalid_cursor"
        and answer.status == declared(op, "invalid_cursor")
    )


def _names_nothing(op: OperationSpec, answer: Exchange) -> bool:
    return answer.status == 404 and any(
        e.status == 404 and e.code == answer.code for e in op.errors
    )


def _bad_values(ctx: Context, schema: Any) -> list[tuple[str, str, bool]]:
    """Values that break ``schema``, each with what it breaks and whether it is one step past
    a declared bound (for a query or path parameter).

    What ``_constrained`` in ``synth.catalogue`` counts as a constraint, each varied here: the
    two must agree, or a declared check is planned with nothing to send.
    """
    schema = ctx.schemas.resolve(schema)
    out: list[tuple[str, str, bool]] = []
    if schema.get("format") == "uuid":
        out.append(("not a UUID", "not-a-uuid", False))
    if schema.get("format") == "email":
        out.append(("not an e-mail address", "synth-not-an-address", False))
    if schema.get("type") == "boolean":
        out.append(("not a boolean", "synth", False))
    if schema.get("type") in ("integer", "number"):
        kind = "not an integer" if schema["type"] == "integer" else "not a number"
        out.append((kind, "synth", False))
        if "minimum" in schema:
            out.append((f"below minimum {schema['minimum']}", str(schema["minimum"] - 1), True))
        if "maximum" in schema:
            out.append((f"above maximum {schema['maximum']}", str(schema["maximum"] + 1), True))
        if "exclusiveMinimum" in schema:
            low = schema["exclusiveMinimum"]
            out.append((f"not above {low}", str(low), True))
        if "exclusiveMaximum" in schema:
            high = schema["exclusiveMaximum"]
            out.append((f"not below {high}", str(high), True))
    if "enum" in schema:
        out.append(("not one of the enum values", "synth-not-a-member", False))
    if isinstance(schema.get("pattern"), str):
        out.append((f"not matching {schema['pattern']}", "!! NOT VALID !!", False))
    if isinstance(schema.get("minLength"), int) and schema["minLength"] > 0:
        minimum = schema["minLength"]
        out.append((f"shorter than minLength {minimum}", "x" * (minimum - 1), True))
    if isinstance(schema.get("maxLength"), int):
        most = schema["maxLength"]
        out.append((f"longer than maxLength {most}", "x" * (most + 1), True))
    return out


@implements("VAL-BOUND")
def at_bound(ctx: Context) -> None:
    """Each declared bound of the body, sent exactly at the line (one field at a time, the
    rest of the body valid): accepted, answered and read back as sent. Every bound once in
    the run (each example until one passes), then one drawn bound in each example."""
    op = ctx.op
    params = ctx.acted_on(ctx.a, ctx.op)
    body = ctx.body(op)
    bounds = body_bounds(ctx, body)
    cases = [b for b in bounds if b.at is not None]
    # The bounds no value was made at, for the run's summary ("" once one was, in any example).
    unsent = ctx.target.unsent_bounds.setdefault(op.operation_id, {})
    for b in bounds:
        named = f"{b.field} {b.what}"
        unsent[named] = "" if b.at is not None else unsent.get(named, b.why_not_at)
    if not cases:
        ctx.unexercised(f"found no declared bound of {op.operation_id}'s body that a value "
                        "the contract accepts can be sent at")  # fmt: skip
        return
    # Drawn in every example, so that what an example draws does not depend on the run.
    drawn = ctx.choose(cases, "bound")
    if (ctx.invariant, op.operation_id) in ctx.target.edges_judged:
        cases = [drawn]
    judged = [_at_the_line(ctx, params, b) for b in cases]
    if not any(judged):
        ctx.unexercised(f"every value at a bound met a declared error of {op.operation_id}")
    ctx.target.edges_judged.add((ctx.invariant, op.operation_id))


def _at_the_line(ctx: Context, params: dict[str, str], bound: Bound) -> bool:
    """Send ``bound.at``; whether the server's answer could be judged (a declared conflict or
    state error, not about the field, cannot)."""
    op = ctx.op
    value = bound.at[bound.field]
    what = f"{bound.field} at its {bound.what} ({_shown(value)})"
    answer = ctx.send(ctx.a, op, params, body=bound.at)
    if not (answer.status == op.status or (answer.ok and op.status // 100 == 2)):
        declared_error = (answer.status, answer.code) in {(e.status, e.code) for e in op.errors}
        # An item's state may refuse an enum member (a transition), which no schema says.
        state = ctx.graph.is_item_op(op) and bound.what.startswith("enum")
        refused = declared_error and 400 <= answer.status < 500
        if refused and (answer.code != "validation_failed" or state):
            return False
        ctx.fail(f"{what} to be accepted ({op.status})", brief(answer), answer)
    item = answer.json
    if not ctx.graph.is_item_op(op) and isinstance(item, dict):
        ctx.remember(ctx.a, op, params, item)
    sent = answer.request.json_body
    if not isinstance(sent, dict) or sent.get(bound.field) != value:
        return True  # the runtime rewrote the field on the way: nothing sent to compare
    if isinstance(item, dict) and bound.field in item and not equal(value, item[bound.field]):
        ctx.fail(f"{what} to be answered as sent", f"{bound.field}: "
                 f"{_shown(item[bound.field])}", answer)  # fmt: skip
    read, held, reader = _read_back(ctx, params, item)
    if read is None:
        return True
    stored = held.get(bound.field)
    if bound.field in held and not equal(value, stored):
        ctx.fail(f"{what} to be stored as sent (read back by {reader})",
                 f"{bound.field}: {_shown(stored)}", read)  # fmt: skip
    return True


def _read_back(
    ctx: Context, params: dict[str, str], item: Any
) -> tuple[Exchange | None, dict[str, Any], str]:
    """The item ``ctx.op`` wrote, read back by its GET, or else found in its list (a walk
    until it is found): the answer holding it, the item as it holds it, and the operation."""
    op = ctx.op
    reader = ctx.graph.op("GET", op.path) if ctx.graph.is_item_op(op) else ctx.graph.reader(op)
    read_params: dict[str, str] | None = params if ctx.graph.is_item_op(op) else None
    if reader is not None and read_params is None and isinstance(item, dict):
        parents = ctx.graph.parents(reader) or []
        if parents and parents[-1].id_field in item:
            read_params = ctx.item_params(reader, params, item)
    if reader is not None and read_params is not None:
        read = ctx.send(ctx.a, reader, read_params)
        held = read.json if read.status == 200 and isinstance(read.json, dict) else {}
        return read, held, reader.operation_id
    lister = ctx.graph.lister_of(op) if not ctx.graph.is_item_op(op) else None
    if lister is None or lister.pagination is None or not isinstance(item, dict):
        return None, {}, ""
    wanted = ctx.item_id(lister, item, params)
    scope = Scope(ctx.a, lister, op, dict(params), {}, ctx.marker(), isolated=False)
    # The walk looks for one item by its id, the one this example made, and judges nothing
    # else: another check's write meanwhile may hide it (nothing judged) but cannot change it,
    # so it goes beside the part's other checks (``Context.beside``) rather than keep the
    # part. Kept, the CRM's `createInteraction` (no GET of one interaction) froze the
    # contacts part for 3.4 s at 50 ms, seven checks waiting 1.2 to 3.4 s each for it.
    ctx.beside(scope)
    walk = ctx.walk(scope, limit=lister.pagination.limit.max, until={wanted})
    for page in walk.pages:
        for entry in items_of(lister.pagination, page) or []:
            if isinstance(entry, dict) and ctx.item_id(lister, entry, params) == wanted:
                return page, entry, lister.operation_id
    return None, {}, ""
