"""The Idempotency-Key protocol: records keyed by (tenant, key) with a request fingerprint.

The in-flight row is inserted before any work starts, in one step with the lookup, so a
concurrent request with the same key finds it and gets 409 ``idempotency_key_in_use``. Only
successful results are stored; an error answer releases the key, so a corrected retry runs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping

import anyio
from starlette.responses import Response

from ._problems import ApiError
from ._store import Store

__all__ = ["REPLAYED", "fingerprint", "run_idempotent"]

REPLAYED = "Idempotent-Replayed"
_STORED_HEADERS = ("content-type", "etag", "location")


def fingerprint(method: str, path: str, body: bytes) -> str:
    """Method, path and canonical JSON body (keys sorted, no whitespace)."""
    canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def _replay(status: int, body: bytes, headers: Mapping[str, str]) -> Response:
    response = Response(body, status_code=status)
    # Response() sets content-length from the body; the stored headers say the rest.
    for name, value in headers.items():
        response.headers[name] = value
    response.headers[REPLAYED] = "true"
    return response


async def run_idempotent(
    store: Store,
    tenant: str,
    key: str,
    fp: str,
    work: Callable[[], Response],
    *,
    delay: float,
    bugs: frozenset[str],
) -> Response:
    """Replay, refuse or run ``work`` (synchronous, so atomic) under the key."""
    scope = "" if "idem-global-keys" in bugs else tenant
    record = store.idem_get(scope, key)
    if record is not None:
        if record.fingerprint != fp and "idem-ignore-fingerprint" not in bugs:
            raise ApiError(
                "idempotency_key_reused",
                "This Idempotency-Key was used with a different request.",
            )
        if record.state == "in_flight":
            raise ApiError(
                "idempotency_key_in_use",
                "A request with this Idempotency-Key is still being processed.",
                headers={"Retry-After": "1"},
            )
        if "idem-no-replay" not in bugs:
            assert record.status is not None
            assert record.body is not None
            return _replay(record.status, record.body, record.headers)
    elif "idem-no-lock" not in bugs and not store.idem_begin(scope, key, fp):
        raise ApiError(  # pragma: no cover - lookup and insert run without a yield in between
            "idempotency_key_in_use",
            "A request with this Idempotency-Key is still being processed.",
        )
    try:
        await anyio.sleep(delay)
        response = work()
    except BaseException:
        if "idem-no-lock" not in bugs:
            store.idem_release(scope, key)
        raise
    if 200 <= response.status_code < 300:
        headers = {
            name: value for name, value in response.headers.items() if name in _STORED_HEADERS
        }
        store.idem_finish(
            scope, key, fp, status=response.status_code, body=bytes(response.body), headers=headers
        )
    elif "idem-no-lock" not in bugs:
        store.idem_release(scope, key)
    return response


async def run_unkeyed(work: Callable[[], Response], *, delay: float) -> Response:
    """idem-key-optional: the create runs with no key at all."""
    await anyio.sleep(delay)
    return work()
