"""A small API listing notes in every pagination style, for tests.

Each style has its own collection (``/cursor/notes``, ``/token/notes``, ...): notes are
created by POST, read, deleted, and listed with a case-insensitive title filter ``q`` (which
gives the checks an isolated scope). The page_token list also takes a client-chosen sort.
``app`` serves every style correctly; its switches plant one bug each.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import textwrap
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests._taxonomy import STANDARD_ERRORS

TENANTS = ["a=tok_shelves_a_0123456789", "b=tok_shelves_b_9876543210"]
_TOKENS = {"tok_shelves_a_0123456789": "a", "tok_shelves_b_9876543210": "b"}

# Each style's collection path segment, and its declaration.
STYLES = {
    "cursor": 'Cursor(order=("-rank", "id"), limit=LIMIT)',
    "token": 'PageToken(order=("-rank", "id"), limit=LIMIT, sort=SORT)',
    "after": 'StartingAfter(order=("-rank", "id"), limit=LIMIT)',
    "link": 'LinkHeader(order=("-rank", "id"), limit=LIMIT)',
    "offset": 'Offset(order=("-rank", "id"), limit=LIMIT, total_field="total")',
    "page": 'PageNumber(order=("-rank", "id"), limit=LIMIT)',
}
# The list operations, by style.
LISTS = {name: f"list_{name}_notes" for name in STYLES}
LIST_IDS = {
    name: "list" + "".join(w.capitalize() for w in name.split("_")) + "Notes" for name in STYLES
}
_PAGES = {
    "cursor": "items: list[Note]\n    next_cursor: str | None",
    "token": "items: list[Note]\n    next_page_token: str | None",
    "after": "data: list[Note]\n    has_more: bool",
    "link": None,
    "offset": "items: list[Note]\n    total: int",
    "page": "items: list[Note]",
}
# The sort orders of the page_token list (``SORT``), the default first.
ORDERS: dict[str, tuple[str, ...]] = {
    "-rank": ("-rank", "id"),
    "rank": ("rank", "id"),
    "id": ("id",),
}

_HEAD = '''\
"""Notes listed in every pagination style."""

from typing import Annotated

from pydantic import Field

from synth.contract import (
    Api, Cursor, Filter, Limit, LinkHeader, Model, Offset, PageNumber, PageToken, RequestModel,
    Sort, StartingAfter,
)

api = Api("Shelves", "1.0.0", base_path="/v1")
{errors}
LIMIT = Limit(default=5, max=20)
SORT = Sort(param="order_by", orders={orders!r}, default="-rank")


class Note(Model):
    id: str
    title: str
    rank: int


class NoteBody(RequestModel):
    title: Annotated[str, Field(min_length=1, max_length=60)]
    rank: Annotated[int, Field(ge=0, le=3)]
'''

_STYLE = '''

{page}

@api.post("/{name}/notes")
def create_{name}_note(body: NoteBody) -> Note:
    """Create a note."""


@api.get("/{name}/notes", paginated={declaration})
def list_{name}_notes(
    q: Annotated[str | None, Filter("title", "icontains")] = None,
) -> {returns}:
    """List notes, highest rank first; `q` keeps notes whose title contains it."""


@api.get("/{name}/notes/{{note_id}}")
def get_{name}_note(note_id: str) -> Note:
    """Get a note."""


@api.delete("/{name}/notes/{{note_id}}")
def delete_{name}_note(note_id: str) -> None:
    """Delete a note."""
'''


def contracts_source() -> str:
    text = _HEAD.format(errors=STANDARD_ERRORS, orders=ORDERS)
    for name, declaration in STYLES.items():
        page_fields = _PAGES[name]
        page = (
            f"class {name.capitalize()}Page(Model):\n    {page_fields}\n"
            if page_fields is not None
            else ""
        )
        returns = f"{name.capitalize()}Page" if page_fields is not None else "list[Note]"
        text += _STYLE.format(name=name, page=page, declaration=declaration, returns=returns)
    return text


def write_contracts(root: Path, *, shared: bool = False, largest: int = 20) -> Path:
    """The shelves' contracts as a package under ``root``; ``shared``: without the title
    filter and the DELETE, so every list is the tenant's whole list, which the checks cannot
    isolate and whose items are never deleted; ``largest``: the largest page declared
    (``Shelves.largest`` serves it)."""
    source = contracts_source().replace("LIMIT = Limit(default=5, max=20)",
                                        f"LIMIT = Limit(default=5, max={largest})")  # fmt: skip
    if shared:
        source = source.replace(
            '    q: Annotated[str | None, Filter("title", "icontains")] = None,\n', ""
        )
        source = re.sub(r"\n\n@api\.delete\([^\n]*\n[^\n]*\n[^\n]*\n", "\n", source)
        assert "q: Annotated" not in source
        assert "@api.delete" not in source
    contracts = root / "contracts"
    contracts.mkdir()
    (contracts / "__init__.py").write_text("")
    (contracts / "api.py").write_text(textwrap.dedent(source))
    return contracts


def preload(shelves: Shelves, style: str, count: int) -> Shelves:
    """``count`` notes of each tenant in ``style``'s list before synth runs."""
    for tenant in ("a", "b"):
        for n in range(count):
            shelves.counter += 1
            note = {"id": f"n{shelves.counter:07d}", "title": f"old note {n}", "rank": n % 4}
            shelves.notes.setdefault((tenant, style), []).append(note)
    return shelves


