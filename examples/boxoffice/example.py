"""The box office example, as `make verify-examples` drives it."""

from collections.abc import Sequence
from pathlib import Path

from examples._example import Bug, server_command

CONTRACTS = Path(__file__).parent / "contracts"
BASE_PATH = "/v1"
TENANTS = {"a": "tok-alpha", "b": "tok-beta"}
TENANT_IDS = {"a": "org_alpha", "b": "org_beta"}

BUGS = (
    Bug(
        "page-skip",
        "PAGE-COMPLETE",
        "GET .../events starts every page after the first one event late ((page - 1) * "
        "per_page + 1): the first event of each later page is never listed; total is right.",
    ),
    Bug(
        "idem-ignore-body",
        "IDEM-MISMATCH",
        "POST .../events compares nothing but the Idempotency-Key: a key reused with another "
        "body replays the first event (201, Idempotent-Replayed) instead of 422 "
        "idempotency_key_reused.",
    ),
    Bug(
        "rate-shared",
        "RATE-TENANT",
        "GET .../events/{event_no} counts the lookups of every organisation in one window "
        "instead of one per organisation: one organisation's burst gets the other 429 "
        "rate_limited.",
    ),
    Bug(
        "upsert-always-200",
        "UPSERT-STATUS",
        "PUT .../venues/{venue_slug} answers 200 when it creates the venue (a slug not in use) "
        "instead of 201; the venue is stored as sent.",
    ),
    Bug(
        "loc-missing-field",
        "ERR-VALIDATION",
        "Every 422 validation_failed names only the part of the request in errors[].loc "
        '(["body"], ["path"], ["query"]), never the field at fault.',
    ),
    Bug(
        "cancel-any-org",
        "TEN-WRITE",
        "POST .../events/{event_no}/cancel looks the event up by venue slug and number in every "
        "organisation (the first found), not in the caller's: slugs are chosen per organisation, "
        "so another organisation's event at a venue of the same slug is cancelled.",
    ),
    Bug(
        "order-as-text",
        "PAGE-ORDER",
        "GET .../events sorts starts_at as the text sent rather than as an instant: "
        "2030-01-01T10:00:00+02:00 comes after 2030-01-01T09:00:00Z though it is an hour "
        "earlier.",
    ),
)


def command(port: int, bugs: Sequence[str]) -> list[str]:
    """The server's command line on a loopback port, with the named bugs planted."""
    return server_command("examples.boxoffice.server", port, bugs)
