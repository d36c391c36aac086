"""The correct reference server behaves as DESIGN.md says, operation by operation."""

from __future__ import annotations

import asyncio
import base64
import uuid

import pytest

from ._client import Client, new_key, problem, run

# -- contacts: create and idempotency ---------------------------------------------------------


def test_create_contact_then_replay_returns_the_stored_answer() -> None:
    async def go(c: Client) -> None:
        key = new_key()
        body = {"name": "Ada", "email": "ada@example.com", "tags": ["vip"]}
        first = await c.req("POST", "/contacts", json=body, key=key)
        assert first.status_code == 201
        contact = first.json()
        assert contact["name"] == "Ada"
        assert contact["phone"] is None
        assert contact["created_at"].endswith("Z")
        assert "idempotent-replayed" not in first.headers
        again = await c.req("POST", "/contacts", json=body, key=key)
        assert again.status_code == 201
        assert again.json() == contact
        assert again.headers["idempotent-replayed"] == "true"
        assert [item["id"] for item in await c.walk("/contacts")] == [contact["id"]]

    run(go)


def test_same_key_different_body_is_refused_and_the_first_result_kept() -> None:
    async def go(c: Client) -> None:
        key = new_key()
        first = await c.req("POST", "/contacts", json={"name": "x"}, key=key)
        other = await c.req("POST", "/contacts", json={"name": "y"}, key=key)
        problem(other, 422, "idempotency_key_reused")
        jobs = await c.req("POST", "/jobs", json={"kind": "export_contacts"}, key=key)
        problem(jobs, 422, "idempotency_key_reused")
        replay = await c.req("POST", "/contacts", json={"name": "x"}, key=key)
        assert replay.json() == first.json()
        assert len(await c.walk("/contacts")) == 1

    run(go)


def test_concurrent_requests_with_one_key_create_one_resource() -> None:
    async def go(c: Client) -> None:
        key = new_key()
        answers = await asyncio.gather(
            *(c.req("POST", "/contacts", json={"name": "x"}, key=key) for _ in range(6))
        )
        statuses = sorted(answer.status_code for answer in answers)
        assert statuses.count(201) >= 1
        assert set(statuses) <= {201, 409}
        assert 409 in statuses  # the delay makes the race real
        for answer in answers:
            if answer.status_code == 409:
                problem(answer, 409, "idempotency_key_in_use")
        created = {answer.json()["id"] for answer in answers if answer.status_code == 201}
        assert len(created) == 1
        assert len(await c.walk("/contacts")) == 1

    run(go, work_delay=0.05)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/contacts", {"name": "x"}),
        ("/jobs", {"kind": "export_contacts"}),
    ],
)
def test_missing_key_is_refused_and_nothing_created(path: str, body: dict[str, str]) -> None:
    async def go(c: Client) -> None:
        problem(await c.req("POST", path, json=body), 400, "idempotency_key_missing")
        assert await c.walk(path) == []

    run(go)


def test_idempotency_keys_are_scoped_by_tenant() -> None:
    async def go(c: Client) -> None:
        key = new_key()
        a = await c.req("POST", "/contacts", "a", json={"name": "x"}, key=key)
        b = await c.req("POST", "/contacts", "b", json={"name": "x"}, key=key)
        assert b.status_code == 201
        assert "idempotent-replayed" not in b.headers
        assert b.json()["id"] != a.json()["id"]

    run(go)


def test_a_request_that_fails_validation_stores_nothing() -> None:
    async def go(c: Client) -> None:
        key = new_key()
        problem(
            await c.req("POST", "/contacts", json={"name": ""}, key=key), 422, "validation_failed"
        )
        assert (await c.req("POST", "/contacts", json={"name": "ok"}, key=key)).status_code == 201

    run(go)


def test_idempotency_key_length_is_validated() -> None:
    async def go(c: Client) -> None:
        body = problem(
            await c.req("POST", "/jobs", json={"kind": "export_contacts"}, key="k" * 256),
            422,
            "validation_failed",
        )
        assert body["errors"][0]["loc"] == ["header", "Idempotency-Key"]

    run(go)


# -- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"name": ""}, ["body", "name"]),
        ({}, ["body", "name"]),
        ({"name": "x", "phone": "12345"}, ["body", "phone"]),
        ({"name": "x", "email": "not-an-email"}, ["body", "email"]),
        ({"name": "x", "tags": ["a", "a"]}, ["body", "tags"]),
        ({"name": "x", "tags": ["UPPER"]}, ["body", "tags", 0]),
        ({"name": "x", "tenant_id": "b"}, ["body", "tenant_id"]),
        ({"name": 5}, ["body", "name"]),
    ],
)
def test_schema_invalid_bodies_get_422_naming_the_field(body: object, loc: list[object]) -> None:
    async def go(c: Client) -> None:
        answer = problem(
            await c.req("POST", "/contacts", json=body, key=new_key()), 422, "validation_failed"
        )
        assert loc in [error["loc"] for error in answer["errors"]]
        assert all(error["msg"] and error["type"] for error in answer["errors"])

    run(go)


