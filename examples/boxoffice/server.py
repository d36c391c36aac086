"""In-memory box office API implementing examples/boxoffice/contracts (Starlette).

Run: python -m examples.boxoffice.server --port 8751 [--bug ID ...]   (tokens in README.md)
Planted bugs (examples/boxoffice/example.py's BUGS) are off unless named with --bug.

Ported from a server a new user of synth wrote against their contracts: its handlers, typed,
with its own request models (it imported the contracts' models) and the example's --bug and
--port switches; the bugs are the user's.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

BASE = "/v1"
TOKENS = {"tok-alpha": "org_alpha", "tok-beta": "org_beta"}  # bearer token -> organisation
BUGS: set[str] = set()  # planted-bug switches, from --bug

# GET .../events/{event_no}: RATE_LIMIT lookups per organisation in each RATE_WINDOW seconds.
RATE_LIMIT, RATE_WINDOW, RATE_NAME = 10, 3, "10-per-3s"
TITLES = {
    "unauthenticated": (401, "Unauthenticated"),
    "not_found": (404, "Not found"),
    "validation_failed": (422, "Validation failed"),
    "invalid_request": (400, "Invalid request"),
    "internal_error": (500, "Internal error"),
    "idempotency_key_missing": (400, "Idempotency key missing"),
    "idempotency_key_reused": (422, "Idempotency key reused"),
    "idempotency_key_in_use": (409, "Idempotency key in use"),
    "rate_limited": (429, "Rate limited"),
    "event_cancelled": (409, "Event cancelled"),
    "method_not_allowed": (405, "Method not allowed"),
}

Item = dict[str, Any]  # a stored venue or event, as answered (events keep an "_order" key)
ErrorList = list[dict[str, Any]]
M = TypeVar("M", bound=BaseModel)


class Problem(Exception):
    def __init__(
        self,
        code: str,
        detail: str | None = None,
        *,
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
    if p.detail is not None:
        body["detail"] = p.detail
    if p.errors is not None:
        body["errors"] = p.errors
    return Response(
        json.dumps(body), status, headers=p.headers, media_type="application/problem+json"
    )


def field_errors(exc: ValidationError, prefix: list[str]) -> ErrorList:
    out: ErrorList = []
    for e in exc.errors(include_url=False, include_input=False, include_context=False):
        # loc-missing-field: every error names only its part ("body"), never the field.
        loc = prefix if "loc-missing-field" in BUGS else [*prefix, *e["loc"]]
        out.append({"loc": loc, "msg": e["msg"], "type": e["type"]})
    return out


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


# ---------------------------------------------------------------- request models

# RFC 3339 date-time: seconds and an offset required (JSON Schema's date-time format).
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", re.I | re.A)


def rfc3339(value: Any) -> Any:
    if not isinstance(value, str) or not RFC3339.fullmatch(value):
        raise ValueError("expected an RFC 3339 date-time with an offset")
    return value


Instant = Annotated[AwareDatetime, BeforeValidator(rfc3339)]
OrgId = Annotated[str, Field(pattern=r"^org_[a-z0-9]{3,20}$")]
Slug = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{2,39}$")]
Genre = Literal["music", "theatre", "sport", "talk"]
Status = Literal["scheduled", "cancelled"]


class Body(BaseModel):
    """A request body: JSON types as they are ("5" is no integer), unknown fields refused."""

    model_config = ConfigDict(strict=True, extra="forbid")


class VenuePut(Body):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    city: Annotated[str, Field(min_length=1, max_length=60)]
    seats: Annotated[int, Field(ge=1, le=100_000)]


class EventCreate(Body):
    title: Annotated[str, Field(min_length=1, max_length=100)]
    genre: Genre
    starts_at: Annotated[Instant, Field(strict=False)]
    price_cents: Annotated[int, Field(ge=0, le=1_000_000)] = 0
    note: Annotated[str, Field(max_length=500)] | None = None


class VenuePath(BaseModel):
    org_id: OrgId
    venue_slug: Slug


class EventPath(VenuePath):
    event_no: Annotated[int, Field(ge=1)]


P = TypeVar("P", bound=VenuePath)


class ListQuery(BaseModel):
    genre: Genre | None = None
    status: Status | None = None
    page: Annotated[int, Field(ge=1)] = 1
    per_page: Annotated[int, Field(ge=1, le=50)] = 10


# ---------------------------------------------------------------- state


@dataclass
class Store:
    venues: dict[tuple[str, str], Item] = field(default_factory=dict)  # (org, slug) -> venue
    events: dict[tuple[str, str], dict[int, Item]] = field(default_factory=dict)
    next_no: dict[tuple[str, str], int] = field(default_factory=dict)
    idem: dict[tuple[str, str], Item] = field(default_factory=dict)  # (org, key) -> record
    rate: dict[str, tuple[float, int]] = field(default_factory=dict)  # org -> (start, count)


S = Store()


def authenticate(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    org = TOKENS.get(token.strip())
    if scheme.lower() != "bearer" or org is None:
        raise Problem("unauthenticated", "Missing or unknown bearer token.")
    return org


def parse_path(request: Request, model: type[P], caller: str) -> P:
    try:
        p = model.model_validate(dict(request.path_params))
    except ValidationError as e:
        raise Problem(
            "validation_failed", "Invalid path parameter.", errors=field_errors(e, ["path"])
        ) from None
    if p.org_id != caller:  # another organisation's id: as one nowhere
        raise Problem("not_found", "No such organisation.")
    return p


def _refuse(name: str) -> None:
    raise ValueError(name)  # NaN, Infinity: not JSON


async def parse_body(request: Request, model: type[M]) -> tuple[M, Any]:
    """(the validated body, the parsed JSON); a body that is not JSON is invalid_request."""
    raw = await request.body()
    try:
        data = json.loads(raw, parse_constant=_refuse)
    except (ValueError, UnicodeDecodeError):
        raise Problem("invalid_request", "The body is not JSON.") from None
    try:
        obj = model.model_validate_json(raw)
    except ValidationError as e:
        raise Problem(
            "validation_failed",
            "The body does not match the contract.",
            errors=field_errors(e, ["body"]),
        ) from None
    return obj, data


def venue_or_404(org: str, slug: str) -> Item:
    v = S.venues.get((org, slug))
    if v is None:
        raise Problem("not_found", "No such venue.")
    return v


def event_or_404(org: str, slug: str, no: int) -> Item:
    venue_or_404(org, slug)
    e = S.events.get((org, slug), {}).get(no)
    if e is None:
        raise Problem("not_found", "No such event.")
    return e


def public_event(e: Item) -> Item:
    return {k: v for k, v in e.items() if not k.startswith("_")}


Endpoint = Callable[[Request], Awaitable[Response]]


def handler(fn: Endpoint) -> Endpoint:
    async def wrapped(request: Request) -> Response:
        try:
            return await fn(request)
        except Problem as p:
            return problem_response(p)

    return wrapped


# ---------------------------------------------------------------- venues


@handler
async def venue_item(request: Request) -> Response:
    org = authenticate(request)
    p = parse_path(request, VenuePath, org)
    key = (org, p.venue_slug)
    if request.method == "GET":
        return JSONResponse(venue_or_404(org, p.venue_slug))
    if request.method == "DELETE":
        venue_or_404(org, p.venue_slug)
        del S.venues[key]
        S.events.pop(key, None)
        S.next_no.pop(key, None)
        return Response(status_code=204)
    body, _ = await parse_body(request, VenuePut)
    stamp = now()
    old = S.venues.get(key)
    venue = {
        "slug": p.venue_slug,
        **body.model_dump(mode="json"),
        "created_at": old["created_at"] if old else stamp,
        "updated_at": stamp,
    }
    S.venues[key] = venue
    # upsert-always-200: a venue the PUT creates is answered 200, as a replaced one is.
    return JSONResponse(venue, 200 if (old or "upsert-always-200" in BUGS) else 201)


# ---------------------------------------------------------------- events


@handler
async def events_collection(request: Request) -> Response:
    org = authenticate(request)
    p = parse_path(request, VenuePath, org)
    if request.method == "GET":
        return list_events(request, org, p.venue_slug)
    return await create_event(request, org, p.venue_slug)


def order_key(e: Item) -> Any:
    if "order-as-text" in BUGS:  # starts_at compared as the text sent, not as an instant
        return (e["starts_at"], e["number"])
    return e["_order"]


def list_events(request: Request, org: str, slug: str) -> Response:
    qp = request.query_params
    raw = {k: qp[k] for k in ("genre", "status", "page", "per_page") if k in qp}
    try:
        q = ListQuery.model_validate(raw)
    except ValidationError as e:
        raise Problem(
            "validation_failed", "Invalid query parameter.", errors=field_errors(e, ["query"])
        ) from None
    venue_or_404(org, slug)
    items = sorted(S.events.get((org, slug), {}).values(), key=order_key)
    if q.genre is not None:
        items = [e for e in items if e["genre"] == q.genre]
    if q.status is not None:
        items = [e for e in items if e["status"] == q.status]
    start = (q.page - 1) * q.per_page
    if "page-skip" in BUGS and q.page > 1:  # each later page starts one event late
        start += 1
    page = items[start : start + q.per_page]
    return JSONResponse({"items": [public_event(e) for e in page], "total": len(items)})


async def create_event(request: Request, org: str, slug: str) -> Response:
    idem_key = request.headers.get("idempotency-key")
    if idem_key is None:
        raise Problem("idempotency_key_missing", "Send an Idempotency-Key header.")
    if not 1 <= len(idem_key) <= 255:
        raise Problem(
            "validation_failed",
            "Invalid Idempotency-Key.",
            errors=[
                {
                    "loc": ["header", "Idempotency-Key"],
                    "msg": "1 to 255 characters",
                    "type": "string_length",
                }
            ],
        )
    body, data = await parse_body(request, EventCreate)
    fingerprint = json.dumps({"path": request.url.path, "body": data}, sort_keys=True)
    rec_key = (org, idem_key)
    rec = S.idem.get(rec_key)
    if rec is not None:
        # idem-ignore-body: a key reused with another body replays the first event.
        if rec["fingerprint"] != fingerprint and "idem-ignore-body" not in BUGS:
            raise Problem("idempotency_key_reused", "This key was used with another request.")
        if rec["status"] is None:
            raise Problem("idempotency_key_in_use", "A request with this key is still running.")
        return JSONResponse(rec["body"], rec["status"], headers={"Idempotent-Replayed": "true"})
    S.idem[rec_key] = {"fingerprint": fingerprint, "status": None, "body": None}
    try:
        await asyncio.sleep(0.002)  # a real server does I/O here; makes "in use" observable
        venue_or_404(org, slug)
        no = S.next_no.get((org, slug), 1)
        S.next_no[(org, slug)] = no + 1
        event = {
            "number": no,
            "venue_slug": slug,
            "title": body.title,
            "genre": body.genre,
            "starts_at": data["starts_at"],  # as sent
            "price_cents": body.price_cents,
            "note": body.note,
            "status": "scheduled",
            "created_at": now(),
            "_order": (body.starts_at, no),
        }
        S.events.setdefault((org, slug), {})[no] = event
    except BaseException:
        S.idem.pop(rec_key, None)  # a refused request does not keep its key
        raise
    out = public_event(event)
    S.idem[rec_key] = {"fingerprint": fingerprint, "status": 201, "body": out}
    return JSONResponse(out, 201)


def rate_headers(remaining: int, reset: int) -> dict[str, str]:
    return {
        "RateLimit-Policy": f'"{RATE_NAME}";q={RATE_LIMIT};w={RATE_WINDOW}',
        "RateLimit": f'"{RATE_NAME}";r={remaining};t={reset}',
    }


@handler
async def event_item(request: Request) -> Response:
    org = authenticate(request)
    # A fixed window per caller's organisation; rate-shared: one window for every organisation.
    t = time.monotonic()
    rk = "*" if "rate-shared" in BUGS else org
    start, count = S.rate.get(rk, (t, 0))
    if t - start >= RATE_WINDOW:
        start, count = t, 0
    reset = max(1, math.ceil(start + RATE_WINDOW - t))
    if count >= RATE_LIMIT:
        raise Problem(
            "rate_limited",
            "Too many requests.",
            headers={"Retry-After": str(reset), **rate_headers(0, reset)},
        )
    count += 1
    S.rate[rk] = (start, count)
    headers = rate_headers(RATE_LIMIT - count, reset)
    try:
        p = parse_path(request, EventPath, org)
        e = event_or_404(org, p.venue_slug, p.event_no)
    except Problem as prob:
        prob.headers.update(headers)
        raise
    return JSONResponse(public_event(e), headers=headers)


@handler
async def cancel_event(request: Request) -> Response:
    org = authenticate(request)
    p = parse_path(request, EventPath, org)
    if "cancel-any-org" in BUGS:  # the first event of that slug and number, in any organisation
        e = next(
            (
                events[p.event_no]
                for (_, sl), events in S.events.items()
                if sl == p.venue_slug and p.event_no in events
            ),
            None,
        )
        if e is None:
            raise Problem("not_found", "No such event.")
    else:
        e = event_or_404(org, p.venue_slug, p.event_no)
    if e["status"] == "cancelled":
        raise Problem("event_cancelled", "The event is already cancelled.")
    e["status"] = "cancelled"
    return JSONResponse(public_event(e))


# ---------------------------------------------------------------- app


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        return problem_response(Problem("method_not_allowed", "Method not allowed."))
    return problem_response(Problem("not_found", "No such route."))


async def server_error(request: Request, exc: Exception) -> Response:
    return problem_response(Problem("internal_error", "Something broke."))


VENUE = BASE + "/orgs/{org_id}/venues/{venue_slug}"
app = Starlette(
    routes=[
        Route(VENUE, venue_item, methods=["GET", "PUT", "DELETE"]),
        Route(VENUE + "/events", events_collection, methods=["GET", "POST"]),
        Route(VENUE + "/events/{event_no}", event_item, methods=["GET"]),
        Route(VENUE + "/events/{event_no}/cancel", cancel_event, methods=["POST"]),
    ],
    exception_handlers={HTTPException: http_error, 500: server_error},
)


def main(argv: list[str] | None = None) -> None:
    from examples._example import server_main
    from examples.boxoffice.example import BUGS as PLANTED

    server_main(app, PLANTED, BUGS, port=8751, description=__doc__, argv=argv)


if __name__ == "__main__":
    main()
