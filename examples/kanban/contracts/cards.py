"""Cards: numbered 1, 2, 3... within their board."""

from typing import Annotated

from synth.contract import Cursor, Filter, Limit

from .api import api
from .models import (
    BoardNo,
    Card,
    CardCreate,
    CardNo,
    CardPage,
    CardUpdate,
    Column,
    Priority,
    WorkspaceId,
)

CARDS = "/workspaces/{workspace_id}/boards/{board_no}/cards"


@api.post(CARDS, status=201, idempotent=True, tags=["cards"])
def create_card(workspace_id: WorkspaceId, board_no: BoardNo, body: CardCreate) -> Card:
    """Add a card to a board (an `Idempotency-Key` is required)."""


@api.get(
    CARDS,
    paginated=Cursor(order=("number",), limit=Limit(default=5, max=20)),
    tags=["cards"],
)
def list_cards(
    workspace_id: WorkspaceId,
    board_no: BoardNo,
    column: Annotated[Column | None, Filter("column", "eq")] = None,
    min_priority: Annotated[Priority | None, Filter("priority", "gte")] = None,
    archived: Annotated[bool | None, Filter("archived", "eq")] = None,
) -> CardPage:
    """List a board's cards by number, with a cursor; filter by column, priority, archived."""


@api.get(CARDS + "/{card_no}", cacheable=True, tags=["cards"])
def get_card(workspace_id: WorkspaceId, board_no: BoardNo, card_no: CardNo) -> Card:
    """Get a card, with an ETag; `If-None-Match` with the current one is 304."""


@api.patch(CARDS + "/{card_no}", cacheable=True, tags=["cards"])
def update_card(
    workspace_id: WorkspaceId, board_no: BoardNo, card_no: CardNo, body: CardUpdate
) -> Card:
    """Change a card: fields left out keep their value; a stale `If-Match` is 412."""


@api.delete(CARDS + "/{card_no}", tags=["cards"])
def delete_card(workspace_id: WorkspaceId, board_no: BoardNo, card_no: CardNo) -> None:
    """Delete a card."""


@api.post(CARDS + "/{card_no}/archive", status=200, tags=["cards"])
def archive_card(workspace_id: WorkspaceId, board_no: BoardNo, card_no: CardNo) -> Card:
    """Archive a card (archiving an archived card changes nothing)."""
