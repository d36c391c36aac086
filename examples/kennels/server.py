"""In-memory kennel bookings API implementing examples/kennels/contracts.

Run: python -m examples.kennels.server --port 8741 [--bug ID ...]   (API keys in README.md)
Planted bugs (examples/kennels/example.py's BUGS) are off unless named with --bug.

Ported from a prototype a new user of synth wrote (its raw ASGI dispatcher and handlers, typed),
with the kennel's ETag and the planted-bug switches added.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import secrets
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, Field, TypeAdapter, ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from examples.kennels.contracts.models import BookingCreate, KennelPut, RunCreate

BASE = "/v1"
KEYS = {"key-kennels-alpha": "alpha", "key-kennels-bravo": "bravo"}  # API key -> tenant
BUGS: set[str] = set()  # planted-bug switches, from --bug

KENNEL_CODE = re.compile(r"[A-Z]{3}[0-9]{2}")
RUN_NO = re.compile(r"R[0-9]{4}")
BOOKING_ID = re.compile(r"bk_[0-9a-f]{16}")

TITLES = {
    "unauthenticated": (401, "Unauthenticated"),
    "not_found": (404, "Not found"),
    "validation_failed": (422, "Validation failed"),
    "invalid_request": (400, "Invalid request"),
    "idempotency_key_missing": (400, "Idempotency key missing"),
    "idempotency_key_reused": (422, "Idempotency key reused"),
    "idempotency_key_in_use": (409, "Idempotency key in use"),
    "rate_limited": (429, "Rate limited"),
    "booking_not_active": (409, "Booking not active"),
    "internal_error": (500, "Internal error"),
    "method_not_allowed": (405, "Method not allowed"),
}

# GET /bookings/{booking_id}: RL_LIMIT lookups per tenant in each fixed RL_WINDOW-second window.
RL_LIMIT, RL_WINDOW, RL_NAME = 10, 2, "10-per-2s"

Item = dict[str, Any]  # a stored kennel, run or booking, as answered
ErrorList = list[dict[str, Any]]
M = TypeVar("M", bound=BaseModel)


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
    status, title = TITLES[p.code]
    body: dict[str, Any] = {
        "type": f"about:blank#{p.code}",
        "title": title,
        "status": status,
        "code": p.code,
    }
    if p.detail:
        body["detail"] = p.detail
    if p.errors is not None:
        body["errors"] = p.errors
    return Response(
        json.dumps(body), status, headers=p.headers, media_type="application/problem+json"
    )


def ok(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body), status, headers=headers, media_type="application/json")


_last = [datetime.now(UTC)]  # the last time now_iso handed out


def now_iso() -> str:
    """The time now, strictly after the last one handed out (items created in one microsecond
    still sort by creation)."""
    t = max(datetime.now(UTC), _last[0] + timedelta(microseconds=1))
    _last[0] = t
    return t.isoformat(timespec="microseconds").replace("+00:00", "Z")


# ---- storage ----------------------------------------------------------------
@dataclass
class Tenant:
    kennels: dict[str, Item] = field(default_factory=dict)
    runs: dict[str, dict[str, Item]] = field(default_factory=dict)  # code -> run_no -> run
    run_seq: dict[str, int] = field(default_factory=dict)
    bookings: dict[str, Item] = field(default_factory=dict)
    idem: dict[str, Item] = field(default_factory=dict)  # key -> {fingerprint, state, ...}
    rl_window: int = -1
    rl_count: int = 0


TENANTS: dict[str, Tenant] = {t: Tenant() for t in KEYS.values()}
SHARED_BUCKET = Tenant()  # rate-bookings-one-bucket: the one counter every tenant draws from
GLOBAL_IDEM: dict[str, Item] = {}  # idem-bookings-key-global: the one key store of every tenant


# ---- parsing helpers --------------------------------------------------------
def check_path(name: str, value: str, rx: re.Pattern[str]) -> ErrorList:
    if rx.fullmatch(value):
        return []
    return [
        {
            "loc": ["path", name],
            "msg": f"does not match {rx.pattern}",
            "type": "string_pattern_mismatch",
        }
    ]


def query_int(
    request: Request, name: str, errors: ErrorList, *, default: int, lo: int, hi: int | None = None
) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    adapter: TypeAdapter[int] = TypeAdapter(Annotated[int, Field(ge=lo, le=hi)])
    try:
        return adapter.validate_strings(raw)
    except ValidationError as e:
        err = e.errors()[0]
        errors.append({"loc": ["query", name], "msg": err["msg"], "type": err["type"]})
        return default


async def read_body(request: Request, model: type[M], errors: ErrorList) -> tuple[M | None, Any]:
    """(the validated body or None, the parsed JSON); unparseable JSON is invalid_request."""
    raw = await request.body()
    try:
        parsed = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise Problem("invalid_request", "The body is not parseable JSON.") from None
    try:
        return model.model_validate_json(raw), parsed
    except ValidationError as e:
        for err in e.errors():
            errors.append({"loc": ["body", *err["loc"]], "msg": err["msg"], "type": err["type"]})
        return None, parsed


def raise_if(errors: ErrorList) -> None:
    if errors:
        raise Problem("validation_failed", "The request does not match the schema.", errors)


def tenant_of(request: Request) -> Tenant:
    key = request.headers.get("x-api-key")
    if key is None or key not in KEYS:
        raise Problem("unauthenticated", "The API key is missing or unknown.")
    return TENANTS[KEYS[key]]


# ---- ETags ------------------------------------------------------------------
def etag_of(kennel: Item) -> str:
    if "cache-kennel-etag-static" in BUGS:  # a version that no replace ever bumps
        seed = f"{kennel['kennel_code']}/{kennel['created_at']}"
    else:
        seed = json.dumps(kennel, sort_keys=True)
    return '"' + hashlib.sha256(seed.encode()).hexdigest()[:32] + '"'


def _opaque(tag: str) -> str:
    return tag[2:] if tag.startswith("W/") else tag


def etag_matches(header: str, etag: str) -> bool:
    tags = [t.strip() for t in header.split(",")]
    return "*" in tags or any(_opaque(t) == _opaque(etag) for t in tags)


# ---- kennels and runs -------------------------------------------------------
async def put_kennel(request: Request, t: Tenant, code: str) -> Response:
    errors = check_path("kennel_code", code, KENNEL_CODE)
    body, _ = await read_body(request, KennelPut, errors)
    if errors and "err-kennel-put-plain-422" in BUGS:  # the framework's default error shape
        return ok({"detail": errors}, 422)
    raise_if(errors)
    assert body is not None
    stamp = now_iso()
    existing = t.kennels.get(code)
    item = {
        "kennel_code": code,
        "name": body.name,
        "city": body.city,
        "capacity": body.capacity,
        "created_at": existing["created_at"] if existing else stamp,
        "updated_at": stamp,
    }
    t.kennels[code] = item
    if existing is None:
        t.runs[code] = {}
        t.run_seq[code] = 0
        return ok(item, 200 if "upsert-kennel-created-200" in BUGS else 201)
    return ok(item, 200)


def get_kennel(request: Request, t: Tenant, code: str) -> Response:
    raise_if(check_path("kennel_code", code, KENNEL_CODE))
    kennel = t.kennels.get(code)
    if kennel is None:
        raise Problem("not_found", "No such kennel.")
    etag = etag_of(kennel)
    inm = request.headers.get("if-none-match")
    if inm is not None and etag_matches(inm, etag):
        return Response(status_code=304, headers={"ETag": etag})
    return ok(kennel, headers={"ETag": etag})


def list_kennels(request: Request, t: Tenant) -> Response:
    errors: ErrorList = []
    page = query_int(request, "page", errors, default=1, lo=1)
    per_page = query_int(request, "per_page", errors, default=10, lo=1, hi=50)
    raise_if(errors)
    items = [t.kennels[c] for c in sorted(t.kennels)]
    start = (page - 1) * per_page
    return ok({"items": items[start : start + per_page]})


async def create_run(request: Request, t: Tenant, code: str) -> Response:
    errors = check_path("kennel_code", code, KENNEL_CODE)
    body, _ = await read_body(request, RunCreate, errors)
    raise_if(errors)
    assert body is not None
    if code not in t.kennels:
        raise Problem("not_found", "No such kennel.")
    t.run_seq[code] += 1
    run_no = f"R{t.run_seq[code]:04d}"
    item = {
        "kennel_code": code,
        "run_no": run_no,
        "size": body.size,
        "heated": body.heated,
        "created_at": now_iso(),
    }
    t.runs[code][run_no] = item
    return ok(item, 201)


def get_run(t: Tenant, code: str, run_no: str) -> Response:
    raise_if(check_path("kennel_code", code, KENNEL_CODE) + check_path("run_no", run_no, RUN_NO))
    run = t.runs.get(code, {}).get(run_no)
    if run is None and "ten-run-read-any-tenant" in BUGS:  # any tenant's kennel of that code
        for other in TENANTS.values():
            found = other.runs.get(code, {}).get(run_no)
            if found is not None:
                return ok(found)
    if code not in t.kennels or run is None:
        raise Problem("not_found", "No such run.")
    return ok(run)


def list_runs(request: Request, t: Tenant, code: str) -> Response:
    errors = check_path("kennel_code", code, KENNEL_CODE)
    offset = query_int(request, "offset", errors, default=0, lo=0)
    limit = query_int(request, "limit", errors, default=10, lo=1, hi=50)
    raise_if(errors)
    if code not in t.kennels:
        raise Problem("not_found", "No such kennel.")
    runs = t.runs[code]
    items = [runs[n] for n in sorted(runs)]
    return ok({"items": items[offset : offset + limit]})


# ---- bookings ---------------------------------------------------------------
def fingerprint(parsed: Any) -> str:
    return json.dumps(parsed, sort_keys=True, separators=(",", ":"))


async def create_booking(request: Request, t: Tenant) -> Response:
    key = request.headers.get("idempotency-key")
    if key is None:
        raise Problem(
            "idempotency_key_missing", "This operation requires an Idempotency-Key header."
        )
    errors: ErrorList = []
    if not 1 <= len(key) <= 255:
        errors.append(
            {
                "loc": ["header", "Idempotency-Key"],
                "msg": "1 to 255 characters",
                "type": "string_length",
            }
        )
    body, parsed = await read_body(request, BookingCreate, errors)
    raise_if(errors)
    assert body is not None
    store = GLOBAL_IDEM if "idem-bookings-key-global" in BUGS else t.idem
    fp = fingerprint(parsed)
    entry = store.get(key)
    if entry is not None:
        if entry["fingerprint"] != fp:
            raise Problem("idempotency_key_reused", "This key was used with another request body.")
        if entry["state"] == "running":
            raise Problem(
                "idempotency_key_in_use", "A request with this key is still being processed."
            )
        return ok(entry["body"], entry["status"], {"Idempotent-Replayed": "true"})
    store[key] = {"fingerprint": fp, "state": "running"}
    try:
        if body.kennel_code not in t.kennels:
            raise Problem(
                "validation_failed",
                "kennel_code names no kennel of yours.",
                [{"loc": ["body", "kennel_code"], "msg": "no such kennel", "type": "not_found"}],
            )
        booking_id = "bk_" + secrets.token_hex(8)
        item = {
            "id": booking_id,
            "kennel_code": body.kennel_code,
            "dog_name": body.dog_name,
            "owner_note": body.owner_note,
            "start_date": body.start_date.isoformat(),
            "nights": body.nights,
            "status": "active",
            "created_at": now_iso(),
        }
        t.bookings[booking_id] = item
    except BaseException:
        del store[key]  # a refused request does not keep its key
        raise
    store[key] = {"fingerprint": fp, "state": "done", "status": 201, "body": item}
    return ok(item, 201)


def list_bookings(request: Request, t: Tenant) -> Response:
    errors: ErrorList = []
    offset = query_int(request, "offset", errors, default=0, lo=0)
    limit = query_int(request, "limit", errors, default=10, lo=1, hi=50)
    raise_if(errors)
    items = sorted(t.bookings.values(), key=lambda b: (b["created_at"], b["id"]))
    start = offset + 1 if "page-bookings-offset-skip" in BUGS and offset > 0 else offset
    return ok({"items": items[start : start + limit], "total": len(items)})


def rate_limit(t: Tenant) -> dict[str, str]:
    """Count one lookup against the tenant's window; the rate-limit headers of its answer."""
    bucket = SHARED_BUCKET if "rate-bookings-one-bucket" in BUGS else t
    now = time.time()
    window = int(now // RL_WINDOW)
    if window != bucket.rl_window:
        bucket.rl_window, bucket.rl_count = window, 0
    reset = max(1, math.ceil((window + 1) * RL_WINDOW - now))
    policy = f'"{RL_NAME}";q={RL_LIMIT};w={RL_WINDOW}'
    if bucket.rl_count >= RL_LIMIT:
        raise Problem(
            "rate_limited",
            "Too many requests; retry after Retry-After seconds.",
            headers={
                "Retry-After": str(reset),
                "RateLimit-Policy": policy,
                "RateLimit": f'"{RL_NAME}";r=0;t={reset}',
            },
        )
    bucket.rl_count += 1
    return {
        "RateLimit-Policy": policy,
        "RateLimit": f'"{RL_NAME}";r={RL_LIMIT - bucket.rl_count};t={reset}',
    }


def get_booking(t: Tenant, booking_id: str) -> Response:
    headers = rate_limit(t)
    raise_if(check_path("booking_id", booking_id, BOOKING_ID))
    if booking_id not in t.bookings:
        raise Problem("not_found", "No such booking.")
    return ok(t.bookings[booking_id], headers=headers)


def cancel_booking(t: Tenant, booking_id: str) -> Response:
    raise_if(check_path("booking_id", booking_id, BOOKING_ID))
    b = t.bookings.get(booking_id)
    if b is None:
        raise Problem("not_found", "No such booking.")
    if b["status"] != "active":
        raise Problem("booking_not_active", "The booking is already cancelled.")
    b["status"] = "cancelled"
    return ok(b)


# ---- routing ----------------------------------------------------------------
Handler = Callable[[Tenant], Response | Awaitable[Response]]


def routes_of(request: Request, segs: list[str]) -> dict[str, Handler] | None:
    """The handlers of the path's methods, or None for a path the API does not have."""
    routes: dict[str, Handler] | None = None
    match segs:
        case ["kennels"]:
            routes = {"GET": lambda t: list_kennels(request, t)}
        case ["kennels", code] if code:
            routes = {
                "GET": lambda t: get_kennel(request, t, code),
                "PUT": lambda t: put_kennel(request, t, code),
            }
        case ["kennels", code, "runs"] if code:
            routes = {
                "GET": lambda t: list_runs(request, t, code),
                "POST": lambda t: create_run(request, t, code),
            }
        case ["kennels", code, "runs", run_no] if code and run_no:
            routes = {"GET": lambda t: get_run(t, code, run_no)}
        case ["bookings"]:
            routes = {
                "GET": lambda t: list_bookings(request, t),
                "POST": lambda t: create_booking(request, t),
            }
        case ["bookings", booking_id] if booking_id:
            routes = {"GET": lambda t: get_booking(t, booking_id)}
        case ["bookings", booking_id, "cancel"] if booking_id:
            routes = {"POST": lambda t: cancel_booking(t, booking_id)}
    return routes


async def dispatch(request: Request) -> Response:
    path = request.url.path
    if not path.startswith(BASE + "/"):
        raise Problem("not_found", "No such path.")
    routes = routes_of(request, path[len(BASE) + 1 :].split("/"))
    if routes is None:
        raise Problem("not_found", "No such path.")
    method = "GET" if request.method == "HEAD" and "GET" in routes else request.method
    if method not in routes:
        allowed = ", ".join(routes)
        raise Problem("method_not_allowed", f"Allowed: {allowed}", headers={"Allow": allowed})
    result = routes[method](tenant_of(request))
    if isinstance(result, Response):
        return result
    return await result


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    request = Request(scope, receive)
    try:
        response = await dispatch(request)
    except Problem as p:
        response = problem_response(p)
    except Exception as e:
        print("internal error:", repr(e), file=sys.stderr)
        response = problem_response(Problem("internal_error", "The server failed."))
    await response(scope, receive, send)


def main(argv: list[str] | None = None) -> None:
    from examples._example import server_main
    from examples.kennels.example import BUGS as PLANTED

    server_main(app, PLANTED, BUGS, port=8741, description=__doc__, argv=argv)


if __name__ == "__main__":
    main()
