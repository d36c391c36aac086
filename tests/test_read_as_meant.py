"""Reading a foreign document (``read_openapi(..., notes=...)``): the validator's findings, and
the broken constructs read as their authors meant, each with a located note; refused only
where no reading is faithful; without ``notes`` (``synth diff`` today), the first finding is
still an error."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import fast_yaml
import pytest
import yaml
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from synth._errors import InputError
from synth._input import parse_text, read_openapi
from synth._validate import openapi_findings
from synth.zod import emit_zod


def _doc(schemas: dict[str, Any], version: str = "3.1.0", **more: Any) -> dict[str, Any]:
    return {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
        **more,
    }


def _read(tmp_path: Path, document: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    path = tmp_path / "api.json"
    path.write_text(json.dumps(document))
    notes: list[str] = []
    return read_openapi(path, upgrade=True, bundle=True, notes=notes), notes


def test_a_name_twice_in_required_is_required_once(tmp_path: Path) -> None:
    schema = {"type": "object", "properties": {"a": {}, "b": {}}, "required": ["a", "b", "a"]}
    read, notes = _read(tmp_path, _doc({"X": schema}))
    assert read["components"]["schemas"]["X"]["required"] == ["a", "b"]
    assert len(notes) == 1
    assert notes[0].startswith("#/components/schemas/X/required: not valid OpenAPI 3.1: ")
    assert notes[0].endswith("read as required once")


@pytest.mark.parametrize(
    ("schema", "expected", "reading"),
    [
        ({"maximum": 5, "exclusiveMaximum": True}, {"exclusiveMaximum": 5},
         "read as `exclusiveMaximum: 5`, the exclusive bound it means"),
        ({"maximum": 5, "exclusiveMaximum": False}, {"maximum": 5},
         "ignored: `false` leaves `maximum` inclusive, as it is anyway"),
        ({"exclusiveMinimum": True}, {},
         "ignored: there is no `minimum` for it to make exclusive"),
    ],
)  # fmt: skip
def test_a_boolean_exclusive_bound_in_3_1_is_read_as_3_0_meant(
    tmp_path: Path, schema: dict[str, Any], expected: dict[str, Any], reading: str
) -> None:
    read, notes = _read(tmp_path, _doc({"X": {"type": "number", **schema}}))
    assert read["components"]["schemas"]["X"] == {"type": "number", **expected}
    assert any(note.endswith(reading) for note in notes), notes


def test_another_drafts_schema_is_read_as_2020_12(tmp_path: Path) -> None:
    schema = {"$schema": "http://json-schema.org/draft-07/schema#", "type": "string"}
    read, notes = _read(tmp_path, _doc({"X": schema}))
    assert read["components"]["schemas"]["X"]["$schema"] == (
        "https://json-schema.org/draft/2020-12/schema"
    )
    assert notes == [
        "#/components/schemas/X/$schema: `$schema: http://json-schema.org/draft-07/schema#` is "
        "not a JSON Schema dialect OpenAPI 3.1 reads; read as JSON Schema 2020-12, as every "
        "schema of a 3.1 document is by default"
    ]


def test_a_draft_07_tuple_is_read_as_prefix_items(tmp_path: Path) -> None:
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "pair": {"type": "array", "items": [{"type": "string"}, {"type": "integer"}],
                     "additionalItems": False},
        },
    }  # fmt: skip
    read, notes = _read(tmp_path, _doc({"X": schema}))
    pair = read["components"]["schemas"]["X"]["properties"]["pair"]
    assert pair == {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}],
                    "items": False}  # fmt: skip
    assert any(n.startswith("#/components/schemas/X/properties/pair/items: ") for n in notes)
    files = emit_zod(read)
    assert "[z.string(), z.number().check(integer())], z.never())" in files["schemas.ts"]


def test_properties_holding_a_ref_to_a_map_of_properties(tmp_path: Path) -> None:
    schemas = {
        "Ids": {"ids": {"type": "array", "items": {"type": "integer"}}},
        "X": {"type": "object", "properties": {"$ref": "#/components/schemas/Ids"}},
    }
    read, notes = _read(tmp_path, _doc(schemas, version="3.0.3"))
    assert read["components"]["schemas"]["X"]["properties"] == {
        "ids": {"type": "array", "items": {"type": "integer"}}
    }
    assert any(
        note.startswith("#/components/schemas/X/properties/$ref: ")
        and note.endswith("read as those properties (ids)")
        for note in notes
    ), notes


def test_a_hash_in_a_referenced_file_name(tmp_path: Path) -> None:
    (tmp_path / "flows#clone.yaml").write_text("get:\n  responses:\n    '200': {description: ok}\n")
    document = _doc({}, paths={"/flows": {"$ref": "flows#clone.yaml"}})
    read, notes = _read(tmp_path, document)
    assert read["paths"]["/flows"]["get"]["responses"]["200"] == {"description": "ok"}
    assert any("a file of that whole name exists; read as that file" in n for n in notes), notes


def test_a_default_that_does_not_fit_is_an_annotation(tmp_path: Path) -> None:
    read, notes = _read(tmp_path, _doc({"X": {"type": "boolean", "default": "false"}}))
    assert read["components"]["schemas"]["X"]["default"] == "false"
    assert notes == [
        "#/components/schemas/X/default: not valid OpenAPI 3.1: 'false' is not of type "
        "'boolean'; a default is an annotation: kept as written, never filled in by the output"
    ]


@pytest.mark.parametrize(
    ("schema", "where"),
    [
        ({"type": "object", "required": "id"}, "#/components/schemas/X/required"),
        ({"type": "object", "properties": []}, "#/components/schemas/X/properties"),
        ({"type": "string", "maxLength": "10"}, "#/components/schemas/X/maxLength"),
    ],
)
def test_a_structural_keyword_of_the_wrong_type_is_refused(
    tmp_path: Path, schema: dict[str, Any], where: str
) -> None:
    with pytest.raises(InputError, match=re.escape(f"api.json{where}: not valid OpenAPI 3.1")):
        _read(tmp_path, _doc({"X": schema}))


def test_without_notes_the_first_finding_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "api.json"
    path.write_text(json.dumps(_doc({"X": {"type": "object", "required": ["a", "a"]}})))
    with pytest.raises(InputError, match=re.escape("not a valid OpenAPI 3.1 document")):
        read_openapi(path)


def test_yaml_is_read_as_yaml_1_2() -> None:
    text = "a: off\nb: 18:00\nc: 2020-01-01\nd: 0x1F\ne: 1.5\nf: ~\ng: true\nh: '12'\n"
    expected = {"a": "off", "b": "18:00", "c": "2020-01-01", "d": 31, "e": 1.5, "f": None,
                "g": True, "h": "12"}  # fmt: skip
    assert parse_text(text, "x", ".yaml") == expected
    # What fast_yaml refuses, libyaml reads with the same core schema (an over-indented
    # continuation of a quoted scalar).
    lenient = "a: off\nb: 'x\n y'\nc:\n  d: '{\n    \"k\": 1\n  }'\n"
    with pytest.raises(ValueError, match="invalid indentation"):
        fast_yaml.safe_load(lenient)
    assert yaml.safe_load(lenient)["a"] is False  # YAML 1.1
    assert parse_text(lenient, "x", ".yaml") == {"a": "off", "b": "x y", "c": {"d": '{ "k": 1 }'}}


# The library's own verdicts, for the checks `synth._validate` makes over plain data.
FAULTY: dict[str, dict[str, Any]] = {
    "duplicate operationId": _doc({}, paths={
        "/a": {"get": {"operationId": "x", "responses": {"200": {"description": "ok"}}}},
        "/b": {"get": {"operationId": "x", "responses": {"200": {"description": "ok"}}}},
    }),
    "path parameter not declared": _doc({}, paths={
        "/a/{id}": {"get": {"responses": {"200": {"description": "ok"}}}},
    }),
    "duplicate parameter": _doc({}, paths={"/a": {"get": {
        "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}] * 2,
        "responses": {"200": {"description": "ok"}},
    }}}),
    "duplicate tag": _doc({}, tags=[{"name": "a"}, {"name": "a"}]),
    "required not among allOf properties": _doc({"X": {
        "allOf": [{"type": "object", "properties": {"a": {}}}], "required": ["a", "b"],
    }}),
    "default of the wrong type": _doc({"X": {"type": "integer", "default": "null"}}),
    "3.0 default of the wrong type": _doc({"X": {"type": "integer", "default": "x"}}, "3.0.3"),
    "meta-schema": _doc({"X": {"type": "string", "minLength": -1}}),
    "unknown dialect": _doc({"X": {"$schema": "https://example.com/mine", "type": "string"}}),
}  # fmt: skip


def _normal(message: str) -> str:
    """Python's and Rust's renderings of a value differ in quotes and in True/true."""
    return message.replace('"', "'").replace("True", "true").replace("None", "null")


@pytest.mark.parametrize("name", sorted(FAULTY))
def test_findings_are_openapi_spec_validators(name: str) -> None:
    document = FAULTY[name]
    is_30 = document["openapi"].startswith("3.0")
    validator = OpenAPIV30SpecValidator if is_30 else OpenAPIV31SpecValidator
    theirs = sorted(
        _normal(str(e.message).splitlines()[0]) for e in validator(document).iter_errors()
    )
    ours = sorted(_normal(f.message) for f in openapi_findings(document))
    assert theirs
    assert ours == theirs
