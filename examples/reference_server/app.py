"""The reference server: the example API of ``contracts/``, implemented correctly.

Starlette and SQLite. The contract is loaded once; request bodies are validated with its
models in JSON mode and every response is serialized through its response models. Planted
bugs (``bugs.py``) are switched on per app; with none on, the server follows DESIGN.md.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import logging
import os
import secrets
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

import synth
from synth import ApiSpec
from synth.contract import FieldError

from ._compat import dump_response
from ._cursor import CursorError, CursorSigner, scope_digest
from ._http import (
    RequestIdMiddleware,
    authenticate,
    body_model,
    path_uuid,
    query_filter,
    query_limit,
    request_id,
)
from ._idempotency import fingerprint, run_idempotent, run_unkeyed
from ._limits import Limiter, limited
from ._problems import ApiError, json_response, problem_response
from ._store import Direction, Store, instant_us
from .bugs import parse_bugs

__all__ = ["CONTRACTS_DIR", "DEFAULT_TOKENS", "create_app", "load_spec", "tokens_from_env"]

log = logging.getLogger("reference_server")

CONTRACTS_DIR = Path(__file__).resolve().parents[2] / "contracts"
DEFAULT_TOKENS: Mapping[str, str] = {"token-a": "a", "token-b": "b", "token-c": "c"}
DEFAULT_WORK_DELAY = 0.02
# How long getContact takes with the planted bug slow-operation (its contract's p95 is 200 ms).
_SLOW_SECONDS = 0.25
_OWNER_FIELDS = ("tenant_id", "owner")


async def _stall() -> None:
    """What the planted bug slow-operation adds to getContact (an unindexed lookup, say)."""
    await asyncio.sleep(_SLOW_SECONDS)


@functools.cache
def load_spec(contracts_dir: str = str(CONTRACTS_DIR)) -> ApiSpec:
    """The example API's spec, loaded once per process."""
    return synth.load(contracts_dir)


def tokens_from_env(value: str | None) -> dict[str, str]:
    """``"tokA=tenant_a,tokB=tenant_b"`` as a mapping; the default tokens when unset."""
    if not value:
        return dict(DEFAULT_TOKENS)
    tokens: dict[str, str] = {}
    for item in value.split(","):
        token, sep, tenant = item.strip().partition("=")
        if not sep or not token or not tenant:
            raise ValueError(
                f"REFERENCE_TOKENS item {item!r} is not TOKEN=TENANT; "
                "write REFERENCE_TOKENS='tokenA=tenant_a,tokenB=tenant_b'"
            )
        tokens[token] = tenant
    return tokens


_dump = dump_response


def _etag_of(body: Any, salt: str = "") -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")) + salt
    return '"' + hashlib.sha256(canonical.encode()).hexdigest()[:32] + '"'


def _etag_matches(header: str, etag: str, *, weak: bool) -> bool:
    """RFC 9110 list matching; ``weak`` comparison (If-None-Match) ignores the W/ prefix."""
    for part in header.split(","):
        candidate = part.strip()
        if candidate == "*":
            return True
        if weak and candidate.startswith("W/"):
            candidate = candidate.removeprefix("W/")
        if candidate == etag:
            return True
    return False


Handler = Callable[["Server", Request], Awaitable[Response]]


