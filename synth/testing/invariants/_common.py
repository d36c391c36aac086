"""Helpers the checks share: declared errors, comparisons, normalisation, counting."""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ...spec import ApiSpec, OperationSpec, OrderKey, ParamSpec
from .._context import NO_BODY, Context, Scope, brief
from .._http import Exchange
from .._nowhere import NoValue
from .._violation import CannotCheck, NoExample

__all__ = [
    "declared",
    "expect_error",
    "fresh_id",
    "normalize",
    "nowhere_answer",
    "nowhere_tenant",
    "nowhere_value",
    "order_value",
    "same_fields",
]

_UUID = re.compile(
    r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
)
_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))?"
)


def declared(op: OperationSpec, code: str) -> int | None:
    """The status ``op`` declares for error ``code``, or None when it does not declare it."""
    for entry in op.errors:
        if entry.code == code:
            return entry.status
    return None


def expect_error(ctx: Context, exchange: Exchange, op: OperationSpec, code: str, why: str) -> None:
    """``exchange`` must be the declared ``code`` with its status."""
    status = declared(op, code)
    if status is None:
        return
    if exchange.status != status or exchange.code != code:
        ctx.fail(f"{why}: {status} {code!r}", brief(exchange), exchange)


def fresh_id() -> str:
    return str(uuid.uuid4())


# Candidates read before an example is set aside because every one of them exists.
_TRIES = 5


def may_collide(op: OperationSpec, params: Mapping[str, str] | None = None) -> bool:
    """Whether an id in ``op``'s path (those ``params`` names; every one where None) may also
    name an item of another tenant's: ids unique only within a tenant or a parent (numbers
    counted from 1 in each, codes each tenant picks) do; a UUID does not."""
    return any((params is None or p.name in params) and p.schema.get("format") != "uuid"
               for p in op.path_params)  # fmt: skip


def nowhere_answer(
    ctx: Context,
    op: OperationSpec,
    params: Mapping[str, str],
    name: str,
    body: Any = NO_BODY,
) -> tuple[str, Exchange]:
    """A value for ``op``'s path parameter ``name`` that its schema accepts and no item has,
    and tenant B's answer to ``op`` (with ``body``) with it in the path.

    A fresh random UUID, which no item can hold, is sent at once; only when the answer is not
    ``op``'s not-found answer is the item's reader asked (as tenant B, then A) whether the
    server knows the id, and a known one replaced. Any other candidate is read first with
    the reader, so the trace shows it, and one found is replaced; where ``op`` is that reader,
    B's read is the answer. Raises ``CannotCheck`` when the schema admits no value to try,
    ``NoExample`` when every candidate tried was found.
    """
    param = _path_param(op, name)
    if param is None:
        absent = fresh_id()
        return absent, ctx.send(ctx.b, op, {**params, name: absent}, body=body)
    reader, reader_params = _reader(ctx, op, params, name)
    fresh = ctx.target.nowhere.fresh(param)
    gone = declared(op, "not_found") or 404
    tried: list[str] = []
    try:
        for value in itertools.islice(ctx.target.nowhere.candidates(param, ctx.draw), _TRIES):
            at = {**params, name: value}
            answer = ctx.send(ctx.b, op, at, body=body) if fresh or reader is None else None
            if answer is not None and (reader is None or answer.status == gone):
                return value, answer
            assert reader is not None
            found, probe = _found(ctx, reader, {**reader_params, name: value}, (ctx.b, ctx.a))
            if found is None:
                if answer is None:
                    own = reader is op and body is NO_BODY and {**reader_params, name: value} == at
                    answer = (
                        probe if own and probe is not None else ctx.send(ctx.b, op, at, body=body)
                    )
                return value, answer
            tried.append(f"{value} ({found})")
    except NoValue as no:
        raise CannotCheck(f"no id that exists nowhere to compare with: {no}") from None
    raise NoExample(f"every {name} drawn for an id that exists nowhere was found: "
                       + "; ".join(tried))  # fmt: skip


