"""In-memory lending library implementing examples/library/contracts.

Run: python -m examples.library.server --port 8766 [--bug ID ...]   (tokens in README.md)
Planted bugs (examples/library/example.py's BUGS) are off unless named with --bug.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import email.parser
import email.policy
import hashlib
import hmac
import json
import secrets
import time
import urllib.parse
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, EmailStr, TypeAdapter, ValidationError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from examples.library.contracts.models import (
    BookCreate,
    BookUpdate,
    CopyCreate,
    CoverUpload,
    FinePayment,
    LoanCreate,
    MemberCreate,
    NoticeForm,
)

BASE = "/v1"
VERSION = "1.0.0"
TOKENS = {"tok_northside_5f2c9a71e0": "northside", "tok_riverbend_83d4b6c2af": "riverbend"}
BASE32 = "abcdefghijklmnopqrstuvwxyz234567"
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LIMIT_DEFAULT, LIMIT_MAX = 20, 50
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
    "email_taken": "Email taken",
    "copy_on_loan": "Copy on loan",
    "unknown_member": "Unknown member",
    "loan_already_returned": "Loan already returned",
    "rate_limited": "Rate limited",
}
# Catalogue searches allowed per client address in each window of WINDOW seconds.
SEARCH_LIMIT, WINDOW = 10_000, 60
BUGS: set[str] = set()  # planted-bug switches, from --bug


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
        self.headers: dict[str, str] = {}

    def response(self) -> Response:
        body: dict[str, Any] = {
            "type": f"https://library.example/problems/{self.code}",
            "title": TITLES.get(self.code, self.code),
            "status": self.status,
            "code": self.code,
            "instance": f"urn:uuid:{uuid.uuid4()}",
        }
        if self.detail:
            body["detail"] = self.detail
        if self.errors is not None:
            body["errors"] = self.errors
        headers = {"WWW-Authenticate": 'Bearer realm="library"'} if self.status == 401 else {}
        headers |= self.headers
        return Response(
            json.dumps(body), self.status, headers, media_type="application/problem+json"
        )


def invalid(loc: list[str | int], msg: str, type_: str, detail: str) -> Problem:
    return Problem(422, "validation_failed", detail, [{"loc": loc, "msg": msg, "type": type_}])


# ---------------------------------------------------------------- storage


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class BookRow:
    tenant: str
    id: str
    isbn: str
    title: str
    author: str
    year: int | None
    created_at: datetime
    updated_at: datetime
    next_copy: int = 1

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "isbn": self.isbn,
            "title": self.title,
            "author": self.author,
            "year": self.year,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
        }


@dataclass
class CopyRow:
    book_id: str
    copy_no: int
    shelf: str
    condition: str
    created_at: datetime
    on_loan: bool = False

    def json(self) -> dict[str, Any]:
        return {
            "book_id": self.book_id,
            "copy_no": self.copy_no,
            "shelf": self.shelf,
            "condition": self.condition,
            "on_loan": self.on_loan,
            "created_at": iso(self.created_at),
        }


@dataclass
class MemberRow:
    tenant: str
    id: str
    name: str
    email: str
    joined_at: datetime
    fine_balance_cents: int = 0

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "email": self.email,
            "fine_balance_cents": self.fine_balance_cents,
            "joined_at": iso(self.joined_at),
        }


@dataclass
class LoanRow:
    tenant: str
    id: str
    book_id: str
    copy_no: int
    member_id: str
    loaned_at: datetime
    due_at: datetime
    returned_at: datetime | None = None

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "book_id": self.book_id,
            "copy_no": self.copy_no,
            "member_id": self.member_id,
            "status": "returned" if self.returned_at else "active",
            "loaned_at": iso(self.loaned_at),
            "due_at": iso(self.due_at),
            "returned_at": iso(self.returned_at) if self.returned_at else None,
        }


@dataclass
class CoverRow:
    book_id: str
    media_type: str
    image: bytes
    caption: str
    uploaded_at: datetime

    def json(self) -> dict[str, Any]:
        return {
            "book_id": self.book_id,
            "media_type": self.media_type,
            "size": len(self.image),
            "sha256": hashlib.sha256(self.image).hexdigest(),
            "caption": self.caption,
            "uploaded_at": iso(self.uploaded_at),
        }


@dataclass
class IdemRecord:
    fingerprint: str
    done: bool = False
    status: int = 0
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


_EPOCH = datetime.min.replace(tzinfo=UTC)


@dataclass
class Store:
    books: dict[str, BookRow] = field(default_factory=dict)
    copies: dict[tuple[str, int], CopyRow] = field(default_factory=dict)
    members: dict[str, MemberRow] = field(default_factory=dict)
    loans: dict[str, LoanRow] = field(default_factory=dict)
    # client address -> (start of its window, searches in it)
    searches: dict[str, tuple[float, int]] = field(default_factory=dict)
    covers: dict[str, CoverRow] = field(default_factory=dict)
    idem: dict[tuple[str, str], IdemRecord] = field(default_factory=dict)
    last_time: datetime = _EPOCH

    def now(self) -> datetime:
        """Strictly increasing timestamps (microsecond resolution)."""
        t = datetime.now(UTC)
        if t <= self.last_time:
            t = self.last_time + timedelta(microseconds=1)
        self.last_time = t
        return t


STORE = Store()


def new_id(prefix: str, taken: dict[str, Any]) -> str:
    while True:
        value = prefix + "".join(secrets.choice(BASE32) for _ in range(16))
        if value not in taken:
            return value


def new_ulid() -> str:
    """48 bits of milliseconds and 80 random bits, Crockford base32."""
    n = (int(time.time() * 1000) << 80) | secrets.randbits(80)
    return "".join(CROCKFORD[(n >> (5 * i)) & 31] for i in reversed(range(26)))


def etag_of(obj: dict[str, Any]) -> str:
    return '"' + hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()[:32] + '"'


def json_response(obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(obj), status, headers or {}, media_type="application/json")


# ---------------------------------------------------------------- request helpers


def tenant_of(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or token.strip() not in TOKENS:
        raise Problem(401, "unauthenticated", "Send Authorization: Bearer <token>.")
    return TOKENS[token.strip()]


def field_errors(exc: ValidationError, prefix: list[str | int]) -> list[dict[str, Any]]:
    return [
        {"loc": prefix + [x if isinstance(x, int) else str(x) for x in e["loc"]], **_msg(e)}
        for e in exc.errors()
    ]


def _msg(e: Any) -> dict[str, str]:
    return {"msg": str(e["msg"]), "type": str(e["type"])}


def path_str(request: Request, name: str, prefix: str, length: int, alphabet: str) -> str:
    value: str = request.path_params[name]
    body = value[len(prefix) :]
    if not (value.startswith(prefix) and len(body) == length and all(c in alphabet for c in body)):
        raise invalid(
            ["path", name],
            f"String should match {prefix} and {length} characters of {alphabet}",
            "string_pattern_mismatch",
            f"{name} is malformed.",
        )
    return value


def book_id_param(request: Request) -> str:
    return path_str(request, "book_id", "bk_", 16, BASE32)


def member_id_param(request: Request) -> str:
    return path_str(request, "member_id", "mem_", 16, BASE32)


def loan_id_param(request: Request) -> str:
    value = path_str(request, "loan_id", "", 26, CROCKFORD)
    if value[0] > "7":
        raise invalid(
            ["path", "loan_id"], "A ULID starts with 0-7", "string_pattern_mismatch", "Bad ULID."
        )
    return value


def copy_no_param(request: Request) -> int:
    raw: str = request.path_params["copy_no"]
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        raise invalid(
            ["path", "copy_no"],
            "Input should be an integer >= 1",
            "int_parsing",
            "copy_no must be an integer >= 1.",
        )
    return int(raw)


async def parse_body(request: Request, model: type[BaseModel]) -> Any:
    raw = await request.body()
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise Problem(400, "invalid_request", "The body is not valid JSON.") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise Problem(
            422,
            "validation_failed",
            "The body does not match the contract.",
            field_errors(exc, ["body"]),
        ) from None


COVER_TYPES = ("image/png", "image/jpeg")
COVER_MAX = 65_536


async def multipart_parts(request: Request) -> list[tuple[str, str | None, str, bytes]]:
    """The multipart/form-data body's parts: (name, file name, content type, bytes).

    Parsed with the standard library's MIME parser (python-multipart, which Starlette's
    request.form() needs, is not a dependency of this example).
    """
    kind = request.headers.get("content-type", "")
    if not kind.lower().startswith("multipart/form-data") or "boundary=" not in kind:
        raise Problem(400, "invalid_request", "The body is not multipart/form-data.")
    raw = await request.body()
    boundary = kind.split("boundary=", 1)[1].split(";")[0].strip().strip('"')
    if raw.strip() == f"--{boundary}--".encode("latin-1"):
        return []  # a form with no fields at all (the MIME parser counts it a defect)
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + kind.encode("latin-1") + b"\r\n\r\n" + raw
    )
    if not message.is_multipart() or message.defects:
        raise Problem(400, "invalid_request", "The multipart body is malformed.")
    parts = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if part.get_content_disposition() != "form-data" or not isinstance(name, str):
            raise Problem(400, "invalid_request", "A part is not form-data with a name.")
        payload = part.get_payload(decode=True)
        parts.append((name, part.get_filename(), part.get_content_type(),
                      payload if isinstance(payload, bytes) else b""))  # fmt: skip
    return parts


async def parse_cover(request: Request) -> tuple[CoverUpload, str]:
    """The upload as the contract's model, and the image's media type; 422 for a bad file."""
    fields: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    media_type = ""
    for name, filename, kind, content in await multipart_parts(request):
        if name in fields:
            errors.append({"loc": ["body", name], "msg": "Sent twice", "type": "duplicate"})
        elif name == "image":
            if filename is None:
                errors.append({"loc": ["body", name], "msg": "Expected a file part",
                               "type": "file_expected"})  # fmt: skip
            elif kind not in COVER_TYPES and "cover-any-media-type" not in BUGS:
                errors.append({"loc": ["body", name], "msg": f"Media type {kind} is not one of "
                               + ", ".join(COVER_TYPES), "type": "file_media_type"})  # fmt: skip
            media_type = kind
            fields[name] = content
        else:
            try:
                fields[name] = content.decode("utf-8")
            except UnicodeDecodeError:
                errors.append({"loc": ["body", name], "msg": "Not UTF-8", "type": "unicode"})
    try:
        body = CoverUpload.model_validate(fields)
    except ValidationError as exc:
        errors += field_errors(exc, ["body"])
    if errors:
        raise Problem(422, "validation_failed", "The upload does not match the contract.", errors)
    return body, media_type


def own_book(tenant: str, book_id: str) -> BookRow:
    row = STORE.books.get(book_id)
    if row is None or row.tenant != tenant:
        raise Problem(404, "not_found", "No such book.")
    return row


def own_copy(tenant: str, book_id: str, copy_no: int) -> CopyRow:
    book = own_book(tenant, book_id)
    row = STORE.copies.get((book.id, copy_no))
    if row is None:
        raise Problem(404, "not_found", "No such copy.")
    return row


def own_member(tenant: str, member_id: str) -> MemberRow:
    row = STORE.members.get(member_id)
    if row is None or row.tenant != tenant:
        raise Problem(404, "not_found", "No such member.")
    return row


def own_loan(tenant: str, loan_id: str) -> LoanRow:
    row = STORE.loans.get(loan_id)
    if row is None or row.tenant != tenant:
        raise Problem(404, "not_found", "No such loan.")
    return row


# ---------------------------------------------------------------- pagination


@dataclass
class PageQuery:
    limit: int
    cursor: dict[str, Any] | None
    filters: dict[str, Any]


Check = Callable[[str], Any]  # a filter's validator: the value, or raises ValueError


def page_query(request: Request, scope: str, filters: dict[str, Check]) -> PageQuery:
    q = request.query_params
    errors: list[dict[str, Any]] = []
    limit = LIMIT_DEFAULT
    if "limit" in q:
        raw = q["limit"]
        digits = raw[1:] if raw.startswith("-") else raw
        if digits.isascii() and digits.isdigit():
            limit = int(raw)
            if not 1 <= limit <= LIMIT_MAX:
                errors.append(
                    {
                        "loc": ["query", "limit"],
                        "msg": f"limit must be between 1 and {LIMIT_MAX}",
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
    values: dict[str, Any] = {}
    for name, check in filters.items():
        if name in q:
            try:
                values[name] = check(q[name])
            except ValueError as exc:
                errors.append({"loc": ["query", name], "msg": str(exc), "type": "value_error"})
    if errors:
        raise Problem(422, "validation_failed", "Invalid query parameters.", errors)
    cursor = decode_cursor(q["cursor"], scope) if "cursor" in q else None
    return PageQuery(limit, cursor, values)


# Cursors are signed: a client may not move its position by editing one (PAGE-CURSOR wants a
# tampered cursor refused as invalid_cursor, not honoured as another position).
CURSOR_KEY = secrets.token_bytes(32)


def _cursor_mac(token: str) -> str:
    return hmac.new(CURSOR_KEY, token.encode(), hashlib.sha256).hexdigest()[:16]


def encode_cursor(scope: str, key: list[Any]) -> str:
    raw = json.dumps({"s": scope, "k": key}, separators=(",", ":")).encode()
    token = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return f"{token}.{_cursor_mac(token)}"


def decode_cursor(cursor: str, scope: str) -> dict[str, Any]:
    try:
        token, _, mac = cursor.partition(".")
        if not hmac.compare_digest(mac.encode(), _cursor_mac(token).encode()):
            raise ValueError
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if not isinstance(data, dict) or data.get("s") != scope or not isinstance(data["k"], list):
            raise ValueError
        return data
    except (ValueError, KeyError, binascii.Error, UnicodeDecodeError):
        raise Problem(
            400, "invalid_cursor", "The cursor is malformed or belongs to another list."
        ) from None


def bad_cursor() -> Problem:
    return Problem(400, "invalid_cursor", "The cursor is malformed.")


def page_of(rows: list[Any], limit: int, scope: str, key: Callable[[Any], list[Any]]) -> Response:
    page = rows[: limit + 1]
    more = len(page) > limit
    page = page[:limit]
    next_cursor = encode_cursor(scope, key(page[-1])) if more else None
    return json_response({"items": [r.json() for r in page], "next_cursor": next_cursor})


def enum_check(*allowed: str) -> Check:
    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return value

    return check


def model_check(adapter: TypeAdapter[Any]) -> Check:
    def check(value: str) -> Any:
        try:
            return adapter.validate_python(value)
        except ValidationError as exc:
            raise ValueError(exc.errors()[0]["msg"]) from None

    return check


EMAIL: TypeAdapter[str] = TypeAdapter(EmailStr)


def isbn_check(value: str) -> str:
    if not (
        len(value) == 13 and value[:3] in ("978", "979") and value.isascii() and value.isdigit()
    ):
        raise ValueError("must be an ISBN-13 of 13 digits starting 978 or 979")
    return value


# ---------------------------------------------------------------- conditional requests


def if_none_match_hits(request: Request, etag: str) -> bool:
    header = request.headers.get("if-none-match")
    if header is None:
        return False
    tags = [t.strip() for t in header.split(",")]
    return "*" in tags or etag in tags or f"W/{etag}" in tags


def cacheable(data: dict[str, Any], request: Request) -> Response:
    etag = etag_of(data)
    if if_none_match_hits(request, etag):
        return Response(status_code=304, headers={"ETag": etag})
    return json_response(data, 200, {"ETag": etag})


# ---------------------------------------------------------------- idempotency


async def idempotent(
    request: Request, tenant: str, work: Callable[[], Awaitable[Response]], replay: bool = True
) -> Response:
    """Runs work once per (tenant, Idempotency-Key); a retry gets the stored answer.

    Only successes are stored: a request refused for its input stores nothing, so the client
    may correct it and retry with the same key.
    """
    key = request.headers.get("idempotency-key")
    if not key:
        raise Problem(
            400, "idempotency_key_missing", f"{request.url.path} requires an Idempotency-Key."
        )
    raw = await request.body()
    try:
        canonical = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":"))
    except (ValueError, UnicodeDecodeError):
        canonical = "raw:" + hashlib.sha256(raw).hexdigest()
    fingerprint = f"{request.method} {request.url.path} {canonical}"
    scope = (
        "*" if "idem-book-key-global" in BUGS and request.url.path.endswith("/books") else tenant
    )
    record = STORE.idem.get((scope, key))
    if record is not None and (replay or not record.done):
        if record.fingerprint != fingerprint:
            raise Problem(
                422, "idempotency_key_reused", "This Idempotency-Key was used with another request."
            )
        if not record.done:
            raise Problem(
                409, "idempotency_key_in_use", "A request with this Idempotency-Key is running."
            )
        return Response(
            record.body,
            record.status,
            {**record.headers, "Idempotent-Replayed": "true"},
            media_type="application/json",
        )
    record = IdemRecord(fingerprint)
    STORE.idem[(scope, key)] = record
    try:
        await asyncio.sleep(0.02)  # the work takes a moment: concurrent retries see it in use
        response = await work()
    except BaseException:
        del STORE.idem[(scope, key)]
        raise
    if not 200 <= response.status_code < 300:
        del STORE.idem[(scope, key)]
        return response
    record.done, record.status, record.body = True, response.status_code, bytes(response.body)
    record.headers = {
        k: v for k, v in response.headers.items() if k.lower() in ("etag", "location")
    }
    return response


# ---------------------------------------------------------------- public operations


async def get_health(request: Request) -> Response:
    return json_response({"status": "ok", "version": VERSION})


def rate_limit(request: Request) -> dict[str, str]:
    """Count one search for the client's address: the RateLimit headers, or 429 past the limit."""
    now = time.monotonic()
    client = request.client.host if request.client else "?"
    start, used = STORE.searches.get(client, (now, 0))
    if now - start >= WINDOW:
        start, used = now, 0
    reset = max(0, int(start + WINDOW - now))
    if used >= SEARCH_LIMIT:
        problem = Problem(429, "rate_limited", "Too many catalogue searches; wait and retry.")
        problem.headers = {"Retry-After": str(reset)}
        raise problem
    STORE.searches[client] = (start, used + 1)
    return {
        "RateLimit-Limit": str(SEARCH_LIMIT),
        "RateLimit-Remaining": str(SEARCH_LIMIT - used - 1),
        "RateLimit-Reset": str(reset),
    }


