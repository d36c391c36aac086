"""Ids that exist nowhere, drawn from a path parameter's own schema.

TEN-READ, TEN-WRITE and TEN-CHILD compare another tenant's answer for an item with the answer
for an id no item has; ERR-* probes send such an id too. The id must be one the parameter's
schema accepts: a UUID sent where the contract says ``^prj_[a-z0-9]{12}$`` or an integer is
rightly answered 422, while another tenant's real id gets 404, and the difference is no leak.

A candidate is accepted when both the document's schema (ECMA-262 patterns, formats) and the
contract's own annotation (Pydantic, Rust regex, reading the value as a path segment) accept
it. A fresh UUID is used wherever it is accepted (every UUID-typed and every unconstrained
string id); otherwise integers come from near the maximum (or from far up when unbounded),
enum members in a drawn order, and other strings from the schema's own strategy.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Iterator, Mapping
from fractions import Fraction
from typing import Any, TypeVar

import jsonschema_rs
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from ..spec import ParamSpec
from ._data import Schemas
from ._violation import NoExample

__all__ = ["NoValue", "Nowhere", "integers"]

T = TypeVar("T")
Draw = Callable[[st.SearchStrategy[T], str], T]

# Unbounded integer ids start here: far beyond any counter, and inside a 32-bit column.
_FAR = 1_000_000_000
# How far from the maximum (or from _FAR) an integer is drawn.
_SPAN = 1_000_000
# Draws in a row that give nothing new (refused, or already tried) before giving up.
_ATTEMPTS = 25


# UUIDs of each shape a version 4 UUID may take (a digit or a letter first and last, the
# version and variant digits): a parameter whose schema accepts them all gets fresh UUIDs.
_UUID_SHAPES = (
    "00000000-0000-4000-8000-000000000000",
    "ffffffff-ffff-4fff-bfff-ffffffffffff",
    "0a1b2c3d-4e5f-4a6b-9c7d-8e9fa0b1c2d3",
    "a0b1c2d3-e4f5-4a6b-ac7d-e8f9a0b1c2d9",
)


class NoValue(Exception):
    """No value the parameter's schema accepts could be found; the message says why."""


class Nowhere:
    """Candidate ids that exist nowhere, per path parameter, for one API."""

    def __init__(self, schemas: Schemas) -> None:
        self.schemas = schemas
        # By the parameter's identity (kept alive here): its annotation may not be hashable.
        self._checks: dict[int, tuple[ParamSpec, Callable[[Any], bool]]] = {}

    def accepts(self, param: ParamSpec, value: Any) -> bool:
        """Whether ``param``'s schema and its contract annotation both accept ``value``."""
        if id(param) not in self._checks:
            self._checks[id(param)] = (param, _acceptance(self.schemas, param))
        return self._checks[id(param)][1](value)

    def fresh(self, param: ParamSpec) -> bool:
        """Whether ``param``'s candidates are fresh random UUIDs (no item can hold one): its
        schema accepts UUIDs of every shape (``_UUID_SHAPES``). Decided on fixed UUIDs, not a
        random one: a slug pattern such as ``^[a-z][a-z0-9-]{2,39}$`` accepts a random UUID
        when its first hex digit is a letter (6 in 16), and an example that drew a candidate
        from the schema in one run and none in the next made Hypothesis stop the check as
        flaky (an error on a correct server)."""
        return all(self.accepts(param, shape) for shape in _UUID_SHAPES)

    def candidates(self, param: ParamSpec, draw: Draw[Any]) -> Iterator[str]:
        """Distinct values for ``param`` that exist nowhere, as path text.

        Endless for UUIDs; ends when an enum runs out, or when ``_ATTEMPTS`` draws in a row
        give nothing new. Raises ``NoValue`` when the schema accepts no value this can find,
        ``NoExample`` when this example drew none.
        """
        if self.fresh(param):
            while True:
                # Each accepted (a pattern may refuse a rare one): not drawn, so an example
                # replays the same draws whatever these are.
                yield next(v for v in iter(lambda: str(uuid.uuid4()), "") if self.accepts(param, v))
        schema = self.schemas.resolve(param.schema)
        label = f"{param.name} that exists nowhere"
        if "enum" in schema or "const" in schema:
            declared = list(schema["enum"]) if "enum" in schema else [schema["const"]]
            members = [m for m in declared if self.accepts(param, m) and _segment(_text(m))]
            if not members:
                raise NoValue(f"{param.name}: no member of {declared!r} is a usable path segment")
            for m in draw(st.permutations(members), label):
                yield _text(m)
            return
        strategy: st.SearchStrategy[Any]
        if _types(schema) & {"integer", "number"}:
            numbers = integers(schema)
            if numbers is None:
                raise NoValue(f"{param.name}: no integer lies within {_bounds_text(schema)}")
            strategy = numbers
        else:
            strategy = self.schemas.strategy(param.schema)
        yield from self._distinct(param, schema, strategy, draw, label)

    def _distinct(self, param: ParamSpec, schema: Mapping[str, Any],
                  strategy: st.SearchStrategy[Any], draw: Draw[Any], label: str) -> Iterator[str]:  # fmt: skip
        # Hypothesis draws the simplest value (``prj_000000000000``, the maximum) often: a
        # value already tried is not tried again.
        seen: set[str] = set()
        refused: list[str] = []
        while len(refused) < _ATTEMPTS:
            value = draw(strategy, label)
            text = _text(value)
            if text in seen:
                refused.append(text)
            elif _segment(text) and self.accepts(param, value):
                seen.add(text)
                refused.clear()
                yield text
            else:
                refused.append(text)
        if not seen:  # may be this example's luck: another example draws again
            raise NoExample(
                f"{param.name}: none of {_ATTEMPTS} values drawn from its schema "
                f"{dict(schema)} was new and accepted as a path segment (e.g. {refused[0]!r})"
            )


