"""`$ref` resolution and cycles, nullability in every spelling, Pydantic's component variants."""

from __future__ import annotations

import re
from typing import Any

import pytest

from synth import InputError
from synth.diff import diff_documents

from .base import base

Doc = dict[str, Any]


def _rules(old: Doc, new: Doc) -> set[str]:
    return {c.rule for c in diff_documents(old, new)}


def test_a_change_deep_inside_a_cycle_is_found_once_per_operation() -> None:
    new = base()
    new["components"]["schemas"]["Node"]["required"].append("weight")
    new["components"]["schemas"]["Node"]["properties"]["weight"] = {"type": "integer"}
    changes = [c for c in diff_documents(base(), new) if c.rule == "new-required-request-property"]
    assert len(changes) == 1
    assert changes[0].location == "/components/schemas/Node/properties/weight"
    assert changes[0].operation is not None
    assert changes[0].operation.operation_id == "putTree"


def test_mutually_recursive_components_terminate() -> None:
    old, new = base(), base()
    for doc in (old, new):
        schemas = doc["components"]["schemas"]
        schemas["A"] = {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}}
        schemas["B"] = {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}}}
        doc["paths"]["/tree"]["put"]["requestBody"]["content"]["application/json"]["schema"] = {
            "$ref": "#/components/schemas/A"
        }
    new["components"]["schemas"]["B"]["properties"]["x"] = {"type": "string"}
    assert "new-optional-request-property" in _rules(old, new)


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("#/components/schemas/Missing", "points at nothing"),
        ("other.yaml#/components/schemas/Item", "external $ref"),
        ("#/components/schemas/Loop", "refers to itself"),
    ],
)
def test_bad_references_are_input_errors(ref: str, message: str) -> None:
    new = base()
    new["components"]["schemas"]["Loop"] = {"$ref": "#/components/schemas/Loop"}
    new["components"]["schemas"]["Item"]["properties"]["note"] = {"$ref": ref}
    with pytest.raises(InputError, match=re.escape(message)):
        diff_documents(base(), new)


NULLABLE_NOTE = [
    pytest.param({"anyOf": [{"type": "string"}, {"type": "null"}]}, id="pydantic-anyOf"),
    pytest.param({"oneOf": [{"type": "string"}, {"type": "null"}]}, id="oneOf"),
    pytest.param({"type": ["string", "null"]}, id="type-list"),
    pytest.param({"type": "string", "nullable": True}, id="openapi-3.0-nullable"),
    pytest.param({"anyOf": [{"type": "string"}, {"const": None}]}, id="const-null"),
]


@pytest.mark.parametrize("nullable", NULLABLE_NOTE)
def test_every_spelling_of_nullable_is_understood(nullable: Doc) -> None:
    new = base()
    new["components"]["schemas"]["Item"]["properties"]["note"] = nullable
    assert _rules(base(), new) == {"response-property-became-nullable"}
    assert _rules(new, base()) == {"response-property-became-not-nullable"}


@pytest.mark.parametrize("nullable", NULLABLE_NOTE)
def test_spellings_of_nullable_are_equivalent(nullable: Doc) -> None:
    old, new = base(), base()
    old["components"]["schemas"]["Item"]["properties"]["note"] = NULLABLE_NOTE[0].values[0]
    new["components"]["schemas"]["Item"]["properties"]["note"] = nullable
    assert _rules(old, new) == set()


def test_nullable_ref_collapses_to_the_component() -> None:
    old, new = base(), base()
    status = {"$ref": "#/components/schemas/Status"}
    old["components"]["schemas"]["Item"]["properties"]["status"] = status
    new["components"]["schemas"]["Item"]["properties"]["status"] = {
        "anyOf": [status, {"type": "null"}],
        "description": "The status, once known.",
    }
    new["components"]["schemas"]["Status"]["enum"].append("archived")
    rules = _rules(old, new)
    assert {
        "response-property-became-nullable",
        "response-property-enum-value-added",
        "response-property-description-changed",
    } <= rules


def test_input_output_variants_are_one_model() -> None:
    old, new = base(), base()
    schemas = new["components"]["schemas"]
    schemas["Item-Output"] = schemas.pop("Item")
    text = repr(new).replace("#/components/schemas/Item'", "#/components/schemas/Item-Output'")
    new = eval(text)  # a quick, exact rename of every reference
    assert _rules(old, new) == set()


def test_single_allof_wrapper_is_the_referenced_schema() -> None:
    old, new = base(), base()
    new["components"]["schemas"]["Item"]["properties"]["status"] = {
        "allOf": [{"$ref": "#/components/schemas/Status"}],
        "description": "Where the item is.",
    }
    assert _rules(old, new) == {"response-property-description-changed"}


def test_sibling_description_next_to_ref_is_an_annotation() -> None:
    old, new = base(), base()
    new["components"]["schemas"]["Item"]["properties"]["status"]["description"] = "Where."
    assert _rules(old, new) == {"response-property-description-changed"}


def test_parameter_and_request_body_refs_are_resolved() -> None:
    old, new = base(), base()
    for doc in (old, new):
        post = doc["paths"]["/items"]["post"]
        doc["components"]["parameters"] = {"Key": post["parameters"][0]}
        doc["components"]["requestBodies"] = {"Create": post["requestBody"]}
        post["parameters"] = [{"$ref": "#/components/parameters/Key"}]
        post["requestBody"] = {"$ref": "#/components/requestBodies/Create"}
    new["components"]["parameters"]["Key"]["schema"]["maxLength"] = 36
    new["components"]["requestBodies"]["Create"]["required"] = False
    rules = _rules(old, new)
    assert {"request-parameter-max-length-decreased", "request-body-became-optional"} <= rules


def test_path_level_parameters_apply_to_each_operation() -> None:
    new = base()
    new["paths"]["/items"]["parameters"] = [
        {"name": "org", "in": "query", "required": True, "schema": {"type": "string"}}
    ]
    changes = [c for c in diff_documents(base(), new) if c.rule == "new-required-request-parameter"]
    assert {c.operation.operation_id for c in changes if c.operation} == {"createItem", "listItems"}


def test_header_names_are_case_insensitive() -> None:
    new = base()
    new["paths"]["/items"]["post"]["parameters"][0]["name"] = "idempotency-key"
    assert _rules(base(), new) == set()
