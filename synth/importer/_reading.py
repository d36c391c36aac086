"""Reading the document to import, and checking where the package will go, before anything is
written: every way either can be unusable is an ``InputError`` or a ``UsageError`` (exit 2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from .._errors import InputError, UsageError
from .._input import read_openapi
from .._pointer import join, unescape

__all__ = ["base_path_and_servers", "check_out", "follow_part_refs", "read"]


def read(path: Path, findings: list[str]) -> dict[str, Any]:
    """The document as OpenAPI 3.1: 3.0 read through the upgrade, other files' ``$ref``s
    bundled, read as ``synth zod`` and ``synth diff`` read a foreign document: what
    openapi-spec-validator finds wrong is appended to ``findings`` (located, with how synth
    read it) rather than refused, unless synth cannot read it at all."""
    document = read_openapi(path, upgrade=True, bundle=True, notes=findings)
    _check_refs(document, path)
    paths = document.get("paths") or {}
    if not paths:
        raise InputError(
            f"{path}: the document declares no paths, so there is no operation to import; "
            "import a document with at least one operation under `paths`"
        )
    return document


def _check_refs(document: dict[str, Any], path: Path) -> None:
    """Every ``$ref`` in the document points at something (as ``synth zod`` demands)."""
    stack: list[tuple[Any, str]] = [(document, "#")]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#") and _target(document, ref) is None:
                raise InputError(
                    f"{path}{where}: $ref {ref!r} points to nothing; point it at a part of the "
                    "document or define what it names"
                )
            stack.extend((v, join(where, k)) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, join(where, i)) for i, v in enumerate(node))


def _target(document: Any, ref: str) -> Any:
    node = document
    for token in ref[1:].split("/")[1:] if ref != "#" else []:
        key = unescape(token)
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return None
    return node


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


def follow_part_refs(document: dict[str, Any]) -> None:
    """Replace, in place, each ``$ref`` of a path's or an operation's parameter, request body,
    response, response header and example with the component it names, so every operation
    reads as if written inline. A ``$ref`` that names no component stays and is reported
    where it is read."""
    components = document.get("components") or {}

    def resolve(node: Any, kind: str) -> Any:
        seen: set[str] = set()
        prefix = f"#/components/{kind}/"
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if not ref.startswith(prefix) or ref in seen:
                return node
            seen.add(ref)
            target = (components.get(kind) or {}).get(_unescape(ref[len(prefix) :]))
            if not isinstance(target, dict):
                return node
            node = target
        return node

    def media(content: Any) -> None:
        for entry in (content or {}).values() if isinstance(content, dict) else ():
            if isinstance(entry, dict) and isinstance(entry.get("examples"), dict):
                entry["examples"] = {
                    k: resolve(v, "examples") for k, v in entry["examples"].items()
                }

    def parameters(holder: dict[str, Any]) -> None:
        if isinstance(holder.get("parameters"), list):
            holder["parameters"] = [resolve(p, "parameters") for p in holder["parameters"]]
            for p in holder["parameters"]:
                if isinstance(p, dict) and isinstance(p.get("examples"), dict):
                    p["examples"] = {k: resolve(v, "examples") for k, v in p["examples"].items()}

    for item in (document.get("paths") or {}).values():
        if not isinstance(item, dict):
            continue
        parameters(item)
        for method, op in item.items():
            if method == "parameters" or not isinstance(op, dict):
                continue
            parameters(op)
            if "requestBody" in op:
                op["requestBody"] = resolve(op["requestBody"], "requestBodies")
                if isinstance(op["requestBody"], dict):
                    media(op["requestBody"].get("content"))
            responses = op.get("responses")
            if isinstance(responses, dict):
                for status, given in list(responses.items()):
                    response = responses[status] = resolve(given, "responses")
                    if not isinstance(response, dict):
                        continue
                    media(response.get("content"))
                    if isinstance(response.get("headers"), dict):
                        response["headers"] = {
                            k: resolve(v, "headers") for k, v in response["headers"].items()
                        }


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")
