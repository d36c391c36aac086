"""Templates of the Python SDK: ``string.Template`` constants with ``$named`` placeholders.

Generated code is written here already in ``ruff format`` style (a test checks it), so no
formatter has to run when the SDK is generated.
"""

from __future__ import annotations

from ..._template import Template

__all__ = [
    "BASE",
    "CLIENT",
    "ERRORS",
    "ERROR_CLASS",
    "INIT",
    "PYPROJECT",
    "RUNTIME",
]

BASE = Template('''\
# $provenance
"""The base of every model: strict validation, and types exactly as the JSON Schema formats say.

Pydantic's strict mode still takes a date-time without an offset, a unix time as a string and
a UUID without hyphens; the OpenAPI formats ``date-time`` and ``uuid`` do not, so neither do
these models. ``uniqueItems`` has no Pydantic constraint, so the base checks it.
"""

from __future__ import annotations

import datetime
import re
import uuid
from dataclasses import dataclass
from typing import Annotated, Any, Self

import pydantic
from pydantic import BaseModel, BeforeValidator, ConfigDict, PrivateAttr, Strict, model_validator

__all__ = ["UUID", "AwareDatetime", "Model", "ResponseMeta", "response_meta"]

_RFC3339 = re.compile(
    r"\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})", re.ASCII
)
_UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}", re.ASCII)

# Fields whose JSON Schema says ``uniqueItems``, by model.
_UNIQUE_ITEMS: dict[str, tuple[str, ...]] = $unique_items


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


@dataclass(frozen=True, slots=True)
class ResponseMeta:
    """What the response said besides its body."""

    status: int
    etag: str | None
    idempotent_replayed: bool
    idempotency_key: str | None


class Model(BaseModel):
    """Strict validation, as the contracts validate."""

    model_config = ConfigDict(strict=True)

    _response: ResponseMeta | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _unique_items(self) -> Self:
        for name in _UNIQUE_ITEMS.get(type(self).__name__, ()):
            items = getattr(self, name)
            for index, item in enumerate(items or ()):
                if item in items[:index]:
                    raise ValueError(f"{name}: items must be unique; {item!r} appears twice")
        return self

    def __eq__(self, other: object) -> bool:
        """Equal fields make equal models, whichever response each came from."""
        if not isinstance(other, BaseModel):
            return NotImplemented
        return type(self) is type(other) and self.__dict__ == other.__dict__


def response_meta(model: Model) -> ResponseMeta | None:
    """Status, ``ETag`` and idempotency of the response a model came from; None if built here."""
    return model._response
''')

RUNTIME = Template('''\
# $provenance
"""Request plumbing shared by ``Client`` and ``AsyncClient``."""

from __future__ import annotations

import datetime
import enum
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import ValidationError

from ._base import Model, ResponseMeta
from .errors import NotModified, UnexpectedResponse, error_for
from .models import Problem

M = TypeVar("M", bound=Model)

BASE_PATH = $base_path
PROBLEM_JSON = "application/problem+json"


@dataclass(frozen=True, slots=True)
class Call:
    """One request, before it is sent."""

    method: str
    path: str
    params: tuple[tuple[str, str], ...] = ()
    headers: dict[str, str] = field(default_factory=dict)
    json: Any = None


def new_idempotency_key() -> str:
    return str(uuid.uuid4())


def text(value: object) -> str:
    """A path, query or header value as the API spells it."""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return str(value)


def path(template: str, **values: object) -> str:
    return template.format(**{k: quote(text(v), safe="") for k, v in values.items()})


def query(values: Mapping[str, object]) -> tuple[tuple[str, str], ...]:
    """Query pairs; None means absent, a list repeats the parameter."""
    pairs: list[tuple[str, str]] = []
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, list | tuple):
            pairs.extend((name, text(item)) for item in value)
        else:
            pairs.append((name, text(value)))
    return tuple(pairs)


def headers(values: Mapping[str, object]) -> dict[str, str]:
    return {name: text(value) for name, value in values.items() if value is not None}


def body(model: Model) -> Any:
    """The JSON body: only the fields the caller set, so an update changes only those."""
    return model.model_dump(mode="json", by_alias=True, exclude_unset=True)


def default_headers(token: str | None, extra: Mapping[str, str] | None) -> dict[str, str]:
    out = {"Accept": f"application/json, {PROBLEM_JSON}"}
    if token is not None:
        out["Authorization"] = f"Bearer {token}"
    out.update(extra or {})
    return out


def parse(response: httpx.Response, status: int, model: type[M]) -> M:
    """The success body as ``model``, or the typed error the response stands for."""
    check(response, status)
    try:
        value = model.model_validate_json(response.content)
    except ValidationError as exc:
        raise UnexpectedResponse(
            response, f"the {status} body does not match {model.__name__}: {exc}"
        ) from exc
    value._response = meta(response)
    return value


def check(response: httpx.Response, status: int) -> None:
    if response.status_code == status:
        return
    if response.status_code == 304:
        raise NotModified(response)
    if response.status_code >= 400:
        raise problem(response)
    raise UnexpectedResponse(response, f"expected status {status}, got {response.status_code}")


def problem(response: httpx.Response) -> Exception:
    media = response.headers.get("content-type", "").split(";")[0].strip()
    if media != PROBLEM_JSON:
        return UnexpectedResponse(response, f"a {response.status_code} response that is {media!r}")
    try:
        parsed = Problem.model_validate_json(response.content)
    except ValidationError as exc:
        return UnexpectedResponse(response, f"a problem body that is not a Problem: {exc}")
    return error_for(parsed, response)


def meta(response: httpx.Response) -> ResponseMeta:
    return ResponseMeta(
        status=response.status_code,
        etag=response.headers.get("etag"),
        idempotent_replayed=response.headers.get("idempotent-replayed") == "true",
        idempotency_key=response.request.headers.get($idempotency_header),
    )
''')

