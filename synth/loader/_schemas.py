"""Every JSON Schema in one pass, so components are named once for the document.

``TypeAdapter.json_schemas`` over the bodies, responses and parameters of all operations
gives the shared ``$defs`` (the components, named by pydantic: ``Contact`` or
``Contact-Input``/``Contact-Output`` when the two modes differ) and one schema per input.
"""

from __future__ import annotations

import inspect
from collections import deque
from collections.abc import Mapping
from typing import Any, get_args

from pydantic import BaseModel, TypeAdapter
from pydantic.errors import (
    PydanticInvalidForJsonSchema,
    PydanticSchemaGenerationError,
    PydanticUserError,
)

from .._errors import Location
from .._jsonschema import SynthJsonSchema, admits_null
from ..contract import Problem as ProblemModel
from ..contract import ResponseHeader
from ..spec import ParamSpec
from ._common import Op, first_line, model_location, type_name, types_in
from ._problems import Problems

__all__ = ["REF_TEMPLATE", "Refs", "build_schemas", "param_schema"]

REF_TEMPLATE = "#/components/schemas/{model}"

# (operation name, "body" | "response" | "param:<python name>") -> that input's schema;
# ("model", "Problem") is the problem document every error answers with.
Refs = dict[tuple[str, str], Any]
_Inputs = list[tuple[tuple[str, str], Any, TypeAdapter[Any]]]


def build_schemas(ops: list[Op], problems: Problems) -> tuple[dict[str, Any], Refs]:
    """The components, sorted by name, and each input's schema (often a ``$ref``)."""
    _check_model_names(ops, problems)
    inputs: _Inputs = [(("model", "Problem"), "serialization", TypeAdapter(ProblemModel))]
    owners: dict[tuple[str, str], Location] = {}
    for op in ops:
        where, name = op.decl.location, op.decl.name
        items: list[tuple[tuple[str, str], Any, Any]] = []
        if op.body is not None:
            items.append(((name, "body"), "validation", op.body))
        if op.response is not None:
            items.append(((name, "response"), "serialization", op.response))
        items += [
            ((name, f"param:{s.python_name}"), "validation", s.annotation) for _, s in op.params
        ]
        items += [
            ((name, f"header:{i}"), "serialization", h.type)
            for i, h in enumerate(op.decl.headers)
            if isinstance(h, ResponseHeader)
        ]
        for key, mode, tp in items:
            adapter = _adapter(where, name, tp, problems)
            if adapter is not None:
                inputs.append((key, mode, adapter))
                owners[key] = where
    try:
        refs, defs = TypeAdapter.json_schemas(
            inputs, ref_template=REF_TEMPLATE, schema_generator=SynthJsonSchema
        )
    except (PydanticInvalidForJsonSchema, PydanticUserError) as exc:
        _no_json_schema(inputs, owners, exc, problems)
        return {}, {}
    by_key = {key: schema for (key, _mode), schema in refs.items()}
    return dict(sorted(defs.get("$defs", {}).items())), by_key


def _check_model_names(ops: list[Op], problems: Problems) -> None:
    """Two different models of one name would need two components of one name.

    A model is known by where it is defined (module and qualified name): the loader's own
    root models of a list (``ContactList``) are made once per operation, alike.
    """
    first: dict[str, tuple[tuple[str, str], type[BaseModel], Location]] = {}
    todo: deque[Any] = deque()  # breadth first in declaration order: the later one is named
    for op in ops:
        todo += [op.body, op.response, *(s.annotation for _, s in op.params)]
    seen: set[type] = set()
    while todo:
        tp = todo.popleft()
        if not (isinstance(tp, type) and issubclass(tp, BaseModel)):
            todo += get_args(tp)
            continue
        if tp in seen:
            continue
        seen.add(tp)
        todo += [t for f in tp.model_fields.values() for t in types_in(f.annotation)]
        where = model_location(tp) or Location("?", 1)
        key = (tp.__module__, tp.__qualname__)
        other = first.setdefault(tp.__name__, (key, tp, where))
        if other[0] != key:
            problems.add(
                where,
                f"two different models are named {tp.__name__} (the other at {other[2]})",
                "rename one: the OpenAPI component, the Zod schema and the SDK class of a "
                "model take its class name",
            )


