"""The lending library example: the correct server keeps its contract, planted bugs show."""

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from examples.library import example, server

A = {"Authorization": f"Bearer {example.TENANTS['a']}"}
B = {"Authorization": f"Bearer {example.TENANTS['b']}"}
CATALOGUE_IDS = {
    *("IDEM-REPLAY", "IDEM-MISMATCH", "IDEM-CONCURRENT", "IDEM-MISSING", "IDEM-TENANT-SCOPE"),
    *("PAGE-COMPLETE", "PAGE-ORDER", "PAGE-LIMIT", "PAGE-END", "PAGE-CONCURRENT"),
    *("PAGE-FILTER", "PAGE-CURSOR", "TEN-LIST", "TEN-READ", "TEN-WRITE", "TEN-CHILD"),
    *("TEN-ASSIGN", "TEN-NONINTERFERENCE", "ERR-PROBLEM", "ERR-DECLARED", "ERR-VALIDATION"),
    "CACHE-ETAG",
}


class Client:
    """A synchronous face on httpx's in-process ASGI transport: one event loop per test."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        transport = httpx.ASGITransport(app=server.app)
        self.http = httpx.AsyncClient(transport=transport, base_url="http://library.test/v1/")

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self.loop.run_until_complete(self.http.request(method, url, **kwargs))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", url, **kwargs)

    def close(self) -> None:
        self.loop.run_until_complete(self.http.aclose())
        self.loop.close()


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[Client]:
    monkeypatch.setattr(server, "STORE", server.Store())
    monkeypatch.setattr(server, "BUGS", set())
    c = Client()
    yield c
    c.close()


def book(client: Client, key: str = "k1", title: str = "Emma", headers: Any = A) -> Any:
    body = {"isbn": "9780141439587", "title": title, "author": "Jane Austen"}
    r = client.post("books", json=body, headers={**headers, "Idempotency-Key": key})
    assert r.status_code == 201, r.text
    return r.json()


def member(client: Client, email: str = "ann@example.org") -> Any:
    r = client.post("members", json={"name": "Ann", "email": email}, headers=A)
    assert r.status_code == 201, r.text
    return r.json()


def test_every_bug_names_a_catalogue_invariant_and_each_family_has_one() -> None:
    assert {b.invariant for b in example.BUGS} <= CATALOGUE_IDS
    assert {b.invariant.split("-")[0] for b in example.BUGS} >= {"IDEM", "PAGE", "TEN", "ERR"}
    assert any(b.invariant == "CACHE-ETAG" for b in example.BUGS)
    assert len({b.id for b in example.BUGS}) == len(example.BUGS)
    assert example.command(9, ["ten-book-read"])[-2:] == ["--bug", "ten-book-read"]


def test_public_operations_need_no_token_and_the_rest_do(client: Client) -> None:
    book(client, title="Persuasion")
    assert client.get("health").json() == {"status": "ok", "version": "1.0.0"}
    found = client.get("catalogue", params={"q": "SUAS"}).json()["items"]
    assert [(e["title"], e["libraries"]) for e in found] == [("Persuasion", 1)]
    assert client.get("catalogue", params={"q": "x"}).status_code == 422
    r = client.get("books")
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "unauthenticated"


def test_create_book_replays_a_retry_and_refuses_a_changed_body(client: Client) -> None:
    first = book(client, key="same")
    body = {"isbn": "9780141439587", "title": "Emma", "author": "Jane Austen"}
    retry = client.post("books", json=body, headers={**A, "Idempotency-Key": "same"})
    assert (retry.status_code, retry.json()) == (201, first)
    assert retry.headers["Idempotent-Replayed"] == "true"
    changed = client.post(
        "books", json={**body, "title": "Other"}, headers={**A, "Idempotency-Key": "same"}
    )
    assert (changed.status_code, changed.json()["code"]) == (422, "idempotency_key_reused")
    missing = client.post("books", json=body, headers=A)
    assert (missing.status_code, missing.json()["code"]) == (400, "idempotency_key_missing")
    assert [b["id"] for b in client.get("books", headers=A).json()["items"]] == [first["id"]]
    other = book(client, key="same", headers=B)  # keys are per library
    assert other["id"] != first["id"]


def test_book_etags_and_the_required_if_match(client: Client) -> None:
    created = book(client)
    url = f"books/{created['id']}"
    got = client.get(url, headers=A)
    etag = got.headers["ETag"]
    assert client.get(url, headers={**A, "If-None-Match": etag}).status_code == 304
    update = {"title": "Emma (annotated)", "author": "Jane Austen", "year": 1815}
    r = client.put(url, json=update, headers=A)
    assert (r.status_code, r.json()["code"]) == (428, "precondition_required")
    r = client.put(url, json=update, headers={**A, "If-Match": etag})
    assert r.status_code == 200
    assert r.headers["ETag"] != etag
    r = client.put(url, json=update, headers={**A, "If-Match": etag})
    assert (r.status_code, r.json()["code"]) == (412, "precondition_failed")


def test_another_library_sees_nothing_and_gets_404(client: Client) -> None:
    created = book(client)
    nowhere = "bk_" + "a" * 16
    for path in (f"books/{created['id']}", f"books/{created['id']}/copies", f"books/{nowhere}"):
        r = client.get(path, headers=B)
        assert (r.status_code, r.json()["code"]) == (404, "not_found"), path
    r = client.post(f"books/{created['id']}/copies", json={"shelf": "FIC-1"}, headers=B)
    assert r.status_code == 404
    assert client.get("books", headers=B).json() == {"items": [], "next_cursor": None}
    assert client.get("books/not-an-id", headers=B).status_code == 422


def walk_copies(client: Client, book_id: str, limit: int) -> list[int]:
    seen: list[int] = []
    params: dict[str, Any] = {"limit": limit}
    while True:
        page = client.get(f"books/{book_id}/copies", params=params, headers=A).json()
        seen += [c["copy_no"] for c in page["items"]]
        if page["next_cursor"] is None:
            return seen
        params["cursor"] = page["next_cursor"]


def test_copies_are_numbered_per_book_and_paged_completely(client: Client) -> None:
    first, second = book(client, key="1"), book(client, key="2")
    for _ in range(5):
        client.post(f"books/{first['id']}/copies", json={"shelf": "FIC-1"}, headers=A)
    r = client.post(f"books/{second['id']}/copies", json={"shelf": "FIC-2"}, headers=A)
    assert r.json()["copy_no"] == 1
    assert walk_copies(client, first["id"], 2) == [1, 2, 3, 4, 5]
    bad = client.get(f"books/{first['id']}/copies", params={"cursor": "nope"}, headers=A)
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_cursor")


def test_a_loan_is_returned_once_and_frees_its_copy(client: Client) -> None:
    b, m = book(client), member(client)
    client.post(f"books/{b['id']}/copies", json={"shelf": "FIC-1"}, headers=A)
    loans = f"books/{b['id']}/copies/1/loans"
    loan = client.post(loans, json={"member_id": m["id"]}, headers=A)
    assert loan.status_code == 201
    again = client.post(loans, json={"member_id": m["id"]}, headers=A)
    assert (again.status_code, again.json()["code"]) == (409, "copy_on_loan")
    url = f"loans/{loan.json()['id']}/return"
    assert client.post(url, headers=A).json()["status"] == "returned"
    twice = client.post(url, headers=A)
    assert (twice.status_code, twice.json()["code"]) == (409, "loan_already_returned")
    assert client.get(f"books/{b['id']}/copies/1", headers=A).json()["on_loan"] is False
    stranger = client.post(loans, json={"member_id": "mem_" + "b" * 16}, headers=A)
    assert (stranger.status_code, stranger.json()["code"]) == (422, "unknown_member")


def pay_twice(client: Client) -> int:
    m = member(client)
    url, headers = f"members/{m['id']}/fines/pay", {**A, "Idempotency-Key": "pay-1"}
    first = client.post(url, json={"amount_cents": 300}, headers=headers)
    retry = client.post(url, json={"amount_cents": 300}, headers=headers)
    assert first.status_code == retry.status_code == 200
    balance: int = client.get(f"members/{m['id']}", headers=A).json()["fine_balance_cents"]
    return balance


def test_a_retried_payment_is_applied_once(client: Client) -> None:
    assert pay_twice(client) == -300


def test_members_are_filtered_by_email_and_emails_are_unique(client: Client) -> None:
    ann, _ = member(client, "ann@example.org"), member(client, "bob@example.org")
    page = client.get("members", params={"email": "ann@example.org"}, headers=A).json()
    assert [m["id"] for m in page["items"]] == [ann["id"]]
    taken = client.post("members", json={"name": "A", "email": "ann@example.org"}, headers=A)
    assert (taken.status_code, taken.json()["code"]) == (409, "email_taken")
    r = client.get("members", params={"email": "not-an-email"}, headers=A)
    assert r.status_code == 422


def test_planted_idem_pay_twice_applies_a_retry_again(client: Client) -> None:
    server.BUGS.add("idem-pay-twice")
    assert pay_twice(client) == -600


def test_planted_page_copies_skip_loses_copies(client: Client) -> None:
    server.BUGS.add("page-copies-skip")
    b = book(client)
    for _ in range(5):
        client.post(f"books/{b['id']}/copies", json={"shelf": "FIC-1"}, headers=A)
    assert walk_copies(client, b["id"], 2) == [1, 2, 4, 5]


def test_planted_ten_book_read_shows_another_librarys_book(client: Client) -> None:
    server.BUGS.add("ten-book-read")
    created = book(client)
    r = client.get(f"books/{created['id']}", headers=B)
    assert (r.status_code, r.json()["id"]) == (200, created["id"])
