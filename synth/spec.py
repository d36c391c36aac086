"""``ApiSpec``: the one immutable model of a whole API that every emitter reads.

Built by ``synth.loader.load`` from the contract modules; no emitter imports a contract
module or sees a declaration object. JSON Schemas are computed once, here, so emitters do
not ask Pydantic again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from ._errors import Location
from .contract import ErrorCode, Limit
from .relations import Relations

__all__ = [
    "ApiSpec",
    "AuthStyle",
    "CacheSpec",
    "ExampleSpec",
    "FileSpec",
    "FilterSpec",
    "IdempotencySpec",
    "LatencySpec",
    "OperationSpec",
    "OrderKey",
    "PaginationSpec",
    "PaginationStyle",
    "ParamSpec",
    "RateLimitSpec",
    "RequestIdSpec",
    "ResponseHeaderSpec",
    "SortSpec",
]

ParamLocation = Literal["path", "query", "header"]
# How a tenant's credential is sent: ``Authorization: Bearer``, an API-key header, a cookie.
AuthStyle = Literal["bearer", "header", "cookie"]
# How a list pages (``synth.contract``'s Cursor, PageToken, StartingAfter, LinkHeader, Offset,
# PageNumber, in that order).
PaginationStyle = Literal["cursor", "page_token", "starting_after", "link", "offset", "page"]


@dataclass(frozen=True, slots=True)
class ParamSpec:
    """One path, query or header parameter with its JSON Schema."""

    name: str
    location: ParamLocation
    required: bool
    schema: Mapping[str, Any]
    description: str
    annotation: Any
    python_name: str


@dataclass(frozen=True, slots=True)
class ResponseHeaderSpec:
    """A response header the contract declares, on the response statuses that carry it.

    ``schema`` is one scalar's JSON Schema (the value is text on the wire); ``required``: every
    response of those statuses carries it.
    """

    name: str
    statuses: tuple[int, ...]
    required: bool
    schema: Mapping[str, Any]
    description: str


@dataclass(frozen=True, slots=True)
class OrderKey:
    """One key of a declared order: the item field and its direction."""

    field: str
    descending: bool


@dataclass(frozen=True, slots=True)
class FilterSpec:
    """A query parameter that filters list items on one of their fields.

    ``field`` is the dotted path as declared (``address.city``), ``path`` its segments;
    ``explode``: an ``in`` filter takes the repeated parameter, not a comma list.
    """

    param: str
    field: str
    op: str
    path: tuple[str, ...] = ()
    explode: bool = False


@dataclass(frozen=True, slots=True)
class SortSpec:
    """A client-chosen order: the query parameter and the order each of its values means."""

    param: str
    orders: tuple[tuple[str, tuple[OrderKey, ...]], ...]  # (value, order), in declared order
    default: str

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(value for value, _ in self.orders)

    def order(self, value: str) -> tuple[OrderKey, ...]:
        """The order the parameter's ``value`` means (``KeyError`` for a value not allowed)."""
        return dict(self.orders)[value]


@dataclass(frozen=True, slots=True)
class PaginationSpec:
    """How a list pages: its style, parameters, limit rules, order (last key breaks ties),
    filters and response fields; and what the style guarantees (``stable``, ``opaque``)."""

    style: PaginationStyle
    # The parameter taking the position: cursor, page_token, starting_after, offset, page;
    # "" for link (the URL carries it).
    cursor_param: str
    limit_param: str  # limit, page_size, per_page
    limit: Limit
    order: tuple[OrderKey, ...]  # the default order
    filters: tuple[FilterSpec, ...]
    item: type[BaseModel]
    item_schema: str
    items_field: str  # the page's list of items; "" for link (the body is the array)
    next_field: str  # cursor / page_token: the next token, null on the last; "" otherwise
    has_more_field: str = ""  # starting_after
    total_field: str = ""  # offset / page, when declared
    before_param: str = ""  # starting_after
    first_page: int = 1  # page
    sort: SortSpec | None = None
    link_keyset: bool = False  # link: the links carry a keyset position

    @property
    def tiebreaker(self) -> OrderKey:
        return self.order[-1]

    @property
    def stable(self) -> bool:
        """A keyset walk: stable under inserts and deletes during it (PAGE-CONCURRENT)."""
        if self.style == "link":
            return self.link_keyset
        return self.style in ("cursor", "page_token", "starting_after")

    @property
    def opaque(self) -> bool:
        """The position is a token the server makes (PAGE-CURSOR): cursor, page_token."""
        return self.style in ("cursor", "page_token")


@dataclass(frozen=True, slots=True)
class IdempotencySpec:
    """The ``Idempotency-Key`` header: whether it is required."""

    required: bool
    header: str = "Idempotency-Key"


@dataclass(frozen=True, slots=True)
class LatencySpec:
    """An operation's latency objective: each declared percentile's bound in milliseconds."""

    p50: float | None = None
    p95: float | None = None
    p99: float | None = None

    def bounds(self) -> tuple[tuple[str, float], ...]:
        """``(("p95", 200.0), ...)``: the declared percentiles, lowest first."""
        return tuple((name, ms) for name in ("p50", "p95", "p99")
                     if (ms := getattr(self, name)) is not None)  # fmt: skip


@dataclass(frozen=True, slots=True)
class RequestIdSpec:
    """The request id header every request may carry and every response carries, and the
    problem body member that repeats it. ``pattern`` as declared (pydantic's flavour),
    ``js_pattern`` the same language in ECMA-262 for the document."""

    header: str
    member: str
    pattern: str
    js_pattern: str