def nowhere_tenant(ctx: Context, op: OperationSpec) -> str:
    """A value of the tenant path parameter that its schema accepts and no tenant has.

    Never a ``--tenant-id`` of the run; where the API reads one tenant (``GET /orgs/{org_id}``),
    each candidate is read first as both tenants, and one either of them can read is replaced.
    Raises ``CannotCheck`` when the schema admits no value, ``NoExample`` when every
    candidate tried was known.
    """
    name = ctx.api.tenant_param
    param = _path_param(op, name) if name is not None else None
    if name is None or param is None:
        raise CannotCheck(f"{op.operation_id} has no tenant path parameter")
    known = {t.tenant_id for t in ctx.target.config.tenants}
    reader = next((o for o in ctx.api.operations if o.method == "GET" and o.pagination is None
                   and o.path.rstrip("/").endswith("/{" + name + "}")), None)  # fmt: skip
    tried: list[str] = []
    try:
        for value in itertools.islice(ctx.target.nowhere.candidates(param, ctx.draw), _TRIES):
            if value in known:
                tried.append(f"{value} (a --tenant-id)")
                continue
            seen = [] if reader is None else [
                t for t in dict.fromkeys((ctx.a, ctx.b))
                if ctx.send(t, reader, {}, tenant_id=value).ok
            ]  # fmt: skip
            if not seen:
                return value
            tried.append(f"{value} (tenant {seen[0]} read it)")
    except NoValue as no:
        raise CannotCheck(f"no {name} that exists nowhere to compare with: {no}") from None
    raise NoExample(f"every {name} drawn for a tenant that exists nowhere was known: "
                    + "; ".join(tried))  # fmt: skip


def nowhere_value(ctx: Context, op: OperationSpec, name: str) -> str | None:
    """A value ``op``'s path parameter ``name`` accepts, unconfirmed; None if none is found."""
    param = _path_param(op, name)
    if param is None:
        return fresh_id()
    try:
        return next(ctx.target.nowhere.candidates(param, ctx.draw), None)
    except (NoValue, NoExample):
        return None


def _path_param(op: OperationSpec, name: str) -> ParamSpec | None:
    return next((p for p in op.params if p.location == "path" and p.name == name), None)


def _reader(
    ctx: Context, op: OperationSpec, params: Mapping[str, str], name: str
) -> tuple[OperationSpec | None, dict[str, str]]:
    """The reader of the item ``op``'s ``name`` names, and its other path parameters."""
    parent = next((p for p in ctx.graph.parents(op) or [] if p.param == name), None)
    reader = ctx.graph.reader(parent.create) if parent is not None else None
    chain = ctx.graph.parents(reader) if reader is not None else None
    if reader is None or not chain or chain[-1].param != name:
        return None, {}
    outer = [p.param for p in chain[:-1]]
    if not all(p in params for p in outer):
        return None, {}
    return reader, {p: params[p] for p in outer}


def _found(
    ctx: Context, reader: OperationSpec, params: Mapping[str, str], tenants: Sequence[str]
) -> tuple[str | None, Exchange | None]:
    """Why the item at ``params`` is not known to exist nowhere (None when no tenant of
    ``tenants`` found it), and the first tenant's answer."""
    gone = declared(reader, "not_found") or 404
    first: Exchange | None = None
    for tenant in dict.fromkeys(tenants):
        answer = ctx.send(tenant, reader, params)
        first = first or answer
        if answer.status != gone:
            return f"tenant {tenant} read it: {answer.status}, not {gone}", first
    return None, first


def same_fields(item: Mapping[str, Any], body: Any) -> bool:
    """Whether ``item`` carries every field of the request ``body`` it shares, unchanged."""
    if not isinstance(body, Mapping):
        return True
    return all(item[k] == v for k, v in body.items() if k in item)


