"""A parameter's or header's JSON Schema as the Python annotation a contract writes for it.

Only what a parameter can be in synth's contract language: scalars (with their constraints),
enums, a component by name, a list of those; anything else is ``None``, which the caller
reports as not carried.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._jsonschema import KEYWORD_TYPES

__all__ = ["annotation"]

_SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
_FORMATS = {"uuid": "UUID", "date-time": "DateTime", "date": "date", "email": "EmailStr"}
_FROM = {"UUID": "synth.contract", "DateTime": "synth.contract", "date": "datetime",
         "EmailStr": "pydantic"}  # fmt: skip
# The sizes OpenAPI's data types name, carried as the schema's `format`.
_NUMERIC_FORMATS = {"int32", "int64", "float", "double"}
_CONSTRAINTS = {
    "minLength": "min_length",
    "maxLength": "max_length",
    "pattern": "pattern",
    "minimum": "ge",
    "maximum": "le",
    "exclusiveMinimum": "gt",
    "exclusiveMaximum": "lt",
    "multipleOf": "multiple_of",
    "minItems": "min_length",
    "maxItems": "max_length",
}


def annotation(  # noqa: PLR0911, PLR0912 (a return per kind of schema)
    schema: Any, names: Mapping[str, str], used: set[str]
) -> str | None:
    """The annotation, or None; ``used`` collects the names it needs imported."""
    if not isinstance(schema, Mapping):
        return None
    ref = schema.get("$ref")
    if isinstance(ref, str):
        name = (
            names.get(ref.rsplit("/", 1)[-1]) if ref.startswith("#/components/schemas/") else None
        )
        if name is None or (len(schema) > 1 and set(schema) - {"$ref", "description", "title"}):
            return None
        used.add(f"models.{name.removeprefix('list[').removesuffix(']')}")
        return name
    branches = schema.get("anyOf") or schema.get("oneOf")
    if isinstance(branches, list):
        kinds = [b for b in branches if b != {"type": "null"}]
        if len(kinds) == 1 and len(branches) == 2:
            inner = annotation(kinds[0], names, used)
            return None if inner is None else f"{inner} | None"
        return None
    kind = schema.get("type")
    if isinstance(kind, list):
        if len(kind) == 2 and "null" in kind:
            other = next(k for k in kind if k != "null")
            inner = annotation({**schema, "type": other}, names, used)
            return None if inner is None else f"{inner} | None"
        return None
    if "enum" in schema:
        values = schema["enum"]
        if not values or not all(isinstance(v, str | int) and not isinstance(v, bool)
                                 for v in values):  # fmt: skip
            return None
        used.add("typing.Literal")
        literal = f"Literal[{', '.join(repr(v) for v in values)}]"
        if "default" not in schema:
            return literal
        # Said in the schema, as for any other parameter (see below).
        used.update(("typing.Annotated", "pydantic.Field"))
        return (
            f"Annotated[{literal}, Field(json_schema_extra={{'default': {schema['default']!r}}})]"
        )
    if "const" in schema and isinstance(schema["const"], str | int):
        used.add("typing.Literal")
        return f"Literal[{schema['const']!r}]"
    if kind == "array":
        item = annotation(schema.get("items", {}), names, used)
        if item is None:
            return None
        base = f"list[{item}]"
    elif kind in _SCALARS:
        base = _SCALARS[kind]
        fmt = schema.get("format")
        if kind == "string" and fmt in _FORMATS:
            base = _FORMATS[fmt]
            used.add(f"{_FROM[base]}.{base}")
        elif (
            fmt is not None
            and (kind != "string" or not isinstance(fmt, str))
            and fmt not in _NUMERIC_FORMATS
        ):
            return None  # a format a contract's parameter cannot declare
    else:
        return None
    args = [
        f"{arg}={schema[key]!r}"
        for key, arg in _CONSTRAINTS.items()
        if key in schema
        and not isinstance(schema[key], bool)
        and kind in KEYWORD_TYPES[key]
        # A string with a format synth types exactly (a UUID, a date) has no length or pattern.
        and (kind != "string" or base == "str")
    ]
    extra: dict[str, Any] = {}
    if kind in ("integer", "number") and schema.get("format") in _NUMERIC_FORMATS:
        # The size said outright: a client may type an int64 differently from an int.
        extra["format"] = schema["format"]
    elif kind == "string" and isinstance(schema.get("format"), str) and base == "str":
        # Any other format of a string (`hostname`, `time`): an annotation, carried as written.
        extra["format"] = schema["format"]
    if "default" in schema:
        # Said in the schema even where the parameter is required (a Python default would
        # make it optional); an optional one has the same default in Python too.
        extra["default"] = schema["default"]
    if extra:
        args.append(f"json_schema_extra={extra!r}")
    if not args:
        return base
    used.update(("typing.Annotated", "pydantic.Field"))
    return f"Annotated[{base}, Field({', '.join(args)})]"