@dataclass
class Server:
    """Everything a request handler needs: spec, store, cursors, tokens and bug switches."""

    spec: ApiSpec
    store: Store
    signer: CursorSigner
    tokens: Mapping[str, str]
    bugs: frozenset[str]
    work_delay: float

    def bug(self, bug_id: str) -> bool:
        return bug_id in self.bugs

    def tenant(self, request: Request) -> str:
        code = "unauthorized" if self.bug("err-unauthorized-code") else "unauthenticated"
        return authenticate(request, self.tokens, code)

    def idempotency_key(self, request: Request) -> str | None:
        key = request.headers.get("idempotency-key")
        if key is None:
            if self.bug("idem-key-optional"):
                return None
            raise ApiError(
                "idempotency_key_missing", "This operation requires an Idempotency-Key header."
            )
        if not 1 <= len(key) <= (254 if self.bug("idem-key-length-off-by-one") else 255):
            raise ApiError(
                "validation_failed",
                "The Idempotency-Key header must be 1 to 255 characters.",
                errors=[
                    FieldError(loc=["header", "Idempotency-Key"], msg="1 to 255 characters",
                               type="string_too_long" if key else "string_too_short")
                ],
            )  # fmt: skip
        return key

    async def body(self, model: type[BaseModel], request: Request) -> tuple[Any, bytes]:
        raw = await request.body()
        if self.bug("err-unknown-key-ignored"):
            raw = _known_keys_only(model, raw)
        try:
            return body_model(model, raw, errors_list=not self.bug("err-validation-no-errors")), raw
        except ApiError as exc:
            if exc.code == "invalid_request" and self.bug("err-bad-request"):
                raise ApiError("bad_request", exc.detail) from exc
            raise

    async def idempotent(
        self,
        request: Request,
        tenant: str,
        key: str | None,
        raw: bytes,
        work: Callable[[], Response],
    ) -> Response:
        if key is None:
            return await run_unkeyed(work, delay=self.work_delay)
        fp = fingerprint(request.method, request.url.path, raw)
        return await run_idempotent(
            self.store, tenant, key, fp, work, delay=self.work_delay, bugs=self.bugs
        )

    # -- serialization ----------------------------------------------------------------------

    def contact_json(self, row: Mapping[str, Any]) -> Any:
        tags = row["tags"]
        return _dump(
            self.spec.operation("getContact").response or BaseModel,
            {
                "id": row["id"],
                "name": row["name"],
                "email": row["email"],
                "phone": row["phone"],
                "tags": json.loads(tags) if isinstance(tags, str) else tags,
                "created_at": row["created_at"],
                "updated_at": row["updated_at"],
            },
        )

    @staticmethod
    def interaction_json(row: Mapping[str, Any]) -> Any:
        keys = ("id", "contact_id", "type", "occurred_at", "summary", "created_at")
        return {key: row[key] for key in keys}

    @staticmethod
    def job_json(row: Mapping[str, Any]) -> Any:
        keys = ("id", "kind", "status", "attempts", "max_attempts", "last_error")
        return {**{key: row[key] for key in keys}, **_times(row)}

    def etag(self, request: Request, body: Any) -> str:
        salt = request_id(request) if self.bug("cache-etag-per-read") else ""
        return _etag_of(body, salt)

    # -- pages ------------------------------------------------------------------------------

    def page(
        self,
        request: Request,
        tenant: str,
        operation_id: str,
        *,
        table: str,
        sort: str,
        where: list[tuple[str, tuple[Any, ...]]],
        scope: dict[str, Any],
        serialize: Callable[[Mapping[str, Any]], Any],
        primary: Direction = "desc",
        tiebreak: Direction = "desc",
    ) -> Response:
        op = self.spec.operation(operation_id)
        pagination = op.pagination
        assert pagination is not None
        assert op.response is not None
        rules = pagination.limit
        high = None if self.bug("page-limit-unbounded") else rules.max
        default = rules.max if self.bug("page-default-limit") else rules.default
        limit = query_limit(request, pagination.limit_param, default, rules.min, high)
        cursor = request.query_params.get(pagination.cursor_param)
        digest = scope_digest(tenant, {"op": operation_id, **scope})
        after, offset = self._position(cursor, digest, pagination.cursor_param)

        fetch = limit if self.bug("page-end-cursor") else limit + 1
        rows = self.store.page(
            table, sort, where, after=after, offset=offset, count=fetch,
            primary=primary, tiebreak=tiebreak,
        )  # fmt: skip
        if self.bug("page-end-cursor"):
            items, more, last = rows, len(rows) == limit, rows[-1] if rows else None
        elif self.bug("page-overfull") or (self.bug("page-overflow-at-max") and limit == rules.max):
            items, more, last = rows, len(rows) > limit, rows[-1] if rows else None
        else:
            items, more = rows[:limit], len(rows) > limit
            last = rows[limit] if more and self.bug("page-skip-boundary") else (
                items[-1] if items else None
            )  # fmt: skip
        next_cursor = None
        if more and last is not None:
            if offset is not None:
                next_cursor = self.signer.mint(digest, [offset + len(items)])
            else:
                next_cursor = self._mint(digest, [last[sort], last["id"]])
        page = {"items": [serialize(row) for row in items], "next_cursor": next_cursor}
        return json_response(_dump(op.response, page), 200)

    def _mint(self, digest: str, position: list[Any]) -> str:
        if self.bug("page-cursor-500") or self.bug("page-cursor-unsigned"):
            return self.signer.mint_unsigned(position)
        return self.signer.mint(digest, position)

    def _position(
        self, cursor: str | None, digest: str, param: str
    ) -> tuple[tuple[int, str] | None, int | None]:
        """(keyset position, offset) from the cursor; offset only with page-offset."""
        offset_mode = self.bug("page-offset")
        if cursor is None:
            return None, (0 if offset_mode else None)
        if cursor == "":
            raise ApiError(
                "validation_failed",
                "The cursor must not be empty.",
                errors=[FieldError(loc=["query", param], type="string_too_short",
                                   msg="String should have at least 1 character")],
            )  # fmt: skip
        if self.bug("page-cursor-500"):
            position = CursorSigner.read_unsigned(cursor)  # raises on garbage: a 500
        else:
            try:
                if self.bug("page-cursor-unsigned"):
                    position = CursorSigner.read_unsigned(cursor)
                else:
                    position = self.signer.verify(cursor, digest)
            except (CursorError, ValueError, TypeError) as exc:
                raise ApiError("invalid_cursor", "The cursor is not valid for this list.") from exc
        if offset_mode:
            if len(position) == 1 and type(position[0]) is int and position[0] >= 0:
                return None, position[0]
        elif len(position) == 2 and type(position[0]) is int and isinstance(position[1], str):
            return (position[0], position[1]), None
        if self.bug("page-cursor-500"):
            raise TypeError("cursor position has the wrong shape")
        raise ApiError("invalid_cursor", "The cursor is not valid for this list.")


