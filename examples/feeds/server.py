"""In-memory podcast feeds service implementing examples/feeds/contracts.

Run: python -m examples.feeds.server --port 8790   (tokens in examples/feeds/README.md)
Planted bugs (examples/feeds/example.py): --bug ID, repeatable; the correct server has none.

Each list pages in its own style: publishers by offset with a count, episodes by a signed keyset
cursor with a client-chosen sort, comments by signed page tokens, subscribers Stripe-style,
events through the Link header, playlists by page number.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import functools
import hashlib
import hmac
import json
import math
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from examples.feeds.contracts.models import (
    CommentCreate,
    EpisodeCreate,
    EventCreate,
    PlaylistCreate,
    PublisherCreate,
    PublisherUpdate,
    SubscriberCreate,
)
from examples.feeds.example import BUGS, TENANTS

BASE = "/v1"
M = TypeVar("M", bound=BaseModel)
Row = dict[str, Any]
WORKSPACES = {secret: name for name, secret in TENANTS.items()}
TITLES = {
    "unauthenticated": "Unauthenticated",
    "not_found": "Not found",
    "validation_failed": "Validation failed",
    "invalid_request": "Invalid request",
    "internal_error": "Internal error",
    "idempotency_key_missing": "Idempotency key missing",
    "idempotency_key_reused": "Idempotency key reused",
    "invalid_cursor": "Invalid cursor",
    "precondition_failed": "Precondition failed",
}
EPISODE_STATUSES = ("draft", "scheduled", "published")
PLANS = ("free", "plus", "pro")
EVENT_KINDS = ("play", "pause", "complete", "share")
VISIBILITIES = ("public", "unlisted", "private")
EPISODE_SORTS: dict[str, tuple[str, ...]] = {
    "-published_at": ("-published_at", "id"),
    "published_at": ("published_at", "id"),
    "-duration_s": ("-duration_s", "id"),
}
COUNTRY = re.compile(r"[A-Z]{2}")
TAG = re.compile(r"[a-z][a-z0-9-]{0,23}")
# RFC 3339 date-time with a mandatory offset (what the contract's DateTime documents).
DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([Zz]|[+-]\d{2}:\d{2})")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Problem(Exception):
    """An RFC 9457 problem answer; `errors` lists the fields at fault (loc, msg, type)."""

    def __init__(
        self, status: int, code: str, detail: str, errors: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(code)
        self.status, self.code, self.detail, self.errors = status, code, detail, errors

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": f"https://feeds.example/problems/{self.code.replace('_', '-')}",
            "title": TITLES[self.code],
            "status": self.status,
            "code": self.code,
            "detail": self.detail,
        }
        if self.errors is not None:
            body["errors"] = self.errors
        return body

    def response(self) -> Response:
        headers = {"WWW-Authenticate": 'Bearer realm="feeds"'} if self.status == 401 else {}
        return Response(
            json.dumps(self.body()), self.status, headers, media_type="application/problem+json"
        )


def invalid(where: str, name: str, message: str, kind: str = "value_error") -> Problem:
    return Problem(
        422,
        "validation_failed",
        f"{name}: {message}",
        [{"loc": [where, name], "msg": message, "type": kind}],
    )


# ---------------------------------------------------------------- the store


@dataclass
class Replay:
    fingerprint: str
    status: int
    body: str


@dataclass
class Store:
    """Everything the service holds; rows are dicts of Python values plus private `_` keys."""

    publishers: dict[str, dict[str, Any]] = field(default_factory=dict)
    episodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    subscribers: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Deleted subscribers' list positions: `starting_after` may name one deleted mid-walk.
    gone_subscribers: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: dict[int, dict[str, Any]] = field(default_factory=dict)
    playlists: dict[int, dict[str, Any]] = field(default_factory=dict)
    replays: dict[tuple[str, str], Replay] = field(default_factory=dict)
    serial: int = 0
    clock: datetime = datetime(2000, 1, 1, tzinfo=UTC)
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    # The planted bugs switched on (ids of examples/feeds/example.py's BUGS); none by default.
    bugs: frozenset[str] = frozenset()

    def now(self) -> datetime:
        """Strictly increasing instants, so creation times never tie."""
        self.clock = max(datetime.now(UTC), self.clock + timedelta(microseconds=1))
        return self.clock

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial


STORE = Store()


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(6)}"


def stamp(t: datetime) -> str:
    return t.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def public(row: dict[str, Any]) -> dict[str, Any]:
    """The row as JSON: private keys dropped, instants and days as RFC 3339 text."""
    out: dict[str, Any] = {}
    for name, value in row.items():
        if name.startswith("_"):
            continue
        if isinstance(value, datetime):
            out[name] = stamp(value)
        elif isinstance(value, date):
            out[name] = value.isoformat()
        elif isinstance(value, dict):
            out[name] = dict(value)
        elif isinstance(value, list):
            out[name] = list(value)
        else:
            out[name] = value
    return out


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body), status, headers, media_type="application/json")


# ---------------------------------------------------------------- requests


def workspace(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    name = WORKSPACES.get(token.strip()) if scheme.lower() == "bearer" else None
    if name is None:
        raise Problem(401, "unauthenticated", "Send Authorization: Bearer <token>.")
    return name


async def parse_body(request: Request, model: type[M]) -> M:
    raw = await request.body()
    try:
        json.loads(raw)
    except ValueError as exc:
        raise Problem(400, "invalid_request", f"The body is not JSON: {exc}.") from None
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        errors = [
            {"loc": ["body", *e["loc"]], "msg": e["msg"], "type": e["type"]} for e in exc.errors()
        ]
        raise Problem(
            422, "validation_failed", "The body does not match the contract.", errors
        ) from None


class Query:
    """The query string, read one parameter at a time with the contract's rules."""

    def __init__(self, request: Request) -> None:
        self.params = request.query_params

    def text(self, name: str, max_length: int = 200) -> str | None:
        value = self.params.get(name)
        if value is not None and not 1 <= len(value) <= max_length:
            raise invalid("query", name, f"must be 1 to {max_length} characters")
        return value

    def integer(self, name: str, default: int | None, low: int, high: int | None) -> int | None:
        raw = self.params.get(name)
        if raw is None:
            return default
        if not re.fullmatch(r"-?[0-9]{1,12}", raw):
            raise invalid("query", name, "must be an integer", "int_parsing")
        value = int(raw)
        if value < low or (high is not None and value > high):
            bound = f"between {low} and {high}" if high is not None else f">= {low}"
            raise invalid("query", name, f"must be {bound}", "int_range")
        return value

    def choice(self, name: str, allowed: Sequence[str]) -> str | None:
        value = self.params.get(name)
        if value is not None and value not in allowed:
            raise invalid("query", name, f"must be one of {', '.join(allowed)}", "enum")
        return value

    def matching(self, name: str, pattern: re.Pattern[str], what: str) -> str | None:
        value = self.params.get(name)
        if value is not None and not pattern.fullmatch(value):
            raise invalid("query", name, f"must be {what}", "string_pattern_mismatch")
        return value

    def comma_list(self, name: str, check: Callable[[str], bool], what: str) -> list[str] | None:
        raw = self.params.get(name)
        if raw is None:
            return None
        values = raw.split(",")
        if not all(check(v) for v in values):
            raise invalid("query", name, f"must be a comma-separated list of {what}")
        # The planted bug lives in this parser, so every comma-list filter has it.
        return values[:1] if "filter-in-first-only" in STORE.bugs else values

    def instant(self, name: str) -> datetime | None:
        raw = self.params.get(name)
        if raw is None:
            return None
        try:
            if not DATE_TIME.fullmatch(raw):
                raise ValueError(raw)
            return datetime.fromisoformat(raw.upper())
        except ValueError:
            raise invalid(
                "query", name, "must be an RFC 3339 date-time with an offset", "datetime_parsing"
            ) from None

    def day(self, name: str) -> date | None:
        raw = self.params.get(name)
        if raw is None:
            return None
        try:
            if not DATE.fullmatch(raw):
                raise ValueError(raw)
            return date.fromisoformat(raw)
        except ValueError:
            raise invalid("query", name, "must be a date, YYYY-MM-DD", "date_parsing") from None


