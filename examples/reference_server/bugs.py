"""Planted bugs: switches that each reproduce one realistic defect of the reference server.

Every switch names the invariant (DESIGN.md's catalogue) that should report it, says in one
line what the defect is, and gives the shortest request sequence that shows it. The correct
server runs with no switch on; each switch changes only what its description says.

Select switches with ``create_app(bugs=...)``, ``--bugs a,b`` or ``REFERENCE_BUGS=a,b``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["BUGS", "Bug", "parse_bugs"]


@dataclass(frozen=True, slots=True)
class Bug:
    """One planted defect: its id, the invariant it trips, what it is and how to see it."""

    id: str
    invariant: str
    description: str
    sequence: str


_TABLE = (
    Bug(
        "idem-no-replay",
        "IDEM-REPLAY",
        "Completed idempotency records are never read back: a retry runs the create again.",
        "A: POST /contacts {name} Key:K -> 201 id1; A: same again -> 201 id2 (expected replay of "
        "id1 with Idempotent-Replayed: true); GET /contacts lists two.",
    ),
    Bug(
        "idem-ignore-fingerprint",
        "IDEM-MISMATCH",
        "The stored result is replayed by key alone; the request fingerprint is not compared.",
        "A: POST /contacts {name:x} Key:K -> 201; A: POST /contacts {name:y} Key:K -> 201 replay "
        "of x (expected 422 idempotency_key_reused).",
    ),
    Bug(
        "idem-no-lock",
        "IDEM-CONCURRENT",
        "Check-then-insert without an in-flight row: concurrent retries both run the create.",
        "A: two concurrent POST /contacts {name} Key:K -> 201 id1 and 201 id2 (expected one 201 "
        "and the other the same 201 or 409 idempotency_key_in_use).",
    ),
    Bug(
        "idem-key-optional",
        "IDEM-MISSING",
        "A create without an Idempotency-Key is executed instead of being refused.",
        "A: POST /jobs {kind} with no Idempotency-Key -> 202 (expected 400 "
        "idempotency_key_missing).",
    ),
    Bug(
        "idem-global-keys",
        "IDEM-TENANT-SCOPE",
        "Idempotency records are keyed by the key alone, not by (tenant, key).",
        "A: POST /contacts {name} Key:K -> 201 id1; B: POST /contacts {name} Key:K -> 201 "
        "replay of A's id1 (expected B's own new contact).",
    ),
    Bug(
        "page-skip-boundary",
        "PAGE-COMPLETE",
        "The next cursor is minted from the look-ahead row instead of the last row served, "
        "so the first item of every following page is skipped.",
        "A: create 3 contacts; GET /contacts?limit=2 -> 2 items; GET next_cursor -> 0 items "
        "(expected the third).",
    ),
    Bug(
        "page-tiebreak-asc",
        "PAGE-ORDER",
        "Interactions with equal occurred_at are ordered by id ascending, not descending.",
        "A: create a contact and 2 interactions with the same occurred_at; GET its interactions "
        "-> ids ascending (expected id desc).",
    ),
    Bug(
        "page-jobs-oldest-first",
        "PAGE-ORDER",
        "Jobs are listed oldest first (created_at asc, id asc) instead of newest first.",
        "A: POST /jobs twice; GET /jobs -> the first job first (expected newest first).",
    ),
    Bug(
        "page-limit-unbounded",
        "PAGE-LIMIT",
        "The limit's maximum is not enforced: limit=101 (or 1000) is served as asked.",
        "A: GET /contacts?limit=101 -> 200 (expected 422 validation_failed).",
    ),
    Bug(
        "page-overfull",
        "PAGE-LIMIT",
        "The look-ahead row is served too: pages hold limit+1 items.",
        "A: create 3 contacts; GET /contacts?limit=2 -> 3 items.",
    ),
    Bug(
        "page-overflow-at-max",
        "PAGE-LIMIT",
        "At the declared maximum the look-ahead row is served too: limit=100 answers 101 items.",
        "A: create 101 contacts; GET /contacts?limit=100 -> 101 items (expected 100).",
    ),
    Bug(
        "page-default-limit",
        "PAGE-LIMIT",
        "Without a limit the page holds the maximum (100), not the declared default (20).",
        "A: create 21 contacts; GET /contacts -> 21 items (expected 20).",
    ),
    Bug(
        "val-bound-off-by-one",
        "ERR-VALIDATION",
        "max_attempts is checked against 11, one past the declared maximum of 10: 11 is accepted.",
        "A: POST /jobs {kind, max_attempts: 11} -> 202 (expected 422 validation_failed naming "
        "max_attempts).",
    ),
    Bug(
        "val-truncate-at-bound",
        "VAL-BOUND",
        "A contact's name is stored in a column one character narrower than the declared 200: "
        "a name of exactly 200 characters loses its last one.",
        "A: POST /contacts {name: 200 characters} -> 201 with 199 (expected the name as sent).",
    ),
    Bug(
        "idem-key-length-off-by-one",
        "IDEM-REPLAY",
        "Idempotency keys are checked against 254 characters, one short of the declared 255: "
        "the longest declared key is refused.",
        "A: POST /contacts {name} with a 255-character Idempotency-Key -> 422 (expected 201, "
        "and the same answer replayed for the same key).",
    ),
    Bug(
        "page-end-cursor",
        "PAGE-END",
        "next_cursor is set whenever a page is full, so an exact multiple of limit ends with a "
        "cursor to an empty page.",
        "A: create 2 contacts; GET /contacts?limit=2 -> 2 items and a non-null next_cursor; "
        "GET it -> empty page.",
    ),
    Bug(
        "page-offset",
        "PAGE-CONCURRENT",
        "The cursor carries an offset (LIMIT/OFFSET), so inserts during a walk shift items.",
        "A: create c1,c2,c3; GET /contacts?limit=2 -> c3,c2; create c4; GET next_cursor -> c2 "
        "again.",
    ),
    Bug(
        "page-q-case-sensitive",
        "PAGE-FILTER",
        "The q filter is a case-sensitive substring match.",
        "A: create {name: Alice}; GET /contacts?q=alice -> empty (expected Alice).",
    ),
    Bug(
        "page-cursor-500",
        "PAGE-CURSOR",
        "Cursors are decoded without error handling: a malformed cursor is a 500.",
        "A: GET /contacts?cursor=garbage -> 500 (expected 400 invalid_cursor).",
    ),
    Bug(
        "page-cursor-unsigned",
        "PAGE-CURSOR",
        "Cursors are neither signed nor bound to a tenant or list: tampered and foreign cursors "
        "are honoured.",
        "A: create 3 contacts; GET /contacts?limit=1 -> cursor C; B: GET /contacts?cursor=C -> "
        "200 (expected 400 invalid_cursor).",
    ),
    Bug(
        "ten-list-tag",
        "TEN-LIST",
        "The contacts list forgets the tenant condition when filtering by tag.",
        "A: POST /contacts {name, tags:[t]}; B: GET /contacts?tag=t -> A's contact.",
    ),
    Bug(
        "ten-read-403",
        "TEN-READ",
        "Reading another tenant's contact answers 403 forbidden, revealing that it exists.",
        "A: POST /contacts -> id; B: GET /contacts/id -> 403 (a random id gets 404).",
    ),
    Bug(
        "ten-read-leak",
        "TEN-READ",
        "GET /contacts/{id} looks the contact up by id alone: another tenant reads it whole.",
        "A: POST /contacts -> id; B: GET /contacts/id -> 200 with A's contact.",
    ),
    Bug(
        "ten-write-unscoped",
        "TEN-WRITE",
        "PATCH and DELETE of a contact look it up by id alone, in any tenant.",
        "A: POST /contacts -> id; B: PATCH /contacts/id {name:z} -> 200; A: GET /contacts/id "
        "-> name z.",
    ),
    Bug(
        "ten-child-unscoped",
        "TEN-CHILD",
        "Creating an interaction checks that the parent contact exists in any tenant.",
        "A: POST /contacts -> id; B: POST /contacts/id/interactions {...} -> 201 (expected 404).",
    ),
    Bug(
        "ten-assign-owner",
        "TEN-ASSIGN",
        "A tenant_id (or owner) field in the create-contact body is honoured, not rejected.",
        "B: POST /contacts {name, tenant_id: a} -> 201; A: GET /contacts lists it (expected 422 "
        "validation_failed).",
    ),
    Bug(
        "ten-email-global",
        "TEN-NONINTERFERENCE",
        "Email uniqueness is checked across all tenants.",
        "A: POST /contacts {email: e}; B: POST /contacts {email: e} -> 409 email_taken "
        "(expected 201: B's answer depends on what A did).",
    ),
    Bug(
        "err-plain-404",
        "ERR-PROBLEM",
        "GET /contacts/{id} of a missing contact answers a text/plain 'Not Found'.",
        "A: GET /contacts/<random uuid> -> 404 text/plain.",
    ),
    Bug(
        "err-bad-request",
        "ERR-DECLARED",
        "An unparseable JSON body answers 400 with the undeclared code bad_request.",
        "A: POST /jobs '{' Key:K -> 400 code bad_request (declared: invalid_request).",
    ),
    Bug(
        "err-unauthorized-code",
        "ERR-DECLARED",
        "A missing or unknown token answers 401 with the undeclared code unauthorized.",
        "GET /jobs without Authorization -> 401 code unauthorized (declared: unauthenticated).",
    ),
    Bug(
        "err-validation-no-errors",
        "ERR-VALIDATION",
        "422 validation_failed carries no errors list naming the field.",
        "A: POST /contacts {name: ''} Key:K -> 422 without errors.",
    ),
    Bug(
        "cache-etag-per-read",
        "CACHE-ETAG",
        "The ETag is derived from the read, not the contact: it changes on every GET and "
        "If-None-Match never matches.",
        "A: POST /contacts -> id; GET /contacts/id -> ETag E; GET with If-None-Match: E -> 200 "
        "(expected 304).",
    ),
    Bug(
        "err-unknown-key-ignored",
        "ERR-VALIDATION",
        "Unknown keys in a request body are dropped before validation instead of refused.",
        "A: POST /contacts {name, synth_unknown_field: 1} Key:K -> 201 (expected 422 "
        "validation_failed naming synth_unknown_field).",
    ),
    Bug(
        "patch-absent-as-null",
        "PATCH-PARTIAL",
        "PATCH /contacts/{id} writes null into email and phone when the body leaves them out "
        "(the parsed body applied whole).",
        "A: POST /contacts {name, email} -> id; PATCH /contacts/id {name} -> 200; GET "
        "/contacts/id -> email null (expected the email unchanged).",
    ),
    Bug(
        "request-id-not-echoed",
        "OBS-REQUEST-ID",
        "The request id middleware always makes its own id: a client's X-Request-Id is dropped.",
        "A: GET /contacts with X-Request-Id: R -> 200 with X-Request-Id: req_... (expected R).",
    ),
    Bug(
        "problem-without-request-id",
        "OBS-REQUEST-ID",
        "Problems raised by authentication (401) are built without the request id in instance.",
        "GET /contacts with no token, X-Request-Id: R -> 401 whose body has no instance "
        "(expected instance R).",
    ),
    Bug(
        "rate-not-enforced",
        "RATE-LIMIT",
        "GET /jobs/{id} counts requests but never refuses one: its declared limit (20 per "
        "5 s per tenant) is not kept.",
        "A: POST /jobs -> id; wait 5 s; A: GET /jobs/id 41 times at once -> 200 each "
        "(expected 429 rate_limited after the 20th).",
    ),
    Bug(
        "rate-shared-across-tenants",
        "RATE-TENANT",
        "GET /jobs/{id} counts every tenant's requests together: one tenant's burst throttles "
        "all the others.",
        "A: POST /jobs -> id; B: POST /jobs -> id2; wait 5 s; A: GET /jobs/id 40 times at "
        "once, some 429; B: GET /jobs/id2 -> 429 (expected 200: B sent nothing in the window).",
    ),
    Bug(
        "rate-no-retry-after",
        "RATE-RETRY-AFTER",
        "GET /jobs/{id} answers 429 without the Retry-After header, so a client cannot tell "
        "when to retry.",
        "A: POST /jobs -> id; wait 5 s; A: GET /jobs/id 40 times at once -> 429s with no "
        "Retry-After (expected Retry-After: <seconds>).",
    ),
    # Not a catalogue invariant: the latency objectives `synth test --enforce-slo` judges.
    Bug(
        "slow-operation",
        "SLO",
        "GET /contacts/{id} takes 250 ms, past the 200 ms p95 its contract declares.",
        "A: GET /contacts/id, twenty times or more -> each answer after 250 ms (expected p95 "
        "at most 200 ms).",
    ),
    # Not a catalogue invariant: the schema conformance check (schemathesis) sees a declared
    # required response header missing.
    Bug(
        "location-missing",
        "CONFORMANCE",
        "POST /contacts answers 201 without the Location header its contract declares required.",
        "A: POST /contacts {name} Key:K -> 201 with no Location (expected Location: "
        "/api/v1/contacts/<id>).",
    ),
)

BUGS: dict[str, Bug] = {bug.id: bug for bug in _TABLE}
"""Every planted bug by id."""


def parse_bugs(value: str | Iterable[str] | None) -> frozenset[str]:
    """Parse ``"a,b"`` (or an iterable of ids) into a set of known bug ids; unknown ids raise."""
    if value is None:
        return frozenset()
    items = value.split(",") if isinstance(value, str) else list(value)
    ids = frozenset(item.strip() for item in items if item.strip())
    unknown = sorted(ids - BUGS.keys())
    if unknown:
        raise ValueError(
            f"unknown bug switch(es) {', '.join(unknown)}; known: {', '.join(sorted(BUGS))}"
        )
    return ids