def _times(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"created_at": row["created_at"], "updated_at": row["updated_at"]}


def _not_found(what: str) -> ApiError:
    return ApiError("not_found", f"No such {what} in your tenant.")


def _field_is(raw: bytes, name: str, value: Any) -> bool:
    """Whether the JSON body ``raw`` is an object whose ``name`` is exactly ``value``."""
    try:
        data = json.loads(raw)
    except ValueError:
        return False
    held = data.get(name) if isinstance(data, dict) else None
    return type(held) is type(value) and held == value


def _new_id() -> str:
    return str(uuid.uuid4())


# -- contacts ---------------------------------------------------------------------------------


async def create_contact(server: Server, request: Request) -> Response:
    tenant = server.tenant(request)
    key = server.idempotency_key(request)
    op = server.spec.operation("createContact")
    assert op.body is not None
    raw = await request.body()
    owner = tenant
    validated_raw = raw
    if server.bug("ten-assign-owner"):
        validated_raw, smuggled = _pop_owner(raw)
        owner = smuggled or tenant
    if server.bug("err-unknown-key-ignored"):
        validated_raw = _known_keys_only(op.body, validated_raw)
    try:
        body = body_model(
            op.body, validated_raw, errors_list=not server.bug("err-validation-no-errors")
        )
    except ApiError as exc:
        if exc.code == "invalid_request" and server.bug("err-bad-request"):
            raise ApiError("bad_request", exc.detail) from exc
        raise
    fields = body.model_dump(mode="json")

    def work() -> Response:
        email = fields["email"]
        scope = None if server.bug("ten-email-global") else owner
        if email is not None and server.store.email_owner(email, scope):
            raise ApiError("email_taken", "Another contact in your tenant has this email.")
        stamp, us = server.store.now()
        name = fields["name"]
        if server.bug("val-truncate-at-bound"):
            name = name[:199]  # a column one character narrower than the declared 200
        row = {
            "id": _new_id(), "tenant": owner, "name": name, "email": email,
            "phone": fields["phone"], "tags": fields["tags"], "created_at": stamp,
            "created_us": us, "updated_at": stamp,
        }  # fmt: skip
        server.store.insert_contact(row)
        headers = {} if server.bug("location-missing") else {
            "Location": f"{server.spec.base_path}/contacts/{row['id']}"
        }  # fmt: skip
        return json_response(server.contact_json(row), op.status, headers)

    return await server.idempotent(request, tenant, key, raw, work)


def _pop_owner(raw: bytes) -> tuple[bytes, str | None]:
    """ten-assign-owner: take an owner field out of the body and honour it."""
    try:
        data = json.loads(raw)
    except ValueError:
        return raw, None
    if not isinstance(data, dict):
        return raw, None
    owner = None
    for name in _OWNER_FIELDS:
        value = data.pop(name, None)
        if isinstance(value, str) and value:
            owner = value
    return json.dumps(data).encode(), owner


