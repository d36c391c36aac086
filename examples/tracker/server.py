"""In-memory issue tracker implementing examples/tracker/contracts.

Run: python -m examples.tracker.server --port 8765   (tokens in examples/tracker/README.md)
Planted bugs (examples/tracker/example.py): --bug ID, repeatable; the correct server has none.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import binascii
import contextvars
import hashlib
import hmac
import json
import re
import secrets
import string
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from examples.tracker.contracts.models import (
    ActivityCreate,
    ProjectCreate,
    ProjectUpdate,
    TaskCreate,
)
from examples.tracker.example import BUGS

BASE = "/v1"
VERSION = "1.0.0"
TOKENS = {"tok_acme_0123456789": "acme", "tok_globex_9876543210": "globex"}
PROJECT_ID_CHARS = string.ascii_lowercase + string.digits  # also the activity ids' alphabet
TITLES = {
    "unauthenticated": "Unauthenticated",
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
    "project_key_taken": "Project key taken",
    "task_already_done": "Task already done",
}


# The correlation id (contracts/api.py's RequestId): a lower-case UUID, else one made here.
CORRELATION_HEADER = "x-correlation-id"
CORRELATION_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_correlation: contextvars.ContextVar[str] = contextvars.ContextVar("correlation", default="")


class CorrelationIds:
    """Takes the client's correlation id when it is one (else makes one) and echoes it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(CORRELATION_HEADER.encode(), b"").decode("latin-1")
        # Planted bug corr-id-unchecked: whatever the client sent is taken as the id.
        taken = CORRELATION_ID.fullmatch(given) or ("corr-id-unchecked" in STORE.bugs and given)
        _correlation.set(given if taken else str(uuid.uuid4()))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() != CORRELATION_HEADER.encode()]  # fmt: skip
                headers.append((CORRELATION_HEADER.encode(), _correlation.get().encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_id)


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

    def response(self) -> Response:
        body: dict[str, Any] = {
            "type": f"about:blank#{self.code}",
            "title": TITLES.get(self.code, self.code),
            "status": self.status,
            "code": self.code,
            "instance": f"urn:uuid:{uuid.uuid4()}",
            "correlation_id": _correlation.get() or str(uuid.uuid4()),
        }
        if self.detail:
            body["detail"] = self.detail
        if self.errors is not None:
            body["errors"] = self.errors
        headers = {"WWW-Authenticate": "Bearer"} if self.status == 401 else {}
        return Response(
            json.dumps(body), self.status, headers, media_type="application/problem+json"
        )


# ---------------------------------------------------------------- storage


@dataclass
class ProjectRow:
    tenant: str
    id: str
    key: str
    name: str
    description: str
    created_at: datetime
    updated_at: datetime
    next_task: int = 1

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "key": self.key,
            "name": self.name,
            "description": self.description,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
        }


@dataclass
class TaskRow:
    project_id: str
    number: int
    title: str
    priority: str
    status: str
    created_at: datetime
    completed_at: datetime | None = None

    def json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "project_id": self.project_id,
            "title": self.title,
            "priority": self.priority,
            "status": self.status,
            "created_at": iso(self.created_at),
            "completed_at": iso(self.completed_at) if self.completed_at else None,
        }


@dataclass
class ActivityRow:
    """An entry of an organisation's activity feed: a note, or a line written by a task
    operation (createTask, completeTask), which the contract does not tell clients."""

    tenant: str
    id: str
    kind: str
    message: str
    created_at: datetime

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "message": self.message,
            "created_at": iso(self.created_at),
        }


@dataclass
class IdemRecord:
    fingerprint: str
    done: bool = False
    status: int = 0
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    media_type: str = "application/json"


_EPOCH = datetime.min.replace(tzinfo=UTC)