# ---------------------------------------------------------------- ordering and tokens


def compare(a: dict[str, Any], b: dict[str, Any], order: Sequence[str]) -> int:
    """-1, 0 or 1: whether row `a` comes before, with or after row `b` in `order`."""
    for key in order:
        name = key.lstrip("-")
        x, y = a[name], b[name]
        if x != y:
            ahead = -1 if x < y else 1
            return -ahead if key.startswith("-") else ahead
    return 0


def ordered(rows: Iterable[dict[str, Any]], order: Sequence[str]) -> list[dict[str, Any]]:
    def by(a: Row, b: Row) -> int:
        return compare(a, b, order)

    return sorted(rows, key=functools.cmp_to_key(by))


def after(
    rows: list[dict[str, Any]], position: dict[str, Any], order: Sequence[str]
) -> list[dict[str, Any]]:
    return [row for row in rows if compare(row, position, order) > 0]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(scope: str, position: dict[str, Any]) -> str:
    """A token `payload.signature`: the position as base64 JSON, HMAC-SHA256 over the scope
    (workspace, list, order) and the payload, so a token works only where it was minted."""
    payload = _b64(json.dumps(position, sort_keys=True, separators=(",", ":")).encode())
    mac = hmac.new(STORE.secret, f"{scope}|{payload}".encode(), hashlib.sha256).digest()
    return f"{payload}.{_b64(mac)}"


