"""The warehouse example server does what its contract says, and two planted bugs show."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from examples.warehouse.example import BUGS, TENANT_IDS, TENANTS
from examples.warehouse.server import create_app

A = {"X-Api-Key": TENANTS["a"]}
B = {"X-Api-Key": TENANTS["b"]}
ORG_A = f"/v1/orgs/{TENANT_IDS['a']}"
ORG_B = f"/v1/orgs/{TENANT_IDS['b']}"
Scenario = Callable[[httpx.AsyncClient], Awaitable[None]]


def run(scenario: Scenario, *bugs: str) -> None:
    """Run `scenario` against a fresh in-process server with `bugs` planted."""

    async def main() -> None:
        transport = httpx.ASGITransport(app=create_app(bugs))
        async with httpx.AsyncClient(transport=transport, base_url="http://warehouse") as client:
            await scenario(client)

    asyncio.run(main())


async def create_warehouse(
    client: httpx.AsyncClient, code: str, *, headers: dict[str, str] = A, org: str = ORG_A
) -> httpx.Response:
    return await client.post(
        f"{org}/warehouses",
        json={"code": code, "name": f"Warehouse {code}", "city": "Lyon"},
        headers={**headers, "Idempotency-Key": f"create-{code}"},
    )


def is_problem(response: httpx.Response, status: int, code: str) -> bool:
    body: dict[str, Any] = response.json()
    return (
        response.status_code == status
        and response.headers["content-type"].startswith("application/problem+json")
        and body["status"] == status
        and body["code"] == code
    )


def test_units_are_public_and_orgs_need_a_key() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        units = await client.get("/v1/units")
        assert units.status_code == 200
        assert [unit["code"] for unit in units.json()["items"]] == ["each", "kg", "l", "m"]
        assert is_problem(await client.get(f"{ORG_A}/warehouses"), 401, "unauthenticated")
        wrong = {"X-Api-Key": "wk_nobody"}
        assert is_problem(
            await client.get(f"{ORG_A}/warehouses", headers=wrong), 401, "unauthenticated"
        )

    run(scenario)


def test_another_orgs_id_is_answered_as_an_org_that_exists_nowhere() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        assert (await create_warehouse(client, "LYS1")).status_code == 201
        theirs = await client.get(f"{ORG_A}/warehouses/1", headers=B)
        nowhere = await client.get("/v1/orgs/org_nowhere/warehouses/1", headers=B)
        assert is_problem(theirs, 404, "org_not_found")
        assert (theirs.status_code, theirs.json()) == (nowhere.status_code, nowhere.json())

    run(scenario)


def test_ids_count_per_organisation() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        ours = await create_warehouse(client, "LYS1")
        theirs = await create_warehouse(client, "LYS1", headers=B, org=ORG_B)
        assert (ours.json()["id"], theirs.json()["id"]) == (1, 1)
        assert (ours.json()["org_id"], theirs.json()["org_id"]) == ("org_acme", "org_globex")
        mine = await client.get(f"{ORG_B}/warehouses/1", headers=B)
        assert mine.json()["org_id"] == "org_globex"

    run(scenario)


def test_create_replays_a_retry_and_refuses_a_taken_code() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        first = await create_warehouse(client, "LYS1")
        retry = await create_warehouse(client, "LYS1")
        assert (first.status_code, retry.status_code) == (201, 201)
        assert retry.json() == first.json()
        assert retry.headers["Idempotent-Replayed"] == "true"
        other_body = await client.post(
            f"{ORG_A}/warehouses",
            json={"code": "LYS2", "name": "x", "city": "Lyon"},
            headers={**A, "Idempotency-Key": "create-LYS1"},
        )
        assert is_problem(other_body, 422, "idempotency_key_reused")
        taken = await client.post(
            f"{ORG_A}/warehouses",
            json={"code": "LYS1", "name": "x", "city": "Lyon"},
            headers={**A, "Idempotency-Key": "another"},
        )
        assert is_problem(taken, 409, "warehouse_code_taken")
        no_key = await client.post(
            f"{ORG_A}/warehouses", json={"code": "LYS3", "name": "x", "city": "Lyon"}, headers=A
        )
        assert is_problem(no_key, 400, "idempotency_key_missing")

    run(scenario)


def test_put_product_creates_then_replaces() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        url = f"{ORG_A}/products/BOL-0042"
        created = await client.put(url, json={"name": "Bolt"}, headers=A)
        replaced = await client.put(url, json={"name": "Bolt M6", "unit": "kg"}, headers=A)
        assert (created.status_code, replaced.status_code) == (201, 200)
        assert replaced.json()["created_at"] == created.json()["created_at"]
        assert (await client.get(url, headers=A)).json()["name"] == "Bolt M6"
        bad = await client.put(f"{ORG_A}/products/bolt", json={"name": "Bolt"}, headers=A)
        assert is_problem(bad, 422, "validation_failed")

    run(scenario)


def test_etags_and_required_if_match() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        await create_warehouse(client, "LYS1")
        await client.post(f"{ORG_A}/warehouses/1/bins", json={"label": "A01-01"}, headers=A)
        lines = f"{ORG_A}/warehouses/1/bins/1/stock"
        await client.post(lines, json={"sku": "BOL-0042", "quantity": 5}, headers=A)
        got = await client.get(f"{lines}/1", headers=A)
        etag = got.headers["ETag"]
        again = await client.get(f"{lines}/1", headers={**A, "If-None-Match": etag})
        assert (again.status_code, again.content) == (304, b"")
        count = {"quantity": 7}
        no_match = await client.put(f"{lines}/1", json=count, headers=A)
        assert is_problem(no_match, 428, "precondition_required")
        counted = await client.put(f"{lines}/1", json=count, headers={**A, "If-Match": etag})
        assert counted.status_code == 200
        assert counted.headers["ETag"] != etag
        stale = await client.put(f"{lines}/1", json=count, headers={**A, "If-Match": etag})
        assert is_problem(stale, 412, "precondition_failed")

    run(scenario)


async def walk(client: httpx.AsyncClient, url: str, **query: str) -> list[int]:
    ids: list[int] = []
    params: dict[str, str] = {"limit": "2", **query}
    while True:
        page = (await client.get(url, params=params, headers=A)).json()
        ids += [item["id"] for item in page["items"]]
        if page["next_cursor"] is None:
            return ids
        params["cursor"] = page["next_cursor"]


async def seed_bins(client: httpx.AsyncClient, count: int) -> str:
    await create_warehouse(client, "LYS1")
    bins = f"{ORG_A}/warehouses/1/bins"
    for n in range(count):
        zone = "chilled" if n % 2 else "ambient"
        await client.post(bins, json={"label": f"A{n:02}-01", "zone": zone}, headers=A)
    return bins


def test_bins_walk_by_keyset_with_a_filter() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        bins = await seed_bins(client, 7)
        assert await walk(client, bins) == [1, 2, 3, 4, 5, 6, 7]
        assert await walk(client, bins, zone="chilled") == [2, 4, 6]
        tampered = await client.get(bins, params={"cursor": "e30.0000"}, headers=A)
        assert is_problem(tampered, 400, "invalid_cursor")

    run(scenario)


def test_planted_page_skip_boundary_loses_bins() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        bins = await seed_bins(client, 7)
        assert await walk(client, bins) == [1, 2, 4, 5, 7]

    run(scenario, "page-skip-boundary")


def test_planted_ten_org_forbidden_tells_which_orgs_exist() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        theirs = await client.get(f"{ORG_A}/warehouses", headers=B)
        nowhere = await client.get("/v1/orgs/org_nowhere/warehouses", headers=B)
        assert (theirs.status_code, nowhere.status_code) == (403, 404)

    run(scenario, "ten-org-forbidden")


def test_every_bug_names_an_invariant_and_every_family_has_one() -> None:
    families = {bug.invariant.split("-")[0] for bug in BUGS}
    assert families >= {"IDEM", "PAGE", "TEN", "ERR", "CACHE"}
    assert len({bug.id for bug in BUGS}) == len(BUGS)
    with pytest.raises(ValueError, match="unknown bug ids: nope"):
        create_app(["nope"])


async def seed_stock(client: httpx.AsyncClient) -> str:
    """A bin holding BOL-0042 x5, NUT-0007 x10, SCR-0001 x15 and BOL-0042 x20."""
    made = await create_warehouse(client, "STK1")
    bins = f"{ORG_A}/warehouses/{made.json()['id']}/bins"
    await client.post(bins, json={"label": "S01-01", "zone": "ambient"}, headers=A)
    stock = f"{bins}/1/stock"
    for sku, quantity in [("BOL-0042", 5), ("NUT-0007", 10), ("SCR-0001", 15), ("BOL-0042", 20)]:
        answer = await client.post(stock, json={"sku": sku, "quantity": quantity}, headers=A)
        assert answer.status_code == 201, answer.text
    return stock


async def stock_ids(client: httpx.AsyncClient, stock: str, **query: str) -> list[int]:
    answer = await client.get(stock, params=query, headers=A)
    assert answer.status_code == 200, answer.text
    return [line["id"] for line in answer.json()["items"]]


def test_stock_filters_by_their_operators() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        stock = await seed_stock(client)
        # Ordered by SKU, then id: BOL-0042 (1, 4), NUT-0007 (2), SCR-0001 (3).
        assert await stock_ids(client, stock) == [1, 4, 2, 3]
        assert await stock_ids(client, stock, skus="NUT-0007,SCR-0001") == [2, 3]
        assert await stock_ids(client, stock, not_sku="BOL-0042") == [2, 3]
        assert await stock_ids(client, stock, min_quantity="10", max_quantity="15") == [2, 3]
        lines = (await client.get(stock, headers=A)).json()["items"]
        third = next(line for line in lines if line["id"] == 3)["created_at"]
        # The same instant with another offset: compared as instants.
        moment = datetime.fromisoformat(third).astimezone(timezone(timedelta(hours=2)))
        assert await stock_ids(client, stock, created_to=moment.isoformat()) == [1, 2, 3]
        assert await stock_ids(client, stock, created_from=third) == [4, 3]
        refused = await client.get(stock, params={"skus": "BOL-0042,nope"}, headers=A)
        assert is_problem(refused, 422, "validation_failed")

    run(scenario)


def test_planted_filter_lte_as_lt_leaves_out_the_bound() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        stock = await seed_stock(client)
        assert await stock_ids(client, stock, max_quantity="10") == [1]

    run(scenario, "filter-lte-as-lt")


def test_planted_filter_in_first_only_reads_one_sku() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        stock = await seed_stock(client)
        assert await stock_ids(client, stock, skus="NUT-0007,SCR-0001") == [2]

    run(scenario, "filter-in-first-only")


@pytest.mark.parametrize(
    ("bugs", "statuses"),
    [((), (201, 200)), (("upsert-create-200",), (200, 200))],
    ids=["correct: creates with 201, replaces with 200", "upsert-create-200 hides the creation"],
)
def test_put_product_statuses(bugs: tuple[str, ...], statuses: tuple[int, int]) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        body = {"name": "Bolt M4", "unit": "each"}
        first = await client.put(f"{ORG_A}/products/BOL-0042", json=body, headers=A)
        again = await client.put(f"{ORG_A}/products/BOL-0042", json=body, headers=A)
        assert (first.status_code, again.status_code) == statuses

    run(scenario, *bugs)
