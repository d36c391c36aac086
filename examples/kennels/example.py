"""The kennel bookings example, as `make verify-examples` drives it."""

from collections.abc import Sequence
from pathlib import Path

from examples._example import Bug, server_command

CONTRACTS = Path(__file__).parent / "contracts"
BASE_PATH = "/v1"
TENANTS = {"a": "key-kennels-alpha", "b": "key-kennels-bravo"}
TENANT_IDS: dict[str, str] = {}

BUGS = (
    Bug(
        "idem-bookings-key-global",
        "IDEM-TENANT-SCOPE",
        "POST /bookings keeps every tenant's idempotency keys in one store instead of one per "
        "tenant: B's booking sent with a key A already used replays A's booking (201 with "
        "Idempotent-Replayed, A's booking id, nothing created for B), or is 422 "
        "idempotency_key_reused when the bodies differ.",
    ),
    Bug(
        "page-bookings-offset-skip",
        "PAGE-COMPLETE",
        "GET /bookings starts every page after the first one item past its offset (offset + 1 "
        "when offset > 0): the first booking of each later page is skipped; total is right.",
    ),
    Bug(
        "ten-run-read-any-tenant",
        "TEN-READ",
        "GET /kennels/{kennel_code}/runs/{run_no}, when the caller has no such run, falls back "
        "to a run of that kennel code and number in any tenant (kennel codes are chosen by each "
        "tenant, so two tenants may both have LON01): another tenant's run is readable, even "
        "where the caller has no kennel of that code.",
    ),
    Bug(
        "err-kennel-put-plain-422",
        "ERR-PROBLEM",
        "PUT /kennels/{kennel_code} answers an invalid body or kennel code with the web "
        'framework\'s default 422 application/json {"detail": [...]} instead of problem+json '
        "validation_failed; its other errors are problem+json.",
    ),
    Bug(
        "cache-kennel-etag-static",
        "CACHE-ETAG",
        "GET /kennels/{kennel_code} derives its ETag from the kennel code and created_at alone: "
        "a PUT that replaces the kennel keeps the ETag, so the stale If-None-Match still gets "
        "304.",
    ),
    Bug(
        "upsert-kennel-created-200",
        "UPSERT-STATUS",
        "PUT /kennels/{kennel_code} answers 200 when it creates the kennel (a code not in use) "
        "instead of 201; the kennel is stored as sent.",
    ),
    Bug(
        "rate-bookings-one-bucket",
        "RATE-TENANT",
        "GET /bookings/{booking_id} counts the lookups of every tenant in one window instead of "
        "one per tenant: one tenant's burst of lookups gets the other tenant 429 rate_limited.",
    ),
)


def command(port: int, bugs: Sequence[str]) -> list[str]:
    """The server's command line on a loopback port, with the named bugs planted."""
    return server_command("examples.kennels.server", port, bugs)