async def list_contacts(server: Server, request: Request) -> Response:
    tenant = server.tenant(request)
    op = server.spec.operation("listContacts")
    params = {p.name: p for p in op.params}
    tag = query_filter(request, params["tag"])
    q = query_filter(request, params["q"])
    where: list[tuple[str, tuple[Any, ...]]] = []
    if not (tag is not None and server.bug("ten-list-tag")):
        where.append(("tenant = ?", (tenant,)))
    if tag is not None:
        where.append(
            ("EXISTS (SELECT 1 FROM json_each(contacts.tags) AS t WHERE t.value = ?)", (tag,))
        )
    if q is not None:
        clause = (
            "instr(name, ?) > 0" if server.bug("page-q-case-sensitive") else "icontains(name, ?)"
        )
        where.append((clause, (q,)))
    return server.page(
        request, tenant, "listContacts", table="contacts", sort="created_us", where=where,
        scope={"tag": tag, "q": q}, serialize=server.contact_json,
    )  # fmt: skip


async def get_contact(server: Server, request: Request) -> Response:
    if server.bug("slow-operation"):
        await _stall()
    tenant = server.tenant(request)
    contact_id = path_uuid(request, "contact_id")
    row = server.store.contact(contact_id, None if server.bug("ten-read-leak") else tenant)
    if row is None:
        if server.bug("ten-read-403") and server.store.contact(contact_id, None) is not None:
            raise ApiError("forbidden", "This contact belongs to another tenant.")
        if server.bug("err-plain-404"):
            return PlainTextResponse("Not Found", status_code=404)
        raise _not_found("contact")
    body = server.contact_json(row)
    etag = server.etag(request, body)
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None and _etag_matches(if_none_match, etag, weak=True):
        return Response(status_code=304, headers={"ETag": etag})
    return json_response(body, 200, {"ETag": etag})


async def update_contact(server: Server, request: Request) -> Response:
    tenant = server.tenant(request)
    contact_id = path_uuid(request, "contact_id")
    op = server.spec.operation("updateContact")
    assert op.body is not None
    body, _ = await server.body(op.body, request)
    lookup = None if server.bug("ten-write-unscoped") else tenant
    row = server.store.contact(contact_id, lookup)
    if row is None:
        raise _not_found("contact")
    if_match = request.headers.get("if-match")
    current = _etag_of(server.contact_json(row))
    if if_match is not None and not _etag_matches(if_match, current, weak=False):
        raise ApiError("precondition_failed", "The contact changed since you read it.")
    changes = body.model_dump(mode="json", include=body.model_fields_set)
    if server.bug("patch-absent-as-null"):
        changes = {"email": None, "phone": None, **changes}
    email = changes.get("email")
    if email is not None:
        scope = None if server.bug("ten-email-global") else row["tenant"]
        if server.store.email_owner(email, scope, exclude=contact_id):
            raise ApiError("email_taken", "Another contact in your tenant has this email.")
    changes["updated_at"], _ = server.store.now()
    server.store.update_contact(contact_id, changes)
    updated = server.store.contact(contact_id, None)
    assert updated is not None
    result = server.contact_json(updated)
    return json_response(result, 200, {"ETag": _etag_of(result)})


async def delete_contact(server: Server, request: Request) -> Response:
    tenant = server.tenant(request)
    contact_id = path_uuid(request, "contact_id")
    lookup = None if server.bug("ten-write-unscoped") else tenant
    if server.store.contact(contact_id, lookup) is None:
        raise _not_found("contact")
    server.store.delete_contact(contact_id)
    return Response(status_code=204)


# -- interactions -----------------------------------------------------------------------------


async def create_interaction(server: Server, request: Request) -> Response:
    tenant = server.tenant(request)
    contact_id = path_uuid(request, "contact_id")
    key = server.idempotency_key(request)
    op = server.spec.operation("createInteraction")
    assert op.body is not None
    assert op.response is not None
    body, raw = await server.body(op.body, request)
    fields = body.model_dump(mode="json")
    occurred = instant_us(body.occurred_at)
    response_model = op.response

    def work() -> Response:
        lookup = None if server.bug("ten-child-unscoped") else tenant
        if server.store.contact(contact_id, lookup) is None:
            raise _not_found("contact")
        stamp, _ = server.store.now()
        row = {
            "id": _new_id(), "tenant": tenant, "contact_id": contact_id, "type": fields["type"],
            "occurred_at": fields["occurred_at"], "occurred_us": occurred,
            "summary": fields["summary"], "created_at": stamp,
        }  # fmt: skip
        server.store.insert_interaction(row)
        return json_response(_dump(response_model, server.interaction_json(row)), op.status)

    return await server.idempotent(request, tenant, key, raw, work)