def unsign(token: str, scope: str, check_signature: bool = True) -> dict[str, Any]:
    payload, dot, signature = token.partition(".")
    refused = Problem(400, "invalid_cursor", "The cursor is malformed, edited or from elsewhere.")
    if not dot:
        raise refused
    expected = _b64(hmac.new(STORE.secret, f"{scope}|{payload}".encode(), hashlib.sha256).digest())
    # Compared as bytes: compare_digest refuses a str with non-ASCII characters (TypeError).
    given = signature.encode("utf-8", "surrogatepass")
    if check_signature and not hmac.compare_digest(expected.encode(), given):
        raise refused
    try:
        position = json.loads(_unb64(payload))
    except (ValueError, UnicodeDecodeError):
        raise refused from None
    if not isinstance(position, dict):
        raise refused
    return position


def position_of(row: dict[str, Any], order: Sequence[str]) -> dict[str, Any]:
    return {key.lstrip("-"): public({"v": row[key.lstrip("-")]})["v"] for key in order}


def restore(
    position: dict[str, Any], order: Sequence[str], kinds: dict[str, type]
) -> dict[str, Any]:
    """The token's position back as Python values, or 400 when it does not fit the order."""
    refused = Problem(400, "invalid_cursor", "The cursor does not fit this list.")
    out: dict[str, Any] = {}
    for key in order:
        name = key.lstrip("-")
        value = position.get(name)
        kind = kinds[name]
        try:
            if kind is datetime and isinstance(value, str):
                out[name] = datetime.fromisoformat(value)
            elif isinstance(value, kind) and not isinstance(value, bool):
                out[name] = value
            else:
                raise ValueError(name)
        except ValueError:
            raise refused from None
    return out


# ---------------------------------------------------------------- publishers (offset)


def own_publisher(ws: str, publisher_id: str) -> dict[str, Any]:
    row = STORE.publishers.get(publisher_id)
    if row is None or row["_ws"] != ws:
        raise Problem(404, "not_found", "No such publisher.")
    return row


def etag(row: dict[str, Any]) -> str:
    digest = hashlib.sha256(json.dumps(public(row), sort_keys=True).encode()).hexdigest()
    return f'"{digest[:24]}"'


def etag_listed(header: str | None, tag: str) -> bool:
    if header is None:
        return False
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return "*" in tags or tag in tags


