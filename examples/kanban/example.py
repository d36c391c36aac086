"""The kanban example, as `make verify-examples` drives it."""

from collections.abc import Sequence
from pathlib import Path

from examples._example import Bug, server_command

CONTRACTS = Path(__file__).parent / "contracts"
BASE_PATH = "/v1"
TENANTS = {"a": "key-kanban-a", "b": "key-kanban-b"}
TENANT_IDS: dict[str, str] = {}

BUGS = (
    Bug(
        "idem-cards-global",
        "IDEM-TENANT-SCOPE",
        "POST /workspaces/{workspace_id}/boards/{board_no}/cards keeps every tenant's "
        "idempotency keys in one store instead of one per tenant: B's card sent with a key A "
        "already used replays A's card (201 with Idempotent-Replayed, nothing created for B) "
        "when the path and body are the same as A's (ids collide across tenants, so the path "
        "often is), or is 422 idempotency_key_reused when they differ.",
    ),
    Bug(
        "idem-board-no-fingerprint",
        "IDEM-MISMATCH",
        "POST /workspaces/{workspace_id}/boards compares nothing when a key comes again: the "
        "same key with another body replays the first board (201, Idempotent-Replayed) instead "
        "of 422 idempotency_key_reused.",
    ),
    Bug(
        "page-workspaces-skip",
        "PAGE-COMPLETE",
        "GET /workspaces drops the first workspace after the cursor's position on every page "
        "but the first: one workspace per page boundary is never listed.",
    ),
    Bug(
        "page-cursor-any-tenant",
        "PAGE-CURSOR",
        "GET /workspaces/{workspace_id}/boards/{board_no}/cards checks only a cursor's "
        "signature, not the tenant and list it was issued for: another tenant's cursor (or "
        "another board's) is followed from its position instead of 400 invalid_cursor.",
    ),
    Bug(
        "ten-card-any-tenant",
        "TEN-READ",
        "GET /workspaces/{workspace_id}/boards/{board_no}/cards/{card_no}, when the caller has "
        "no such card, falls back to the card of the same workspace id, board number and card "
        "number in any tenant: since every tenant numbers from 1, another tenant's card is "
        "readable at the numbers the caller lacks, where an id that exists nowhere is 404.",
    ),
    Bug(
        "ten-board-delete-any-tenant",
        "TEN-WRITE",
        "DELETE /workspaces/{workspace_id}/boards/{board_no}, when the caller has no such "
        "board, deletes the board of the same workspace id and number in another tenant and "
        "answers 204, where it should be 404 not_found and change nothing.",
    ),
    Bug(
        "err-card-404-plain",
        "ERR-PROBLEM",
        "GET /workspaces/{workspace_id}/boards/{board_no}/cards/{card_no} answers a card it "
        'does not find with 404 application/json {"error": "card not found"} instead of '
        "problem+json not_found; its other errors are problem+json.",
    ),
    Bug(
        "err-priority-no-loc",
        "ERR-VALIDATION",
        "GET /workspaces/{workspace_id}/boards/{board_no}/cards answers an invalid "
        "min_priority with 422 validation_failed whose problem has a detail but no errors "
        "list, so no entry's loc names the parameter.",
    ),
    Bug(
        "cache-card-etag-static",
        "CACHE-ETAG",
        "GET /workspaces/{workspace_id}/boards/{board_no}/cards/{card_no} derives its ETag "
        "from the card's numbers and created_at alone: a PATCH or archive that changes the "
        "card keeps the ETag, so the stale If-None-Match still gets 304 (and a stale If-Match "
        "is taken).",
    ),
    Bug(
        "cache-etag-ignores-archived",
        "CACHE-ETAG",
        "A card's ETag is made from every field but archived: archiving it (POST .../archive) "
        "changes what GET shows and leaves the ETag as it was, so If-None-Match with the old "
        "tag still gets 304. An update still makes a new one. Added 7 December, when CACHE-ETAG "
        "came to judge an action's change as an update's.",
    ),
    Bug(
        "patch-card-description-cleared",
        "PATCH-PARTIAL",
        "PATCH /workspaces/{workspace_id}/boards/{board_no}/cards/{card_no} sets description "
        "from the body whether or not it was sent: a PATCH that leaves description out clears "
        "it to null. The other fields are still kept when left out.",
    ),
)


def command(port: int, bugs: Sequence[str]) -> list[str]:
    """The server's command line on a loopback port, with the named bugs planted."""
    return server_command("examples.kanban.server", port, bugs)
