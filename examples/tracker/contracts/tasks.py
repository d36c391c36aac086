"""Tasks, numbered 1, 2, 3... within their project."""

from typing import Annotated

from pydantic import Field

from synth.contract import Cursor, Filter, Limit

from .api import TASK_ALREADY_DONE, api
from .models import Priority, ProjectId, Status, Task, TaskCreate, TaskPage

TaskNumber = Annotated[int, Field(ge=1)]


@api.post("/projects/{project_id}/tasks", status=201, tags=["tasks"])
def create_task(project_id: ProjectId, body: TaskCreate) -> Task:
    """Create a task; it gets the project's next number."""


@api.get(
    "/projects/{project_id}/tasks",
    paginated=Cursor(order=("number",), limit=Limit(default=20, max=100)),
    tags=["tasks"],
)
def list_tasks(
    project_id: ProjectId,
    status: Annotated[Status | None, Filter("status", "eq")] = None,
    priority: Annotated[Priority | None, Filter("priority", "eq")] = None,
) -> TaskPage:
    """List a project's tasks by number."""


@api.get("/projects/{project_id}/tasks/{task_number}", cacheable=True, tags=["tasks"])
def get_task(project_id: ProjectId, task_number: TaskNumber) -> Task:
    """Get a task."""


@api.post(
    "/projects/{project_id}/tasks/{task_number}/complete",
    status=200,
    errors=[TASK_ALREADY_DONE],
    tags=["tasks"],
)
def complete_task(project_id: ProjectId, task_number: TaskNumber) -> Task:
    """Mark a task done."""
