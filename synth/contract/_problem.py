"""The RFC 9457 problem-details body that every error response carries."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from ._models import Model

__all__ = ["FieldError", "Problem"]


class FieldError(Model):
    """One field problem of a validation failure."""

    loc: list[str | int] = Field(description="Path to the field: `body`, then keys and indexes.")
    msg: str = Field(description="What is wrong, for people.")
    type: str = Field(description="What is wrong, for machines (`missing`, `string_too_long`).")


class Problem(Model):
    """RFC 9457 problem details with a stable, machine-readable `code` from the taxonomy."""

    # RFC 9457 members are optional: a server may leave out `detail`, `instance` and `errors`.
    model_config = Model.model_config | {"json_schema_serialization_defaults_required": False}

    type: str = Field(description="A URI naming the problem type; it documents the code.")
    title: str = Field(description="A short summary of the problem type.")
    status: int = Field(ge=100, le=599, description="The HTTP status code of this response.")
    detail: str | None = Field(default=None, description="What happened this time.")
    instance: str | None = Field(default=None, description="This occurrence: the request id.")
    code: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")] = Field(
        description="The error code from the taxonomy; stable across versions."
    )
    errors: list[FieldError] | None = Field(
        default=None, description="Field problems, for `validation_failed`."
    )