@pytest.mark.parametrize("content", [b"{", b"", b"\xff", b"{'a': 1}"])
def test_unparseable_bodies_get_400_invalid_request(content: bytes) -> None:
    async def go(c: Client) -> None:
        problem(
            await c.req("POST", "/contacts", content=content, key=new_key()), 400, "invalid_request"
        )

    run(go)


@pytest.mark.parametrize(
    "occurred_at", ["2024-05-01T12:00:00", "1700000000", "2024-05-01", 1700000000]
)
def test_interaction_times_must_be_rfc3339_with_offset(occurred_at: object) -> None:
    async def go(c: Client) -> None:
        contact = await c.contact()
        answer = await c.interaction(contact["id"], occurred_at=occurred_at)
        body = problem(answer, 422, "validation_failed")
        assert body["errors"][0]["loc"] == ["body", "occurred_at"]

    run(go)


@pytest.mark.parametrize(
    "bad_id", ["nope", "1b4e28ba2fa111d2883f0016d3cca427", "1b4e28ba-2fa1-11d2-883f-0016d3cca42"]
)
def test_malformed_path_ids_get_422_naming_the_parameter(bad_id: str) -> None:
    async def go(c: Client) -> None:
        for path, name in [(f"/contacts/{bad_id}", "contact_id"), (f"/jobs/{bad_id}", "job_id")]:
            body = problem(await c.req("GET", path), 422, "validation_failed")
            assert body["errors"][0]["loc"] == ["path", name]

    run(go)


@pytest.mark.parametrize("limit", ["0", "101", "-1", "abc", "1.5", ""])
def test_out_of_range_limits_get_422(limit: str) -> None:
    async def go(c: Client) -> None:
        body = problem(
            await c.req("GET", "/contacts", params={"limit": limit}), 422, "validation_failed"
        )
        assert body["errors"][0]["loc"] == ["query", "limit"]

    run(go)


@pytest.mark.parametrize(
    ("path", "params", "name"),
    [
        ("/contacts", {"tag": "UPPER"}, "tag"),
        ("/jobs", {"status": "done"}, "status"),
        ("/contacts", {"cursor": ""}, "cursor"),
    ],
)
def test_invalid_query_parameters_get_422(path: str, params: dict[str, str], name: str) -> None:
    async def go(c: Client) -> None:
        body = problem(await c.req("GET", path, params=params), 422, "validation_failed")
        assert body["errors"][0]["loc"] == ["query", name]

    run(go)


# -- read, update, delete ---------------------------------------------------------------------


def test_etag_if_none_match_and_if_match() -> None:
    async def go(c: Client) -> None:
        contact = await c.contact()
        path = f"/contacts/{contact['id']}"
        read = await c.req("GET", path)
        assert read.json() == contact
        etag = read.headers["etag"]
        assert etag.startswith('"')
        assert (await c.req("GET", path)).headers["etag"] == etag
        cached = await c.req("GET", path, headers={"If-None-Match": etag})
        assert cached.status_code == 304
        assert cached.content == b""
        weak = await c.req("GET", path, headers={"If-None-Match": f'"x", W/{etag}'})
        assert weak.status_code == 304
        changed = await c.req("PATCH", path, json={"name": "Grace"}, headers={"If-Match": etag})
        assert changed.status_code == 200
        assert changed.json()["name"] == "Grace"
        new_etag = (await c.req("GET", path)).headers["etag"]
        assert new_etag != etag
        assert changed.headers["etag"] == new_etag
        assert (await c.req("GET", path, headers={"If-None-Match": etag})).status_code == 200
        stale = await c.req("PATCH", path, json={"name": "Lost"}, headers={"If-Match": etag})
        problem(stale, 412, "precondition_failed")
        assert (await c.req("GET", path)).json()["name"] == "Grace"

    run(go)


def test_patch_changes_only_the_fields_given_and_can_clear() -> None:
    async def go(c: Client) -> None:
        contact = await c.contact(email="a@example.com", phone="+14155550100", tags=["x"])
        path = f"/contacts/{contact['id']}"
        answer = await c.req("PATCH", path, json={"email": None})
        assert answer.status_code == 200
        updated = answer.json()
        assert updated["email"] is None
        assert updated["phone"] == "+14155550100"
        assert updated["tags"] == ["x"]
        assert updated["updated_at"] > contact["updated_at"]
        assert updated["created_at"] == contact["created_at"]
        problem(await c.req("PATCH", path, json={}), 422, "validation_failed")
        problem(await c.req("PATCH", path, json={"name": None}), 422, "validation_failed")
        problem(await c.req("PATCH", path, content=b"{"), 400, "invalid_request")

    run(go)


