# $provenance
"""Request plumbing shared by ``Client`` and ``AsyncClient``."""

from __future__ import annotations

import asyncio
import datetime
import email.utils
import enum
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import TypeAdapter, ValidationError

from ._base import Model, ResponseMeta
from .errors import NotModified, UnexpectedResponse, error_for
from .models import Problem

M = TypeVar("M", bound=Model)

BASE_PATH = "/api"  # slot: base_path
# How the client's token is sent: "bearer" (Authorization: Bearer TOKEN), "header"
# (AUTH_NAME: TOKEN, an API key) or "cookie" (Cookie: AUTH_NAME=TOKEN, a session).
AUTH_STYLE = "bearer"  # slot: auth_style
AUTH_NAME = "Authorization"  # slot: auth_name
PROBLEM_JSON = "application/problem+json"


@dataclass(frozen=True, slots=True)
class Call:
    """One request, before it is sent."""

    method: str
    path: str
    params: tuple[tuple[str, str], ...] = ()
    headers: dict[str, str] = field(default_factory=dict)
    json: Any = None
    # A form body: ``data`` for urlencoded fields, ``files`` for multipart parts (httpx's own).
    data: Any = None
    files: Any = None


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
    """The JSON body: the fields the caller gave and nothing else, so an update changes only those.

    A field left out is ``MISSING`` and is not sent; one given as None is sent as null (which
    clears it, where the field is nullable). A default is not sent either: the server fills it.
    """
    return model.model_dump(mode="json", by_alias=True, exclude_unset=True)


def _fields(model: Model) -> list[tuple[str, Any]]:
    """The fields the caller set, each list item apart (a form repeats the field)."""
    dumped = model.model_dump(mode="python", by_alias=True, exclude_unset=True)
    out: list[tuple[str, Any]] = []
    for name, value in dumped.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            if item is not None:
                out.append((name, item))
    return out


def urlencoded(model: Model) -> dict[str, list[str]]:
    """An ``application/x-www-form-urlencoded`` body (httpx ``data=``): each field as text.

    httpx takes a mapping alone (a list of pairs fails when the request is read); a list value
    repeats its field (``channels=email&channels=post``), which is how a form sends a list.
    """
    out: dict[str, list[str]] = {}
    for name, value in _fields(model):
        out.setdefault(name, []).append(text(value))
    return out


def multipart(model: Model, files: Mapping[str, tuple[str, str]]) -> list[tuple[str, Any]]:
    """A ``multipart/form-data`` body (httpx ``files=``): the file fields (``files``: field ->
    file name and media type) as file parts, every other field as a text part."""
    parts: list[tuple[str, Any]] = []
    for name, value in _fields(model):
        if name in files and isinstance(value, bytes):
            filename, media_type = files[name]
            parts.append((name, (filename, value, media_type)))
        else:
            # No file name: a text field. Sent as a part even when no file is, so the body
            # stays multipart (httpx urlencodes ``data=`` alone).
            parts.append((name, (None, text(value))))
    return parts


def default_headers(token: str | None, extra: Mapping[str, str] | None) -> dict[str, str]:
    out = {"Accept": f"application/json, {PROBLEM_JSON}"}
    if token is not None and AUTH_STYLE == "bearer":
        out["Authorization"] = f"Bearer {token}"
    elif token is not None and AUTH_STYLE == "cookie":
        out["Cookie"] = f"{AUTH_NAME}={token}"
    elif token is not None:
        out[AUTH_NAME] = token
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


def parse_list(response: httpx.Response, status: int, item: type[M]) -> list[M]:
    """A success body that is a JSON array of ``item``, or the typed error the response stands for.

    Each item carries the response's meta (``response_meta``), as a model body does.
    """
    check(response, status)
    try:
        values: list[M] = TypeAdapter(list[item]).validate_json(  # type: ignore[valid-type]
            response.content
        )
    except ValidationError as exc:
        raise UnexpectedResponse(
            response, f"the {status} body does not match list[{item.__name__}]: {exc}"
        ) from exc
    found = meta(response)
    for value in values:
        value._response = found
    return values


# A 429 is sent again after its ``Retry-After`` (at most ``MAX_RETRY_AFTER`` seconds, 1 s when
# the header is absent or unreadable), at most ``rate_limit_retries`` times (a client option);
# the request was not acted on, so sending it again is safe.
MAX_RETRY_AFTER = 30.0


def retry_after(response: httpx.Response, cap: float = MAX_RETRY_AFTER) -> float | None:
    """How long to wait before sending a request refused with 429 again; None: not a 429."""
    if response.status_code != 429:
        return None
    value = response.headers.get("retry-after", "").strip()
    if value.isdigit():
        return min(float(value), cap)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 1.0
    if when.tzinfo is None:
        return 1.0
    now = datetime.datetime.now(datetime.UTC)
    return min(max(0.0, (when - now).total_seconds()), cap)


def pause(seconds: float) -> None:
    time.sleep(seconds)


async def apause(seconds: float) -> None:
    await asyncio.sleep(seconds)


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
        idempotency_key=response.request.headers.get("$idempotency_header"),
        headers=response.headers,
    )
