"""Where the two documents come from: an OpenAPI file (JSON or YAML), a folder of contracts,
or the contracts folder as it was at a git revision.

Every way an input can be unusable is an ``InputError`` that says what, where and how to fix it.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._errors import ContractError, InputError
from .._input import check_openapi, read_openapi

__all__ = [
    "NoContractsAtRevision",
    "Source",
    "check_openapi",
    "contracts_document",
    "file_document",
    "git_root",
    "resolve_auto_base",
    "revision_document",
    "revision_exists",
]


@dataclass(frozen=True, slots=True)
class Source:
    """A loaded document and how to name it to people."""

    label: str
    document: Mapping[str, Any]

    @property
    def version(self) -> str | None:
        info = self.document.get("info")
        version = info.get("version") if isinstance(info, Mapping) else None
        return str(version) if version is not None else None


class NoContractsAtRevision(InputError):
    """The revision exists but has no contracts folder: there is nothing to compare against."""


def file_document(path: Path) -> Source:
    """An OpenAPI file, or a folder of contracts, as a ``Source``."""
    label = str(path)
    if path.is_dir():
        return Source(label, contracts_document(path))
    if not path.exists():
        raise InputError(
            f"{label}: no such file; pass an OpenAPI 3.0 or 3.1 document (JSON or YAML), a contracts "
            "folder, or use --against REV to compare with the contracts at a git revision"
        )
    # Every check of a foreign document (parsing, the validator, the 3.0 -> 3.1 upgrade, the
    # bundling of other files) happens in `read_openapi`, shared with `synth zod`: what the
    # validator finds is a warning on stderr (the document is read as described), as there.
    warnings: list[str] = []
    document = read_openapi(path, label, upgrade=True, bundle=True, notes=warnings)
    if warnings:
        print(
            f"warning: {len(warnings)} finding(s) on {label}, each read as described (fix the "
            "document to silence them):",
            file=sys.stderr,
        )
        for warning in warnings:
            print(f"  {label}{'' if warning[:1] == '#' else ': '}{warning}", file=sys.stderr)
    return Source(label, document)


def contracts_document(folder: Path, label: str | None = None) -> Mapping[str, Any]:
    """Load contracts and build the OpenAPI document synth would emit for them."""
    from ..document import build
    from ..loader import load

    return build(load(folder))


# -- git ----------------------------------------------------------------------------------------


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    git = shutil.which("git")
    if git is None:
        raise InputError("git is not installed; install git or compare two OpenAPI files instead")
    return subprocess.run([git, *args], cwd=cwd, capture_output=True, check=False)


def git_root(start: Path) -> Path | None:
    folder = start if start.is_dir() else start.parent
    while not folder.exists():
        folder = folder.parent
    done = _git(["rev-parse", "--show-toplevel"], folder)
    if done.returncode != 0:
        return None
    return Path(done.stdout.decode().strip()).resolve()


def revision_exists(root: Path, rev: str) -> bool:
    done = _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], root)
    return done.returncode == 0


def resolve_auto_base(contracts: Path) -> tuple[str, str] | None:
    """The base to compare with in CI: where this branch left ``origin/main`` (so changes that
    landed on main since are not counted against the branch), else ``HEAD``; ``None`` when
    there is no git repository or no commit. Returns (revision, how it was chosen)."""
    root = git_root(contracts.resolve())
    if root is None:
        return None
    if revision_exists(root, "origin/main"):
        done = _git(["merge-base", "origin/main", "HEAD"], root)
        if done.returncode == 0:
            return done.stdout.decode().strip(), "the merge base of origin/main and HEAD"
        return "origin/main", "origin/main"
    if revision_exists(root, "HEAD"):
        return "HEAD", "HEAD (no origin/main)"
    return None


def revision_document(rev: str, contracts: Path) -> Source:
    """The OpenAPI document built from ``contracts`` as it was at git revision ``rev``."""
    folder = contracts.resolve()
    root = git_root(folder)
    if root is None:
        raise InputError(
            f"--against {rev}: {contracts} is not inside a git repository; run from the "
            "repository, pass --contracts DIR, or compare two OpenAPI files"
        )
    if not revision_exists(root, rev):
        raise InputError(
            f"--against {rev}: no such git revision in {root}; name a branch, tag or commit "
            "(in CI, fetch the base first: `git fetch origin main`)"
        )
    try:
        rel = folder.relative_to(root).as_posix()
    except ValueError:
        raise InputError(f"--contracts {contracts}: not inside the repository {root}") from None
    listed = _git(["ls-tree", "-d", "--name-only", rev, "--", rel], root)
    if listed.returncode != 0 or not listed.stdout.strip():
        raise NoContractsAtRevision(
            f"--against {rev}: the revision has no {rel}/ folder; there is nothing to compare "
            "against (commit the contracts first)"
        )
    archive = _git(["archive", "--format=tar", rev, "--", rel], root)
    if archive.returncode != 0:
        raise InputError(f"--against {rev}: git archive failed: {archive.stderr.decode().strip()}")
    with tempfile.TemporaryDirectory(prefix="synth-diff-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(tmp, filter="data")
        try:
            document = contracts_document(Path(tmp) / rel)
        except ContractError as exc:
            raise InputError(
                f"--against {rev}: the contracts at that revision do not load with this "
                f"version of synth:\n{exc}"
            ) from None
    return Source(f"{rel}/ at {rev}", document)