def _problem(status: int, code: str, loc: tuple[str, str] | None = None) -> Response:
    body: dict[str, Any] = {"type": f"about:blank#{code}", "title": code.replace("_", " "),
                            "status": status, "code": code, "detail": code}  # fmt: skip
    if loc is not None:
        body["errors"] = [{"loc": list(loc), "msg": "Invalid value", "type": "value_error"}]
    return Response(json.dumps(body), status, media_type="application/problem+json")


def _invalid(where: str, name: str) -> Response:
    return _problem(422, "validation_failed", (where, name))


_SECRET = b"shelves-token-key"


def _token(data: list[Any]) -> str:
    raw = json.dumps(data).encode()
    sig = hmac.new(_SECRET, raw, hashlib.sha256).hexdigest()[:16]
    return base64.urlsafe_b64encode(raw).decode() + "." + sig


def _untoken(token: str) -> list[Any] | None:
    text, _, sig = token.partition(".")
    try:
        raw = base64.urlsafe_b64decode(text.encode())
        data = json.loads(raw)
    except (ValueError, TypeError):
        return None
    good = hmac.new(_SECRET, raw, hashlib.sha256).hexdigest()[:16]
    return data if hmac.compare_digest(good, sig) and isinstance(data, list) else None


@dataclass
class Shelves:
    """Every tenant's notes of every style; each switch plants one bug."""

    offset_skips: bool = False  # an offset page after the first starts one row late
    page_repeats: bool = False  # a page after the first starts with the last row of the one before
    has_more_when_full: bool = False  # has_more says true on every full page, the last one too
    has_more_early: bool = False  # has_more says false on the page before the last
    link_lost: bool = False  # the second page has no rel="next"
    token_any_tenant: bool = False  # a page token works for every tenant
    sort_ignored: bool = False  # the second allowed order is served in the default order
    sort_lenient: bool = False  # an unknown sort value is served in the default order
    lone_last_lost: bool = False  # a cursor list's last page, where it holds one note, is empty
    # Correct variants: the last page's token is "" (as Google APIs send it); links are
    # relative to the request (RFC 8288 allows any URI reference).
    empty_token_end: bool = False
    relative_links: bool = False
    # Correct too: an empty page_token is the first page, as Google APIs take it (AIP-158).
    empty_token_first: bool = False
    # Correct too: ids in no order of creation (a hash of the count, as random as a UUID and
    # the same from run to run), so notes of one rank are listed in an order the ids decide,
    # which two runs of the same steps do not share.
    random_ids: bool = False
    # Correct too: each walk's last page at the largest size (20) is followed by a note the
    # server writes itself into the tenant's list (a feed's line of an action elsewhere, as
    # the tracker example's activity gains one per task made), declared by no contract.
    server_lines: bool = False
    # The largest page served: the contracts' ``Limit.max``, which ``write_contracts(largest=)``
    # may raise (a largest page of 251 or more makes the edge fixture the default page and one).
    largest: int = 20
    notes: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    counter: int = 0