async def search_catalogue(request: Request) -> Response:
    if "err-catalogue-needs-token" in BUGS:
        tenant_of(request)
    limits = rate_limit(request)
    q = request.query_params.get("q")
    if q is None or not 2 <= len(q) <= 100:
        raise invalid(
            ["query", "q"],
            "q is required, 2 to 100 characters",
            "missing" if q is None else "string_length",
            "Search with q of 2 to 100 characters.",
        )
    needle = q.casefold()
    by_isbn: dict[str, list[BookRow]] = {}
    for book in sorted(STORE.books.values(), key=lambda b: b.created_at):
        by_isbn.setdefault(book.isbn, []).append(book)
    items = []
    for isbn in sorted(by_isbn):
        books = by_isbn[isbn]
        match = next((b for b in books if needle in b.title.casefold()), None)
        if match is not None:
            items.append(
                {
                    "isbn": isbn,
                    "title": match.title,
                    "author": match.author,
                    "libraries": len({b.tenant for b in books}),
                }
            )
        if len(items) == 20:
            break
    return json_response({"items": items}, headers=limits)


# ---------------------------------------------------------------- books and copies


async def create_book(request: Request) -> Response:
    tenant = tenant_of(request)

    async def work() -> Response:
        body: BookCreate = await parse_body(request, BookCreate)
        now = STORE.now()
        row = BookRow(
            tenant,
            new_id("bk_", STORE.books),
            body.isbn,
            body.title,
            body.author,
            body.year,
            now,
            now,
        )
        STORE.books[row.id] = row
        data = row.json()
        return json_response(
            data, 201, {"ETag": etag_of(data), "Location": f"{BASE}/books/{row.id}"}
        )

    return await idempotent(request, tenant, work)


