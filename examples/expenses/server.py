"""In-memory expense reports API implementing examples/expenses/contracts (Starlette, uvicorn).

Run: python -m examples.expenses.server --port 8717 [--ids per-tenant] [--bug ID ...]
(API keys in README.md). Planted bugs (examples/expenses/example.py's BUGS) are off unless
named with --bug. --ids per-tenant numbers each tenant's reports 1, 2, 3... (by default one
sequence serves every tenant); both are correct by the contract.

Ported from a server a new user of synth wrote against their contracts: its handlers, typed,
validating input with the contracts' own models as theirs did; their BUGS and IDS environment
variables are the example's --bug and --ids switches. Their two planted bugs are
cursor-unsigned and idem-global; the others were added for the example.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import math
import re
import time
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, Field, TypeAdapter, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from examples.expenses.contracts.models import (
    Category,
    LineCreate,
    LineNo,
    ReportCreate,
    ReportId,
    ReportUpdate,
    Status,
)

BASE = "/v1"
TOKENS = {"key-a": "tenant-a", "key-b": "tenant-b", "key-c": "tenant-c"}  # API key -> tenant
SECRET = b"expense-reports-cursor-secret"
# GET /reports/{report_id}: RATE_LIMIT lookups per tenant in each fixed RATE_WINDOW seconds.
RATE_LIMIT, RATE_WINDOW, RATE_NAME = 20, 2, "20-per-2s"
BUGS: set[str] = set()  # planted-bug switches, from --bug
IDS = {"per_tenant": False}  # --ids per-tenant: report ids counted per tenant

ERRORS = {  # code -> (status, title)
    "internal_error": (500, "Internal error"),
    "validation_failed": (422, "Validation failed"),
    "invalid_request": (400, "Invalid request"),
    "unauthenticated": (401, "Unauthenticated"),
    "not_found": (404, "Not found"),
    "idempotency_key_missing": (400, "Idempotency key missing"),
    "idempotency_key_reused": (422, "Idempotency key reused"),
    "idempotency_key_in_use": (409, "Idempotency key in use"),
    "invalid_cursor": (400, "Invalid cursor"),
    "rate_limited": (429, "Rate limited"),
    "receipt_taken": (409, "Receipt already filed"),
}

Item = dict[str, Any]
ErrorList = list[dict[str, Any]]
M = TypeVar("M", bound=BaseModel)

Query = Annotated[str, Field(max_length=50)]
PageParam = Annotated[int, Field(ge=1)]
PerPage = Annotated[int, Field(ge=1, le=25)]
LineLimit = Annotated[int, Field(ge=1, le=20)]


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

    def response(self) -> Response:
        status, title = ERRORS[self.code]
        body: dict[str, Any] = {
            "type": f"about:blank#{self.code}",
            "title": title,
            "status": status,
            "code": self.code,
        }
        if self.detail is not None:
            body["detail"] = self.detail
        if self.errors is not None:
            body["errors"] = self.errors
        return Response(
            json.dumps(body),
            status_code=status,
            media_type="application/problem+json",
            headers=self.headers,
        )


class Refused(Exception):
    """An answer that is not a problem (err-auth-plain-401's 401)."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


# ---------------------------------------------------------------- store (in memory)
reports: dict[tuple[str, int], Item] = {}  # (tenant, id) -> {"data", "lines", "next_line"}
next_report_id: dict[str, int] = {}  # tenant ("" for the one global sequence) -> next id
idem: dict[tuple[str, str], Item] = {}  # (tenant, key) -> {"fp", "done", "status", ...}
rate: dict[tuple[str, int], int] = {}  # (tenant, window) -> count


# ---------------------------------------------------------------- input helpers
_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def adapter(tp: Any) -> TypeAdapter[Any]:
    if tp not in _ADAPTERS:
        _ADAPTERS[tp] = TypeAdapter(tp)
    return _ADAPTERS[tp]


def field_errors(exc: ValidationError, prefix: list[Any]) -> ErrorList:
    return [
        {"loc": prefix + list(e["loc"]), "msg": e["msg"], "type": e["type"]}
        for e in exc.errors(include_url=False, include_input=False, include_context=False)
    ]


def param(value: str, tp: Any, loc: list[Any], errors: ErrorList) -> Any:
    try:
        return adapter(tp).validate_python(value)
    except ValidationError as exc:
        errors.extend(field_errors(exc, loc))
        return None


def raise_if(errors: ErrorList) -> None:
    if errors:
        raise Problem("validation_failed", "The request is invalid.", errors)


async def body_of(request: Request, model: type[M]) -> tuple[M, Any]:
    """(the validated body, the parsed JSON); a body that is not JSON is invalid_request."""
    raw = await request.body()
    try:
        parsed = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise Problem("invalid_request", "The body is not JSON.") from None
    try:
        value = model.model_validate_json(raw)
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            raise Problem("invalid_request", "The body is not JSON.") from None
        raise Problem(
            "validation_failed", "The body is invalid.", field_errors(exc, ["body"])
        ) from None
    return value, parsed


def tenant_of(request: Request) -> str:
    key = request.headers.get("x-api-key")
    if key is None or key not in TOKENS:
        if "err-auth-plain-401" in BUGS:  # the auth layer's own answer, not a problem
            raise Refused(JSONResponse({"error": "unauthorized"}, status_code=401))
        raise Problem("unauthenticated", "Send a valid X-Api-Key.")
    return TOKENS[key]


def own_report(tenant: str, report_id: int) -> Item:
    rep = reports.get((tenant, report_id))
    if rep is None:
        raise Problem("not_found", "No such report.")
    return rep


def ok(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(body, status_code=status, headers=headers)


# ---------------------------------------------------------------- cursors
def make_cursor(tenant: str, report_id: int, number: int) -> str:
    data = json.dumps({"t": tenant, "r": report_id, "n": number}, separators=(",", ":"))
    payload = base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")
    sig = hmac.new(SECRET, payload.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{payload}.{sig}"


def read_cursor(cursor: str, tenant: str, report_id: int) -> int:
    # cursor-unsigned: neither the signature nor the tenant the cursor names is checked.
    unsigned = "cursor-unsigned" in BUGS
    try:
        payload, sig = cursor.split(".")
        good = hmac.new(SECRET, payload.encode(), hashlib.sha256).hexdigest()[:32]
        if not hmac.compare_digest(sig, good) and not unsigned:
            raise ValueError("not signed by this server")
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        if (data["t"] != tenant and not unsigned) or data["r"] != report_id:
            raise ValueError("another list's cursor")
        number = data["n"]
        if type(number) is not int:
            raise ValueError("not a position")
        return number
    except Exception:
        raise Problem("invalid_cursor", "The cursor was not issued for this list.") from None


# ---------------------------------------------------------------- rate limit
def rate_check(tenant: str) -> dict[str, str]:
    now = time.time()
    window = int(now // RATE_WINDOW)
    reset = max(1, math.ceil((window + 1) * RATE_WINDOW - now))
    count = rate.get((tenant, window), 0) + 1
    rate[(tenant, window)] = count
    for k in [k for k in rate if k[1] < window - 1]:
        del rate[k]
    policy = f'"{RATE_NAME}";q={RATE_LIMIT};w={RATE_WINDOW}'
    if count > RATE_LIMIT:
        headers = {"RateLimit-Policy": policy, "RateLimit": f'"{RATE_NAME}";r=0;t={reset}'}
        if "rate-no-retry-after" not in BUGS:  # the 429 says when to come back
            headers["Retry-After"] = str(reset)
        raise Problem("rate_limited", "Too many requests.", headers=headers)
    return {
        "RateLimit-Policy": policy,
        "RateLimit": f'"{RATE_NAME}";r={RATE_LIMIT - count};t={reset}',
    }


# ---------------------------------------------------------------- handlers
async def create_report(request: Request, tenant: str) -> Response:
    key = request.headers.get("idempotency-key")
    if key is None:
        raise Problem("idempotency_key_missing", "Send an Idempotency-Key header.")
    if not 1 <= len(key) <= 255:
        kind = "string_too_long" if key else "string_too_short"
        raise_if([{"loc": ["header", "Idempotency-Key"], "msg": "1 to 255 characters",
                   "type": kind}])  # fmt: skip
    body, parsed = await body_of(request, ReportCreate)
    fp = json.dumps(parsed, sort_keys=True, separators=(",", ":"))
    scope = "" if "idem-global" in BUGS else tenant  # idem-global: one store for every tenant
    entry = idem.get((scope, key))
    if entry is not None:
        if entry["fp"] != fp:
            raise Problem("idempotency_key_reused", "This key was sent with another body.")
        if not entry["done"]:
            raise Problem("idempotency_key_in_use", "A request with this key is running.")
        # idem-replay-200: a replay is answered 200, not the status stored (201).
        status = 200 if "idem-replay-200" in BUGS else entry["status"]
        return ok(entry["body"], status, {**entry["headers"], "Idempotent-Replayed": "true"})
    entry = {"fp": fp, "done": False}
    idem[(scope, key)] = entry
    try:
        await asyncio.sleep(0.02)  # some work: lets concurrent retries meet the running one
        seq = tenant if IDS["per_tenant"] else ""
        rid = next_report_id.get(seq, 1)
        next_report_id[seq] = rid + 1
        data = {
            "id": rid,
            "title": body.title,
            "currency": body.currency,
            "note": body.note,
            "status": "draft",
        }
        reports[(tenant, rid)] = {"data": data, "lines": {}, "next_line": 1}
    except BaseException:
        idem.pop((scope, key), None)  # a refused request does not keep its key
        raise
    headers = {"Location": f"{BASE}/reports/{rid}"}
    entry.update(done=True, status=201, body=dict(data), headers=headers)
    return ok(data, 201, headers)


async def list_reports(request: Request, tenant: str) -> Response:
    qp = request.query_params
    errors: ErrorList = []
    status = param(qp["status"], Status, ["query", "status"], errors) if "status" in qp else None
    q = param(qp["q"], Query, ["query", "q"], errors) if "q" in qp else None
    page = param(qp["page"], PageParam, ["query", "page"], errors) if "page" in qp else 1
    per_page = (
        param(qp["per_page"], PerPage, ["query", "per_page"], errors) if "per_page" in qp else 10
    )
    raise_if(errors)
    items = [r["data"] for (t, _), r in sorted(reports.items()) if t == tenant]
    if status is not None:
        items = [i for i in items if i["status"] == status]
    if q is not None:
        items = [i for i in items if q.lower() in i["title"].lower()]
    start = (page - 1) * per_page
    if "page-reports-overlap" in BUGS and page > 1:  # each later page starts one report early
        start -= 1
    return ok({"items": items[start : start + per_page]})


async def get_report(request: Request, tenant: str, report_id: str) -> Response:
    headers = rate_check(tenant)
    errors: ErrorList = []
    rid = param(report_id, ReportId, ["path", "report_id"], errors)
    raise_if(errors)
    return ok(own_report(tenant, rid)["data"], headers=headers)


async def update_report(request: Request, tenant: str, report_id: str) -> Response:
    errors: ErrorList = []
    rid = param(report_id, ReportId, ["path", "report_id"], errors)
    raise_if(errors)
    rep = own_report(tenant, rid)
    body, _ = await body_of(request, ReportUpdate)
    if "patch-note-cleared" in BUGS:  # title when sent; note always, null when left out
        if body.title is not None:
            rep["data"]["title"] = body.title
        rep["data"]["note"] = body.note
    else:
        for name in body.model_fields_set:
            rep["data"][name] = getattr(body, name)
    return ok(rep["data"])


async def approve_report(request: Request, tenant: str, report_id: str) -> Response:
    errors: ErrorList = []
    rid = param(report_id, ReportId, ["path", "report_id"], errors)
    raise_if(errors)
    rep = own_report(tenant, rid)
    rep["data"]["status"] = "approved"
    return ok(rep["data"])


async def create_line(request: Request, tenant: str, report_id: str) -> Response:
    errors: ErrorList = []
    rid = param(report_id, ReportId, ["path", "report_id"], errors)
    raise_if(errors)
    rep = own_report(tenant, rid)
    body, _ = await body_of(request, LineCreate)
    if any(line["receipt_ref"] == body.receipt_ref for line in rep["lines"].values()):
        raise Problem("receipt_taken", "This receipt is already on the report.")
    number = rep["next_line"]
    rep["next_line"] += 1
    line = {
        "number": number,
        "report_id": rid,
        "description": body.description,
        "amount_cents": body.amount_cents,
        "category": body.category,
        "receipt_ref": body.receipt_ref,
    }
    rep["lines"][number] = line
    return ok(line, 201)


def line_limit(value: str, errors: ErrorList) -> Any:
    if "err-limit-invalid-request" in BUGS:  # a bad limit is a 400 of its own, not a 422
        bad: ErrorList = []
        limit = param(value, LineLimit, ["query", "limit"], bad)
        if bad:
            raise Problem("invalid_request", "limit must be a whole number from 1 to 20.")
        return limit
    return param(value, LineLimit, ["query", "limit"], errors)


async def list_lines(request: Request, tenant: str, report_id: str) -> Response:
    errors: ErrorList = []
    rid = param(report_id, ReportId, ["path", "report_id"], errors)
    raise_if(errors)
    rep = own_report(tenant, rid)
    qp = request.query_params
    category = (
        param(qp["category"], Category, ["query", "category"], errors) if "category" in qp else None
    )
    limit = line_limit(qp["limit"], errors) if "limit" in qp else 5
    cursor = qp.get("cursor")
    if cursor == "":
        errors.append(
            {"loc": ["query", "cursor"], "msg": "must not be empty", "type": "string_too_short"}
        )
    raise_if(errors)
    after = read_cursor(cursor, tenant, rid) if cursor is not None else 0
    items = [line for n, line in sorted(rep["lines"].items()) if n > after]
    if category is not None:
        items = [i for i in items if i["category"] == category]
    page = items[:limit]
    more = len(items) > limit
    cursor_out = make_cursor(tenant, rid, page[-1]["number"]) if more else None
    return ok({"items": page, "next_cursor": cursor_out})


async def get_line(request: Request, tenant: str, report_id: str, line_no: str) -> Response:
    errors: ErrorList = []
    rid = param(report_id, ReportId, ["path", "report_id"], errors)
    num = param(line_no, LineNo, ["path", "line_no"], errors)
    raise_if(errors)
    rep = reports.get((tenant, rid))
    if rep is None and "ten-line-any-tenant" in BUGS:  # the report of that id in any tenant
        rep = next((r for (_, i), r in sorted(reports.items()) if i == rid), None)
    if rep is None:
        raise Problem("not_found", "No such report.")
    line = rep["lines"].get(num)
    if line is None:
        raise Problem("not_found", "No such line.")
    return ok(line)


# ---------------------------------------------------------------- routing
Handler = Callable[..., Awaitable[Response]]
SEG = r"([^/]+)"
ROUTES: list[tuple[re.Pattern[str], dict[str, Handler]]] = [
    (re.compile(r"^/reports$"), {"POST": create_report, "GET": list_reports}),
    (re.compile(rf"^/reports/{SEG}$"), {"GET": get_report, "PATCH": update_report}),
    (re.compile(rf"^/reports/{SEG}/approve$"), {"POST": approve_report}),
    (re.compile(rf"^/reports/{SEG}/lines$"), {"POST": create_line, "GET": list_lines}),
    (re.compile(rf"^/reports/{SEG}/lines/{SEG}$"), {"GET": get_line}),
]


async def dispatch(request: Request) -> Response:
    path = request.url.path
    if not path.startswith(BASE + "/"):
        raise Problem("not_found", "No such resource.")
    path = path[len(BASE) :]
    for pattern, methods in ROUTES:
        m = pattern.match(path)
        if m is None:
            continue
        handler = methods.get(request.method)
        if handler is None:
            raise Problem("not_found", "No such operation.")
        tenant = tenant_of(request)
        return await handler(request, tenant, *m.groups())
    raise Problem("not_found", "No such resource.")


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        while True:
            msg = await receive()
            if msg["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif msg["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    request = Request(scope, receive)
    try:
        response = await dispatch(request)
    except Problem as p:
        response = p.response()
    except Refused as r:
        response = r.response
    except Exception as exc:  # pragma: no cover (a bug of the server)
        print("internal error:", repr(exc), flush=True)
        response = Problem("internal_error", "The server failed.").response()
    await response(scope, receive, send)


def main(argv: list[str] | None = None) -> None:
    from examples._example import server_main
    from examples.expenses.example import BUGS as PLANTED

    ids = argparse.ArgumentParser(add_help=False)
    ids.add_argument("--ids", choices=("global", "per-tenant"), default="global")
    known, rest = ids.parse_known_args(argv)
    IDS["per_tenant"] = known.ids == "per-tenant"
    server_main(app, PLANTED, BUGS, port=8717, description=__doc__, argv=rest)


if __name__ == "__main__":
    main()
