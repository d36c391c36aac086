"""In-memory energy-monitoring API implementing examples/gridwise/contracts (Starlette, uvicorn).

Run: python -m examples.gridwise.server --port 8718 [--bug ID ...]   (API keys in README.md)
Planted bugs (examples/gridwise/example.py's BUGS) are off unless named with --bug.

Ported from the server a new user of synth wrote (FINDINGS.md): their raw ASGI app, router,
handlers and storage, typed, validating input with the contracts' own models as theirs did; the
planted-bug switches added. Their scratch server's three BUG values are the switches
val-meter-label-59, page-meters-status-ignored and ten-meter-read-any-tenant.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import hmac
import json
import re
import secrets
import traceback
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, Field, TypeAdapter, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from examples.gridwise.contracts.models import (
    AlertCreate,
    AlertId,
    MeterCreate,
    MeterId,
    MeterKind,
    MeterStatus,
    Region,
    SiteCreate,
    SiteId,
    SiteUpdate,
    ThresholdKw,
)

BASE = "/v1"
KEYS = {"SECRET_A": "a", "SECRET_B": "b"}  # API key (X-Api-Key) -> tenant
CURSOR_SECRET = secrets.token_bytes(32)
BUGS: set[str] = set()  # planted-bug switches, from --bug

Item = dict[str, Any]  # a stored site, meter, alert rule or idempotency record
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
    "site_code_taken": (409, "Site code taken"),
    "serial_taken": (409, "Serial taken"),
    "unknown_meter": (422, "Unknown meter"),
    "meter_retired": (409, "Meter retired"),
    "method_not_allowed": (405, "Method not allowed"),
}


class Problem(Exception):
    def __init__(
        self,
        code: str,
        detail: str | None = None,
        errors: ErrorList | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(code)
        self.code, self.detail, self.errors, self.headers = code, detail, errors, headers or {}


def problem_response(p: Problem) -> Response:
    status, title = ERRORS[p.code]
    body: dict[str, Any] = {
        "type": f"about:blank#{p.code}",
        "title": title,
        "status": status,
        "code": p.code,
    }
    if p.detail is not None:
        body["detail"] = p.detail
    if p.errors is not None:
        body["errors"] = p.errors
    return Response(
        json.dumps(body),
        status_code=status,
        media_type="application/problem+json",
        headers=p.headers,
    )


def field_errors(exc: ValidationError, prefix: list[Any]) -> ErrorList:
    return [
        {"loc": prefix + list(e["loc"]), "msg": e["msg"], "type": e["type"]}
        for e in exc.errors(include_url=False, include_context=False, include_input=False)
    ]


# ---------------------------------------------------------------- storage


class Store:
    """One tenant's data: nothing is shared between tenants."""

    def __init__(self) -> None:
        self.sites: dict[str, Item] = {}
        self.meters: dict[str, Item] = {}
        self.alerts: dict[str, Item] = {}
        self.idem: dict[str, Item] = {}


STORES: dict[str, Store] = {t: Store() for t in KEYS.values()}
# createSite's idempotency keys of every tenant in one store: only with idem-site-key-global.
SHARED_IDEM: dict[str, Item] = {}


def now_text() -> str:
    # fixed-width microseconds so that text order is time order
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(8)}"


# ---------------------------------------------------------------- validation helpers

_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def adapter(tp: Any) -> TypeAdapter[Any]:
    if tp not in _ADAPTERS:
        _ADAPTERS[tp] = TypeAdapter(tp)
    return _ADAPTERS[tp]


A_SITE_ID = adapter(SiteId)
A_METER_ID = adapter(MeterId)
A_ALERT_ID = adapter(AlertId)
A_REGION = adapter(Region)
A_KIND = adapter(MeterKind)
A_STATUS = adapter(MeterStatus)
A_THRESHOLD = adapter(ThresholdKw)
A_SITE_SORT = adapter(Literal["-created_at", "name"])
A_CURSOR = adapter(Annotated[str, Field(min_length=1)])
A_IDEM_KEY = adapter(Annotated[str, Field(min_length=1, max_length=255)])
A_LIMIT_100 = adapter(Annotated[int, Field(ge=1, le=100)])
A_LIMIT_50 = adapter(Annotated[int, Field(ge=1, le=50)])


