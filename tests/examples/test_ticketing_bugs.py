"""The ticketing example (examples/ticketing): each planted bug shows the defect its description
names, and the same requests get the correct answer with the switch off."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from examples.ticketing import server
from examples.ticketing.example import BUGS, TENANTS

A = {"X-Api-Key": TENANTS["alpha"]}
B = {"X-Api-Key": TENANTS["beta"]}
Http = httpx.AsyncClient
Scenario = Callable[[Http], Awaitable[Any]]
PROBLEM = "application/problem+json"


def _key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


async def _made(answer: Awaitable[httpx.Response]) -> Any:
    made = await answer
    assert made.status_code == 201, made.text
    return made.json()


async def _venue(http: Http, name: str = "Hall", who: dict[str, str] = A) -> str:
    body = {"name": name, "capacity": 100, "address": {"city": "Lyon", "country": "FR"}}
    venue: str = (await _made(http.post("/venues", json=body, headers={**who, **_key()})))["id"]
    return venue


async def _event(
    http: Http, venue: str, starts_at: str = "2030-01-01T20:00:00Z", status: str = "draft"
) -> str:
    body = {
        "name": "Show",
        "venue_id": venue,
        "category": "music",
        "starts_at": starts_at,
        "base_price_cents": 1000,
        "status": status,
    }
    event: str = (await _made(http.post("/events", json=body, headers={**A, **_key()})))["id"]
    return event


async def _tiers(http: Http, prices: list[int]) -> str:
    event = await _event(http, await _venue(http))
    for i, price in enumerate(prices):
        body = {"name": f"Tier {i}", "price_cents": price, "quantity": 10}
        await _made(http.post(f"/events/{event}/tiers", json=body, headers={**A, **_key()}))
    return event


async def _orders(http: Http, quantities: list[int]) -> None:
    event = await _event(http, await _venue(http))
    for quantity in quantities:
        body = {"event_id": event, "quantity": quantity, "buyer_email": "a@b.example"}
        await _made(http.post("/orders", json=body, headers={**A, **_key()}))


async def _walk_links(http: Http, event: str, per_page: int) -> list[str]:
    seen: list[str] = []
    url: str | None = f"/events/{event}/tiers?per_page={per_page}"
    while url is not None:
        page = await http.get(url, headers=A)
        assert page.status_code == 200, page.text
        seen += [tier["id"] for tier in page.json()]
        url = page.links.get("next", {}).get("url")
    return seen


async def _walk_events(http: Http, params: dict[str, Any]) -> list[str]:
    seen: list[str] = []
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        page = (await http.get("/events", params=query, headers=A)).json()
        seen += [event["id"] for event in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen


async def offset_skip(http: Http) -> Any:
    for name in "abcde":
        await _venue(http, name)
    seen = []
    for offset in (0, 2, 4):
        page = await http.get("/venues", params={"offset": offset, "limit": 2}, headers=A)
        seen += [venue["name"] for venue in page.json()["items"]]
    return "".join(seen)


async def has_more_early(http: Http) -> Any:
    await _orders(http, [1, 1, 1])
    return (await http.get("/orders", params={"limit": 2}, headers=A)).json()["has_more"]


async def link_lost(http: Http) -> Any:
    return len(await _walk_links(http, await _tiers(http, [100, 200, 300, 400, 500]), 2))


async def no_tiebreak(http: Http) -> Any:
    return len(await _walk_links(http, await _tiers(http, [100, 100, 100, 100]), 2))


async def no_tiebreak_events(http: Http) -> Any:
    venue = await _venue(http)
    for _ in range(4):
        await _event(http, venue)
    return len(await _walk_events(http, {"sort": "starts_at", "limit": 2}))


async def gte_as_gt(http: Http) -> Any:
    venue = await _venue(http)
    await _event(http, venue, "2030-01-01T20:00:00Z")
    await _event(http, venue, "2030-01-02T20:00:00Z")
    return len(await _walk_events(http, {"starts_from": "2030-01-01T20:00:00Z"}))


async def in_first(http: Http) -> Any:
    venue = await _venue(http)
    await _event(http, venue, status="draft")
    await _event(http, venue, status="on_sale")
    return len(await _walk_events(http, {"status": "draft,on_sale"}))


async def min_qty_gt(http: Http) -> Any:
    await _orders(http, [1, 2, 3])
    page = await http.get("/orders", params={"min_quantity": 2}, headers=A)
    return sorted(order["quantity"] for order in page.json()["data"])


async def idem_key_not_per_tenant(http: Http) -> Any:
    body = {"name": "Hall", "capacity": 100, "address": {"city": "Lyon", "country": "FR"}}
    key = _key()
    first = await http.post("/venues", json=body, headers={**A, **key})
    other = await http.post("/venues", json=body, headers={**B, **key})
    return other.status_code, other.json()["id"] == first.json()["id"]


async def ten_venue_any_tenant(http: Http) -> Any:
    return (await http.get(f"/venues/{await _venue(http)}", headers=B)).status_code


async def ten_order_event_any_tenant(http: Http) -> Any:
    event = await _event(http, await _venue(http))
    body = {"event_id": event, "quantity": 1, "buyer_email": "b@b.example"}
    made = await http.post("/orders", json=body, headers={**B, **_key()})
    return made.status_code


async def err_order_404_plain(http: Http) -> Any:
    answer = await http.get(f"/orders/{uuid.uuid4()}", headers=A)
    return answer.status_code, answer.headers["content-type"], answer.json().get("code")


async def order_email_cut(http: Http) -> Any:
    event = await _event(http, await _venue(http))
    email = "b" * 110 + "@b.example"  # 120 characters, the declared maximum
    body = {"event_id": event, "quantity": 1, "buyer_email": email}
    made = await _made(http.post("/orders", json=body, headers={**A, **_key()}))
    return len(made["buyer_email"])


async def cache_no_304(http: Http) -> Any:
    event = await _event(http, await _venue(http))
    tag = (await http.get(f"/events/{event}", headers=A)).headers["etag"]
    again = await http.get(f"/events/{event}", headers={**A, "If-None-Match": tag})
    return again.status_code


CASES: dict[str, tuple[Scenario, Any, Any]] = {
    "offset-skip": (offset_skip, "abcde", "abde"),
    "has-more-early": (has_more_early, True, False),
    "link-lost": (link_lost, 5, 4),
    "gte-as-gt": (gte_as_gt, 2, 1),
    "in-first": (in_first, 2, 1),
    "no-tiebreak": (no_tiebreak, 4, 2),
    "min-qty-gt": (min_qty_gt, [2, 3], [3]),
    "no-tiebreak-events": (no_tiebreak_events, 4, 2),
    "idem-key-not-per-tenant": (idem_key_not_per_tenant, (201, False), (201, True)),
    "ten-venue-any-tenant": (ten_venue_any_tenant, 404, 200),
    "ten-order-event-any-tenant": (ten_order_event_any_tenant, 422, 201),
    "err-order-404-plain": (
        err_order_404_plain,
        (404, PROBLEM, "not_found"),
        (404, "application/json", None),
    ),
    "order-email-cut": (order_email_cut, 120, 100),
    "cache-no-304": (cache_no_304, 304, 200),
}


def test_every_planted_bug_has_a_case() -> None:
    assert sorted(CASES) == sorted(bug.id for bug in BUGS)


async def _observe(scenario: Scenario) -> Any:
    transport = httpx.ASGITransport(app=server.app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://ticketing.test/v1") as http:
        return await scenario(http)


def _run(scenario: Scenario, monkeypatch: pytest.MonkeyPatch, bugs: set[str]) -> Any:
    monkeypatch.setattr(server, "DB", {})
    monkeypatch.setattr(server, "IDEM", {})
    monkeypatch.setattr(server, "ON", bugs)
    return asyncio.run(_observe(scenario))


@pytest.mark.parametrize("bug", sorted(CASES))
def test_planted_bug_changes_what_it_says(bug: str, monkeypatch: pytest.MonkeyPatch) -> None:
    scenario, correct, defective = CASES[bug]
    assert _run(scenario, monkeypatch, set()) == correct
    assert _run(scenario, monkeypatch, {bug}) == defective