async def list_books(request: Request) -> Response:
    tenant = tenant_of(request)
    scope = f"books:{tenant}"
    pq = page_query(request, scope, {"isbn": isbn_check})
    ties_desc = "page-books-tie-order" in BUGS
    rows = [b for b in STORE.books.values() if b.tenant == tenant]
    rows.sort(key=lambda b: b.id, reverse=ties_desc)
    rows.sort(key=lambda b: b.title)  # title, then id (stable sort)
    if "isbn" in pq.filters and "page-isbn-filter-ignored" not in BUGS:
        rows = [b for b in rows if b.isbn == pq.filters["isbn"]]
    if pq.cursor is not None:
        key = pq.cursor["k"]
        if len(key) != 2 or not all(isinstance(k, str) for k in key):
            raise bad_cursor()
        title, last_id = key
        rows = [
            b
            for b in rows
            if b.title > title
            or (b.title == title and (b.id < last_id if ties_desc else b.id > last_id))
        ]
    return page_of(rows, pq.limit, scope, lambda b: [b.title, b.id])


async def get_book(request: Request) -> Response:
    tenant = tenant_of(request)
    book_id = book_id_param(request)
    if "ten-book-read" in BUGS:
        row = STORE.books.get(book_id)
        if row is None:
            raise Problem(404, "not_found", "No such book.")
    else:
        row = own_book(tenant, book_id)
    return cacheable(row.json(), request)


