"""The error taxonomy: its codes checked once, and the codes an operation's semantics imply."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

from .._errors import Location
from ..contract import ErrorCode, Idempotency
from ._common import Op
from ._problems import Problems

__all__ = ["ERROR_CODE", "KEY_MISSING", "check_taxonomy", "implied_by", "implied_codes"]

# An error code: snake_case (`email_taken`).
ERROR_CODE = re.compile(r"[a-z][a-z0-9_]*")
# The answer to a request without the Idempotency-Key: only where the key is required.
KEY_MISSING = "idempotency_key_missing"
# What an operation declares or does -> the error codes it can answer with because of it.
_IMPLIED = {
    "idempotent": ("idempotency_key_reused", "idempotency_key_in_use"),
    "key_required": (KEY_MISSING,),
    "paginated": ("invalid_cursor",),
    "tenant": ("unauthenticated",),
    "lookup": ("not_found",),
    "input": ("validation_failed",),
    "body": ("invalid_request",),
    "if_match": ("precondition_failed",),
    "if_match_required": ("precondition_required",),
    "always": ("internal_error",),
    "limited": ("rate_limited",),
}
# The status each implied code conventionally has (RFC 9110), offered in the fix.
_STATUS = {
    "idempotency_key_missing": 400,
    "idempotency_key_reused": 422,
    "idempotency_key_in_use": 409,
    "invalid_cursor": 400,
    "unauthenticated": 401,
    "not_found": 404,
    "validation_failed": 422,
    "invalid_request": 400,
    "precondition_failed": 412,
    "precondition_required": 428,
    "internal_error": 500,
    "rate_limited": 429,
}
_REASON = {
    "idempotent": "idempotent=...",
    "key_required": "a required Idempotency-Key (idempotent=True)",
    "paginated": "paginated=...",
    "tenant": "tenant scoping",
    "lookup": "a path parameter",
    "input": "taking input",
    "body": "a request body",
    "if_match": "cacheable writes (If-Match)",
    "if_match_required": "cacheable=Conditional.REQUIRED (If-Match required)",
    "always": "every operation",
    "limited": "rate_limit=...",
}


def check_taxonomy(errors: Iterable[ErrorCode], problems: Problems) -> dict[str, ErrorCode]:
    """The declared error codes by code, each checked for its spelling, status and uniqueness."""
    taxonomy: dict[str, ErrorCode] = {}
    for entry in errors:
        if not ERROR_CODE.fullmatch(entry.code):
            problems.add(
                entry.location,
                f"error code {entry.code!r} is not snake_case",
                "use lower-case letters, digits and underscores, e.g. 'email_taken'",
            )
        if not 400 <= entry.status <= 599:
            problems.add(
                entry.location,
                f"error code {entry.code!r} has status {entry.status}; an error status is 400..599",
                "use a 4xx or 5xx status",
            )
        first = taxonomy.get(entry.code)
        if first is None:
            taxonomy[entry.code] = entry
        elif first.status != entry.status:
            problems.add(
                entry.location,
                f"error code {entry.code!r} is declared with two "
                f"statuses: {first.status} at {first.location} and {entry.status} here",
                "a code has exactly one status; rename one of them",
            )
        else:
            problems.add(
                entry.location,
                f"error code {entry.code!r} is declared twice (first at {first.location})",
                "declare it once and import it",
            )
    return taxonomy


def implied_by(
    op: Op,
    *,
    tenant: bool,
    paginated: bool,
    if_match: Literal["optional", "required"] | None,
    numbered: bool = False,
    limited: bool = False,
) -> list[str]:
    """What about ``op`` implies error codes: keys of ``_IMPLIED``, in the order they report.

    ``if_match``: whether the write takes ``If-Match`` (412 when stale), and whether it must
    (428 without it). ``numbered``: the list pages by offset, page number or Link header, so
    the client never sends a position the server could find invalid as a cursor (a bad
    number is ``validation_failed``): ``invalid_cursor`` is not implied. ``limited``: the
    operation declares a rate limit (429 ``rate_limited``).
    """
    implied = ["always"]
    if tenant:
        implied.append("tenant")
    if any(s.location == "path" for _, s in op.params):
        implied.append("lookup")
    if op.body is not None or op.params or paginated:
        implied.append("input")
    if op.body is not None:
        implied.append("body")
    if op.decl.idempotent is not None:
        implied.append("idempotent")
    if op.decl.idempotent is Idempotency.REQUIRED:
        implied.append("key_required")
    if paginated and not numbered:
        implied.append("paginated")
    if if_match is not None:
        implied.append("if_match")
    if if_match == "required":
        implied.append("if_match_required")
    if limited:
        implied.append("limited")
    return implied


def implied_codes(
    name: str,
    where: Location,
    reasons: Iterable[str],
    taxonomy: dict[str, ErrorCode],
    *,
    missing: set[str],
    problems: Problems,
) -> dict[str, ErrorCode]:
    """The codes ``reasons`` imply; a code the taxonomy lacks is reported once per load.

    ``missing`` holds the codes already reported, shared by every operation.
    """
    codes: dict[str, ErrorCode] = {}
    for reason in reasons:
        for code in _IMPLIED[reason]:
            if code in taxonomy:
                codes[code] = taxonomy[code]
            elif code not in missing:
                missing.add(code)
                problems.add(
                    where,
                    f"{name}: {_REASON[reason]} implies error code "
                    f"{code!r}, which the taxonomy lacks (reported once)",
                    f"declare it: api.error({code!r}, {_STATUS.get(code, '<status>')}, "
                    f"{code.replace('_', ' ').capitalize()!r}, <description>)",
                )
    return codes
