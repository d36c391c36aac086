"""Golden files: the emitter's output for the corpus and a small OpenAPI document, compared
whole. Update with ``pytest tests/zod --update-golden`` (or ``SYNTH_UPDATE_GOLDEN=1``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from synth.zod import emit_schema_module, emit_zod
from tests.zod import corpus
from tests.zod.test_parity import json_schema

GOLDEN = Path(__file__).with_name("golden")

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Pets", "version": "1"},
    "paths": {
        "/pets/{pet_id}": {
            "get": {
                "operationId": "getPet",
                "summary": "Get a pet.",
                "parameters": [
                    {"name": "pet_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}},
                    {"name": "X-Trace", "in": "header", "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}},
                    "404": {"description": "Not found", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}, "examples": {"not_found": {"value": {"code": "not_found"}}}}}},
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Pet": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string", "minLength": 1}}, "required": ["id", "name"]},
            "Problem": {"type": "object", "properties": {"code": {"type": "string"}}, "required": ["code"]},
        }
    },
    "x-synth-errors": [{"code": "not_found", "status": 404, "title": "Not found", "description": "No such pet.", "retryable": False, "type": "about:blank"}],
}  # fmt: skip


def _compare(path: Path, text: str, update: bool) -> None:
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"{path} is missing: run pytest tests/zod --update-golden"
    assert text == path.read_text(encoding="utf-8"), f"{path} differs: review, then --update-golden"


@pytest.mark.parametrize("model", corpus.MODELS, ids=lambda m: m.__name__)
def test_corpus_module(model: Any, update_golden: bool) -> None:
    text = emit_schema_module(json_schema(model), name=model.__name__, pydantic=True)
    _compare(GOLDEN / "corpus" / f"{model.__name__}.ts", text, update_golden)


def test_openapi_modules(update_golden: bool) -> None:
    for name, text in sorted(emit_zod(OPENAPI, source="pets.json").items()):
        _compare(GOLDEN / "openapi" / name, text, update_golden)


def test_output_is_deterministic() -> None:
    assert emit_zod(OPENAPI) == emit_zod(OPENAPI)
