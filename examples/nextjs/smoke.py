"""A smoke check over HTTP of every operation and the invariants most likely to break.

Stands in for ``synth test`` until that command exists: each failure names the invariant id
from DESIGN.md's catalogue. ``python -m examples.nextjs.smoke BASE_URL TOKEN_A TOKEN_B``
exits 1 when something fails. The worker check (``--worker``) needs the app started with
``NEXTJS_WORKER_FAIL_KINDS=recompute_scores``.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

__all__ = ["Smoke", "main"]

PROBLEM = "application/problem+json"


@dataclass
class Smoke:
    """Runs the checks against one server; ``failures`` collects ``(invariant, message)``."""

    base_url: str
    tokens: dict[str, str]
    failures: list[tuple[str, str]] = field(default_factory=list)
    passed: int = 0

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.base_url.rstrip("/") + "/api/v1", timeout=30)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Smoke:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def req(
        self,
        tenant: str | None,
        method: str,
        path: str,
        *,
        json: Any = None,
        key: str | None = None,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
        params: dict[str, Any] | None = None,
    ) -> httpx.Response:
        h = dict(headers or {})
        if tenant is not None:
            h["Authorization"] = f"Bearer {self.tokens[tenant]}"
        if key is not None:
            h["Idempotency-Key"] = key
        return self.http.request(method, path, json=json, headers=h, content=content, params=params)

    def check(self, invariant: str, ok: bool, message: str) -> bool:
        if ok:
            self.passed += 1
        else:
            self.failures.append((invariant, message))
        return ok

    def problem(self, invariant: str, r: httpx.Response, status: int, code: str) -> None:
        body = r.json() if r.headers.get("content-type", "").startswith(PROBLEM) else None
        self.check(
            invariant,
            r.status_code == status and body is not None and body.get("code") == code
            and body.get("status") == status and {"type", "title"} <= body.keys()
            and body.get("instance") == r.headers.get("x-request-id"),
            f"{r.request.method} {r.request.url.path}: expected {status} {code} problem, got "
            f"{r.status_code} {r.text[:200]}",
        )  # fmt: skip

    def contact(self, tenant: str, **fields: Any) -> dict[str, Any]:
        body = {"name": f"smoke {uuid.uuid4().hex[:8]}", **fields}
        r = self.req(tenant, "POST", "/contacts", json=body, key=uuid.uuid4().hex)
        assert r.status_code == 201, r.text
        result: dict[str, Any] = r.json()
        return result

    def walk(
        self, tenant: str, path: str, limit: int, params: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        cursor = None
        for _ in range(1000):
            q = {"limit": limit, **(params or {})}
            if cursor:
                q["cursor"] = cursor
            r = self.req(tenant, "GET", path, params=q)
            assert r.status_code == 200, r.text
            page = r.json()
            self.check(
                "PAGE-LIMIT", len(page["items"]) <= limit, f"{path}: page over limit {limit}"
            )
            items += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                return items
        raise AssertionError("walk did not end")

    # -- the checks ---------------------------------------------------------------------------

    def run(self, worker: bool = False) -> None:
        checks: list[Callable[[], None]] = [
            self.errors, self.idempotency, self.idempotency_concurrent, self.pagination,
            self.tenancy, self.contacts_crud, self.etags, self.interactions, self.jobs,
        ]  # fmt: skip
        if worker:
            checks.append(self.worker)
        for check in checks:
            try:
                check()
            except Exception as exc:  # a crashed check is a reported failure
                self.failures.append((check.__name__, f"crashed: {exc!r}"))

    def errors(self) -> None:
        self.problem("ERR-PROBLEM", self.req(None, "GET", "/contacts"), 401, "unauthenticated")
        r = self.req("a", "POST", "/jobs", content=b"{", key="k-" + uuid.uuid4().hex,
                     headers={"content-type": "application/json"})  # fmt: skip
        self.problem("ERR-DECLARED", r, 400, "invalid_request")
        r = self.req(
            "a", "POST", "/contacts", json={"name": "", "tenant_id": "b"}, key=uuid.uuid4().hex
        )
        self.problem("ERR-VALIDATION", r, 422, "validation_failed")
        locs = [e["loc"] for e in r.json().get("errors", [])]
        self.check("ERR-VALIDATION", ["body", "name"] in locs, f"errors name the field: {locs}")
        self.check("TEN-ASSIGN", ["body", "tenant_id"] in locs, f"tenant_id refused: {locs}")
        self.problem(
            "ERR-VALIDATION", self.req("a", "GET", "/contacts/not-a-uuid"), 422, "validation_failed"
        )
        self.problem(
            "PAGE-LIMIT",
            self.req("a", "GET", "/contacts", params={"limit": 101}),
            422,
            "validation_failed",
        )
        self.problem("ERR-PROBLEM", self.req("a", "GET", f"/jobs/{uuid.uuid4()}"), 404, "not_found")
        rid = "smoke-request-1"
        r = self.req("a", "GET", f"/contacts/{uuid.uuid4()}", headers={"X-Request-Id": rid})
        self.check("ERR-PROBLEM", r.headers.get("x-request-id") == rid and r.json().get("instance") == rid,
                   "X-Request-Id is echoed and is the problem's instance")  # fmt: skip

    def idempotency(self) -> None:
        key = uuid.uuid4().hex
        body = {"name": f"idem {key[:6]}", "tags": ["smoke"]}
        first = self.req("a", "POST", "/contacts", json=body, key=key)
        again = self.req("a", "POST", "/contacts", json=dict(reversed(body.items())), key=key)
        self.check("IDEM-REPLAY", first.status_code == 201 and again.status_code == 201
                   and again.json() == first.json() and again.headers.get("idempotent-replayed") == "true",
                   f"replay: {first.status_code} then {again.status_code} {again.headers.get('idempotent-replayed')}")  # fmt: skip
        r = self.req("a", "POST", "/contacts", json={**body, "name": "other"}, key=key)
        self.problem("IDEM-MISMATCH", r, 422, "idempotency_key_reused")
        self.problem(
            "IDEM-MISSING",
            self.req("a", "POST", "/contacts", json=body),
            400,
            "idempotency_key_missing",
        )
        b = self.req("b", "POST", "/contacts", json=body, key=key)
        self.check("IDEM-TENANT-SCOPE", b.status_code == 201 and b.json()["id"] != first.json()["id"]
                   and b.headers.get("idempotent-replayed") is None, f"B with A's key: {b.status_code} {b.text[:120]}")  # fmt: skip
        # A failed request stores nothing: the corrected retry runs.
        key2 = uuid.uuid4().hex
        self.req("a", "POST", "/contacts", json={"name": ""}, key=key2)
        r = self.req("a", "POST", "/contacts", json={"name": "fixed"}, key=key2)
        self.check("IDEM-REPLAY", r.status_code == 201, f"retry after a 422 runs: {r.status_code}")

    def idempotency_concurrent(self) -> None:
        for _ in range(5):
            key = uuid.uuid4().hex
            name = f"race {key[:8]}"
            with concurrent.futures.ThreadPoolExecutor(6) as pool:
                answers = list(pool.map(
                    lambda _, name=name, key=key: self.req(
                        "c", "POST", "/contacts", json={"name": name}, key=key
                    ),
                    range(6),
                ))  # fmt: skip
            ids = {r.json()["id"] for r in answers if r.status_code == 201}
            statuses = sorted(r.status_code for r in answers)
            found = [c for c in self.walk("c", "/contacts", 100, {"q": name}) if c["name"] == name]
            ok = len(ids) == 1 and len(found) == 1 and set(statuses) <= {201, 409}
            if not self.check("IDEM-CONCURRENT", ok, f"6 concurrent creates with one key: statuses {statuses}, "
                              f"{len(ids)} distinct ids, {len(found)} contacts exist"):  # fmt: skip
                return

    def pagination(self) -> None:
        tag = f"p{uuid.uuid4().hex[:10]}"
        made = [self.contact("a", tags=[tag])["id"] for _ in range(7)]
        for limit in (1, 3, 7, 10):
            seen = [c["id"] for c in self.walk("a", "/contacts", limit, {"tag": tag})]
            self.check(
                "PAGE-COMPLETE",
                sorted(seen) == sorted(made),
                f"limit {limit}: {len(seen)} of {len(made)}",
            )
            self.check(
                "PAGE-ORDER", seen == list(reversed(made)), f"limit {limit}: not newest first"
            )
        r = self.req("a", "GET", "/contacts", params={"tag": tag, "limit": 7})
        self.check(
            "PAGE-END", r.json()["next_cursor"] is None, "exact multiple of limit ends with null"
        )
        empty = self.req("a", "GET", "/contacts", params={"tag": "nothing-" + tag}).json()
        self.check("PAGE-END", empty == {"items": [], "next_cursor": None}, f"empty scope: {empty}")
        cursor = self.req("a", "GET", "/contacts", params={"tag": tag, "limit": 2}).json()[
            "next_cursor"
        ]
        self.problem(
            "PAGE-CURSOR",
            self.req("a", "GET", "/contacts", params={"cursor": "garbage"}),
            400,
            "invalid_cursor",
        )
        self.problem(
            "PAGE-CURSOR",
            self.req("a", "GET", "/contacts", params={"cursor": cursor[:-2] + "AA"}),
            400,
            "invalid_cursor",
        )
        self.problem(
            "PAGE-CURSOR",
            self.req("b", "GET", "/contacts", params={"cursor": cursor, "tag": tag}),
            400,
            "invalid_cursor",
        )
        self.problem(
            "PAGE-CURSOR",
            self.req("a", "GET", "/contacts", params={"cursor": cursor}),
            400,
            "invalid_cursor",
        )
        lower = self.contact("a", name=f"ÉCOLE Straße {tag}")
        found = self.walk("a", "/contacts", 50, {"q": f"école straße {tag}"})
        self.check(
            "PAGE-FILTER",
            [c["id"] for c in found] == [lower["id"]],
            f"q is case-insensitive: {len(found)}",
        )

    def tenancy(self) -> None:
        tag = f"t{uuid.uuid4().hex[:10]}"
        a = self.contact("a", tags=[tag], email=f"{tag}@example.com")
        cid = a["id"]
        self.check(
            "TEN-LIST", self.walk("b", "/contacts", 100, {"tag": tag}) == [], "B lists A's contact"
        )
        missing = self.req("b", "GET", f"/contacts/{uuid.uuid4()}")
        r = self.req("b", "GET", f"/contacts/{cid}")
        self.check("TEN-READ", (r.status_code, r.json().get("code")) == (missing.status_code, missing.json().get("code")) == (404, "not_found"),
                   f"B reads A's contact: {r.status_code}")  # fmt: skip
        self.problem(
            "TEN-WRITE",
            self.req("b", "PATCH", f"/contacts/{cid}", json={"name": "hijacked"}),
            404,
            "not_found",
        )
        self.problem("TEN-WRITE", self.req("b", "DELETE", f"/contacts/{cid}"), 404, "not_found")
        self.check(
            "TEN-WRITE",
            self.req("a", "GET", f"/contacts/{cid}").json() == a,
            "A's contact unchanged",
        )
        inter = {"type": "note", "occurred_at": "2024-05-01T12:00:00Z", "summary": "s"}
        self.problem(
            "TEN-CHILD",
            self.req(
                "b", "POST", f"/contacts/{cid}/interactions", json=inter, key=uuid.uuid4().hex
            ),
            404,
            "not_found",
        )
        self.problem(
            "TEN-CHILD", self.req("b", "GET", f"/contacts/{cid}/interactions"), 404, "not_found"
        )
        r = self.req(
            "b",
            "POST",
            "/contacts",
            json={"name": "b", "email": f"{tag}@example.com"},
            key=uuid.uuid4().hex,
        )
        self.check(
            "TEN-NONINTERFERENCE",
            r.status_code == 201,
            f"B may use an email A uses: {r.status_code}",
        )
        r = self.req(
            "a",
            "POST",
            "/contacts",
            json={"name": "a2", "email": f"{tag}@EXAMPLE.com"},
            key=uuid.uuid4().hex,
        )
        self.problem("ERR-DECLARED", r, 409, "email_taken")
        job = self.req(
            "a", "POST", "/jobs", json={"kind": "export_contacts"}, key=uuid.uuid4().hex
        ).json()
        self.problem("TEN-READ", self.req("b", "GET", f"/jobs/{job['id']}"), 404, "not_found")
        self.check(
            "TEN-LIST",
            all(j["id"] != job["id"] for j in self.walk("b", "/jobs", 100)),
            "B lists A's job",
        )

    def contacts_crud(self) -> None:
        c = self.contact("a", email=f"{uuid.uuid4().hex[:8]}@example.com", phone="+4915112345678")
        r = self.req("a", "PATCH", f"/contacts/{c['id']}", json={"name": "renamed"})
        body = r.json()
        self.check("ERR-DECLARED", r.status_code == 200 and body["name"] == "renamed" and body["email"] == c["email"]
                   and body["phone"] == c["phone"], f"PATCH changes only what was sent: {r.text[:200]}")  # fmt: skip
        r = self.req("a", "PATCH", f"/contacts/{c['id']}", json={"email": None})
        self.check(
            "ERR-DECLARED", r.status_code == 200 and r.json()["email"] is None, "PATCH clears email"
        )
        self.problem(
            "ERR-VALIDATION",
            self.req("a", "PATCH", f"/contacts/{c['id']}", json={}),
            422,
            "validation_failed",
        )
        r = self.req("a", "DELETE", f"/contacts/{c['id']}")
        self.check(
            "ERR-DECLARED", r.status_code == 204 and r.content == b"", f"DELETE: {r.status_code}"
        )
        self.problem("ERR-DECLARED", self.req("a", "GET", f"/contacts/{c['id']}"), 404, "not_found")

    def etags(self) -> None:
        c = self.contact("a")
        r = self.req("a", "GET", f"/contacts/{c['id']}")
        etag = r.headers.get("etag")
        self.check("CACHE-ETAG", bool(etag), "GET has an ETag")
        r = self.req("a", "GET", f"/contacts/{c['id']}", headers={"If-None-Match": etag or ""})
        self.check(
            "CACHE-ETAG",
            r.status_code == 304 and r.content == b"",
            f"If-None-Match: {r.status_code}",
        )
        r = self.req(
            "a",
            "PATCH",
            f"/contacts/{c['id']}",
            json={"name": "v2"},
            headers={"If-Match": etag or ""},
        )
        self.check(
            "CACHE-ETAG",
            r.status_code == 200 and r.headers.get("etag") not in (None, etag),
            "If-Match current",
        )
        r = self.req(
            "a",
            "PATCH",
            f"/contacts/{c['id']}",
            json={"name": "v3"},
            headers={"If-Match": etag or ""},
        )
        self.problem("CACHE-ETAG", r, 412, "precondition_failed")

    def interactions(self) -> None:
        c = self.contact("a")
        times = [
            "2024-05-01T13:00:00+02:00",
            "2024-05-01T10:00:00.5Z",
            "2024-05-01T10:00:00.5Z",
            "2023-01-01T00:00:00Z",
        ]
        made = []
        for i, at in enumerate(times):
            r = self.req("a", "POST", f"/contacts/{c['id']}/interactions", key=uuid.uuid4().hex,
                         json={"type": "note" if i % 2 else "call", "occurred_at": at, "summary": f"s{i}"})  # fmt: skip
            assert r.status_code == 201, r.text
            made.append(r.json())
        self.check(
            "ERR-DECLARED",
            made[1]["occurred_at"] == "2024-05-01T10:00:00.500000Z",
            f"occurred_at echo: {made[1]['occurred_at']}",
        )
        seen = self.walk("a", f"/contacts/{c['id']}/interactions", 1)
        tie = sorted([made[1]["id"], made[2]["id"]], reverse=True)
        expected = [made[0]["id"], *tie, made[3]["id"]]
        self.check("PAGE-ORDER", [i["id"] for i in seen] == expected, "occurred_at desc, id desc")
        notes = self.walk("a", f"/contacts/{c['id']}/interactions", 2, {"type": "note"})
        self.check(
            "PAGE-FILTER",
            [i["id"] for i in notes] == [i["id"] for i in seen if i["type"] == "note"],
            "type filter",
        )

    def jobs(self) -> None:
        made = [
            self.req(
                "b",
                "POST",
                "/jobs",
                json={"kind": "export_contacts", "max_attempts": 2},
                key=uuid.uuid4().hex,
            )
            for _ in range(3)
        ]
        self.check("ERR-DECLARED", all(r.status_code == 202 for r in made), "POST /jobs is 202")
        job = made[0].json()
        self.check(
            "ERR-DECLARED",
            job["status"] == "queued" and job["attempts"] == 0 and job["max_attempts"] == 2,
            f"new job: {job}",
        )
        r = self.req("b", "GET", f"/jobs/{job['id']}")
        self.check(
            "ERR-DECLARED", r.status_code == 200 and r.json()["id"] == job["id"], "GET /jobs/{id}"
        )
        ids = [j["id"] for j in self.walk("b", "/jobs", 2)]
        self.check(
            "PAGE-ORDER",
            ids.index(made[2].json()["id"]) < ids.index(job["id"]),
            "jobs newest first",
        )
        self.problem(
            "ERR-VALIDATION",
            self.req("b", "GET", "/jobs", params={"status": "bogus"}),
            422,
            "validation_failed",
        )

    def worker(self) -> None:
        ok = self.req(
            "a", "POST", "/jobs", json={"kind": "export_contacts"}, key=uuid.uuid4().hex
        ).json()
        bad = self.req(
            "a",
            "POST",
            "/jobs",
            json={"kind": "recompute_scores", "max_attempts": 2},
            key=uuid.uuid4().hex,
        ).json()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            a = self.req("a", "GET", f"/jobs/{ok['id']}").json()
            b = self.req("a", "GET", f"/jobs/{bad['id']}").json()
            if a["status"] == "succeeded" and b["status"] == "dead_lettered":
                break
            time.sleep(0.3)
        self.check(
            "JOB-WORKER", a["status"] == "succeeded" and a["attempts"] == 1, f"job runs: {a}"
        )
        self.check("JOB-WORKER", b["status"] == "dead_lettered" and b["attempts"] == 2 and b["last_error"],
                   f"retried, then dead-lettered: {b}")  # fmt: skip
        listed = self.walk("a", "/jobs", 50, {"status": "dead_lettered"})
        self.check("JOB-WORKER", bad["id"] in [j["id"] for j in listed], "status filter finds it")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m examples.nextjs.smoke")
    parser.add_argument("base_url")
    parser.add_argument("--tenant", action="append", default=[], help="NAME=TOKEN (a, b and c)")
    parser.add_argument("--worker", action="store_true", help="also check the job worker")
    args = parser.parse_args(argv)
    tokens = {"a": "token-a", "b": "token-b", "c": "token-c"}
    tokens.update(dict(item.split("=", 1) for item in args.tenant))
    with Smoke(args.base_url, tokens) as smoke:
        smoke.run(worker=args.worker)
    for invariant, message in smoke.failures:
        print(f"FAILED {invariant}: {message}")
    print(f"smoke: {smoke.passed} passed, {len(smoke.failures)} failed")
    return 1 if smoke.failures else 0


if __name__ == "__main__":
    sys.exit(main())
