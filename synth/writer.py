"""The one writer of generated files: deterministic bytes, or a comparison for ``--check``.

Only files that carry synth's provenance line are ever replaced or removed, so pointing
``--out`` at a folder with other files in it loses nothing. ``sync`` is the step both
``synth generate`` and ``synth zod`` run: write and say what changed, or report what is stale.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import click

from ._errors import UsageError
from ._provenance import MARK

__all__ = ["Stale", "Written", "compare", "sync", "write"]

# What is built from generated files, not generated: Python's bytecode, a TypeScript package's
# `tsc` output (which keeps the provenance comment) and its installed dependencies. Never
# synth's to remove or to report as extra.
_BUILT = frozenset({"__pycache__", "dist", "node_modules"})

# Where the provenance line can be: a comment at the top, or the last key of a JSON document.
_PEEK = 400


@dataclass(frozen=True, slots=True)
class Stale:
    """A generated file that differs from what the contracts produce."""

    path: str
    kind: str  # "changed", "missing" or "extra"
    diff: str


@dataclass(frozen=True, slots=True)
class Written:
    """What ``write`` did: the files it wrote (new or changed), removed, and left alone."""

    written: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: tuple[str, ...]


def _ours(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(_PEEK)
            handle.seek(max(0, path.stat().st_size - _PEEK))
            tail = handle.read(_PEEK)
    except OSError:
        return False
    return MARK.encode() in head or MARK.encode() in tail


def _existing(out_dir: Path) -> set[str]:
    if not out_dir.is_dir():
        return set()
    found = set()
    for folder, subfolders, names in os.walk(out_dir):
        subfolders[:] = sorted(d for d in subfolders if d not in _BUILT)
        for name in names:
            path = Path(folder) / name
            if _ours(path):
                found.add(path.relative_to(out_dir).as_posix())
    return found


def compare(files: Mapping[str, str], out_dir: Path, max_lines: int = 12) -> list[Stale]:
    """What ``write`` would change, without writing anything."""
    stale = []
    for rel in sorted(files):
        path = out_dir / rel
        if not path.exists():
            stale.append(Stale(rel, "missing", ""))
            continue
        old = path.read_text(encoding="utf-8")
        if old != files[rel]:
            diff = difflib.unified_diff(
                old.splitlines(), files[rel].splitlines(), f"{rel} (on disk)",
                f"{rel} (from contracts)", n=1, lineterm="",
            )  # fmt: skip
            lines = list(diff)
            more = (
                f"\n... {len(lines) - max_lines} more diff lines" if len(lines) > max_lines else ""
            )
            stale.append(Stale(rel, "changed", "\n".join(lines[:max_lines]) + more))
    for rel in sorted(_existing(out_dir) - set(files)):
        stale.append(Stale(rel, "extra", ""))
    return stale


def write(files: Mapping[str, str], out_dir: Path) -> Written:
    """Write changed files atomically, remove our files the contracts no longer produce.

    Raises ``UsageError`` before writing anything when a file to replace is not synth's.
    """
    stale = compare(files, out_dir)
    foreign = [
        item.path for item in stale if item.kind == "changed" and not _ours(out_dir / item.path)
    ]
    if foreign:
        listed = ", ".join(str(out_dir / rel) for rel in foreign)
        raise UsageError(
            f"refusing to overwrite {listed}: not written by synth (no {MARK!r} line); "
            "move it away or choose another --out folder"
        )
    written, removed = [], []
    for item in stale:
        path = out_dir / item.path
        if item.kind == "extra":
            path.unlink()
            removed.append(item.path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(files[item.path])
            os.replace(tmp, path)
            written.append(item.path)
    unchanged = sorted(set(files) - set(written))
    return Written(tuple(written), tuple(removed), tuple(unchanged))


def sync(files: Mapping[str, str], out_dir: Path, *, check: bool, update: str) -> int:
    """Write ``files`` into ``out_dir`` (or, with ``check``, report what is stale) and say so.

    Returns the exit code: 1 when ``check`` finds stale files, else 0. ``update`` names the
    command that brings ``out_dir`` up to date, for the stale report.
    """
    if check:
        stale = compare(files, out_dir)
        if not stale:
            click.echo(f"synth: {out_dir}/ is up to date ({len(files)} files)")
            return 0
        for item in stale:
            click.echo(f"stale: {out_dir / item.path} ({item.kind})", err=True)
            if item.diff:
                click.echo(item.diff, err=True)
        kinds = [item.kind for item in stale]
        counts = [f"{kinds.count(k)} {k}" for k in ("changed", "missing", "extra") if k in kinds]
        fresh = len(files) - kinds.count("changed") - kinds.count("missing")
        click.echo(
            f"synth: {len(stale)} stale file(s) in {out_dir}/ ({', '.join(counts)}; "
            f"{fresh} up to date); run {update} and commit the result",
            err=True,
        )
        return 1
    done = write(files, out_dir)
    click.echo(
        f"synth: {len(done.written)} written, {len(done.removed)} removed, "
        f"{len(done.unchanged)} unchanged in {out_dir}/"
    )
    for path in done.written:
        click.echo(f"  written  {path}")
    for path in done.removed:
        click.echo(f"  removed  {path}")
    return 0