async def update_book(request: Request) -> Response:
    tenant = tenant_of(request)
    row = own_book(tenant, book_id_param(request))
    if_match = request.headers.get("if-match")
    if if_match is None:
        raise Problem(428, "precondition_required", "PUT /books/{book_id} requires If-Match.")
    body: BookUpdate = await parse_body(request, BookUpdate)
    tags = [t.strip() for t in if_match.split(",")]
    if "cache-stale-if-match" not in BUGS and "*" not in tags and etag_of(row.json()) not in tags:
        raise Problem(412, "precondition_failed", "The book changed since you read it.")
    row.title, row.author, row.year = body.title, body.author, body.year
    row.updated_at = STORE.now()
    data = row.json()
    return json_response(data, 200, {"ETag": etag_of(data)})


async def upload_book_cover(request: Request) -> Response:
    tenant = tenant_of(request)
    book = own_book(tenant, book_id_param(request))
    body, media_type = await parse_cover(request)
    if media_type not in COVER_TYPES:  # only with the planted bug: stored as an image anyway
        media_type = COVER_TYPES[0]
    row = CoverRow(book.id, media_type, body.image, body.caption, STORE.now())
    STORE.covers[book.id] = row
    return json_response(row.json(), 200)


async def create_copy(request: Request) -> Response:
    tenant = tenant_of(request)
    book_id = book_id_param(request)
    if "ten-copy-child" in BUGS:
        book = STORE.books.get(book_id)
        if book is None:
            raise Problem(404, "not_found", "No such book.")
    else:
        book = own_book(tenant, book_id)
    body: CopyCreate = await parse_body(request, CopyCreate)
    row = CopyRow(book.id, book.next_copy, body.shelf, body.condition, STORE.now())
    book.next_copy += 1
    STORE.copies[(book.id, row.copy_no)] = row
    data = row.json()
    location = f"{BASE}/books/{book.id}/copies/{row.copy_no}"
    return json_response(data, 201, {"ETag": etag_of(data), "Location": location})


