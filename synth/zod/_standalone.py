"""A standalone JSON Schema document as one self-contained TypeScript module."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from synth._provenance import schema_header
from synth.zod._emitter import SchemaEmitter
from synth.zod._errors import InvalidDocumentError
from synth.zod._module import render_definitions, render_imports
from synth.zod._refs import DEFAULT_BASE, Resolver, Target
from synth.zod._runtime import helpers

__all__ = ["emit_schema_module"]


def emit_schema_module(
    schema: Mapping[str, Any] | bool,
    *,
    name: str = "Schema",
    source: str = "a JSON Schema document",
    assert_formats: bool = True,
    pydantic: bool = False,
    documents: Mapping[str, Any] | None = None,
) -> str:
    """The Zod module for one JSON Schema 2020-12 document; its root is exported as ``name``.

    ``assert_formats=False`` treats ``format`` as an annotation (the 2020-12 default);
    ``pydantic=True`` follows pydantic where JSON Schema leaves room (unknown keys are
    stripped rather than kept, float ``multipleOf`` uses pydantic's tolerance).
    ``documents`` supplies other schema documents by URI, for ``$ref`` to resolve.
    """
    if not isinstance(schema, Mapping | bool):
        raise InvalidDocumentError(
            "#", f"a JSON Schema is an object or a boolean, not {type(schema).__name__}"
        )
    resolver = Resolver(schema, DEFAULT_BASE, documents=documents)
    emitter = SchemaEmitter(resolver, assert_formats=assert_formats, pydantic=pydantic)
    for helper in helpers():
        emitter.reserve(helper)
    emitter.define(name, Target(schema, resolver.base_of(schema, DEFAULT_BASE), "#"), exported=True)
    rendered = render_definitions(emitter)
    header = schema_header(source)
    imports = render_imports(rendered.helpers, None)
    return f"{header}\n\n{imports}\n\n{rendered.body}\n"