@dataclass
class Store:
    projects: dict[str, ProjectRow] = field(default_factory=dict)
    tasks: dict[tuple[str, int], TaskRow] = field(default_factory=dict)
    activity: dict[str, ActivityRow] = field(default_factory=dict)
    # Keyed by tenant, collection ("projects", "activity") and Idempotency-Key.
    idem: dict[tuple[str, str, str], IdemRecord] = field(default_factory=dict)
    last_time: datetime = _EPOCH
    # Project keys unique per tenant (409 project_key_taken); --no-unique-keys turns it off.
    unique_keys: bool = True
    # The planted bugs switched on (ids of examples/tracker/example.py's BUGS); none by default.
    bugs: frozenset[str] = frozenset()

    def now(self) -> datetime:
        """Strictly increasing timestamps (microsecond resolution)."""
        t = datetime.now(UTC)
        if t <= self.last_time:
            t = self.last_time + timedelta(microseconds=1)
        self.last_time = t
        return t


STORE = Store()


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def etag_of(obj: dict[str, Any]) -> str:
    return '"' + hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()[:32] + '"'


def project_etag(row: ProjectRow) -> str:
    if "cache-etag-static" in STORE.bugs:
        return etag_of({"id": row.id, "created_at": iso(row.created_at)})
    return etag_of(row.json())


def json_response(obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(obj), status, headers or {}, media_type="application/json")


# ---------------------------------------------------------------- request helpers


def tenant_of(request: Request) -> str:
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    if scheme.lower() != "bearer" or token.strip() not in TOKENS:
        raise Problem(401, "unauthenticated", "Send Authorization: Bearer <token>.")
    return TOKENS[token.strip()]


def field_errors(exc: ValidationError, prefix: list[str | int]) -> list[dict[str, Any]]:
    return [
        {
            "loc": prefix + [str(x) if not isinstance(x, int) else x for x in e["loc"]],
            "msg": e["msg"],
            "type": e["type"],
        }
        for e in exc.errors()
    ]


def prefixed_id_param(request: Request, name: str, prefix: str) -> str:
    """The path parameter ``name``: ``prefix`` and 12 lowercase alphanumerics, else a 422."""
    value: str = request.path_params[name]
    if not (
        len(value) == len(prefix) + 12
        and value.startswith(prefix)
        and all(c in PROJECT_ID_CHARS for c in value[len(prefix) :])
    ):
        raise Problem(
            422,
            "validation_failed",
            f"{name} must be {prefix} and 12 lowercase alphanumerics.",
            [
                {
                    "loc": ["path", name],
                    "msg": f"String should match pattern '^{prefix}[a-z0-9]{{12}}$'",
                    "type": "string_pattern_mismatch",
                }
            ],
        )
    return value


def project_id_param(request: Request) -> str:
    return prefixed_id_param(request, "project_id", "prj_")


def task_number_param(request: Request) -> int:
    raw = request.path_params["task_number"]
    if "err-task-number-500" in STORE.bugs:
        return int(raw)
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        raise Problem(
            422,
            "validation_failed",
            "task_number must be an integer >= 1.",
            [
                {
                    "loc": ["path", "task_number"],
                    "msg": "Input should be an integer >= 1",
                    "type": "int_parsing",
                }
            ],
        )
    return int(raw)


class PlainNotFound(Exception):
    """A 404 answered as text/plain (the planted bug err-plain-404)."""


def own_project(tenant: str, project_id: str) -> ProjectRow:
    row = STORE.projects.get(project_id)
    if row is None and "err-plain-404" in STORE.bugs:
        raise PlainNotFound
    if row is None or row.tenant != tenant:
        raise Problem(404, "not_found", "No such project.")
    return row


async def parse_body(request: Request, model: type[BaseModel]) -> Any:
    raw = await request.body()
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        code = "bad_request" if "err-bad-json-code" in STORE.bugs else "invalid_request"
        raise Problem(400, code, "The body is not valid JSON.") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise Problem(
            422,
            "validation_failed",
            "The body does not match the contract.",
            field_errors(exc, ["body"]),
        ) from None


