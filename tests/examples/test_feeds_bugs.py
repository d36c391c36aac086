"""The feeds example (examples/feeds): each planted bug shows the defect its description names
and the same requests get the correct answer with the switch off; and the correct server keeps
the promises of each paging style, its tokens and its filters."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from examples.feeds import server
from examples.feeds.example import BUGS, TENANTS

A = {"Authorization": f"Bearer {TENANTS['a']}"}
B = {"Authorization": f"Bearer {TENANTS['b']}"}
Http = httpx.AsyncClient
Scenario = Callable[[Http], Awaitable[Any]]
PROBLEM = "application/problem+json"


async def _made(answer: Awaitable[httpx.Response]) -> Any:
    made = await answer
    assert made.status_code == 201, made.text
    return made.json()


async def _publisher(http: Http, name: str = "Night Shift", country: str = "FR") -> str:
    body = {"name": name, "country": country, "founded": 2015}
    made = await _made(http.post("/publishers", json=body, headers={**A, "Idempotency-Key": name}))
    publisher: str = made["id"]
    return publisher


async def _episodes(http: Http, publisher: str, durations: list[int]) -> list[str]:
    ids = []
    for i, seconds in enumerate(durations):
        body = {
            "title": f"Episode {i}",
            "duration_s": seconds,
            "published_at": f"2024-03-{i + 1:02d}T08:00:00+02:00",
        }
        ids.append((await _made(http.post(f"/publishers/{publisher}/episodes", json=body,
                                          headers=A)))["id"])  # fmt: skip
    return ids


async def _comments(http: Http, n: int) -> str:
    publisher = await _publisher(http, "Comments Club")
    [episode] = await _episodes(http, publisher, [600])
    path = f"/publishers/{publisher}/episodes/{episode}/comments"
    for i in range(n):
        body = {
            "body": f"c{i}",
            "author": {"handle": f"@fan{i}", "country": "FR" if i % 2 else "DE"},
        }
        await _made(http.post(path, json=body, headers=A))
    return path


async def _walk_offset(http: Http, limit: int) -> list[str]:
    names: list[str] = []
    while True:
        page = await http.get(
            "/publishers", params={"offset": len(names), "limit": limit}, headers=A
        )
        results = page.json()["results"]
        names += [p["name"] for p in results]
        if len(results) < limit:
            return names


async def _walk_cursor(http: Http, path: str, params: dict[str, Any]) -> list[Any]:
    items: list[Any] = []
    cursor: str | None = None
    while True:
        page = await http.get(path, params={**params, **({"after": cursor} if cursor else {})},
                              headers=A)  # fmt: skip
        assert page.status_code == 200, page.text
        items += page.json()["episodes"]
        cursor = page.json()["next"]
        if cursor is None:
            return items


async def _walk_tokens(http: Http, path: str, size: int) -> list[Any]:
    items: list[Any] = []
    token = ""
    while True:
        page = (await http.get(path, params={"page_size": size, "page_token": token},
                               headers=A)).json()  # fmt: skip
        items += page["comments"]
        token = page["next_page_token"]
        if not token:
            return items


async def _walk_after(http: Http, limit: int) -> list[str]:
    emails: list[str] = []
    last: str | None = None
    while True:
        params: dict[str, Any] = {"limit": limit, **({"starting_after": last} if last else {})}
        page = (await http.get("/subscribers", params=params, headers=A)).json()
        emails += [s["email"] for s in page["data"]]
        if not page["has_more"]:
            return emails
        last = page["data"][-1]["id"]


async def _walk_links(http: Http, per_page: int) -> list[int]:
    positions: list[int] = []
    url: str | None = f"/events?per_page={per_page}"
    while url:
        page = await http.get(url, headers=A)
        positions += [e["position_s"] for e in page.json()]
        # httpx parses the RFC 8288 Link header (Response.links, keyed by rel).
        url = page.links.get("next", {}).get("url")
    return positions


async def _walk_pages(http: Http, per_page: int) -> list[str]:
    names: list[str] = []
    number = 1
    while True:
        page = await http.get(
            "/playlists", params={"page": number, "per_page": per_page}, headers=A
        )
        items = page.json()["items"]
        names += [p["name"] for p in items]
        if len(items) < per_page:
            return names
        number += 1


# ---------------------------------------------------------------- the planted bugs


async def idem_key_ignores_body(http: Http) -> Any:
    await _publisher(http, "Night Shift")
    other = {"name": "Day Shift", "country": "DE", "founded": 2001}
    again = await http.post("/publishers", json=other,
                            headers={**A, "Idempotency-Key": "Night Shift"})  # fmt: skip
    return again.status_code, again.json().get("code")


async def page_offset_skip(http: Http) -> Any:
    for name in ("P0", "P1", "P2", "P3", "P4"):
        await _publisher(http, name)
    return await _walk_offset(http, 2)


async def page_number_repeat(http: Http) -> Any:
    for name in "abcde":
        await _made(http.post("/playlists", json={"name": name}, headers=A))
    return await _walk_pages(http, 2)


async def _subscribers(http: Http, n: int) -> list[str]:
    ids = []
    for i in range(n):
        body = {"email": f"s{i}@feeds.fm", "joined_on": f"2024-01-{i + 1:02d}"}
        ids.append((await _made(http.post("/subscribers", json=body, headers=A)))["id"])
    return ids


async def page_has_more_early(http: Http) -> Any:
    await _subscribers(http, 5)
    return await _walk_after(http, 2)


async def _events(http: Http, kinds: str) -> None:
    for i, kind in enumerate(kinds.split()):
        body = {"kind": kind, "episode_id": "ep_0123456789ab", "position_s": i,
                "occurred_at": f"2024-05-01T10:00:{i:02d}Z"}  # fmt: skip
        await _made(http.post("/events", json=body, headers=A))


async def page_link_next_lost(http: Http) -> Any:
    await _events(http, "play pause play complete share")
    return await _walk_links(http, 2)


def _edited(token: str, **changes: Any) -> str:
    payload, _, signature = token.partition(".")
    position = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    position.update(changes)
    text = base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")
    return f"{text}.{signature}"


async def page_token_unsigned(http: Http) -> Any:
    path = await _comments(http, 4)
    token = (await http.get(path, params={"page_size": 2}, headers=A)).json()["next_page_token"]
    edited = _edited(token, created_at="2000-01-01T00:00:00+00:00", id=0)
    page = await http.get(path, params={"page_size": 2, "page_token": edited}, headers=A)
    return page.status_code, [c["body"] for c in page.json().get("comments", [])]


async def filter_lte_as_lt(http: Http) -> Any:
    publisher = await _publisher(http)
    await _episodes(http, publisher, [60, 120, 180])
    walked = await _walk_cursor(http, f"/publishers/{publisher}/episodes",
                                {"max_duration": 120, "sort": "-duration_s"})  # fmt: skip
    return [e["duration_s"] for e in walked]


async def filter_in_first_only(http: Http) -> Any:
    for name, country in (("Le Son", "FR"), ("Der Ton", "DE"), ("The Sound", "US")):
        await _publisher(http, name, country)
    page = await http.get("/publishers", params={"country": "FR,DE"}, headers=A)
    await _events(http, "play pause share")
    events = await http.get("/events", params={"kind": "share,play"}, headers=A)
    return (
        sorted(p["country"] for p in page.json()["results"]),
        page.json()["count"],
        sorted(e["kind"] for e in events.json()),
    )


async def count_ignores_country(http: Http) -> Any:
    for name, country in (("Le Son", "FR"), ("Der Ton", "DE"), ("The Sound", "US")):
        await _publisher(http, name, country)
    page = await http.get("/publishers", params={"country": "FR"}, headers=A)
    return [p["country"] for p in page.json()["results"]], page.json()["count"]


async def ten_subscriber_any_workspace(http: Http) -> Any:
    [theirs] = await _subscribers(http, 1)
    nowhere = await http.get("/subscribers/sub_000000000000", headers=B)
    other = await http.get(f"/subscribers/{theirs}", headers=B)
    return nowhere.status_code, other.status_code


async def err_playlist_404_no_code(http: Http) -> Any:
    answer = await http.get("/playlists/999999", headers=A)
    return answer.status_code, answer.headers["content-type"], answer.json().get("code")


async def cache_no_304(http: Http) -> Any:
    publisher = await _publisher(http)
    read = await http.get(f"/publishers/{publisher}", headers=A)
    again = await http.get(f"/publishers/{publisher}",
                           headers={**A, "If-None-Match": read.headers["etag"]})  # fmt: skip
    return again.status_code, again.headers["etag"] == read.headers["etag"]


async def patch_country_reset(http: Http) -> Any:
    publisher = await _publisher(http, country="FR")
    await http.patch(f"/publishers/{publisher}", json={"name": "Day Shift"}, headers=A)
    return (await http.get(f"/publishers/{publisher}", headers=A)).json()["country"]


# bug id -> (the requests, what the correct server answers, what the planted bug answers)
CASES: dict[str, tuple[Scenario, Any, Any]] = {
    "idem-key-ignores-body": (
        idem_key_ignores_body,
        (422, "idempotency_key_reused"),
        (201, None),
    ),
    "page-offset-skip": (
        page_offset_skip,
        ["P0", "P1", "P2", "P3", "P4"],
        ["P0", "P1", "P3", "P4"],
    ),
    "page-number-repeat": (page_number_repeat, list("edcba"), list("eddcba")),
    "page-has-more-early": (
        page_has_more_early,
        [f"s{i}@feeds.fm" for i in (4, 3, 2, 1, 0)],
        [f"s{i}@feeds.fm" for i in (4, 3, 2, 1)],
    ),
    "page-link-next-lost": (page_link_next_lost, [0, 1, 2, 3, 4], [0, 1, 2, 3]),
    "page-token-unsigned": (page_token_unsigned, (400, []), (200, ["c0", "c1"])),
    "filter-lte-as-lt": (filter_lte_as_lt, [120, 60], [60]),
    "filter-in-first-only": (
        filter_in_first_only,
        (["DE", "FR"], 2, ["play", "share"]),
        (["FR"], 1, ["share"]),
    ),
    "count-ignores-country": (count_ignores_country, (["FR"], 1), (["FR"], 3)),
    "ten-subscriber-any-workspace": (ten_subscriber_any_workspace, (404, 404), (404, 200)),
    "err-playlist-404-no-code": (
        err_playlist_404_no_code,
        (404, PROBLEM, "not_found"),
        (404, PROBLEM, None),
    ),
    "cache-no-304": (cache_no_304, (304, True), (200, True)),
    "patch-country-reset": (patch_country_reset, "FR", "US"),
}


def test_every_planted_bug_has_a_case() -> None:
    assert sorted(CASES) == sorted(bug.id for bug in BUGS)


async def _observe(scenario: Scenario) -> Any:
    transport = httpx.ASGITransport(app=server.app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://feeds.test/v1") as http:
        return await scenario(http)


def _run(scenario: Scenario, monkeypatch: pytest.MonkeyPatch, bugs: frozenset[str]) -> Any:
    monkeypatch.setattr(server, "STORE", server.Store(bugs=bugs))
    return asyncio.run(_observe(scenario))


@pytest.mark.parametrize("bug", sorted(CASES))
def test_planted_bug_changes_what_it_says(bug: str, monkeypatch: pytest.MonkeyPatch) -> None:
    scenario, correct, defective = CASES[bug]
    assert _run(scenario, monkeypatch, frozenset()) == correct
    assert _run(scenario, monkeypatch, frozenset({bug})) == defective


# ---------------------------------------------------------------- the correct server


async def every_sort_walks_every_episode(http: Http) -> Any:
    publisher = await _publisher(http)
    await _episodes(http, publisher, [300, 100, 300, 200, 100])
    path = f"/publishers/{publisher}/episodes"
    walks = {}
    for sort in ("-published_at", "published_at", "-duration_s"):
        walked = await _walk_cursor(http, path, {"sort": sort, "count": 2})
        walks[sort] = [e["title"] for e in walked]
    default = [e["title"] for e in await _walk_cursor(http, path, {"count": 3})]
    return walks, default


def test_every_sort_walks_every_episode_once_in_its_order(monkeypatch: pytest.MonkeyPatch) -> None:
    walks, default = _run(every_sort_walks_every_episode, monkeypatch, frozenset())
    newest = [f"Episode {i}" for i in (4, 3, 2, 1, 0)]
    assert walks["-published_at"] == newest == default
    assert walks["published_at"] == newest[::-1]
    by_length = walks["-duration_s"]
    assert sorted(by_length) == sorted(newest)
    assert {by_length[0], by_length[1]} == {"Episode 0", "Episode 2"}  # 300 s, ties by id
    assert {by_length[3], by_length[4]} == {"Episode 1", "Episode 4"}


async def tokens_refused(http: Http) -> Any:
    publisher = await _publisher(http)
    await _episodes(http, publisher, [60, 70, 80])
    path = f"/publishers/{publisher}/episodes"
    cursor = (await http.get(path, params={"count": 1}, headers=A)).json()["next"]
    payload = cursor.partition(".")[0]
    answers = []
    for params in (
        {"after": f"{payload}.sïgnature"},  # a non-ASCII signature
        {"after": f"{payload}.\u00e9\u00e9"},
        {"after": "not-a-cursor"},
        {"after": ""},
        {"after": _edited(cursor, duration_s=1)},
        {"after": cursor, "sort": "-duration_s"},  # minted for another order
    ):
        answer = await http.get(path, params=params, headers=A)
        answers.append((answer.status_code, answer.json()["code"]))
    comments = await _comments(http, 3)
    token = (await http.get(comments, params={"page_size": 1}, headers=A)).json()["next_page_token"]
    theirs = await http.get(comments, headers=B)
    foreign = await http.get(comments, params={"page_token": token}, headers=B)
    answers.append((theirs.status_code, foreign.status_code))
    elsewhere = await http.get(path, params={"after": token}, headers=A)
    answers.append((elsewhere.status_code, elsewhere.json()["code"]))
    return answers


def test_edited_foreign_or_non_ascii_tokens_get_400_invalid_cursor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers = _run(tokens_refused, monkeypatch, frozenset())
    assert answers[:6] == [(400, "invalid_cursor")] * 6
    assert answers[6] == (404, 404)  # another workspace does not see the episode at all
    assert answers[7] == (400, "invalid_cursor")  # a comments token on the episodes list


async def bad_query_values(http: Http) -> Any:
    publisher = await _publisher(http)
    cases: list[tuple[str, dict[str, str | list[str]]]] = [
        (f"/publishers/{publisher}/episodes", {"sort": "title"}),
        (f"/publishers/{publisher}/episodes", {"published_after": "2024-03-01T08:00:00"}),
        (f"/publishers/{publisher}/episodes", {"status": ["draft", "gone"]}),
        (f"/publishers/{publisher}/episodes", {"count": "51"}),
        ("/publishers", {"country": "FR,fr"}),
        ("/publishers", {"limit": "0"}),
        ("/subscribers", {"joined_since": "2024-13-01"}),
        ("/subscribers", {"exclude_plan": "gold"}),
        ("/subscribers", {"ending_before": ""}),
        ("/subscribers", {"starting_after": "cus_123"}),
        ("/events", {"kind": "play,"}),
        ("/playlists", {"more_than": "many"}),
    ]
    answers = []
    for path, params in cases:
        answer = await http.get(path, params=params, headers=A)
        problem = answer.json()
        answers.append((answer.status_code, problem["code"], problem["errors"][0]["loc"]))
    return answers


def test_bad_query_values_get_422_naming_the_parameter(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = _run(bad_query_values, monkeypatch, frozenset())
    names = ["sort", "published_after", "status", "count", "country", "limit", "joined_since",
             "exclude_plan", "ending_before", "starting_after", "kind", "more_than"]  # fmt: skip
    assert answers == [(422, "validation_failed", ["query", name]) for name in names]


async def filters_by_meaning(http: Http) -> Any:
    publisher = await _publisher(http)
    path = f"/publishers/{publisher}/episodes"
    specs = [
        ("Deep Dive", 60, "2024-03-01T08:00:00+02:00", "draft", ["science"]),
        ("the deep end", 120, "2024-03-02T08:00:00Z", "published", ["sport", "science"]),
        ("Shallows", 180, "2024-03-03T08:00:00Z", "scheduled", []),
    ]
    for title, seconds, published, status, tags in specs:
        body = {"title": title, "duration_s": seconds, "published_at": published,
                "status": status, "tags": tags}  # fmt: skip
        await _made(http.post(path, json=body, headers=A))

    async def titles(params: Any) -> list[str]:
        return sorted(e["title"] for e in await _walk_cursor(http, path, params))

    comments = await _comments(http, 4)
    french = (await http.get(comments, params={"author_country": "FR"}, headers=A)).json()
    return [
        await titles({"status": ["draft", "scheduled"]}),
        await titles({"min_duration": 120}),
        await titles({"published_after": "2024-03-01T06:00:00Z"}),  # the same instant: excluded
        await titles({"published_before": "2024-03-02T10:00:00+02:00"}),
        await titles({"tag": "science"}),
        await titles({"q": "DEEP"}),
        [c["author"]["country"] for c in french["comments"]],
    ]


def test_filters_keep_what_their_operator_means(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _run(filters_by_meaning, monkeypatch, frozenset()) == [
        ["Deep Dive", "Shallows"],
        ["Shallows", "the deep end"],
        ["Shallows", "the deep end"],
        ["Deep Dive"],
        ["Deep Dive", "the deep end"],
        ["Deep Dive", "the deep end"],
        ["FR", "FR"],
    ]


async def subscriber_walks(http: Http) -> Any:
    ids = await _subscribers(http, 5)  # newest first: ids[4], ids[3], ...
    first = (await http.get("/subscribers", params={"limit": 2}, headers=A)).json()
    gone = first["data"][-1]["id"]
    assert (await http.delete(f"/subscribers/{gone}", headers=A)).status_code == 204
    rest = (await http.get("/subscribers", params={"starting_after": gone}, headers=A)).json()
    back = await http.get("/subscribers", params={"ending_before": ids[0], "limit": 2}, headers=A)
    unknown = await http.get("/subscribers", params={"starting_after": "sub_000000000000"},
                             headers=A)  # fmt: skip
    theirs = await http.get("/subscribers", params={"starting_after": ids[0]}, headers=B)
    ranged = await http.get("/subscribers", headers=A,
                            params={"joined_since": "2024-01-02", "joined_until": "2024-01-03",
                                    "exclude_plan": "pro", "email_prefix": "s"})  # fmt: skip
    return (
        [s["id"] for s in first["data"]] == [ids[4], ids[3]],
        [s["id"] for s in rest["data"]] == [ids[2], ids[1], ids[0]],
        rest["has_more"],
        ([s["id"] for s in back.json()["data"]] == [ids[2], ids[1]], back.json()["has_more"]),
        sorted(s["email"] for s in ranged.json()["data"]),
        (unknown.status_code, unknown.json()["code"], theirs.status_code),
    )


def test_starting_after_resumes_after_a_deleted_subscriber(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _run(subscriber_walks, monkeypatch, frozenset()) == (
        True,
        True,
        False,
        (True, True),
        ["s1@feeds.fm", "s2@feeds.fm"],
        (400, "invalid_cursor", 400),
    )


async def ends_and_totals(http: Http) -> Any:
    path = await _comments(http, 2)
    # An empty page_token is the first page, as Google APIs (AIP-158) take it.
    last = (await http.get(path, params={"page_size": 2, "page_token": ""}, headers=A)).json()
    await _events(http, "play play")
    events = await http.get("/events", params={"per_page": 2, "kind": "play,share"}, headers=A)
    beyond = await http.get("/events", params={"per_page": 2, "page": 5}, headers=A)
    for name in ("Ab", "Ac", "B"):
        await _publisher(http, name)
    counted = (await http.get("/publishers", params={"name_prefix": "A", "limit": 1},
                              headers=A)).json()  # fmt: skip
    return (
        (last["next_page_token"], len(last["comments"])),
        len(events.json()),
        sorted(str(rel) for rel in events.links),
        beyond.json(),
        "next" in beyond.links,
        (len(counted["results"]), counted["count"]),
    )


def test_last_pages_say_so_and_the_count_is_the_total(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _run(ends_and_totals, monkeypatch, frozenset()) == (
        ("", 2),
        2,
        ["first", "last"],
        [],
        False,
        (1, 2),
    )
