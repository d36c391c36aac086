"""The warehouse inventory API: an in-memory Starlette server (restart to reset).

Written from the contract's text (contracts/ and the README), not from synth: the request
models below are the server's own. `--bug ID` plants a defect listed in example.py.

    python -m examples.warehouse.server --port 8770 [--bug ID ...] [--log-level info]
"""

import argparse
import asyncio
import base64
import binascii
import hashlib
import hmac
import json
import math
import operator
import re
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import uvicorn
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .example import BUGS, TENANT_IDS, TENANTS

BASE_PATH = "/v1"
#: API key -> the organisation it belongs to.
KEYS = {TENANTS[name]: TENANT_IDS[name] for name in TENANTS}
ORG_ID = re.compile(r"^org_[a-z0-9]{3,20}$")
SKU = re.compile(r"^[A-Z]{3}-[0-9]{4}$")
DIGITS = re.compile(r"^[0-9]+$")
CURSOR_SECRET = b"warehouse-example-cursor-key"
UNITS = [
    {"code": "each", "name": "Each", "decimals": 0},
    {"code": "kg", "name": "Kilogram", "decimals": 3},
    {"code": "l", "name": "Litre", "decimals": 3},
    {"code": "m", "name": "Metre", "decimals": 2},
]
TITLES = {
    "unauthenticated": "Unauthenticated",
    "org_not_found": "Organisation not found",
    "not_found": "Not found",
    "validation_failed": "Validation failed",
    "invalid_request": "Invalid request",
    "internal_error": "Internal error",
    "idempotency_key_missing": "Idempotency key missing",
    "idempotency_key_reused": "Idempotency key reused",
    "idempotency_key_in_use": "Idempotency key in use",
    "invalid_cursor": "Invalid cursor",
    "precondition_failed": "Precondition failed",
    "precondition_required": "Precondition required",
    "warehouse_code_taken": "Warehouse code taken",
    "warehouse_archived": "Warehouse archived",
    "method_not_allowed": "Method not allowed",
    "forbidden": "Forbidden",
    "rate_limited": "Rate limited",
}

Json = dict[str, Any]


# -- request models (the server's own reading of the contract) ---------------------------