def page_params(
    request: Request, allowed: dict[str, tuple[str, ...]]
) -> tuple[int, str | None, dict[str, str]]:
    q = request.query_params
    errors: list[dict[str, Any]] = []
    limit = 20
    if "limit" in q:
        raw = q["limit"]
        if (
            raw.lstrip("-").isascii()
            and raw.lstrip("-").isdigit()
            and raw.count("-") <= 1
            and not raw.endswith("-")
        ):
            limit = int(raw)
            top = limit if "page-limit-unbounded" in STORE.bugs else 100
            if not 1 <= limit <= top:
                errors.append(
                    {
                        "loc": ["query", "limit"],
                        "msg": "limit must be between 1 and 100",
                        "type": "range",
                    }
                )
        else:
            errors.append(
                {
                    "loc": ["query", "limit"],
                    "msg": "limit must be an integer",
                    "type": "int_parsing",
                }
            )
    filters: dict[str, str] = {}
    for name, values in allowed.items():
        if name in q:
            if q[name] not in values:
                errors.append(
                    {
                        "loc": ["query", name],
                        "msg": f"{name} must be one of {', '.join(values)}",
                        "type": "enum",
                    }
                )
            else:
                filters[name] = q[name]
    if errors:
        raise Problem(422, "validation_failed", "Invalid query parameters.", errors)
    return limit, q.get("cursor"), filters


# Cursors are signed: a client may not move its position by editing one (PAGE-CURSOR wants a
# tampered cursor refused as invalid_cursor, not honoured as another position).
CURSOR_KEY = secrets.token_bytes(32)


def _cursor_mac(token: str) -> str:
    return hmac.new(CURSOR_KEY, token.encode(), hashlib.sha256).hexdigest()[:16]


def encode_cursor(payload: dict[str, Any]) -> str:
    token = (
        base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode())
        .decode()
        .rstrip("=")
    )
    return f"{token}.{_cursor_mac(token)}"


def decode_cursor(cursor: str, scope: str) -> dict[str, Any]:
    try:
        token, _, mac = cursor.partition(".")
        signed = hmac.compare_digest(mac.encode(), _cursor_mac(token).encode())
        if not signed and "page-cursor-unsigned" not in STORE.bugs:
            raise ValueError
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if not isinstance(data, dict) or data.get("s") != scope:
            raise ValueError
        return data
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise Problem(
            400, "invalid_cursor", "The cursor is malformed or belongs to another list."
        ) from None


def if_none_match_hits(request: Request, etag: str) -> bool:
    header = request.headers.get("if-none-match")
    if header is None:
        return False
    tags = [t.strip() for t in header.split(",")]
    return "*" in tags or etag in tags or f"W/{etag}" in tags


# ---------------------------------------------------------------- operations


async def get_health(request: Request) -> Response:
    return json_response({"status": "ok", "version": VERSION})


async def create_project(request: Request) -> Response:
    tenant = tenant_of(request)
    return await idempotent(request, tenant, "projects", _create_project)


async def idempotent(
    request: Request,
    tenant: str,
    collection: str,
    create: Callable[[Request, str], Awaitable[Response]],
) -> Response:
    """``create`` under the request's Idempotency-Key (required): a retry with the same body
    replays the first answer, another body is 422, a retry while the first runs is 409."""
    key = request.headers.get("idempotency-key")
    if not key:
        raise Problem(
            400,
            "idempotency_key_missing",
            f"POST /{collection} requires an Idempotency-Key header.",
        )
    # The planted idempotency bugs are createProject's.
    bugs = STORE.bugs if collection == "projects" else frozenset()
    raw = await request.body()
    try:
        fingerprint = "json:" + json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":"))
    except (ValueError, UnicodeDecodeError):
        fingerprint = "raw:" + hashlib.sha256(raw).hexdigest()
    scope = (tenant, collection, key)
    record = STORE.idem.get(scope)
    if record is not None and record.done and "idem-replay-creates" in bugs:
        record = None
    if record is not None:
        if record.fingerprint != fingerprint and "idem-ignore-body" not in bugs:
            raise Problem(
                422,
                "idempotency_key_reused",
                "This Idempotency-Key was used with a different body.",
            )
        if not record.done:
            raise Problem(
                409,
                "idempotency_key_in_use",
                "A request with this Idempotency-Key is still running.",
            )
        return Response(
            record.body,
            record.status,
            {**record.headers, "Idempotent-Replayed": "true"},
            media_type=record.media_type,
        )
    record = IdemRecord(fingerprint)
    STORE.idem[scope] = record
    try:
        await asyncio.sleep(
            0.02
        )  # the work takes a moment: concurrent duplicates see the key in use
        response = await create(request, tenant)
    except Problem as problem:
        response = problem.response()
    except Exception:
        del STORE.idem[scope]
        raise
    if response.status_code >= 500:
        del STORE.idem[scope]
        return response
    record.done, record.status, record.body = True, response.status_code, bytes(response.body)
    record.media_type = response.media_type or "application/json"
    record.headers = {
        k: v for k, v in response.headers.items() if k.lower() in ("etag", "location")
    }
    return response


