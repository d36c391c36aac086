"""The rule catalogue: every kind of change ``synth diff`` reports, with a stable id and level.

Ids follow oasdiff's kebab-case naming where oasdiff has the same rule, so a team that knows
one tool reads the other. Schema rules come in families: one *kind* of change (``max-decreased``)
applies to each *subject* a schema can describe (a request body, a property in it, a parameter;
a response body, a property in it, a response header) and its level follows from the direction:
a request breaks when the inputs the server accepts shrink, a response when the outputs a
client may receive grow.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Literal

__all__ = ["RULES", "Direction", "Level", "Rule", "rule", "schema_rule_id"]


class Level(StrEnum):
    """Whether a change can break a client that was written against the old document."""

    BREAKING = "breaking"
    NON_BREAKING = "non-breaking"


Direction = Literal["request", "response", "none"]

B, N = Level.BREAKING, Level.NON_BREAKING


@dataclass(frozen=True, slots=True)
class Rule:
    """One kind of change: its id, level, direction and a one-line description."""

    id: str
    level: Level
    direction: Direction
    description: str


# Schema kinds: (kind, level in a request, level in a response, description). ``None`` means the
# kind does not occur in that direction (a widened request type is `type-generalized`, the same
# change in a response is `type-changed`).
_T = tuple[str, Level | None, Level | None, str]
_SCHEMA_KINDS: tuple[_T, ...] = (
    ("type-changed", B, B, "the type changed to one that does not cover the old values"),
    ("type-generalized", N, None, "the type was widened (integer to number, a type added)"),
    ("type-specialized", None, N, "the type was narrowed (number to integer, a type removed)"),
    ("became-nullable", N, B, "null became a possible value"),
    ("became-not-nullable", B, N, "null is no longer a possible value"),
    ("enum-value-added", N, B, "a value was added to the enum (or const)"),
    ("enum-value-removed", B, N, "a value was removed from the enum (or const)"),
    ("became-enum", B, N, "the values were restricted to an enum (or const)"),
    ("enum-dropped", N, B, "the enum (or const) restriction was removed"),
    ("pattern-added", B, N, "a pattern was added"),
    ("pattern-removed", N, B, "the pattern was removed"),
    ("pattern-changed", B, B, "the pattern changed (a subset cannot be proven)"),
    ("format-added", B, N, "a format was added"),
    ("format-removed", N, B, "the format was removed"),
    ("format-changed", B, B, "the format changed"),
    ("format-widened", N, B, "a numeric format was widened (int32 to int64, float to double)"),
    ("format-narrowed", B, N, "a numeric format was narrowed (int64 to int32, double to float)"),
    ("multiple-of-set", B, N, "multipleOf was set"),
    ("multiple-of-unset", N, B, "multipleOf was removed"),
    ("multiple-of-changed", B, B, "multipleOf changed"),
    ("unique-items-set", B, N, "uniqueItems was set"),
    ("unique-items-unset", N, B, "uniqueItems was removed"),
    ("additional-properties-tightened", B, N, "additionalProperties now admits less"),
    ("additional-properties-loosened", N, B, "additionalProperties now admits more"),
    ("any-of-added", N, B, "a branch was added to the union (anyOf/oneOf)"),
    ("any-of-removed", B, N, "a branch was removed from the union (anyOf/oneOf)"),
    ("all-of-added", B, N, "a schema was added to allOf"),
    ("all-of-removed", N, B, "a schema was removed from allOf"),
    ("default-value-added", N, N, "a default was added"),
    ("default-value-changed", B, N, "the default changed: clients that omit the value get another"),
    ("default-value-removed", B, N, "the default was removed"),
    ("description-changed", N, N, "the description or title changed"),
    ("deprecated", N, N, "it was deprecated"),
    ("reactivated", N, N, "it is no longer deprecated"),
)

# Bounds: upper bounds tighten when decreased or set, lower bounds when increased or set.
_BOUNDS: tuple[tuple[str, str, bool], ...] = (
    ("maximum", "max", True),
    ("exclusiveMaximum", "exclusive-max", True),
    ("maxLength", "max-length", True),
    ("maxItems", "max-items", True),
    ("maxProperties", "max-properties", True),
    ("minimum", "min", False),
    ("exclusiveMinimum", "exclusive-min", False),
    ("minLength", "min-length", False),
    ("minItems", "min-items", False),
    ("minProperties", "min-properties", False),
)
BOUNDS = _BOUNDS
"""(JSON Schema keyword, rule name, whether it is an upper bound)."""


def _bound_kinds() -> list[_T]:
    kinds: list[_T] = []
    for keyword, name, upper in _BOUNDS:
        tight = ("decreased", "set") if upper else ("increased", "set")
        for event in ("decreased", "increased", "set", "unset"):
            tighter = event in tight
            kinds.append(
                (f"{name}-{event}", B if tighter else N, N if tighter else B, f"{keyword} {event}")
            )
    return kinds


SCHEMA_SUBJECTS: dict[Direction, tuple[str, ...]] = {
    "request": ("body", "property", "parameter"),
    "response": ("body", "property", "header"),
}

_OTHER: tuple[tuple[str, Level, Direction, str], ...] = (
    # operations
    ("endpoint-added", N, "none", "an operation was added"),
    ("endpoint-removed", B, "none", "an operation was removed"),
    ("endpoint-deprecated", N, "none", "an operation was deprecated"),
    ("endpoint-reactivated", N, "none", "an operation is no longer deprecated"),
    (
        "api-operation-id-changed",
        B,
        "none",
        "the operationId changed: generated SDK methods are renamed",
    ),
    ("endpoint-description-changed", N, "none", "an operation's summary or description changed"),
    ("api-tag-added", N, "none", "a tag was added to an operation"),
    ("api-tag-removed", N, "none", "a tag was removed from an operation"),
    # parameters
    ("new-required-request-parameter", B, "request", "a required parameter was added"),
    ("new-optional-request-parameter", N, "request", "an optional parameter was added"),
    (
        "request-parameter-removed",
        B,
        "request",
        "a parameter was removed: what clients send is ignored or rejected",
    ),
    ("request-parameter-became-required", B, "request", "a parameter became required"),
    ("request-parameter-became-optional", N, "request", "a parameter became optional"),
    (
        "request-path-parameter-renamed",
        N,
        "request",
        "a path parameter was renamed (same position)",
    ),
    ("request-parameter-style-changed", B, "request", "a parameter's style or explode changed"),
    # request body
    ("request-body-added-required", B, "request", "a required request body was added"),
    ("request-body-added-optional", N, "request", "an optional request body was added"),
    ("request-body-removed", B, "request", "the request body was removed"),
    ("request-body-became-required", B, "request", "the request body became required"),
    ("request-body-became-optional", N, "request", "the request body became optional"),
    ("request-body-media-type-added", N, "request", "a request media type was added"),
    ("request-body-media-type-removed", B, "request", "a request media type was removed"),
    # request properties
    ("new-required-request-property", B, "request", "a required request property was added"),
    ("new-optional-request-property", N, "request", "an optional request property was added"),
    ("request-property-removed", B, "request", "a request property was removed"),
    ("request-property-became-required", B, "request", "a request property became required"),
    ("request-property-became-optional", N, "request", "a request property became optional"),
    # responses
    ("response-success-status-added", N, "response", "a success status was added"),
    ("response-success-status-removed", B, "response", "a success status was removed (or changed)"),
    ("response-non-success-status-added", B, "response", "an error status was added"),
    ("response-non-success-status-removed", N, "response", "an error status was removed"),
    ("response-error-code-added", B, "response", "an operation may return a new error code"),
    ("response-error-code-removed", N, "response", "an operation no longer returns an error code"),
    ("response-media-type-added", N, "response", "a response media type was added"),
    ("response-media-type-removed", B, "response", "a response media type was removed"),
    ("response-body-added", N, "response", "a response that had no body has one"),
    ("response-body-removed", B, "response", "a response body was removed"),
    ("response-required-property-added", N, "response", "a required response property was added"),
    ("response-optional-property-added", N, "response", "an optional response property was added"),
    (
        "response-required-property-removed",
        B,
        "response",
        "a required response property was removed",
    ),
    (
        "response-optional-property-removed",
        B,
        "response",
        "an optional response property was removed",
    ),
    ("response-property-became-optional", B, "response", "a response property became optional"),
    ("response-property-became-required", N, "response", "a response property became required"),
    ("response-header-added", N, "response", "a response header was added"),
    ("required-response-header-removed", B, "response", "a required response header was removed"),
    ("optional-response-header-removed", B, "response", "an optional response header was removed"),
    ("response-header-became-optional", B, "response", "a response header became optional"),
    ("response-header-became-required", N, "response", "a response header became required"),
    # webhooks and callbacks: requests the server sends, so their payloads are judged as
    # responses and the receiver's answers as requests
    ("webhook-added", N, "none", "a webhook was added"),
    ("webhook-removed", B, "none", "a webhook was removed: receivers wait for events never sent"),
    ("callback-added", N, "none", "a callback was added to an operation"),
    ("callback-removed", B, "none", "a callback was removed from an operation"),
    ("webhook-parameter-added", N, "response", "a webhook or callback sends a new parameter"),
    (
        "webhook-parameter-removed",
        B,
        "response",
        "a webhook or callback parameter is no longer sent",
    ),
    (
        "webhook-parameter-became-optional",
        B,
        "response",
        "a webhook or callback parameter may be left out",
    ),
    (
        "webhook-parameter-became-required",
        N,
        "response",
        "a webhook or callback parameter is always sent",
    ),
    ("webhook-payload-added", N, "response", "a webhook or callback sends a body"),
    ("webhook-payload-removed", B, "response", "a webhook or callback no longer sends a body"),
    (
        "webhook-payload-became-optional",
        B,
        "response",
        "a webhook or callback body may be left out",
    ),
    ("webhook-payload-became-required", N, "response", "a webhook or callback body is always sent"),
    (
        "webhook-media-type-added",
        B,
        "response",
        "a webhook or callback may send a media type receivers do not read",
    ),
    ("webhook-media-type-removed", N, "response", "a webhook or callback sends fewer media types"),
    (
        "webhook-answer-status-added",
        N,
        "request",
        "the server accepts another status from the receiver",
    ),
    (
        "webhook-answer-status-removed",
        B,
        "request",
        "the server no longer accepts a status receivers answer with",
    ),
    # security
    ("api-security-removed", B, "none", "a security alternative clients use was removed"),
    ("api-security-added", N, "none", "a security alternative was added"),
    ("api-security-scope-added", B, "none", "a scope was added to a security requirement"),
    ("api-security-scope-removed", N, "none", "a scope was removed from a security requirement"),
    ("api-security-component-added", N, "none", "a security scheme was added"),
    ("api-security-component-removed", B, "none", "a security scheme was removed"),
    (
        "api-security-component-changed",
        B,
        "none",
        "a security scheme's type, scheme or location changed",
    ),
    # document
    ("api-server-added", N, "none", "a server was added"),
    ("api-server-removed", B, "none", "a server (base URL) was removed"),
    ("api-schema-added", N, "none", "a component schema was added"),
    ("api-schema-removed", N, "none", "a component schema was removed"),
    ("api-version-changed", N, "none", "info.version changed"),
    # x-synth-errors: the taxonomy
    ("error-code-added", N, "none", "an error code was added to the taxonomy"),
    ("error-code-removed", B, "none", "an error code was removed from the taxonomy"),
    ("error-code-status-changed", B, "none", "an error code's HTTP status changed"),
    ("error-code-type-changed", B, "none", "an error code's problem type URI changed"),
    ("error-code-retryable-changed", N, "none", "an error code's retryable flag changed"),
    ("error-code-description-changed", N, "none", "an error code's title or description changed"),
    # x-synth-semantics
    ("idempotency-added", N, "none", "an operation became idempotent (key optional)"),
    ("idempotency-removed", B, "none", "an operation is no longer idempotent: retries are unsafe"),
    ("idempotency-key-became-required", B, "none", "the Idempotency-Key became required"),
    ("idempotency-key-became-optional", N, "none", "the Idempotency-Key became optional"),
    ("idempotency-key-header-changed", B, "none", "the idempotency key header was renamed"),
    (
        "pagination-added",
        B,
        "none",
        "an operation became paginated: one call no longer returns everything",
    ),
    ("pagination-removed", B, "none", "an operation is no longer paginated"),
    ("pagination-order-changed", B, "none", "the page order changed"),
    ("pagination-cursor-param-changed", B, "none", "the cursor or limit parameter was renamed"),
    ("pagination-limit-max-decreased", B, "none", "the largest page a client may ask for shrank"),
    ("pagination-limit-max-increased", N, "none", "the largest page a client may ask for grew"),
    ("pagination-limit-default-changed", N, "none", "the default page size changed"),
    ("pagination-out-of-range-changed", B, "none", "the answer to an out-of-range limit changed"),
    ("pagination-filter-added", N, "none", "a list filter was added"),
    ("pagination-filter-removed", B, "none", "a list filter was removed"),
    ("pagination-filter-changed", B, "none", "a list filter's field or operator changed"),
    ("pagination-item-changed", B, "none", "the item schema of a page changed name"),
    (
        "pagination-style-changed",
        B,
        "none",
        "the pagination style changed (cursor, page token, starting after, Link header, offset, "
        "page number), or Link headers stopped carrying a keyset position",
    ),
    ("pagination-field-renamed", B, "none", "a page's items, next-page or total field was renamed"),
    ("pagination-sort-added", N, "none", "a list takes a client-chosen sort"),
    ("pagination-sort-removed", B, "none", "a list no longer takes a client-chosen sort"),
    ("pagination-sort-value-added", N, "none", "a sort parameter allows another value"),
    ("pagination-sort-value-removed", B, "none", "a sort parameter no longer allows a value"),
    (
        "pagination-sort-changed",
        B,
        "none",
        "the sort parameter was renamed, its default changed, or a value means another order",
    ),
    ("tenant-scoping-changed", B, "none", "an operation became or stopped being tenant-scoped"),
    ("conditional-etag-added", N, "none", "a GET returns an ETag"),
    ("conditional-etag-removed", B, "none", "a GET no longer returns an ETag"),
    ("conditional-if-match-added", N, "none", "a write accepts If-Match"),
    (
        "conditional-if-match-removed",
        B,
        "none",
        "a write ignores If-Match: lost-update protection is gone",
    ),
    ("conditional-if-match-became-required", B, "none", "If-Match became required"),
    ("conditional-if-match-became-optional", N, "none", "If-Match became optional"),
    (
        "rate-limit-added",
        B,
        "none",
        "an operation became rate-limited: a client within its old pace may get 429",
    ),
    ("rate-limit-removed", N, "none", "an operation is no longer rate-limited"),
    (
        "rate-limit-tightened",
        B,
        "none",
        "a rate limit allows a smaller burst or a slower pace (limit or limit per second fell)",
    ),
    ("rate-limit-loosened", N, "none", "a rate limit allows a larger burst and no slower pace"),
    (
        "rate-limit-key-changed",
        B,
        "none",
        "a rate limit counts other callers together (tenant, token or ip)",
    ),
    ("rate-limit-name-changed", N, "none", "a rate limit's policy name changed"),
)


def schema_rule_id(direction: Direction, subject: str, kind: str) -> str:
    """``request-property-max-length-decreased`` and its kin."""
    return f"{direction}-{subject}-{kind}"


def _build() -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for kind, req, resp, text in (*_SCHEMA_KINDS, *_bound_kinds()):
        sides: tuple[tuple[Direction, Level | None], ...] = (("request", req), ("response", resp))
        for direction, level in sides:
            if level is None:
                continue
            for subject in SCHEMA_SUBJECTS[direction]:
                rid = schema_rule_id(direction, subject, kind)
                rules[rid] = Rule(rid, level, direction, f"{direction} {subject}: {text}")
    for rid, level, direction, text in _OTHER:
        assert rid not in rules, rid
        rules[rid] = Rule(rid, level, direction, text)
    return dict(sorted(rules.items()))


RULES: MappingProxyType[str, Rule] = MappingProxyType(_build())
"""Every rule, by id."""


def rule(rule_id: str) -> Rule:
    """The rule with this id; a ``KeyError`` here is a bug in the differ."""
    return RULES[rule_id]
