"""Projects."""

from synth.contract import Conditional, Cursor, Limit

from .api import PRECONDITION_REQUIRED, PROJECT_KEY_TAKEN, api
from .models import Project, ProjectCreate, ProjectId, ProjectPage, ProjectUpdate


@api.post("/projects", status=201, idempotent=True, errors=[PROJECT_KEY_TAKEN], tags=["projects"])
def create_project(body: ProjectCreate) -> Project:
    """Create a project."""


@api.get(
    "/projects",
    paginated=Cursor(order=("-created_at", "id"), limit=Limit(default=20, max=100)),
    tags=["projects"],
)
def list_projects() -> ProjectPage:
    """List projects, newest first."""


@api.get("/projects/{project_id}", cacheable=True, tags=["projects"])
def get_project(project_id: ProjectId) -> Project:
    """Get a project."""


@api.route(
    "PUT",
    "/projects/{project_id}",
    cacheable=Conditional.REQUIRED,
    errors=[PRECONDITION_REQUIRED],
    tags=["projects"],
)
def update_project(project_id: ProjectId, body: ProjectUpdate) -> Project:
    """Replace a project's name and description; requires If-Match."""
