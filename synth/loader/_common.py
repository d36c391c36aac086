"""What several phases share: the operation being resolved and helpers on annotations."""

from __future__ import annotations

import inspect
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel

from .._errors import Location
from ..contract import Body, Header, OperationDecl, Query, RawParam
from ..contract import Path as PathMarker
from ..contract._semantics import Filter
from ..spec import ParamSpec

__all__ = [
    "Op",
    "camel",
    "first_line",
    "identifier",
    "model_location",
    "models_by_name",
    "ref_name",
    "split",
    "strip",
    "type_name",
    "types_in",
]


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


def type_name(tp: Any) -> str:
    return tp.__name__ if isinstance(tp, type) else repr(tp)
