"""The recipes example (examples/recipes): each planted bug shows the defect its description
names, and the same requests get the correct answer with the switch off."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from examples.recipes import server
from examples.recipes.example import BUGS, TENANTS

A = {"Authorization": f"Bearer {TENANTS['a']}"}
B = {"Authorization": f"Bearer {TENANTS['b']}"}
Http = httpx.AsyncClient
Scenario = Callable[[Http], Awaitable[Any]]
PROBLEM = "application/problem+json"


def _key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


async def _recipe(http: Http, body: dict[str, Any] | None = None) -> str:
    made = await http.post("/recipes", json=body or {"title": "Soup"}, headers={**A, **_key()})
    assert made.status_code == 201, made.text
    recipe: str = made.json()["id"]
    return recipe


async def _walk(http: Http, params: dict[str, Any]) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        page = await http.get("/recipes", params=query, headers=A)
        assert page.status_code == 200, page.text
        seen += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return seen


async def patch_absent_is_null(http: Http) -> Any:
    recipe = await _recipe(http, {"title": "Soup", "note": "Salt last"})
    changed = await http.patch(f"/recipes/{recipe}", json={"servings": 4}, headers=A)
    return changed.status_code, changed.json()["note"]


async def nested_extra_ignored(http: Http) -> Any:
    body = {"title": "Soup", "ingredients": [{"name": "leek", "quantity": 2, "colour": "green"}]}
    made = await http.post("/recipes", json=body, headers={**A, **_key()})
    return made.status_code


async def top_extra_ignored(http: Http) -> Any:
    made = await http.post(
        "/recipes", json={"title": "Soup", "spicy": True}, headers={**A, **_key()}
    )
    return made.status_code


async def idem_key_not_per_tenant(http: Http) -> Any:
    key = _key()
    first = await http.post("/recipes", json={"title": "Soup"}, headers={**A, **key})
    other = await http.post("/recipes", json={"title": "Soup"}, headers={**B, **key})
    return other.status_code, other.json()["id"] == first.json()["id"]


async def ten_ingredients_any_household(http: Http) -> Any:
    recipe = await _recipe(
        http, {"title": "Soup", "ingredients": [{"name": "leek", "quantity": 2}]}
    )
    return (await http.get(f"/recipes/{recipe}/ingredients", headers=B)).status_code


async def page_skip_after_cursor(http: Http) -> Any:
    for title in "abcde":
        await _recipe(http, {"title": title})
    return "".join(recipe["title"] for recipe in await _walk(http, {"limit": 2}))


async def page_cursor_drops_filter(http: Http) -> Any:
    for cuisine in ("other", "italian", "other", "italian", "italian"):
        await _recipe(http, {"title": "Dish", "cuisine": cuisine})
    walked = await _walk(http, {"cuisine": "italian", "limit": 1})
    return [recipe["cuisine"] for recipe in walked]


async def err_get_404_plain(http: Http) -> Any:
    answer = await http.get(f"/recipes/{uuid.uuid4()}", headers=A)
    return answer.status_code, answer.headers["content-type"], answer.json().get("code")


async def cache_etag_static(http: Http) -> Any:
    recipe = await _recipe(http)
    tag = (await http.get(f"/recipes/{recipe}", headers=A)).headers["etag"]
    changed = await http.patch(f"/recipes/{recipe}", json={"title": "Stew"}, headers=A)
    assert changed.status_code == 200, changed.text
    again = await http.get(f"/recipes/{recipe}", headers={**A, "If-None-Match": tag})
    stale = await http.patch(
        f"/recipes/{recipe}", json={"servings": 3}, headers={**A, "If-Match": tag}
    )
    return again.status_code, stale.status_code


CASES: dict[str, tuple[Scenario, Any, Any]] = {
    "patch-absent-is-null": (patch_absent_is_null, (200, "Salt last"), (200, None)),
    "nested-extra-ignored": (nested_extra_ignored, 422, 201),
    "top-extra-ignored": (top_extra_ignored, 422, 201),
    "idem-key-not-per-tenant": (idem_key_not_per_tenant, (201, False), (201, True)),
    "ten-ingredients-any-household": (ten_ingredients_any_household, 404, 200),
    "page-skip-after-cursor": (page_skip_after_cursor, "edcba", "edba"),
    "page-cursor-drops-filter": (
        page_cursor_drops_filter,
        ["italian"] * 3,
        ["italian", "italian", "other", "italian", "other"],
    ),
    "err-get-404-plain": (
        err_get_404_plain,
        (404, PROBLEM, "not_found"),
        (404, "application/json", None),
    ),
    "cache-etag-static": (cache_etag_static, (200, 412), (304, 200)),
}


def test_every_planted_bug_has_a_case() -> None:
    assert sorted(CASES) == sorted(bug.id for bug in BUGS)


async def _observe(scenario: Scenario) -> Any:
    transport = httpx.ASGITransport(app=server.app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://recipes.test/v1") as http:
        return await scenario(http)


def _run(scenario: Scenario, monkeypatch: pytest.MonkeyPatch, bugs: set[str]) -> Any:
    monkeypatch.setattr(server, "RECIPES", {})
    monkeypatch.setattr(server, "IDEM", {})
    monkeypatch.setattr(server, "LOCK", asyncio.Lock())
    monkeypatch.setattr(server, "BUGS", bugs)
    return asyncio.run(_observe(scenario))


@pytest.mark.parametrize("bug", sorted(CASES))
def test_planted_bug_changes_what_it_says(bug: str, monkeypatch: pytest.MonkeyPatch) -> None:
    scenario, correct, defective = CASES[bug]
    assert _run(scenario, monkeypatch, set()) == correct
    assert _run(scenario, monkeypatch, {bug}) == defective