async def _create_project(request: Request, tenant: str) -> Response:
    body: ProjectCreate = await parse_body(request, ProjectCreate)
    every = "ten-project-key-global" in STORE.bugs
    if STORE.unique_keys and any(
        (every or p.tenant == tenant) and p.key == body.key for p in STORE.projects.values()
    ):
        raise Problem(409, "project_key_taken", f"You already have a project with key {body.key}.")
    while True:
        pid = "prj_" + "".join(secrets.choice(PROJECT_ID_CHARS) for _ in range(12))
        if pid not in STORE.projects:
            break
    now = STORE.now()
    row = ProjectRow(tenant, pid, body.key, body.name, body.description, now, now)
    STORE.projects[pid] = row
    return json_response(
        row.json(), 201, {"ETag": project_etag(row), "Location": f"{BASE}/projects/{pid}"}
    )


async def list_projects(request: Request) -> Response:
    tenant = tenant_of(request)
    limit, cursor, _ = page_params(request, {})
    scope = f"projects:{tenant}"
    everyone = "ten-projects-list-all" in STORE.bugs
    rows = sorted(
        (p for p in STORE.projects.values() if everyone or p.tenant == tenant), key=lambda p: p.id
    )
    rows.sort(
        key=lambda p: p.created_at, reverse="page-projects-oldest-first" not in STORE.bugs
    )  # -created_at, then id ascending (stable sort)
    if cursor is not None:
        c = decode_cursor(cursor, scope)
        try:
            after_t, after_id = datetime.fromisoformat(c["t"]), str(c["i"])
        except (KeyError, ValueError, TypeError):
            raise Problem(400, "invalid_cursor", "The cursor is malformed.") from None
        if "page-projects-oldest-first" in STORE.bugs:
            rows = [p for p in rows if (p.created_at, p.id) > (after_t, after_id)]
        else:
            rows = [
                p
                for p in rows
                if p.created_at < after_t or (p.created_at == after_t and p.id > after_id)
            ]
    page = rows[: limit + 1]
    more = len(page) > limit
    page = page[:limit]
    next_cursor = (
        encode_cursor({"s": scope, "t": page[-1].created_at.isoformat(), "i": page[-1].id})
        if more
        else None
    )
    return json_response({"items": [p.json() for p in page], "next_cursor": next_cursor})


async def get_project(request: Request) -> Response:
    tenant = tenant_of(request)
    row = own_project(tenant, project_id_param(request))
    data = row.json()
    etag = project_etag(row)
    if if_none_match_hits(request, etag):
        return Response(status_code=304, headers={"ETag": etag})
    return json_response(data, 200, {"ETag": etag})


async def update_project(request: Request) -> Response:
    tenant = tenant_of(request)
    row = own_project(tenant, project_id_param(request))
    if_match = request.headers.get("if-match")
    if if_match is None:
        raise Problem(
            428,
            "precondition_required",
            "PUT /projects/{project_id} requires If-Match with the ETag.",
        )
    body: ProjectUpdate = await parse_body(request, ProjectUpdate)
    current = project_etag(row)
    tags = [t.strip() for t in if_match.split(",")]
    if "*" not in tags and current not in tags:
        raise Problem(
            412, "precondition_failed", "The project changed since you read it; GET it again."
        )
    row.name, row.description, row.updated_at = body.name, body.description, STORE.now()
    return json_response(row.json(), 200, {"ETag": project_etag(row)})


async def create_task(request: Request) -> Response:
    tenant = tenant_of(request)
    project = own_project(tenant, project_id_param(request))
    body: TaskCreate = await parse_body(request, TaskCreate)
    number = project.next_task
    project.next_task += 1
    row = TaskRow(project.id, number, body.title, body.priority, "open", STORE.now())
    STORE.tasks[(project.id, number)] = row
    add_activity(tenant, "task_created", f"{project.key}-{number} created: {row.title}")
    data = row.json()
    return json_response(
        data,
        201,
        {"ETag": etag_of(data), "Location": f"{BASE}/projects/{project.id}/tasks/{number}"},
    )


