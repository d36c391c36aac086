"""What several phases share: the operation being resolved and helpers on annotations."""

from __future__ import annotations

import inspect
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
        return Location(inspect.getsourcefile(model) or "?", inspect.getsourcelines(model)[1])
    except (OSError, TypeError):
        return None


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
