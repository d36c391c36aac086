"""The TypeScript helpers that emitted schemas call, read from ``runtime/runtime.ts``.

Zod has no built-in for JSON Schema's exact rules (length in code points, deep equality,
float-safe ``multipleOf``, format grammars that match pydantic, the applicators), so the
emitter writes small, named checks instead of inlining closures at every use. A module
imports (or, standalone, inlines) only the helpers it uses.

The helpers live in a real TypeScript file so that tsc checks them where they are
(``tests/zod/test_tsc.py``). Each blank-line separated block of it that declares something
is one helper; the helpers it calls are the helper names its code mentions, so the table of
dependencies cannot drift from the code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

__all__ = ["Helper", "closure", "helpers", "render_helpers"]

_DECLARATION = re.compile(r"^export (?:function|const|type) ([A-Za-z_$][\w$]*)", re.MULTILINE)
_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")
# What is not code: comments and quoted strings (a helper's doc may name another helper).
_NOT_CODE = re.compile(r"/\*.*?\*/|//[^\n]*|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Helper:
    """One top-level TypeScript declaration and the helpers it calls."""

    source: str
    deps: tuple[str, ...] = ()


@cache
def helpers() -> Mapping[str, Helper]:
    """Every helper of ``runtime.ts`` by name, in the file's order (read once)."""
    text = files("synth.zod").joinpath("runtime", "runtime.ts").read_text(encoding="utf-8")
    sources: dict[str, str] = {}
    for block in text.strip("\n").split("\n\n"):
        found = _DECLARATION.findall(block)
        if not found:
            continue  # the file's header comment and its import
        if len(found) > 1:
            raise AssertionError(f"runtime.ts: one declaration per block, found {found}")
        sources[found[0]] = block
    table = {}
    for name, source in sources.items():
        used = set(_IDENTIFIER.findall(_NOT_CODE.sub(" ", source)))
        deps = tuple(other for other in sources if other != name and other in used)
        table[name] = Helper(source, deps)
    return table


def closure(names: set[str]) -> list[str]:
    """The helpers ``names`` need, with their dependencies, in a stable order."""
    table = helpers()
    seen: set[str] = set()
    stack = sorted(names)
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        stack.extend(table[name].deps)
    return sorted(seen)


def render_helpers(names: set[str], *, export: bool) -> str:
    """The source of ``names`` and their dependencies; ``export=False`` for inlining."""
    table = helpers()
    parts = []
    for name in closure(names):
        source = table[name].source
        if not export:
            source = source.replace("export function ", "function ")
        parts.append(source)
    return "\n\n".join(parts)
