"""Pydantic's JSON Schema generator, adjusted for API documents.

- Property titles are left out: they only repeat the field name.
- A request field whose default is None may be omitted, and omitting it is not sending null:
  no ``"default": null`` is written for it (clients would fill the null in, and a PATCH that
  leaves ``email`` alone would clear it). A response field's ``"default": null`` stays only
  where the schema admits null. Other defaults stay: the server fills them in.
- A ``default_factory`` that returns the same value on every call is written as the default,
  as a plain default is (``list[Day] = Field(default_factory=...)``); one whose value changes
  (a clock, a random id) has no default to write.
- A response field declared ``T | MISSING = MISSING`` may be left out of a response (Pydantic
  does not serialize a field that is ``MISSING``), so it is not ``required`` there, though
  every other defaulted response field is.
- A response is open at every depth: a model that refuses unknown keys in a request body
  (``RequestModel``) does not say ``additionalProperties: false`` in a response, as ``Model``
  does not, so a client ignores a field added later at any depth.
"""

from __future__ import annotations

import inspect
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue, NoDefault
from pydantic_core import MISSING, core_schema, to_jsonable_python

# The JSON types each constraint keyword applies to: JSON Schema ignores it on a value of any
# other type (a `minimum` on a string constrains nothing).
KEYWORD_TYPES: dict[str, frozenset[str]] = {
    **dict.fromkeys(("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"),
                    frozenset({"integer", "number"})),
    **dict.fromkeys(("minLength", "maxLength", "pattern"), frozenset({"string"})),
    **dict.fromkeys(("minItems", "maxItems"), frozenset({"array"})),
    **dict.fromkeys(("minProperties", "maxProperties"), frozenset({"object"})),
}  # fmt: skip


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
        if json_schema.get("default", ...) is None and (
            self.mode == "validation" or not admits_null(json_schema)
        ):
            del json_schema["default"]
        return json_schema

    def field_is_required(
        self,
        field: core_schema.ModelField | core_schema.DataclassField | core_schema.TypedDictField,
        total: bool,
    ) -> bool:
        inner: Any = field["schema"]
        if inner.get("type") == "default" and inner.get("default", None) is MISSING:
            return False
        return super().field_is_required(field, total)

    def get_default_value(self, schema: core_schema.WithDefaultSchema) -> Any:
        if "default" in schema or "default_factory" not in schema:
            return super().get_default_value(schema)
        factory = schema["default_factory"]
        if schema.get("default_factory_takes_data") or _takes_arguments(factory):
            return NoDefault
        try:
            first, second = factory(), factory()  # type: ignore[call-arg]
            same = to_jsonable_python(first) == to_jsonable_python(second)
        except Exception:  # a factory that fails or yields no JSON value has no default to write
            return NoDefault
        return first if same else NoDefault

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        json_schema = super().model_schema(schema)
        if self.mode == "serialization" and json_schema.get("additionalProperties") is False:
            del json_schema["additionalProperties"]
        return json_schema


def _takes_arguments(factory: Any) -> bool:
    try:
        return any(
            p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            for p in inspect.signature(factory).parameters.values()
        )
    except (TypeError, ValueError):  # builtins without a signature (list, dict) take none
        return False
