"""Request and response models of the kanban API."""

from typing import Annotated, Literal

from pydantic import Field

from synth.contract import DateTime, Model, RequestModel

WorkspaceId = Annotated[int, Field(ge=1)]
"""A workspace's id: 1, 2, 3... within its tenant."""
BoardNo = Annotated[int, Field(ge=1)]
"""A board's number: 1, 2, 3... within its workspace."""
CardNo = Annotated[int, Field(ge=1)]
"""A card's number: 1, 2, 3... within its board."""
Name = Annotated[str, Field(min_length=1, max_length=60)]
Title = Annotated[str, Field(min_length=1, max_length=120)]
Description = Annotated[str, Field(max_length=1000)]
Column = Literal["todo", "doing", "done"]
Priority = Annotated[int, Field(ge=1, le=5)]
NameQuery = Annotated[str, Field(min_length=1, max_length=60)]


class WorkspaceCreate(RequestModel):
    """A new workspace."""

    name: Name


class Workspace(Model):
    """A workspace of the tenant."""

    id: WorkspaceId
    name: Name
    created_at: DateTime


class WorkspacePage(Model):
    """A page of workspaces by id."""

    items: list[Workspace]
    next_cursor: str | None


class BoardCreate(RequestModel):
    """A new board."""

    name: Name
    description: Description | None = None


class Board(Model):
    """A board within one workspace."""

    workspace_id: WorkspaceId
    number: BoardNo
    name: Name
    description: Description | None
    created_at: DateTime


class BoardPage(Model):
    """A page of a workspace's boards by number."""

    items: list[Board]
    next_cursor: str | None


class CardCreate(RequestModel):
    """A new card."""

    title: Title
    description: Description | None = None
    column: Column = "todo"
    priority: Priority = 3


class CardUpdate(RequestModel):
    """Fields to change: a field left out keeps its value; `description: null` clears it."""

    # May be left out, never null (the contract language's way): mypy sees a None default.
    title: Title = Field(default=None)  # type: ignore[assignment]
    description: Description | None = None
    column: Column = Field(default=None)  # type: ignore[arg-type]
    priority: Priority = Field(default=None)  # type: ignore[assignment]


class Card(Model):
    """A card on one board."""

    workspace_id: WorkspaceId
    board_no: BoardNo
    number: CardNo
    title: Title
    description: Description | None
    column: Column
    priority: Priority
    archived: bool
    created_at: DateTime


class CardPage(Model):
    """A page of a board's cards by number."""

    items: list[Card]
    next_cursor: str | None