async def list_copies(request: Request) -> Response:
    tenant = tenant_of(request)
    book = own_book(tenant, book_id_param(request))
    scope = f"copies:{book.id}"
    pq = page_query(request, scope, {"condition": enum_check("new", "good", "worn", "damaged")})
    rows = sorted(
        (c for c in STORE.copies.values() if c.book_id == book.id), key=lambda c: c.copy_no
    )
    if "condition" in pq.filters:
        rows = [c for c in rows if c.condition == pq.filters["condition"]]
    if pq.cursor is not None:
        key = pq.cursor["k"]
        if len(key) != 1 or not isinstance(key[0], int) or isinstance(key[0], bool):
            raise bad_cursor()
        after = key[0] + (1 if "page-copies-skip" in BUGS else 0)
        rows = [c for c in rows if c.copy_no > after]
    return page_of(rows, pq.limit, scope, lambda c: [c.copy_no])


async def get_copy(request: Request) -> Response:
    tenant = tenant_of(request)
    book_id, copy_no = book_id_param(request), copy_no_param(request)
    return cacheable(own_copy(tenant, book_id, copy_no).json(), request)


# ---------------------------------------------------------------- loans


async def create_loan(request: Request) -> Response:
    tenant = tenant_of(request)
    book_id, copy_no = book_id_param(request), copy_no_param(request)
    copy = own_copy(tenant, book_id, copy_no)
    body: LoanCreate = await parse_body(request, LoanCreate)
    member = STORE.members.get(body.member_id)
    foreign = "ten-loan-any-member" in BUGS  # any library's member will do
    if member is None or (member.tenant != tenant and not foreign):
        raise Problem(
            422,
            "unknown_member",
            "member_id names no member of your library.",
            [{"loc": ["body", "member_id"], "msg": "No such member", "type": "unknown_member"}],
        )
    if copy.on_loan:
        raise Problem(409, "copy_on_loan", f"Copy {copy_no} is lent out.")
    now = STORE.now()
    row = LoanRow(
        tenant, new_ulid(), book_id, copy_no, member.id, now, now + timedelta(days=body.days)
    )
    STORE.loans[row.id] = row
    copy.on_loan = True
    return json_response(row.json(), 201, {"Location": f"{BASE}/loans/{row.id}"})


