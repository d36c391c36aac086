"""Each operation's declared response headers (``headers=[ResponseHeader(...)]``), checked."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ..contract import ErrorCode, OperationDecl, ResponseHeader
from ..spec import CacheSpec, PaginationSpec, ResponseHeaderSpec
from ._common import type_name
from ._problems import Problems
from ._schemas import Refs

__all__ = ["response_headers"]

# RFC 9110 token: the characters a field name may have.
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# Fields HTTP itself frames the message with; OpenAPI ignores a Content-Type header object.
_FRAMING = {"content-type", "content-length", "transfer-encoding", "connection"}
_SCALARS = {"string", "integer", "number", "boolean"}
# A description for the usual headers, when the contract gives none.
_DESCRIPTIONS = {
    "location": "The URL of the resource this response refers to (the created one, on a 201).",
    "retry-after": "Seconds to wait (or the HTTP date to wait until) before trying again.",
    "ratelimit-limit": "The requests allowed in the current window.",
    "ratelimit-remaining": "The requests left in the current window.",
    "ratelimit-reset": "Seconds until the current window resets.",
    "etag": "The representation's entity tag.",
    "cache-control": "How the response may be cached.",
}


def response_headers(  # noqa: PLR0917 (what the operation builder knows by then)
    decl: OperationDecl,
    errors: Sequence[ErrorCode],
    pagination: PaginationSpec | None,
    cache: CacheSpec | None,
    refs: Refs,
    components: Mapping[str, Any],
    problems: Problems,
) -> tuple[ResponseHeaderSpec, ...]:
    """The declared headers as specs; each mistake is reported at the declaration."""
    where = decl.location
    success = (decl.status, 201) if decl.upsert else (decl.status,)
    known = set(success) | {e.status for e in errors}
    if cache is not None and cache.etag:
        known.add(304)
    managed = _managed(decl, pagination, cache)
    out: list[ResponseHeaderSpec] = []
    seen: dict[tuple[int, str], int] = {}
    for i, header in enumerate(decl.headers):
        if not isinstance(header, ResponseHeader):
            problems.add(
                where,
                f"{decl.name}: headers=[...] takes ResponseHeader(...) objects, not "
                f"{header!r} ({type(header).__name__})",
                'declare each header as ResponseHeader("Location", description="...")',
            )
            continue
        what = f"{decl.name}: ResponseHeader({header.name!r})"
        if not _name_ok(header, what, managed, problems, decl):
            continue
        statuses = _statuses(header, what, success, known, problems, decl)
        if statuses is None:
            continue
        if not isinstance(header.required, bool) or not isinstance(header.description, str):
            problems.add(
                where,
                f"{what}: required= takes True or False and description= a string, not "
                f"required={header.required!r}, description={header.description!r}",
                'e.g. ResponseHeader("Location", required=True, description="...")',
            )
            continue
        key = (decl.name, f"header:{i}")
        if key not in refs:
            continue  # its type has no schema: _schemas said so, at this line
        schema = dict(refs[key])
        if not _scalar(schema, components):
            problems.add(
                where,
                f"{what}: its type {type_name(header.type)} is not one scalar value; a header "
                "carries text: a string, number, boolean or enum",
                'declare the header\'s own type, e.g. ResponseHeader("RateLimit-Remaining", '
                "int); several values go in several headers, and one the server may leave "
                "out is required=False, not Optional",
            )
            continue
        for status in statuses:
            if seen.setdefault((status, header.name.lower()), i) != i:
                problems.add(
                    where,
                    f"{what}: declared twice for the {status} response",
                    "declare each header once per status (names are case-insensitive)",
                )
        described = (
            header.description
            or schema.pop("description", "")
            or _DESCRIPTIONS.get(header.name.lower(), f"The `{header.name}` header.")
        )
        schema.pop("description", None)
        schema.pop("title", None)
        out.append(ResponseHeaderSpec(header.name, statuses, header.required, schema, described))
    return tuple(out)


def _managed(
    decl: OperationDecl, pagination: PaginationSpec | None, cache: CacheSpec | None
) -> dict[str, str]:
    """Headers synth documents itself from a declared semantic: name -> the option."""
    out: dict[str, str] = {}
    if cache is not None and cache.etag:
        out["etag"] = "cacheable=True"
    if decl.idempotent is not None:
        out["idempotent-replayed"] = "idempotent=..."
    if pagination is not None and pagination.style == "link":
        out["link"] = "paginated=LinkHeader(...)"
    return out


def _name_ok(
    header: ResponseHeader,
    what: str,
    managed: Mapping[str, str],
    problems: Problems,
    decl: OperationDecl,
) -> bool:
    name = header.name
    if not isinstance(name, str) or not _TOKEN.fullmatch(name):
        problems.add(
            decl.location,
            f"{decl.name}: ResponseHeader({name!r}): not a valid header name",
            "use letters, digits and '-' (RFC 9110 token), e.g. \"RateLimit-Remaining\"",
        )
        return False
    if name.lower() in _FRAMING:
        problems.add(
            decl.location,
            f"{what}: HTTP frames every message with {name} itself; OpenAPI ignores it as a "
            "declared header",
            "leave it out: the media type and length come with every response",
        )
        return False
    if name.lower() in managed:
        problems.add(
            decl.location,
            f"{what}: already declared by {managed[name.lower()]}, which documents and checks it",
            "leave it out of headers=[...]",
        )
        return False
    return True


def _statuses(  # noqa: PLR0917 (one call site)
    header: ResponseHeader,
    what: str,
    success: tuple[int, ...],
    known: set[int],
    problems: Problems,
    decl: OperationDecl,
) -> tuple[int, ...] | None:
    raw = header.status
    if raw is None:
        return success
    given: list[Any] = list(raw) if isinstance(raw, list | tuple) else [raw]
    if not given or not all(isinstance(s, int) and not isinstance(s, bool) for s in given):
        problems.add(
            decl.location,
            f"{what}: status={raw!r} is not a status code or a list of them",
            f"name the response status that carries it, e.g. status={success[0]}",
        )
        return None
    unknown = [s for s in given if s not in known]
    if unknown:
        listed = ", ".join(str(s) for s in sorted(known))
        problems.add(
            decl.location,
            f"{what}: status={raw!r}, but {decl.name} declares no "
            f"{', '.join(str(s) for s in unknown)} response (its responses: {listed})",
            "name one of its statuses, or declare the error that answers with it in errors=[...]",
        )
        return None
    return tuple(dict.fromkeys(given))


def _scalar(schema: Mapping[str, Any], components: Mapping[str, Any]) -> bool:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        schema = components.get(ref.rsplit("/", 1)[-1], {})
    kind = schema.get("type")
    if isinstance(kind, str):
        return kind in _SCALARS
    return "enum" in schema and all(isinstance(v, str | int | float | bool) for v in schema["enum"])
