"""Small notes APIs in each auth style, as contracts and in-process Starlette servers.

``contracts(folder, auth, in_path)`` writes the contract set: ``auth`` is the ``Api(auth=...)``
expression, and with ``in_path`` every note lives under ``/orgs/{org_id}`` (``tenant_param``).
``app(style, in_path, leak)`` is a server for it: correct, or with ``leak`` one that answers a
read of another tenant's note (with that tenant's org id in the path, when it is there).
``GET /catalogue`` is public in both.
"""

from __future__ import annotations

import itertools
import json
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests._taxonomy import STANDARD_ERRORS

Style = Literal["bearer", "header", "cookie"]
KEYS = {"tok_acme_0123456789": "org_aaaaaa", "tok_globex_9876543210": "org_bbbbbb"}
TENANTS = [f"a={next(iter(KEYS))}", f"b={list(KEYS)[1]}"]
TENANT_IDS = ["a=org_aaaaaa", "b=org_bbbbbb"]
API_KEY_HEADER = "X-Api-Key"
COOKIE = "session"

_SOURCE = """\
from typing import Annotated

from pydantic import Field

from synth.contract import (
    Api, ApiKey, Bearer, Cookie, Cursor, DateTime, Limit, Model, Page, RequestModel,
)

api = Api("Notes", "1.0.0", base_path="/v1", auth=$auth$tenant_param)
$errors
OrgId = Annotated[str, Field(pattern=r"^org_[a-z0-9]{6}$$")]
NoteId = Annotated[str, Field(pattern=r"^nte_[a-z0-9]{8}$$")]


class NoteCreate(RequestModel):
    title: Annotated[str, Field(min_length=1, max_length=100)]


class NoteUpdate(RequestModel):
    title: Annotated[str, Field(min_length=1, max_length=100)]


class Note(Model):
    id: NoteId
    title: str
    created_at: DateTime


class NotePage(Page[Note]):
    pass


class Catalogue(Model):
    kinds: list[str]


@api.post("$prefix/notes", status=201)
def create_note($org body: NoteCreate) -> Note: ...


@api.get("$prefix/notes", paginated=Cursor(order=("created_at", "id"), limit=Limit(max=50)))
def list_notes($org_alone) -> NotePage: ...


@api.get("$prefix/notes/{note_id}")
def get_note($org note_id: NoteId) -> Note: ...


@api.patch("$prefix/notes/{note_id}")
def update_note($org note_id: NoteId, body: NoteUpdate) -> Note: ...


@api.delete("$prefix/notes/{note_id}")
def delete_note($org note_id: NoteId) -> None: ...


@api.get("/catalogue", tenant_scoped=False)
def get_catalogue() -> Catalogue: ...$org_ops"""

# With the tenant in the path: the tenant itself is read and renamed at /orgs/{org_id}.
_ORG_OPS = """

class Org(Model):
    id: OrgId
    name: str


class OrgUpdate(RequestModel):
    name: Annotated[str, Field(min_length=1, max_length=100)]


@api.get("/orgs/{org_id}")
def get_org(org_id: OrgId) -> Org: ...


@api.patch("/orgs/{org_id}")
def update_org(org_id: OrgId, body: OrgUpdate) -> Org: ...
"""


def contracts(folder: Path, auth: str, *, in_path: bool) -> Path:
    """Write the notes contracts under ``folder/contracts``; return that directory."""
    from string import Template

    root = folder / "contracts"
    root.mkdir(parents=True, exist_ok=True)
    (root / "__init__.py").write_text("", encoding="utf-8")
    source = Template(_SOURCE).substitute(
        auth=auth,
        tenant_param=', tenant_param="org_id"' if in_path else "",
        errors=STANDARD_ERRORS,
        prefix="/orgs/{org_id}" if in_path else "",
        org="org_id: OrgId," if in_path else "",
        org_alone="org_id: OrgId" if in_path else "",
        org_ops=_ORG_OPS if in_path else "",
    )
    (root / "notes.py").write_text(source, encoding="utf-8")
    return root


def _problem(status: int, code: str) -> Response:
    body = {"type": f"about:blank#{code}", "title": code.replace("_", " "), "status": status,
            "code": code}  # fmt: skip
    return Response(json.dumps(body), status, media_type="application/problem+json")