async def list_loans(request: Request) -> Response:
    tenant = tenant_of(request)
    book_id, copy_no = book_id_param(request), copy_no_param(request)
    own_copy(tenant, book_id, copy_no)
    rows = (ln for ln in STORE.loans.values() if ln.book_id == book_id and ln.copy_no == copy_no)
    return loan_page(request, f"loans:{book_id}:{copy_no}", rows)


async def list_library_loans(request: Request) -> Response:
    tenant = tenant_of(request)
    every = "ten-loans-every-library" in BUGS  # the tenant filter forgotten
    rows = (ln for ln in STORE.loans.values() if every or ln.tenant == tenant)
    return loan_page(request, f"loans:{tenant}", rows)


def loan_page(request: Request, scope: str, loans: Iterable[LoanRow]) -> Response:
    """A page of ``loans``, newest first (``-loaned_at, -id``), filtered by ``status``."""
    pq = page_query(request, scope, {"status": enum_check("active", "returned")})
    rows = sorted(loans, key=lambda ln: (ln.loaned_at, ln.id), reverse=True)
    if "status" in pq.filters:
        rows = [ln for ln in rows if ln.json()["status"] == pq.filters["status"]]
    if pq.cursor is not None:
        key = pq.cursor["k"]
        try:
            at, last_id = datetime.fromisoformat(key[0]), str(key[1])
        except (IndexError, TypeError, ValueError):
            raise bad_cursor() from None
        rows = [ln for ln in rows if (ln.loaned_at, ln.id) < (at, last_id)]
    return page_of(rows, pq.limit, scope, lambda ln: [ln.loaned_at.isoformat(), ln.id])


