"""Workspaces: numbered 1, 2, 3... within each tenant."""

from typing import Annotated

from synth.contract import Cursor, Filter, Limit

from .api import api
from .models import NameQuery, Workspace, WorkspaceCreate, WorkspaceId, WorkspacePage


@api.post("/workspaces", status=201, tags=["workspaces"])
def create_workspace(body: WorkspaceCreate) -> Workspace:
    """Create a workspace; its id is the tenant's next number."""


@api.get(
    "/workspaces",
    paginated=Cursor(order=("id",), limit=Limit(default=10, max=25)),
    tags=["workspaces"],
)
def list_workspaces(
    q: Annotated[NameQuery | None, Filter("name", "icontains")] = None,
) -> WorkspacePage:
    """List the tenant's workspaces by id, with a cursor; `q` keeps names holding it (any case)."""


@api.get("/workspaces/{workspace_id}", tags=["workspaces"])
def get_workspace(workspace_id: WorkspaceId) -> Workspace:
    """Get a workspace."""


@api.delete("/workspaces/{workspace_id}", tags=["workspaces"])
def delete_workspace(workspace_id: WorkspaceId) -> None:
    """Delete a workspace with its boards and their cards."""
