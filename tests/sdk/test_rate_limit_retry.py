"""The Python SDK sends a request refused with 429 again after its Retry-After, a bounded
number of times, then lets the 429 raise ``RateLimited``."""

from __future__ import annotations

import asyncio
import uuid
from types import ModuleType

import httpx
import pytest

JOB = {
    "id": str(uuid.uuid4()), "kind": "export_contacts", "status": "queued", "attempts": 0,
    "max_attempts": 3, "last_error": None, "created_at": "2024-05-01T12:00:00Z",
    "updated_at": "2024-05-01T12:00:00Z",
}  # fmt: skip
PROBLEM = {"type": "https://synth.dev/errors/rate_limited", "title": "Rate limited",
           "status": 429, "code": "rate_limited"}  # fmt: skip


def _server(refusals: int, calls: list[httpx.Request]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) <= refusals:
            return httpx.Response(429, json=PROBLEM, headers={
                "content-type": "application/problem+json", "retry-after": "0"})  # fmt: skip
        return httpx.Response(200, json=JOB)

    return httpx.MockTransport(handler)


@pytest.mark.parametrize(("refusals", "served"), [(0, True), (2, True), (3, False)])
def test_sync_client_waits_out_429(sdk: ModuleType, refusals: int, served: bool) -> None:
    calls: list[httpx.Request] = []
    with sdk.Client("http://api.test", "t", transport=_server(refusals, calls)) as client:
        if served:
            assert str(client.get_job(JOB["id"]).id) == JOB["id"]
        else:
            with pytest.raises(sdk.RateLimited):
                client.get_job(JOB["id"])
    assert len(calls) == min(refusals, 2) + 1


def test_retries_can_be_turned_off(sdk: ModuleType) -> None:
    calls: list[httpx.Request] = []
    transport = _server(1, calls)
    client = sdk.Client("http://api.test", "t", transport=transport, rate_limit_retries=0)
    with client, pytest.raises(sdk.RateLimited):
        client.get_job(JOB["id"])
    assert len(calls) == 1


def test_async_client_waits_out_429(sdk: ModuleType) -> None:
    calls: list[httpx.Request] = []

    async def run() -> str:
        async with sdk.AsyncClient("http://api.test", "t", transport=_server(1, calls)) as client:
            return str((await client.get_job(JOB["id"])).id)

    assert asyncio.run(run()) == JOB["id"]
    assert len(calls) == 2


def test_retry_after_is_read_and_capped(sdk: ModuleType) -> None:
    runtime = __import__(f"{sdk.__name__}._runtime", fromlist=["retry_after"])

    def delay(status: int, value: str | None) -> float | None:
        headers = {"retry-after": value} if value is not None else {}
        return runtime.retry_after(httpx.Response(status, headers=headers))  # type: ignore[no-any-return]

    assert delay(200, "5") is None
    assert delay(429, "5") == 5.0
    assert delay(429, "3600") == runtime.MAX_RETRY_AFTER
    assert delay(429, None) == 1.0
    assert delay(429, "Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
