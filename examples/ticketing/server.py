"""In-memory Ticketing API implementing examples/ticketing/contracts, written by a new user of synth.

Run: python -m examples.ticketing.server --port 8713
Tenants: X-Api-Key key-alpha -> tenant "alpha", key-beta -> tenant "beta".
Planted bugs (examples/ticketing/example.py): --bug ID, repeatable; the correct server has none.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import hmac
import json
import re
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar, overload
from urllib.parse import urlencode

from pydantic import BaseModel, TypeAdapter, ValidationError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from examples.ticketing.contracts.models import (  # the contract's own Pydantic models
    Event,
    EventCreate,
    Order,
    OrderCreate,
    Tier,
    TierCreate,
    Venue,
    VenueCreate,
)
from examples.ticketing.example import BUGS as PLANTED
from examples.ticketing.example import TENANTS as SECRETS
from synth.contract import UUID as CUUID
from synth.contract import DateTime as CDateTime

# The planted bugs switched on (--bug ID), ids and descriptions in example.py's BUGS.
ON: set[str] = set()


def bug(name: str) -> bool:
    return name in ON


TENANTS = {"key-alpha": "alpha", "key-beta": "beta"}
assert set(TENANTS) == set(SECRETS.values())
SECRET = b"ticketing-cursor-signing-key"
BASE = "/v1"

# ---------------------------------------------------------------- storage
Item = dict[str, Any]  # an item as served, plus "_raw": the values it is sorted and filtered by
M = TypeVar("M", bound=BaseModel)
# tenant -> collection -> id -> item (json-able + raw)
DB: dict[str, dict[str, dict[str, Item]]] = {}
# (tenant, key) -> {"fp":..., "done": bool, "resp": ...}
IDEM: dict[tuple[str, str], dict[str, Any]] = {}


def coll(tenant: str, name: str) -> dict[str, Item]:
    return DB.setdefault(tenant, {}).setdefault(name, {})


def now() -> datetime:
    return datetime.now(UTC)


# ---------------------------------------------------------------- problems
TITLES = {
    "unauthenticated": (401, "Unauthenticated"),
    "not_found": (404, "Not found"),
    "validation_failed": (422, "Validation failed"),
    "invalid_request": (400, "Invalid request"),
    "internal_error": (500, "Internal error"),
    "idempotency_key_missing": (400, "Idempotency-Key missing"),
    "idempotency_key_reused": (422, "Idempotency-Key reused"),
    "idempotency_key_in_use": (409, "Idempotency-Key in use"),
    "invalid_cursor": (400, "Invalid cursor"),
    "event_cancelled": (409, "Event cancelled"),
    "tier_name_taken": (409, "Tier name taken"),
}


class Problem(Exception):
    def __init__(
        self,
        code: str,
        detail: str = "",
        status: int | None = None,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        self.code, self.detail, self.errors = code, detail, errors
        self.status = status or TITLES[code][0]


def bad_param(where: str, name: str, msg: str, typ: str) -> Problem:
    return Problem(
        "validation_failed",
        f"{name}: {msg}",
        errors=[{"loc": [where, name], "msg": msg, "type": typ}],
    )


def problem_response(
    code: str,
    detail: str = "",
    status: int | None = None,
    headers: dict[str, str] | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> Response:
    status = status or TITLES[code][0]
    title = TITLES.get(code, (status, code))[1]
    body: dict[str, Any] = {
        "type": f"about:blank#{code}",
        "title": title,
        "status": status,
        "code": code,
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    return Response(
        json.dumps(body), status_code=status, media_type="application/problem+json", headers=headers
    )


def json_response(obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(obj), status_code=status, media_type="application/json", headers=headers
    )


# ---------------------------------------------------------------- parsing helpers
_UUID = TypeAdapter(CUUID)
_DT = TypeAdapter(CDateTime)
INT_RE = re.compile(r"^-?[0-9]+$")


def parse_uuid_path(s: str) -> str:
    try:
        return str(_UUID.validate_json(json.dumps(s)))
    except ValidationError:
        raise Problem("not_found", "no such item") from None


@overload
def q_int(req: Request, name: str) -> int | None: ...
@overload
def q_int(req: Request, name: str, default: int, lo: int, hi: int | None) -> int: ...
def q_int(
    req: Request,
    name: str,
    default: int | None = None,
    lo: int | None = None,
    hi: int | None = None,
) -> int | None:
    raw = req.query_params.get(name)
    if raw is None:
        return default
    if not INT_RE.match(raw):
        raise bad_param("query", name, "must be an integer", "int_parsing")
    v = int(raw)
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        raise bad_param("query", name, f"must be between {lo} and {hi}", "out_of_range")
    return v


def q_dt(req: Request, name: str) -> datetime | None:
    raw = req.query_params.get(name)
    if raw is None:
        return None
    try:
        return _DT.validate_json(json.dumps(raw))
    except ValidationError:
        raise bad_param(
            "query", name, "must be an RFC 3339 date-time", "datetime_parsing"
        ) from None


def q_uuid(req: Request, name: str) -> str | None:
    raw = req.query_params.get(name)
    if raw is None:
        return None
    try:
        return str(_UUID.validate_json(json.dumps(raw)))
    except ValidationError:
        raise bad_param("query", name, "must be a UUID", "uuid_parsing") from None


def q_enum(req: Request, name: str, allowed: Iterable[str]) -> str | None:
    raw = req.query_params.get(name)
    if raw is None:
        return None
    if raw not in allowed:
        raise bad_param("query", name, f"must be one of {sorted(allowed)}", "enum")
    return raw


def tenant_of(req: Request) -> str:
    t = TENANTS.get(req.headers.get("x-api-key", ""))
    if not t:
        raise Problem("unauthenticated", "missing or unknown X-Api-Key")
    return t


async def read_body(req: Request, model: type[M]) -> tuple[M, Any]:
    raw = await req.body()
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise Problem("invalid_request", "body is not JSON") from None
    try:
        return model.model_validate_json(raw), data
    except ValidationError as e:
        errs = [
            {"loc": ["body", *x["loc"]], "msg": x["msg"], "type": x["type"]} for x in e.errors()
        ]
        raise Problem(
            "validation_failed", "the body does not match the schema", errors=errs
        ) from None


# ---------------------------------------------------------------- ordering
def field(item: Item, path: str) -> Any:
    v = item
    for part in path.split("."):
        v = v[part]
    return v


def sort_value(item: Item, f: str) -> Any:
    return item["_raw"][f] if f in item.get("_raw", {}) else field(item, f)


def compare(a: Item, b: Item, order: Sequence[str]) -> int:
    """-1 when a comes before b in `order` (fields with '-' descending)."""
    for key in order:
        desc = key.startswith("-")
        f = key.lstrip("-")
        va, vb = sort_value(a, f), sort_value(b, f)
        if va != vb:
            r = -1 if va < vb else 1
            return -r if desc else r
    return 0


def sort_items(items: Iterable[Item], order: Sequence[str]) -> list[Item]:
    def cmp(a: Item, b: Item) -> int:
        return compare(a, b, order)

    return sorted(items, key=functools.cmp_to_key(cmp))


def key_values(item: Item, order: Sequence[str]) -> list[Any]:
    out: list[Any] = []
    for k in order:
        v = sort_value(item, k.lstrip("-"))
        out.append(v.isoformat() if isinstance(v, datetime) else v)
    return out


def after_key(
    items: list[Item], order: Sequence[str], kv: list[Any], types: Sequence[str], which: str = ""
) -> list[Item]:
    """Items strictly after the keyset position kv."""
    probe: Item = {"_raw": {}}
    for k, v, t in zip(order, kv, types, strict=False):
        probe["_raw"][k.lstrip("-")] = datetime.fromisoformat(v) if t == "dt" else v
    cmp_order = order[:1] if bug("no-tiebreak") or bug(f"no-tiebreak-{which}") else order
    return [it for it in items if compare(it, probe, cmp_order) > 0]


# ---------------------------------------------------------------- signed tokens
def sign(payload: dict[str, Any]) -> str:
    body = (
        base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode())
        .decode()
        .rstrip("=")
    )
    mac = hmac.new(SECRET, body.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{body}.{mac}"


def unsign(token: str, tenant: str, kind: str) -> dict[str, Any]:
    try:
        body, mac = token.rsplit(".", 1)
        good = hmac.new(SECRET, body.encode(), hashlib.sha256).hexdigest()[:32]
        if not hmac.compare_digest(mac, good):
            raise ValueError
        payload: dict[str, Any] = json.loads(
            base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        )
        if payload.get("t") != tenant or payload.get("kind") != kind:
            raise ValueError
        return payload
    except (ValueError, TypeError, UnicodeDecodeError, AttributeError):
        raise Problem("invalid_cursor", "cursor is malformed, edited or not yours") from None


# ---------------------------------------------------------------- idempotency
def fingerprint(req: Request, raw: bytes) -> str:
    try:
        canon = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":"))
    except (ValueError, UnicodeDecodeError):
        canon = raw.decode("latin-1")
    return hashlib.sha256(f"{req.method} {req.url.path}\n{canon}".encode()).hexdigest()


async def idempotent(
    req: Request, tenant: str, handler: Callable[[], Awaitable[Response]]
) -> Response:
    key = req.headers.get("idempotency-key")
    if key is None or key.strip() == "":
        raise Problem(
            "idempotency_key_missing", "this operation requires an Idempotency-Key header"
        )
    raw = await req.body()
    fp = fingerprint(req, raw)
    # The store's key: (tenant, key); the planted idem-key-not-per-tenant forgets the tenant.
    where: tuple[str, str] = ("", key) if bug("idem-key-not-per-tenant") else (tenant, key)
    slot = IDEM.get(where)
    if slot is not None:
        if slot["fp"] != fp:
            raise Problem("idempotency_key_reused", "this key was used with a different request")
        if not slot["done"]:
            raise Problem("idempotency_key_in_use", "a request with this key is in progress")
        status, body, headers = slot["resp"]
        return Response(
            body,
            status_code=status,
            media_type=headers["content-type"],
            headers={
                **{k: v for k, v in headers.items() if k != "content-type"},
                "Idempotent-Replayed": "true",
            },
        )
    IDEM[where] = slot = {"fp": fp, "done": False}
    try:
        resp = await handler()
    except Problem as p:
        if p.code in (
            "validation_failed",
            "invalid_request",
        ):  # nothing ran: not stored (like Stripe)
            del IDEM[where]
            raise
        resp = problem_response(p.code, p.detail, p.status)
    except BaseException:
        del IDEM[where]
        raise
    hdrs = {k: v for k, v in resp.headers.items() if k.lower() not in ("content-length",)}
    slot["resp"] = (
        resp.status_code,
        resp.body,
        {
            "content-type": resp.media_type or hdrs.get("content-type"),
            **{k: v for k, v in hdrs.items() if k.lower() == "location"},
        },
    )
    slot["done"] = True
    return resp


async def db_latency() -> None:
    await asyncio.sleep(0.003)  # stands in for the database round trip


def public(item: Item) -> Item:
    return {k: v for k, v in item.items() if k != "_raw"}


def store(model_cls: type[BaseModel], data: dict[str, Any], raw: dict[str, Any]) -> Item:
    def enc(v: Any) -> Any:
        if isinstance(v, datetime):
            return v.isoformat()
        if hasattr(v, "model_dump"):
            return v.model_dump(mode="json")
        return str(v)

    obj = model_cls.model_validate_json(
        json.dumps(data, default=enc)
    )  # the response model checks it
    out = obj.model_dump(mode="json")
    out["_raw"] = raw
    return out


# ---------------------------------------------------------------- venues (Offset + total)
VENUE_SORTS = {"name": ("name", "id"), "-capacity": ("-capacity", "id")}


async def create_venue(req: Request) -> Response:
    tenant = tenant_of(req)

    async def run() -> Response:
        body, _ = await read_body(req, VenueCreate)
        await db_latency()
        vid = str(uuid.uuid4())
        created = now()
        item = store(
            Venue,
            {
                "id": vid,
                "name": body.name,
                "capacity": body.capacity,
                "address": body.address.model_dump(),
                "created_at": created,
            },
            {"created_at": created},
        )
        coll(tenant, "venues")[vid] = item
        return json_response(public(item), 201, {"Location": f"{BASE}/venues/{vid}"})

    return await idempotent(req, tenant, run)


async def list_venues(req: Request) -> Response:
    tenant = tenant_of(req)
    limit = q_int(req, "limit", 20, 1, 100)
    offset = q_int(req, "offset", 0, 0, None)
    sort = q_enum(req, "sort", VENUE_SORTS) or "name"
    lo = q_int(req, "min_capacity")
    hi = q_int(req, "max_capacity")
    countries = req.query_params.get("country")
    city = req.query_params.get("city")
    items = list(coll(tenant, "venues").values())
    if lo is not None:
        items = [v for v in items if v["capacity"] >= lo]
    if hi is not None:
        items = [v for v in items if v["capacity"] <= hi]
    if countries is not None:
        wanted = set(countries.split(","))
        items = [v for v in items if v["address"]["country"] in wanted]
    if city is not None:
        items = [v for v in items if v["address"]["city"] == city]
    items = sort_items(items, VENUE_SORTS[sort])
    start = offset + 1 if (bug("offset-skip") and offset > 0) else offset
    page = items[start : start + limit]
    return json_response({"items": [public(v) for v in page], "total": len(items)})


async def get_venue(req: Request) -> Response:
    tenant = tenant_of(req)
    vid = parse_uuid_path(req.path_params["venue_id"])
    v = coll(tenant, "venues").get(vid)
    if v is None and bug("ten-venue-any-tenant"):
        v = next((t["venues"][vid] for t in DB.values() if vid in t.get("venues", {})), None)
    if not v:
        raise Problem("not_found", "no such venue")
    return json_response(public(v))


# ---------------------------------------------------------------- events (Cursor + sort)
EVENT_SORTS = {
    "-created_at": ("-created_at", "-id"),
    "starts_at": ("starts_at", "id"),
    "-starts_at": ("-starts_at", "id"),
    "price": ("base_price_cents", "id"),
}
SORT_TYPES = {
    "-created_at": ("dt", "s"),
    "starts_at": ("dt", "s"),
    "-starts_at": ("dt", "s"),
    "price": ("i", "s"),
}
EVENT_STATUSES = {"draft", "on_sale", "cancelled"}
CATEGORIES = {"music", "sport", "theatre", "conference"}


async def create_event(req: Request) -> Response:
    tenant = tenant_of(req)

    async def run() -> Response:
        body, _ = await read_body(req, EventCreate)
        venue = coll(tenant, "venues").get(str(body.venue_id))
        if venue is None:
            raise Problem(
                "validation_failed",
                "venue_id names no venue of yours",
                errors=[
                    {
                        "loc": ["body", "venue_id"],
                        "msg": "names no venue of yours",
                        "type": "not_found",
                    }
                ],
            )
        await db_latency()
        eid = str(uuid.uuid4())
        created = now()
        item = store(
            Event,
            {
                "id": eid,
                "name": body.name,
                "venue_id": str(body.venue_id),
                "category": body.category,
                "starts_at": body.starts_at,
                "base_price_cents": body.base_price_cents,
                "status": body.status,
                "address": venue["address"],
                "created_at": created,
            },
            {"created_at": created, "starts_at": body.starts_at},
        )
        coll(tenant, "events")[eid] = item
        return json_response(public(item), 201, {"Location": f"{BASE}/events/{eid}"})

    return await idempotent(req, tenant, run)


async def list_events(req: Request) -> Response:  # noqa: PLR0912 (one branch per filter)
    tenant = tenant_of(req)
    limit = q_int(req, "limit", 20, 1, 100)
    sort = q_enum(req, "sort", EVENT_SORTS) or "-created_at"
    order = EVENT_SORTS[sort]
    cursor = req.query_params.get("cursor")
    if cursor is not None and cursor == "":
        raise bad_param("query", "cursor", "must not be empty", "string_too_short")
    frm, before = q_dt(req, "starts_from"), q_dt(req, "starts_before")
    statuses = req.query_params.get("status")
    not_cat = q_enum(req, "not_category", CATEGORIES)
    prefix = req.query_params.get("name_prefix")
    q = req.query_params.get("q")
    max_price = q_int(req, "max_price")
    city = req.query_params.get("city")
    venue_id = q_uuid(req, "venue_id")

    items = list(coll(tenant, "events").values())
    if frm is not None:
        items = [
            e
            for e in items
            if (e["_raw"]["starts_at"] > frm if bug("gte-as-gt") else e["_raw"]["starts_at"] >= frm)
        ]
    if before is not None:
        items = [e for e in items if e["_raw"]["starts_at"] < before]
    if statuses is not None:
        wanted = statuses.split(",")
        if bug("in-first"):
            wanted = wanted[:1]
        items = [e for e in items if e["status"] in set(wanted)]
    if not_cat is not None:
        items = [e for e in items if e["category"] != not_cat]
    if prefix is not None:
        items = [e for e in items if e["name"].startswith(prefix)]
    if q is not None:
        items = [e for e in items if q.lower() in e["name"].lower()]
    if max_price is not None:
        items = [e for e in items if e["base_price_cents"] <= max_price]
    if city is not None:
        items = [e for e in items if e["address"]["city"] == city]
    if venue_id is not None:
        items = [e for e in items if e["venue_id"] == venue_id]

    items = sort_items(items, order)
    if cursor is not None:
        pos = unsign(cursor, tenant, "events")
        if pos.get("s") != sort:
            raise Problem("invalid_cursor", "cursor was made for another sort order")
        items = after_key(items, order, pos["k"], SORT_TYPES[sort], "events")
    page = items[:limit]
    nxt = None
    if len(items) > limit:
        nxt = sign({"t": tenant, "kind": "events", "s": sort, "k": key_values(page[-1], order)})
    return json_response({"items": [public(e) for e in page], "next_cursor": nxt})


def etag_of(obj: Item) -> str:
    return '"' + hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()[:20] + '"'


async def get_event(req: Request) -> Response:
    tenant = tenant_of(req)
    eid = parse_uuid_path(req.path_params["event_id"])
    e = coll(tenant, "events").get(eid)
    if not e:
        raise Problem("not_found", "no such event")
    body = public(e)
    tag = etag_of(body)
    inm = req.headers.get("if-none-match")
    if inm is not None and not bug("cache-no-304"):
        tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
        if "*" in tags or tag in tags:
            return Response(status_code=304, headers={"ETag": tag})
    return json_response(body, 200, {"ETag": tag})


async def cancel_event(req: Request) -> Response:
    tenant = tenant_of(req)
    eid = parse_uuid_path(req.path_params["event_id"])
    e = coll(tenant, "events").get(eid)
    if not e:
        raise Problem("not_found", "no such event")
    e["status"] = "cancelled"
    return json_response(public(e))


# ---------------------------------------------------------------- tiers (LinkHeader, keyset)
TIER_ORDER = ("price_cents", "id")


def event_or_404(tenant: str, raw_id: str) -> Item:
    eid = parse_uuid_path(raw_id)
    e = coll(tenant, "events").get(eid)
    if not e:
        raise Problem("not_found", "no such event")
    return e


async def create_tier(req: Request) -> Response:
    tenant = tenant_of(req)
    event = event_or_404(tenant, req.path_params["event_id"])

    async def run() -> Response:
        body, _ = await read_body(req, TierCreate)
        if event["status"] == "cancelled":
            raise Problem("event_cancelled", "the event is cancelled")
        tiers = coll(tenant, "tiers")
        if any(t["event_id"] == event["id"] and t["name"] == body.name for t in tiers.values()):
            raise Problem("tier_name_taken", "the event already has a tier with this name")
        await db_latency()
        tid = str(uuid.uuid4())
        item = store(
            Tier,
            {
                "id": tid,
                "event_id": event["id"],
                "name": body.name,
                "price_cents": body.price_cents,
                "quantity": body.quantity,
                "created_at": now(),
            },
            {},
        )
        tiers[tid] = item
        return json_response(
            public(item), 201, {"Location": f"{BASE}/events/{event['id']}/tiers/{tid}"}
        )

    return await idempotent(req, tenant, run)


async def list_tiers(req: Request) -> Response:
    tenant = tenant_of(req)
    event = event_or_404(tenant, req.path_params["event_id"])
    per_page = q_int(req, "per_page", 10, 1, 50)
    min_price = q_int(req, "min_price")
    after = req.query_params.get("after")
    items = [t for t in coll(tenant, "tiers").values() if t["event_id"] == event["id"]]
    if min_price is not None:
        items = [t for t in items if t["price_cents"] > min_price]
    items = sort_items(items, TIER_ORDER)
    if after is not None:
        pos = unsign(after, tenant, "tiers:" + event["id"])
        items = after_key(items, TIER_ORDER, pos["k"], ("i", "s"))
    page = items[:per_page]
    headers = {}
    if len(items) > per_page and not (bug("link-lost") and after is not None):
        params = [(k, v) for k, v in req.query_params.multi_items() if k != "after"]
        params.append(
            (
                "after",
                sign(
                    {
                        "t": tenant,
                        "kind": "tiers:" + event["id"],
                        "k": key_values(page[-1], TIER_ORDER),
                    }
                ),
            )
        )
        url = req.url.replace(query=urlencode(params))
        headers["Link"] = f'<{url}>; rel="next"'
    return json_response([public(t) for t in page], 200, headers)


async def get_tier(req: Request) -> Response:
    tenant = tenant_of(req)
    event = event_or_404(tenant, req.path_params["event_id"])
    tid = parse_uuid_path(req.path_params["tier_id"])
    t = coll(tenant, "tiers").get(tid)
    if not t or t["event_id"] != event["id"]:
        raise Problem("not_found", "no such tier")
    return json_response(public(t))


# ---------------------------------------------------------------- orders (StartingAfter)
ORDER_ORDER = ("-created_at", "-id")


async def create_order(req: Request) -> Response:
    tenant = tenant_of(req)

    async def run() -> Response:
        body, _ = await read_body(req, OrderCreate)
        event = coll(tenant, "events").get(str(body.event_id))
        if event is None and bug("ten-order-event-any-tenant"):
            eid = str(body.event_id)
            event = next(
                (t["events"][eid] for t in DB.values() if eid in t.get("events", {})), None
            )
        if event is None:
            raise Problem(
                "validation_failed",
                "event_id names no event of yours",
                errors=[
                    {
                        "loc": ["body", "event_id"],
                        "msg": "names no event of yours",
                        "type": "not_found",
                    }
                ],
            )
        if event["status"] == "cancelled":
            raise Problem("event_cancelled", "the event is cancelled")
        await db_latency()
        oid = str(uuid.uuid4())
        created = now()
        item = store(
            Order,
            {
                "id": oid,
                "event_id": event["id"],
                "quantity": body.quantity,
                "buyer_email": body.buyer_email[:100]
                if bug("order-email-cut")
                else body.buyer_email,
                "amount_cents": body.quantity * event["base_price_cents"],
                "created_at": created,
            },
            {"created_at": created},
        )
        coll(tenant, "orders")[oid] = item
        return json_response(public(item), 201, {"Location": f"{BASE}/orders/{oid}"})

    return await idempotent(req, tenant, run)


async def list_orders(req: Request) -> Response:
    tenant = tenant_of(req)
    limit = q_int(req, "limit", 10, 1, 100)
    event_id = q_uuid(req, "event_id")
    min_q = q_int(req, "min_quantity")
    max_amount = q_int(req, "max_amount")
    email = req.query_params.get("email")
    sa, eb = req.query_params.get("starting_after"), req.query_params.get("ending_before")
    if sa is not None and eb is not None:
        raise bad_param(
            "query", "ending_before", "give starting_after or ending_before, not both", "conflict"
        )
    items = list(coll(tenant, "orders").values())
    if event_id is not None:
        items = [o for o in items if o["event_id"] == event_id]
    if min_q is not None:
        items = [
            o
            for o in items
            if (o["quantity"] > min_q if bug("min-qty-gt") else o["quantity"] >= min_q)
        ]
    if max_amount is not None:
        items = [o for o in items if o["amount_cents"] < max_amount]
    if email is not None:
        items = [o for o in items if email.lower() in o["buyer_email"].lower()]
    items = sort_items(items, ORDER_ORDER)
    orders = coll(tenant, "orders")

    def anchor(raw: str, name: str) -> Item:
        try:
            oid = str(_UUID.validate_json(json.dumps(raw)))
        except ValidationError:
            raise bad_param("query", name, "must be an order id", "uuid_parsing") from None
        if oid not in orders:
            raise bad_param("query", name, "names no order of yours", "not_found")
        return orders[oid]

    if sa is not None:
        a = anchor(sa, "starting_after")
        rest = [o for o in items if compare(o, a, ORDER_ORDER) > 0]
        page = rest[:limit]
        has_more = len(rest) > (limit + 1 if bug("has-more-early") else limit)
    elif eb is not None:
        a = anchor(eb, "ending_before")
        rest = [o for o in items if compare(o, a, ORDER_ORDER) < 0]
        page = rest[-limit:] if limit < len(rest) else rest
        has_more = len(rest) > limit
    else:
        page = items[:limit]
        has_more = len(items) > (limit + 1 if bug("has-more-early") else limit)
    return json_response({"data": [public(o) for o in page], "has_more": has_more})


async def get_order(req: Request) -> Response:
    tenant = tenant_of(req)
    oid = parse_uuid_path(req.path_params["order_id"])
    o = coll(tenant, "orders").get(oid)
    if not o:
        if bug("err-order-404-plain"):
            return json_response({"error": "no such order"}, 404)
        raise Problem("not_found", "no such order")
    return json_response(public(o))


# ---------------------------------------------------------------- app
def wrap(
    fn: Callable[[Request], Awaitable[Response]],
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(req: Request) -> Response:
        try:
            return await fn(req)
        except Problem as p:
            return problem_response(p.code, p.detail, p.status, errors=p.errors)

    return endpoint


routes = [
    Route(BASE + "/venues", wrap(create_venue), methods=["POST"]),
    Route(BASE + "/venues", wrap(list_venues), methods=["GET"]),
    Route(BASE + "/venues/{venue_id}", wrap(get_venue), methods=["GET"]),
    Route(BASE + "/events", wrap(create_event), methods=["POST"]),
    Route(BASE + "/events", wrap(list_events), methods=["GET"]),
    Route(BASE + "/events/{event_id}", wrap(get_event), methods=["GET"]),
    Route(BASE + "/events/{event_id}/cancel", wrap(cancel_event), methods=["POST"]),
    Route(BASE + "/events/{event_id}/tiers", wrap(create_tier), methods=["POST"]),
    Route(BASE + "/events/{event_id}/tiers", wrap(list_tiers), methods=["GET"]),
    Route(BASE + "/events/{event_id}/tiers/{tier_id}", wrap(get_tier), methods=["GET"]),
    Route(BASE + "/orders", wrap(create_order), methods=["POST"]),
    Route(BASE + "/orders", wrap(list_orders), methods=["GET"]),
    Route(BASE + "/orders/{order_id}", wrap(get_order), methods=["GET"]),
]


async def http_error(req: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)  # the handler of HTTPException only
    if exc.status_code == 404:
        return problem_response("not_found", "no such route")
    if exc.status_code == 405:
        return problem_response(
            "invalid_request", "method not allowed", 405, headers=dict(exc.headers or {})
        )
    return problem_response("invalid_request", str(exc.detail), exc.status_code)


async def server_error(req: Request, exc: Exception) -> Response:
    import traceback

    traceback.print_exception(exc)
    return problem_response("internal_error")


app = Starlette(
    routes=routes, exception_handlers={HTTPException: http_error, Exception: server_error}
)


def main() -> None:
    import argparse

    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8713)
    parser.add_argument("--log-level", default="warning", help="info logs every request")
    parser.add_argument(
        "--bug",
        action="append",
        default=[],
        choices=[b.id for b in PLANTED],
        metavar="ID",
        help="switch a planted bug on (repeatable; ids and what each does: "
        "examples/ticketing/example.py)",
    )
    args = parser.parse_args()
    ON.update(args.bug)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)


if __name__ == "__main__":
    main()
