"""The OpenAPI emitter: valid 3.1, the shape the issue asks for, variants only where needed."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from synth import ApiSpec, load
from synth.document import build
from synth.emit import openapi

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def spec() -> ApiSpec:
    return load(ROOT / "contracts")


@pytest.fixture(scope="module")
def doc(spec: ApiSpec) -> dict[str, Any]:
    return build(spec)


def _ops(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {op["operationId"]: op for item in doc["paths"].values() for op in item.values()}


def test_document_validates(doc: dict[str, Any]) -> None:
    validate(doc)
    assert doc["openapi"] == "3.1.0"


def test_operation_ids_are_stable_and_readable(doc: dict[str, Any]) -> None:
    assert list(_ops(doc)) == [
        "createContact", "listContacts", "getContact", "updateContact", "deleteContact",
        "createInteraction", "listInteractions", "createJob", "listJobs", "getJob",
    ]  # fmt: skip


def test_every_model_is_a_component(doc: dict[str, Any]) -> None:
    assert sorted(doc["components"]["schemas"]) == [
        "Contact", "ContactCreate", "ContactPage", "ContactUpdate", "FieldError", "Interaction",
        "InteractionCreate", "InteractionPage", "InteractionType", "Job", "JobCreate", "JobKind",
        "JobPage", "JobStatus", "Problem",
    ]  # fmt: skip


def test_every_error_is_a_problem_response(spec: ApiSpec, doc: dict[str, Any]) -> None:
    ops = _ops(doc)
    for op in spec.operations:
        responses = ops[op.operation_id]["responses"]
        for entry in op.errors:
            response = responses[str(entry.status)]
            assert entry.code in response["description"]
            media = response["content"]["application/problem+json"]
            assert media["schema"] == {"$ref": "#/components/schemas/Problem"}
            assert media["examples"][entry.code]["value"]["code"] == entry.code
            assert media["examples"][entry.code]["value"]["status"] == entry.status


def test_semantics_become_headers(doc: dict[str, Any]) -> None:
    ops = _ops(doc)
    create = ops["createContact"]
    key = next(p for p in create["parameters"] if p["name"] == "Idempotency-Key")
    assert key == {**key, "in": "header", "required": True}
    assert "Idempotent-Replayed" in create["responses"]["201"]["headers"]
    get = ops["getContact"]
    assert "ETag" in get["responses"]["200"]["headers"]
    assert "304" in get["responses"]
    assert any(p["name"] == "If-None-Match" for p in get["parameters"])
    update = ops["updateContact"]
    if_match = next(p for p in update["parameters"] if p["name"] == "If-Match")
    assert if_match["required"] is False
    assert "412" in update["responses"]
    listing = ops["listContacts"]
    names = [p["name"] for p in listing["parameters"]]
    assert names == ["tag", "q", "cursor", "limit", "X-Request-Id"]
    limit = listing["parameters"][3]["schema"]
    assert limit == {"type": "integer", "default": 20, "minimum": 1, "maximum": 100}
    assert listing["x-synth-semantics"]["pagination"]["order"] == ["-created_at", "-id"]


def test_security_and_tags(doc: dict[str, Any]) -> None:
    assert doc["security"] == [{"bearerAuth": []}]
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert [t["name"] for t in doc["tags"]] == ["contacts", "interactions", "jobs"]
    assert all(t.get("description") for t in doc["tags"])


def test_output_is_deterministic(spec: ApiSpec) -> None:
    first = openapi.emit(spec)
    second = openapi.emit(load(ROOT / "contracts"))
    assert first == second


VARIANTS = """
from uuid import UUID

from pydantic import computed_field

from synth.contract import Api, Model

api = Api("T", "1", tenant_scoped=False)
api.error("not_found", 404, "Not found", "No such thing.")
api.error("validation_failed", 422, "Invalid", "Bad input.")
api.error("invalid_request", 400, "Bad JSON", "Unparseable.")
api.error("internal_error", 500, "Oops", "Server failed.")


class Box(Model):
    width: int
    height: int

    @computed_field
    @property
    def area(self) -> int:
        return self.width * self.height


class Label(Model):
    text: str


@api.post("/boxes")
def create_box(body: Box) -> Box: ...


@api.post("/labels")
def create_label(body: Label) -> Label: ...
"""


def test_request_and_response_variants_only_where_they_differ(tmp_path: Path) -> None:
    (tmp_path / "c.py").write_text(textwrap.dedent(VARIANTS))
    doc = build(load(tmp_path))
    validate(doc)
    schemas = doc["components"]["schemas"]
    assert "Box-Input" in schemas
    assert "Box-Output" in schemas
    assert "area" in schemas["Box-Output"]["properties"]
    assert "area" not in schemas["Box-Input"]["properties"]
    assert "Label" in schemas
    assert "Label-Input" not in schemas
    ops = _ops(doc)
    body = ops["createBox"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/Box-Input"}
    assert ops["createBox"]["security"] == [{}]


def test_generated_file_matches_emitter(spec: ApiSpec) -> None:
    on_disk = json.loads((ROOT / "generated" / "openapi.json").read_text())
    assert on_disk == build(spec)


PATTERNS = """
from typing import Annotated
from uuid import UUID

from pydantic import StringConstraints

from synth.contract import Api, Model

api = Api("T", "1", tenant_scoped=False)
api.error("not_found", 404, "Not found", "No such thing.")
api.error("validation_failed", 422, "Invalid", "Bad input.")
api.error("internal_error", 500, "Oops", "Server failed.")


class Coded(Model):
    end: Annotated[str, StringConstraints(pattern=r"^[a-z]+\\z")]
    digits: Annotated[str, StringConstraints(pattern=r"^\\d{3}$")]


@api.get("/coded/{coded_id}")
def get_coded(coded_id: UUID) -> Coded: ...
"""


def test_patterns_take_a_form_openapi_tools_accept(tmp_path: Path) -> None:
    (tmp_path / "c.py").write_text(PATTERNS)
    doc = build(load(tmp_path))
    validate(doc)
    props = doc["components"]["schemas"]["Coded"]["properties"]
    assert props["end"]["pattern"] == "^[a-z]+$"
    assert props["digits"]["pattern"] == "^\\d{3}$"
