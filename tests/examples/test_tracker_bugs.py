"""The tracker's planted bugs (examples/tracker/example.py): each shows the defect its description
names, and the same requests get the correct answer with the switch off."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from examples.tracker import server
from examples.tracker.example import BUGS, TENANTS

A = {"Authorization": f"Bearer {TENANTS['a']}"}
B = {"Authorization": f"Bearer {TENANTS['b']}"}
Http = httpx.AsyncClient
Scenario = Callable[[Http], Awaitable[Any]]


async def _project(http: Http, key: str = "WEB", idem: str | None = None) -> str:
    headers = {**A, "Idempotency-Key": idem or f"k-{key}"}
    created = await http.post("/projects", json={"key": key, "name": key}, headers=headers)
    assert created.status_code == 201, created.text
    project: str = created.json()["id"]
    return project


async def _tasks(http: Http, project: str, n: int) -> None:
    for i in range(n):
        made = await http.post(f"/projects/{project}/tasks", json={"title": f"t{i}"}, headers=A)
        assert made.status_code == 201, made.text


async def _walk(http: Http, path: str, limit: int) -> list[Any]:
    items: list[Any] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        page = (await http.get(path, params=params, headers=A)).json()
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


async def idem_replay_creates(http: Http) -> Any:
    first = await http.post("/projects", json={"key": "WEB", "name": "W"},
                            headers={**A, "Idempotency-Key": "k"})  # fmt: skip
    again = await http.post("/projects", json={"key": "WEB", "name": "W"},
                            headers={**A, "Idempotency-Key": "k"})  # fmt: skip
    return again.status_code, again.json() == first.json(), again.headers.get("idempotent-replayed")


async def idem_ignore_body(http: Http) -> Any:
    await _project(http, "WEB", idem="k")
    other = await http.post("/projects", json={"key": "APP", "name": "A"},
                            headers={**A, "Idempotency-Key": "k"})  # fmt: skip
    return other.status_code, other.json()["code"] if other.status_code != 201 else None


async def page_tasks_skip(http: Http) -> Any:
    project = await _project(http)
    await _tasks(http, project, 5)
    return [t["number"] for t in await _walk(http, f"/projects/{project}/tasks", 2)]


async def page_projects_oldest_first(http: Http) -> Any:
    made = [await _project(http, key) for key in ("AA", "BB", "CC")]
    walked = [p["id"] for p in await _walk(http, "/projects", 2)]
    return walked == made[::-1], sorted(walked) == sorted(made)


async def page_activity_offset(http: Http) -> Any:
    """Two notes, a first page of one, then a task created in a project (which adds a line to
    the feed's head) before the second page: the messages of the notes walked."""
    for message in ("first", "second"):
        made = await http.post("/activity", json={"message": message},
                               headers={**A, "Idempotency-Key": message})  # fmt: skip
        assert made.status_code == 201, made.text
    page = (await http.get("/activity", params={"limit": 1}, headers=A)).json()
    await _tasks(http, await _project(http), 1)
    rest = await http.get("/activity", params={"limit": 5, "cursor": page["next_cursor"]},
                          headers=A)  # fmt: skip
    return [a["message"] for a in page["items"] + rest.json()["items"] if a["kind"] == "note"]


async def page_limit_unbounded(http: Http) -> Any:
    return [(await http.get("/projects", params={"limit": n}, headers=A)).status_code
            for n in (100, 101, 100000)]  # fmt: skip


async def page_cursor_unsigned(http: Http) -> Any:
    """A cursor whose task number was set back to 0 (signature kept): refused, or honoured."""
    project = await _project(http)
    await _tasks(http, project, 4)
    path = f"/projects/{project}/tasks"
    cursor = (await http.get(path, params={"limit": 2}, headers=A)).json()["next_cursor"]
    token, _, mac = cursor.partition(".")
    data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    data["n"] = 0
    edited = base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    page = await http.get(path, params={"limit": 2, "cursor": f"{edited}.{mac}"}, headers=A)
    return page.status_code, [t["number"] for t in page.json().get("items", [])]


async def ten_projects_list_all(http: Http) -> Any:
    await _project(http)
    return len((await http.get("/projects", headers=B)).json()["items"])


async def ten_project_key_global(http: Http) -> Any:
    await _project(http, "WEB")
    theirs = await http.post("/projects", json={"key": "WEB", "name": "Their web"},
                             headers={**B, "Idempotency-Key": "k-b"})  # fmt: skip
    return theirs.status_code, theirs.json().get("code")


async def ten_task_any_org(http: Http) -> Any:
    project = await _project(http)
    await _tasks(http, project, 1)
    theirs = await http.get(f"/projects/{project}/tasks/1", headers=B)
    # Only getTask: B's completeTask on A's task is still refused.
    complete = await http.post(f"/projects/{project}/tasks/1/complete", headers=B)
    return theirs.status_code, complete.status_code


async def err_plain_404(http: Http) -> Any:
    project = await _project(http)
    nowhere = await http.get("/projects/prj_000000000000", headers=A)
    theirs = await http.get(f"/projects/{project}", headers=B)
    return nowhere.status_code, nowhere.headers["content-type"], theirs.headers["content-type"]


async def err_bad_json_code(http: Http) -> Any:
    project = await _project(http)
    answer = await http.post(f"/projects/{project}/tasks", content=b"{", headers=A)
    return answer.status_code, answer.json()["code"]


async def err_task_number_500(http: Http) -> Any:
    project = await _project(http)
    await _tasks(http, project, 1)
    bad = await http.get(f"/projects/{project}/tasks/one", headers=A)
    good = await http.get(f"/projects/{project}/tasks/1", headers=A)
    return bad.status_code, bad.json()["code"], good.status_code


async def cache_etag_static(http: Http) -> Any:
    project = await _project(http)
    read = await http.get(f"/projects/{project}", headers=A)
    put = await http.put(f"/projects/{project}", json={"name": "New"},
                         headers={**A, "If-Match": read.headers["etag"]})  # fmt: skip
    assert put.status_code == 200, put.text
    again = await http.get(f"/projects/{project}", headers=A)
    return put.headers["etag"] == read.headers["etag"], again.headers["etag"] == put.headers["etag"]


async def cache_task_no_304(http: Http) -> Any:
    project = await _project(http)
    await _tasks(http, project, 1)
    read = await http.get(f"/projects/{project}/tasks/1", headers=A)
    cached = await http.get(f"/projects/{project}/tasks/1",
                            headers={**A, "If-None-Match": read.headers["etag"]})  # fmt: skip
    other = await http.get(f"/projects/{project}", headers={**A, "If-None-Match": "*"})
    return cached.status_code, other.status_code


async def corr_id_unchecked(http: Http) -> Any:
    mine = "3f2b8c1e-9d4a-4e7b-8c2f-1a6d5e4b3c2a"
    echoed = await http.get("/projects", headers={**A, "X-Correlation-Id": mine})
    odd = await http.get("/projects", headers={**A, "X-Correlation-Id": "not a uuid"})
    refused = await http.get("/projects", headers={"X-Correlation-Id": mine})
    return (
        echoed.headers["x-correlation-id"] == mine,
        odd.headers["x-correlation-id"] == "not a uuid",
        refused.json()["correlation_id"] == refused.headers["x-correlation-id"] == mine,
    )


PROBLEM, PLAIN = "application/problem+json", "text/plain; charset=utf-8"
VALIDATION = "validation_failed"
# bug id -> (the requests, what the correct server answers, what the planted bug answers)
CASES: dict[str, tuple[Scenario, Any, Any]] = {
    "idem-replay-creates": (idem_replay_creates, (201, True, "true"), (409, False, None)),
    "idem-ignore-body": (idem_ignore_body, (422, "idempotency_key_reused"), (201, None)),
    "page-tasks-skip": (page_tasks_skip, [1, 2, 3, 4, 5], [1, 2, 4, 5]),
    "page-projects-oldest-first": (page_projects_oldest_first, (True, True), (False, True)),
    "page-activity-offset": (
        page_activity_offset,
        ["second", "first"],
        ["second", "second", "first"],
    ),
    "page-limit-unbounded": (page_limit_unbounded, [200, 422, 422], [200, 200, 200]),
    "page-cursor-unsigned": (page_cursor_unsigned, (400, []), (200, [1, 2])),
    "ten-projects-list-all": (ten_projects_list_all, 0, 1),
    "ten-project-key-global": (ten_project_key_global, (201, None), (409, "project_key_taken")),
    "ten-task-any-org": (ten_task_any_org, (404, 404), (200, 404)),
    "err-plain-404": (err_plain_404, (404, PROBLEM, PROBLEM), (404, PLAIN, PROBLEM)),
    "err-bad-json-code": (err_bad_json_code, (400, "invalid_request"), (400, "bad_request")),
    "err-task-number-500": (
        err_task_number_500,
        (422, VALIDATION, 200),
        (500, "internal_error", 200),
    ),
    "cache-etag-static": (cache_etag_static, (False, True), (True, True)),
    "cache-task-no-304": (cache_task_no_304, (304, 304), (200, 304)),
    "corr-id-unchecked": (corr_id_unchecked, (True, False, True), (True, True, True)),
}


def test_every_planted_bug_has_a_case() -> None:
    assert sorted(CASES) == sorted(bug.id for bug in BUGS)


async def _observe(scenario: Scenario) -> Any:
    transport = httpx.ASGITransport(app=server.app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://tracker.test/v1") as http:
        return await scenario(http)


@pytest.mark.parametrize("bug", sorted(CASES))
def test_planted_bug_changes_what_it_says(bug: str, monkeypatch: pytest.MonkeyPatch) -> None:
    scenario, correct, defective = CASES[bug]
    monkeypatch.setattr(server, "STORE", server.Store())
    assert asyncio.run(_observe(scenario)) == correct
    monkeypatch.setattr(server, "STORE", server.Store(bugs=frozenset({bug})))
    assert asyncio.run(_observe(scenario)) == defective
