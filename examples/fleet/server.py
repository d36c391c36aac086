"""In-memory fleet telematics API implementing examples/fleet/contracts.

Run: python -m examples.fleet.server --port 8731 [--bug ID ...]   (API keys in README.md)
Planted bugs (examples/fleet/example.py's BUGS) are off unless named with --bug.

Ported from the prototype a new user of synth wrote (FINDINGS.md); the handlers are theirs,
typed, with the planted-bug switches added.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import secrets
import threading
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, Field, TypeAdapter, ValidationError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from examples.fleet.contracts.models import (
    DriverCreate,
    DriverId,
    TripEnd,
    TripNo,
    TripStart,
    TripStatus,
    VehicleCreate,
    VehicleId,
    VehicleStatus,
    VehicleUpdate,
)

BASE = "/v1"
TENANTS = {"key-fleet-alpha": "alpha", "key-fleet-bravo": "bravo"}
SECRET = secrets.token_bytes(32)
LOCK = threading.RLock()
BUGS: set[str] = set()  # planted-bug switches, from --bug

TITLES = {
    "unauthenticated": "Unauthenticated",
    "not_found": "Not found",
    "validation_failed": "Validation failed",
    "invalid_request": "Invalid request",
    "internal_error": "Internal error",
    "idempotency_key_missing": "Idempotency-Key missing",
    "idempotency_key_reused": "Idempotency-Key reused",
    "idempotency_key_in_use": "Idempotency-Key in use",
    "invalid_cursor": "Invalid cursor",
    "precondition_failed": "Precondition failed",
    "vin_taken": "VIN taken",
    "license_taken": "License taken",
    "vehicle_retired": "Vehicle retired",
    "trip_in_progress": "Trip in progress",
    "trip_ended": "Trip ended",
    "unknown_driver": "Unknown driver",
    "rate_limited": "Rate limited",
}

Item = dict[str, Any]  # a stored driver, vehicle or trip; keys starting "_" are not shown
Created = tuple[int, Item, dict[str, str]]  # a create's status, body and headers
M = TypeVar("M", bound=BaseModel)


class Problem(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        detail: str | None = None,
        errors: list[dict[str, Any]] | None = None,
    ):
        super().__init__(code)
        self.status, self.code, self.detail, self.errors = status, code, detail, errors


def problem_response(p: Problem) -> Response:
    body: dict[str, Any] = {
        "type": f"about:blank#{p.code}",
        "title": TITLES.get(p.code, p.code),
        "status": p.status,
        "code": p.code,
    }
    if p.detail is not None:
        body["detail"] = p.detail
    if p.errors is not None:
        body["errors"] = p.errors
    return Response(json.dumps(body), status_code=p.status, media_type="application/problem+json")


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(data), status_code=status, media_type="application/json", headers=headers
    )


# ---- state ------------------------------------------------------------------
class Store:
    def __init__(self) -> None:
        self.drivers: dict[str, Item] = {}  # id -> driver (+ "_tenant")
        self.vehicles: dict[int, Item] = {}  # id -> vehicle (+ "_tenant", "_created")
        self.trips: dict[tuple[int, int], Item] = {}  # (vehicle_id, number) -> trip
        self.trip_counters: dict[int, int] = {}
        self.next_vehicle_id = 1
        self.idem: dict[tuple[str, str], dict[str, Any]] = {}  # (tenant, key) -> record
        self.driver_lookups: dict[str, list[float]] = {}  # API key -> times of its lookups
        self.last_time = datetime.now(UTC)


S = Store()


def now() -> datetime:
    t = datetime.now(UTC)
    if t <= S.last_time:
        t = S.last_time + timedelta(microseconds=1)
    S.last_time = t
    return t


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def public(item: Item) -> Item:
    return {k: v for k, v in item.items() if not k.startswith("_")}


# ---- request helpers --------------------------------------------------------
def tenant_of(request: Request) -> str:
    key = request.headers.get("x-api-key")
    if key is None or key not in TENANTS:
        raise Problem(401, "unauthenticated", "Missing or unknown API key.")
    return TENANTS[key]


def field_errors(exc: ValidationError, prefix: list[str | int]) -> list[dict[str, Any]]:
    return [
        {"loc": prefix + list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()
    ]


def parse_param(where: str, name: str, raw: str, tp: Any) -> Any:
    try:
        return TypeAdapter(tp).validate_python(raw)
    except ValidationError as exc:
        raise Problem(
            422,
            "validation_failed",
            f"Invalid {where} parameter {name!r}.",
            [{"loc": [where, name], "msg": e["msg"], "type": e["type"]} for e in exc.errors()],
        ) from None


def path_param(request: Request, name: str, tp: Any) -> Any:
    return parse_param("path", name, request.path_params[name], tp)


def query_param(request: Request, name: str, tp: Any, default: Any = None) -> Any:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    return parse_param("query", name, raw, tp)


async def read_body(request: Request, model: type[M]) -> M:
    raw = await request.body()
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise Problem(400, "invalid_request", "The body is not a JSON document.") from None
    try:
        return model.model_validate(data, strict=True)
    except ValidationError as exc:
        raise Problem(
            422, "validation_failed", "The body is invalid.", field_errors(exc, ["body"])
        ) from None


def idem_key(request: Request) -> str:
    key = request.headers.get("idempotency-key")
    if key is None:
        raise Problem(
            400, "idempotency_key_missing", "This operation requires an Idempotency-Key header."
        )
    if not 1 <= len(key) <= 255:
        raise Problem(
            422,
            "validation_failed",
            "Idempotency-Key must be 1 to 255 characters.",
            [
                {
                    "loc": ["header", "Idempotency-Key"],
                    "msg": "1 to 255 characters",
                    "type": "string_length",
                }
            ],
        )
    return key


def fingerprint(request: Request, body: BaseModel) -> str:
    canon = json.dumps(body.model_dump(mode="json", exclude_unset=True), sort_keys=True)
    return hashlib.sha256(f"{request.method} {request.url.path}\n{canon}".encode()).hexdigest()


Handler = Callable[[Request, str, M], Created]


def idempotent(handler: Handler[M]) -> Callable[[Request, str, M, str], Awaitable[Response]]:
    """Wrap a create handler: (request, tenant, body) -> (status, dict, headers).

    Only successes are stored: a refused request can be corrected and retried with its key.
    """

    async def run(request: Request, tenant: str, body: M, key: str) -> Response:
        fp = fingerprint(request, body)
        slot = (tenant, key)
        with LOCK:
            rec = S.idem.get(slot)
            if rec is not None:
                if rec["fp"] != fp:
                    raise Problem(
                        422, "idempotency_key_reused", "The key was used with a different request."
                    )
                if rec["state"] == "running":
                    raise Problem(
                        409, "idempotency_key_in_use", "A request with this key is still running."
                    )
                headers = dict(rec["headers"])
                headers["Idempotent-Replayed"] = "true"
                return json_response(rec["body"], rec["status"], headers)
            S.idem[slot] = {"fp": fp, "state": "running"}
        try:
            status, data, headers = handler(request, tenant, body)
        except BaseException:
            with LOCK:
                S.idem.pop(slot, None)
            raise
        with LOCK:
            S.idem[slot] = {
                "fp": fp,
                "state": "done",
                "status": status,
                "body": data,
                "headers": headers,
            }
        return json_response(data, status, headers)

    return run


# ---- cursor -----------------------------------------------------------------
def b64(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def unb64(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def make_cursor(tenant: str, position: list[Any]) -> str:
    payload = json.dumps({"t": tenant, "p": position}, separators=(",", ":")).encode()
    sig = hmac.new(SECRET, payload, hashlib.sha256).digest()
    return b64(payload) + "." + b64(sig)


def read_cursor(tenant: str, cursor: str) -> list[Any]:
    bad = Problem(400, "invalid_cursor", "The cursor is malformed, tampered with, or not yours.")
    try:
        p, s = cursor.split(".")
        payload, sig = unb64(p), unb64(s)
    except ValueError:  # binascii.Error and a non-ASCII cursor included
        raise bad from None
    if not hmac.compare_digest(hmac.new(SECRET, payload, hashlib.sha256).digest(), sig):
        raise bad
    data = json.loads(payload)
    if data.get("t") != tenant:
        raise bad
    position: list[Any] = data["p"]
    return position


# ---- ETags ------------------------------------------------------------------
def etag_of(data: Item) -> str:
    return '"' + hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:32] + '"'


def _opaque(tag: str) -> str:
    return tag[2:] if tag.startswith("W/") else tag


def etag_matches(header: str, etag: str) -> bool:
    tags = [t.strip() for t in header.split(",")]
    if "*" in tags:
        return True
    return any(_opaque(t) == _opaque(etag) for t in tags)


# ---- drivers ----------------------------------------------------------------
def _create_driver(request: Request, tenant: str, body: DriverCreate) -> Created:
    with LOCK:
        for d in S.drivers.values():
            if d["_tenant"] == tenant and d["license_number"] == body.license_number:
                raise Problem(
                    409,
                    "license_taken",
                    "The fleet already has a driver with this license number.",
                )
        did = "drv_" + secrets.token_hex(5)
        d = {
            "_tenant": tenant,
            "id": did,
            "name": body.name,
            "license_number": body.license_number,
            "license_class": body.license_class,
            "created_at": iso(now()),
        }
        S.drivers[did] = d
        return 201, public(d), {"Location": f"{BASE}/drivers/{did}"}


create_driver_idem = idempotent(_create_driver)


async def drivers(request: Request) -> Response:
    tenant = tenant_of(request)
    if request.method == "POST":
        key = idem_key(request)
        body = await read_body(request, DriverCreate)
        if "idem-driver-key-ignored" in BUGS:  # the key is required, its stored answer unused
            status, data, headers = _create_driver(request, tenant, body)
            return json_response(data, status, headers)
        return await create_driver_idem(request, tenant, body, key)
    classes = query_param(request, "license_class", str)
    q = query_param(request, "q", str)
    page = query_param(request, "page", Annotated[int, Field(ge=1)], 1)
    per_page = query_param(request, "per_page", Annotated[int, Field(ge=1, le=50)], 10)
    with LOCK:
        items = [d for d in S.drivers.values() if d["_tenant"] == tenant]
    if classes is not None:
        wanted = set(classes.split(","))
        items = [d for d in items if d["license_class"] in wanted]
    if q is not None:
        items = [d for d in items if q.lower() in d["name"].lower()]
    items.sort(key=lambda d: (d["name"], d["id"]))
    start = (page - 1) * per_page
    return json_response(
        {"items": [public(d) for d in items[start : start + per_page]], "total": len(items)}
    )


def find_driver(request: Request, tenant: str) -> Item:
    did = path_param(request, "driver_id", DriverId)
    d = S.drivers.get(did)
    if d is None or d["_tenant"] != tenant:
        raise Problem(404, "not_found", "No such driver.")
    return d


# GET /drivers/{driver_id}: DRIVER_LIMIT lookups per API key in any DRIVER_WINDOW seconds (a
# sliding window), as the contract declares; every lookup counts, found or not.
DRIVER_LIMIT, DRIVER_WINDOW = 10, 3
DRIVER_POLICY = f'"driver-lookups";q={DRIVER_LIMIT};w={DRIVER_WINDOW}'


def take_driver_quota(request: Request) -> tuple[bool, dict[str, str]]:
    """Count one lookup of the caller's API key: whether it is within the limit, and the
    rate-limit headers of its answer (with Retry-After when it is not)."""
    key = request.headers.get("x-api-key", "")
    if "rate-drivers-one-bucket" in BUGS:
        key = ""  # every key's lookups in one bucket
    at = time.monotonic()
    with LOCK:
        recent = [t for t in S.driver_lookups.get(key, []) if t > at - DRIVER_WINDOW]
        headers = {"RateLimit-Policy": DRIVER_POLICY}
        if len(recent) >= DRIVER_LIMIT:
            S.driver_lookups[key] = recent
            reset = max(1, math.ceil(recent[0] + DRIVER_WINDOW - at))  # the oldest ages out
            headers["RateLimit"] = f'"driver-lookups";r=0;t={reset}'
            headers["Retry-After"] = str(reset)
            return False, headers
        S.driver_lookups[key] = [*recent, at]
        reset = max(1, math.ceil((recent[0] if recent else at) + DRIVER_WINDOW - at))
        headers["RateLimit"] = f'"driver-lookups";r={DRIVER_LIMIT - len(recent) - 1};t={reset}'
        return True, headers


async def driver(request: Request) -> Response:
    tenant = tenant_of(request)
    limits: dict[str, str] = {}
    if request.method == "GET":
        allowed, limits = take_driver_quota(request)
        if not allowed:
            detail = f"Retry after {limits['Retry-After']} s."
            response = problem_response(Problem(429, "rate_limited", detail))
            response.headers.update(limits)
            return response
    with LOCK:
        try:
            d = find_driver(request, tenant)
        except Problem as p:
            response = problem_response(p)
            response.headers.update(limits)
            return response
        if request.method == "DELETE":
            del S.drivers[d["id"]]
            return Response(status_code=204)
        return json_response(public(d), headers=limits)


# ---- vehicles ---------------------------------------------------------------
def _create_vehicle(request: Request, tenant: str, body: VehicleCreate) -> Created:
    with LOCK:
        for v in S.vehicles.values():
            if v["_tenant"] == tenant and v["vin"] == body.vin:
                raise Problem(409, "vin_taken", "The fleet already has a vehicle with this VIN.")
        vid = S.next_vehicle_id
        S.next_vehicle_id += 1
        t = now()
        v = {
            "_tenant": tenant,
            "_created": t,
            "id": vid,
            "vin": body.vin,
            "make": body.make,
            "model_year": body.model_year,
            "nickname": body.nickname,
            "notes": body.notes,
            "status": "active",
            "open_trip_no": None,
            "created_at": iso(t),
        }
        S.vehicles[vid] = v
        return 201, public(v), {"Location": f"{BASE}/vehicles/{vid}"}


create_vehicle_idem = idempotent(_create_vehicle)


async def vehicles(request: Request) -> Response:
    tenant = tenant_of(request)
    if request.method == "POST":
        key = idem_key(request)
        body = await read_body(request, VehicleCreate)
        return await create_vehicle_idem(request, tenant, body, key)
    status = query_param(request, "status", VehicleStatus)
    make = query_param(request, "make", str)
    min_year = query_param(request, "min_year", int)
    cursor = query_param(request, "cursor", Annotated[str, Field(min_length=1)])
    limit = query_param(request, "limit", Annotated[int, Field(ge=1, le=100)], 20)
    position = read_cursor(tenant, cursor) if cursor is not None else None
    with LOCK:
        items = [v for v in S.vehicles.values() if v["_tenant"] == tenant]
    if status is not None:
        items = [v for v in items if v["status"] == status]
    if make is not None:
        items = [v for v in items if v["make"].startswith(make)]
    if min_year is not None:
        items = [v for v in items if v["model_year"] >= min_year]
    items.sort(key=lambda v: (v["_created"], v["id"]), reverse=True)
    if position is not None:
        pos = (datetime.fromisoformat(position[0]), position[1])
        items = [v for v in items if (v["_created"], v["id"]) < pos]
    page = items[:limit]
    nxt = None
    if len(items) > limit:
        last = page[-1]
        nxt = make_cursor(tenant, [last["_created"].isoformat(), last["id"]])
    return json_response({"items": [public(v) for v in page], "next_cursor": nxt})


def find_vehicle(request: Request, tenant: str, any_tenant: bool = False) -> Item:
    vid = path_param(request, "vehicle_id", VehicleId)
    v = S.vehicles.get(vid)
    if v is None or (v["_tenant"] != tenant and not any_tenant):
        raise Problem(404, "not_found", "No such vehicle.")
    return v


async def vehicle(request: Request) -> Response:
    tenant = tenant_of(request)
    if request.method == "GET":
        with LOCK:
            data = public(find_vehicle(request, tenant))
        etag = etag_of(data)
        inm = request.headers.get("if-none-match")
        if inm is not None and etag_matches(inm, etag):
            return Response(status_code=304, headers={"ETag": etag})
        return json_response(data, headers={"ETag": etag})
    # PATCH
    with LOCK:
        find_vehicle(request, tenant)
    body = await read_body(request, VehicleUpdate)
    with LOCK:
        v = find_vehicle(request, tenant)
        im = request.headers.get("if-match")
        if (
            im is not None
            and "cache-vehicle-if-match-ignored" not in BUGS
            and not etag_matches(im, etag_of(public(v)))
        ):
            raise Problem(412, "precondition_failed", "The vehicle changed since you read it.")
        if "patch-vehicle-absent-as-null" in BUGS:  # a field left out is written as its default
            fields: set[str] = set(VehicleUpdate.model_fields)
        else:
            fields = body.model_fields_set
        for name in fields:
            v[name] = getattr(body, name)
        data = public(v)
    return json_response(data, headers={"ETag": etag_of(data)})


async def retire_vehicle(request: Request) -> Response:
    tenant = tenant_of(request)
    with LOCK:
        v = find_vehicle(request, tenant)
        v["status"] = "retired"
        data = public(v)
    return json_response(data)


# ---- trips ------------------------------------------------------------------
def _start_trip(request: Request, tenant: str, body: TripStart) -> Created:
    with LOCK:
        v = find_vehicle(request, tenant)
        d = S.drivers.get(body.driver_id)
        if d is None or d["_tenant"] != tenant:
            raise Problem(
                422,
                "unknown_driver",
                "The fleet has no such driver.",
                [{"loc": ["body", "driver_id"], "msg": "no such driver", "type": "unknown_driver"}],
            )
        if v["status"] == "retired":
            raise Problem(409, "vehicle_retired", "The vehicle is retired.")
        if v["open_trip_no"] is not None:
            raise Problem(409, "trip_in_progress", f"Trip {v['open_trip_no']} is still open.")
        number = S.trip_counters.get(v["id"], 0) + 1
        S.trip_counters[v["id"]] = number
        trip = {
            "_tenant": tenant,
            "id": "trp_" + secrets.token_hex(6),
            "vehicle_id": v["id"],
            "number": number,
            "driver_id": body.driver_id,
            "status": "open",
            "start_odometer_km": body.start_odometer_km,
            "purpose": body.purpose,
            "distance_km": None,
            "started_at": iso(now()),
            "ended_at": None,
        }
        S.trips[(v["id"], number)] = trip
        v["open_trip_no"] = number
        return 201, public(trip), {"Location": f"{BASE}/vehicles/{v['id']}/trips/{number}"}


start_trip_idem = idempotent(_start_trip)


async def vehicle_trips(request: Request) -> Response:
    tenant = tenant_of(request)
    with LOCK:
        find_vehicle(request, tenant)
    key = idem_key(request)
    body = await read_body(request, TripStart)
    return await start_trip_idem(request, tenant, body, key)


def find_trip(request: Request, tenant: str, any_tenant: bool = False) -> Item:
    v = find_vehicle(request, tenant, any_tenant)
    no = path_param(request, "trip_no", TripNo)
    t = S.trips.get((v["id"], no))
    if t is None:
        raise Problem(404, "not_found", "No such trip.")
    return t


async def trip(request: Request) -> Response:
    tenant = tenant_of(request)
    any_fleet = "ten-trip-read-any-fleet" in BUGS  # the vehicle found by id alone
    with LOCK:
        try:
            found = find_trip(request, tenant, any_fleet)
        except Problem as exc:
            if exc.status == 404 and "err-trip-plain-404" in BUGS:
                return json_response({"error": "not found"}, 404)
            raise
        return json_response(public(found))


async def end_trip(request: Request) -> Response:
    tenant = tenant_of(request)
    with LOCK:
        find_trip(request, tenant)
    body = await read_body(request, TripEnd)
    with LOCK:
        t = find_trip(request, tenant)
        if t["status"] == "ended":
            raise Problem(409, "trip_ended", "The trip has already ended.")
        t["status"] = "ended"
        t["distance_km"] = body.distance_km
        t["ended_at"] = iso(now())
        v = S.vehicles[t["vehicle_id"]]
        if v["open_trip_no"] == t["number"]:
            v["open_trip_no"] = None
        return json_response(public(t))


async def all_trips(request: Request) -> Response:
    tenant = tenant_of(request)
    vehicle_id = query_param(request, "vehicle_id", VehicleId)
    status = query_param(request, "status", TripStatus)
    driver_id = query_param(request, "driver_id", DriverId)
    min_distance = query_param(request, "min_distance", int)
    offset = query_param(request, "offset", Annotated[int, Field(ge=0)], 0)
    limit = query_param(request, "limit", Annotated[int, Field(ge=1, le=100)], 25)
    every_fleet = "ten-trips-every-fleet" in BUGS  # the tenant filter forgotten
    with LOCK:
        items = [t for t in S.trips.values() if t["_tenant"] == tenant or every_fleet]
    if vehicle_id is not None:
        items = [t for t in items if t["vehicle_id"] == vehicle_id]
    if status is not None:
        items = [t for t in items if t["status"] == status]
    if driver_id is not None:
        items = [t for t in items if t["driver_id"] == driver_id]
    if min_distance is not None:
        items = [
            t for t in items if t["distance_km"] is not None and t["distance_km"] >= min_distance
        ]
    items.sort(key=lambda t: (t["vehicle_id"], t["number"]))
    start = offset + 1 if "page-trips-offset-skip" in BUGS and offset > 0 else offset
    return json_response(
        {"items": [public(t) for t in items[start : start + limit]], "total": len(items)}
    )


# ---- app --------------------------------------------------------------------
async def on_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Problem)
    return problem_response(exc)


async def on_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return problem_response(Problem(404, "not_found", "No such path."))
    p = Problem(
        exc.status_code, "method_not_allowed" if exc.status_code == 405 else "invalid_request"
    )
    return problem_response(p)


async def on_error(request: Request, exc: Exception) -> Response:
    return problem_response(Problem(500, "internal_error", "Something went wrong on our side."))


app = Starlette(
    routes=[
        Route(f"{BASE}/drivers", drivers, methods=["GET", "POST"]),
        Route(f"{BASE}/drivers/{{driver_id}}", driver, methods=["GET", "DELETE"]),
        Route(f"{BASE}/vehicles", vehicles, methods=["GET", "POST"]),
        Route(f"{BASE}/vehicles/{{vehicle_id}}", vehicle, methods=["GET", "PATCH"]),
        Route(f"{BASE}/vehicles/{{vehicle_id}}/retire", retire_vehicle, methods=["POST"]),
        Route(f"{BASE}/vehicles/{{vehicle_id}}/trips", vehicle_trips, methods=["POST"]),
        Route(f"{BASE}/vehicles/{{vehicle_id}}/trips/{{trip_no}}", trip, methods=["GET"]),
        Route(f"{BASE}/vehicles/{{vehicle_id}}/trips/{{trip_no}}/end", end_trip, methods=["POST"]),
        Route(f"{BASE}/trips", all_trips, methods=["GET"]),
    ],
    exception_handlers={Problem: on_problem, HTTPException: on_http, Exception: on_error},
)


def main(argv: list[str] | None = None) -> None:
    from examples._example import server_main
    from examples.fleet.example import BUGS as PLANTED

    server_main(app, PLANTED, BUGS, port=8731, description=__doc__, argv=argv)


if __name__ == "__main__":
    main()
