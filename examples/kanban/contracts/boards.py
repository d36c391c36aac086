"""Boards: numbered 1, 2, 3... within their workspace."""

from synth.contract import Cursor, Limit

from .api import api
from .models import Board, BoardCreate, BoardNo, BoardPage, WorkspaceId

BOARDS = "/workspaces/{workspace_id}/boards"


@api.post(BOARDS, status=201, idempotent=True, tags=["boards"])
def create_board(workspace_id: WorkspaceId, body: BoardCreate) -> Board:
    """Add a board to a workspace (an `Idempotency-Key` is required)."""


@api.get(
    BOARDS,
    paginated=Cursor(order=("number",), limit=Limit(default=5, max=10)),
    tags=["boards"],
)
def list_boards(workspace_id: WorkspaceId) -> BoardPage:
    """List a workspace's boards by number, with a cursor."""


@api.get(BOARDS + "/{board_no}", tags=["boards"])
def get_board(workspace_id: WorkspaceId, board_no: BoardNo) -> Board:
    """Get a board."""


@api.delete(BOARDS + "/{board_no}", tags=["boards"])
def delete_board(workspace_id: WorkspaceId, board_no: BoardNo) -> None:
    """Delete a board with its cards."""
