"""``synth zod OPENAPI_FILE --out DIR``: write the Zod modules for an OpenAPI 3.1 document.

``run`` returns the exit code (0 written or up to date, 1 ``--check`` found stale files) and
raises a ``SynthError`` for bad input, before anything is written. Files go through the one
writer, so ``synth zod`` keeps the same promises as ``synth generate``: a file synth did not
write is never replaced, and modules it wrote earlier that the document no longer produces
are removed.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from synth._input import read_openapi
from synth.writer import sync
from synth.zod._openapi import emit_zod

__all__ = ["run"]


def run(openapi_file: Path, out_dir: Path, check: bool = False) -> int:
    """Emit ``out_dir/*.ts`` from ``openapi_file``; with ``check``, compare instead."""
    document = read_openapi(openapi_file)
    files = emit_zod(document, source=openapi_file.name)
    update = f"`synth zod {shlex.quote(str(openapi_file))} --out {shlex.quote(str(out_dir))}`"
    return sync(files, out_dir, check=check, update=update)
