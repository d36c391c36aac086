"""``synth zod OPENAPI_FILE --out DIR``: write the Zod modules for an OpenAPI 3.1 document.

The lead wires ``run`` into ``synth/cli.py``; it returns the exit code (0 written or up to
date, 1 ``--check`` found stale files) and raises ``ZodError`` for bad input, before
anything is written.
"""

from __future__ import annotations

from pathlib import Path

from synth._input import read_openapi
from synth.zod._openapi import emit_zod

__all__ = ["run"]


def run(openapi_file: Path, out_dir: Path, check: bool = False) -> int:
    """Emit ``out_dir/*.ts`` from ``openapi_file``; with ``check``, compare instead."""
    document = read_openapi(openapi_file)
    files = emit_zod(document, source=openapi_file.name)
    stale = []
    for name, content in sorted(files.items()):
        path = out_dir / name
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != content:
            stale.append(name)
    if check:
        for name in stale:
            print(f"stale: {out_dir / name}")
        return 1 if stale else 0
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in stale:
        (out_dir / name).write_text(files[name], encoding="utf-8", newline="\n")
    return 0
