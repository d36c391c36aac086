"""``rate_limit=``: the nearest declaration (operation, resource, Api) checked and resolved."""

from __future__ import annotations

import re
from typing import Any, get_args

from ..contract import Api, OperationDecl, RateLimit, RateLimitKey
from ..contract._check import kind
from ..spec import RateLimitSpec
from ._problems import Problems

__all__ = ["rate_limit"]

_WINDOW = re.compile(r"([1-9][0-9]*)\s*(s|m|h)")
_UNIT = {"s": 1, "m": 60, "h": 3600}
# A structured-field string (RFC 9651 sf-string) without the characters that need escaping.
_NAME = re.compile(r"[ !#-\[\]-~]+")
_EXAMPLE = 'rate_limit=RateLimit(limit=20, window="10s", key="tenant")'


def rate_limit(
    decl: OperationDecl, api: Api, tenant: bool, problems: Problems, reported: set[int]
) -> RateLimitSpec | None:
    """The operation's limit: its own, else its resource's (already in ``decl``), else the
    Api's. A wrong declaration is reported once (``reported`` holds those already reported)
    and then taken as no limit."""
    given: Any = decl.rate_limit if decl.rate_limit is not None else api.rate_limit
    if given is None:
        return None
    if not isinstance(given, RateLimit):
        if id(given) not in reported:
            reported.add(id(given))
            problems.add(
                decl.location,
                f"{decl.name}: rate_limit={given!r} is {kind(given)}, not a RateLimit",
                f"pass {_EXAMPLE} (RateLimit from synth.contract)",
            )
        return None
    spec = _resolve(given, problems, reported)
    if spec is not None and spec.key == "tenant" and not tenant:
        problems.add(
            decl.location,
            f"{decl.name}: a rate limit keyed by tenant on an operation that is not "
            "tenant-scoped, whose callers have no tenant",
            'key it by the caller\'s address (key="ip") or make the operation tenant-scoped',
        )
        return None
    return spec


def _resolve(limit: RateLimit, problems: Problems, reported: set[int]) -> RateLimitSpec | None:
    mistakes: list[tuple[str, str]] = []
    if isinstance(limit.limit, bool) or not isinstance(limit.limit, int) or limit.limit < 1:
        mistakes.append((f"limit={limit.limit!r} is not a whole number of requests >= 1",
                         "e.g. limit=20"))  # fmt: skip
    window = _seconds(limit.window)
    if window is None:
        mistakes.append((
            f"window={limit.window!r} is not a whole number of seconds >= 1",
            'write seconds as a number (window=10) or text: "10s", "1m", "1h"',
        ))  # fmt: skip
    if limit.key not in get_args(RateLimitKey):
        mistakes.append((f"key={limit.key!r} is not one of {', '.join(get_args(RateLimitKey))}",
                         'key="tenant" (per tenant), "token" (per credential) or "ip"'))  # fmt: skip
    name = limit.name
    if name is not None and not (isinstance(name, str) and _NAME.fullmatch(name)):
        mistakes.append((
            f"name={name!r} is not printable ASCII text without quotes or backslashes",
            'the policy name goes into the RateLimit header as a quoted string: name="burst"',
        ))  # fmt: skip
    if mistakes:
        if id(limit) not in reported:
            reported.add(id(limit))
            for message, hint in mistakes:
                problems.add(limit.location, f"RateLimit(...): {message}", hint)
        return None
    assert window is not None
    return RateLimitSpec(
        limit=limit.limit,
        window=window,
        key=limit.key,
        name=name if name is not None else f"{limit.limit}-per-{window}s",
    )


def _seconds(window: Any) -> int | None:
    if isinstance(window, int) and not isinstance(window, bool):
        return window if window >= 1 else None
    if isinstance(window, str) and (found := _WINDOW.fullmatch(window.strip())):
        return int(found.group(1)) * _UNIT[found.group(2)]
    return None
