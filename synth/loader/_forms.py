"""Form and multipart bodies: what their fields may be, and their file parts as ``FileSpec``s.

A form carries text fields (and, multipart only, files): each field is a scalar or a list of
scalars, never an object, and never null (a form has no spelling for null; an optional field is
left out). A ``File()`` field is a file part, only in a ``Multipart()`` body.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..contract._forms import FILE_KEYWORD
from ..spec import FileSpec
from ._common import Op
from ._problems import Problems

__all__ = ["JSON", "form_files"]

JSON = "application/json"
_REF = "#/components/schemas/"
_SCALARS = {"string", "integer", "number", "boolean"}


def _resolve(schema: Any, components: Mapping[str, Any]) -> Any:
    seen = 0
    while (
        isinstance(schema, Mapping) and str(schema.get("$ref", "")).startswith(_REF) and seen < 32
    ):
        schema = components.get(schema["$ref"][len(_REF) :], {})
        seen += 1
    return schema


def _branches(schema: Any, components: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The schema and its ``anyOf``/``oneOf`` branches, resolved."""
    schema = _resolve(schema, components)
    if not isinstance(schema, Mapping):
        return []
    out = [schema]
    for branch in [*schema.get("anyOf", ()), *schema.get("oneOf", ())]:
        out += _branches(branch, components)
    return out


def _kinds(schema: Any, components: Mapping[str, Any]) -> set[str]:
    out: set[str] = set()
    for branch in _branches(schema, components):
        kind = branch.get("type")
        if isinstance(kind, str):
            out.add(kind)
        elif isinstance(kind, list):
            out.update(k for k in kind if isinstance(k, str))
        elif "enum" in branch or "const" in branch:
            values = branch.get("enum", [branch.get("const")])
            out.update("null" if v is None else "string" if isinstance(v, str) else "number"
                       for v in values)  # fmt: skip
        elif "properties" in branch:
            out.add("object")
    return out


def _file(schema: Any, components: Mapping[str, Any]) -> Mapping[str, Any] | None:
    for branch in _branches(schema, components):
        rules = branch.get(FILE_KEYWORD)
        if isinstance(rules, Mapping):
            return rules
    return None


def _files_anywhere(
    schema: Any, components: Mapping[str, Any], path: str, seen: set[str]
) -> list[str]:
    """Dotted paths of ``File()`` fields under ``schema`` (for a body that cannot carry them)."""
    if isinstance(schema, Mapping) and str(schema.get("$ref", "")).startswith(_REF):
        name = schema["$ref"][len(_REF) :]
        if name in seen:
            return []
        seen.add(name)
        return _files_anywhere(components.get(name, {}), components, path, seen)
    if not isinstance(schema, Mapping):
        return []
    if isinstance(schema.get(FILE_KEYWORD), Mapping):
        return [path]
    out: list[str] = []
    for key, sub in schema.get("properties", {}).items():
        out += _files_anywhere(sub, components, f"{path}.{key}" if path else key, seen)
    for sub in [*schema.get("anyOf", ()), *schema.get("oneOf", ()), schema.get("items")]:
        out += _files_anywhere(sub, components, path, seen)
    return out


def form_files(
    op: Op, body_schema: str | None, components: Mapping[str, Any], problems: Problems
) -> tuple[FileSpec, ...]:
    """Check a body's fields against its media type; a multipart body's file parts."""
    d, where = op.decl, op.decl.location
    if body_schema is None or op.body is None:
        return ()
    model = op.body.__name__
    root = _resolve({"$ref": _REF + body_schema}, components)
    if op.media_type == JSON:
        for path in _files_anywhere(root, components, "", set()):
            problems.add(
                where,
                f"{d.name}: {model}.{path} is a File(), but the body is sent as JSON",
                f"send the body as multipart: `body: Annotated[{model}, Multipart()]`",
            )
        return ()
    form = "Multipart()" if op.media_type == "multipart/form-data" else "Form()"
    required = set(root.get("required", ()))
    files: list[FileSpec] = []
    for name, prop in root.get("properties", {}).items():
        rules = _file(prop, components)
        if rules is not None and op.media_type == "multipart/form-data":
            files.append(FileSpec(name, tuple(rules.get("mediaTypes", ())), rules.get("maxSize"),
                                  name in required))  # fmt: skip
            continue
        if rules is not None:
            problems.add(
                where,
                f"{d.name}: {model}.{name} is a File(), which an urlencoded Form() cannot carry",
                f"send the body as multipart: `body: Annotated[{model}, Multipart()]`",
            )
            continue
        kinds = _kinds(prop, components)
        items = [b.get("items") for b in _branches(prop, components) if b.get("type") == "array"]
        nested = "object" in kinds or any(
            _kinds(i, components) - _SCALARS - {"null"} or _file(i, components) for i in items
        )
        if nested or not kinds:
            problems.add(
                where,
                f"{d.name}: {model}.{name} is not a scalar or a list of scalars, which a {form} "
                "body cannot carry",
                "give form fields str, int, float, bool, enum or list-of-those types, or send "
                "the body as JSON",
            )
        elif "null" in kinds and name in required:
            problems.add(
                where,
                f"{d.name}: {model}.{name} may be null but has no default: a {form} body has no "
                "spelling for null",
                f"give it a default (`{name}: ... | None = None`): a form leaves it out",
            )
    return tuple(files)
