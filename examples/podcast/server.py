"""In-memory podcast host API implementing examples/podcast/contracts (Starlette, uvicorn).

Run: python -m examples.podcast.server --port 8719 [--bug ID ...]   (API keys in README.md)
Planted bugs (examples/podcast/example.py's BUGS) are off unless named with --bug.

Ported from the server a new user of synth wrote (FINDINGS.md): their routes, handlers, storage
and request-id middleware, typed, validating bodies with the contracts' own models as theirs
did; the planted-bug switches added. Their eight planted-bug copies of the server are the
switches idem-key-any-tenant, page-cursor-any-tenant, patch-show-description-cleared,
rate-episode-one-window, page-episodes-status-ignored, ten-sponsorship-any-episode,
page-show-episodes-offset-skip and cache-show-etag-static.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from examples.podcast.contracts.models import (
    EpisodeCreate,
    ShowCreate,
    ShowUpdate,
    SponsorshipCreate,
)
from synth.contract import UUID as UUIDType

BASE = "/v1"
API_KEYS = {"key-alpha-111": "alpha", "key-beta-222": "beta"}  # API key (X-Api-Key) -> network
SECRET = b"podcast-host-cursor-signing-key"
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9_.:\-]{1,128}$")
BUGS: set[str] = set()  # planted-bug switches, from --bug

CATEGORIES = ("technology", "comedy", "news", "education", "sports")
EPISODE_STATUSES = ("draft", "published")
PLACEMENTS = ("pre_roll", "mid_roll", "post_roll")

Item = dict[str, Any]  # a stored show, episode, sponsorship or idempotency record
ErrorList = list[dict[str, Any]]
M = TypeVar("M", bound=BaseModel)

ERRORS: dict[str, tuple[int, str]] = {  # code -> (status, title)
    "internal_error": (500, "Internal error"),
    "unauthenticated": (401, "Unauthenticated"),
    "validation_failed": (422, "Validation failed"),
    "invalid_request": (400, "Invalid request"),
    "not_found": (404, "Not found"),
    "idempotency_key_missing": (400, "Idempotency-Key missing"),
    "idempotency_key_reused": (422, "Idempotency-Key reused"),
    "idempotency_key_in_use": (409, "Idempotency-Key in use"),
    "invalid_cursor": (400, "Invalid cursor"),
    "precondition_failed": (412, "Precondition failed"),
    "rate_limited": (429, "Rate limited"),
    "slug_taken": (409, "Slug taken"),
    "already_published": (409, "Already published"),
    "unknown_episode": (422, "Unknown episode"),
}

_uuid: TypeAdapter[Any] = TypeAdapter(UUIDType)
_int = TypeAdapter(int)


# --------------------------------------------------------------------------- errors


class ApiError(Exception):
    def __init__(
        self,
        code: str,
        detail: str | None = None,
        errors: ErrorList | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


def problem(request_id: str, err: ApiError) -> Response:
    status, title = ERRORS[err.code]
    body: dict[str, Any] = {
        "type": f"about:blank#{err.code}",
        "title": title,
        "status": status,
        "code": err.code,
        "request_id": request_id,
    }
    if err.detail:
        body["detail"] = err.detail
    if err.errors is not None:
        body["errors"] = err.errors
    return Response(
        json.dumps(body),
        status_code=status,
        media_type="application/problem+json",
        headers=err.headers,
    )


def field_error(loc: list[Any], msg: str, typ: str) -> dict[str, Any]:
    return {"loc": loc, "msg": msg, "type": typ}


def validation(loc: list[Any], msg: str, typ: str = "value_error") -> ApiError:
    return ApiError("validation_failed", msg, [field_error(loc, msg, typ)])


# --------------------------------------------------------------------------- clock


@dataclass
class Clock:
    """A strictly increasing UTC clock (microsecond resolution), so created_at never ties."""

    last: datetime = datetime(2000, 1, 1, tzinfo=UTC)

    def now(self) -> datetime:
        t = datetime.now(UTC)
        if t <= self.last:
            t = self.last + timedelta(microseconds=1)
        self.last = t
        return t


CLOCK = Clock()


def iso(t: datetime | None) -> str | None:
    if t is None:
        return None
    return t.isoformat(timespec="microseconds").replace("+00:00", "Z")


# --------------------------------------------------------------------------- storage


@dataclass
class Tenant:
    shows: dict[str, Item] = field(default_factory=dict)
    episodes: dict[str, Item] = field(default_factory=dict)
    sponsorships: dict[str, Item] = field(default_factory=dict)
    episode_counter: dict[str, int] = field(default_factory=dict)  # show id -> last number
    idempotency: dict[str, Item] = field(default_factory=dict)
    rate_window: tuple[float, int] = (0.0, 0)  # (window start, count) for getEpisode


TENANTS: dict[str, Tenant] = {name: Tenant() for name in API_KEYS.values()}
SHARED = Tenant()  # the one idempotency store and rate window of the planted bugs that share them

RATE_LIMIT = 20
RATE_WINDOW = 5.0
RATE_POLICY = '"20-per-5s";q=20;w=5'


# --------------------------------------------------------------------------- helpers


def parse_uuid(value: str, loc: list[Any]) -> str:
    try:
        return str(_uuid.validate_python(value))
    except ValidationError:
        raise validation(loc, "must be a UUID", "uuid_parsing") from None


def parse_int(raw: str | None, loc: list[Any], default: int, lo: int, hi: int | None) -> int:
    if raw is None:
        return default
    try:
        v = _int.validate_python(raw)
    except ValidationError:
        raise validation(loc, "must be an integer", "int_parsing") from None
    if v < lo:
        raise validation(loc, f"must be at least {lo}", "greater_than_equal")
    if hi is not None and v > hi:
        raise validation(loc, f"must be at most {hi}", "less_than_equal")
    return v


def parse_enum(raw: str | None, loc: list[Any], allowed: tuple[str, ...]) -> str | None:
    if raw is None:
        return None
    if raw not in allowed:
        raise validation(loc, f"must be one of {', '.join(allowed)}", "literal_error")
    return raw


async def read_json(request: Request) -> tuple[bytes, Any]:
    raw = await request.body()
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ApiError("invalid_request", "The body could not be parsed as JSON.") from None
    return raw, data


def validate_body(model: type[M], raw: bytes) -> M:
    try:
        return model.model_validate_json(raw)
    except ValidationError as e:
        errs = []
        for er in e.errors(include_url=False, include_context=False, include_input=False):
            if er["type"] == "json_invalid":
                raise ApiError("invalid_request", "The body could not be parsed as JSON.") from None
            errs.append(field_error(["body", *er["loc"]], er["msg"], er["type"]))
        raise ApiError("validation_failed", "The request body breaks the contract.", errs) from None


def etag_of(obj: Item) -> str:
    if "cache-show-etag-static" in BUGS:
        return '"v1"'  # one tag for every show in every state
    digest = hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()[:32]
    return f'"{digest}"'


def etag_list(header: str) -> list[str]:
    out = []
    for part in header.split(","):
        p = part.strip()
        p = p.removeprefix("W/")
        if p:
            out.append(p)
    return out


# cursors: base64url(JSON payload) "." base64url(HMAC-SHA256), bound to the network and the list


def b64e(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def b64d(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def make_cursor(tenant: str, lst: str, item: Item) -> str:
    payload = json.dumps(
        {"t": tenant, "l": lst, "c": item["created_at"], "i": item["id"]},
        separators=(",", ":"),
    ).encode()
    sig = hmac.new(SECRET, payload, hashlib.sha256).digest()
    return f"{b64e(payload)}.{b64e(sig)}"


def read_cursor(tenant: str, lst: str, cursor: str) -> tuple[str, str]:
    bad = ApiError("invalid_cursor", "The cursor is malformed, tampered with, or not yours.")
    try:
        p64, s64 = cursor.split(".")
        payload, sig = b64d(p64), b64d(s64)
    except (ValueError, TypeError):
        raise bad from None
    good = hmac.new(SECRET, payload, hashlib.sha256).digest()
    if not hmac.compare_digest(sig, good):
        raise bad
    try:
        data = json.loads(payload)
    except ValueError:
        raise bad from None
    if not isinstance(data, dict):
        raise bad
    # page-cursor-any-tenant: the network the cursor was made for is not compared.
    if (data.get("t") != tenant and "page-cursor-any-tenant" not in BUGS) or data.get("l") != lst:
        raise bad
    return str(data["c"]), str(data["i"])


def cursor_page(
    request: Request, tenant: str, lst: str, items: list[Item], id_desc: bool
) -> dict[str, Any]:
    """Keyset pagination over (-created_at, id) or (-created_at, -id)."""
    q = request.query_params
    limit = parse_int(q.get("limit"), ["query", "limit"], 20, 1, 50)
    cursor = q.get("cursor")

    # newest first; ties (never, with the strictly increasing clock) by id
    items = sorted(items, key=lambda it: it["id"], reverse=id_desc)
    items = sorted(items, key=lambda it: it["_ts"], reverse=True)
    if cursor is not None:
        if cursor == "":
            raise validation(["query", "cursor"], "must not be empty", "string_too_short")
        c_ts, c_id = read_cursor(tenant, lst, cursor)
        c_dt = datetime.fromisoformat(c_ts.replace("Z", "+00:00"))

        def after(it: Item) -> bool:
            if it["_ts"] != c_dt:
                return bool(it["_ts"] < c_dt)
            return bool(it["id"] < c_id if id_desc else it["id"] > c_id)

        items = [it for it in items if after(it)]
    page = items[:limit]
    more = len(items) > limit
    return {
        "items": [public(it) for it in page],
        "next_cursor": make_cursor(tenant, lst, page[-1]) if more and page else None,
    }


def public(it: Item) -> Item:
    return {k: v for k, v in it.items() if not k.startswith("_")}


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body), status_code=status, media_type="application/json", headers=headers or {}
    )


# --------------------------------------------------------------------------- idempotency


def idempotent(
    request: Request, ctx: Ctx, raw: bytes, data: Any, handler: Callable[[], Response]
) -> Response:
    key = request.headers.get("idempotency-key")
    if key is None:
        raise ApiError(
            "idempotency_key_missing", "This operation requires an Idempotency-Key header."
        )
    if not (1 <= len(key) <= 255):
        raise validation(
            ["header", "Idempotency-Key"], "must be 1 to 255 characters", "string_too_long"
        )
    fingerprint = hashlib.sha256(
        (request.method + " " + request.url.path + "\n" + json.dumps(data, sort_keys=True)).encode()
    ).hexdigest()
    # idem-key-any-tenant: one store for every network's keys.
    store = SHARED.idempotency if "idem-key-any-tenant" in BUGS else ctx.t.idempotency
    entry = store.get(key)
    if entry is not None:
        if entry["fingerprint"] != fingerprint:
            raise ApiError("idempotency_key_reused", "This key was used with another request.")
        if entry.get("in_flight"):
            raise ApiError("idempotency_key_in_use", "A request with this key is still running.")
        headers = dict(entry["headers"])
        headers["Idempotent-Replayed"] = "true"
        return Response(
            entry["body"],
            status_code=entry["status"],
            media_type="application/json",
            headers=headers,
        )
    store[key] = {"fingerprint": fingerprint, "in_flight": True}
    try:
        resp = handler()
    except BaseException:
        store.pop(key, None)
        raise
    if 200 <= resp.status_code < 300:
        keep = {k: v for k, v in resp.headers.items() if k.lower() in ("location", "etag")}
        store[key] = {
            "fingerprint": fingerprint,
            "status": resp.status_code,
            "body": resp.body,
            "headers": keep,
        }
    else:  # errors are not stored: the key may be used again
        store.pop(key, None)
    return resp


# --------------------------------------------------------------------------- framework


@dataclass
class Ctx:
    tenant: str
    t: Tenant


Handler = Callable[[Request, Ctx], Awaitable[Response]]


def request_id(request: Request) -> str:
    return str(request.state.request_id)


def endpoint(fn: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def wrapped(request: Request) -> Response:
        rid = request_id(request)
        key = request.headers.get("x-api-key")
        if key is None or key not in API_KEYS:
            # obs-401-no-request-id: the refusal is made before the request id is looked at.
            said = "" if "obs-401-no-request-id" in BUGS else rid
            return problem(said, ApiError("unauthenticated", "Missing or unknown API key."))
        ctx = Ctx(API_KEYS[key], TENANTS[API_KEYS[key]])
        try:
            return await fn(request, ctx)
        except ApiError as e:
            return problem(rid, e)

    return wrapped


# --------------------------------------------------------------------------- shows


def get_show_or_404(ctx: Ctx, raw_id: str) -> Item:
    sid = parse_uuid(raw_id, ["path", "show_id"])
    show = ctx.t.shows.get(sid)
    if show is None:
        raise ApiError("not_found", "No such show.")
    return show


async def create_show(request: Request, ctx: Ctx) -> Response:
    raw, data = await read_json(request)

    def handle() -> Response:
        body = validate_body(ShowCreate, raw)
        if any(s["slug"] == body.slug for s in ctx.t.shows.values()):
            raise ApiError("slug_taken", "Another show of your network has this slug.")
        ts = CLOCK.now()
        sid = str(uuid.uuid4())
        show: Item = {
            "id": sid,
            "title": body.title,
            "slug": body.slug,
            "category": body.category,
            "explicit": body.explicit,
            "description": body.description,
            "created_at": iso(ts),
            "updated_at": iso(ts),
            "_ts": ts,
        }
        ctx.t.shows[sid] = show
        ctx.t.episode_counter[sid] = 0
        return json_response(public(show), 201, {"Location": f"{BASE}/shows/{sid}"})

    return idempotent(request, ctx, raw, data, handle)


async def list_shows(request: Request, ctx: Ctx) -> Response:
    category = parse_enum(request.query_params.get("category"), ["query", "category"], CATEGORIES)
    items = [s for s in ctx.t.shows.values() if category is None or s["category"] == category]
    return json_response(cursor_page(request, ctx.tenant, "shows", items, id_desc=True))


async def get_show(request: Request, ctx: Ctx) -> Response:
    show = get_show_or_404(ctx, request.path_params["show_id"])
    body = public(show)
    tag = etag_of(body)
    inm = request.headers.get("if-none-match")
    if inm is not None and (inm.strip() == "*" or tag in etag_list(inm)):
        return Response(status_code=304, headers={"ETag": tag})
    return json_response(body, 200, {"ETag": tag})


async def update_show(request: Request, ctx: Ctx) -> Response:
    show = get_show_or_404(ctx, request.path_params["show_id"])
    raw, _ = await read_json(request)
    body = validate_body(ShowUpdate, raw)
    im = request.headers.get("if-match")
    if im is not None and im.strip() != "*" and etag_of(public(show)) not in etag_list(im):
        raise ApiError("precondition_failed", "If-Match does not match the current ETag.")
    if "patch-show-description-cleared" in BUGS:
        # Every field the body set, and description (nullable) whether it was sent or not.
        changes = {
            k: v for k, v in body.model_dump().items() if v is not None or k == "description"
        }
    else:
        changes = body.model_dump(include=body.model_fields_set)
    if changes:
        show.update(changes)
        show["updated_at"] = iso(CLOCK.now())
    out = public(show)
    return json_response(out, 200, {"ETag": etag_of(out)})


# --------------------------------------------------------------------------- episodes


def get_episode_or_404(ctx: Ctx, raw_id: str) -> Item:
    eid = parse_uuid(raw_id, ["path", "episode_id"])
    ep = ctx.t.episodes.get(eid)
    if ep is None:
        raise ApiError("not_found", "No such episode.")
    return ep


async def create_episode(request: Request, ctx: Ctx) -> Response:
    show = get_show_or_404(ctx, request.path_params["show_id"])
    raw, data = await read_json(request)

    def handle() -> Response:
        body = validate_body(EpisodeCreate, raw)
        ts = CLOCK.now()
        ctx.t.episode_counter[show["id"]] += 1
        eid = str(uuid.uuid4())
        ep: Item = {
            "id": eid,
            "show_id": show["id"],
            "number": ctx.t.episode_counter[show["id"]],
            "title": body.title,
            "duration_seconds": body.duration_seconds,
            "season": body.season,
            "status": "draft",
            "created_at": iso(ts),
            "published_at": None,
            "_ts": ts,
        }
        ctx.t.episodes[eid] = ep
        return json_response(public(ep), 201)

    return idempotent(request, ctx, raw, data, handle)


async def list_show_episodes(request: Request, ctx: Ctx) -> Response:
    show = get_show_or_404(ctx, request.path_params["show_id"])
    q = request.query_params
    status = parse_enum(q.get("status"), ["query", "status"], EPISODE_STATUSES)
    offset = parse_int(q.get("offset"), ["query", "offset"], 0, 0, None)
    limit = parse_int(q.get("limit"), ["query", "limit"], 10, 1, 25)
    items = [
        e
        for e in ctx.t.episodes.values()
        if e["show_id"] == show["id"] and (status is None or e["status"] == status)
    ]
    items.sort(key=lambda e: (e["number"], e["id"]))
    start = offset
    if "page-show-episodes-offset-skip" in BUGS and offset:
        start = offset + 1  # every page after the first starts one episode late
    return json_response(
        {"items": [public(e) for e in items[start : offset + limit]], "total": len(items)}
    )


async def list_episodes(request: Request, ctx: Ctx) -> Response:
    q = request.query_params
    show_id = q.get("show_id")
    if show_id is not None:
        show_id = parse_uuid(show_id, ["query", "show_id"])
    status = parse_enum(q.get("status"), ["query", "status"], EPISODE_STATUSES)
    if "page-episodes-status-ignored" in BUGS:
        status = None  # read and checked, then not applied
    items = [
        e
        for e in ctx.t.episodes.values()
        if (show_id is None or e["show_id"] == show_id)
        and (status is None or e["status"] == status)
    ]
    return json_response(cursor_page(request, ctx.tenant, "episodes", items, id_desc=False))


def rate_limit(ctx: Ctx) -> dict[str, str]:
    """Fixed 5 s windows per network for getEpisode; raises 429 past 20 requests."""
    # rate-episode-one-window: every network's requests counted in one window.
    holder = SHARED if "rate-episode-one-window" in BUGS else ctx.t
    t = time.monotonic()
    start, count = holder.rate_window
    if t - start >= RATE_WINDOW:
        start, count = t, 0
    reset = max(1, math.ceil(start + RATE_WINDOW - t))
    if count >= RATE_LIMIT:
        holder.rate_window = (start, count)
        raise ApiError(
            "rate_limited",
            "Too many requests; retry after `Retry-After` seconds.",
            headers={
                "Retry-After": str(reset),
                "RateLimit-Policy": RATE_POLICY,
                "RateLimit": f'"20-per-5s";r=0;t={reset}',
            },
        )
    count += 1
    holder.rate_window = (start, count)
    return {
        "RateLimit-Policy": RATE_POLICY,
        "RateLimit": f'"20-per-5s";r={RATE_LIMIT - count};t={reset}',
    }


async def get_episode(request: Request, ctx: Ctx) -> Response:
    headers = rate_limit(ctx)
    try:
        ep = get_episode_or_404(ctx, request.path_params["episode_id"])
    except ApiError as e:
        e.headers.update(headers)
        raise
    return json_response(public(ep), 200, headers)


async def publish_episode(request: Request, ctx: Ctx) -> Response:
    try:
        ep = get_episode_or_404(ctx, request.path_params["episode_id"])
    except ApiError as e:
        if e.code == "not_found" and "err-publish-plain-404" in BUGS:
            return json_response({"detail": "Not Found"}, 404)  # the framework's own 404
        raise
    if ep["status"] == "published":
        raise ApiError("already_published", "The episode is already published.")
    ep["status"] = "published"
    ep["published_at"] = iso(CLOCK.now())
    return json_response(public(ep))


# --------------------------------------------------------------------------- sponsorships


def get_sponsorship_or_404(ctx: Ctx, raw_id: str) -> Item:
    sid = parse_uuid(raw_id, ["path", "sponsorship_id"])
    sp = ctx.t.sponsorships.get(sid)
    if sp is None:
        raise ApiError("not_found", "No such sponsorship.")
    return sp


async def create_sponsorship(request: Request, ctx: Ctx) -> Response:
    raw, _ = await read_json(request)
    body = validate_body(SponsorshipCreate, raw)
    ep = ctx.t.episodes.get(str(body.episode_id))
    if ep is None and "ten-sponsorship-any-episode" in BUGS:  # looked up in every network
        eid = str(body.episode_id)
        ep = next((t.episodes[eid] for t in TENANTS.values() if eid in t.episodes), None)
    if ep is None:
        raise ApiError(
            "unknown_episode",
            "`episode_id` names no episode of your network.",
            [
                field_error(
                    ["body", "episode_id"], "names no episode of your network", "unknown_episode"
                )
            ],
        )
    ts = CLOCK.now()
    sid = str(uuid.uuid4())
    sp: Item = {
        "id": sid,
        "episode_id": ep["id"],
        "show_id": ep["show_id"],
        "sponsor": body.sponsor,
        "placement": body.placement,
        "cpm_cents": body.cpm_cents,
        "created_at": iso(ts),
        "_ts": ts,
    }
    ctx.t.sponsorships[sid] = sp
    return json_response(public(sp), 201)


async def list_sponsorships(request: Request, ctx: Ctx) -> Response:
    q = request.query_params
    placement = parse_enum(q.get("placement"), ["query", "placement"], PLACEMENTS)
    episode_id = q.get("episode_id")
    if episode_id is not None:
        episode_id = parse_uuid(episode_id, ["query", "episode_id"])
    page = parse_int(q.get("page"), ["query", "page"], 1, 1, None)
    per_page = parse_int(q.get("per_page"), ["query", "per_page"], 10, 1, 20)
    items = [
        s
        for s in ctx.t.sponsorships.values()
        if (placement is None or s["placement"] == placement)
        and (episode_id is None or s["episode_id"] == episode_id)
    ]
    items.sort(key=lambda s: s["id"])
    items.sort(key=lambda s: s["_ts"], reverse=True)
    start = (page - 1) * per_page
    return json_response({"items": [public(s) for s in items[start : start + per_page]]})


async def get_sponsorship(request: Request, ctx: Ctx) -> Response:
    return json_response(public(get_sponsorship_or_404(ctx, request.path_params["sponsorship_id"])))


async def delete_sponsorship(request: Request, ctx: Ctx) -> Response:
    sp = get_sponsorship_or_404(ctx, request.path_params["sponsorship_id"])
    del ctx.t.sponsorships[sp["id"]]
    return Response(status_code=204)


# --------------------------------------------------------------------------- app

routes = [
    Route(BASE + "/shows", endpoint(create_show), methods=["POST"]),
    Route(BASE + "/shows", endpoint(list_shows), methods=["GET"]),
    Route(BASE + "/shows/{show_id}", endpoint(get_show), methods=["GET"]),
    Route(BASE + "/shows/{show_id}", endpoint(update_show), methods=["PATCH"]),
    Route(BASE + "/shows/{show_id}/episodes", endpoint(create_episode), methods=["POST"]),
    Route(BASE + "/shows/{show_id}/episodes", endpoint(list_show_episodes), methods=["GET"]),
    Route(BASE + "/episodes", endpoint(list_episodes), methods=["GET"]),
    Route(BASE + "/episodes/{episode_id}", endpoint(get_episode), methods=["GET"]),
    Route(BASE + "/episodes/{episode_id}/publish", endpoint(publish_episode), methods=["POST"]),
    Route(BASE + "/sponsorships", endpoint(create_sponsorship), methods=["POST"]),
    Route(BASE + "/sponsorships", endpoint(list_sponsorships), methods=["GET"]),
    Route(BASE + "/sponsorships/{sponsorship_id}", endpoint(get_sponsorship), methods=["GET"]),
    Route(
        BASE + "/sponsorships/{sponsorship_id}", endpoint(delete_sponsorship), methods=["DELETE"]
    ),
]


class RequestIdAndErrors:
    """ASGI middleware: X-Request-Id on every answer; 404/405/500 as problem documents."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        rid = headers.get("x-request-id", "")
        if not REQUEST_ID_RE.match(rid):
            rid = str(uuid.uuid4())
        scope.setdefault("state", {})["request_id"] = rid
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [
                    h for h in message.get("headers", []) if h[0].lower() != b"x-request-id"
                ]
                message["headers"].append((b"x-request-id", rid.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            if started:
                raise
            resp = problem(rid, ApiError("internal_error", "The server failed; retry later."))
            await resp(scope, receive, send_with_id)


async def not_found(request: Request, exc: Exception) -> Response:
    return problem(request_id(request), ApiError("not_found", "No such resource."))


async def method_not_allowed(request: Request, exc: Exception) -> Response:
    # The taxonomy has no 405: a method a path does not take is answered 404 not_found.
    return problem(request_id(request), ApiError("not_found", "No such operation."))


inner = Starlette(routes=routes, exception_handlers={404: not_found, 405: method_not_allowed})
app = RequestIdAndErrors(inner)


def main(argv: list[str] | None = None) -> None:
    from examples._example import server_main
    from examples.podcast.example import BUGS as PLANTED

    server_main(app, PLANTED, BUGS, port=8719, description=__doc__, argv=argv)


if __name__ == "__main__":
    main()