async def list_tasks(request: Request) -> Response:
    tenant = tenant_of(request)
    project = own_project(tenant, project_id_param(request))
    limit, cursor, filters = page_params(
        request, {"status": ("open", "done"), "priority": ("low", "normal", "high")}
    )
    scope = f"tasks:{project.id}"
    rows = sorted(
        (t for t in STORE.tasks.values() if t.project_id == project.id), key=lambda t: t.number
    )
    rows = [t for t in rows if all(getattr(t, k) == v for k, v in filters.items())]
    if cursor is not None:
        c = decode_cursor(cursor, scope)
        after = c.get("n")
        if not isinstance(after, int) or isinstance(after, bool):
            raise Problem(400, "invalid_cursor", "The cursor is malformed.")
        rows = [t for t in rows if t.number > after]
    page = rows[: limit + 1]
    more = len(page) > limit
    last = page[limit if "page-tasks-skip" in STORE.bugs else limit - 1] if more else None
    page = page[:limit]
    next_cursor = encode_cursor({"s": scope, "n": last.number}) if last else None
    return json_response({"items": [t.json() for t in page], "next_cursor": next_cursor})


def own_task(request: Request, any_org: bool = False) -> TaskRow:
    tenant = tenant_of(request)
    project_id = project_id_param(request)
    number = task_number_param(request)
    found = STORE.projects.get(project_id)
    if any_org and found is not None:
        tenant = found.tenant
    project = own_project(tenant, project_id)
    row = STORE.tasks.get((project.id, number))
    if row is None:
        raise Problem(404, "not_found", "No such task.")
    return row


async def get_task(request: Request) -> Response:
    row = own_task(request, any_org="ten-task-any-org" in STORE.bugs)
    data = row.json()
    etag = etag_of(data)
    if if_none_match_hits(request, etag) and "cache-task-no-304" not in STORE.bugs:
        return Response(status_code=304, headers={"ETag": etag})
    return json_response(data, 200, {"ETag": etag})


async def complete_task(request: Request) -> Response:
    row = own_task(request)
    if row.status == "done":
        raise Problem(409, "task_already_done", f"Task {row.number} is already done.")
    row.status, row.completed_at = "done", STORE.now()
    project = STORE.projects[row.project_id]
    add_activity(project.tenant, "task_completed", f"{project.key}-{row.number} completed")
    data = row.json()
    return json_response(data, 200, {"ETag": etag_of(data)})


# ---------------------------------------------------------------- activity


def add_activity(tenant: str, kind: str, message: str) -> ActivityRow:
    while True:
        aid = "act_" + "".join(secrets.choice(PROJECT_ID_CHARS) for _ in range(12))
        if aid not in STORE.activity:
            break
    row = ActivityRow(tenant, aid, kind, message, STORE.now())
    STORE.activity[aid] = row
    return row


async def create_note(request: Request) -> Response:
    tenant = tenant_of(request)
    return await idempotent(request, tenant, "activity", _create_note)


async def _create_note(request: Request, tenant: str) -> Response:
    body: ActivityCreate = await parse_body(request, ActivityCreate)
    row = add_activity(tenant, "note", body.message)
    data = row.json()
    return json_response(
        data, 201, {"ETag": etag_of(data), "Location": f"{BASE}/activity/{row.id}"}
    )


