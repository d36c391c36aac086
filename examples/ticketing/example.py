"""How to run the ticketing example and what it plants (read by the examples' driver)."""

import sys
from collections.abc import Sequence
from pathlib import Path

from examples._example import Bug

CONTRACTS = Path(__file__).parent / "contracts"
BASE_PATH = "/v1"
TENANTS = {"alpha": "key-alpha", "beta": "key-beta"}
TENANT_IDS: dict[str, str] = {}

BUGS = (
    # The user's own planted bugs, with the ids they gave them.
    Bug(
        "offset-skip",
        "PAGE-COMPLETE",
        "listVenues (offset) skips the first row of every page after the first.",
    ),
    Bug(
        "has-more-early",
        "PAGE-COMPLETE",
        "listOrders (starting_after) says has_more false when exactly one order remains after "
        "the page.",
    ),
    Bug(
        "link-lost",
        "PAGE-COMPLETE",
        'listTiers (Link header, keyset): no rel="next" on continuation pages; only the first '
        "page links onward.",
    ),
    Bug(
        "gte-as-gt",
        "PAGE-FILTER",
        "listEvents' starts_from (starts_at gte, a date-time) compares strictly (gt): an event "
        "starting exactly at the bound is left out.",
    ),
    Bug(
        "in-first",
        "PAGE-FILTER",
        "listEvents' status=a,b (in, comma list) keeps only the first value.",
    ),
    Bug(
        "no-tiebreak",
        "PAGE-COMPLETE",
        "listEvents' and listTiers' keyset position compares only the first sort key (the id "
        "tie-breaker is dropped): items tied on it with the page's last item are lost.",
    ),
    Bug(
        "min-qty-gt",
        "PAGE-FILTER",
        "listOrders' min_quantity (quantity gte, an integer) compares strictly (gt).",
    ),
    Bug(
        "no-tiebreak-events",
        "PAGE-COMPLETE",
        "As no-tiebreak, on listEvents only: a tie in starts_at, base_price_cents or created_at "
        "at a page boundary loses items.",
    ),
    # One per family the user's bugs left out.
    Bug(
        "idem-key-not-per-tenant",
        "IDEM-TENANT-SCOPE",
        "The idempotency store is keyed by the Idempotency-Key alone, not (tenant, key): another "
        "tenant sending the same key and body gets the first tenant's stored answer (a 422 "
        "idempotency_key_reused when its body differs).",
    ),
    Bug(
        "ten-venue-any-tenant",
        "TEN-READ",
        "getVenue finds a venue in any tenant: another tenant's venue is served where an id that "
        "exists nowhere is 404.",
    ),
    Bug(
        "ten-order-event-any-tenant",
        "TEN-ASSIGN",
        "createOrder looks its event_id up in every tenant: an order for another tenant's event "
        "is accepted (201) instead of refused as an event that is not yours.",
    ),
    Bug(
        "err-order-404-plain",
        "ERR-PROBLEM",
        'getOrder answers an unknown order 404 with application/json {"error": ...}, not '
        "problem+json with its code.",
    ),
    Bug(
        "order-email-cut",
        "VAL-BOUND",
        "createOrder stores buyer_email cut to 100 characters (the contract allows 120, with a "
        "pattern): an address at the declared maximum is read back shorter.",
    ),
    Bug(
        "cache-no-304",
        "CACHE-ETAG",
        "getEvent ignores If-None-Match: a matching ETag gets 200 and the body, not 304.",
    ),
)


def command(port: int, bugs: Sequence[str]) -> list[str]:
    """The server's command line on `port` with the planted `bugs` switched on."""
    line = [sys.executable, "-m", "examples.ticketing.server", "--port", str(port)]
    for bug in bugs:
        line += ["--bug", bug]
    return line
