"""The generated Python SDK, sync and async, against the reference server in-process.

One scenario runs every operation of the example API through both clients. It is written
once, as a coroutine: ``_a`` awaits what the async client returns and passes the sync
client's values through, so with the sync client the coroutine never suspends and ``_drive``
runs it without an event loop (the sync transport runs the app on its own loop).
"""

from __future__ import annotations

import asyncio
import inspect
import re
from collections.abc import Coroutine
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import httpx
import pytest

from examples.reference_server import create_app
from synth.spec import ApiSpec

from .conftest import SyncASGITransport

BASE_URL = "http://reference.test"
TOKENS = {"a": "token-a", "b": "token-b"}

Seen = list[tuple[str, str, int]]


async def _a(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def _all(items: Any) -> list[Any]:
    if hasattr(items, "__aiter__"):
        return [item async for item in items]
    return list(items)


def _drive(coro: Coroutine[Any, Any, None]) -> None:
    """Run a coroutine that never suspends (the sync client's scenario)."""
    try:
        coro.send(None)
    except StopIteration:
        return
    coro.close()
    raise AssertionError("the sync scenario suspended: something returned an awaitable")


async def scenario(sdk: ModuleType, a: Any, b: Any, anonymous: Any) -> None:
    ada = await _create_contacts(sdk, a)
    await _list_contacts(sdk, a)
    await _get_and_update_contact(sdk, a, ada)
    when = await _interactions(sdk, a, ada)
    await _jobs(sdk, a)
    await _tenants_auth_and_delete(sdk, a, b, anonymous, ada=ada, when=when)


async def _create_contacts(sdk: ModuleType, a: Any) -> Any:
    """create_contact: a generated key, a replay with the same key, a reused key, email_taken."""
    m = sdk.models
    ada = await _a(
        a.create_contact(m.ContactCreate(name="Ada", email="ada@example.com", tags=["vip"]))
    )
    assert isinstance(ada, m.Contact)
    assert ada.tags == ["vip"]
    meta = sdk.response_meta(ada)
    assert meta.status == 201
    assert not meta.idempotent_replayed
    key = meta.idempotency_key
    assert re.fullmatch(r"[0-9a-f-]{36}", key)
    body = m.ContactCreate(name="Ada", email="ada@example.com", tags=["vip"])
    again = await _a(a.create_contact(body, idempotency_key=key))
    assert again == ada
    assert sdk.response_meta(again).idempotent_replayed
    # The declared Location, typed, on the first answer and on its replay.
    location = sdk.headers.CreateContactHeaders.of(ada).location
    assert location.endswith(f"/contacts/{ada.id}")
    assert sdk.headers.CreateContactHeaders.of(again).location == location
    assert meta.headers["location"] == location
    with pytest.raises(sdk.IdempotencyKeyReused) as reused:
        await _a(a.create_contact(m.ContactCreate(name="Someone else"), idempotency_key=key))
    assert reused.value.status == 422
    assert reused.value.problem.code == "idempotency_key_reused"
    with pytest.raises(sdk.EmailTaken) as taken:
        await _a(a.create_contact(m.ContactCreate(name="Ada II", email="ada@example.com")))
    assert isinstance(taken.value, sdk.ApiError)
    assert taken.value.problem.status == 409
    return ada


async def _list_contacts(sdk: ModuleType, a: Any) -> None:
    """list_contacts and iter_contacts: pages followed to the end, filters passed through."""
    m = sdk.models
    for i in range(4):
        await _a(a.create_contact(m.ContactCreate(name=f"Bob {i}", tags=["team"])))
    first = await _a(a.list_contacts(limit=2))
    assert len(first.items) == 2
    assert first.next_cursor is not None
    names = [c.name for c in await _all(a.iter_contacts(limit=2))]
    assert names == ["Bob 3", "Bob 2", "Bob 1", "Bob 0", "Ada"]
    assert [c.name for c in await _all(a.iter_contacts(tag="vip"))] == ["Ada"]
    assert [c.name for c in await _all(a.iter_contacts(q="BOB 1"))] == ["Bob 1"]
    with pytest.raises(sdk.InvalidCursor):
        await _a(a.list_contacts(cursor="not-a-cursor"))
    with pytest.raises(sdk.ValidationFailed) as invalid:
        await _a(a.list_contacts(limit=1000))
    assert invalid.value.problem.errors


async def _get_and_update_contact(sdk: ModuleType, a: Any, ada: Any) -> None:
    """get_contact and update_contact: ETag, If-None-Match → NotModified, If-Match → 412."""
    m = sdk.models
    got = await _a(a.get_contact(ada.id))
    assert got == ada
    etag = sdk.response_meta(got).etag
    assert etag
    with pytest.raises(sdk.NotModified) as not_modified:
        await _a(a.get_contact(ada.id, if_none_match=etag))
    assert not_modified.value.etag == etag
    updated = await _a(
        a.update_contact(ada.id, m.ContactUpdate(phone="+15555550100"), if_match=etag)
    )
    assert updated.phone == "+15555550100"
    assert updated.name == "Ada"
    assert updated.email == "ada@example.com"
    with pytest.raises(sdk.PreconditionFailed):
        await _a(a.update_contact(ada.id, m.ContactUpdate(name="Stale"), if_match=etag))
    cleared = await _a(a.update_contact(str(ada.id), m.ContactUpdate(email=None)))
    assert cleared.email is None


async def _interactions(sdk: ModuleType, a: Any, ada: Any) -> datetime:
    """create_interaction, list_interactions, iter_interactions; returns the first one's time."""
    m = sdk.models
    when = datetime(2024, 5, 1, 12, tzinfo=UTC)
    for i, kind in enumerate(
        [m.InteractionType.call, m.InteractionType.note, m.InteractionType.call]
    ):
        entry = m.InteractionCreate(
            type=kind, occurred_at=when + timedelta(hours=i), summary=f"#{i}"
        )
        created = await _a(a.create_interaction(ada.id, entry))
        assert created.contact_id == ada.id
        assert created.occurred_at == when + timedelta(hours=i)
    timeline = await _all(a.iter_interactions(ada.id, limit=2))
    assert [i.summary for i in timeline] == ["#2", "#1", "#0"]
    notes = await _a(a.list_interactions(ada.id, type=m.InteractionType.note))
    assert [i.summary for i in notes.items] == ["#1"]
    assert notes.next_cursor is None
    return when


async def _jobs(sdk: ModuleType, a: Any) -> None:
    """create_job, get_job, list_jobs, iter_jobs."""
    m = sdk.models
    job = await _a(a.create_job(m.JobCreate(kind=m.JobKind.export_contacts)))
    assert sdk.response_meta(job).status == 202
    assert job.max_attempts == 3
    assert (await _a(a.get_job(job.id))).id == job.id
    assert [j.id for j in await _all(a.iter_jobs(limit=1))] == [job.id]
    queued = await _a(a.list_jobs(status=m.JobStatus.queued))
    assert all(j.status == m.JobStatus.queued for j in queued.items)


async def _tenants_auth_and_delete(
    sdk: ModuleType, a: Any, b: Any, anonymous: Any, *, ada: Any, when: datetime
) -> None:
    """Tenants, authentication, and delete_contact."""
    m = sdk.models
    with pytest.raises(sdk.NotFound):
        await _a(b.get_contact(ada.id))
    with pytest.raises(sdk.NotFound):
        await _a(
            b.create_interaction(
                ada.id,
                m.InteractionCreate(type=m.InteractionType.note, occurred_at=when, summary="x"),
            )
        )
    assert await _all(b.iter_contacts()) == []
    with pytest.raises(sdk.Unauthenticated):
        await _a(anonymous.list_jobs())
    assert await _a(a.delete_contact(ada.id)) is None
    with pytest.raises(sdk.NotFound):
        await _a(a.get_contact(ada.id))


def _recorded(seen: Seen, inner: Any) -> Any:
    """Wrap a transport's handler so that every answered request is recorded."""

    def record(request: httpx.Request, response: httpx.Response) -> httpx.Response:
        seen.append((request.method, request.url.path, response.status_code))
        return response

    if isinstance(inner, httpx.AsyncBaseTransport):

        class Async(httpx.AsyncBaseTransport):
            async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
                return record(request, await inner.handle_async_request(request))

        return Async()

    class Sync(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            return record(request, inner.handle_request(request))

    return Sync()


def _assert_every_operation_succeeded(spec: ApiSpec, seen: Seen) -> None:
    missing = []
    for op in spec.operations:
        pattern = re.escape(spec.base_path + op.path)
        pattern = re.sub(r"\\\{\w+\\\}", "[^/]+", pattern)
        if not any(
            method == op.method.upper() and re.fullmatch(pattern, path) and status == op.status
            for method, path, status in seen
        ):
            missing.append(op.operation_id)
    assert not missing, f"operations never answered with their success status: {missing}"


def test_sync_client_runs_every_operation(sdk: ModuleType, spec: ApiSpec) -> None:
    seen: Seen = []
    transport = SyncASGITransport(create_app())
    try:
        clients = [
            sdk.Client(BASE_URL, token, transport=_recorded(seen, transport))
            for token in (TOKENS["a"], TOKENS["b"], None)
        ]
        with clients[0], clients[1], clients[2]:
            _drive(scenario(sdk, *clients))
    finally:
        transport.close()
    _assert_every_operation_succeeded(spec, seen)


def test_async_client_runs_every_operation(sdk: ModuleType, spec: ApiSpec) -> None:
    seen: Seen = []
    transport = httpx.ASGITransport(app=create_app())

    async def go() -> None:
        clients = [
            sdk.AsyncClient(BASE_URL, token, transport=_recorded(seen, transport))
            for token in (TOKENS["a"], TOKENS["b"], None)
        ]
        async with clients[0], clients[1], clients[2]:
            await scenario(sdk, *clients)

    asyncio.run(go())
    _assert_every_operation_succeeded(spec, seen)
