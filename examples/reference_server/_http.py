"""Request plumbing: request ids, authentication and validation of path, query and body."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from synth.contract import UUID, FieldError
from synth.spec import ParamSpec

from ._compat import json_model
from ._problems import ApiError, field_errors

__all__ = [
    "REQUEST_ID_KEY",
    "RequestIdMiddleware",
    "authenticate",
    "body_model",
    "path_uuid",
    "query_filter",
    "query_limit",
    "request_id",
]

M = TypeVar("M", bound=BaseModel)

REQUEST_ID_KEY = "reference.request_id"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")
_INTEGER = re.compile(r"[+-]?[0-9]{1,30}")
_UUID_ADAPTER: TypeAdapter[Any] = TypeAdapter(UUID)


class RequestIdMiddleware:
    """Takes the request id header (or makes one), stores it in the scope and echoes it back.

    ``header`` and ``pattern`` are the contract's (``RequestId``); ``echo=False`` is the
    planted bug ``request-id-not-echoed``: a client's id is replaced by one of the server's.
    """

    def __init__(
        self,
        app: ASGIApp,
        header: str = "X-Request-Id",
        pattern: str = _REQUEST_ID.pattern,
        echo: bool = True,
    ) -> None:
        self.app = app
        self.header = header.lower().encode("latin-1")
        self.pattern = re.compile(pattern)
        self.echo = echo

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(self.header, b"").decode("latin-1")
        valid = self.echo and self.pattern.search(given) is not None
        rid = given if valid else f"req_{uuid.uuid4().hex}"
        scope[REQUEST_ID_KEY] = rid

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((self.header, rid.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_id)


def request_id(request: Request) -> str:
    return str(request.scope.get(REQUEST_ID_KEY) or f"req_{uuid.uuid4().hex}")


def authenticate(request: Request, tokens: Mapping[str, str], code: str) -> str:
    """The tenant of the bearer token; ``code`` (normally unauthenticated) otherwise."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    tenant = tokens.get(token.strip()) if scheme.lower() == "bearer" else None
    if tenant is None:
        detail = "Send Authorization: Bearer <token>." if not header else "Unknown bearer token."
        raise ApiError(code, detail, headers={"WWW-Authenticate": "Bearer"})
    return tenant


def _invalid(loc: list[str | int], msg: str, type_: str) -> ApiError:
    return ApiError(
        "validation_failed",
        "The request does not match the schema.",
        errors=[FieldError(loc=loc, msg=msg, type=type_)],
    )


def _param_errors(exc: ValidationError, where: str, name: str) -> list[FieldError]:
    return [
        FieldError(loc=[where, name], msg=err["msg"], type=err["type"])
        for err in exc.errors(include_url=False, include_input=False, include_context=False)
    ]


def path_uuid(request: Request, name: str) -> str:
    """A path parameter that must be a hyphenated UUID; lower-cased."""
    raw = request.path_params[name]
    try:
        return str(_UUID_ADAPTER.validate_python(raw))
    except ValidationError as exc:
        raise ApiError(
            "validation_failed",
            f"The path parameter {name} is not a UUID.",
            errors=_param_errors(exc, "path", name),
        ) from exc


def query_limit(request: Request, name: str, default: int, low: int, high: int | None) -> int:
    """The page size; ``high`` None means no maximum (a planted bug)."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not _INTEGER.fullmatch(raw):
        raise _invalid(["query", name], "Input should be a valid integer", "int_parsing")
    value = int(raw)
    if value < low:
        raise _invalid(
            ["query", name], f"Input should be greater than or equal to {low}", "greater_than_equal"
        )
    if high is not None and value > high:
        raise _invalid(
            ["query", name], f"Input should be less than or equal to {high}", "less_than_equal"
        )
    return value


_ADAPTERS: dict[int, TypeAdapter[Any]] = {}


def _adapter(annotation: Any) -> TypeAdapter[Any]:
    adapter = _ADAPTERS.get(id(annotation))
    if adapter is None:
        adapter = _ADAPTERS[id(annotation)] = TypeAdapter(annotation)
    return adapter


def query_filter(request: Request, param: ParamSpec) -> Any:
    """A filter value validated with the contract's annotation; None when absent."""
    raw = request.query_params.get(param.name)
    if raw is None:
        return None
    try:
        value = _adapter(param.annotation).validate_python(raw)
    except ValidationError as exc:
        raise ApiError(
            "validation_failed",
            f"The query parameter {param.name} is invalid.",
            errors=_param_errors(exc, "query", param.name),
        ) from exc
    return getattr(value, "value", value)


def body_model(model: type[M], raw: bytes, *, errors_list: bool = True) -> M:
    """The body validated in JSON mode: 400 invalid_request if unparseable, else 422."""
    try:
        validated: M = json_model(model).model_validate_json(raw)
        return validated
    except ValidationError as exc:
        if any(err["type"] == "json_invalid" for err in exc.errors()):
            raise ApiError("invalid_request", "The body is not parseable JSON.") from exc
        raise ApiError(
            "validation_failed",
            "The body does not match the schema.",
            errors=field_errors(exc, "body") if errors_list else None,
        ) from exc