class Checker:
    """Collects every field problem of a request, then raises one 422."""

    def __init__(self) -> None:
        self.errors: ErrorList = []

    def value(self, ad: TypeAdapter[Any], raw: Any, loc: list[Any]) -> Any:
        try:
            return ad.validate_python(raw)
        except ValidationError as exc:
            self.errors.extend(field_errors(exc, loc))
            return None

    def add(self, loc: list[Any], msg: str, type_: str) -> None:
        self.errors.append({"loc": loc, "msg": msg, "type": type_})

    def raise_if_any(self) -> None:
        if self.errors:
            raise Problem("validation_failed", "The request breaks the contract.", self.errors)


def query(request: Request, name: str) -> str | None:
    return request.query_params.get(name)


async def read_body(request: Request, model: type[M], ck: Checker) -> tuple[M | None, Any]:
    """(the validated body or None with the field errors in ``ck``, the parsed JSON)."""
    raw = await request.body()
    try:
        parsed_json = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise Problem("invalid_request", "The body is not valid JSON.") from None
    try:
        obj = model.model_validate_json(raw)
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            raise Problem("invalid_request", "The body is not valid JSON.") from None
        ck.errors.extend(field_errors(exc, ["body"]))
        return None, parsed_json
    return obj, parsed_json


# ---------------------------------------------------------------- cursors