def _adapter(where: Location, name: str, tp: Any, problems: Problems) -> TypeAdapter[Any] | None:
    try:
        return TypeAdapter(tp)
    except (PydanticSchemaGenerationError, PydanticUserError) as exc:
        problems.add(
            where,
            f"{name}: type {type_name(tp)} cannot be validated by Pydantic: {first_line(exc)}",
            "use types Pydantic supports",
        )
        return None


def _no_json_schema(
    inputs: _Inputs,
    owners: Mapping[tuple[str, str], Location],
    exc: Exception,
    problems: Problems,
) -> None:
    """Find which input, and which model field, has no JSON Schema, and say where."""
    for key, mode, adapter in inputs:
        try:
            adapter.json_schema(mode=mode, schema_generator=SynthJsonSchema)
        except (PydanticInvalidForJsonSchema, PydanticUserError) as inner:
            where, detail = owners.get(key), first_line(inner)
            culprit = _field_without_schema(adapter)
            if culprit is not None:
                where, detail = culprit
            problems.add(
                where,
                f"{key[0]}: {key[1]} has a type with no JSON Schema: {detail}",
                "use a JSON-compatible type, or give the type a JSON Schema with WithJsonSchema",
            )
            return
    problems.add(None, f"JSON Schema generation failed: {first_line(exc)}")


def _field_without_schema(adapter: TypeAdapter[Any]) -> tuple[Location, str] | None:
    """Find the model field whose type has no JSON Schema, with the model's file and line."""
    tp = getattr(adapter, "_type", None)
    seen: set[type] = set()

    def walk(model: Any) -> tuple[Location, str] | None:
        if not (isinstance(model, type) and issubclass(model, BaseModel)) or model in seen:
            return None
        seen.add(model)
        for fname, info in model.model_fields.items():
            try:
                TypeAdapter(info.rebuild_annotation()).json_schema(schema_generator=SynthJsonSchema)
            except (PydanticInvalidForJsonSchema, PydanticUserError, PydanticSchemaGenerationError):
                for inner in types_in(info.annotation):
                    found = walk(inner)
                    if found:
                        return found
                file = inspect.getsourcefile(model) or "?"
                try:
                    line = inspect.getsourcelines(model)[1]
                except (OSError, TypeError):
                    line = 1
                return Location(file, line), (
                    f"field {model.__name__}.{fname} of type {type_name(info.annotation)}"
                )
        return None

    return walk(tp)


def param_schema(op: Op, spec: ParamSpec, refs: Refs) -> ParamSpec:
    """The parameter with its schema and description filled in from the one pass."""
    schema = dict(refs.get((op.decl.name, f"param:{spec.python_name}"), {}))
    if not spec.required:
        schema = _drop_null(schema)
    description = spec.description or schema.pop("description", "")
    schema.pop("description", None)
    return ParamSpec(
        spec.name,
        spec.location,
        spec.required,
        schema,
        description,
        spec.annotation,
        spec.python_name,
    )


def _drop_null(schema: dict[str, Any]) -> dict[str, Any]:
    """An optional query parameter's ``T | None`` is documented as ``T``: absent means None."""
    branches = schema.get("anyOf")
    if isinstance(branches, list) and admits_null(schema):
        rest = [b for b in branches if b != {"type": "null"}]
        if len(rest) == 1:
            merged = {k: v for k, v in schema.items() if k not in ("anyOf", "default")}
            merged.update(rest[0])
            return merged
    if schema.get("default", ...) is None:
        del schema["default"]
    return schema
