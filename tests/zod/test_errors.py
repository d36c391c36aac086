"""Unsupported input is an error naming the JSON pointer, never a silent z.any()."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import synth.zod
from synth.zod import (
    InvalidDocumentError,
    UnsupportedSchemaError,
    ZodError,
    emit_schema_module,
    emit_zod,
)
from synth.zod.cli import run

INVALID = [
    (
        {"type": "object", "properties": {"a": {"frobnicate": 1}}},
        "#/properties/a/frobnicate",
        "unknown keyword",
    ),
    ({"properties": {"a": {"pattern": "(?P<n>x)"}}}, "#/properties/a/pattern", "not an ECMA-262"),
    ({"patternProperties": {"[z-a]": {}}}, "#/patternProperties/[z-a]", "out of order"),
    ({"$ref": "https://example.com/other.json"}, "#", "not in this document"),
    ({"type": "strin"}, "#/type", "invalid type"),
]


@pytest.mark.parametrize(("schema", "location", "message"), INVALID)
def test_unsupported_schema_names_the_location(schema: Any, location: str, message: str) -> None:
    with pytest.raises(ZodError) as info:
        emit_schema_module(schema)
    assert info.value.location == location
    assert message in info.value.message


def test_openapi_version_is_checked() -> None:
    with pytest.raises(InvalidDocumentError, match=r"3\.1 or 3\.0") as info:
        emit_zod({"swagger": "2.0", "paths": {}})
    assert "Swagger 2.0" in str(info.value)


def test_cli_writes_nothing_for_a_bad_document(tmp_path: Path) -> None:
    bad = tmp_path / "api.json"
    bad.write_text(
        json.dumps(
            {
                "openapi": "3.1.0",
                "info": {"title": "t", "version": "1"},
                "paths": {},
                "components": {"schemas": {"X": {"type": "wat"}}},
            }
        )
    )
    # The validator's finding is a warning; the emitter, which cannot carry the type, refuses it.
    with pytest.raises(
        UnsupportedSchemaError, match="#/components/schemas/X/type: invalid type 'wat'"
    ):
        run(bad, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_cli_writes_then_checks(tmp_path: Path) -> None:
    doc = tmp_path / "api.json"
    doc.write_text(
        json.dumps(
            {
                "openapi": "3.1.0",
                "info": {"title": "t", "version": "1"},
                "paths": {},
                "components": {"schemas": {"X": {"type": "integer"}}},
            }
        )
    )
    assert run(doc, tmp_path / "out") == 0
    assert run(doc, tmp_path / "out", check=True) == 0
    (tmp_path / "out" / "schemas.ts").write_text("stale")
    assert run(doc, tmp_path / "out", check=True) == 1


def test_exports_are_pinned() -> None:
    assert synth.zod.__all__ == sorted(synth.zod.__all__)
    assert set(synth.zod.__all__) == {
        "InvalidDocumentError", "RegexTranslationError", "UnsupportedSchemaError", "ZodError",
        "emit_schema_module", "emit_zod",
    }  # fmt: skip
