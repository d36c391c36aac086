"""What several phases share: the operation being resolved and helpers on annotations."""

from __future__ import annotations

import ast
import functools
import inspect
import linecache
import os
import re
import types
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, RootModel

from .._errors import Location
from ..contract import Body, Header, OperationDecl, Query, RawParam
from ..contract import Path as PathMarker
from ..contract._semantics import Filter
from ..spec import ParamSpec

__all__ = [
    "TOKEN",
    "Op",
    "camel",
    "first_line",
    "identifier",
    "list_model",
    "model_location",
    "models_by_name",
    "public",
    "ref_name",
    "split",
    "strip",
    "type_name",
    "types_in",
]


# RFC 9110 token (a header name); RFC 6265 cookie-name is the same set of characters.
TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


@dataclass
class Op:
    """An operation being resolved: what the signature and declaration said."""

    decl: OperationDecl
    params: list[tuple[RawParam, ParamSpec]] = field(default_factory=list)
    body: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    media_type: str = "application/json"  # the body's: Form() and Multipart() change it


def identifier(name: str) -> str:
    """A name as Python spells identifiers: NFKC-normalised (``ǅ`` is ``Dž`` in source)."""
    return unicodedata.normalize("NFKC", name)


def split(annotation: Any) -> tuple[Any, list[Any]]:
    """``Annotated[T, m1, m2]`` → ``(T, [m1, m2])``, looking through ``T | None``."""
    markers: list[Any] = []
    if get_origin(annotation) is Annotated:
        base, *meta = get_args(annotation)
        markers.extend(meta)
        annotation = base
    return annotation, markers


def strip(annotation: Any) -> Any:
    """Drop synth's markers from ``Annotated`` metadata, keeping Pydantic's."""
    if get_origin(annotation) is not Annotated:
        return annotation
    base, *meta = get_args(annotation)
    keep = [m for m in meta if not isinstance(m, (Body, Header, PathMarker, Query, Filter))]
    return Annotated[(base, *keep)] if keep else base


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def models_by_name(roots: Iterable[Any]) -> dict[str, type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    todo = list(roots)
    while todo:
        tp = todo.pop()
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if tp.__name__ in found:
                continue
            found[tp.__name__] = tp
            todo += [t for f in tp.model_fields.values() for t in types_in(f.annotation)]
        else:
            todo += list(get_args(tp))
    return found


def model_location(model: type[BaseModel] | None) -> Location | None:
    if model is None:
        return None
    try:
        path = inspect.getsourcefile(model)
        if path is not None:
            stat = os.stat(path)
            line = _class_lines(path, stat.st_mtime_ns, stat.st_size).get(model.__qualname__)
            if line is not None:
                return Location(path, line)
        return Location(path or "?", inspect.getsourcelines(model)[1])
    except (OSError, TypeError):
        return None


@functools.lru_cache(maxsize=32)
def _class_lines(path: str, mtime_ns: int, size: int) -> dict[str, int]:
    """Each class of the module at ``path`` by qualified name: the line it starts on (its
    first decorator's), as ``inspect.getsourcelines`` gives it.

    Python 3.11's ``getsourcelines`` parses the whole module for each class it is asked about;
    an imported document's models (thousands of classes in one file) made that quadratic.
    """
    try:
        tree = ast.parse("".join(linecache.getlines(path)))
    except (SyntaxError, ValueError, OSError):
        return {}
    lines: dict[str, int] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                name = prefix + child.name
                first = child.decorator_list[0].lineno if child.decorator_list else child.lineno
                lines.setdefault(name, first)
                visit(child, name + ".")
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(child, f"{prefix}{child.name}.<locals>.")
            else:
                visit(child, prefix)

    visit(tree, "")
    return lines


def types_in(annotation: Any) -> list[Any]:
    out = [annotation]
    for arg in get_args(annotation):
        out.extend(types_in(arg))
    return out


def ref_name(schema: Any) -> str | None:
    if isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str):
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    return None


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(w[:1].upper() + w[1:] for w in rest)


# The package the loader imports a contracts folder as (``synth.loader._imports``); a name
# under it is the user's own module path once the prefix is gone.
_INTERNAL = re.compile(r"\b_synth_contracts_[0-9a-f]+\.")
# What ``list_model`` sets on the root model it makes: the item model.
LIST_OF = "__synth_list_of__"


def public(text: str) -> str:
    """``text`` with the loader's internal package name dropped from every qualified name:
    ``_synth_contracts_d664b971df.models.Plan`` reads ``models.Plan``, the user's module."""
    return _INTERNAL.sub("", text)


def type_name(tp: Any) -> str:
    """An annotation as its contract spells it: ``list[Plan]``, ``Plan | None``, ``int``."""
    item = getattr(tp, LIST_OF, None) if isinstance(tp, type) else None
    origin, args = get_origin(tp), get_args(tp)
    if item is not None:
        text = f"list[{type_name(item)}]"
    elif tp is None or tp is type(None):
        text = "None"
    elif origin is Annotated:
        text = type_name(args[0])
    elif origin in (Union, types.UnionType):
        text = " | ".join(type_name(a) for a in args)
    elif origin is not None and args:
        head = getattr(origin, "__name__", None) or repr(origin)
        text = f"{head}[{', '.join(type_name(a) for a in args)}]"
    else:
        text = tp.__name__ if isinstance(tp, type) else repr(tp)
    return public(text)


def list_model(item: type[BaseModel]) -> type[BaseModel]:
    """The root model of a bare JSON array of ``item`` (``PlanList``), a response's component."""
    root: Any = RootModel[list[item]]  # type: ignore[valid-type]
    model: type[BaseModel] = type(f"{item.__name__}List", (root,), {"__module__": item.__module__})
    setattr(model, LIST_OF, item)
    return model
