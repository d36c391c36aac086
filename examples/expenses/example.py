"""The expense reports example, as `make verify-examples` drives it."""

from collections.abc import Sequence
from pathlib import Path

from examples._example import Bug, server_command

CONTRACTS = Path(__file__).parent / "contracts"
BASE_PATH = "/v1"
TENANTS = {"a": "key-a", "b": "key-b"}
TENANT_IDS: dict[str, str] = {}

BUGS = (
    Bug(
        "cursor-unsigned",
        "PAGE-CURSOR",
        "GET /reports/{report_id}/lines follows a cursor without verifying it: neither its "
        "signature nor the tenant it names is checked, so an edited cursor is honoured (its "
        "position n: 1 -> 0 lists the first line again) instead of 400 invalid_cursor; the "
        "report id in it must still be the list's and the position a whole number.",
    ),
    Bug(
        "idem-global",
        "IDEM-TENANT-SCOPE",
        "POST /reports keeps every tenant's idempotency keys in one store instead of one per "
        "tenant: B's report sent with a key A already used replays A's report (201 with "
        "Idempotent-Replayed, A's id, nothing created for B), or is 422 "
        "idempotency_key_reused when the bodies differ.",
    ),
    Bug(
        "idem-replay-200",
        "IDEM-REPLAY",
        "POST /reports answers a replay (same key, same body, the first request done) 200 "
        "instead of the status stored with the key (201); the body, Location and "
        "Idempotent-Replayed: true are as stored, and nothing new is created.",
    ),
    Bug(
        "page-reports-overlap",
        "PAGE-COMPLETE",
        "GET /reports starts every page after the first one report early ((page - 1) * "
        "per_page - 1): the last report of each page is listed again first on the next.",
    ),
    Bug(
        "ten-line-any-tenant",
        "TEN-READ",
        "GET /reports/{report_id}/lines/{line_no}, when the caller has no report of that id, "
        "takes the report of that id in any tenant: another tenant's line is readable, where "
        "an id that exists nowhere is 404 not_found. The report itself and its lines list "
        "are still refused.",
    ),
    Bug(
        "patch-note-cleared",
        "PATCH-PARTIAL",
        "PATCH /reports/{report_id} sets note from the body whether or not it was sent: a "
        "PATCH that leaves note out (a title alone) clears it to null. title is still kept "
        "when left out.",
    ),
    Bug(
        "err-limit-invalid-request",
        "ERR-DECLARED",
        "GET /reports/{report_id}/lines answers a limit that is not a whole number from 1 to "
        "20 with 400 invalid_request (a code listLines does not declare) instead of 422 "
        "validation_failed naming limit.",
    ),
    Bug(
        "err-auth-plain-401",
        "ERR-PROBLEM",
        "A missing or unknown X-Api-Key is answered 401 application/json "
        '{"error": "unauthorized"} by the authentication layer, on every operation, instead '
        "of problem+json unauthenticated.",
    ),
    Bug(
        "rate-no-retry-after",
        "RATE-RETRY-AFTER",
        "The 429 rate_limited of GET /reports/{report_id} has no Retry-After header; its "
        "RateLimit-Policy and RateLimit (t: the seconds to the window's end) are as before.",
    ),
)


def command(port: int, bugs: Sequence[str]) -> list[str]:
    """The server's command line on a loopback port, with the named bugs planted."""
    return server_command("examples.expenses.server", port, bugs)
