"""Hypothesis strategies for request data, built from the contract's JSON Schemas and models.

Valid values come from schemathesis's own JSON Schema strategies (hypothesis-jsonschema does
not work with current Hypothesis) and are kept only when the contract's Pydantic model accepts
them too, so "valid" means exactly what the server is told to accept. Invalid values are
single, named mutations of a valid body, each confirmed invalid by the model, so a check knows
which field the server's validation error must name.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import jsonschema_rs
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from ..spec import ApiSpec, OperationSpec
from . import _forms

__all__ = ["Mutation", "Schemas"]

_REF = "#/components/schemas/"
# The key an unknown-field probe adds, and how many nested objects get one (besides the top).
_UNKNOWN = "synth_unknown_field"
_NESTED = 2


@dataclass(frozen=True, slots=True)
class Mutation:
    """An invalid body: what was changed, and the field the validation error must name."""

    description: str
    field: str | None
    body: Any


class Schemas:
    """JSON Schema lookups and strategies for one ApiSpec."""

    def __init__(self, api: ApiSpec) -> None:
        self.api = api
        self.components = {name: dict(schema) for name, schema in api.schemas.items()}

    def resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        while isinstance(schema.get("$ref"), str) and schema["$ref"].startswith(_REF):
            schema = self.components[schema["$ref"][len(_REF) :]]
        return schema

    def properties(self, name: str) -> Mapping[str, Mapping[str, Any]]:
        props = self.resolve(self.components[name]).get("properties", {})
        return {k: self.resolve(v) for k, v in props.items()}

    def field(self, name: str, path: tuple[str, ...]) -> Mapping[str, Any] | None:
        """The schema of the field at ``path`` (a dotted filter path, split) in the component
        ``name``, looking through ``anyOf [T, null]`` on the way; None where there is none."""
        schema: Mapping[str, Any] | None = self.resolve(self.components[name])
        for key in path:
            holder = self._object(schema) if schema is not None else None
            if holder is None or key not in holder.get("properties", {}):
                return None
            schema = self.resolve(holder["properties"][key])
        return schema

    def _object(self, schema: Mapping[str, Any]) -> Mapping[str, Any] | None:
        schema = self.resolve(schema)
        if "properties" in schema:
            return schema
        return next(
            (o for b in schema.get("anyOf", ()) if (o := self._object(b)) is not None), None
        )

    def required(self, name: str) -> tuple[str, ...]:
        return tuple(self.resolve(self.components[name]).get("required", ()))

    def string_branch(self, schema: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """The ``type: string`` schema of a property, looking through ``anyOf [T, null]``."""
        schema = self.resolve(schema)
        if schema.get("type") == "string":
            return schema
        for branch in schema.get("anyOf", ()):
            found = self.string_branch(branch)
            if found is not None:
                return found
        return None

    def strategy(self, schema: Mapping[str, Any]) -> st.SearchStrategy[Any]:
        """Values a JSON Schema admits (``$ref`` into the API's components allowed)."""
        key = json.dumps(schema, sort_keys=True)
        return _strategy(key, json.dumps(self.components, sort_keys=True))

    def body(
        self, name: str, model: type[BaseModel], op: OperationSpec | None = None
    ) -> st.SearchStrategy[Any]:
        """Valid bodies for the component ``name``, as the model accepts them; for a form
        body (``op``'s), as the model accepts what the server receives of them."""
        strategy = self.strategy({"$ref": _REF + name}).filter(lambda v: accepts(model, v))
        if op is not None and op.form:
            props, files = self.properties(name), op.files
            strategy = strategy.filter(lambda v: _forms.accepts(model, props, v, files))
        return strategy

    def mutations(
        self, name: str, model: type[BaseModel], valid: Any, op: OperationSpec | None = None
    ) -> list[Mutation]:
        """Single-field mutations of ``valid`` that the model rejects (for a form body, once
        on the wire: ``12`` for a text field is the valid text ``"12"`` there)."""
        out: list[Mutation] = []
        root = self.resolve(self.components[name])
        props = self.properties(name)
        if not isinstance(valid, dict):
            return out
        form = op if op is not None and op.form else None
        if form is None:
            out.append(Mutation("the body is a JSON array, not an object", None, [valid]))
        for field in self.required(name):
            body = {k: v for k, v in valid.items() if k != field}
            out.append(Mutation(f"required field {field!r} left out", field, body))
        if root.get("additionalProperties") is False:
            body = {**valid, _UNKNOWN: 1}
            out.append(Mutation("an unknown field", _UNKNOWN, body))
        for field, schema in props.items():
            if form is not None and form.file(field) is not None:
                continue  # a file part: its own mutations below
            for description, value in self._bad_values(schema):
                out.append(Mutation(f"{field}: {description}", field, {**valid, field: value}))
        if form is not None:
            out += _file_mutations(form, valid)
            return [m for m in out if not _forms.accepts(model, props, m.body, form.files)]
        return [m for m in out if not accepts(model, m.body)]

    def unknown_keys(
        self, name: str, model: type[BaseModel], valid: Any, op: OperationSpec
    ) -> list[Mutation]:
        """``valid`` with one unknown key in a closed object: at the top, and in each closed
        object it nests (through lists too; at most ``_NESTED`` of them), for a JSON body.

        The field the validation error must name is the top-level property the key sits under
        (``ingredients`` for ``ingredients[0].synth_unknown_field``): every error ``loc`` a
        server plausibly writes for it starts there, whether it goes on to name the key
        (pydantic, or a Zod issue's ``keys``) or stops at the object holding it."""
        if op.form or not isinstance(valid, dict):
            return []
        out: list[Mutation] = []
        if self.resolve(self.components[name]).get("additionalProperties") is False:
            body = {**valid, _UNKNOWN: 1}
            out.append(Mutation(f"an unknown field {_UNKNOWN!r}", _UNKNOWN, body))
        for field, schema in self.properties(name).items():
            for path in self._closed_paths(schema, valid.get(field), (field,)):
                body = copy.deepcopy(valid)
                holder: Any = body
                for step in path:
                    holder = holder[step]
                holder[_UNKNOWN] = 1
                where = ".".join(str(step) for step in path)
                out.append(Mutation(f"an unknown field {_UNKNOWN!r} in {where}", field, body))
        return [m for m in out if not accepts(model, m.body)][: _NESTED + 1]

    def _closed_paths(
        self, schema: Mapping[str, Any], value: Any, path: tuple[str | int, ...]
    ) -> list[tuple[str | int, ...]]:
        """Where in ``value`` (a property's value, at ``path``) a closed object sits."""
        schema = self.resolve(schema)
        if isinstance(value, list) and value:
            items = next(
                (b.get("items") for b in (schema, *schema.get("anyOf", ())) if "items" in b),
                None,
            )
            return self._closed_paths(items, value[0], (*path, 0)) if items else []
        holder = self._object(schema)
        if not isinstance(value, dict) or holder is None:
            return []
        out: list[tuple[str | int, ...]] = []
        if holder.get("additionalProperties") is False:
            out.append(path)
        for key, sub in holder.get("properties", {}).items():
            out += self._closed_paths(sub, value.get(key), (*path, key))
        return out

    def _bad_values(self, schema: Mapping[str, Any]) -> list[tuple[str, Any]]:
        schema = self.resolve(schema)
        kinds = _types(schema, self)
        out: list[tuple[str, Any]] = []
        if "string" not in kinds:
            out.append(("a string where the schema has none", "synth-not-valid"))
        if not kinds & {"integer", "number"}:
            out.append(("a number where the schema has none", 12345))
        if "object" not in kinds and "array" not in kinds:
            out.append(("an object", {"synth": 1}))
        if "null" not in kinds:
            out.append(("null", None))
        text = self.string_branch(schema)
        if text is not None:
            if isinstance(text.get("maxLength"), int):
                out.append(
                    (f"longer than maxLength {text['maxLength']}", "x" * (text["maxLength"] + 1))
                )
            if isinstance(text.get("minLength"), int) and text["minLength"] > 0:
                out.append((f"shorter than minLength {text['minLength']}", ""))
            if isinstance(text.get("pattern"), str) and not _matches(text["pattern"], "!! "):
                out.append((f"not matching {text['pattern']}", "!! "))
            if "enum" in text:
                out.append(("not one of the enum values", "synth-not-a-member"))
        return out


def _file_mutations(op: OperationSpec, valid: dict[str, Any]) -> list[Mutation]:
    """A file part of a refused media type, and one a byte over the largest size."""
    out: list[Mutation] = []
    for spec in op.files:
        part = _forms.upload(spec, valid.get(spec.field, ""))
        if part is None:
            continue
        if spec.media_types:
            refused = replace(part, media_type=_forms.REFUSED_MEDIA_TYPE)
            out.append(Mutation(f"{spec.field}: a file of a media type not in "
                                f"{', '.join(spec.media_types)}", spec.field,
                                {**valid, spec.field: refused}))  # fmt: skip
        if spec.max_size is not None:
            big = replace(part, content=b"\0" * (spec.max_size + 1))
            out.append(Mutation(f"{spec.field}: a file of {spec.max_size + 1} bytes, over its "
                                f"{spec.max_size}", spec.field, {**valid, spec.field: big}))  # fmt: skip
    return out


def accepts(model: type[BaseModel], value: Any) -> bool:
    """Whether the contract's model accepts ``value`` as a JSON document."""
    try:
        model.model_validate_json(json.dumps(value))
    except (ValidationError, ValueError):
        return False
    return True


def _matches(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return True  # unknown syntax: do not rely on this mutation


def _types(schema: Mapping[str, Any], schemas: Schemas) -> set[str]:
    schema = schemas.resolve(schema)
    kind = schema.get("type")
    out: set[str] = set()
    if isinstance(kind, str):
        out.add(kind)
    elif isinstance(kind, list):
        out.update(k for k in kind if isinstance(k, str))
    elif "enum" in schema:
        out.update(type(v).__name__.replace("str", "string") for v in schema["enum"])
    for branch in [*schema.get("anyOf", ()), *schema.get("oneOf", ())]:
        out |= _types(branch, schemas)
    if not out and not schema.get("anyOf"):
        out = {"string", "integer", "number", "object", "array", "null", "boolean"}
    return out


@lru_cache(maxsize=512)
def _strategy(schema_key: str, components_key: str) -> st.SearchStrategy[Any]:
    # schemathesis's JSON Schema engine is internal API (pinned: schemathesis>=4.32,<5); it is
    # used because it is the maintained JSON Schema generator that works with current Hypothesis.
    from schemathesis.generation.jsonschema.builder import build
    from schemathesis.specs.openapi.formats import STRING_FORMATS, get_default_format_strategies

    root = {**json.loads(schema_key), "components": {"schemas": json.loads(components_key)}}
    formats = {**get_default_format_strategies(), **STRING_FORMATS}
    strategy = build(root, draft=jsonschema_rs.Draft202012, formats=formats)
    return strategy.map(copy.deepcopy)
