"""The patterns of the document a contract cannot declare, left out with a note each.

A document's patterns are ECMA-262; a contract's are checked by Pydantic's Rust engine and
must have a form OpenAPI tools (Python's ``re``) accept, as synth's loader demands. A pattern
with look-around, say, has no such form: keeping it would make the whole model, or the
operation, fail to load, so the pattern alone is left out.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from ..regex import RegexTranslationError, translate_regex
from ._models import Notes

__all__ = ["drop_uncarried_patterns"]


@cache
def _why_not(pattern: str) -> str | None:
    """Why a contract cannot declare ``pattern``, or None when it can."""
    from pydantic_core import SchemaError, SchemaValidator, core_schema

    try:
        SchemaValidator(core_schema.str_schema(pattern=pattern))
    except SchemaError as exc:
        reason = str(exc).strip().splitlines()[-1].removeprefix("error: ")
        return f"Pydantic's Rust regex engine refuses it ({reason})"
    try:
        ecma = translate_regex(pattern)
    except RegexTranslationError as exc:
        return exc.message
    for candidate in [pattern] + ([ecma.source] if ecma.flags == "u" else []):
        try:
            re.compile(candidate)
        except re.error:
            continue
        return None
    return "no form of it that Python's re, which OpenAPI tools check patterns with, accepts"


def drop_uncarried_patterns(document: dict[str, Any], notes: Notes) -> None:
    """Remove, in place, every ``pattern`` a contract cannot declare, noting where it was."""
    schemas = (document.get("components") or {}).get("schemas") or {}
    for name, schema in schemas.items():
        _walk(schema, f"schema {name}", notes)
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method, op in item.items():
            where = f"{method.upper()} {path}" if isinstance(op, dict) else f"{path}"
            _walk(op, where, notes)


def _walk(node: Any, where: str, notes: Notes) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, where, notes)
        return
    if not isinstance(node, dict):
        return
    pattern = node.get("pattern")
    if isinstance(pattern, str):
        why = _why_not(pattern)
        if why is not None:
            del node["pattern"]
            notes.lose(where, f"pattern {pattern!r}: {why}")
    for key, value in node.items():
        if key not in ("example", "examples", "default", "enum", "const"):
            _walk(value, where, notes)
