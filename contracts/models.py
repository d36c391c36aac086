"""Request and response models of the example API."""

from enum import StrEnum
from typing import Annotated, Self

from pydantic import EmailStr, Field, StringConstraints, model_validator

from synth.contract import UUID, DateTime, Model, Page, RequestModel, UniqueItems

Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Phone = Annotated[str, StringConstraints(pattern=r"^\+[1-9][0-9]{6,14}$")]
"""E.164: a plus sign, then 7 to 15 digits, the first not zero."""
Tag = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]{1,32}$")]
Tags = Annotated[list[Tag], Field(max_length=20), UniqueItems()]
Summary = Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class Contact(Model):
    """A person or organisation, owned by one tenant."""

    id: UUID
    name: Name
    email: EmailStr | None = Field(description="Unique within the tenant when set.")
    phone: Phone | None
    tags: Tags
    created_at: DateTime
    updated_at: DateTime


class ContactCreate(RequestModel):
    """The fields of a new contact."""

    name: Name
    email: EmailStr | None = None
    phone: Phone | None = None
    tags: Tags = []


class ContactUpdate(RequestModel):
    """Fields to change; at least one. `email` and `phone` may be set to null to clear them."""

    model_config = RequestModel.model_config | {"json_schema_extra": {"minProperties": 1}}

    name: Name = Field(default=None)
    email: EmailStr | None = None
    phone: Phone | None = None
    tags: Tags = Field(default=None)

    @model_validator(mode="after")
    def _at_least_one_field(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("give at least one field to change")
        return self


class ContactPage(Page[Contact]):
    """A page of contacts, newest first."""


class InteractionType(StrEnum):
    """What kind of contact took place."""

    email = "email"
    call = "call"
    meeting = "meeting"
    note = "note"


class Interaction(Model):
    """One entry in a contact's timeline."""

    id: UUID
    contact_id: UUID
    type: InteractionType
    occurred_at: DateTime
    summary: Summary
    created_at: DateTime


class InteractionCreate(RequestModel):
    """A new timeline entry."""

    type: InteractionType
    occurred_at: DateTime
    summary: Summary


class InteractionPage(Page[Interaction]):
    """A page of a contact's timeline, most recent first."""


class JobKind(StrEnum):
    """The work a job does."""

    export_contacts = "export_contacts"
    recompute_scores = "recompute_scores"


class JobStatus(StrEnum):
    """Where a job is in its life: retried with backoff until `max_attempts`, then dead-lettered."""

    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    dead_lettered = "dead_lettered"


class JobCreate(RequestModel):
    """A job to enqueue."""

    kind: JobKind
    max_attempts: Annotated[int, Field(ge=1, le=10)] = 3


class Job(Model):
    """Background work and its progress."""

    id: UUID
    kind: JobKind
    status: JobStatus
    attempts: Annotated[int, Field(ge=0)]
    max_attempts: Annotated[int, Field(ge=1, le=10)]
    last_error: str | None
    created_at: DateTime
    updated_at: DateTime


class JobPage(Page[Job]):
    """A page of jobs, newest first."""