async def get_loan(request: Request) -> Response:
    tenant = tenant_of(request)
    return json_response(own_loan(tenant, loan_id_param(request)).json())


async def return_loan(request: Request) -> Response:
    tenant = tenant_of(request)
    row = own_loan(tenant, loan_id_param(request))
    if row.returned_at is not None:
        raise Problem(409, "loan_already_returned", f"Loan {row.id} was already returned.")
    row.returned_at = STORE.now()
    copy = STORE.copies.get((row.book_id, row.copy_no))
    if copy is not None:
        copy.on_loan = False
    return json_response(row.json())


async def list_member_loans(request: Request) -> Response:
    tenant = tenant_of(request)
    member = own_member(tenant, member_id_param(request))
    rows = sorted(
        (x for x in STORE.loans.values() if x.member_id == member.id and x.returned_at is None),
        key=lambda x: (x.loaned_at, x.id),
    )
    return json_response([x.json() for x in rows])


# ---------------------------------------------------------------- members and fines


async def create_member(request: Request) -> Response:
    tenant = tenant_of(request)
    body: MemberCreate = await parse_body(request, MemberCreate)
    if any(m.tenant == tenant and m.email == body.email for m in STORE.members.values()):
        raise Problem(409, "email_taken", "Another member of your library has this email.")
    row = MemberRow(tenant, new_id("mem_", STORE.members), body.name, body.email, STORE.now())
    STORE.members[row.id] = row
    return json_response(row.json(), 201, {"Location": f"{BASE}/members/{row.id}"})


async def list_members(request: Request) -> Response:
    tenant = tenant_of(request)
    scope = "members:*" if "ten-member-list" in BUGS else f"members:{tenant}"
    email_param = "mail" if "page-email-filter-ignored" in BUGS else "email"
    pq = page_query(request, scope, {email_param: model_check(EMAIL)})
    rows = sorted(
        (m for m in STORE.members.values() if m.tenant == tenant or "ten-member-list" in BUGS),
        key=lambda m: (m.joined_at, m.id),
        reverse=True,
    )
    if email_param in pq.filters:
        rows = [m for m in rows if m.email == pq.filters[email_param]]
    if pq.cursor is not None:
        key = pq.cursor["k"]
        try:
            at, last_id = datetime.fromisoformat(key[0]), str(key[1])
        except (IndexError, TypeError, ValueError):
            raise bad_cursor() from None
        rows = [m for m in rows if (m.joined_at, m.id) < (at, last_id)]
    return page_of(rows, pq.limit, scope, lambda m: [m.joined_at.isoformat(), m.id])


async def get_member(request: Request) -> Response:
    tenant = tenant_of(request)
    member_id = member_id_param(request)
    if "err-member-plain-404" in BUGS:
        row = STORE.members.get(member_id)
        if row is None or row.tenant != tenant:
            return json_response({"error": "member not found"}, 404)
        return json_response(row.json())
    return json_response(own_member(tenant, member_id).json())


FORM_LISTS = {"channels"}  # NoticeForm's list fields: the repeated form fields