def make_token(tenant: str, kind: str, order: str, filters: Item, key: list[Any]) -> str:
    payload = json.dumps(
        {"t": tenant, "l": kind, "o": order, "f": filters, "k": key},
        sort_keys=True,
        separators=(",", ":"),
    ).encode()
    body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    sig = hmac.new(CURSOR_SECRET, body.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{body}.{sig}"


def read_token(token: str, tenant: str, kind: str, order: str, filters: Item) -> list[Any]:
    try:
        body, sig = token.split(".")
        good = hmac.new(CURSOR_SECRET, body.encode(), hashlib.sha256).hexdigest()[:32]
        if not hmac.compare_digest(sig, good):
            raise ValueError
        data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        if data["t"] != tenant or data["l"] != kind or data["o"] != order or data["f"] != filters:
            raise ValueError
        key = data["k"]
        if not isinstance(key, list):
            raise ValueError
        return key
    except Exception:
        raise Problem(
            "invalid_cursor",
            "This cursor was not issued for this list, its filters and your tenant.",
        ) from None


def order_cmp(order: tuple[str, ...]) -> Callable[[list[Any], list[Any]], int]:
    def cmp(a: list[Any], b: list[Any]) -> int:
        for field, x, y in zip(order, a, b, strict=False):
            desc = field.startswith("-")
            if x == y:
                continue
            r = -1 if x < y else 1
            return -r if desc else r
        return 0

    return cmp


def key_of(item: Item, order: tuple[str, ...]) -> list[Any]:
    return [item[f.lstrip("-")] for f in order]


def keyset_page(
    items: list[Item], order: tuple[str, ...], after: list[Any] | None, limit: int
) -> tuple[list[Item], bool]:
    cmp = order_cmp(order)

    def by_key(x: Item, y: Item) -> int:
        return cmp(key_of(x, order), key_of(y, order))

    ordered = sorted(items, key=functools.cmp_to_key(by_key))
    if after is not None:
        ordered = [it for it in ordered if cmp(key_of(it, order), after) > 0]
    return ordered[:limit], len(ordered) > limit


# ---------------------------------------------------------------- idempotency


async def idempotent(
    idem: dict[str, Item],
    key: str | None,
    fingerprint: str,
    handler: Callable[[], Response],
    *,
    keep: bool = True,
) -> Response:
    """Run ``handler`` once per key of ``idem`` (the tenant's store): a retry with the same
    fingerprint replays the stored success, another fingerprint is 422, a retry while the first
    runs is 409. ``keep=False`` (idem-meter-key-released) releases the key after a success."""
    if key is None:
        return handler()
    rec = idem.get(key)
    if rec is not None:
        if rec["fp"] != fingerprint:
            raise Problem(
                "idempotency_key_reused", "This Idempotency-Key was used with another request."
            )
        if rec["state"] == "running":
            raise Problem(
                "idempotency_key_in_use", "A request with this Idempotency-Key is still running."
            )
        headers = dict(rec["headers"])
        headers["Idempotent-Replayed"] = "true"
        return Response(
            rec["body"], status_code=rec["status"], media_type=rec["media_type"], headers=headers
        )
    idem[key] = {"fp": fingerprint, "state": "running"}
    try:
        await asyncio.sleep(0.002)  # a window in which a concurrent retry sees the key in use
        resp = handler()
    except BaseException:
        idem.pop(key, None)
        raise
    if 200 <= resp.status_code < 300 and keep:
        idem[key] = {
            "fp": fingerprint,
            "state": "done",
            "status": resp.status_code,
            "body": resp.body,
            "media_type": resp.media_type,
            "headers": {
                k: v
                for k, v in resp.headers.items()
                if k.lower() not in ("content-length", "content-type")
            },
        }
    else:
        idem.pop(key, None)
    return resp


def fingerprint(request: Request, parsed: Any) -> str:
    return json.dumps(
        [request.method, request.url.path, parsed], sort_keys=True, separators=(",", ":")
    )


def idem_key(request: Request, ck: Checker, required: bool) -> tuple[str | None, bool]:
    """(the Idempotency-Key, whether a required one is missing)."""
    raw = request.headers.get("idempotency-key")
    if raw is None:
        return None, required
    return ck.value(A_IDEM_KEY, raw, ["header", "Idempotency-Key"]), False


# ---------------------------------------------------------------- representations


def site_out(s: Item) -> Item:
    return {k: s[k] for k in ("id", "code", "name", "region", "timezone", "created_at")}


def meter_out(m: Item) -> Item:
    keys = ("id", "site_id", "serial", "kind", "status", "multiplier", "label", "created_at")
    return {k: m[k] for k in keys}


def alert_out(a: Item) -> Item:
    return {k: a[k] for k in ("id", "meter_id", "name", "severity", "threshold_kw", "created_at")}


def etag_of(s: Item) -> str:
    shown = site_out(s)
    if "cache-site-etag-static" in BUGS:  # made from what never changes: the id and created_at
        shown = {k: s[k] for k in ("id", "created_at")}
    digest = hashlib.sha256(json.dumps(shown, sort_keys=True).encode()).hexdigest()
    return '"' + digest[:24] + '"'


def etag_list(header: str) -> list[str]:
    return [t.strip() for t in header.split(",") if t.strip()]


# ---------------------------------------------------------------- handlers: sites


async def create_site(request: Request, store: Store, tenant: str) -> Response:
    ck = Checker()
    key, _ = idem_key(request, ck, required=False)
    body, parsed = await read_body(request, SiteCreate, ck)
    ck.raise_if_any()
    assert body is not None

    def do() -> Response:
        if any(s["code"] == body.code for s in store.sites.values()):
            raise Problem("site_code_taken", f"Another site of yours has code {body.code}.")
        s: Item = {
            "id": new_id("site"),
            "code": body.code,
            "name": body.name,
            "region": body.region,
            "timezone": body.timezone,
            "created_at": now_text(),
        }
        store.sites[s["id"]] = s
        return JSONResponse(site_out(s), status_code=201)

    idem = SHARED_IDEM if "idem-site-key-global" in BUGS else store.idem
    return await idempotent(idem, key, fingerprint(request, parsed), do)


async def list_sites(request: Request, store: Store, tenant: str) -> Response:
    ck = Checker()
    region = cursor = None
    if (r := query(request, "region")) is not None:
        region = ck.value(A_REGION, r, ["query", "region"])
    q = query(request, "q")
    sort = "-created_at"
    if (r := query(request, "sort")) is not None:
        sort = ck.value(A_SITE_SORT, r, ["query", "sort"])
    limit = 20
    if (r := query(request, "limit")) is not None:
        limit = ck.value(A_LIMIT_100, r, ["query", "limit"])
    if (r := query(request, "cursor")) is not None:
        cursor = ck.value(A_CURSOR, r, ["query", "cursor"])
    ck.raise_if_any()
    order = {"-created_at": ("-created_at", "-id"), "name": ("name", "id")}[sort]
    filters = {"region": region, "q": q}
    after = read_token(cursor, tenant, "sites", sort, filters) if cursor is not None else None
    items = [
        s
        for s in store.sites.values()
        if (region is None or s["region"] == region)
        and (q is None or q.lower() in s["name"].lower())
    ]
    page, more = keyset_page(items, order, after, limit)
    last = page[-1] if page else None
    if "page-sites-cursor-skip" in BUGS and more:
        # The cursor names the next page's first site (the one past the page), read as "after".
        last = keyset_page(items, order, after, limit + 1)[0][limit]
    nxt = (
        make_token(tenant, "sites", sort, filters, key_of(last, order))
        if more and last is not None
        else None
    )
    return JSONResponse({"items": [site_out(s) for s in page], "next_cursor": nxt})


def site_path(request: Request, ck: Checker) -> Any:
    return ck.value(A_SITE_ID, request.path_params["site_id"], ["path", "site_id"])


async def get_site(request: Request, store: Store, tenant: str) -> Response:
    ck = Checker()
    sid = site_path(request, ck)
    ck.raise_if_any()
    s = store.sites.get(sid)
    if s is None:
        raise Problem("not_found", "No such site.")
    tag = etag_of(s)
    inm = request.headers.get("if-none-match")
    if inm is not None:
        tags = etag_list(inm)
        if "*" in tags or tag.removeprefix("W/") in [t.removeprefix("W/") for t in tags]:
            return Response(status_code=304, headers={"ETag": tag})
    return JSONResponse(site_out(s), headers={"ETag": tag})


async def update_site(request: Request, store: Store, tenant: str) -> Response:
    ck = Checker()
    sid = site_path(request, ck)
    body, _ = await read_body(request, SiteUpdate, ck)
    ck.raise_if_any()
    assert body is not None
    s = store.sites.get(sid)
    if s is None:
        raise Problem("not_found", "No such site.")
    im = request.headers.get("if-match")
    if im is not None:
        tags = etag_list(im)
        if (
            "*" not in tags and etag_of(s) not in tags
        ):  # strong comparison: a weak tag never matches
            raise Problem("precondition_failed", "The site changed since that ETag.")
    for field in body.model_fields_set:
        s[field] = getattr(body, field)
    if "patch-site-timezone-cleared" in BUGS:
        s["timezone"] = body.timezone  # nullable, so copied whether sent or not: None if left out
    return JSONResponse(site_out(s), headers={"ETag": etag_of(s)})


async def delete_site(request: Request, store: Store, tenant: str) -> Response:
    ck = Checker()
    sid = site_path(request, ck)
    ck.raise_if_any()
    if store.sites.pop(sid, None) is None:
        raise Problem("not_found", "No such site.")
    for mid in [m["id"] for m in store.meters.values() if m["site_id"] == sid]:
        del store.meters[mid]
    return Response(status_code=204)


# ---------------------------------------------------------------- handlers: meters


async def create_meter(request: Request, store: Store, tenant: str) -> Response:
    ck = Checker()
    sid = site_path(request, ck)
    key, missing = idem_key(request, ck, required=True)
    body, parsed = await read_body(request, MeterCreate, ck)
    label = body.label if body is not None else None
    if "val-meter-label-59" in BUGS and label is not None and len(label) >= 60:
        ck.add(["body", "label"], "too long", "string_too_long")  # off by one: 59 at most
    ck.raise_if_any()
    assert body is not None
    if missing:
        raise Problem("idempotency_key_missing", "Send an Idempotency-Key header with this create.")

    def do() -> Response:
        site_known = sid in store.sites
        if not site_known and "ten-meter-any-site" in BUGS:  # the site looked up in every tenant
            site_known = any(sid in other.sites for other in STORES.values())
        if not site_known:
            raise Problem("not_found", "No such site.")
        if any(m["site_id"] == sid and m["serial"] == body.serial for m in store.meters.values()):
            raise Problem(
                "serial_taken", f"This site already has a meter with serial {body.serial}."
            )
        m: Item = {
            "id": new_id("mtr"),
            "site_id": sid,
            "serial": body.serial,
            "kind": body.kind,
            "status": "active",
            "multiplier": body.multiplier,
            "label": body.label,
            "created_at": now_text(),
        }
        store.meters[m["id"]] = m
        return JSONResponse(meter_out(m), status_code=201)

    keep = "idem-meter-key-released" not in BUGS
    return await idempotent(store.idem, key, fingerprint(request, parsed), do, keep=keep)


async def list_meters(request: Request, store: Store, tenant: str) -> Response:
    ck = Checker()
    site_id = kind = status = None
    if (r := query(request, "site_id")) is not None:
        site_id = ck.value(A_SITE_ID, r, ["query", "site_id"])
    if (r := query(request, "kind")) is not None:
        kind = ck.value(A_KIND, r, ["query", "kind"])
    if (r := query(request, "status")) is not None:
        status = ck.value(A_STATUS, r, ["query", "status"])
    prefix = query(request, "serial_prefix")
    size = 20
    if (r := query(request, "page_size")) is not None:
        size = ck.value(A_LIMIT_100, r, ["query", "page_size"])
    token = query(request, "page_token")
    ck.raise_if_any()
    order = ("-created_at", "-id")
    filters = {"site_id": site_id, "kind": kind, "status": status, "serial_prefix": prefix}
    # "" is the first page (AIP-158)
    after = read_token(token, tenant, "meters", "default", filters) if token else None
    # Read and checked (and in the token), then not applied: only with the planted bugs.
    site_filter = None if "page-meters-site-ignored" in BUGS else site_id
    status_filter = None if "page-meters-status-ignored" in BUGS else status
    items = [
        m
        for m in store.meters.values()
        if (site_filter is None or m["site_id"] == site_filter)
        and (kind is None or m["kind"] == kind)
        and (status_filter is None or m["status"] == status_filter)
        and (prefix is None or m["serial"].startswith(prefix))
    ]
    page, more = keyset_page(items, order, after, size)
    nxt = (
        make_token(tenant, "meters", "default", filters, key_of(page[-1], order))
        if more and page
        else None
    )
    return JSONResponse({"items": [meter_out(m) for m in page], "next_page_token": nxt})


def meter_path(request: Request, ck: Checker) -> Any:
    return ck.value(A_METER_ID, request.path_params["meter_id"], ["path", "meter_id"])


async def get_meter(request: Request, store: Store, tenant: str) -> Response:
    ck = Checker()
    mid = meter_path(request, ck)
    ck.raise_if_any()
    m = store.meters.get(mid)
    if m is None and "ten-meter-read-any-tenant" in BUGS:  # the meter looked up in every tenant
        m = next((st.meters[mid] for st in STORES.values() if mid in st.meters), None)
    if m is None:
        raise Problem("not_found", "No such meter.")
    return JSONResponse(meter_out(m))


async def retire_meter(request: Request, store: Store, tenant: str) -> Response:
    ck = Checker()
    mid = meter_path(request, ck)
    ck.raise_if_any()
    m = store.meters.get(mid)
    if m is None:
        if "err-retire-plain-404" in BUGS:  # the framework's own 404, not a problem
            return JSONResponse({"detail": "Not Found"}, status_code=404)
        raise Problem("not_found", "No such meter.")
    if m["status"] == "retired":
        raise Problem("meter_retired", "The meter is already retired.")
    m["status"] = "retired"
    return JSONResponse(meter_out(m))


async def delete_meter(request: Request, store: Store, tenant: str) -> Response:
    ck = Checker()
    mid = meter_path(request, ck)
    ck.raise_if_any()
    if store.meters.pop(mid, None) is None:
        raise Problem("not_found", "No such meter.")
    return Response(status_code=204)


# ---------------------------------------------------------------- handlers: alerts


async def create_alert(request: Request, store: Store, tenant: str) -> Response:
    ck = Checker()
    key, missing = idem_key(request, ck, required=True)
    body, parsed = await read_body(request, AlertCreate, ck)
    ck.raise_if_any()
    assert body is not None
    if missing:
        raise Problem("idempotency_key_missing", "Send an Idempotency-Key header with this create.")

    def do() -> Response:
        m = store.meters.get(body.meter_id)
        if m is None:
            if "err-alert-meter-404" in BUGS:  # the meters' lookup helper, with its 404
                raise Problem("not_found", "No such meter.")
            raise Problem("unknown_meter", "meter_id names no meter of yours.")
        if m["status"] == "retired":
            raise Problem("meter_retired", "The meter is retired.")
        a: Item = {
            "id": new_id("alr"),
            "meter_id": body.meter_id,
            "name": body.name,
            "severity": body.severity,
            "threshold_kw": body.threshold_kw,
            "created_at": now_text(),
        }
        store.alerts[a["id"]] = a
        return JSONResponse(alert_out(a), status_code=201)

    return await idempotent(store.idem, key, fingerprint(request, parsed), do)


async def list_alerts(request: Request, store: Store, tenant: str) -> Response:
    ck = Checker()
    meter_id = min_kw = after = before = None
    if (r := query(request, "meter_id")) is not None:
        meter_id = ck.value(A_METER_ID, r, ["query", "meter_id"])
    severity = query(request, "severity")
    if (r := query(request, "min_threshold_kw")) is not None:
        min_kw = ck.value(A_THRESHOLD, r, ["query", "min_threshold_kw"])
    if (r := query(request, "starting_after")) is not None:
        after = ck.value(A_ALERT_ID, r, ["query", "starting_after"])
    if (r := query(request, "ending_before")) is not None:
        before = ck.value(A_ALERT_ID, r, ["query", "ending_before"])
        if after is not None:
            ck.add(
                ["query", "ending_before"],
                "starting_after and ending_before exclude each other",
                "value_error",
            )
    limit = 10
    if (r := query(request, "limit")) is not None:
        limit = ck.value(A_LIMIT_50, r, ["query", "limit"])
    ck.raise_if_any()
    if "page-alerts-meter-ignored" in BUGS:
        meter_id = None  # read and checked, then not applied
    severities = None
    if severity is not None and severity != "":
        severities = {v.strip() for v in severity.split(",")}  # an unknown severity matches nothing
    items = sorted(
        (
            a
            for a in store.alerts.values()
            if (meter_id is None or a["meter_id"] == meter_id)
            and (severities is None or a["severity"] in severities)
            and (min_kw is None or a["threshold_kw"] >= min_kw)
        ),
        key=lambda a: str(a["id"]),
    )
    if before is not None:
        earlier = [a for a in items if a["id"] < before]
        page = earlier[-limit:]
        more = len(earlier) > limit
    else:
        if after is not None:
            items = [a for a in items if a["id"] > after]
        page, more = items[:limit], len(items) > limit
    return JSONResponse({"data": [alert_out(a) for a in page], "has_more": more})


def alert_path(request: Request, ck: Checker) -> Any:
    return ck.value(A_ALERT_ID, request.path_params["alert_id"], ["path", "alert_id"])


async def get_alert(request: Request, store: Store, tenant: str) -> Response:
    ck = Checker()
    aid = alert_path(request, ck)
    ck.raise_if_any()
    a = store.alerts.get(aid)
    if a is None:
        raise Problem("not_found", "No such alert rule.")
    return JSONResponse(alert_out(a))


async def delete_alert(request: Request, store: Store, tenant: str) -> Response:
    ck = Checker()
    aid = alert_path(request, ck)
    ck.raise_if_any()
    if store.alerts.pop(aid, None) is None:
        raise Problem("not_found", "No such alert rule.")
    return Response(status_code=204)


# ---------------------------------------------------------------- routing

Handler = Callable[[Request, Store, str], Awaitable[Response]]

ROUTES: list[tuple[re.Pattern[str], dict[str, Handler]]] = [
    (re.compile(r"^/sites$"), {"POST": create_site, "GET": list_sites}),
    (
        re.compile(r"^/sites/(?P<site_id>[^/]+)$"),
        {"GET": get_site, "PATCH": update_site, "DELETE": delete_site},
    ),
    (re.compile(r"^/sites/(?P<site_id>[^/]+)/meters$"), {"POST": create_meter}),
    (re.compile(r"^/meters$"), {"GET": list_meters}),
    (re.compile(r"^/meters/(?P<meter_id>[^/]+)$"), {"GET": get_meter, "DELETE": delete_meter}),
    (re.compile(r"^/meters/(?P<meter_id>[^/]+)/retire$"), {"POST": retire_meter}),
    (re.compile(r"^/alerts$"), {"POST": create_alert, "GET": list_alerts}),
    (re.compile(r"^/alerts/(?P<alert_id>[^/]+)$"), {"GET": get_alert, "DELETE": delete_alert}),
]


async def dispatch(request: Request) -> Response:
    path = request.url.path
    if not path.startswith(BASE + "/"):
        raise Problem("not_found", "No such resource.")
    rest = path[len(BASE) :]
    for pattern, methods in ROUTES:
        match = pattern.match(rest)
        if match is None:
            continue
        handler = methods.get(request.method)
        if handler is None:
            raise Problem(
                "method_not_allowed",
                f"{request.method} is not allowed here.",
                headers={"Allow": ", ".join(methods)},
            )
        tenant = KEYS.get(request.headers.get("x-api-key", ""))
        if tenant is None:
            raise Problem("unauthenticated", "Send a valid API key in X-Api-Key.")
        request.scope["path_params"] = match.groupdict()
        return await handler(request, STORES[tenant], tenant)
    raise Problem("not_found", "No such resource.")


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    request = Request(scope, receive)
    try:
        response = await dispatch(request)
    except Problem as p:
        response = problem_response(p)
    except Exception:
        traceback.print_exc()
        response = problem_response(Problem("internal_error", "The server failed."))
    await response(scope, receive, send)


def main(argv: list[str] | None = None) -> None:
    from examples._example import server_main
    from examples.gridwise.example import BUGS as PLANTED

    server_main(app, PLANTED, BUGS, port=8718, description=__doc__, argv=argv)


if __name__ == "__main__":
    main()
