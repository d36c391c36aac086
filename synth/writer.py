"""The one writer of generated files: deterministic bytes, or a comparison for ``--check``.

Only files that carry synth's provenance line are ever replaced or removed, so pointing
``--out`` at a folder with other files in it loses nothing.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ._provenance import MARK

__all__ = ["Stale", "compare", "write"]


@dataclass(frozen=True, slots=True)
class Stale:
    """A generated file that differs from what the contracts produce."""

    path: str
    kind: str  # "changed", "missing" or "extra"
    diff: str


def _ours(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return MARK.encode() in handle.read(400)
    except OSError:
        return False


def _existing(out_dir: Path) -> set[str]:
    if not out_dir.is_dir():
        return set()
    return {
        p.relative_to(out_dir).as_posix()
        for p in out_dir.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and _ours(p)
    }


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


def write(files: Mapping[str, str], out_dir: Path) -> list[str]:
    """Write changed files atomically, remove our files the contracts no longer produce."""
    changed = []
    for item in compare(files, out_dir):
        path = out_dir / item.path
        if item.kind == "extra":
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(files[item.path])
            os.replace(tmp, path)
        changed.append(item.path)
    return changed