class _Body(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


Name = Annotated[str, Field(min_length=1, max_length=200)]
City = Annotated[str, Field(min_length=1, max_length=100)]
Quantity = Annotated[int, Field(ge=0, le=1_000_000)]
UnitCode = Literal["each", "kg", "l", "m"]
Zone = Literal["ambient", "chilled", "frozen"]


class WarehouseIn(_Body):
    code: Annotated[str, Field(pattern=r"^[A-Z]{3}[0-9]{1,2}$")]
    name: Name
    city: City


class WarehousePatch(_Body):
    name: Name | None = None
    city: City | None = None


class BinIn(_Body):
    label: Annotated[str, Field(pattern=r"^[A-Z][0-9]{2}-[0-9]{2}$")]
    zone: Zone = "ambient"


class StockIn(_Body):
    sku: Annotated[str, Field(pattern=r"^[A-Z]{3}-[0-9]{4}$")]
    quantity: Quantity


class StockCount(_Body):
    quantity: Quantity


class ProductIn(_Body):
    name: Name
    unit: UnitCode = "each"
    description: Annotated[str, Field(max_length=2000)] = ""


class Problem(Exception):
    """An answer in application/problem+json."""

    def __init__(
        self, status: int, code: str, detail: str, errors: list[Json] | None = None
    ) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail, self.errors = status, code, detail, errors

    def response(self) -> Response:
        body: Json = {
            "type": f"about:blank#{self.code}",
            "title": TITLES[self.code],
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        }
        if self.errors is not None:
            body["errors"] = self.errors
        return JSONResponse(body, self.status, media_type="application/problem+json")


def invalid(loc: list[str | int], msg: str, kind: str) -> Problem:
    return Problem(422, "validation_failed", msg, [{"loc": loc, "msg": msg, "type": kind}])


# -- the store ----------------------------------------------------------------------------


def now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class Org:
    warehouses: dict[int, Json] = field(default_factory=dict)
    next_warehouse: int = 1
    #: warehouse id -> bin id -> bin
    bins: dict[int, dict[int, Json]] = field(default_factory=dict)
    next_bin: dict[int, int] = field(default_factory=dict)
    #: (warehouse id, bin id) -> line id -> stock line
    lines: dict[tuple[int, int], dict[int, Json]] = field(default_factory=dict)
    next_line: dict[tuple[int, int], int] = field(default_factory=dict)
    products: dict[str, Json] = field(default_factory=dict)


@dataclass
class Stored:
    fingerprint: str
    status: int = 0
    body: Json | None = None
    media_type: str = "application/json"
    done: bool = False


@dataclass
class Store:
    bugs: frozenset[str]
    unique_codes: bool = True
    orgs: dict[str, Org] = field(default_factory=lambda: {org: Org() for org in KEYS.values()})
    idempotency: dict[tuple[str, str], Stored] = field(default_factory=dict)
    # listUnits' requests per client address: when each was served, oldest first
    units_served: dict[str, list[float]] = field(default_factory=dict)


# -- request helpers ----------------------------------------------------------------------


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def caller(request: Request) -> str:
    """The organisation the request's API key belongs to, or 401."""
    org = KEYS.get(request.headers.get("x-api-key", ""))
    if org is None:
        raise Problem(401, "unauthenticated", "Send a valid API key in the X-Api-Key header.")
    return org


def org_in_path(request: Request, *ids: str, lenient: bool = False) -> Org:
    """Authenticate, validate the path, and check the path's organisation is the key's.

    `lenient` is the planted bug `ten-stock-org-unchecked`: any existing org is let through.
    """
    own = caller(request)
    org_id = request.path_params["org_id"]
    if not ORG_ID.match(org_id):
        raise invalid(["path", "org_id"], "org_id must match ^org_[a-z0-9]{3,20}$", "pattern")
    for name in ids:
        raw = request.path_params[name]
        if not DIGITS.match(raw) or int(raw) < 1:
            raise invalid(["path", name], f"{name} must be an integer >= 1", "int")
    if org_id != own:
        store = store_of(request)
        if "ten-org-forbidden" in store.bugs and org_id in store.orgs:
            raise Problem(403, "forbidden", "This key belongs to another organisation.")
        if not (lenient and org_id in store.orgs):
            raise Problem(404, "org_not_found", "No such organisation for your key.")
    return store_of(request).orgs[org_id]


def path_int(request: Request, name: str) -> int:
    return int(request.path_params[name])


async def json_body(request: Request, model: type[BaseModel]) -> Any:
    raw = await request.body()
    try:
        json.loads(raw, parse_constant=_reject_constant)
    except ValueError:
        raise Problem(400, "invalid_request", "The body is not JSON.") from None
    try:
        return model.model_validate_json(raw)
    except ValidationError as error:
        problems = [
            {"loc": ["body", *item["loc"]], "msg": item["msg"], "type": item["type"]}
            for item in error.errors(include_url=False)
        ]
        raise Problem(
            422, "validation_failed", "The body does not match the contract.", problems
        ) from None


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def etag_of(item: Json) -> str:
    digest = hashlib.sha256(json.dumps(item, sort_keys=True).encode()).hexdigest()
    return f'"{digest[:20]}"'


def etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def cached(request: Request, item: Json, etag: str | None = None) -> Response:
    """A GET answer with an ETag, or 304 when If-None-Match names it."""
    tag = etag or etag_of(item)
    match = request.headers.get("if-none-match")
    if match is not None and (match.strip() == "*" or tag in etags(match)):
        return Response(status_code=304, headers={"ETag": tag})
    return JSONResponse(item, headers={"ETag": tag})


def check_if_match(request: Request, current: str, *, required: bool) -> None:
    header = request.headers.get("if-match")
    if header is None:
        if required:
            raise Problem(428, "precondition_required", "Send If-Match with the item's ETag.")
        return
    if header.strip() != "*" and current not in etags(header):
        raise Problem(412, "precondition_failed", "The item changed since that ETag.")


def not_found(store: Store, what: str) -> Problem | Response:
    if what == "bin" and "err-plain-404" in store.bugs:
        return JSONResponse({"error": "not found"}, 404)
    return Problem(404, "not_found", f"No such {what} in your organisation.")


# -- pagination ---------------------------------------------------------------------------


def _sign(payload: bytes) -> str:
    return hmac.new(CURSOR_SECRET, payload, hashlib.sha256).hexdigest()[:16]


def mint_cursor(scope: str, keys: list[Any]) -> str:
    payload = json.dumps({"s": scope, "k": keys}, separators=(",", ":")).encode()
    token = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    return f"{token}.{_sign(payload)}"


def read_cursor(store: Store, raw: str, scope: str) -> list[Any]:
    bad = Problem(400, "invalid_cursor", "The cursor is malformed or from another list.")
    if "page-cursor-500" in store.bugs:
        token = raw.split(".", maxsplit=1)[0]
        payload = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        keys: list[Any] = json.loads(payload)["k"]
        return keys
    token, _, signature = raw.partition(".")
    try:
        payload = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        raise bad from None
    if not hmac.compare_digest(signature.encode(), _sign(payload).encode()):
        raise bad
    decoded = json.loads(payload)
    if decoded.get("s") != scope:
        raise bad
    return list(decoded["k"])


def page(
    request: Request,
    items: Iterable[Json],
    *,
    scope: str,
    order: tuple[str, ...],
    filters: Mapping[str, Callable[[str], Any]],
    max_limit: int,
    default_limit: int,
    skip_boundary: bool = False,
    where: Mapping[str, tuple[str, Callable[[Any, Any], bool]]] | None = None,
) -> Response:
    """One keyset page of `items`, ascending on `order`, after the cursor if any.

    A filter keeps the items whose field of its own name equals its parsed value, unless
    `where` names another field and test for it: (field, test(item value, parsed value)).
    """
    query = request.query_params
    limit = default_limit
    if "limit" in query:
        raw = query["limit"]
        if not re.fullmatch(r"-?[0-9]+", raw) or not 1 <= int(raw) <= max_limit:
            raise invalid(
                ["query", "limit"], f"limit must be an integer from 1 to {max_limit}", "limit"
            )
        limit = int(raw)
    wanted: dict[str, Any] = {}
    for name, parse in filters.items():
        if name in query:
            wanted[name] = parse(query[name])
    after = read_cursor(store_of(request), query["cursor"], scope) if "cursor" in query else None
    tests = {name: (where or {}).get(name, (name, operator.eq)) for name in wanted}

    def kept(item: Json) -> bool:
        return all(test(item[tests[k][0]], v) for k, v in wanted.items() for test in [tests[k][1]])

    rows = sorted(
        (item for item in items if kept(item)),
        key=lambda item: [item[k] for k in order],
    )
    if after is not None:
        rows = [item for item in rows if [item[k] for k in order] > after]
    chunk = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit] if skip_boundary else chunk[-1]
        next_cursor = mint_cursor(scope, [last[k] for k in order])
    return JSONResponse({"items": chunk, "next_cursor": next_cursor})