async def list_interactions(server: Server, request: Request) -> Response:
    tenant = server.tenant(request)
    contact_id = path_uuid(request, "contact_id")
    op = server.spec.operation("listInteractions")
    type_ = query_filter(request, next(p for p in op.params if p.name == "type"))
    if server.store.contact(contact_id, tenant) is None:
        raise _not_found("contact")
    where: list[tuple[str, tuple[Any, ...]]] = [
        ("contact_id = ?", (contact_id,)),
        ("tenant = ?", (tenant,)),
    ]
    if type_ is not None:
        where.append(("type = ?", (type_,)))
    return server.page(
        request, tenant, "listInteractions", table="interactions", sort="occurred_us",
        where=where, scope={"contact_id": contact_id, "type": type_},
        serialize=server.interaction_json,
        tiebreak="asc" if server.bug("page-tiebreak-asc") else "desc",
    )  # fmt: skip


# -- jobs -------------------------------------------------------------------------------------


async def create_job(server: Server, request: Request) -> Response:
    tenant = server.tenant(request)
    key = server.idempotency_key(request)
    op = server.spec.operation("createJob")
    assert op.body is not None
    assert op.response is not None
    raw = await request.body()
    # The planted off-by-one: max_attempts is checked against 11, not the declared 10.
    past = server.bug("val-bound-off-by-one") and _field_is(raw, "max_attempts", 11)
    if past:
        body = body_model(op.body, json.dumps({**json.loads(raw), "max_attempts": 10}).encode())
    else:
        body, raw = await server.body(op.body, request)
    fields = {**body.model_dump(mode="json"), **({"max_attempts": 11} if past else {})}
    response_model = op.response

    def work() -> Response:
        stamp, us = server.store.now()
        row = {
            "id": _new_id(), "tenant": tenant, "kind": fields["kind"], "status": "queued",
            "attempts": 0, "max_attempts": fields["max_attempts"], "last_error": None,
            "created_at": stamp, "created_us": us, "updated_at": stamp,
        }  # fmt: skip
        server.store.insert_job(row)
        if past:  # its own response model would refuse what it stored
            return json_response(server.job_json(row), op.status)
        return json_response(_dump(response_model, server.job_json(row)), op.status)

    return await server.idempotent(request, tenant, key, raw, work)


async def list_jobs(server: Server, request: Request) -> Response:
    tenant = server.tenant(request)
    op = server.spec.operation("listJobs")
    status = query_filter(request, next(p for p in op.params if p.name == "status"))
    where: list[tuple[str, tuple[Any, ...]]] = [("tenant = ?", (tenant,))]
    if status is not None:
        where.append(("status = ?", (status,)))
    direction: Direction = "asc" if server.bug("page-jobs-oldest-first") else "desc"
    return server.page(
        request, tenant, "listJobs", table="jobs", sort="created_us", where=where,
        scope={"status": status}, serialize=server.job_json,
        primary=direction, tiebreak=direction,
    )  # fmt: skip


async def get_job(server: Server, request: Request) -> Response:
    tenant = server.tenant(request)
    job_id = path_uuid(request, "job_id")
    row = server.store.job(job_id, tenant)
    if row is None:
        raise _not_found("job")
    op = server.spec.operation("getJob")
    assert op.response is not None
    return json_response(_dump(op.response, server.job_json(row)), 200)


HANDLERS: dict[str, Handler] = {
    "createContact": create_contact,
    "listContacts": list_contacts,
    "getContact": get_contact,
    "updateContact": update_contact,
    "deleteContact": delete_contact,
    "createInteraction": create_interaction,
    "listInteractions": list_interactions,
    "createJob": create_job,
    "listJobs": list_jobs,
    "getJob": get_job,
}


# -- the application --------------------------------------------------------------------------


