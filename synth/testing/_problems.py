"""The error model's rules for one answer, written once: ERR-PROBLEM and ERR-DECLARED.

The ERR-PROBLEM and ERR-DECLARED checks judge the answers to their probes with these, and
schemathesis conformance judges every answer to its cases with them. Each rule returns what
the answer should have been (the "expected" of a report), or None when the answer keeps it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

__all__ = [
    "PROBLEM_JSON",
    "ProblemRule",
    "declared",
    "problem_code",
    "problem_fields",
    "problem_media_type",
    "problem_object",
    "problem_status",
]

PROBLEM_JSON = "application/problem+json"

# ``(HTTP status, media type without parameters, parsed body)`` -> what was expected, or None.
ProblemRule = Callable[[int, str, Any], str | None]


def problem_code(body: Any) -> str | None:
    """The ``code`` of a parsed problem body, or None where it has none (or is no object)."""
    code = body.get("code") if isinstance(body, dict) else None
    return code if isinstance(code, str) else None


def problem_media_type(status: int, media_type: str, body: Any) -> str | None:
    """ERR-PROBLEM: an error answer is ``application/problem+json``."""
    return None if media_type == PROBLEM_JSON else f"HTTP {status} as {PROBLEM_JSON}"


def problem_object(status: int, media_type: str, body: Any) -> str | None:
    """ERR-PROBLEM: the problem is a JSON object."""
    return None if isinstance(body, dict) else "a JSON object problem body"


def problem_fields(status: int, media_type: str, body: Any) -> str | None:
    """ERR-PROBLEM: ``type``, ``title`` and ``code`` are non-empty strings."""
    for name in ("type", "title", "code"):
        value = body.get(name) if isinstance(body, dict) else None
        if not isinstance(value, str) or not value:
            return f"problem field {name!r} as a non-empty string"
    return None


def problem_status(status: int, media_type: str, body: Any) -> str | None:
    """ERR-PROBLEM: the problem's ``status`` is the HTTP status (a number, not a boolean)."""
    value = body.get("status") if isinstance(body, dict) else None
    if value == status and not isinstance(value, bool):
        return None
    return f"problem field 'status' equal to the HTTP status {status}"


def declared(status: int, code: Any, allowed: Collection[tuple[int, str]]) -> str | None:
    """ERR-DECLARED: the answer's ``(status, code)`` is one the operation declares."""
    if (status, code) in allowed:
        return None
    shown = ", ".join(f"{s} {c}" for s, c in sorted(allowed))
    return f"a declared (status, code): one of {shown}"