async def create_publisher(request: Request) -> Response:
    ws = workspace(request)
    key = request.headers.get("idempotency-key")
    if not key:
        raise Problem(400, "idempotency_key_missing", "Send an Idempotency-Key header.")
    raw = await request.body()
    fingerprint = hashlib.sha256(raw).hexdigest()
    with contextlib.suppress(ValueError):  # not JSON: parse_body answers 400 below
        fingerprint = hashlib.sha256(
            json.dumps(json.loads(raw), sort_keys=True).encode()
        ).hexdigest()
    seen = STORE.replays.get((ws, key))
    if seen is not None:
        if seen.fingerprint != fingerprint and "idem-key-ignores-body" not in STORE.bugs:
            raise Problem(422, "idempotency_key_reused", "This key was used with another body.")
        return Response(
            seen.body,
            seen.status,
            {"Idempotent-Replayed": "true"},
            media_type="application/json",
        )
    body = await parse_body(request, PublisherCreate)
    t = STORE.now()
    row: Row = {
        "id": new_id("pub"),
        "name": body.name,
        "country": body.country,
        "founded": body.founded,
        "created_at": t,
        "updated_at": t,
        "_ws": ws,
    }
    STORE.publishers[row["id"]] = row
    text = json.dumps(public(row))
    STORE.replays[(ws, key)] = Replay(fingerprint, 201, text)
    return Response(text, 201, {"ETag": etag(row)}, media_type="application/json")


async def list_publishers(request: Request) -> Response:
    ws = workspace(request)
    q = Query(request)
    offset = q.integer("offset", 0, 0, None) or 0
    limit = q.integer("limit", 20, 1, 100) or 20
    countries = q.comma_list(
        "country", lambda c: COUNTRY.fullmatch(c) is not None, "two-letter country codes"
    )
    prefix = q.text("name_prefix", 120)
    rows = [
        r
        for r in STORE.publishers.values()
        if r["_ws"] == ws
        and (countries is None or r["country"] in countries)
        and (prefix is None or r["name"].startswith(prefix))
    ]
    rows = ordered(rows, ("name", "id"))
    start = offset + 1 if offset > 0 and "page-offset-skip" in STORE.bugs else offset
    page = rows[start : start + limit]
    count = len(rows)
    if "count-ignores-country" in STORE.bugs:
        count = sum(1 for r in STORE.publishers.values()
                    if r["_ws"] == ws and (prefix is None or r["name"].startswith(prefix)))  # fmt: skip
    return json_response({"results": [public(r) for r in page], "count": count})


async def get_publisher(request: Request) -> Response:
    row = own_publisher(workspace(request), request.path_params["publisher_id"])
    tag = etag(row)
    if etag_listed(request.headers.get("if-none-match"), tag) and "cache-no-304" not in STORE.bugs:
        return Response(status_code=304, headers={"ETag": tag})
    return json_response(public(row), headers={"ETag": tag})


async def update_publisher(request: Request) -> Response:
    row = own_publisher(workspace(request), request.path_params["publisher_id"])
    condition = request.headers.get("if-match")
    if condition is not None and not etag_listed(condition, etag(row)):
        raise Problem(412, "precondition_failed", "The publisher changed since that ETag.")
    body = await parse_body(request, PublisherUpdate)
    changes = body.model_dump(exclude_none=True)
    if "patch-country-reset" in STORE.bugs and "country" not in changes:
        changes["country"] = "US"  # the create form's default, applied to an update
    if not changes:
        raise Problem(
            422,
            "validation_failed",
            "Send at least one field to change.",
            [{"loc": ["body"], "msg": "at least one of name, country", "type": "missing"}],
        )
    row.update(changes, updated_at=STORE.now())
    return json_response(public(row), headers={"ETag": etag(row)})


# ---------------------------------------------------------------- episodes (cursor)


def own_episode(ws: str, publisher_id: str, episode_id: str) -> dict[str, Any]:
    own_publisher(ws, publisher_id)
    row = STORE.episodes.get(episode_id)
    if row is None or row["publisher_id"] != publisher_id:
        raise Problem(404, "not_found", "No such episode.")
    return row


