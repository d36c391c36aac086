"""The fleet telematics example, as `make verify-examples` drives it."""

from collections.abc import Sequence
from pathlib import Path

from examples._example import Bug, server_command

CONTRACTS = Path(__file__).parent / "contracts"
BASE_PATH = "/v1"
TENANTS = {"a": "key-fleet-alpha", "b": "key-fleet-bravo"}
TENANT_IDS: dict[str, str] = {}

BUGS = (
    Bug(
        "idem-driver-key-ignored",
        "IDEM-REPLAY",
        "POST /drivers requires an Idempotency-Key but ignores its stored answer: a retry with "
        "the same key creates again (answered 409 license_taken, the license number repeating) "
        "instead of replaying the first 201.",
    ),
    Bug(
        "page-trips-offset-skip",
        "PAGE-COMPLETE",
        "GET /trips starts every page after the first one item past its offset (offset + 1 when "
        "offset > 0): the first trip of each later page is skipped.",
    ),
    Bug(
        "ten-trips-every-fleet",
        "TEN-LIST",
        "GET /trips lists the trips of every fleet: the tenant filter is forgotten.",
    ),
    Bug(
        "ten-trip-read-any-fleet",
        "TEN-READ",
        "GET /vehicles/{vehicle_id}/trips/{trip_no} finds the vehicle by id without checking its "
        "fleet: another fleet's trip is readable.",
    ),
    Bug(
        "err-trip-plain-404",
        "ERR-PROBLEM",
        "GET /vehicles/{vehicle_id}/trips/{trip_no} answers an unknown trip (or a trip of an "
        'unknown vehicle) with 404 application/json {"error": "not found"} instead of '
        "problem+json.",
    ),
    Bug(
        "cache-vehicle-if-match-ignored",
        "CACHE-ETAG",
        "PATCH /vehicles/{vehicle_id} never compares If-Match: a stale ETag overwrites (200 "
        "instead of 412 precondition_failed).",
    ),
    Bug(
        "patch-vehicle-absent-as-null",
        "PATCH-PARTIAL",
        "PATCH /vehicles/{vehicle_id} sets every optional field left out of the body to null "
        "(a PATCH of the nickname alone clears the notes).",
    ),
    Bug(
        "rate-drivers-one-bucket",
        "RATE-TENANT",
        "GET /drivers/{driver_id} counts the lookups of every API key in one bucket instead of "
        "one per key: one fleet's burst of lookups gets the other fleet 429 rate_limited.",
    ),
)


def command(port: int, bugs: Sequence[str]) -> list[str]:
    """The server's command line on a loopback port, with the named bugs planted."""
    return server_command("examples.fleet.server", port, bugs)
