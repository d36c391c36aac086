"""Reading the document to import, and checking where the package will go, before anything is
written: every way either can be unusable is an ``InputError`` or a ``UsageError`` (exit 2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from .._errors import InputError, UsageError
from .._input import read_openapi

__all__ = ["base_path_and_servers", "check_out", "read"]


def read(path: Path) -> dict[str, Any]:
    """The document as OpenAPI 3.1: 3.0 read through the upgrade, other files' ``$ref``s
    bundled, validated by openapi-spec-validator (as ``synth zod`` reads it)."""
    document = read_openapi(path, upgrade=True, bundle=True)
    paths = document.get("paths") or {}
    if not paths:
        raise InputError(
            f"{path}: the document declares no paths, so there is no operation to import; "
            "import a document with at least one operation under `paths`"
        )
    return document


def check_out(out: Path, force: bool) -> None:
    """``--out`` must be a new or empty folder, or ``--force`` given."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: is a file, not a folder; name a new or empty folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise UsageError(
            f"--out {out}: the folder is not empty; name a new or empty folder, or pass "
            "--force to replace the package's files in it"
        )


def _expand(server: dict[str, Any]) -> str:
    """The server's URL with its variables at their defaults."""
    url = str(server.get("url") or "")
    for name, var in (server.get("variables") or {}).items():
        if isinstance(var, dict) and "default" in var:
            url = url.replace("{" + name + "}", str(var["default"]))
    return url


def base_path_and_servers(document: dict[str, Any]) -> tuple[str, list[str]]:
    """The API's base path (the first server's path) and the absolute server URLs.

    synth writes ``servers: [{url: base_path}]`` when no server URL is declared, so a relative
    first server is the base path; an absolute one gives both.
    """
    servers = [_expand(s) for s in document.get("servers") or [] if isinstance(s, dict)]
    servers = [s for s in servers if s and "{" not in s]
    if not servers:
        return "", []
    first = servers[0]
    parsed = urlparse(first)
    if parsed.scheme:
        base = parsed.path.rstrip("/")
        return base, [s.rstrip("/") for s in servers if urlparse(s).scheme]
    return first.rstrip("/"), []