@dataclass(frozen=True, slots=True)
class CacheSpec:
    """Conditional requests: ``ETag``/``If-None-Match`` on reads, ``If-Match`` on writes."""

    etag: bool
    if_match: Literal["optional", "required"] | None


@dataclass(frozen=True, slots=True)
class RateLimitSpec:
    """At most ``limit`` requests per ``window`` seconds for each ``key`` (tenant, token or
    ip); ``name`` is the policy's name in the ``RateLimit`` and ``RateLimit-Policy`` fields."""

    limit: int
    window: int
    key: Literal["tenant", "token", "ip"]
    name: str

    @property
    def quota(self) -> str:
        """What the requests that count together share: operations declaring a policy of the
        same name and key spend one quota."""
        return f"{self.name};{self.key}"

    @property
    def policy(self) -> str:
        """The ``RateLimit-Policy`` field value (IETF httpapi draft, a structured-field list)."""
        return f'"{self.name}";q={self.limit};w={self.window}'


@dataclass(frozen=True, slots=True)
class FileSpec:
    """A file part of a multipart body: its field, accepted media types (any when empty) and
    largest size in bytes (None: no limit)."""

    field: str
    media_types: tuple[str, ...]
    max_size: int | None
    required: bool


@dataclass(frozen=True, slots=True)
class ExampleSpec:
    """An operation's example as declared: a name, its path/query/header values, its body and
    the body of its success response (None where not given), checked against the models."""

    summary: str
    params: Mapping[str, Any]
    body: Any
    response: Any
    location: Location

    @property
    def key(self) -> str:
        """Its key in an OpenAPI ``examples`` map: the summary as a lower-case slug."""
        return example_key(self.summary)


def example_key(summary: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", summary.lower()).strip("-") or "example"


@dataclass(frozen=True, slots=True)
class OperationSpec:
    """One operation, fully resolved."""

    operation_id: str
    name: str
    method: str
    path: str
    summary: str
    description: str
    tags: tuple[str, ...]
    deprecated: bool
    params: tuple[ParamSpec, ...]
    body: type[BaseModel] | None
    body_schema: str | None
    status: int
    response: type[BaseModel] | None
    response_schema: str | None
    errors: tuple[ErrorCode, ...]
    tenant_scoped: bool
    idempotency: IdempotencySpec | None
    pagination: PaginationSpec | None
    cache: CacheSpec | None
    location: Location
    # The body's fields declared ``Unique()``: a value is never sent twice in a test run.
    unique: tuple[str, ...] = ()
    # Of those, the ones declared unique across every tenant (``Unique(across_tenants=True)``).
    unique_across_tenants: tuple[str, ...] = ()
    # A PUT on an item path that creates the item (201) when its id is new, else replaces it
    upsert: bool = False
    # The component of each item when the body is a bare JSON array (``-> list[Plan]``, a
    # ``LinkHeader`` page); ``response_schema`` is then the array's own component (``PlanList``).
    response_item: str | None = None
    # Response headers declared with ``headers=[ResponseHeader(...)]``, in declared order.
    response_headers: tuple[ResponseHeaderSpec, ...] = ()
    # How the body is sent: JSON, an HTML form or multipart/form-data (with ``files``).
    body_media_type: str = "application/json"
    files: tuple[FileSpec, ...] = ()
    examples: tuple[ExampleSpec, ...] = ()
    # ``rate_limit=RateLimit(...)`` from the operation, its resource or the Api.
    rate_limit: RateLimitSpec | None = None
    # The latency objective (``slo=Latency(p95="200ms")``), if declared.
    slo: LatencySpec | None = None

    def headers_of(self, status: int) -> tuple[ResponseHeaderSpec, ...]:
        """The declared headers of the response with ``status``."""
        return tuple(h for h in self.response_headers if status in h.statuses)

    @property
    def path_params(self) -> tuple[ParamSpec, ...]:
        return tuple(p for p in self.params if p.location == "path")

    @property
    def form(self) -> bool:
        """The body is a form (urlencoded or multipart), not JSON."""
        return self.body_media_type != "application/json"

    def file(self, name: str) -> FileSpec | None:
        return next((f for f in self.files if f.field == name), None)

    @property
    def error_codes(self) -> tuple[str, ...]:
        return tuple(e.code for e in self.errors)


@dataclass(frozen=True, slots=True)
class ApiSpec:
    """A whole API: metadata, auth, taxonomy, operations and component schemas."""

    title: str
    version: str
    description: str
    base_path: str
    servers: tuple[str, ...]
    contact: Mapping[str, str] | None
    license: Mapping[str, str] | None
    security_scheme: str
    security_description: str
    bearer_format: str | None
    error_type_base: str
    tags: Mapping[str, str]
    errors: tuple[ErrorCode, ...]
    operations: tuple[OperationSpec, ...]
    schemas: Mapping[str, Mapping[str, Any]]
    source: str
    relations: Relations
    # ``auth_name``: the header (``Authorization``, ``X-Api-Key``) or the cookie carrying it.
    auth_style: AuthStyle = "bearer"
    auth_name: str = "Authorization"
    # The path parameter carrying the caller's tenant (``/orgs/{org_id}/...``), if any.
    tenant_param: str | None = None
    # The request id the server echoes or makes (``Api(request_id=RequestId(...))``).
    request_id: RequestIdSpec | None = None

    def error(self, code: str) -> ErrorCode:
        for entry in self.errors:
            if entry.code == code:
                return entry
        raise KeyError(code)

    def operation(self, operation_id: str) -> OperationSpec:
        for op in self.operations:
            if op.operation_id == operation_id:
                return op
        raise KeyError(operation_id)

    def error_type(self, code: str) -> str:
        return f"{self.error_type_base}{code}"