Handler = Callable[[Request, str, str, Shelves], Awaitable[Response]]


def _endpoint(shelves: Shelves, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        auth = request.headers.get("authorization", "")
        tenant = _TOKENS.get(auth.removeprefix("Bearer "))
        if tenant is None:
            return _problem(401, "unauthenticated")
        style = request.path_params["style"]
        if style not in STYLES:
            return _problem(404, "not_found")
        return await handler(request, tenant, style, shelves)

    return endpoint


async def create_note(request: Request, tenant: str, style: str, shelves: Shelves) -> Response:
    try:
        body = json.loads(await request.body())
    except ValueError:
        return _invalid("body", "title")
    if not isinstance(body, dict):
        return _invalid("body", "title")
    unknown = sorted(set(body) - {"title", "rank"})
    if unknown:
        return _invalid("body", unknown[0])
    title, rank = body.get("title"), body.get("rank")
    if not isinstance(title, str) or not 1 <= len(title) <= 60:
        return _invalid("body", "title")
    if type(rank) is not int or not 0 <= rank <= 3:
        return _invalid("body", "rank")
    shelves.counter += 1
    count = str(shelves.counter)
    number = (
        hashlib.sha256(count.encode()).hexdigest()[:7] if shelves.random_ids else f"{count:0>7}"
    )
    note = {"id": f"n{number}", "title": title, "rank": rank}
    shelves.notes.setdefault((tenant, style), []).append(note)
    return JSONResponse(note, 201)


def _find(shelves: Shelves, tenant: str, style: str, note_id: str) -> dict[str, Any] | None:
    return next((n for n in shelves.notes.get((tenant, style), []) if n["id"] == note_id), None)


async def get_note(request: Request, tenant: str, style: str, shelves: Shelves) -> Response:
    note = _find(shelves, tenant, style, request.path_params["note_id"])
    return JSONResponse(note) if note is not None else _problem(404, "not_found")


async def delete_note(request: Request, tenant: str, style: str, shelves: Shelves) -> Response:
    note = _find(shelves, tenant, style, request.path_params["note_id"])
    if note is None:
        return _problem(404, "not_found")
    shelves.notes[tenant, style].remove(note)
    return Response(status_code=204)


def _key(order: tuple[str, ...]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    def key(note: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(-note[k[1:]] if k.startswith("-") else note[k] for k in order)

    return key


def _int(raw: str | None, default: int, low: int, high: int | None = None) -> int | None:
    if raw is None:
        return default
    if not re.fullmatch(r"-?[0-9]{1,9}", raw):
        return None
    value = int(raw)
    return value if value >= low and (high is None or value <= high) else None


async def list_notes(request: Request, tenant: str, style: str, shelves: Shelves) -> Response:  # noqa: PLR0911, PLR0912 (one answer per rule and style)
    params = request.query_params
    size_param = {"token": "page_size", "link": "per_page", "page": "per_page"}.get(style, "limit")
    size = _int(params.get(size_param), 5, 1, shelves.largest)
    if size is None:
        return _invalid("query", size_param)
    q = params.get("q", "")
    sort = params.get("order_by", "-rank") if style == "token" else "-rank"
    if sort not in ORDERS and not shelves.sort_lenient:
        return _invalid("query", "order_by")
    sort = sort if sort in ORDERS else "-rank"
    served = "-rank" if shelves.sort_ignored and sort == list(ORDERS)[1] else sort
    key = _key(ORDERS[served])
    notes = sorted((n for n in shelves.notes.get((tenant, style), [])
                    if q.lower() in n["title"].lower()), key=key)  # fmt: skip
    if style in {"cursor", "token"}:
        name = "cursor" if style == "cursor" else "page_token"
        # A token is bound to its tenant, filter and sort, and signed.
        owner = "*" if shelves.token_any_tenant and style == "token" else tenant
        token = params.get(name)
        if token == "" and shelves.empty_token_first and style == "token":
            token = None
        start = 0
        if token is not None:
            data = _untoken(token)
            if data is None or len(data) != 4 or data[:3] != [owner, q, sort]:
                return _problem(400, "invalid_cursor")
            last = tuple(data[3])
            start = next((i for i, n in enumerate(notes) if key(n) > last), len(notes))
        page = notes[start : start + size]
        more = start + size < len(notes)
        page = (
            [] if (shelves.lone_last_lost and start > 0 and len(page) == 1 and not more) else page
        )
        if shelves.server_lines and size == shelves.largest and not more:
            _server_line(shelves, tenant, style)
        nxt = _token([owner, q, sort, list(key(page[-1]))]) if more else None
        if nxt is None and shelves.empty_token_end and style == "token":
            nxt = ""
        field_name = "next_cursor" if style == "cursor" else "next_page_token"
        return JSONResponse({"items": page, field_name: nxt})
    if style == "after":
        return _after_page(shelves, notes, size, params)
    number = _int(params.get("page"), 1, 1) if style in {"link", "page"} else 1
    offset = _int(params.get("offset"), 0, 0) if style == "offset" else 0
    if number is None:
        return _invalid("query", "page")
    if offset is None:
        return _invalid("query", "offset")
    start = offset if style == "offset" else (number - 1) * size
    if shelves.offset_skips and style == "offset" and start > 0:
        start += 1
    if shelves.page_repeats and style == "page" and start > 0:
        start -= 1
    page = notes[start : start + size]
    if style == "offset":
        return JSONResponse({"items": page, "total": len(notes)})
    if style == "page":
        return JSONResponse({"items": page})
    headers = {}
    if start + size < len(notes) and not (shelves.link_lost and number == 2):
        query = f"page={number + 1}&per_page={size}" + (f"&q={_quote(q)}" if q else "")
        url = f"?{query}" if shelves.relative_links else f"{request.base_url}v1/link/notes?{query}"
        headers["Link"] = f'<{url}>; rel="next", <{request.base_url}v1/link/notes>; rel="first"'
    return JSONResponse(page, headers=headers)


def _server_line(shelves: Shelves, tenant: str, style: str) -> None:
    """A note the server writes itself into ``tenant``'s list (``Shelves.server_lines``)."""
    shelves.counter += 1
    line = {"id": f"n{shelves.counter:07d}", "title": "server line", "rank": 3}
    shelves.notes.setdefault((tenant, style), []).append(line)


def _after_page(shelves: Shelves, notes: list[dict[str, Any]], size: int, params: Any) -> Response:
    """Stripe style: the page after ``starting_after``, or the one before ``ending_before``."""
    after, before = params.get("starting_after"), params.get("ending_before")
    for name, value in (("starting_after", after), ("ending_before", before)):
        if value == "":
            return _invalid("query", name)
    anchor_id = after if after is not None else before
    start = 0
    if anchor_id is not None:
        anchor = next((n for n in notes if n["id"] == anchor_id), None)
        if anchor is None:
            return _problem(400, "invalid_cursor")
        start = notes.index(anchor) + 1
    if after is None and before is not None:
        end = start - 1
        page = notes[max(0, end - size) : end]
        return JSONResponse({"data": page, "has_more": end - size > 0})
    page = notes[start : start + size]
    more = start + size < len(notes)
    if shelves.has_more_when_full:
        more = len(page) == size
    if shelves.has_more_early:
        more = start + 2 * size < len(notes)
    return JSONResponse({"data": page, "has_more": more})


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


def app(shelves: Shelves) -> Starlette:
    """The shelves served under ``/v1``."""
    return Starlette(
        routes=[
            Route("/v1/{style}/notes", _endpoint(shelves, create_note), methods=["POST"]),
            Route("/v1/{style}/notes", _endpoint(shelves, list_notes), methods=["GET"]),
            Route("/v1/{style}/notes/{note_id}", _endpoint(shelves, get_note), methods=["GET"]),
            Route(
                "/v1/{style}/notes/{note_id}", _endpoint(shelves, delete_note), methods=["DELETE"]
            ),
        ]
    )
