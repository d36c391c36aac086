"""Give every ``pattern`` the form the document should carry, or report it.

Pydantic checks patterns with Rust's regex engine, JSON Schema readers use ECMA-262, and
openapi-spec-validator compiles them with Python's ``re``. The document carries the pattern as
written when Python accepts it (``\\d`` means Unicode digits in Rust and Python alike; the Zod
emitter translates it exactly), else its ECMA-262 translation when Python accepts that
(``\\z`` becomes ``$``), else nothing can carry it and the contract is refused here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel

from ..regex import RegexTranslationError, translate_regex
from ._common import Op, model_location, models_by_name
from ._problems import Problems
from ._schemas import Refs

__all__ = ["document_patterns"]


def document_patterns(
    components: dict[str, Any], refs: Refs, ops: list[Op], problems: Problems
) -> None:
    """Rewrite, in place, each ``pattern`` in the components and in ``refs`` that needs it."""
    models = models_by_name(t for op in ops for t in (op.body, op.response) if t)
    # Component names are the class names with what JSON pointers cannot hold replaced.
    models |= {re.sub(r"[^a-zA-Z0-9.\-_]", "_", name): m for name, m in models.items()}
    cache: dict[str, str | None] = {}
    nodes = [(f"#/components/schemas/{n}", s) for n, s in components.items()]
    nodes += [(f"#/operations/{k[0]}/{k[1]}", s) for k, s in refs.items()]
    for base, schema in nodes:
        for pointer, node in _pattern_nodes(schema, base):
            pattern = node["pattern"]
            if pattern not in cache:
                cache[pattern] = document_pattern(pattern, pointer, models, problems)
            if cache[pattern] is not None:
                node["pattern"] = cache[pattern]


def document_pattern(
    pattern: str, pointer: str, models: Mapping[str, type[BaseModel]], problems: Problems
) -> str | None:
    """The form of ``pattern`` (found at ``pointer``) that the document carries, or None."""
    parts = pointer.removeprefix("#/components/schemas/").split("/")
    field_name = pointer.split("/properties/", 1)[-1].split("/", 1)[0]
    owner = parts[0]
    model = models.get(owner.removesuffix("-Input").removesuffix("-Output"))
    where = model_location(model)
    try:
        ecma = translate_regex(pattern, pointer)
    except RegexTranslationError as exc:
        problems.add(
            where,
            f"{owner}.{field_name}: {exc.message}",
            "write the pattern with syntax both Rust's regex and JavaScript "
            "share (no look-around, no class set operations such as &&)",
        )
        return None
    for candidate in [pattern] + ([ecma.source] if ecma.flags == "u" else []):
        try:
            re.compile(candidate)
        except re.error:
            continue
        return candidate
    problems.add(
        where,
        f"{owner}.{field_name}: pattern {pattern!r} has no form that "
        "OpenAPI tools accept: they check patterns with Python's re, which lacks "
        f"this syntax (its ECMA-262 form is {ecma.literal()})",
        "spell Unicode properties such as \\p{L} out as character ranges, or drop the pattern",
    )
    return None


def _pattern_nodes(schema: Any, pointer: str) -> Iterable[tuple[str, dict[str, Any]]]:
    """Every schema node with a ``pattern`` keyword, with its JSON pointer."""
    if isinstance(schema, dict):
        if isinstance(schema.get("pattern"), str):
            yield f"{pointer}/pattern", schema
        for key, value in schema.items():
            if key != "pattern" and isinstance(value, dict | list):
                yield from _pattern_nodes(value, f"{pointer}/{key}")
    elif isinstance(schema, list):
        for i, value in enumerate(schema):
            yield from _pattern_nodes(value, f"{pointer}/{i}")
