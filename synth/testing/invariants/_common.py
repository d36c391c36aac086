"""Helpers the checks share: declared errors, comparisons, normalisation, counting."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from ...spec import ApiSpec, OperationSpec
from .._context import Context, Scope, brief
from .._http import Exchange

__all__ = [
    "declared",
    "expect_error",
    "fresh_id",
    "normalize",
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


def precedes(first: Mapping[str, Any], second: Mapping[str, Any], op: OperationSpec) -> bool | None:
    """Whether ``first`` comes strictly before ``second`` in ``op``'s declared order."""
    assert op.pagination is not None
    for key in op.pagination.order:
        a, b = order_value(first.get(key.field)), order_value(second.get(key.field))
        if a is None or b is None:
            return None
        if a == b:
            continue
        return (a > b) if key.descending else (a < b)
    return False  # every key equal: the tie-breaker did not break the tie


def cursor_fields(api: ApiSpec) -> frozenset[str]:
    """The names under which the API's pages and list parameters carry cursors."""
    return frozenset(
        name
        for op in api.operations
        if op.pagination is not None
        for name in (op.pagination.next_field, op.pagination.cursor_param)
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
                v = v.replace(mark, "<m>")
            v = _UUID.sub("<uuid>", v)
            return _TIME.sub("<time>", v)
        return v

    return walk(value)


def scope_count(ctx: Context, scope: Scope, body: Any) -> list[dict[str, Any]]:
    """Items now in ``scope`` that the check made: all of an isolated scope, else new matches."""
    walk = ctx.walk(scope, limit=_max(scope))
    if scope.isolated:
        return walk.items
    return [
        i
        for i, key in zip(walk.items, walk.ids, strict=True)
        if key not in scope.baseline and same_fields(i, body)
    ]


def _max(scope: Scope) -> int:
    assert scope.lister.pagination is not None
    return scope.lister.pagination.limit.max