def integers(schema: Mapping[str, Any]) -> st.SearchStrategy[int] | None:
    """Integers ``schema`` admits, near its maximum or far up when it has none; None if none.

    Both shrink towards the end least likely to be a real id: the maximum, or ``_FAR``.
    """
    low = _low(schema)
    high = _high(schema)
    step = _step(schema.get("multipleOf"))
    kmin = None if low is None else math.ceil(Fraction(low) / step)
    kmax = None if high is None else math.floor(Fraction(high) / step)
    if kmin is not None and kmax is not None and kmin > kmax:
        return None
    if kmax is not None:
        top = kmax
        span = _SPAN if kmin is None else min(_SPAN, kmax - kmin)
        return st.integers(0, span).map(lambda d: (top - d) * step)
    base = max(kmin if kmin is not None else 0, math.ceil(Fraction(_FAR) / step))
    return st.integers(0, _SPAN).map(lambda d: (base + d) * step)


def _low(schema: Mapping[str, Any]) -> Fraction | None:
    """The least integer ``schema`` admits by its lower bounds (3.1 numeric or 3.0 boolean)."""
    bounds: list[Fraction] = []
    exclusive = schema.get("exclusiveMinimum")
    minimum = _number(schema.get("minimum"))
    if minimum is not None:
        closed = exclusive is not True
        bounds.append(Fraction(math.ceil(minimum)) if closed else Fraction(math.floor(minimum) + 1))
    above = _number(exclusive)
    if above is not None:
        bounds.append(Fraction(math.floor(above) + 1))
    return max(bounds) if bounds else None


def _high(schema: Mapping[str, Any]) -> Fraction | None:
    """The greatest integer ``schema`` admits by its upper bounds (3.1 numeric or 3.0 boolean)."""
    bounds: list[Fraction] = []
    exclusive = schema.get("exclusiveMaximum")
    maximum = _number(schema.get("maximum"))
    if maximum is not None:
        closed = exclusive is not True
        bounds.append(Fraction(math.floor(maximum)) if closed else Fraction(math.ceil(maximum) - 1))
    below = _number(exclusive)
    if below is not None:
        bounds.append(Fraction(math.ceil(below) - 1))
    return min(bounds) if bounds else None


def _step(multiple: Any) -> int:
    """The least positive integer that is a multiple of ``multiple`` (1 without one)."""
    value = _number(multiple)
    if value is None or value <= 0:
        return 1
    return Fraction(str(value)).numerator


def _number(value: Any) -> Fraction | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return Fraction(str(value)) if isinstance(value, float) else Fraction(value)


def _bounds_text(schema: Mapping[str, Any]) -> str:
    keys = ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum", "multipleOf")
    return ", ".join(f"{k} {schema[k]}" for k in keys if k in schema) or "no bounds"


def _types(schema: Mapping[str, Any]) -> set[str]:
    kind = schema.get("type")
    if isinstance(kind, str):
        return {kind}
    if isinstance(kind, list):
        return {k for k in kind if isinstance(k, str)}
    return set()


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _segment(text: str) -> bool:
    """Whether ``text`` reaches the server as one path segment, unchanged.

    An empty value, ``.`` or ``..`` or one with a ``/`` (which servers decode before routing)
    would address another route; surrounding spaces are often trimmed on the way.
    """
    return text not in {"", ".", ".."} and "/" not in text and text.strip() == text


def _acceptance(schemas: Schemas, param: ParamSpec) -> Callable[[Any], bool]:
    root = {**dict(param.schema), "components": {"schemas": schemas.components}}
    validator = jsonschema_rs.validator_for(root, validate_formats=True)
    try:
        adapter: TypeAdapter[Any] | None = TypeAdapter(param.annotation)
    except Exception:  # an annotation Pydantic cannot adapt alone: the document decides
        adapter = None

    def accepts(value: Any) -> bool:
        if not validator.is_valid(value):
            return False
        if adapter is None:
            return True
        try:
            adapter.validate_strings(_text(value))
        except (ValidationError, ValueError, TypeError):
            return False
        return True

    return accepts
