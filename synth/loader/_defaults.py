"""A field's default must be a value of the field: Pydantic never validates one.

``unit: Unit = "kg"`` with ``Unit = Literal["g", "ml"]`` loads, and would go into the document
as a default its own enum refuses, into Zod and into the SDK. Each default is checked as the
document will carry it (its JSON) against the field's type with its constraints, strictly as
the contract models validate. A default of None is synth's "may be left out" (README), so it
is not a value to check.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections import deque
from typing import Any, get_args

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from pydantic.errors import PydanticSchemaGenerationError, PydanticUserError
from pydantic_core import PydanticSerializationError, PydanticUndefined, to_json

from .._errors import Location
from ._common import Op, model_location, types_in
from ._problems import Problems

__all__ = ["check_defaults"]


def check_defaults(ops: list[Op], problems: Problems) -> None:
    """Every model the operations reach: each default is a value its field accepts."""
    todo: deque[Any] = deque()
    for op in ops:
        todo += [op.body, op.response, *(s.annotation for _, s in op.params)]
    seen: set[type] = set()
    while todo:
        tp = todo.popleft()
        if not (isinstance(tp, type) and issubclass(tp, BaseModel)):
            todo += get_args(tp)
            continue
        if tp in seen:
            continue
        seen.add(tp)
        for name, info in tp.model_fields.items():
            todo += types_in(info.annotation)
            if info.default is PydanticUndefined or info.default is None:
                continue
            refused = _refusal(info.rebuild_annotation(), info.default)
            if refused is not None:
                problems.add(
                    _field_location(tp, name),
                    f"{tp.__name__}.{name}: the default {info.default!r} is not a value the "
                    f"field takes: {refused}",
                    "give a default its type accepts (for a Literal or enum, one of its "
                    "values), or widen the type to take it",
                )


def _refusal(annotation: Any, default: Any) -> str | None:
    """Why the field refuses its default as JSON, or None when it takes it (or cannot say)."""
    try:
        text = to_json(default)
    except PydanticSerializationError:
        return None  # not JSON at all: the document's own check reports it
    try:
        adapter: TypeAdapter[Any] = TypeAdapter(annotation, config=ConfigDict(strict=True))
    except PydanticUserError:  # a model (it has its own config): validated as it says
        adapter = TypeAdapter(annotation)
    except PydanticSchemaGenerationError:
        return None  # reported where the schemas are built
    try:
        adapter.validate_json(text)
    except ValidationError as exc:
        return "; ".join(error["msg"] for error in exc.errors())
    return None


def _field_location(model: type[BaseModel], name: str) -> Location:
    """Where field ``name`` of ``model`` is written (the class line if it cannot be found)."""
    fallback = model_location(model) or Location("?", 1)
    try:
        lines, start = inspect.getsourcelines(model)
        file = inspect.getsourcefile(model) or fallback.file
        tree = ast.parse(textwrap.dedent("".join(lines)))
    except (OSError, TypeError, SyntaxError):
        return fallback
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == name:
            return Location(file, start + node.lineno - 1)
    return fallback
