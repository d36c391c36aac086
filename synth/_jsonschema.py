"""Pydantic's JSON Schema generator, adjusted for API documents.

- Property titles are left out: they only repeat the field name.
- ``"default": null`` is left out where the schema does not admit null: it marks a field that
  may be omitted but not sent as null, and a null default would contradict the schema.
"""

from __future__ import annotations

from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema


def admits_null(schema: JsonSchemaValue) -> bool:
    """Whether a (local) schema accepts JSON null."""
    kind = schema.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind):
        return True
    branches: Any = schema.get("anyOf") or schema.get("oneOf") or []
    return any(isinstance(b, dict) and admits_null(b) for b in branches)


class SynthJsonSchema(GenerateJsonSchema):
    """The JSON Schema generator used for every schema synth emits."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        json_schema = super().default_schema(schema)
        if json_schema.get("default", ...) is None and not admits_null(json_schema):
            del json_schema["default"]
        return json_schema
