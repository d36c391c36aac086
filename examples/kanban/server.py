"""In-memory kanban API implementing examples/kanban/contracts (Starlette, uvicorn).

Run: python -m examples.kanban.server --port 8731 [--bug ID ...] (API keys in README.md).
Planted bugs (examples/kanban/example.py's BUGS) are off unless named with --bug.

Every id is a small integer counted from 1 within its parent and separately per tenant:
tenant a's first workspace is 1 and so is tenant b's, and every workspace that has a board
has a board 1. An item's identity is therefore (tenant, workspace id, board number, card
number), and the store is keyed by exactly that.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, Field, TypeAdapter, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from examples.kanban.contracts.models import (
    BoardCreate,
    BoardNo,
    CardCreate,
    CardNo,
    CardUpdate,
    Column,
    NameQuery,
    Priority,
    WorkspaceCreate,
    WorkspaceId,
)

BASE = "/v1"
TOKENS = {"key-kanban-a": "tenant-a", "key-kanban-b": "tenant-b", "key-kanban-c": "tenant-c"}
SECRET = b"kanban-cursor-secret"
BUGS: set[str] = set()  # planted-bug switches, from --bug

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
    "precondition_failed": (412, "Precondition failed"),
}

Item = dict[str, Any]
ErrorList = list[dict[str, Any]]
M = TypeVar("M", bound=BaseModel)

WorkspaceLimit = Annotated[int, Field(ge=1, le=25)]
BoardLimit = Annotated[int, Field(ge=1, le=10)]
CardLimit = Annotated[int, Field(ge=1, le=20)]
IdemKey = Annotated[str, Field(min_length=1, max_length=255)]


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
    """An answer that is not a problem (err-card-404-plain's 404)."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


# ---------------------------------------------------------------- store (in memory)
# (tenant, workspace id) -> {"data", "boards": {number: board}, "next_board"}
# a board: {"data", "cards": {number: card data}, "next_card"}
workspaces: dict[tuple[str, int], Item] = {}
next_workspace: dict[str, int] = {}  # tenant -> its next workspace id
idem: dict[tuple[str, str], Item] = {}  # (tenant, key) -> {"fp", "done", "status", "body"}


def now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


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


def query(request: Request, name: str, tp: Any, errors: ErrorList, default: Any = None) -> Any:
    if name not in request.query_params:
        return default
    return param(request.query_params[name], tp, ["query", name], errors)


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
        raise Problem(
            "validation_failed", "The body is invalid.", field_errors(exc, ["body"])
        ) from None
    return value, parsed


def tenant_of(request: Request) -> str:
    key = request.headers.get("x-api-key")
    if key is None or key not in TOKENS:
        raise Problem("unauthenticated", "Send a valid X-Api-Key.")
    return TOKENS[key]


def path_ids(names_values: list[tuple[str, str]]) -> list[int]:
    errors: ErrorList = []
    types = {"workspace_id": WorkspaceId, "board_no": BoardNo, "card_no": CardNo}
    ids = [param(value, types[name], ["path", name], errors) for name, value in names_values]
    raise_if(errors)
    return ids


def own_workspace(tenant: str, wid: int) -> Item:
    ws = workspaces.get((tenant, wid))
    if ws is None:
        raise Problem("not_found", "No such workspace.")
    return ws


def own_board(tenant: str, wid: int, bno: int) -> Item:
    board: Item | None = own_workspace(tenant, wid)["boards"].get(bno)
    if board is None:
        raise Problem("not_found", "No such board.")
    return board


def own_card(tenant: str, wid: int, bno: int, cno: int) -> Item:
    card: Item | None = own_board(tenant, wid, bno)["cards"].get(cno)
    if card is None:
        raise Problem("not_found", "No such card.")
    return card


def ok(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(body, status_code=status, headers=headers)


# ---------------------------------------------------------------- cursors
def make_cursor(tenant: str, listing: str, last: int) -> str:
    data = json.dumps({"t": tenant, "l": listing, "n": last}, separators=(",", ":"))
    payload = base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")
    sig = hmac.new(SECRET, payload.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{payload}.{sig}"


def read_cursor(cursor: str, tenant: str, listing: str, *, any_list: bool = False) -> int:
    """The last position the cursor names; 400 invalid_cursor unless this server signed it for
    this tenant and this list (``any_list``: page-cursor-any-tenant's cursor, signature only)."""
    try:
        payload, sig = cursor.split(".")
        good = hmac.new(SECRET, payload.encode(), hashlib.sha256).hexdigest()[:32]
        if not hmac.compare_digest(sig, good):
            raise ValueError("not signed by this server")
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        if not any_list and (data["t"] != tenant or data["l"] != listing):
            raise ValueError("another list's cursor")
        last = data["n"]
        if type(last) is not int:
            raise ValueError("not a position")
        return last
    except Exception:
        raise Problem("invalid_cursor", "The cursor was not issued for this list.") from None


def page_query(request: Request, limit_type: Any, default: int, errors: ErrorList) -> Any:
    limit = query(request, "limit", limit_type, errors, default)
    cursor = request.query_params.get("cursor")
    if cursor == "":
        errors.append(
            {"loc": ["query", "cursor"], "msg": "must not be empty", "type": "string_too_short"}
        )
    return limit, cursor


def page(items: list[Item], key: str, limit: int, tenant: str, listing: str) -> dict[str, Any]:
    chunk = items[:limit]
    more = len(items) > limit
    next_cursor = make_cursor(tenant, listing, chunk[-1][key]) if more and chunk else None
    return {"items": chunk, "next_cursor": next_cursor}


# ---------------------------------------------------------------- idempotency
async def idempotent(
    request: Request,
    tenant: str,
    bodied: tuple[BaseModel, Any],
    create: Callable[[], Awaitable[Item]],
    *,
    scope: str | None = None,
    fingerprinted: bool = True,
) -> Response:
    """Answer a create under the request's Idempotency-Key (already checked present): the first
    request runs ``create``; a retry with the same request replays its answer."""
    key = request.headers["idempotency-key"]
    _, parsed = bodied
    fp = json.dumps(
        [request.method, request.url.path, parsed], sort_keys=True, separators=(",", ":")
    )
    store = (tenant if scope is None else scope, key)
    entry = idem.get(store)
    if entry is not None:
        if fingerprinted and entry["fp"] != fp:
            raise Problem("idempotency_key_reused", "This key was sent with another request.")
        if not entry["done"]:
            raise Problem("idempotency_key_in_use", "A request with this key is running.")
        return ok(entry["body"], entry["status"], {"Idempotent-Replayed": "true"})
    entry = {"fp": fp, "done": False}
    idem[store] = entry
    try:
        await asyncio.sleep(0.02)  # some work: lets concurrent retries meet the running one
        data = await create()
    except BaseException:
        idem.pop(store, None)  # a refused request does not keep its key
        raise
    entry.update(done=True, status=201, body=dict(data))
    return ok(data, 201)


def idempotency_key(request: Request) -> None:
    key = request.headers.get("idempotency-key")
    if key is None:
        raise Problem("idempotency_key_missing", "Send an Idempotency-Key header.")
    errors: ErrorList = []
    param(key, IdemKey, ["header", "Idempotency-Key"], errors)
    raise_if(errors)


# ---------------------------------------------------------------- workspaces
async def create_workspace(request: Request, tenant: str) -> Response:
    body, _ = await body_of(request, WorkspaceCreate)
    wid = next_workspace.get(tenant, 1)
    next_workspace[tenant] = wid + 1
    data = {"id": wid, "name": body.name, "created_at": now()}
    workspaces[(tenant, wid)] = {"data": data, "boards": {}, "next_board": 1}
    return ok(data, 201)


async def list_workspaces(request: Request, tenant: str) -> Response:
    errors: ErrorList = []
    q = query(request, "q", NameQuery, errors)
    limit, cursor = page_query(request, WorkspaceLimit, 10, errors)
    raise_if(errors)
    after = read_cursor(cursor, tenant, "workspaces") if cursor is not None else 0
    items = [ws["data"] for (t, wid), ws in sorted(workspaces.items()) if t == tenant]
    items = [i for i in items if i["id"] > after]
    if q is not None:
        items = [i for i in items if q.lower() in i["name"].lower()]
    if "page-workspaces-skip" in BUGS and cursor is not None:
        items = items[1:]  # every later page starts one workspace late
    return ok(page(items, "id", limit, tenant, "workspaces"))


async def get_workspace(request: Request, tenant: str, wid_: str) -> Response:
    (wid,) = path_ids([("workspace_id", wid_)])
    return ok(own_workspace(tenant, wid)["data"])


async def delete_workspace(request: Request, tenant: str, wid_: str) -> Response:
    (wid,) = path_ids([("workspace_id", wid_)])
    own_workspace(tenant, wid)
    del workspaces[(tenant, wid)]
    return Response(status_code=204)


# ---------------------------------------------------------------- boards
async def create_board(request: Request, tenant: str, wid_: str) -> Response:
    (wid,) = path_ids([("workspace_id", wid_)])
    own_workspace(tenant, wid)
    idempotency_key(request)
    bodied = await body_of(request, BoardCreate)
    body = bodied[0]

    async def create() -> Item:
        ws = own_workspace(tenant, wid)  # still there after the work
        number = ws["next_board"]
        ws["next_board"] = number + 1
        data = {
            "workspace_id": wid,
            "number": number,
            "name": body.name,
            "description": body.description,
            "created_at": now(),
        }
        ws["boards"][number] = {"data": data, "cards": {}, "next_card": 1}
        return data

    # idem-board-no-fingerprint: a key sent again with another body replays the first answer
    fingerprinted = "idem-board-no-fingerprint" not in BUGS
    return await idempotent(request, tenant, bodied, create, fingerprinted=fingerprinted)


async def list_boards(request: Request, tenant: str, wid_: str) -> Response:
    (wid,) = path_ids([("workspace_id", wid_)])
    ws = own_workspace(tenant, wid)
    errors: ErrorList = []
    limit, cursor = page_query(request, BoardLimit, 5, errors)
    raise_if(errors)
    listing = f"workspaces/{wid}/boards"
    after = read_cursor(cursor, tenant, listing) if cursor is not None else 0
    items = [b["data"] for n, b in sorted(ws["boards"].items()) if n > after]
    return ok(page(items, "number", limit, tenant, listing))


async def get_board(request: Request, tenant: str, wid_: str, bno_: str) -> Response:
    wid, bno = path_ids([("workspace_id", wid_), ("board_no", bno_)])
    return ok(own_board(tenant, wid, bno)["data"])


async def delete_board(request: Request, tenant: str, wid_: str, bno_: str) -> Response:
    wid, bno = path_ids([("workspace_id", wid_), ("board_no", bno_)])
    ws = workspaces.get((tenant, wid))
    if (ws is None or bno not in ws["boards"]) and "ten-board-delete-any-tenant" in BUGS:
        # the board of those numbers in whichever tenant has one
        ws = next(
            (w for (_, i), w in sorted(workspaces.items()) if i == wid and bno in w["boards"]),
            None,
        )
    if ws is None or bno not in ws["boards"]:
        raise Problem("not_found", "No such board.")
    del ws["boards"][bno]
    return Response(status_code=204)


# ---------------------------------------------------------------- cards
def etag(card: Item) -> str:
    if "cache-card-etag-static" in BUGS:  # the card's identity only, not its content
        basis = f"{card['workspace_id']}/{card['board_no']}/{card['number']}/{card['created_at']}"
    elif "cache-etag-ignores-archived" in BUGS:  # made before the archive flag was added
        basis = json.dumps({k: v for k, v in card.items() if k != "archived"}, sort_keys=True,
                           separators=(",", ":"))  # fmt: skip
    else:
        basis = json.dumps(card, sort_keys=True, separators=(",", ":"))
    return '"' + hashlib.sha256(basis.encode()).hexdigest()[:20] + '"'


def etag_matches(header: str, current: str, *, weak: bool) -> bool:
    for tag in (t.strip() for t in header.split(",")):
        if tag == "*":
            return True
        if weak and tag.startswith("W/"):
            tag = tag[2:]  # noqa: PLW2901 (the tag without its W/)
        if tag == current:
            return True
    return False


async def create_card(request: Request, tenant: str, wid_: str, bno_: str) -> Response:
    wid, bno = path_ids([("workspace_id", wid_), ("board_no", bno_)])
    own_board(tenant, wid, bno)
    idempotency_key(request)
    bodied = await body_of(request, CardCreate)
    body = bodied[0]

    async def create() -> Item:
        board = own_board(tenant, wid, bno)  # still there after the work
        number = board["next_card"]
        board["next_card"] = number + 1
        data = {
            "workspace_id": wid,
            "board_no": bno,
            "number": number,
            "title": body.title,
            "description": body.description,
            "column": body.column,
            "priority": body.priority,
            "archived": False,
            "created_at": now(),
        }
        board["cards"][number] = data
        return data

    scope = "" if "idem-cards-global" in BUGS else None  # one key store for every tenant
    return await idempotent(request, tenant, bodied, create, scope=scope)


async def list_cards(request: Request, tenant: str, wid_: str, bno_: str) -> Response:
    wid, bno = path_ids([("workspace_id", wid_), ("board_no", bno_)])
    board = own_board(tenant, wid, bno)
    errors: ErrorList = []
    column = query(request, "column", Column, errors)
    if "err-priority-no-loc" in BUGS and "min_priority" in request.query_params:
        bad: ErrorList = []
        min_priority = query(request, "min_priority", Priority, bad)
        if bad:  # a 422 that names no field
            raise Problem("validation_failed", "min_priority must be a whole number from 1 to 5.")
    else:
        min_priority = query(request, "min_priority", Priority, errors)
    archived = query(request, "archived", bool, errors)
    limit, cursor = page_query(request, CardLimit, 5, errors)
    raise_if(errors)
    listing = f"workspaces/{wid}/boards/{bno}/cards"
    after = 0
    if cursor is not None:
        any_list = "page-cursor-any-tenant" in BUGS
        after = read_cursor(cursor, tenant, listing, any_list=any_list)
    items = [c for n, c in sorted(board["cards"].items()) if n > after]
    if column is not None:
        items = [c for c in items if c["column"] == column]
    if min_priority is not None:
        items = [c for c in items if c["priority"] >= min_priority]
    if archived is not None:
        items = [c for c in items if c["archived"] is archived]
    return ok(page(items, "number", limit, tenant, listing))


def find_card(tenant: str, wid: int, bno: int, cno: int) -> Item:
    try:
        return own_card(tenant, wid, bno, cno)
    except Problem:
        if "ten-card-any-tenant" in BUGS:  # the card of those numbers in any tenant
            for (_, i), ws in sorted(workspaces.items()):
                board = ws["boards"].get(bno)
                if i == wid and board is not None and cno in board["cards"]:
                    found: Item = board["cards"][cno]
                    return found
        if "err-card-404-plain" in BUGS:
            raise Refused(JSONResponse({"error": "card not found"}, status_code=404)) from None
        raise


async def get_card(request: Request, tenant: str, wid_: str, bno_: str, cno_: str) -> Response:
    wid, bno, cno = path_ids([("workspace_id", wid_), ("board_no", bno_), ("card_no", cno_)])
    card = find_card(tenant, wid, bno, cno)
    tag = etag(card)
    inm = request.headers.get("if-none-match")
    if inm is not None and etag_matches(inm, tag, weak=True):
        return Response(status_code=304, headers={"ETag": tag})
    return ok(card, headers={"ETag": tag})


async def update_card(request: Request, tenant: str, wid_: str, bno_: str, cno_: str) -> Response:
    wid, bno, cno = path_ids([("workspace_id", wid_), ("board_no", bno_), ("card_no", cno_)])
    card = own_card(tenant, wid, bno, cno)
    im = request.headers.get("if-match")
    if im is not None and not etag_matches(im, etag(card), weak=False):
        raise Problem("precondition_failed", "If-Match does not match the card's ETag.")
    body, _ = await body_of(request, CardUpdate)
    fields = set(body.model_fields_set)
    if "patch-card-description-cleared" in BUGS:
        fields.add("description")  # set whether sent or not: left out, it becomes null
    for name in ("title", "description", "column", "priority"):
        if name in fields:
            card[name] = getattr(body, name)
    return ok(card, headers={"ETag": etag(card)})


async def delete_card(request: Request, tenant: str, wid_: str, bno_: str, cno_: str) -> Response:
    wid, bno, cno = path_ids([("workspace_id", wid_), ("board_no", bno_), ("card_no", cno_)])
    own_card(tenant, wid, bno, cno)
    del own_board(tenant, wid, bno)["cards"][cno]
    return Response(status_code=204)


async def archive_card(request: Request, tenant: str, wid_: str, bno_: str, cno_: str) -> Response:
    wid, bno, cno = path_ids([("workspace_id", wid_), ("board_no", bno_), ("card_no", cno_)])
    card = own_card(tenant, wid, bno, cno)
    card["archived"] = True
    return ok(card)


# ---------------------------------------------------------------- routing
Handler = Callable[..., Awaitable[Response]]
SEG = r"([^/]+)"
WS = rf"/workspaces/{SEG}"
BOARD = rf"{WS}/boards/{SEG}"
CARD = rf"{BOARD}/cards/{SEG}"
ROUTES: list[tuple[re.Pattern[str], dict[str, Handler]]] = [
    (re.compile(r"^/workspaces$"), {"POST": create_workspace, "GET": list_workspaces}),
    (re.compile(rf"^{WS}$"), {"GET": get_workspace, "DELETE": delete_workspace}),
    (re.compile(rf"^{WS}/boards$"), {"POST": create_board, "GET": list_boards}),
    (re.compile(rf"^{BOARD}$"), {"GET": get_board, "DELETE": delete_board}),
    (re.compile(rf"^{BOARD}/cards$"), {"POST": create_card, "GET": list_cards}),
    (
        re.compile(rf"^{CARD}$"),
        {"GET": get_card, "PATCH": update_card, "DELETE": delete_card},
    ),
    (re.compile(rf"^{CARD}/archive$"), {"POST": archive_card}),
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
    from examples.kanban.example import BUGS as PLANTED

    server_main(app, PLANTED, BUGS, port=8731, description=__doc__, argv=argv)


if __name__ == "__main__":
    main()