async def parse_notice(request: Request) -> NoticeForm:
    """An urlencoded NoticeForm: text read as each field's type, as JSON spells it."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise Problem(400, "invalid_request", "The body is not application/x-www-form-urlencoded.")
    try:
        pairs = urllib.parse.parse_qsl((await request.body()).decode("utf-8"),
                                       keep_blank_values=True, strict_parsing=False)  # fmt: skip
    except UnicodeDecodeError:
        raise Problem(400, "invalid_request", "The form is not UTF-8.") from None
    fields: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    for name, text in pairs:
        if name in FORM_LISTS:
            fields.setdefault(name, []).append(text)
        elif name in fields:
            errors.append({"loc": ["body", name], "msg": "Sent twice", "type": "duplicate"})
        elif name == "urgent":
            fields[name] = {"true": True, "false": False}.get(text, text)
        elif name == "copies":
            fields[name] = int(text) if text.isascii() and text.lstrip("-").isdigit() else text
        else:
            fields[name] = text
    try:
        body = NoticeForm.model_validate(fields)
    except ValidationError as exc:
        errors += field_errors(exc, ["body"])
    if errors:
        raise Problem(422, "validation_failed", "The form does not match the contract.", errors)
    return body


async def notify_member(request: Request) -> Response:
    tenant = tenant_of(request)
    member = own_member(tenant, member_id_param(request))
    body = await parse_notice(request)
    return json_response({
        "member_id": member.id, "subject": body.subject, "channels": list(body.channels),
        "urgent": body.urgent, "copies": body.copies, "sent_at": iso(STORE.now()),
    })  # fmt: skip


async def pay_fines(request: Request) -> Response:
    tenant = tenant_of(request)
    member_id = member_id_param(request)

    async def work() -> Response:
        if "ten-pay-any-member" in BUGS:  # looked up by id alone
            found = STORE.members.get(member_id)
            if found is None:
                raise Problem(404, "not_found", "No such member.")
            member = found
        else:
            member = own_member(tenant, member_id)
        body: FinePayment = await parse_body(request, FinePayment)
        member.fine_balance_cents -= body.amount_cents
        return json_response(member.json())

    return await idempotent(request, tenant, work, replay="idem-pay-twice" not in BUGS)


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
            "type": "https://library.example/problems/method_not_allowed",
            "title": "Method not allowed",
            "status": 405,
            "code": "method_not_allowed",
        }
        return Response(
            json.dumps(body), 405, dict(exc.headers or {}), media_type="application/problem+json"
        )
    return Problem(exc.status_code, "invalid_request", str(exc.detail)).response()


async def on_error(request: Request, exc: Exception) -> Response:
    return Problem(500, "internal_error", "Unexpected error.").response()


def _route(path: str, endpoint: Callable[[Request], Awaitable[Response]], method: str) -> Route:
    return Route(BASE + path, endpoint, methods=[method])


routes = [
    _route("/health", get_health, "GET"),
    _route("/catalogue", search_catalogue, "GET"),
    _route("/books", create_book, "POST"),
    _route("/books", list_books, "GET"),
    _route("/books/{book_id}", get_book, "GET"),
    _route("/books/{book_id}", update_book, "PUT"),
    _route("/books/{book_id}/cover", upload_book_cover, "POST"),
    _route("/books/{book_id}/copies", create_copy, "POST"),
    _route("/books/{book_id}/copies", list_copies, "GET"),
    _route("/books/{book_id}/copies/{copy_no}", get_copy, "GET"),
    _route("/books/{book_id}/copies/{copy_no}/loans", create_loan, "POST"),
    _route("/books/{book_id}/copies/{copy_no}/loans", list_loans, "GET"),
    _route("/loans", list_library_loans, "GET"),
    _route("/loans/{loan_id}", get_loan, "GET"),
    _route("/loans/{loan_id}/return", return_loan, "POST"),
    _route("/members", create_member, "POST"),
    _route("/members", list_members, "GET"),
    _route("/members/{member_id}", get_member, "GET"),
    _route("/members/{member_id}/fines/pay", pay_fines, "POST"),
    _route("/members/{member_id}/loans", list_member_loans, "GET"),
    _route("/members/{member_id}/notify", notify_member, "POST"),
]

app = Starlette(
    routes=routes,
    exception_handlers={Problem: on_problem, HTTPException: on_http, Exception: on_error},
)


def main(argv: list[str] | None = None) -> None:
    from examples._example import server_main
    from examples.library.example import BUGS as PLANTED

    server_main(app, PLANTED, BUGS, port=8766, description=__doc__, argv=argv)


if __name__ == "__main__":
    main()
