"""An in-process client for the reference server: httpx over ASGITransport, one app per test."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import httpx

from examples.reference_server import create_app

TOKENS = {"a": "token-a", "b": "token-b", "c": "token-c"}
BASE = "http://reference.test/api/v1"


class Client:
    """Requests as a tenant (``"a"``, ``"b"``, or None for no token)."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def req(
        self,
        method: str,
        path: str,
        tenant: str | None = "a",
        *,
        json: Any = None,
        content: bytes | None = None,
        key: str | None = None,
        headers: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
    ) -> httpx.Response:
        sent = dict(headers or {})
        if tenant is not None:
            sent["Authorization"] = f"Bearer {TOKENS[tenant]}"
        if key is not None:
            sent["Idempotency-Key"] = key
        return await self.http.request(
            method, path, json=json, content=content, headers=sent, params=params
        )

    async def contact(self, tenant: str = "a", **fields: Any) -> dict[str, Any]:
        body = {"name": "Ada Lovelace", **fields}
        response = await self.req("POST", "/contacts", tenant, json=body, key=new_key())
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def interaction(
        self, contact_id: str, tenant: str = "a", **fields: Any
    ) -> httpx.Response:
        body = {"type": "call", "occurred_at": "2024-05-01T12:00:00Z", "summary": "hi", **fields}
        return await self.req(
            "POST", f"/contacts/{contact_id}/interactions", tenant, json=body, key=new_key()
        )

    async def walk(
        self, path: str, tenant: str = "a", limit: int = 20, **params: Any
    ) -> list[dict[str, Any]]:
        """Every item of a list, page by page; asserts each page is a 200."""
        items: list[dict[str, Any]] = []
        cursor = None
        for _ in range(1000):
            query = {"limit": limit, **params}
            if cursor is not None:
                query["cursor"] = cursor
            response = await self.req("GET", path, tenant, params=query)
            assert response.status_code == 200, response.text
            page = response.json()
            items += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                return items
        raise AssertionError("the walk did not end")


def new_key() -> str:
    return f"key-{uuid.uuid4().hex}"


def run(
    scenario: Callable[[Client], Awaitable[None]],
    bugs: Iterable[str] = (),
    work_delay: float = 0.0,
) -> None:
    """Run ``scenario`` against a fresh in-process server with ``bugs`` switched on."""

    async def main() -> None:
        app = create_app(bugs=frozenset(bugs), work_delay=work_delay)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as http:
            await scenario(Client(http))

    asyncio.run(main())


def problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """Assert ``response`` is the problem+json for ``code`` and return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = dict(response.json())
    assert body["code"] == code
    assert body["status"] == status
    assert body["type"] == f"https://synth.dev/errors/{code}"
    assert body["title"]
    assert body["instance"] == response.headers["x-request-id"]
    return body