class _Notes:
    """The server's state and handlers; ``leak`` plants a cross-tenant read."""

    def __init__(self, style: Style, *, in_path: bool, leak: bool | str, foreign: int) -> None:
        self.style, self.in_path, self.leak, self.foreign = style, in_path, leak, foreign
        self.notes: dict[str, dict[str, Any]] = {}  # id -> note, with its "_org"
        self.counter = itertools.count()
        self.orgs = {org: {"id": org, "name": f"Org {org[-1]}"} for org in KEYS.values()}

    def caller(self, request: Request) -> str | None:
        if self.style == "bearer":
            scheme, _, token = request.headers.get("authorization", "").partition(" ")
            secret = token if scheme == "Bearer" else ""
        elif self.style == "header":
            secret = request.headers.get(API_KEY_HEADER, "")
        else:
            secret = request.cookies.get(COOKIE, "")
        return KEYS.get(secret)

    def scope(self, request: Request) -> tuple[str | None, Response | None]:
        """The org a request acts in, or the problem answering it."""
        org = self.caller(request)
        if org is None:
            return None, _problem(401, "unauthenticated")
        if self.in_path:
            asked = request.path_params["org_id"]
            if self.leak is True and request.method == "GET" and asked in KEYS.values():
                return asked, None  # the planted bug: the path's org is trusted on reads
            if asked != org:  # another tenant's org is answered as one that exists nowhere
                code = "not_found" if self.foreign == 404 else "forbidden"
                return None, _problem(self.foreign, code)
        return org, None

    @staticmethod
    def public(note: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in note.items() if not k.startswith("_")}

    @staticmethod
    async def body(request: Request) -> dict[str, Any] | Response:
        try:
            data: Any = json.loads(await request.body())
        except ValueError:
            return _problem(400, "invalid_request")
        title = data.get("title") if isinstance(data, dict) else None
        if not isinstance(title, str) or not 1 <= len(title) <= 100 or set(data) - {"title"}:
            return _problem(422, "validation_failed")
        return dict(data)

    async def create(self, request: Request) -> Response:
        org, problem = self.scope(request)
        if problem is not None:
            return problem
        data = await self.body(request)
        if isinstance(data, Response):
            return data
        note = {"id": "nte_" + secrets.token_hex(4), "title": data["title"],
                "created_at": datetime.now(UTC).isoformat(), "_org": org,
                "_n": next(self.counter)}  # fmt: skip
        self.notes[note["id"]] = note
        return JSONResponse(self.public(note), 201)

    def find(self, request: Request, org: str | None) -> dict[str, Any] | None:
        note = self.notes.get(request.path_params["note_id"])
        if note is None:
            return None
        if self.leak is True and not self.in_path and request.method == "GET":
            return note  # the planted bug: any tenant's note is read
        return note if note["_org"] == org else None

    async def listing(self, request: Request) -> Response:
        org, problem = self.scope(request)
        if problem is not None:
            return problem
        everyone = self.leak == "list"  # the planted bug: every tenant's notes are listed
        mine = sorted((n for n in self.notes.values() if everyone or n["_org"] == org),
                      key=lambda n: n["_n"])  # fmt: skip
        limit = request.query_params.get("limit", "20")
        if not limit.isdigit() or not 1 <= int(limit) <= 50:
            return _problem(422, "validation_failed")
        cursor = request.query_params.get("cursor", "0")
        if not cursor.isdigit():
            return _problem(400, "invalid_cursor")
        start, size = int(cursor), int(limit)
        more = start + size < len(mine)
        return JSONResponse({"items": [self.public(n) for n in mine[start : start + size]],
                             "next_cursor": str(start + size) if more else None})  # fmt: skip

    async def item(self, request: Request) -> Response:
        org, problem = self.scope(request)
        if problem is not None:
            return problem
        note = self.find(request, org)
        if note is None:
            return _problem(404, "not_found")
        if request.method == "GET":
            return JSONResponse(self.public(note))
        if request.method == "DELETE":
            del self.notes[note["id"]]
            return Response(status_code=204)
        data = await self.body(request)
        if isinstance(data, Response):
            return data
        note["title"] = data["title"]
        return JSONResponse(self.public(note))

    async def org(self, request: Request) -> Response:
        org, problem = self.scope(request)
        if problem is not None or org is None:
            return problem or _problem(404, "not_found")
        if request.method == "PATCH":
            try:
                data: Any = json.loads(await request.body())
            except ValueError:
                return _problem(400, "invalid_request")
            name = data.get("name") if isinstance(data, dict) else None
            if not isinstance(name, str) or not 1 <= len(name) <= 100 or set(data) - {"name"}:
                return _problem(422, "validation_failed")
            self.orgs[org]["name"] = name
        return JSONResponse(self.orgs[org])

    async def catalogue(self, request: Request) -> Response:
        # Public: whatever credentials came with it are noted, never needed.
        self.public_credentials.append(self.caller(request) is not None)
        return JSONResponse({"kinds": ["note"]})

    public_credentials: list[bool]


def app(style: Style, *, in_path: bool, leak: bool | str = False, foreign: int = 404) -> Starlette:
    """A notes server taking ``style`` credentials; ``leak`` plants a cross-tenant read
    (``"list"``: every tenant's notes in every list);
    ``foreign`` is the status of any org id not the caller's (403 is declared nowhere).

    ``app.state.public_credentials`` notes, per request to the public operation, whether a
    tenant's credentials came with it.
    """
    notes = _Notes(style, in_path=in_path, leak=leak, foreign=foreign)
    prefix = "/v1/orgs/{org_id}" if in_path else "/v1"
    server = Starlette(routes=[
        Route(f"{prefix}/notes", notes.create, methods=["POST"]),
        Route(f"{prefix}/notes", notes.listing, methods=["GET"]),
        Route(f"{prefix}/notes/{{note_id}}", notes.item, methods=["GET", "PATCH", "DELETE"]),
        Route("/v1/catalogue", notes.catalogue, methods=["GET"]),
        Route("/v1/orgs/{org_id}", notes.org, methods=["GET", "PATCH"]),
    ])  # fmt: skip
    server.state.public_credentials = notes.public_credentials = []
    return server