async def create_episode(request: Request) -> Response:
    publisher = own_publisher(workspace(request), request.path_params["publisher_id"])
    body = await parse_body(request, EpisodeCreate)
    row: Row = {
        "id": new_id("ep"),
        "publisher_id": publisher["id"],
        "title": body.title,
        "duration_s": body.duration_s,
        "published_at": body.published_at.astimezone(UTC),
        "status": body.status,
        "tags": list(body.tags),
        "created_at": STORE.now(),
    }
    STORE.episodes[row["id"]] = row
    return json_response(public(row), 201)


EPISODE_KINDS: dict[str, type] = {"published_at": datetime, "duration_s": int, "id": str}


async def list_episodes(request: Request) -> Response:
    ws = workspace(request)
    publisher = own_publisher(ws, request.path_params["publisher_id"])
    q = Query(request)
    count = q.integer("count", 10, 1, 50) or 10
    sort = q.choice("sort", tuple(EPISODE_SORTS)) or "-published_at"
    order = EPISODE_SORTS[sort]
    statuses = q.params.getlist("status") or None
    if statuses is not None and not set(statuses) <= set(EPISODE_STATUSES):
        raise invalid("query", "status", f"each must be one of {', '.join(EPISODE_STATUSES)}")
    least = q.integer("min_duration", None, 0, None)
    most = q.integer("max_duration", None, 0, None)
    since = q.instant("published_after")
    until = q.instant("published_before")
    tag = q.matching("tag", TAG, "a lowercase tag")
    words = q.text("q", 100)

    def keep(r: dict[str, Any]) -> bool:
        if most is not None:
            within = (
                r["duration_s"] < most
                if "filter-lte-as-lt" in STORE.bugs
                else (r["duration_s"] <= most)
            )
            if not within:
                return False
        return (
            (statuses is None or r["status"] in statuses)
            and (least is None or r["duration_s"] >= least)
            and (since is None or r["published_at"] > since)
            and (until is None or r["published_at"] < until)
            and (tag is None or tag in r["tags"])
            and (words is None or words.casefold() in r["title"].casefold())
        )

    rows = ordered(
        (r for r in STORE.episodes.values() if r["publisher_id"] == publisher["id"] and keep(r)),
        order,
    )
    scope = f"{ws}|episodes|{publisher['id']}|{sort}"
    cursor = q.params.get("after")
    if cursor is not None:  # "" is no cursor this server minted: 400 like any other
        rows = after(rows, restore(unsign(cursor, scope), order, EPISODE_KINDS), order)
    page = rows[:count]
    more = len(rows) > count
    return json_response(
        {
            "episodes": [public(r) for r in page],
            "next": sign(scope, position_of(page[-1], order)) if more else None,
        }
    )


async def get_episode(request: Request) -> Response:
    p = request.path_params
    return json_response(
        public(own_episode(workspace(request), p["publisher_id"], p["episode_id"]))
    )


async def delete_episode(request: Request) -> Response:
    p = request.path_params
    row = own_episode(workspace(request), p["publisher_id"], p["episode_id"])
    del STORE.episodes[row["id"]]
    for number in [n for n, c in STORE.comments.items() if c["episode_id"] == row["id"]]:
        del STORE.comments[number]
    return Response(status_code=204)


# ---------------------------------------------------------------- comments (page tokens)


COMMENT_ORDER = ("created_at", "id")
COMMENT_KINDS: dict[str, type] = {"created_at": datetime, "id": int}


async def create_comment(request: Request) -> Response:
    p = request.path_params
    episode = own_episode(workspace(request), p["publisher_id"], p["episode_id"])
    body = await parse_body(request, CommentCreate)
    row: Row = {
        "id": STORE.next_serial(),
        "episode_id": episode["id"],
        "body": body.body,
        "author": {"handle": body.author.handle, "country": body.author.country},
        "created_at": STORE.now(),
    }
    STORE.comments[row["id"]] = row
    return json_response(public(row), 201)


