"""Rate limits as the contract declares them: a fixed window per (operation, caller).

The caller is the tenant, the credential or the client address, as the limit's key says. The
window is the server's clock cut into slices of the declared length; a request past the limit
in its slice gets 429 ``rate_limited`` with ``Retry-After`` (whole seconds, rounded up) and the
``RateLimit`` / ``RateLimit-Policy`` fields of the IETF httpapi draft; a served request
carries those two fields as well.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from synth.spec import OperationSpec, RateLimitSpec

from ._problems import ApiError

__all__ = ["Limiter"]


class Limiter:
    """Counts each caller's requests to each limited operation in the current window."""

    def __init__(self, bugs: frozenset[str]) -> None:
        self.bugs = bugs
        self.lock = threading.Lock()
        # (operation, caller) -> (window number, requests served in it)
        self.counts: dict[tuple[str, str], tuple[int, int]] = {}

    def take(self, op: OperationSpec, caller: str) -> dict[str, str]:
        """Count one request of ``caller``; the headers to answer with, or the 429 raised."""
        limit = op.rate_limit
        assert limit is not None
        if "rate-shared-across-tenants" in self.bugs:
            caller = "*"  # one count for everybody
        now = time.monotonic()
        window = int(now // limit.window)
        reset = max(1, math.ceil((window + 1) * limit.window - now))
        with self.lock:
            seen, served = self.counts.get((op.operation_id, caller), (window, 0))
            if seen != window:
                served = 0
            refused = served >= limit.limit and "rate-not-enforced" not in self.bugs
            if not refused:
                served += 1
                self.counts[op.operation_id, caller] = (window, served)
        headers = _fields(limit, max(0, limit.limit - served), reset)
        if refused:
            if "rate-no-retry-after" not in self.bugs:
                headers["Retry-After"] = str(reset)
            raise ApiError(
                "rate_limited",
                f"More than {limit.limit} requests in {limit.window} s; retry after {reset} s.",
                headers=headers,
            )
        return headers


def _fields(limit: RateLimitSpec, remaining: int, reset: int) -> dict[str, str]:
    return {
        "RateLimit-Policy": limit.policy,
        "RateLimit": f'"{limit.name}";r={remaining};t={reset}',
    }


def caller(request: Request, limit: RateLimitSpec, tenant: Callable[[Request], str]) -> str:
    """Whose count a request goes to: its tenant, its credential or its client address."""
    if limit.key == "tenant":
        return tenant(request)
    if limit.key == "token":
        return request.headers.get("authorization", "")
    return request.client.host if request.client is not None else ""


def limited(
    handler: Callable[[Any, Request], Awaitable[Response]], op: OperationSpec, limiter: Limiter
) -> Callable[[Any, Request], Awaitable[Response]]:
    """``handler`` behind ``op``'s limit (a request that fails authentication is not counted)."""
    assert op.rate_limit is not None
    limit = op.rate_limit

    async def run(server: Any, request: Request) -> Response:
        headers = limiter.take(op, caller(request, limit, server.tenant))
        response = await handler(server, request)
        response.headers.update(headers)
        return response

    return run
