"""Base classes and strict scalar types for contract models.

Contract models validate strictly (``"5"`` is not an integer): what the OpenAPI document
says must be exactly what the server accepts. Pydantic's strict mode still takes some JSON
strings that the documented formats forbid, so the types here close those gaps.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar
from uuid import UUID as _UUID

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    Strict,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

__all__ = ["UUID", "DateTime", "Model", "Page", "RequestModel", "Unique", "UniqueItems"]

# RFC 3339 section 5.6 date-time: offset required, seconds required.
_RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", re.ASCII
)
# RFC 9562 textual form: 8-4-4-4-12 hex digits with hyphens; pydantic also takes 32 bare digits.
_UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}", re.ASCII)


def _rfc3339(value: Any) -> Any:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _RFC3339.fullmatch(value):
        raise ValueError("expected an RFC 3339 date-time with offset, e.g. 2024-05-01T12:00:00Z")
    return value


def _uuid_text(value: Any) -> Any:
    if isinstance(value, str) and not _UUID_TEXT.fullmatch(value):
        raise ValueError("expected a hyphenated UUID, e.g. 1b4e28ba-2fa1-11d2-883f-0016d3cca427")
    return value


# Strict(False): after the check above, the value reaches Pydantic as a Python ``str``, which
# strict mode refuses (it takes strings only from JSON); the check is stricter than either mode.
DateTime = Annotated[AwareDatetime, Strict(False), BeforeValidator(_rfc3339)]
"""A date-time exactly as JSON Schema's ``date-time`` format says: RFC 3339, with offset."""

UUID = Annotated[_UUID, BeforeValidator(_uuid_text)]
"""A UUID in its hyphenated textual form only, as JSON Schema's ``uuid`` format says."""


class Model(BaseModel):
    """Base for response models: strict validation, unknown keys ignored.

    A field with a default is always in a response (the server serializes every field), so
    the response schema marks it required.
    """

    model_config = ConfigDict(strict=True, json_schema_serialization_defaults_required=True)


class RequestModel(BaseModel):
    """Base for request bodies: strict validation and unknown fields rejected, at every depth.

    A field whose default is None may be omitted, and omitted is not null: the schema has no
    null default for it, and ``model_fields_set`` tells a handler which fields were sent.
    """

    model_config = ConfigDict(
        strict=True, extra="forbid", json_schema_serialization_defaults_required=True
    )


T = TypeVar("T")


class Page(Model, Generic[T]):
    """One page of a cursor-paginated list; ``next_cursor`` is null on the last page."""

    items: list[T]
    next_cursor: str | None


# The field names of a page, for every reader of one (the loader, the SDKs, the test runtime):
# taken from ``Page`` itself, so they cannot disagree with it.
PAGE_ITEMS, PAGE_NEXT = tuple(Page.model_fields)


# The JSON Schema keyword (an OpenAPI extension) that marks a property declared ``Unique()``.
UNIQUE_KEYWORD = "x-synth-unique"
# Beside it, on a property unique across every tenant (``Unique(across_tenants=True)``).
ACROSS_TENANTS_KEYWORD = "x-synth-unique-across-tenants"
REF_KEYWORD = "x-synth-ref"


class Unique:
    """``Annotated[T, Unique()]`` on a request field: its value is unique within its scope.

    The scope is the tenant, or the parent item for items nested under one; a duplicate is
    answered by a declared 409. Validation is unchanged; the property carries ``x-synth-unique:
    true`` in the OpenAPI document, and ``synth test`` never sends one value twice in a run
    as one tenant. Two tenants may hold the same value: TEN-NONINTERFERENCE has tenant B send
    the value A sent, and a server that refuses it leaks what A holds.

    ``Unique(across_tenants=True)``: one value in the whole service (a subdomain, a public
    handle), by design; the property also carries ``x-synth-unique-across-tenants: true``, and
    no check sends one value as two tenants.
    """

    def __init__(self, *, across_tenants: bool = False) -> None:
        self.across_tenants = across_tenants

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema[UNIQUE_KEYWORD] = True
        if self.across_tenants:
            json_schema[ACROSS_TENANTS_KEYWORD] = True
        return json_schema

    def __repr__(self) -> str:
        return "Unique(across_tenants=True)" if self.across_tenants else "Unique()"


class Ref:
    """``Annotated[T, Ref("/members")]`` on a request field: it names an item of a collection.

    The value must be the id of an existing item of that collection, of the caller's own
    tenant (``LoanCreate.member_id``). Validation is unchanged; the property carries
    ``x-synth-ref: "/members"`` in the OpenAPI document, and ``synth test`` creates such an
    item first (as the tenant sending the body) and sends its id. A field named like the
    collection's id parameter (``member_id`` for ``/members/{member_id}``), of the same type,
    is inferred to reference it without the marker.
    """

    def __init__(self, collection: str) -> None:
        if not collection.startswith("/"):
            raise ValueError(
                f"Ref({collection!r}): give the collection's path, e.g. Ref('/members')"
            )
        self.collection = collection.rstrip("/")

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema[REF_KEYWORD] = self.collection
        return json_schema

    def __repr__(self) -> str:
        return f"Ref({self.collection!r})"


def ref_fields(model: type[BaseModel]) -> dict[str, str]:
    """The JSON names of ``model``'s fields declared ``Ref(...)``, with the collection path."""
    return {
        field.alias or name: m.collection
        for name, field in model.model_fields.items()
        for m in field.metadata
        if isinstance(m, Ref)
    }


def unique_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The JSON names of ``model``'s fields declared ``Unique()``, in field order."""
    return tuple(
        field.alias or name
        for name, field in model.model_fields.items()
        if any(isinstance(m, Unique) for m in field.metadata)
    )


class UniqueItems:
    """``Annotated[list[T], UniqueItems()]``: reject repeated items, as ``uniqueItems`` says.

    Pydantic has no such constraint (a ``set`` silently drops repeats and loses order).
    """

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(_unique, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["uniqueItems"] = True
        return json_schema


def _unique(items: list[Any]) -> list[Any]:
    seen: list[Any] = []
    for item in items:
        if item in seen:
            raise ValueError(f"items must be unique; {item!r} appears more than once")
        seen.append(item)
    return items
