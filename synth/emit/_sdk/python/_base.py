# $provenance
"""The base of every model: strict validation, and types exactly as the JSON Schema formats say.

Pydantic's strict mode still takes a date-time without an offset, a unix time as a string and
a UUID without hyphens; the OpenAPI formats ``date-time`` and ``uuid`` do not, so neither do
these models. ``uniqueItems`` has no Pydantic constraint, so the base checks it.
"""

from __future__ import annotations

import datetime
import enum
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Protocol, Self

import httpx
import pydantic
from pydantic import (
    MISSING,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    GetCoreSchemaHandler,
    PrivateAttr,
    Strict,
    model_validator,
)
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

__all__ = [
    "UUID",
    "AwareDatetime",
    "IntEnum",
    "Model",
    "ResponseHeaders",
    "ResponseMeta",
    "StrEnum",
    "response_meta",
]

_RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", re.ASCII
)
_UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}", re.ASCII)

# Fields whose JSON Schema says ``uniqueItems``, by model.
_UNIQUE_ITEMS: dict[str, tuple[str, ...]] = {}  # slot: unique_items


def _rfc3339(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value
    if not isinstance(value, str) or not _RFC3339.fullmatch(value):
        raise ValueError("expected an RFC 3339 date-time with offset, e.g. 2024-05-01T12:00:00Z")
    return value


def _uuid_text(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value
    if not isinstance(value, str) or not _UUID_TEXT.fullmatch(value):
        raise ValueError("expected a hyphenated UUID, e.g. 1b4e28ba-2fa1-11d2-883f-0016d3cca427")
    return value


# Strict(False) only behind the exact-format check: after a before-validator pydantic-core
# validates the string as Python input, and strict Python date-times and UUIDs refuse strings.
AwareDatetime = Annotated[pydantic.AwareDatetime, Strict(False), BeforeValidator(_rfc3339)]
UUID = Annotated[uuid.UUID, Strict(False), BeforeValidator(_uuid_text)]


def _member_or_value(cls: type[enum.Enum], value: Any, kind: type) -> Any:
    """The member whose value ``value`` is, when it is the enum's kind of value."""
    if not isinstance(value, kind) or isinstance(value, cls | bool):
        return value
    try:
        return cls(value)
    except ValueError:
        expected = " or ".join(repr(member.value) for member in cls)
        raise PydanticCustomError(
            "enum", "Input should be {expected}", {"expected": expected}
        ) from None


# The contract declares an enum as ``Literal`` values, which take ``"italian"`` as well as a
# member; a strict enum would take the member alone. Lax validation would go further than the
# contract (``b"italian"`` for a string, ``"1"`` for an integer), so only a value of the enum's
# kind is looked up, and anything else is left to the strict enum, which refuses it.
class StrEnum(enum.StrEnum):
    """An enum of the contract's strings: a field takes a member or its value."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_before_validator_function(
            lambda value: _member_or_value(cls, value, str), handler(source)
        )


class IntEnum(enum.IntEnum):
    """An enum of the contract's integers: a field takes a member or its value."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_before_validator_function(
            lambda value: _member_or_value(cls, value, int), handler(source)
        )


@dataclass(frozen=True, slots=True)
class ResponseMeta:
    """What the response said besides its body."""

    status: int
    etag: str | None
    idempotent_replayed: bool
    idempotency_key: str | None
    # Every header received, names in lower case (``headers["location"]``); the ones the
    # contract declares come typed from ``headers.<Operation>Headers.of(value)``.
    headers: Mapping[str, str] = field(default_factory=dict)


class Model(BaseModel):
    """Strict validation, as the contracts validate."""

    model_config = ConfigDict(strict=True)

    _response: ResponseMeta | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _unique_items(self) -> Self:
        for name in _UNIQUE_ITEMS.get(type(self).__name__, ()):
            items = getattr(self, name)
            if items is None or items is MISSING:  # null, or a field the caller left out
                continue
            for index, item in enumerate(items):
                if item in items[:index]:
                    raise ValueError(f"{name}: items must be unique; {item!r} appears twice")
        return self

    def __eq__(self, other: object) -> bool:
        """Equal fields make equal models, whichever response each came from."""
        if not isinstance(other, BaseModel):
            return NotImplemented
        return type(self) is type(other) and self.__dict__ == other.__dict__


class _Received(Protocol):
    """An error raised for a response (``errors.ApiError``, ``errors.NotModified``)."""

    @property
    def response(self) -> httpx.Response: ...


class ResponseHeaders(BaseModel):
    """The response headers an operation's contract declares, typed (``headers.py``).

    Header values are text on the wire: ``"5"`` is read as the integer 5 where the contract
    says ``int`` (lax validation here, unlike the strict body models).
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    @classmethod
    def of(cls, value: Model | ResponseMeta | _Received) -> Self:
        """The declared headers of the response ``value`` came from (or of that response's
        meta, or of the error response an ``ApiError`` or ``NotModified`` was raised for);
        ``ValueError`` for a model built here, ``ValidationError`` when a required header is
        missing or one does not match its type."""
        if isinstance(value, Model):
            if value._response is None:
                raise ValueError(f"this {type(value).__name__} was built here, not received")
            received: Mapping[str, str] = value._response.headers
        elif isinstance(value, ResponseMeta):
            received = value.headers
        else:
            received = value.response.headers
        return cls.model_validate({name.lower(): text for name, text in received.items()})


def response_meta(model: Model) -> ResponseMeta | None:
    """Status, ``ETag`` and idempotency of the response a model came from; None if built here."""
    return model._response
