"""Errors as RFC 9457 problem responses built from the contract's taxonomy."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from starlette.responses import Response

from synth import ApiSpec
from synth.contract import FieldError, Problem

__all__ = ["PROBLEM_JSON", "ApiError", "field_errors", "json_response", "problem_response"]

PROBLEM_JSON = "application/problem+json"

# Not in the example taxonomy: routing answers it before any operation is chosen.
_METHOD_NOT_ALLOWED = ("method_not_allowed", 405, "Method not allowed")


class ApiError(Exception):
    """An error answer: a taxonomy code, what happened and, for validation, the field errors."""

    def __init__(
        self,
        code: str,
        detail: str,
        *,
        errors: Sequence[FieldError] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
        self.errors = list(errors) if errors is not None else None
        self.headers = dict(headers or {})


def field_errors(exc: ValidationError, prefix: str) -> list[FieldError]:
    """Pydantic errors as ``{loc, msg, type}`` with ``loc`` starting at ``prefix``."""
    return [
        FieldError(loc=[prefix, *err["loc"]], msg=err["msg"], type=err["type"])
        for err in exc.errors(include_url=False, include_input=False, include_context=False)
    ]


def json_response(body: Any, status: int, headers: Mapping[str, str] | None = None) -> Response:
    return Response(
        _dumps(body), status_code=status, headers=dict(headers or {}), media_type="application/json"
    )


def problem_response(
    spec: ApiSpec, error: ApiError, request_id: str, *, with_id: bool = True
) -> Response:
    """The problem+json response for ``error``; the contract's member (``instance`` unless it
    names another) is the request id. ``with_id=False`` leaves it out (a planted bug)."""
    try:
        entry = spec.error(error.code)
        status, title = entry.status, entry.title
    except KeyError:
        if error.code == _METHOD_NOT_ALLOWED[0]:
            status, title = _METHOD_NOT_ALLOWED[1], _METHOD_NOT_ALLOWED[2]
        else:
            # Only planted bugs use codes outside the taxonomy; they still answer a problem.
            status, title = _UNDECLARED.get(error.code, (500, "Error"))
    problem = Problem(
        type=spec.error_type(error.code),
        title=title,
        status=status,
        detail=error.detail,
        code=error.code,
        errors=error.errors,
    )
    body = problem.model_dump(mode="json", exclude_none=True)
    if with_id:
        body[spec.request_id.member if spec.request_id is not None else "instance"] = request_id
    return Response(
        _dumps(body), status_code=status, headers=error.headers, media_type=PROBLEM_JSON
    )


_UNDECLARED = {
    "bad_request": (400, "Bad request"),
    "unauthorized": (401, "Unauthorized"),
    "forbidden": (403, "Forbidden"),
}


def _dumps(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