async def list_comments(request: Request) -> Response:
    ws = workspace(request)
    p = request.path_params
    episode = own_episode(ws, p["publisher_id"], p["episode_id"])
    q = Query(request)
    size = q.integer("page_size", 25, 1, 100) or 25
    country = q.matching("author_country", COUNTRY, "a two-letter country code")
    rows = ordered(
        (
            c
            for c in STORE.comments.values()
            if c["episode_id"] == episode["id"]
            and (country is None or c["author"]["country"] == country)
        ),
        COMMENT_ORDER,
    )
    scope = f"{ws}|comments|{episode['id']}"
    token = q.params.get("page_token")
    if token:  # Google APIs take an empty page_token as the first page
        checked = "page-token-unsigned" not in STORE.bugs
        position = restore(unsign(token, scope, checked), COMMENT_ORDER, COMMENT_KINDS)
        rows = after(rows, position, COMMENT_ORDER)
    page = rows[:size]
    more = len(rows) > size
    return json_response(
        {
            "comments": [public(r) for r in page],
            "next_page_token": sign(scope, position_of(page[-1], COMMENT_ORDER)) if more else "",
        }
    )


def serial_param(request: Request, name: str) -> int | None:
    """A path's integer id; one that is not a positive integer names nothing (404)."""
    raw: str = request.path_params[name]
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None


async def get_comment(request: Request) -> Response:
    p = request.path_params
    episode = own_episode(workspace(request), p["publisher_id"], p["episode_id"])
    number = serial_param(request, "comment_id")
    row = STORE.comments.get(number) if number is not None else None
    if row is None or row["episode_id"] != episode["id"]:
        raise Problem(404, "not_found", "No such comment.")
    return json_response(public(row))


# ---------------------------------------------------------------- subscribers (starting_after)


SUBSCRIBER_ORDER = ("-created_at", "id")
SUBSCRIBER_ID = re.compile(r"sub_[0-9a-f]{12}")


async def create_subscriber(request: Request) -> Response:
    ws = workspace(request)
    body = await parse_body(request, SubscriberCreate)
    row: Row = {
        "id": new_id("sub"),
        "email": body.email,
        "plan": body.plan,
        "joined_on": body.joined_on,
        "created_at": STORE.now(),
        "_ws": ws,
    }
    STORE.subscribers[row["id"]] = row
    return json_response(public(row), 201)


def subscriber_position(ws: str, name: str, value: str) -> dict[str, Any]:
    """The list position of the subscriber `value` names, deleted or not (Stripe resumes after
    an object deleted during the walk)."""
    if not SUBSCRIBER_ID.fullmatch(value):
        raise invalid("query", name, "must be a subscriber id (sub_ and 12 hex digits)")
    row = STORE.subscribers.get(value) or STORE.gone_subscribers.get(value)
    if row is None or row["_ws"] != ws:
        raise Problem(400, "invalid_cursor", f"{name} names no subscriber of yours.")
    return row


async def list_subscribers(request: Request) -> Response:
    ws = workspace(request)
    q = Query(request)
    limit = q.integer("limit", 10, 1, 100) or 10
    excluded = q.choice("exclude_plan", PLANS)
    since = q.day("joined_since")
    until = q.day("joined_until")
    prefix = q.text("email_prefix", 80)
    forward, backward = q.params.get("starting_after"), q.params.get("ending_before")
    if forward is not None and backward is not None:
        raise invalid("query", "ending_before", "cannot be sent with starting_after")
    rows = ordered(
        (
            r
            for r in STORE.subscribers.values()
            if r["_ws"] == ws
            and (excluded is None or r["plan"] != excluded)
            and (since is None or r["joined_on"] >= since)
            and (until is None or r["joined_on"] <= until)
            and (prefix is None or r["email"].startswith(prefix))
        ),
        SUBSCRIBER_ORDER,
    )
    if backward is not None:
        mark = subscriber_position(ws, "ending_before", backward)
        before = [r for r in rows if compare(r, mark, SUBSCRIBER_ORDER) < 0]
        page, more = before[-limit:], len(before) > limit
    else:
        if forward is not None:
            rows = after(rows, subscriber_position(ws, "starting_after", forward), SUBSCRIBER_ORDER)
        page = rows[:limit]
        pages_left = 2 if "page-has-more-early" in STORE.bugs else 1
        more = len(rows) > limit * pages_left
    return json_response({"data": [public(r) for r in page], "has_more": more})