def test_email_is_unique_per_tenant_on_create_and_update() -> None:
    async def go(c: Client) -> None:
        await c.contact(email="ada@example.com")
        taken = await c.req(
            "POST", "/contacts", json={"name": "x", "email": "ada@example.com"}, key=new_key()
        )
        problem(taken, 409, "email_taken")
        other = await c.contact(email="grace@example.com")
        clash = await c.req("PATCH", f"/contacts/{other['id']}", json={"email": "ada@example.com"})
        problem(clash, 409, "email_taken")
        same = await c.req("PATCH", f"/contacts/{other['id']}", json={"email": "grace@example.com"})
        assert same.status_code == 200
        await c.contact("b", email="ada@example.com")  # another tenant: no conflict

    run(go)


def test_delete_removes_the_contact_and_its_interactions() -> None:
    async def go(c: Client) -> None:
        contact = await c.contact()
        assert (await c.interaction(contact["id"])).status_code == 201
        path = f"/contacts/{contact['id']}"
        deleted = await c.req("DELETE", path)
        assert deleted.status_code == 204
        assert deleted.content == b""
        problem(await c.req("GET", path), 404, "not_found")
        problem(await c.req("DELETE", path), 404, "not_found")
        problem(await c.req("GET", f"{path}/interactions"), 404, "not_found")
        problem(await c.interaction(contact["id"]), 404, "not_found")

    run(go)


# -- interactions and jobs --------------------------------------------------------------------


def test_interactions_timeline_order_filter_and_ties() -> None:
    async def go(c: Client) -> None:
        contact = await c.contact()
        cid = contact["id"]
        created = []
        for occurred, kind in [
            ("2024-05-01T12:00:00Z", "call"),
            ("2024-05-01T13:00:00+01:00", "note"),  # the same instant: a tie, broken by id
            ("2024-05-02T00:00:00.5Z", "email"),
            ("0001-01-01T00:00:00+01:00", "meeting"),
        ]:
            answer = await c.interaction(cid, occurred_at=occurred, type=kind)
            assert answer.status_code == 201, answer.text
            assert answer.json()["contact_id"] == cid
            created.append(answer.json())
        items = await c.walk(f"/contacts/{cid}/interactions", limit=1)
        tied = sorted((created[0]["id"], created[1]["id"]), reverse=True)
        assert [item["id"] for item in items] == [created[2]["id"], *tied, created[3]["id"]]
        notes = await c.walk(f"/contacts/{cid}/interactions", type="note")
        assert [item["id"] for item in notes] == [created[1]["id"]]

    run(go)


def test_jobs_are_queued_listed_and_read() -> None:
    async def go(c: Client) -> None:
        answer = await c.req("POST", "/jobs", json={"kind": "recompute_scores"}, key=new_key())
        assert answer.status_code == 202
        job = answer.json()
        assert job["status"] == "queued"
        assert job["attempts"] == 0
        assert job["max_attempts"] == 3
        assert job["last_error"] is None
        assert (await c.req("GET", f"/jobs/{job['id']}")).json() == job
        assert await c.walk("/jobs", status="queued") == [job]
        assert await c.walk("/jobs", status="failed") == []
        problem(await c.req("GET", f"/jobs/{uuid.uuid4()}"), 404, "not_found")
        strict = await c.req(
            "POST", "/jobs", json={"kind": "export_contacts", "max_attempts": "5"}, key=new_key()
        )
        problem(strict, 422, "validation_failed")

    run(go)


# -- pagination -------------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "limit"), [(0, 5), (1, 1), (10, 5), (11, 5), (25, 7)])
def test_walk_returns_every_item_once_in_order(count: int, limit: int) -> None:
    async def go(c: Client) -> None:
        ids = [(await c.contact())["id"] for _ in range(count)]
        first = await c.req("GET", "/contacts", params={"limit": limit})
        assert len(first.json()["items"]) <= limit
        items = await c.walk("/contacts", limit=limit)
        assert [item["id"] for item in items] == list(reversed(ids))
        keys = [(item["created_at"], item["id"]) for item in items]
        assert keys == sorted(keys, reverse=True)

    run(go)


def test_filters_tag_exact_and_q_case_insensitive() -> None:
    async def go(c: Client) -> None:
        alice = await c.contact(name="Alice Smith", tags=["vip", "lead"])
        await c.contact(name="Bob", tags=["vip-2"])
        assert await c.walk("/contacts", tag="vip") == [alice]
        assert await c.walk("/contacts", q="aLiCe") == [alice]
        assert await c.walk("/contacts", q="SMITH", tag="lead", limit=1) == [alice]
        assert await c.walk("/contacts", q="zzz") == []

    run(go)


