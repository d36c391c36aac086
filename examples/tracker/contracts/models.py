"""Request and response models."""

from typing import Annotated, Literal

from pydantic import Field

from synth.contract import DateTime, Model, Page, RequestModel, Unique

ProjectId = Annotated[
    str, Field(pattern=r"^prj_[a-z0-9]{12}$", description="prj_ and 12 lowercase alphanumerics")
]
ProjectKey = Annotated[
    str, Field(pattern=r"^[A-Z][A-Z0-9]{1,9}$", description="Short upper-case key, e.g. WEB")
]
Status = Literal["open", "done"]
Priority = Literal["low", "normal", "high"]


class ProjectCreate(RequestModel):
    # Unique per tenant: a second project with the same key is answered 409 project_key_taken.
    key: Annotated[ProjectKey, Unique()]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    description: Annotated[str, Field(max_length=2000)] = ""


class ProjectUpdate(RequestModel):
    """The whole editable state of a project (PUT replaces it)."""

    name: Annotated[str, Field(min_length=1, max_length=200)]
    description: Annotated[str, Field(max_length=2000)] = ""


class Project(Model):
    id: ProjectId
    key: ProjectKey
    name: str
    description: str
    created_at: DateTime
    updated_at: DateTime


class ProjectPage(Page[Project]):
    pass


class TaskCreate(RequestModel):
    title: Annotated[str, Field(min_length=1, max_length=500)]
    priority: Priority = "normal"


class Task(Model):
    number: Annotated[int, Field(ge=1)]
    project_id: ProjectId
    title: str
    priority: Priority
    status: Status
    created_at: DateTime
    completed_at: DateTime | None


class TaskPage(Page[Task]):
    pass


class Health(Model):
    status: Literal["ok"]
    version: str


ActivityId = Annotated[
    str, Field(pattern=r"^act_[a-z0-9]{12}$", description="act_ and 12 lowercase alphanumerics")
]
# A note is what a client posts; the server writes the others itself, when a task is created or
# completed (the contract's operations do not say so: see ActivityEntry).
ActivityKind = Literal["note", "task_created", "task_completed"]


class ActivityCreate(RequestModel):
    message: Annotated[str, Field(min_length=1, max_length=500)]


class ActivityEntry(Model):
    """One entry of the organisation's activity feed: a note a client posted, or a line the
    server wrote when a task was created or completed."""

    id: ActivityId
    kind: ActivityKind
    message: str
    created_at: DateTime


class ActivityPage(Page[ActivityEntry]):
    pass
