"""A synthetic contract set: R resources x 5 operations, for the generation benchmark.

Each resource has nested, constrained models, a page type and every semantic declared
(idempotent create, paginated list with a filter, cacheable get and update, delete). The
same models serve three peers: synth's contracts, a FastAPI app, and Pydantic alone.
"""

from __future__ import annotations

from pathlib import Path

API = """\
from synth.contract import Api

api = Api("Synthetic", "1.0.0", base_path="/api/v1", tags={{{tags}}})
for code, status in [
    ("unauthenticated", 401), ("not_found", 404), ("validation_failed", 422),
    ("invalid_request", 400), ("invalid_cursor", 400), ("idempotency_key_missing", 400),
    ("idempotency_key_reused", 422), ("idempotency_key_in_use", 409),
    ("precondition_failed", 412), ("internal_error", 500), ("conflict", 409),
]:
    api.error(code, status, code.replace("_", " ").capitalize(), f"The {{code}} error.")
"""

MODELS = '''\
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints

from synth.contract import UUID, DateTime, Model, Page, RequestModel, UniqueItems


class {N}Status(StrEnum):
    active = "active"
    paused = "paused"
    archived = "archived"


class {N}Address(RequestModel):
    street: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    city: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    postcode: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9 ]{{3,10}}$")]


class {N}(Model):
    """A {n}."""

    id: UUID
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    status: {N}Status
    score: Annotated[float, Field(ge=0, le=100, multiple_of=0.5)]
    quantity: Annotated[int, Field(ge=0, le=1_000_000)]
    labels: Annotated[list[Annotated[str, StringConstraints(pattern=r"^[a-z]{{1,16}}$")]], Field(max_length=10), UniqueItems()]
    address: {N}Address | None
    created_at: DateTime
    updated_at: DateTime


class {N}Create(RequestModel):
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    status: {N}Status = {N}Status.active
    score: Annotated[float, Field(ge=0, le=100, multiple_of=0.5)] = 0
    quantity: Annotated[int, Field(ge=0, le=1_000_000)] = 0
    labels: Annotated[list[Annotated[str, StringConstraints(pattern=r"^[a-z]{{1,16}}$")]], Field(max_length=10), UniqueItems()] = []
    address: {N}Address | None = None


class {N}Update(RequestModel):
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(default=None)
    status: {N}Status = Field(default=None)
    score: Annotated[float, Field(ge=0, le=100, multiple_of=0.5)] = Field(default=None)


class {N}Page(Page[{N}]):
    """A page of {n}s."""
'''

OPS = '''\
from typing import Annotated

from synth.contract import UUID, Cursor, Filter

from .api import api
from .models_{i} import {N}, {N}Create, {N}Page, {N}Status, {N}Update


@api.post("/{n}s", idempotent=True, tags=["{n}"])
def create_{n}(body: {N}Create) -> {N}:
    """Create a {n}."""


@api.get("/{n}s", paginated=Cursor(order=("-created_at", "-id")), tags=["{n}"])
def list_{n}s(status: Annotated[{N}Status | None, Filter("status")] = None) -> {N}Page:
    """List {n}s."""


@api.get("/{n}s/{{{n}_id}}", cacheable=True, tags=["{n}"])
def get_{n}({n}_id: UUID) -> {N}:
    """Get a {n}."""


@api.patch("/{n}s/{{{n}_id}}", cacheable=True, tags=["{n}"])
def update_{n}({n}_id: UUID, body: {N}Update) -> {N}:
    """Update a {n}."""


@api.delete("/{n}s/{{{n}_id}}", tags=["{n}"])
def delete_{n}({n}_id: UUID) -> None:
    """Delete a {n}."""
'''

FASTAPI_HEAD = """\
from typing import Annotated
from uuid import UUID

from fastapi import FastAPI, Header, Query

app = FastAPI(title="Synthetic", version="1.0.0")
"""

FASTAPI_OPS = '''
from .models_{i} import {N}, {N}Create, {N}Page, {N}Status, {N}Update


@app.post("/api/v1/{n}s", status_code=201, tags=["{n}"])
def create_{n}(body: {N}Create, idempotency_key: Annotated[str, Header()]) -> {N}:
    """Create a {n}."""


@app.get("/api/v1/{n}s", tags=["{n}"])
def list_{n}s(
    status: {N}Status | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> {N}Page:
    """List {n}s."""


@app.get("/api/v1/{n}s/{{{n}_id}}", tags=["{n}"])
def get_{n}({n}_id: UUID, if_none_match: Annotated[str | None, Header()] = None) -> {N}:
    """Get a {n}."""


@app.patch("/api/v1/{n}s/{{{n}_id}}", tags=["{n}"])
def update_{n}({n}_id: UUID, body: {N}Update, if_match: Annotated[str | None, Header()] = None) -> {N}:
    """Update a {n}."""


@app.delete("/api/v1/{n}s/{{{n}_id}}", status_code=204, tags=["{n}"])
def delete_{n}({n}_id: UUID) -> None:
    """Delete a {n}."""
'''


def _names(i: int) -> dict[str, str | int]:
    return {"i": i, "n": f"res{i}", "N": f"Res{i}"}


def write(folder: Path, resources: int) -> Path:
    """Write the package ``folder/synthetic`` and return the contracts folder."""
    pkg = folder / "synthetic"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    tags = ", ".join(f'"res{i}": "Resource {i}."' for i in range(resources))
    (pkg / "api.py").write_text(API.format(tags=tags))
    fastapi = [FASTAPI_HEAD]
    for i in range(resources):
        names = _names(i)
        (pkg / f"models_{i}.py").write_text(MODELS.format(**names))
        (pkg / f"ops_{i}.py").write_text(OPS.format(**names))
        fastapi.append(FASTAPI_OPS.format(**names))
    (folder / "fastapi_app.py").write_text(
        "\n".join(fastapi).replace("from .models_", "from synthetic.models_")
    )
    return pkg