def order_value(value: Any) -> tuple[int, Any] | None:
    """A comparable form of an order key's value; date-times compare as instants."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return (1, value)
    if isinstance(value, str):
        match = _TIME.fullmatch(value)
        if match:
            return (0, _instant(match))
        return (2, value.lower() if _UUID.fullmatch(value) else value)
    return None


def _instant(m: re.Match[str]) -> tuple[int, int]:
    """Seconds and microseconds since 0001-01-01 UTC, without datetime's year range limits."""
    import datetime

    y, mo, d, h, mi, s = (int(m.group(i)) for i in range(1, 7))
    days = datetime.date(y, mo, d).toordinal()
    seconds = days * 86400 + h * 3600 + mi * 60 + s
    if m.group(9):
        offset = int(m.group(10)) * 3600 + int(m.group(11)) * 60
        seconds -= offset if m.group(9) == "+" else -offset
    fraction = (m.group(7) or ".0")[1:]
    micros = int((fraction + "000000")[:6])
    return (seconds, micros)


def precedes(
    first: Mapping[str, Any],
    second: Mapping[str, Any],
    op: OperationSpec,
    order: Sequence[OrderKey] = (),
) -> bool | None:
    """Whether ``first`` comes strictly before ``second`` in ``order`` (by default ``op``'s
    declared order)."""
    assert op.pagination is not None
    for key in order or op.pagination.order:
        a, b = order_value(first.get(key.field)), order_value(second.get(key.field))
        if a is None or b is None:
            return None
        if a == b:
            continue
        return (a > b) if key.descending else (a < b)
    return False  # every key equal: the tie-breaker did not break the tie


def cursor_fields(api: ApiSpec) -> frozenset[str]:
    """The names under which the API's pages and list parameters carry server-made tokens
    (cursor and page_token styles); ids, offsets and page numbers are no tokens."""
    return frozenset(
        name
        for op in api.operations
        if op.pagination is not None and op.pagination.opaque
        for name in (op.pagination.next_field, op.pagination.cursor_param)
        if name
    )


def normalize(
    value: Any, markers: Iterable[str], assigned: Iterable[str] = (), *, cursors: Iterable[str]
) -> Any:
    """``value`` with what legitimately differs between two runs replaced by placeholders.

    Generated ids, timestamps, cursors and run markers differ; ``assigned`` names fields the
    server fills in itself (in the response model, not the request), whose values are
    compared by type only.
    """
    marks = sorted(markers, key=len, reverse=True)
    skip = set(assigned)
    cursor_keys = frozenset(cursors)

    def walk(v: Any, key: str | None = None) -> Any:
        if key in skip:
            return f"<{type(v).__name__}>"
        if isinstance(v, dict):
            return {k: walk(x, k) for k, x in sorted(v.items()) if k != "instance"}
        if isinstance(v, list | tuple):
            return [walk(x) for x in v]
        if isinstance(v, str):
            if key in cursor_keys:
                return "<cursor>"
            for mark in marks:
                v = _unmark(v, mark)
            v = _UUID.sub("<uuid>", v)
            return _TIME.sub("<time>", v)
        return v

    return walk(value)


# A mark this long (a run marker, a UUID) is replaced wherever it occurs; a shorter one (an
# integer id such as 4) only where it is the whole value or a whole path segment, or it
# would also be found inside unrelated text (the 4 of a label "A04-06").
_SUBSTRING_MARK = 8


def _unmark(value: str, mark: str) -> str:
    if value == mark:
        return "<m>"
    if len(mark) >= _SUBSTRING_MARK:
        return value.replace(mark, "<m>")
    if "/" not in value:
        return value
    return "/".join("<m>" if part == mark else part for part in value.split("/"))


def scope_count(ctx: Context, scope: Scope, body: Any) -> list[dict[str, Any]]:
    """Items now in ``scope`` that the check made: all of an isolated scope, else new matches
    (new items carrying the fields ``body`` was sent with, its references filled; where the
    scope counts by its marker, ``Context.settle``, only items carrying the marked fields)."""
    walk = ctx.walk(scope, limit=_max(scope))
    if scope.isolated:
        return walk.items
    sent = ctx.as_sent(scope.tenant, body)
    return [
        i
        for i, key in zip(walk.items, walk.ids, strict=True)
        if key not in scope.baseline
        and same_fields(i, sent)
        and all(name in i for name in scope.marked)
    ]


def _max(scope: Scope) -> int:
    assert scope.lister.pagination is not None
    return scope.lister.pagination.limit.max
