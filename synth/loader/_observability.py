"""The API's request id and each operation's latency objective: checked, then carried in the spec."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Annotated

import pydantic_core
from pydantic import StringConstraints, TypeAdapter, ValidationError

from .._errors import Location, SchemaError
from ..contract import Api, Latency, OperationDecl
from ..contract._observability import parse_duration
from ..regex import translate_regex
from ..spec import LatencySpec, OperationSpec, RequestIdSpec
from ._common import TOKEN
from ._problems import Problems

__all__ = ["check_request_id", "id_matcher", "with_slo"]

_MEMBER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Members every problem body has already, with meanings of their own (``instance`` is free).
_PROBLEM_MEMBERS = {"type", "title", "status", "detail", "code", "errors"}
# Headers synth and HTTP use for something else.
_TAKEN = {"authorization", "cookie", "content-type", "idempotency-key", "if-match",
          "if-none-match", "accept", "host", "content-length", "etag"}  # fmt: skip
# What ``synth test`` sends: a UUID, which every declared pattern must accept.
_A_UUID = "3f2b8c1e-9d4a-4e7b-8c2f-1a6d5e4b3c2a"


def id_matcher(pattern: str) -> TypeAdapter[str]:
    """A validator of ids against ``pattern``, read as pydantic reads a field's pattern."""
    return TypeAdapter(Annotated[str, StringConstraints(pattern=pattern)])


def check_request_id(
    api: Api, operations: Sequence[OperationSpec], problems: Problems
) -> RequestIdSpec | None:
    """The declared request id, or None where there is none or it cannot be used."""
    declared = api.request_id
    if declared is None:
        return None
    where, what = api.location, "Api(request_id=RequestId(...))"
    header, member, pattern = declared.header, declared.member, declared.pattern
    usable = True
    if not isinstance(header, str) or not TOKEN.fullmatch(header):
        problems.add(where, f"{what}: header={header!r} is not a valid header name",
                     'use letters, digits and \'-\'; e.g. RequestId(header="X-Request-Id")')  # fmt: skip
        usable = False
    elif header.lower() in _TAKEN or header.lower() == api_auth_header(api):
        problems.add(where, f"{what}: header={header!r} is a header synth and HTTP use for "
                     "something else", 'name the id\'s own header; e.g. "X-Request-Id"')  # fmt: skip
        usable = False
    else:
        for op in operations:
            if any(p.location == "header" and p.name.lower() == header.lower() for p in op.params):
                problems.add(op.location, f"{op.name}: declares the header parameter {header!r}, "
                             "which the API's RequestId already puts on every operation",
                             "remove the parameter; the request id is declared once, on Api(...)")  # fmt: skip
                usable = False
    if not isinstance(member, str) or not _MEMBER.fullmatch(member):
        problems.add(where, f"{what}: member={member!r} is not a JSON member name synth "
                     "accepts", 'use letters, digits and \'_\'; e.g. member="request_id"')  # fmt: skip
        usable = False
    elif member in _PROBLEM_MEMBERS:
        problems.add(where, f"{what}: member={member!r} already means something else in a "
                     "problem body", 'use "instance" or a member of its own, e.g. "request_id"')  # fmt: skip
        usable = False
    js = _pattern(where, what, pattern, problems)
    if js is None or not usable:
        return None
    return RequestIdSpec(header, member, pattern, js)


def api_auth_header(api: Api) -> str:
    header = getattr(api.auth, "header", None)
    return header.lower() if isinstance(header, str) else "authorization"


def _pattern(where: Location, what: str, pattern: object, problems: Problems) -> str | None:
    """The ECMA-262 form of ``pattern``, or None (reported) where it cannot be used."""
    if not isinstance(pattern, str) or not pattern:
        problems.add(where, f"{what}: pattern={pattern!r} is not a regular expression",
                     "leave it out for ids of letters, digits and _.:- up to 128 characters")  # fmt: skip
        return None
    try:
        js = translate_regex(pattern, "RequestId.pattern")
        matcher = id_matcher(pattern)
    except (SchemaError, pydantic_core.SchemaError) as exc:  # ours, or pydantic's refusal
        problems.add(where, f"{what}: pattern={pattern!r} is not a pattern synth can read: {exc}",
                     "write it as a field's pattern is written (docs/models.md)")  # fmt: skip
        return None
    try:
        matcher.validate_python(_A_UUID)
    except ValidationError:
        problems.add(where, f"{what}: pattern={pattern!r} refuses a UUID ({_A_UUID}), which "
                     "synth test sends as its own request id",
                     "widen the pattern to accept UUIDs, e.g. ^[A-Za-z0-9_.:-]{1,128}$")  # fmt: skip
        return None
    return js.source


def with_slo(decl: OperationDecl, op: OperationSpec, problems: Problems) -> OperationSpec:
    """``op`` with its declared latency objective, checked (``slo=Latency(p95="200ms")``)."""
    slo = decl.slo
    if slo is None:
        return op
    where, what = decl.location, f"{decl.name}: slo="
    example = 'slo=Latency(p95="200ms") (from synth.contract)'
    if not isinstance(slo, Latency):
        problems.add(where, f"{what}{slo!r} is not a Latency", f"pass {example}")
        return op
    bounds: dict[str, float] = {}
    for name in ("p50", "p95", "p99"):
        given = getattr(slo, name)
        if given is None:
            continue
        ms = parse_duration(given)
        if ms is None:
            problems.add(where, f"{what}Latency({name}={given!r}): not a duration",
                         f'write it in ms or s: {name}="200ms" or {name}="1.5s"')  # fmt: skip
            return op
        bounds[name] = ms
    if not bounds:
        problems.add(where, f"{what}Latency() names no percentile", f"pass {example}")
        return op
    ordered = list(bounds.values())
    if ordered != sorted(ordered):
        problems.add(where, f"{what}{slo!r}: a higher percentile has a lower bound",
                     "a p99 is at least the p95, which is at least the p50")  # fmt: skip
        return op
    return dataclasses.replace(op, slo=LatencySpec(**bounds))