def _dispatcher(server: Server, methods: dict[str, Handler]) -> ASGIApp:
    """One ASGI app per path, so every method reaches it and a 405 lists the path's methods."""
    allow = ", ".join(sorted(methods))

    async def endpoint(request: Request) -> Response:
        rid = request_id(request)
        handler = methods.get(request.method)
        if handler is None and request.method == "HEAD":
            handler = methods.get("GET")
        try:
            if handler is None:
                raise ApiError(
                    "method_not_allowed",
                    f"{request.method} is not supported here; use {allow}.",
                    headers={"Allow": allow},
                )
            return await handler(server, request)
        except ApiError as exc:
            # Planted bug: the authentication layer's problems are built without the id.
            lost = server.bug("problem-without-request-id") and exc.code in _AUTH_CODES
            return problem_response(server.spec, exc, rid, with_id=not lost)
        except Exception:
            log.exception("request %s failed", rid)
            return problem_response(
                server.spec, ApiError("internal_error", "The server failed."), rid
            )

    return _PathApp(endpoint)


class _PathApp:
    """A raw ASGI endpoint: Starlette routes every method to it (a function gets GET only)."""

    def __init__(self, endpoint: Callable[[Request], Awaitable[Response]]) -> None:
        self.endpoint = endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self.endpoint(Request(scope, receive))
        await response(scope, receive, send)


_AUTH_CODES = ("unauthenticated", "unauthorized")


def _request_ids(spec: ApiSpec, server: Server) -> Middleware:
    """The request id middleware as the contract declares it (its header and pattern)."""
    rid = spec.request_id
    options: dict[str, Any] = {"echo": not server.bug("request-id-not-echoed")}
    if rid is not None:
        options |= {"header": rid.header, "pattern": rid.pattern}
    return Middleware(RequestIdMiddleware, **options)


def create_app(
    bugs: frozenset[str] | str | None = frozenset(),
    db_path: str = ":memory:",
    tokens: Mapping[str, str] | None = None,
    work_delay: float = DEFAULT_WORK_DELAY,
    *,
    cursor_secret: bytes | None = None,
    contracts_dir: str | None = None,
) -> Starlette:
    """The reference server as an ASGI app; ``bugs`` lists planted-bug switches to turn on."""
    spec = load_spec(contracts_dir or str(CONTRACTS_DIR))
    missing = sorted(set(HANDLERS) ^ {op.operation_id for op in spec.operations})
    if missing:
        raise RuntimeError(f"handlers and contract disagree on operations: {missing}")
    server = Server(
        spec=spec,
        store=Store(db_path),
        signer=CursorSigner(cursor_secret or secrets.token_bytes(32)),
        tokens=dict(tokens if tokens is not None else DEFAULT_TOKENS),
        bugs=parse_bugs(bugs),
        work_delay=work_delay,
    )
    by_path: dict[str, dict[str, Handler]] = {}
    limiter = Limiter(server.bugs)
    for op in spec.operations:
        handler = HANDLERS[op.operation_id]
        if op.rate_limit is not None:
            handler = limited(handler, op, limiter)
        by_path.setdefault(spec.base_path + op.path, {})[op.method.upper()] = handler
    routes = [Route(path, _dispatcher(server, methods)) for path, methods in by_path.items()]

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 405:
            error = ApiError("method_not_allowed", "Method not allowed.", headers=exc.headers)
        else:
            error = ApiError("not_found", "No such resource.")
        return problem_response(spec, error, request_id(request))

    app = Starlette(
        routes=routes,
        middleware=[_request_ids(spec, server)],
        exception_handlers={HTTPException: http_error},
    )
    app.router.redirect_slashes = False
    app.state.server = server
    return app


def app_from_env() -> Starlette:
    """``create_app`` configured from REFERENCE_BUGS, REFERENCE_TOKENS, REFERENCE_WORK_DELAY."""
    return create_app(
        bugs=os.environ.get("REFERENCE_BUGS", ""),
        db_path=os.environ.get("REFERENCE_DB", ":memory:"),
        tokens=tokens_from_env(os.environ.get("REFERENCE_TOKENS")),
        work_delay=float(os.environ.get("REFERENCE_WORK_DELAY", DEFAULT_WORK_DELAY)),
    )


def _known_keys_only(model: type[BaseModel], raw: bytes) -> bytes:
    """The JSON body without the keys ``model`` does not declare (planted bug
    ``err-unknown-key-ignored``); a body that is not a JSON object as it was."""
    try:
        value = json.loads(raw)
    except ValueError:
        return raw
    if not isinstance(value, dict):
        return raw
    known = {field.alias or name for name, field in model.model_fields.items()}
    return json.dumps({k: v for k, v in value.items() if k in known}).encode()