def one_of(name: str, allowed: tuple[str, ...]) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value not in allowed:
            raise invalid(["query", name], f"{name} must be one of {', '.join(allowed)}", "enum")
        return value

    return parse


def matching(name: str, pattern: re.Pattern[str], what: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if not pattern.fullmatch(value):
            raise invalid(["query", name], f"{name} must be {what}", "pattern")
        return value

    return parse


# -- idempotency --------------------------------------------------------------------------


async def idempotent(
    request: Request, org_id: str, body: BaseModel, run: Callable[[], Response]
) -> Response:
    """Run `run` once per (organisation, Idempotency-Key); retries replay its answer."""
    store = store_of(request)
    key = request.headers.get("idempotency-key")
    if key is None or not 1 <= len(key) <= 255:
        raise Problem(400, "idempotency_key_missing", "Send an Idempotency-Key header (1-255).")
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    fingerprint = f"{request.method} {request.url.path} {canonical}"
    if "idem-retry-reexecutes" in store.bugs:
        return run()
    slot = ("*" if "idem-global-keys" in store.bugs else org_id, key)
    stored = store.idempotency.get(slot)
    if stored is not None:
        if not stored.done:
            raise Problem(409, "idempotency_key_in_use", "A request with this key is running.")
        if stored.fingerprint != fingerprint:
            raise Problem(
                422, "idempotency_key_reused", "This key was used with a different request."
            )
        assert stored.body is not None
        return JSONResponse(
            stored.body,
            stored.status,
            headers={"Idempotent-Replayed": "true"},
            media_type=stored.media_type,
        )
    stored = store.idempotency[slot] = Stored(fingerprint)
    try:
        await asyncio.sleep(0.005)  # the work a real store does while the key is held
        response = run()
    except Problem as problem:
        if problem.status >= 500:
            del store.idempotency[slot]
            raise
        response = problem.response()
    except BaseException:
        del store.idempotency[slot]
        raise
    stored.status, stored.body = response.status_code, json.loads(bytes(response.body))
    stored.media_type = response.media_type or "application/json"
    stored.done = True
    return response


# -- handlers -----------------------------------------------------------------------------


# listUnits is declared at 600 per minute per address; this test server keeps a smaller limit
# and names it in Synth-Test-RateLimit-Policy, so a check can exceed it in a few requests. It
# counts in a sliding window: the requests of the last UNITS_TEST_WINDOW seconds.
UNITS_POLICY = '"units";q=600;w=60'
UNITS_TEST_LIMIT, UNITS_TEST_WINDOW = 5, 3
UNITS_TEST_POLICY = f'"units-test";q={UNITS_TEST_LIMIT};w={UNITS_TEST_WINDOW}'


def take_units_quota(request: Request) -> dict[str, str]:
    """Count one listUnits request of the caller's address; the headers, or the 429 raised."""
    store = store_of(request)
    address = request.client.host if request.client is not None else ""
    now = time.monotonic()
    recent = [t for t in store.units_served.get(address, []) if t > now - UNITS_TEST_WINDOW]
    headers = {"RateLimit-Policy": UNITS_POLICY, "Synth-Test-RateLimit-Policy": UNITS_TEST_POLICY}
    if len(recent) >= UNITS_TEST_LIMIT:
        store.units_served[address] = recent
        reset = max(1, math.ceil(recent[0] + UNITS_TEST_WINDOW - now))  # the oldest ages out
        wait = 0 if "rate-retry-after-zero" in store.bugs else reset
        headers |= {"RateLimit": f'"units";r=0;t={reset}', "Retry-After": str(wait)}
        raise Limited(Problem(429, "rate_limited", f"Retry after {wait} s.").response(), headers)
    store.units_served[address] = [*recent, now]
    reset = max(1, math.ceil((recent[0] if recent else now) + UNITS_TEST_WINDOW - now))
    headers["RateLimit"] = f'"units";r={UNITS_TEST_LIMIT - len(recent) - 1};t={reset}'
    return headers


class Limited(Exception):
    """A 429 with its rate-limit headers."""

    def __init__(self, response: Response, headers: dict[str, str]) -> None:
        super().__init__("rate limited")
        response.headers.update(headers)
        self.response = response


async def list_units(request: Request) -> Response:
    try:
        headers = take_units_quota(request)
    except Limited as limited:
        return limited.response
    return JSONResponse({"items": UNITS}, headers=headers)


def warehouse_etag(store: Store, item: Json) -> str:
    if "cache-etag-static" in store.bugs:
        return etag_of({"id": item["id"], "created_at": item["created_at"]})
    return etag_of(item)


def find_warehouse(org: Org, warehouse_id: int) -> Json:
    found = org.warehouses.get(warehouse_id)
    if found is None:
        raise Problem(404, "not_found", "No such warehouse in your organisation.")
    return found


def find_bin(store: Store, org: Org, warehouse_id: int, bin_id: int) -> Json:
    find_warehouse(org, warehouse_id)
    found = org.bins[warehouse_id].get(bin_id)
    if found is None:
        answer = not_found(store, "bin")
        if isinstance(answer, Response):
            raise _Answer(answer)
        raise answer
    return found


class _Answer(Exception):
    """A finished non-problem response (a planted bug's plain 404)."""

    def __init__(self, response: Response) -> None:
        super().__init__()
        self.response = response


async def create_warehouse(request: Request) -> Response:
    org = org_in_path(request)
    org_id = request.path_params["org_id"]
    if "idempotency-key" not in request.headers:
        raise Problem(400, "idempotency_key_missing", "Send an Idempotency-Key header (1-255).")
    body: WarehouseIn = await json_body(request, WarehouseIn)

    def run() -> Response:
        store = store_of(request)
        if store.unique_codes and any(w["code"] == body.code for w in org.warehouses.values()):
            raise Problem(409, "warehouse_code_taken", f"A warehouse has code {body.code}.")
        stamp = now()
        warehouse_id = org.next_warehouse
        item: Json = {
            "id": warehouse_id,
            "org_id": org_id,
            "code": body.code,
            "name": body.name,
            "city": body.city,
            "status": "active",
            "created_at": stamp,
            "updated_at": stamp,
        }
        org.warehouses[warehouse_id] = item
        org.bins[warehouse_id], org.next_bin[warehouse_id] = {}, 1
        org.next_warehouse += 1
        return JSONResponse(item, 201)

    return await idempotent(request, org_id, body, run)


async def list_warehouses(request: Request) -> Response:
    org = org_in_path(request)
    return page(
        request,
        org.warehouses.values(),
        scope=f"{request.path_params['org_id']}/warehouses",
        order=("id",),
        filters={
            "city": _city,
            "status": one_of("status", ("active", "archived")),
        },
        max_limit=100,
        default_limit=20,
    )


def _city(value: str) -> str:
    if not 1 <= len(value) <= 100:
        raise invalid(["query", "city"], "city must have 1 to 100 characters", "string")
    return value


async def get_warehouse(request: Request) -> Response:
    org = org_in_path(request, "warehouse_id")
    item = find_warehouse(org, path_int(request, "warehouse_id"))
    return cached(request, item, warehouse_etag(store_of(request), item))


async def update_warehouse(request: Request) -> Response:
    org = org_in_path(request, "warehouse_id")
    body: WarehousePatch = await json_body(request, WarehousePatch)
    item = find_warehouse(org, path_int(request, "warehouse_id"))
    check_if_match(request, warehouse_etag(store_of(request), item), required=False)
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    if "patch-city-cleared" in store_of(request).bugs and "city" not in changes:
        changes["city"] = "-"  # a form's empty field, written over the stored city
    if changes:
        item.update(changes, updated_at=now())
    return JSONResponse(item, headers={"ETag": warehouse_etag(store_of(request), item)})


async def archive_warehouse(request: Request) -> Response:
    org = org_in_path(request, "warehouse_id")
    item = find_warehouse(org, path_int(request, "warehouse_id"))
    if item["status"] == "archived":
        raise Problem(409, "warehouse_archived", "The warehouse is already archived.")
    item.update(status="archived", updated_at=now())
    return JSONResponse(item)


async def create_bin(request: Request) -> Response:
    org = org_in_path(request, "warehouse_id")
    try:
        body: BinIn = await json_body(request, BinIn)
    except Problem as problem:
        if problem.status == 422 and "err-validation-400" in store_of(request).bugs:
            raise Problem(400, "invalid_request", "Bad bin.") from None
        raise
    warehouse_id = path_int(request, "warehouse_id")
    find_warehouse(org, warehouse_id)
    bin_id = org.next_bin[warehouse_id]
    item: Json = {
        "id": bin_id,
        "warehouse_id": warehouse_id,
        "label": body.label,
        "zone": body.zone,
        "created_at": now(),
    }
    org.bins[warehouse_id][bin_id] = item
    org.next_bin[warehouse_id] += 1
    org.lines[(warehouse_id, bin_id)], org.next_line[(warehouse_id, bin_id)] = {}, 1
    return JSONResponse(item, 201)


async def list_bins(request: Request) -> Response:
    org = org_in_path(request, "warehouse_id")
    warehouse_id = path_int(request, "warehouse_id")
    find_warehouse(org, warehouse_id)
    return page(
        request,
        org.bins[warehouse_id].values(),
        scope=f"{request.path_params['org_id']}/warehouses/{warehouse_id}/bins",
        order=("id",),
        filters={"zone": one_of("zone", ("ambient", "chilled", "frozen"))},
        max_limit=100,
        default_limit=20,
        skip_boundary="page-skip-boundary" in store_of(request).bugs,
    )


async def get_bin(request: Request) -> Response:
    org = org_in_path(request, "warehouse_id", "bin_id")
    item = find_bin(
        store_of(request), org, path_int(request, "warehouse_id"), path_int(request, "bin_id")
    )
    return JSONResponse(item)


async def delete_bin(request: Request) -> Response:
    org = org_in_path(request, "warehouse_id", "bin_id")
    warehouse_id, bin_id = path_int(request, "warehouse_id"), path_int(request, "bin_id")
    find_bin(store_of(request), org, warehouse_id, bin_id)
    del org.bins[warehouse_id][bin_id]
    del org.lines[(warehouse_id, bin_id)]
    return Response(status_code=204)


def bin_ids(request: Request, *, lenient: bool = False) -> tuple[Org, int, int]:
    org = org_in_path(request, "warehouse_id", "bin_id", lenient=lenient)
    warehouse_id, bin_id = path_int(request, "warehouse_id"), path_int(request, "bin_id")
    return org, warehouse_id, bin_id


async def create_stock_line(request: Request) -> Response:
    org, warehouse_id, bin_id = bin_ids(request)
    body: StockIn = await json_body(request, StockIn)
    find_bin(store_of(request), org, warehouse_id, bin_id)
    scope = (warehouse_id, bin_id)
    stamp = now()
    line_id = org.next_line[scope]
    item: Json = {
        "id": line_id,
        "warehouse_id": warehouse_id,
        "bin_id": bin_id,
        "sku": body.sku,
        "quantity": body.quantity,
        "created_at": stamp,
        "updated_at": stamp,
    }
    org.lines[scope][line_id] = item
    org.next_line[scope] += 1
    return JSONResponse(item, 201)


async def list_stock_lines(request: Request) -> Response:
    bugs = store_of(request).bugs
    lenient = "ten-stock-org-unchecked" in bugs
    org, warehouse_id, bin_id = bin_ids(request, lenient=lenient)
    find_bin(store_of(request), org, warehouse_id, bin_id)
    return page(
        request,
        org.lines[(warehouse_id, bin_id)].values(),
        scope=f"{request.path_params['org_id']}/warehouses/{warehouse_id}/bins/{bin_id}/stock",
        order=("sku", "id"),
        filters={
            "sku": matching("sku", SKU, "a SKU like BOL-0042"),
            "skus": sku_list,
            "not_sku": matching("not_sku", SKU, "a SKU like BOL-0042"),
            "min_quantity": whole("min_quantity"),
            "max_quantity": whole("max_quantity"),
            "created_from": instant("created_from"),
            "created_to": instant("created_to"),
        },
        where={
            "skus": ("sku", first_sku_only if "filter-in-first-only" in bugs else in_list),
            "not_sku": ("sku", operator.ne),
            "min_quantity": ("quantity", operator.ge),
            "max_quantity": (
                "quantity",
                operator.lt if "filter-lte-as-lt" in bugs else operator.le,
            ),
            "created_from": ("created_at", lambda at, bound: datetime.fromisoformat(at) >= bound),
            "created_to": ("created_at", lambda at, bound: datetime.fromisoformat(at) <= bound),
        },
        max_limit=200,
        default_limit=50,
    )


def sku_list(value: str) -> list[str]:
    """`skus=BOL-0042,NUT-0007`: one SKU or more, comma-separated."""
    skus = value.split(",")
    if not all(SKU.fullmatch(sku) for sku in skus):
        raise invalid(
            ["query", "skus"], "skus must be SKUs like BOL-0042, comma-separated", "pattern"
        )
    return skus


def in_list(sku: str, skus: list[str]) -> bool:
    return sku in skus


def first_sku_only(sku: str, skus: list[str]) -> bool:
    return sku == skus[0]


def whole(name: str) -> Callable[[str], int]:
    def parse(value: str) -> int:
        if not re.fullmatch(r"-?[0-9]{1,9}", value):
            raise invalid(["query", name], f"{name} must be an integer", "int_parsing")
        return int(value)

    return parse


def instant(name: str) -> Callable[[str], datetime]:
    """An RFC 3339 date-time with its offset (`Z` or `+02:00`), compared as an instant."""

    def parse(value: str) -> datetime:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None or "T" not in value.upper():
            raise invalid(
                ["query", name], f"{name} must be a date-time with its offset", "datetime_parsing"
            )
        return moment

    return parse


def find_line(request: Request) -> Json:
    org, warehouse_id, bin_id = bin_ids(request)
    find_bin(store_of(request), org, warehouse_id, bin_id)
    found = org.lines[(warehouse_id, bin_id)].get(path_int(request, "line_id"))
    if found is None:
        raise Problem(404, "not_found", "No such stock line in your organisation.")
    return found


async def get_stock_line(request: Request) -> Response:
    org_in_path(request, "warehouse_id", "bin_id", "line_id")
    return cached(request, find_line(request))


async def count_stock_line(request: Request) -> Response:
    org_in_path(request, "warehouse_id", "bin_id", "line_id")
    body: StockCount = await json_body(request, StockCount)
    item = find_line(request)
    if "cache-ifmatch-ignored" in store_of(request).bugs:
        if "if-match" not in request.headers:
            raise Problem(428, "precondition_required", "Send If-Match with the item's ETag.")
    else:
        check_if_match(request, etag_of(item), required=True)
    if body.quantity != item["quantity"]:
        item.update(quantity=body.quantity, updated_at=now())
    return JSONResponse(item, headers={"ETag": etag_of(item)})


def sku_in_path(request: Request) -> str:
    sku: str = request.path_params["sku"]
    if not SKU.fullmatch(sku):
        raise invalid(["path", "sku"], "sku must be a SKU like BOL-0042", "pattern")
    return sku


async def put_product(request: Request) -> Response:
    org = org_in_path(request)
    sku = sku_in_path(request)
    body: ProductIn = await json_body(request, ProductIn)
    stamp = now()
    existing = org.products.get(sku)
    if existing is not None:
        existing.update(body.model_dump(), updated_at=stamp)
        return JSONResponse(existing, 200)
    item = {"sku": sku, **body.model_dump(), "created_at": stamp, "updated_at": stamp}
    org.products[sku] = item
    return JSONResponse(item, 200 if "upsert-create-200" in store_of(request).bugs else 201)


async def list_products(request: Request) -> Response:
    org = org_in_path(request)
    return page(
        request,
        org.products.values(),
        scope=f"{request.path_params['org_id']}/products",
        order=("sku",),
        filters={"unit": one_of("unit", ("each", "kg", "l", "m"))},
        max_limit=100,
        default_limit=20,
    )


async def get_product(request: Request) -> Response:
    org = org_in_path(request)
    found = org.products.get(sku_in_path(request))
    if found is None:
        raise Problem(404, "not_found", "No such product in your organisation.")
    return cached(request, found)


# -- the application ----------------------------------------------------------------------

Handler = Callable[[Request], Awaitable[Response]]


def guarded(handler: Handler) -> Handler:
    """Problems raised by a handler become their problem+json answer."""

    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except Problem as problem:
            return problem.response()
        except _Answer as answer:
            return answer.response

    endpoint.__name__ = handler.__name__
    return endpoint


ORG = "/orgs/{org_id}"
WAREHOUSE = ORG + "/warehouses/{warehouse_id}"
BIN = WAREHOUSE + "/bins/{bin_id}"
ROUTES = [
    ("/units", ["GET"], list_units),
    (ORG + "/warehouses", ["POST"], create_warehouse),
    (ORG + "/warehouses", ["GET"], list_warehouses),
    (WAREHOUSE, ["GET"], get_warehouse),
    (WAREHOUSE, ["PATCH"], update_warehouse),
    (WAREHOUSE + "/archive", ["POST"], archive_warehouse),
    (WAREHOUSE + "/bins", ["POST"], create_bin),
    (WAREHOUSE + "/bins", ["GET"], list_bins),
    (BIN, ["GET"], get_bin),
    (BIN, ["DELETE"], delete_bin),
    (BIN + "/stock", ["POST"], create_stock_line),
    (BIN + "/stock", ["GET"], list_stock_lines),
    (BIN + "/stock/{line_id}", ["GET"], get_stock_line),
    (BIN + "/stock/{line_id}", ["PUT"], count_stock_line),
    (ORG + "/products/{sku}", ["PUT"], put_product),
    (ORG + "/products", ["GET"], list_products),
    (ORG + "/products/{sku}", ["GET"], get_product),
]


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        return Problem(405, "method_not_allowed", "This path does not take that method.").response()
    return Problem(404, "not_found", "No such path.").response()


async def server_error(request: Request, exc: Exception) -> Response:
    return Problem(500, "internal_error", "Something broke on our side.").response()


def create_app(bugs: Iterable[str] = (), *, unique_codes: bool = True) -> Starlette:
    """The application, with the planted `bugs` switched on.

    `unique_codes=False` stops answering 409 warehouse_code_taken (for a synth without Unique()).
    """
    chosen = frozenset(bugs)
    unknown = chosen - {bug.id for bug in BUGS}
    if unknown:
        raise ValueError(f"unknown bug ids: {', '.join(sorted(unknown))}")
    # Starlette merges routes with one path and several methods only within one Route, so
    # the path's handlers are grouped and dispatched on the method.
    by_path: dict[str, dict[str, Handler]] = {}
    for path, methods, handler in ROUTES:
        for method in methods:
            by_path.setdefault(path, {})[method] = guarded(handler)
    routes = [
        Route(BASE_PATH + path, _dispatch(handlers), methods=list(handlers))
        for path, handlers in by_path.items()
    ]
    app = Starlette(
        routes=routes, exception_handlers={HTTPException: http_error, 500: server_error}
    )
    app.state.store = Store(chosen, unique_codes)
    return app


def _dispatch(handlers: dict[str, Handler]) -> Handler:
    async def endpoint(request: Request) -> Response:
        handler = handlers[request.method if request.method in handlers else "GET"]
        return await handler(request)

    return endpoint


def main() -> None:
    parser = argparse.ArgumentParser(description="The warehouse inventory example server.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8770)
    parser.add_argument("--bug", action="append", default=[], choices=[b.id for b in BUGS])
    parser.add_argument("--log-level", default="warning")
    parser.add_argument(
        "--no-unique-codes",
        action="store_true",
        help="accept a warehouse code twice (no 409 warehouse_code_taken)",
    )
    args = parser.parse_args()
    app = create_app(args.bug, unique_codes=not args.no_unique_codes)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)


if __name__ == "__main__":
    main()
