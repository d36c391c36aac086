"""TypeScript source helpers: literals, identifiers, doc comments, indentation."""

from __future__ import annotations

import json
import math
import re
from typing import Any

__all__ = [
    "doc_comment",
    "identifier",
    "indent",
    "is_identifier",
    "literal",
    "property_key",
    "string",
]

_IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
RESERVED = frozenset(
    [
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "debugger",
        "default",
        "delete",
        "do",
        "else",
        "enum",
        "export",
        "extends",
        "false",
        "finally",
        "for",
        "function",
        "if",
        "import",
        "in",
        "instanceof",
        "new",
        "null",
        "return",
        "super",
        "switch",
        "this",
        "throw",
        "true",
        "try",
        "typeof",
        "var",
        "void",
        "while",
        "with",
        "yield",
        "let",
        "static",
        "implements",
        "interface",
        "package",
        "private",
        "protected",
        "public",
        "await",
        "any",
        "boolean",
        "number",
        "string",
        "symbol",
        "unknown",
        "never",
        "object",
        "undefined",
        "Record",
        "Partial",
        "Array",
        "Object",
        "z",
    ]
)


def is_identifier(name: str) -> bool:
    return bool(_IDENT.match(name))


def identifier(name: str) -> str:
    """A safe TypeScript identifier derived from ``name``."""
    out = re.sub(r"[^A-Za-z0-9_$]", "_", name) or "_"
    if out[0].isdigit():
        out = "_" + out
    if out in RESERVED:
        out += "_"
    return out


def string(text: str) -> str:
    """A double-quoted TypeScript string literal (JSON escaping is valid TS)."""
    return (
        json.dumps(text, ensure_ascii=False)
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def literal(value: Any) -> str:  # noqa: PLR0911 (a return per JSON value type)
    """A JSON value as a TypeScript expression (``-0`` and huge integers kept exact)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if abs(value) < 2**53 else repr(float(value)).replace("inf", "Infinity")
    if isinstance(value, float):
        if math.isinf(value) or math.isnan(value):
            raise ValueError("not a JSON number")
        return repr(value) if not value.is_integer() else str(int(value))
    if isinstance(value, str):
        return string(value)
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    items = ", ".join(f"{property_key(k)}: {literal(v)}" for k, v in value.items())
    return "{ " + items + " }" if items else "{}"


def property_key(name: str) -> str:
    """An object-literal key: bare when an identifier, quoted otherwise."""
    if name == "__proto__":
        return '["__proto__"]'
    return name if is_identifier(name) else string(name)


def indent(code: str, prefix: str = "  ") -> str:
    """Indent every line but the first (the caller places the first)."""
    return code.replace("\n", "\n" + prefix)


def doc_comment(text: str | None, prefix: str = "") -> str:
    """A JSDoc block for ``text`` (``*/`` escaped), or nothing."""
    if not text or not text.strip():
        return ""
    body = text.strip().replace("*/", "*\\/")
    lines = body.splitlines()
    if len(lines) == 1:
        return f"{prefix}/** {lines[0]} */\n"
    inner = "\n".join(f"{prefix} *{' ' + line if line.strip() else ''}" for line in lines)
    return f"{prefix}/**\n{inner}\n{prefix} */\n"
