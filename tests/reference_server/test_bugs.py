"""Every planted bug is present when switched on: its shortest sequence shows the defect."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from unittest import mock

import httpx
import pytest

import synth
from examples._example import discover, load
from examples.reference_server import BUGS, parse_bugs
from examples.reference_server import app as reference_app
from synth.catalogue import BY_ID, CATALOGUE, FAMILIES
from synth.testing.invariants import applicable
from tests.testing.conftest import ROOT

from ._client import Client, new_key, problem, run

Demo = Callable[[Client], Awaitable[None]]
DEMOS: dict[str, Demo] = {}


def demo(bug_id: str) -> Callable[[Demo], Demo]:
    def register(fn: Demo) -> Demo:
        DEMOS[bug_id] = fn
        return fn

    return register


@demo("idem-no-replay")
async def _(c: Client) -> None:
    key = new_key()
    first = await c.req("POST", "/contacts", json={"name": "x"}, key=key)
    second = await c.req("POST", "/contacts", json={"name": "x"}, key=key)
    assert second.json()["id"] != first.json()["id"]
    assert len(await c.walk("/contacts")) == 2


@demo("idem-ignore-fingerprint")
async def _(c: Client) -> None:
    key = new_key()
    first = await c.req("POST", "/contacts", json={"name": "x"}, key=key)
    other = await c.req("POST", "/contacts", json={"name": "y"}, key=key)
    assert other.status_code == 201
    assert other.json() == first.json()


@demo("idem-no-lock")
async def _(c: Client) -> None:
    key = new_key()
    answers = await asyncio.gather(
        *(c.req("POST", "/contacts", json={"name": "x"}, key=key) for _ in range(2))
    )
    assert [answer.status_code for answer in answers] == [201, 201]
    assert len(await c.walk("/contacts")) == 2


@demo("idem-key-optional")
async def _(c: Client) -> None:
    answer = await c.req("POST", "/jobs", json={"kind": "export_contacts"})
    assert answer.status_code == 202


@demo("idem-global-keys")
async def _(c: Client) -> None:
    key = new_key()
    a = await c.req("POST", "/contacts", "a", json={"name": "x"}, key=key)
    b = await c.req("POST", "/contacts", "b", json={"name": "x"}, key=key)
    assert b.json()["id"] == a.json()["id"]
    assert b.headers["idempotent-replayed"] == "true"


@demo("page-skip-boundary")
async def _(c: Client) -> None:
    for _ in range(3):
        await c.contact()
    assert len(await c.walk("/contacts", limit=2)) == 2


@demo("page-tiebreak-asc")
async def _(c: Client) -> None:
    contact = await c.contact()
    ids = [(await c.interaction(contact["id"])).json()["id"] for _ in range(2)]
    items = await c.walk(f"/contacts/{contact['id']}/interactions")
    assert [item["id"] for item in items] == sorted(ids)


@demo("page-jobs-oldest-first")
async def _(c: Client) -> None:
    ids = [
        (await c.req("POST", "/jobs", json={"kind": "export_contacts"}, key=new_key())).json()["id"]
        for _ in range(2)
    ]
    assert [item["id"] for item in await c.walk("/jobs")] == ids


@demo("page-limit-unbounded")
async def _(c: Client) -> None:
    assert (await c.req("GET", "/contacts", params={"limit": 101})).status_code == 200


@demo("page-overfull")
async def _(c: Client) -> None:
    for _ in range(3):
        await c.contact()
    page = (await c.req("GET", "/contacts", params={"limit": 2})).json()
    assert len(page["items"]) == 3


@demo("page-overflow-at-max")
async def _(c: Client) -> None:
    for _ in range(101):
        await c.contact()
    assert len((await c.req("GET", "/contacts", params={"limit": 100})).json()["items"]) == 101
    assert len((await c.req("GET", "/contacts", params={"limit": 99})).json()["items"]) == 99


@demo("page-default-limit")
async def _(c: Client) -> None:
    for _ in range(21):
        await c.contact()
    assert len((await c.req("GET", "/contacts")).json()["items"]) == 21


@demo("val-bound-off-by-one")
async def _(c: Client) -> None:
    job = {"kind": "export_contacts", "max_attempts": 11}
    answer = await c.req("POST", "/jobs", json=job, key=new_key())
    assert answer.status_code == 202
    assert answer.json()["max_attempts"] == 11
    job["max_attempts"] = 12
    assert (await c.req("POST", "/jobs", json=job, key=new_key())).status_code == 422


@demo("val-truncate-at-bound")
async def _(c: Client) -> None:
    contact = await c.contact(name="n" * 200)
    assert contact["name"] == "n" * 199
    read = await c.req("GET", f"/contacts/{contact['id']}")
    assert read.json()["name"] == "n" * 199


@demo("idem-key-length-off-by-one")
async def _(c: Client) -> None:
    answer = await c.req("POST", "/contacts", json={"name": "x"}, key="k" * 255)
    assert answer.status_code == 422
    assert (await c.req("POST", "/contacts", json={"name": "x"}, key="k" * 254)).status_code == 201


@demo("page-end-cursor")
async def _(c: Client) -> None:
    for _ in range(2):
        await c.contact()
    page = (await c.req("GET", "/contacts", params={"limit": 2})).json()
    assert len(page["items"]) == 2
    assert page["next_cursor"] is not None
    rest = await c.req("GET", "/contacts", params={"limit": 2, "cursor": page["next_cursor"]})
    assert rest.json() == {"items": [], "next_cursor": None}


@demo("page-offset")
async def _(c: Client) -> None:
    for _ in range(3):
        await c.contact()
    page = (await c.req("GET", "/contacts", params={"limit": 2})).json()
    await c.contact()
    rest = await c.walk("/contacts", limit=2, cursor=page["next_cursor"])
    assert rest[0]["id"] == page["items"][1]["id"]


@demo("page-q-case-sensitive")
async def _(c: Client) -> None:
    await c.contact(name="Alice")
    assert await c.walk("/contacts", q="alice") == []


@demo("page-cursor-500")
async def _(c: Client) -> None:
    problem(await c.req("GET", "/contacts", params={"cursor": "garbage"}), 500, "internal_error")


@demo("page-cursor-unsigned")
async def _(c: Client) -> None:
    for _ in range(3):
        await c.contact()
    cursor = (await c.req("GET", "/contacts", params={"limit": 1})).json()["next_cursor"]
    assert (await c.req("GET", "/contacts", "b", params={"cursor": cursor})).status_code == 200


@demo("ten-list-tag")
async def _(c: Client) -> None:
    contact = await c.contact("a", tags=["t"])
    assert await c.walk("/contacts", "b", tag="t") == [contact]


@demo("ten-read-403")
async def _(c: Client) -> None:
    contact = await c.contact()
    assert (await c.req("GET", f"/contacts/{contact['id']}", "b")).status_code == 403
    problem(await c.req("GET", f"/contacts/{uuid.uuid4()}", "b"), 404, "not_found")


@demo("ten-read-leak")
async def _(c: Client) -> None:
    contact = await c.contact()
    answer = await c.req("GET", f"/contacts/{contact['id']}", "b")
    assert answer.status_code == 200
    assert answer.json() == contact


@demo("ten-write-unscoped")
async def _(c: Client) -> None:
    contact = await c.contact()
    path = f"/contacts/{contact['id']}"
    assert (await c.req("PATCH", path, "b", json={"name": "z"})).status_code == 200
    assert (await c.req("GET", path)).json()["name"] == "z"
    assert (await c.req("DELETE", path, "b")).status_code == 204


@demo("ten-child-unscoped")
async def _(c: Client) -> None:
    contact = await c.contact()
    assert (await c.interaction(contact["id"], "b")).status_code == 201


@demo("ten-assign-owner")
async def _(c: Client) -> None:
    body = {"name": "x", "tenant_id": "a"}
    created = await c.req("POST", "/contacts", "b", json=body, key=new_key())
    assert created.status_code == 201
    assert [item["id"] for item in await c.walk("/contacts", "a")] == [created.json()["id"]]


@demo("ten-email-global")
async def _(c: Client) -> None:
    await c.contact("a", email="e@example.com")
    body = {"name": "x", "email": "e@example.com"}
    problem(await c.req("POST", "/contacts", "b", json=body, key=new_key()), 409, "email_taken")


@demo("err-plain-404")
async def _(c: Client) -> None:
    answer = await c.req("GET", f"/contacts/{uuid.uuid4()}")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/plain")


@demo("err-bad-request")
async def _(c: Client) -> None:
    answer = await c.req("POST", "/jobs", content=b"{", key=new_key())
    assert answer.status_code == 400
    assert answer.json()["code"] == "bad_request"


@demo("err-unauthorized-code")
async def _(c: Client) -> None:
    answer = await c.req("GET", "/jobs", None)
    assert answer.status_code == 401
    assert answer.json()["code"] == "unauthorized"


@demo("err-validation-no-errors")
async def _(c: Client) -> None:
    answer = await c.req("POST", "/contacts", json={"name": ""}, key=new_key())
    assert "errors" not in problem(answer, 422, "validation_failed")


@demo("location-missing")
async def _(c: Client) -> None:
    answer = await c.req("POST", "/contacts", json={"name": "x"}, key=new_key())
    assert answer.status_code == 201
    assert "location" not in answer.headers


@demo("cache-etag-per-read")
async def _(c: Client) -> None:
    contact = await c.contact()
    path = f"/contacts/{contact['id']}"
    etag = (await c.req("GET", path)).headers["etag"]
    assert (await c.req("GET", path, headers={"If-None-Match": etag})).status_code == 200


@demo("err-unknown-key-ignored")
async def _(c: Client) -> None:
    answer = await c.req(
        "POST", "/contacts", json={"name": "x", "synth_unknown_field": 1}, key=new_key()
    )
    assert answer.status_code == 201


@demo("patch-absent-as-null")
async def _(c: Client) -> None:
    contact = await c.contact(email="ada@example.com")
    path = f"/contacts/{contact['id']}"
    assert (await c.req("PATCH", path, json={"name": "Ada"})).status_code == 200
    assert (await c.req("GET", path)).json()["email"] is None


@demo("request-id-not-echoed")
async def _(c: Client) -> None:
    answer = await c.req("GET", "/contacts", headers={"X-Request-Id": "synth-r1"})
    assert answer.status_code == 200
    assert answer.headers["x-request-id"] != "synth-r1"


@demo("problem-without-request-id")
async def _(c: Client) -> None:
    answer = await c.req("GET", "/contacts", None, headers={"X-Request-Id": "synth-r2"})
    assert answer.status_code == 401
    assert answer.headers["x-request-id"] == "synth-r2"
    assert "instance" not in answer.json()


async def _job(c: Client, tenant: str) -> str:
    answer = await c.req("POST", "/jobs", tenant, json={"kind": "export_contacts"}, key=new_key())
    return str(answer.json()["id"])


async def _burst(c: Client, tenant: str, job_id: str) -> list[httpx.Response]:
    """A quiet window, then GET /jobs/{id} until 429 (at most 41 times, the limit of 20 per
    5 s: 2 x 20 + 1)."""
    await asyncio.sleep(5.1)
    answers = []
    for _ in range(41):
        answers.append(await c.req("GET", f"/jobs/{job_id}", tenant))
        if answers[-1].status_code == 429:
            break
    return answers


@demo("rate-not-enforced")
async def _(c: Client) -> None:
    answers = await _burst(c, "a", await _job(c, "a"))
    assert [a.status_code for a in answers] == [200] * 41


@demo("rate-shared-across-tenants")
async def _(c: Client) -> None:
    mine, theirs = await _job(c, "a"), await _job(c, "b")
    assert (await _burst(c, "a", mine))[-1].status_code == 429
    assert (await c.req("GET", f"/jobs/{theirs}", "b")).status_code == 429


@demo("rate-no-retry-after")
async def _(c: Client) -> None:
    limited = (await _burst(c, "a", await _job(c, "a")))[-1]
    assert limited.status_code == 429
    assert "retry-after" not in limited.headers


@demo("slow-operation")
async def _(c: Client) -> None:
    contact = await c.contact()
    # The switch takes the slow path (a 250 ms stall); how long it takes is synth's to judge
    # (tests/testing/test_mutation.py), not a timed assertion here.
    with mock.patch.object(reference_app, "_stall", mock.AsyncMock()) as stall:
        assert (await c.req("GET", f"/contacts/{contact['id']}")).status_code == 200
    stall.assert_awaited_once()


# What a bug may name besides a catalogue id: the schema conformance check (a declared
# response header left out, say), which every operation runs, and the latency objectives
# that --enforce-slo judges.
CONFORMANCE = "CONFORMANCE"
SLO = "SLO"


def test_every_bug_has_a_demo_and_every_invariant_a_bug() -> None:
    """Every invariant the CRM's contracts make applicable has a planted bug here; each one
    they do not (UPSERT-STATUS needs a PUT upsert) has one in an example API that declares it."""
    assert set(DEMOS) == set(BUGS)
    crm = {inv.id for _, inv in applicable(synth.load(ROOT / "contracts"))}
    planted = {bug.invariant for bug in BUGS.values()}
    assert planted == crm | {CONFORMANCE, SLO}
    elsewhere = {bug.invariant for name in discover() for bug in load(name).BUGS if not bug.missed}
    assert {entry.id for entry in CATALOGUE} - crm <= elsewhere
    assert all(bug.description and bug.sequence for bug in BUGS.values())


def test_every_bug_names_an_invariant_of_the_catalogue() -> None:
    unknown = {
        bug.id: bug.invariant
        for bug in BUGS.values()
        if bug.invariant not in BY_ID and bug.invariant not in (CONFORMANCE, SLO)
    }
    assert not unknown


def test_every_family_of_the_catalogue_has_a_planted_bug() -> None:
    planted = {BY_ID[bug.invariant].family for bug in BUGS.values() if bug.invariant in BY_ID}
    assert planted == set(FAMILIES)


@pytest.mark.parametrize("bug_id", sorted(DEMOS))
def test_bug_is_present_when_switched_on(bug_id: str) -> None:
    run(DEMOS[bug_id], bugs={bug_id}, work_delay=0.02)


@pytest.mark.parametrize("bug_id", sorted(DEMOS))
def test_bug_is_absent_from_the_correct_server(bug_id: str) -> None:
    with pytest.raises(AssertionError):
        run(DEMOS[bug_id], work_delay=0.02)


def test_unknown_bug_switches_are_refused() -> None:
    assert parse_bugs(" page-offset, ,ten-read-403") == {"page-offset", "ten-read-403"}
    with pytest.raises(ValueError, match="unknown bug switch"):
        parse_bugs("no-such-bug")
