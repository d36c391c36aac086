"""``ApiSpec``: the one immutable model of a whole API that every emitter reads.

Built by ``synth.loader.load`` from the contract modules; no emitter imports a contract
module or sees a declaration object. JSON Schemas are computed once, here, so emitters do
not ask Pydantic again.
"""

from __future__ import annotations

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
    "FilterSpec",
    "IdempotencySpec",
    "OperationSpec",
    "OrderKey",
    "PaginationSpec",
    "ParamSpec",
]

ParamLocation = Literal["path", "query", "header"]
# How a tenant's credential is sent: ``Authorization: Bearer``, an API-key header, a cookie.
AuthStyle = Literal["bearer", "header", "cookie"]


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
class PaginationSpec:
    """Cursor pagination: parameters, limit rules, order (last key breaks ties) and filters."""

    cursor_param: str
    limit_param: str
    limit: Limit
    order: tuple[OrderKey, ...]
    filters: tuple[FilterSpec, ...]
    item: type[BaseModel]
    item_schema: str
    items_field: str  # the page's list of items
    next_field: str  # the page's cursor to the next page, null on the last

    @property
    def tiebreaker(self) -> OrderKey:
        return self.order[-1]


@dataclass(frozen=True, slots=True)
class IdempotencySpec:
    """The ``Idempotency-Key`` header: whether it is required."""

    required: bool
    header: str = "Idempotency-Key"


@dataclass(frozen=True, slots=True)
class CacheSpec:
    """Conditional requests: ``ETag``/``If-None-Match`` on reads, ``If-Match`` on writes."""

    etag: bool
    if_match: Literal["optional", "required"] | None


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
    # A PUT on an item path that creates the item (201) when its id is new, else replaces it
    upsert: bool = False

    @property
    def path_params(self) -> tuple[ParamSpec, ...]:
        return tuple(p for p in self.params if p.location == "path")

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