def test_inserts_during_a_walk_do_not_disturb_it() -> None:
    async def go(c: Client) -> None:
        ids = [(await c.contact())["id"] for _ in range(5)]
        page = (await c.req("GET", "/contacts", params={"limit": 2})).json()
        await c.contact()
        await c.req("DELETE", f"/contacts/{ids[4]}")  # already served
        rest = await c.walk("/contacts", limit=2, cursor=page["next_cursor"])
        seen = [item["id"] for item in page["items"] + rest]
        assert seen == list(reversed(ids))

    run(go)


def test_bad_cursors_get_400_invalid_cursor() -> None:
    async def go(c: Client) -> None:
        for _ in range(3):
            await c.contact(tags=["t"])
        cursor = (await c.req("GET", "/contacts", params={"limit": 1})).json()["next_cursor"]
        assert cursor
        head, _, mac = cursor.partition(".")
        payload = base64.urlsafe_b64decode(head + "=" * (-len(head) % 4))
        forged = base64.urlsafe_b64encode(payload.replace(b'"p":[', b'"p":[1')).rstrip(b"=")
        bad = [
            "garbage", "a.b", ".", "%%%", "é", cursor[:-2], cursor + "x", f"{forged.decode()}.{mac}",
            base64.urlsafe_b64encode(b"[1]").decode(),
        ]  # fmt: skip
        for value in bad:
            problem(
                await c.req("GET", "/contacts", params={"cursor": value}), 400, "invalid_cursor"
            )
        foreign = await c.req("GET", "/contacts", "b", params={"cursor": cursor})
        problem(foreign, 400, "invalid_cursor")
        other_filter = await c.req("GET", "/contacts", params={"cursor": cursor, "tag": "t"})
        problem(other_filter, 400, "invalid_cursor")
        other_list = await c.req("GET", "/jobs", params={"cursor": cursor})
        problem(other_list, 400, "invalid_cursor")
        ok = await c.req("GET", "/contacts", params={"cursor": cursor, "limit": 5})
        assert ok.status_code == 200
        assert len(ok.json()["items"]) == 2

    run(go)


# -- tenants, auth and routing ----------------------------------------------------------------


def test_other_tenants_objects_answer_exactly_like_missing_ones() -> None:
    async def go(c: Client) -> None:
        contact = await c.contact(tags=["shared"])
        path = f"/contacts/{contact['id']}"
        missing = f"/contacts/{uuid.uuid4()}"
        for method, body in [("GET", None), ("PATCH", {"name": "z"}), ("DELETE", None)]:
            theirs = problem(await c.req(method, path, "b", json=body), 404, "not_found")
            nowhere = problem(await c.req(method, missing, "b", json=body), 404, "not_found")
            del theirs["instance"], nowhere["instance"]
            assert theirs == nowhere
        problem(await c.interaction(contact["id"], "b"), 404, "not_found")
        problem(await c.req("GET", f"{path}/interactions", "b"), 404, "not_found")
        assert await c.walk("/contacts", "b") == []
        assert await c.walk("/contacts", "b", tag="shared") == []
        assert (await c.req("GET", path)).json() == contact

    run(go)


@pytest.mark.parametrize(
    "authorization", [None, "Bearer nope", "Basic dG9rZW4tYTo=", "token-a", "Bearer "]
)
def test_missing_or_unknown_tokens_get_401(authorization: str | None) -> None:
    async def go(c: Client) -> None:
        headers = {"Authorization": authorization} if authorization else {}
        answer = await c.req("GET", "/jobs", None, headers=headers)
        problem(answer, 401, "unauthenticated")
        assert answer.headers["www-authenticate"] == "Bearer"

    run(go)


def test_unknown_routes_and_methods_get_problems() -> None:
    async def go(c: Client) -> None:
        problem(await c.req("GET", "/nothing"), 404, "not_found")
        problem(await c.req("GET", "/contacts/"), 404, "not_found")
        problem(await c.http.get("http://reference.test/"), 404, "not_found")
        answer = await c.req("PUT", "/contacts")
        problem(answer, 405, "method_not_allowed")
        assert answer.headers["allow"] == "GET, POST"

    run(go)


def test_request_ids_are_echoed() -> None:
    async def go(c: Client) -> None:
        given = await c.req("GET", "/nothing", headers={"X-Request-Id": "abc-123"})
        assert given.headers["x-request-id"] == "abc-123"
        assert given.json()["instance"] == "abc-123"
        made = await c.req("GET", "/jobs", headers={"X-Request-Id": "bad id\x7f"})
        assert made.headers["x-request-id"].startswith("req_")

    run(go)