ERRORS = Template('''\
# $provenance
"""Errors the client raises; a problem response becomes the class of its error code.

SdkError
├── ApiError             a problem response (RFC 9457), ``problem`` is its parsed body
$tree
├── NotModified          304: the ``If-None-Match`` ETag still matches
└── UnexpectedResponse   a response the contract does not describe
"""

from __future__ import annotations

from typing import ClassVar

import httpx

from .models import Problem

__all__ = $all


class SdkError(Exception):
    """Base of every error this client raises."""


class ApiError(SdkError):
    """A problem response; ``problem`` is its body, ``code`` its error code."""

    CODE: ClassVar[str] = ""
    STATUS: ClassVar[int] = 0
    RETRYABLE: ClassVar[bool] = False

    def __init__(self, problem: Problem, response: httpx.Response) -> None:
        super().__init__(f"{problem.status} {problem.code}: {problem.detail or problem.title}")
        self.problem = problem
        self.response = response

    @property
    def code(self) -> str:
        return self.problem.code

    @property
    def status(self) -> int:
        return self.response.status_code


class NotModified(SdkError):
    """304 Not Modified: the representation you hold (its ETag) is current."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__("304 Not Modified")
        self.response = response
        self.etag = response.headers.get("etag")


class UnexpectedResponse(SdkError):
    """A response the contract does not describe (status, media type or body)."""

    def __init__(self, response: httpx.Response, message: str) -> None:
        super().__init__(f"{response.request.method} {response.request.url}: {message}")
        self.response = response


$classes

ERRORS: dict[str, type[ApiError]] = {
$table
}


def error_for(problem: Problem, response: httpx.Response) -> ApiError:
    """The exception of the problem's code; ``ApiError`` itself for a code not in the taxonomy."""
    return ERRORS.get(problem.code, ApiError)(problem, response)
''')

ERROR_CLASS = Template('''\
class $name(ApiError):
    """$status $code: $title."""

    CODE = $code_repr
    STATUS = $status
    RETRYABLE = $retryable
''')

CLIENT = Template('''\
# $provenance
"""$title: typed clients, one method per operation.

``Client`` is synchronous and ``AsyncClient`` asynchronous; both take the server's URL (the
API's base path ``$base_path`` is appended) and a bearer token. Problem responses raise the
exception of their error code (``errors``); idempotent operations send a fresh
``Idempotency-Key`` unless you give one; ``iter_*`` methods follow cursors across pages.
"""

from __future__ import annotations

$imports

import httpx

from . import _runtime, models
from ._runtime import BASE_PATH, Call

__all__ = ["AsyncClient", "Client"]


class Client:
    """The synchronous client; use it as a context manager or call ``close()``."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        base_path: str = BASE_PATH,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._http = httpx.Client(
            base_url=base_url.rstrip("/") + base_path,
            headers=_runtime.default_headers(token, headers),
            timeout=timeout,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _send(self, call: Call) -> httpx.Response:
        return self._http.request(
            call.method, call.path, params=call.params, headers=call.headers, json=call.json
        )
$sync_methods

class AsyncClient:
    """The asynchronous client; use it as an async context manager or await ``aclose()``."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        base_path: str = BASE_PATH,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/") + base_path,
            headers=_runtime.default_headers(token, headers),
            timeout=timeout,
            transport=transport,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def _send(self, call: Call) -> httpx.Response:
        return await self._http.request(
            call.method, call.path, params=call.params, headers=call.headers, json=call.json
        )
$async_methods''')

INIT = Template('''\
# $provenance
"""$title: a typed Python client (sync and async) generated from the contracts."""

from . import errors, models
from ._base import ResponseMeta, response_meta
from .client import AsyncClient, Client
from .errors import (
$error_imports
)

__all__ = $all
''')

PYPROJECT = Template("""\
# $provenance
[build-system]
requires = ["setuptools>=69"]
build-backend = "setuptools.build_meta"

[project]
name = "$dist_name"
version = "$version"
description = "Typed Python client of $title, generated by synth."
requires-python = ">=3.11"
dependencies = ["httpx>=0.28", "pydantic[email]>=2.11,<3", "typing-extensions>=4.12"]

[tool.setuptools.packages.find]
include = ["$package*"]

[tool.setuptools.package-data]
$package = ["py.typed"]
""")
