"""The Zod emitter's modules import each other in one direction only."""

from __future__ import annotations

import ast
from pathlib import Path

import synth.zod

PACKAGE = Path(synth.zod.__file__).parent


def _imports(module: str) -> list[tuple[str, bool]]:
    """``(imported module, at top level)`` for every import of ``synth/zod/<module>.py``."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, id(node) in top))
        elif isinstance(node, ast.Import):
            found.extend((alias.name, id(node) in top) for alias in node.names)
    return found


def test_unevaluated_does_not_import_the_emitter() -> None:
    modules = [name for name, _ in _imports("_unevaluated")]
    assert "synth.zod._expr" in modules
    assert not any(name.endswith("_emitter") for name in modules)


def test_the_emitter_imports_unevaluated_at_the_top() -> None:
    imports = _imports("_emitter")
    assert ("synth.zod._unevaluated", True) in imports
    assert all(top for name, top in imports if name.startswith("synth."))
