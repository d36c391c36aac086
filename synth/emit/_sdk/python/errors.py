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

__all__ = ["ApiError", "NotModified", "SdkError", "UnexpectedResponse", "error_for"]  # slot: all


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


# slot: classes


ERRORS: dict[str, type[ApiError]] = {
    # slot: table
}


def error_for(problem: Problem, response: httpx.Response) -> ApiError:
    """The exception of the problem's code; ``ApiError`` itself for a code not in the taxonomy."""
    return ERRORS.get(problem.code, ApiError)(problem, response)
