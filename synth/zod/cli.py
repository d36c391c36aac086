"""``synth zod OPENAPI_FILE --out DIR``: write the Zod modules for an OpenAPI document.

``run`` returns the exit code (0 written or up to date, 1 ``--check`` found stale files) and
raises a ``SynthError`` for bad input, before anything is written. Files go through the one
writer, so ``synth zod`` keeps the same promises as ``synth generate``: a file synth did not
write is never replaced, and modules it wrote earlier that the document no longer produces
are removed.

The document may be OpenAPI 3.1 or 3.0 (read through the 3.0 -> 3.1 upgrade) and may span
several files (``$ref`` to other files, relative to it, are bundled). What the output does
not enforce though the document declares it (an unknown ``format``) is listed after the
summary, one located note a line.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from synth._input import read_openapi
from synth.writer import sync
from synth.zod._openapi import emit_zod

__all__ = ["run"]


def run(openapi_file: Path, out_dir: Path, check: bool = False, esm: bool = False) -> int:
    """Emit ``out_dir/*.ts`` from ``openapi_file``; with ``check``, compare instead."""
    warnings: list[str] = []
    document = read_openapi(openapi_file, upgrade=True, bundle=True, notes=warnings)
    notes: list[str] = []
    files = emit_zod(document, source=openapi_file.name, esm=esm, notes=notes)
    flags = " --esm" if esm else ""
    update = (
        f"`synth zod {shlex.quote(str(openapi_file))} --out {shlex.quote(str(out_dir))}{flags}`"
    )
    code = sync(files, out_dir, check=check, update=update)
    if warnings:
        click.echo(
            f"warning: {len(warnings)} finding(s) on the document, each read as described "
            "(fix the document to silence them):"
        )
        for warning in warnings:
            click.echo(f"  {openapi_file.name}{'' if warning[:1] == '#' else ': '}{warning}")
    if notes:
        click.echo(f"note: {len(notes)} schema keyword(s) kept as annotations, not checked:")
        for note in notes:
            click.echo(f"  {openapi_file.name}{note}")
    return code