def own_subscriber(ws: str, subscriber_id: str) -> dict[str, Any]:
    row = STORE.subscribers.get(subscriber_id)
    anywhere = "ten-subscriber-any-workspace" in STORE.bugs
    if row is None or (row["_ws"] != ws and not anywhere):
        raise Problem(404, "not_found", "No such subscriber.")
    return row


async def get_subscriber(request: Request) -> Response:
    return json_response(
        public(own_subscriber(workspace(request), request.path_params["subscriber_id"]))
    )


async def delete_subscriber(request: Request) -> Response:
    ws = workspace(request)
    row = own_subscriber(ws, request.path_params["subscriber_id"])
    if row["_ws"] != ws:  # the planted read bug leaves deletes scoped
        raise Problem(404, "not_found", "No such subscriber.")
    STORE.gone_subscribers[row["id"]] = STORE.subscribers.pop(row["id"])
    return Response(status_code=204)


# ---------------------------------------------------------------- events (Link header)


async def record_event(request: Request) -> Response:
    ws = workspace(request)
    body = await parse_body(request, EventCreate)
    if body.playlist_id is not None:
        playlist = STORE.playlists.get(body.playlist_id)
        if playlist is None or playlist["_ws"] != ws:
            error = {"loc": ["body", "playlist_id"], "msg": "No such playlist.", "type": "missing"}
            raise Problem(422, "validation_failed", "No such playlist.", [error])
    row: Row = {
        "id": STORE.next_serial(),
        "kind": body.kind,
        "episode_id": body.episode_id,
        "position_s": body.position_s,
        "occurred_at": body.occurred_at.astimezone(UTC),
        "playlist_id": body.playlist_id,
        "_ws": ws,
    }
    STORE.events[row["id"]] = row
    return json_response(public(row), 201)