async def list_activity(request: Request) -> Response:
    tenant = tenant_of(request)
    limit, cursor, _ = page_params(request, {})
    scope = f"activity:{tenant}"
    rows = sorted((a for a in STORE.activity.values() if a.tenant == tenant), key=lambda a: a.id)
    rows.sort(key=lambda a: a.created_at, reverse=True)  # -created_at, then id (stable sort)
    offset = "page-activity-offset" in STORE.bugs
    start = 0
    if cursor is not None:
        c = decode_cursor(cursor, scope)
        try:
            if offset:
                start = int(c["o"])
            else:
                after_t, after_id = datetime.fromisoformat(c["t"]), str(c["i"])
        except (KeyError, ValueError, TypeError):
            raise Problem(400, "invalid_cursor", "The cursor is malformed.") from None
        if not offset:
            rows = [
                a
                for a in rows
                if a.created_at < after_t or (a.created_at == after_t and a.id > after_id)
            ]
    page = rows[start : start + limit + 1]
    more = len(page) > limit
    page = page[:limit]
    next_cursor = None
    if more and offset:  # planted bug page-activity-offset: a position, not the last entry
        next_cursor = encode_cursor({"s": scope, "o": start + limit})
    elif more:
        last = page[-1]
        next_cursor = encode_cursor({"s": scope, "t": last.created_at.isoformat(), "i": last.id})
    return json_response({"items": [a.json() for a in page], "next_cursor": next_cursor})


def activity_id_param(request: Request) -> str:
    return prefixed_id_param(request, "activity_id", "act_")


async def get_activity(request: Request) -> Response:
    tenant = tenant_of(request)
    row = STORE.activity.get(activity_id_param(request))
    if row is None or row.tenant != tenant:
        raise Problem(404, "not_found", "No such activity entry.")
    data = row.json()
    etag = etag_of(data)
    if if_none_match_hits(request, etag):
        return Response(status_code=304, headers={"ETag": etag})
    return json_response(data, 200, {"ETag": etag})


# ---------------------------------------------------------------- app


async def on_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Problem)
    return exc.response()


async def on_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return Problem(404, "not_found", "No such route.").response()
    if exc.status_code == 405:
        body = {
            "type": "about:blank",
            "title": "Method not allowed",
            "status": 405,
            "code": "method_not_allowed",
        }
        return Response(
            json.dumps(body), 405, dict(exc.headers or {}), media_type="application/problem+json"
        )
    return Problem(exc.status_code, "invalid_request", str(exc.detail)).response()


async def on_plain_404(request: Request, exc: Exception) -> Response:
    return Response("Not Found", 404, media_type="text/plain")


async def on_error(request: Request, exc: Exception) -> Response:
    return Problem(500, "internal_error", "Unexpected error.").response()


routes = [
    Route(f"{BASE}/health", get_health, methods=["GET"]),
    Route(f"{BASE}/projects", create_project, methods=["POST"]),
    Route(f"{BASE}/projects", list_projects, methods=["GET"]),
    Route(f"{BASE}/projects/{{project_id}}", get_project, methods=["GET"]),
    Route(f"{BASE}/projects/{{project_id}}", update_project, methods=["PUT"]),
    Route(f"{BASE}/projects/{{project_id}}/tasks", create_task, methods=["POST"]),
    Route(f"{BASE}/projects/{{project_id}}/tasks", list_tasks, methods=["GET"]),
    Route(f"{BASE}/projects/{{project_id}}/tasks/{{task_number}}", get_task, methods=["GET"]),
    Route(
        f"{BASE}/projects/{{project_id}}/tasks/{{task_number}}/complete",
        complete_task,
        methods=["POST"],
    ),
    Route(f"{BASE}/activity", create_note, methods=["POST"]),
    Route(f"{BASE}/activity", list_activity, methods=["GET"]),
    Route(f"{BASE}/activity/{{activity_id}}", get_activity, methods=["GET"]),
]

app = Starlette(
    routes=routes,
    middleware=[Middleware(CorrelationIds)],
    exception_handlers={
        Problem: on_problem,
        HTTPException: on_http,
        PlainNotFound: on_plain_404,
        Exception: on_error,
    },
)


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--log-level", default="warning", help="info logs every request")
    parser.add_argument(
        "--no-unique-keys",
        action="store_true",
        help="never answer 409 project_key_taken (project keys need not be unique)",
    )
    parser.add_argument(
        "--bug",
        action="append",
        default=[],
        choices=[bug.id for bug in BUGS],
        metavar="ID",
        help="switch a planted bug on (repeatable; ids and what each does: "
        "examples/tracker/example.py)",
    )
    args = parser.parse_args()
    STORE.unique_keys = not args.no_unique_keys
    STORE.bugs = frozenset(args.bug)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)


if __name__ == "__main__":
    main()
