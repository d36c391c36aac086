"""The Gridwise energy-monitoring example, as `make verify-examples` drives it."""

from collections.abc import Sequence
from pathlib import Path

from examples._example import Bug, server_command

CONTRACTS = Path(__file__).parent / "contracts"
BASE_PATH = "/v1"
TENANTS = {"a": "SECRET_A", "b": "SECRET_B"}
TENANT_IDS: dict[str, str] = {}

BUGS = (
    Bug(
        "val-meter-label-59",
        "VAL-BOUND",
        "POST /sites/{site_id}/meters refuses a label of 60 characters, the declared maximum, "
        "with 422 validation_failed naming body.label (a hand-written check off by one: 59 "
        "at most); labels of 1 to 59 characters are stored as sent. The user's own planted bug "
        "(label59).",
    ),
    Bug(
        "page-meters-status-ignored",
        "PAGE-FILTER",
        "GET /meters validates its status filter (and binds it into the page token) and then "
        "does not apply it: active and retired meters are listed alike (site_id, kind and "
        "serial_prefix still apply). The user's own planted bug (nostatus).",
    ),
    Bug(
        "ten-meter-read-any-tenant",
        "TEN-READ",
        "GET /meters/{meter_id} looks the meter up in every tenant's store when the caller has "
        "none of that id: another tenant's meter is readable (200), where an id that exists "
        "nowhere is 404 not_found. Listing, retiring and deleting it are still refused. The "
        "user's own planted bug (xread).",
    ),
    Bug(
        "page-meters-site-ignored",
        "PAGE-FILTER",
        "GET /meters validates its site_id filter (and binds it into the page token) and then "
        "does not apply it: the meters of every site of the tenant are listed (kind, status "
        "and serial_prefix still apply).",
    ),
    Bug(
        "page-alerts-meter-ignored",
        "PAGE-FILTER",
        "GET /alerts validates its meter_id filter and then does not apply it: the alert rules "
        "of every meter of the tenant are listed (severity and min_threshold_kw still apply).",
    ),
    Bug(
        "ten-meter-any-site",
        "TEN-CHILD",
        "POST /sites/{site_id}/meters checks that the site exists in any tenant rather than in "
        "the caller's: B installs a meter under A's site (201; the meter is B's, naming A's "
        "site, readable by B and listed in B's GET /meters?site_id= of A's site) instead of "
        "404 not_found.",
    ),
    Bug(
        "idem-meter-key-released",
        "IDEM-REPLAY",
        "POST /sites/{site_id}/meters releases its Idempotency-Key once the request has "
        "succeeded instead of storing the answer: a retry with the same key and body is run "
        "again and answered 409 serial_taken (the serial is now the first meter's) instead "
        "of replaying the first 201. A retry while the first request is still running is "
        "still 409 idempotency_key_in_use.",
    ),
    Bug(
        "page-sites-cursor-skip",
        "PAGE-COMPLETE",
        "GET /sites makes next_cursor from the next page's first site (the one past the page) "
        "instead of the page's last one, and the cursor is read as 'after' it: the first site "
        "of every later page is never listed, in either sort order.",
    ),
    Bug(
        "cache-site-etag-static",
        "CACHE-ETAG",
        "The ETag of GET and PATCH /sites/{site_id} is made from the site's id and created_at "
        "alone, not from its state: a PATCH leaves it unchanged, so If-None-Match with the old "
        "tag is still 304 and a stale If-Match is accepted instead of 412.",
    ),
    Bug(
        "patch-site-timezone-cleared",
        "PATCH-PARTIAL",
        "PATCH /sites/{site_id} copies timezone from the body whether or not it was sent (it "
        "is nullable, so the handler takes the model's None): a PATCH that leaves timezone "
        "out clears it to null. name and region are still kept when left out.",
    ),
    Bug(
        "err-alert-meter-404",
        "ERR-DECLARED",
        "POST /alerts answers a meter_id that names no meter of the tenant with 404 not_found "
        "(the meters' lookup helper's answer, a status createAlert does not declare) instead "
        "of 422 unknown_meter.",
    ),
    Bug(
        "err-retire-plain-404",
        "ERR-PROBLEM",
        "POST /meters/{meter_id}/retire answers a meter id that names no meter of the tenant "
        'with the framework\'s 404 application/json {"detail": "Not Found"} instead of '
        "problem+json not_found; its other errors are problem+json.",
    ),
    Bug(
        "idem-site-key-global",
        "IDEM-TENANT-SCOPE",
        "POST /sites keeps every tenant's idempotency keys in one store instead of one per "
        "tenant: B's site sent with a key A already used replays A's site (201 with "
        "Idempotent-Replayed, A's id, nothing created for B), or is 422 "
        "idempotency_key_reused when the bodies differ.",
    ),
)


def command(port: int, bugs: Sequence[str]) -> list[str]:
    """The server's command line on a loopback port, with the named bugs planted."""
    return server_command("examples.gridwise.server", port, bugs)