async def list_events(request: Request) -> Response:
    ws = workspace(request)
    q = Query(request)
    page = q.integer("page", 1, 1, None) or 1
    per_page = q.integer("per_page", 30, 1, 100) or 30
    kinds = q.comma_list("kind", lambda kind: kind in EVENT_KINDS, ", ".join(EVENT_KINDS))
    rows = ordered(
        (
            e
            for e in STORE.events.values()
            if e["_ws"] == ws and (kinds is None or e["kind"] in kinds)
        ),
        ("id",),
    )
    last = max(1, math.ceil(len(rows) / per_page))
    # The planted bug counts pages rounding down for the next link only.
    next_last = max(1, len(rows) // per_page) if "page-link-next-lost" in STORE.bugs else last
    links = {"first": 1, "last": last}
    if page < next_last:
        links["next"] = page + 1
    if 1 < page <= last + 1:
        links["prev"] = min(page - 1, last)
    header = ", ".join(
        f'<{request.url.include_query_params(page=n)}>; rel="{rel}"' for rel, n in links.items()
    )
    start = (page - 1) * per_page
    body = [public(e) for e in rows[start : start + per_page]]
    return json_response(body, headers={"Link": header})


async def get_event(request: Request) -> Response:
    ws = workspace(request)
    number = serial_param(request, "event_id")
    row = STORE.events.get(number) if number is not None else None
    if row is None or row["_ws"] != ws:
        raise Problem(404, "not_found", "No such event.")
    return json_response(public(row))


# ---------------------------------------------------------------- playlists (page number)


PLAYLIST_ORDER = ("-created_at", "id")


async def create_playlist(request: Request) -> Response:
    ws = workspace(request)
    body = await parse_body(request, PlaylistCreate)
    row: Row = {
        "id": STORE.next_serial(),
        "name": body.name,
        "visibility": body.visibility,
        "episode_count": body.episode_count,
        "created_at": STORE.now(),
        "_ws": ws,
    }
    STORE.playlists[row["id"]] = row
    return json_response(public(row), 201)


async def list_playlists(request: Request) -> Response:
    ws = workspace(request)
    q = Query(request)
    page = q.integer("page", 1, 1, None) or 1
    per_page = q.integer("per_page", 20, 1, 50) or 20
    visibility = q.choice("visibility", VISIBILITIES)
    more_than = q.integer("more_than", None, 0, None)
    fewer_than = q.integer("fewer_than", None, 0, None)
    rows = ordered(
        (
            p
            for p in STORE.playlists.values()
            if p["_ws"] == ws
            and (visibility is None or p["visibility"] == visibility)
            and (more_than is None or p["episode_count"] > more_than)
            and (fewer_than is None or p["episode_count"] < fewer_than)
        ),
        PLAYLIST_ORDER,
    )
    start = (page - 1) * per_page
    if page > 1 and "page-number-repeat" in STORE.bugs:
        start -= 1
    return json_response({"items": [public(p) for p in rows[start : start + per_page]]})


async def get_playlist(request: Request) -> Response:
    ws = workspace(request)
    number = serial_param(request, "playlist_id")
    row = STORE.playlists.get(number) if number is not None else None
    if row is None or row["_ws"] != ws:
        problem = Problem(404, "not_found", "No such playlist.")
        if "err-playlist-404-no-code" in STORE.bugs:
            body = problem.body()
            del body["code"]
            return Response(json.dumps(body), 404, media_type="application/problem+json")
        raise problem
    return json_response(public(row))


# ---------------------------------------------------------------- the application


Handler = Callable[[Request], Any]


def guarded(handler: Handler) -> Handler:
    async def endpoint(request: Request) -> Response:
        try:
            response: Response = await handler(request)
            return response
        except Problem as problem:
            return problem.response()
        except Exception:  # a bug here still answers problem+json
            return Problem(500, "internal_error", "Something broke on our side.").response()

    return endpoint


def route(path: str, methods: list[str], handler: Handler) -> Route:
    return Route(BASE + path, guarded(handler), methods=methods)


async def not_routed(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 404)
    if status == 405:
        body = {"type": "about:blank", "title": "Method not allowed", "status": 405}
        body["code"] = "method_not_allowed"
        return Response(json.dumps(body), 405, media_type="application/problem+json")
    return Problem(404, "not_found", "No such resource.").response()


EP = "/publishers/{publisher_id}/episodes"
app = Starlette(
    routes=[
        route("/publishers", ["POST"], create_publisher),
        route("/publishers", ["GET"], list_publishers),
        route("/publishers/{publisher_id}", ["GET"], get_publisher),
        route("/publishers/{publisher_id}", ["PATCH"], update_publisher),
        route(EP, ["POST"], create_episode),
        route(EP, ["GET"], list_episodes),
        route(EP + "/{episode_id}", ["GET"], get_episode),
        route(EP + "/{episode_id}", ["DELETE"], delete_episode),
        route(EP + "/{episode_id}/comments", ["POST"], create_comment),
        route(EP + "/{episode_id}/comments", ["GET"], list_comments),
        route(EP + "/{episode_id}/comments/{comment_id}", ["GET"], get_comment),
        route("/subscribers", ["POST"], create_subscriber),
        route("/subscribers", ["GET"], list_subscribers),
        route("/subscribers/{subscriber_id}", ["GET"], get_subscriber),
        route("/subscribers/{subscriber_id}", ["DELETE"], delete_subscriber),
        route("/events", ["POST"], record_event),
        route("/events", ["GET"], list_events),
        route("/events/{event_id}", ["GET"], get_event),
        route("/playlists", ["POST"], create_playlist),
        route("/playlists", ["GET"], list_playlists),
        route("/playlists/{playlist_id}", ["GET"], get_playlist),
    ],
    exception_handlers={404: not_routed, 405: not_routed},
)


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--log-level", default="warning", help="info logs every request")
    parser.add_argument(
        "--bug",
        action="append",
        default=[],
        choices=[bug.id for bug in BUGS],
        metavar="ID",
        help="switch a planted bug on (repeatable; ids and what each does: "
        "examples/feeds/example.py)",
    )
    args = parser.parse_args()
    STORE.bugs = frozenset(args.bug)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)


if __name__ == "__main__":
    main()
