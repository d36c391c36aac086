"""The bounds a request body declares, each as a value at it and one a step outside it.

For every top-level field of a body the declared bounds (``maxLength``, ``minLength``,
``minimum``, ``maximum``, ``exclusiveMinimum``, ``exclusiveMaximum``, ``multipleOf``,
``maxItems``, ``minItems``, and each ``enum`` member) give a value exactly at the line, which
a server must accept and store as sent (VAL-BOUND), and one a step past it, which it must
refuse with the declared validation error naming the field (ERR-VALIDATION). Each value is
put into a valid drawn body and kept only where the contract's model agrees (accepts the
first, refuses the second), so "at" and "outside" mean what the contract says, and nothing
else in the body is wrong.

Values are chosen so that a correct server has no room to differ: text is lowercase ASCII
letters and digits (nothing to trim, fold or normalise); a number at a bound is the bound as
the contract writes it; a ``multipleOf`` is met by the multiple itself (``m % m`` is 0 in any
arithmetic) and missed by half a step more (``1.5 * m``: no rounding tolerance calls it a
multiple). A float one step past an exclusive bound has no value a server must store
exactly, so none is sent at it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from .._context import Context
from .._data import accepts
from .._pattern_text import text_of_length

__all__ = ["Bound", "body_bounds", "equal"]

# An array bound above this many items is not sent (each item a drawn value).
_MOST_ITEMS = 100
# A text bound above this many characters is not sent.
_MOST_TEXT = 100_000


@dataclass(frozen=True, slots=True)
class Bound:
    """One declared bound of a body field: a valid body with the field at the bound (None
    where none can be made), and one with the field a step outside it (None likewise)."""

    field: str
    what: str  # "maxLength 200", "enum member 'call'"
    at: Any
    outside: Any
    why: str = ""  # why no value was made at the bound, where that is known before the model

    @property
    def why_not_at(self) -> str:
        """Why no value is sent at the bound (``at`` None)."""
        if self.why:
            return self.why
        if self.what.startswith("exclusive"):
            return "a float next to an exclusive bound has no value a server must store exactly"
        return (
            "the contract's model refuses every value synth makes there (plain lowercase ASCII "
            "text, the bound itself, drawn items): a pattern, a format or another field's rule"
        )


def _sized(seed: str, pattern: Any, size: int) -> tuple[str | None, str]:
    """Text of ``size`` characters for a string field with ``pattern`` (or none): the run's
    plain text where the pattern takes it, else text built to match the pattern at that
    length; None and why where there is none."""
    plain = _text(seed, size)
    if not isinstance(pattern, str):
        return plain, ""
    try:
        if re.search(pattern, plain):
            return plain, ""
    except re.error:
        pass
    built, why = text_of_length(pattern, size)
    return built, (f"no text of {size} characters was made for it: {why}" if built is None else "")


def _text(seed: str, size: int) -> str:
    """``size`` lowercase ASCII letters and digits, from ``seed`` (the run's marker)."""
    alphabet = "".join(c for c in seed.lower() if c.isascii() and c.isalnum()) or "synth"
    return (alphabet * (size // len(alphabet) + 1))[:size]


def _branch(schema: Mapping[str, Any], ctx: Context, kinds: set[str]) -> Mapping[str, Any] | None:
    """The branch of ``schema`` (itself, or an ``anyOf`` / ``oneOf`` branch) of one of ``kinds``."""
    schema = ctx.schemas.resolve(schema)
    if schema.get("type") in kinds:
        return schema
    for branch in [*schema.get("anyOf", ()), *schema.get("oneOf", ())]:
        found = _branch(branch, ctx, kinds)
        if found is not None:
            return found
    return None


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _numbers(schema: Mapping[str, Any], why: dict[str, str]) -> list[tuple[str, Any, Any]]:
    """(what, at, outside) for each numeric bound; at or outside None where none fits (and
    in ``why``, the reason where it is the range's)."""
    integer = schema.get("type") == "integer"
    out: list[tuple[str, Any, Any]] = []
    low: Any = schema.get("minimum")
    high: Any = schema.get("maximum")
    if _number(low):
        out.append((f"minimum {low}", low, low - 1))
    if _number(high):
        out.append((f"maximum {high}", high, high + 1))
    low, high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if _number(low):
        out.append((f"exclusiveMinimum {low}", low + 1 if integer else None, low))
    if _number(high):
        out.append((f"exclusiveMaximum {high}", high - 1 if integer else None, high))
    step: Any = schema.get("multipleOf")
    if _number(step) and step > 0:
        what = f"multipleOf {step}"
        at, outside, why[what] = _multiple(schema, step, integer)
        out.append((what, at, outside))
    return out


def _multiple(schema: Mapping[str, Any], step: Any, integer: bool) -> tuple[Any, Any, str]:
    """The smallest multiple of ``step`` in the field's range, a value half a step (or one,
    for integers) past it inside the range, and why there is none where that is so."""
    low, high = schema.get("minimum"), schema.get("maximum")
    above, below = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")

    def inside(value: Any) -> bool:
        return not (
            (_number(low) and value < low) or (_number(high) and value > high)
            or (_number(above) and value <= above) or (_number(below) and value >= below)
        )  # fmt: skip

    at: Any = step
    floors: list[Any] = [v for v in (low, above) if _number(v)]
    floor = max(floors) if floors else None
    if floor is not None and floor >= step:
        count = math.ceil(floor / step)
        at = step * count if isinstance(step, int) and isinstance(floor, int) else None
        if at is not None and not inside(at):
            at += step
        if at is None:
            return (
                None,
                None,
                (
                    f"the range starts at {floor}, above the multiple {step}: synth sends whole "
                    "multiples of a whole-number step only (a float multiple is not exact)"
                ),
            )
    if not inside(at):
        return None, None, f"no multiple of {step} lies in the field's range"
    outside: Any = at + 1 if integer else at + step / 2
    if integer and step <= 1:
        outside = None
    elif outside is not None and not (math.isfinite(outside) and inside(outside)):
        outside = at - 1 if integer else at - step / 2
        outside = outside if math.isfinite(outside) and inside(outside) else None
    return at, outside, ""


def body_bounds(ctx: Context, body: Any) -> list[Bound]:
    """Every declared bound of ``ctx.op``'s body fields, on the drawn valid ``body``.

    A field the runtime rewrites on the way (``Unique()`` fields get fresh values, fields
    naming another item get the tenant's own) has no value at its bound that is sent as
    built, so it has none. Array items are drawn here, distinct, as many as the largest
    bound needs plus one: every example draws them whether or not it sends them.
    """
    op = ctx.op
    if op.body is None or op.body_schema is None or not isinstance(body, dict):
        return []
    rewritten = set(op.unique) | {ref.field for ref in ctx.graph.references(op)}
    seed = ctx.marker()
    out: list[Bound] = []
    for name, schema in ctx.schemas.properties(op.body_schema).items():
        if name in rewritten or (op.form and op.file(name) is not None):
            continue
        values: list[tuple[str, Any, Any]] = []
        why: dict[str, str] = {}
        text = ctx.schemas.string_branch(schema)
        if text is not None:
            pattern = text.get("pattern")
            most, least = text.get("maxLength"), text.get("minLength")
            for what, size, past in (("maxLength", most, 1), ("minLength", least, -1)):
                if not isinstance(size, int) or not 0 < size <= _MOST_TEXT:
                    continue
                at, why[f"{what} {size}"] = _sized(seed, pattern, size)
                # One step past: matching the pattern where some text does, so that only the
                # length is wrong; else plain text, which the model refuses all the same.
                outside = _sized(seed, pattern, size + past)[0] or _text(seed, size + past)
                values.append((f"{what} {size}", at, outside))
        number = _branch(schema, ctx, {"integer", "number"})
        if number is not None:
            values += _numbers(number, why)
        for member in _members(ctx, schema):
            values.append((f"enum member {member!r}", member, None))
        array = _branch(schema, ctx, {"array"})
        if array is not None:
            values += _items(ctx, name, array)
        for what, at, outside in values:
            sent = {**body, name: at} if at is not None else None
            wrong = {**body, name: outside} if outside is not None else None
            out.append(Bound(
                name, what,
                sent if sent is not None and accepts(op.body, sent) else None,
                wrong if wrong is not None and not accepts(op.body, wrong) else None,
                why.get(what, ""),
            ))  # fmt: skip
    return out


def _members(ctx: Context, schema: Mapping[str, Any]) -> list[Any]:
    """The members of the field's enum (looking through ``$ref`` and ``anyOf [E, null]``)."""
    schema = ctx.schemas.resolve(schema)
    if isinstance(schema.get("enum"), list):
        return [m for m in schema["enum"] if m is not None]
    for branch in [*schema.get("anyOf", ()), *schema.get("oneOf", ())]:
        found = _members(ctx, branch)
        if found:
            return found
    return []


def _items(ctx: Context, name: str, array: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    most, least = array.get("maxItems"), array.get("minItems")
    sizes = [n for n in (most, least) if isinstance(n, int) and 0 < n <= _MOST_ITEMS]
    if not sizes:
        return []
    count = max(sizes) + 1
    element = ctx.schemas.resolve(array.get("items", {}))
    if element.get("format") == "uuid" or name.endswith("_ids"):
        return []  # ids of other items: drawn ones name nothing, and may be refused for it
    if element.get("type") == "string" and not {"pattern", "format", "enum"} & set(element):
        # Free text: lowercase ASCII of its own, nothing a server could trim or fold.
        least_text = element.get("minLength", 1)
        size = max(least_text if isinstance(least_text, int) else 1, len(str(count)) + 2, 8)
        most_text = element.get("maxLength")
        size = min(size, most_text) if isinstance(most_text, int) else size
        drawn: list[Any] = [_text(f"{i}x{ctx.marker()}", size) for i in range(count)]
    else:
        # Distinct where the drawn values allow (an enum of three cannot fill four), then
        # repeated: never a draw Hypothesis must reject; the model judges the lists made.
        items = ctx.schemas.strategy(element)
        raw = ctx.draw(st.lists(items, min_size=count, max_size=count), f"{name} items")
        distinct = list({json.dumps(v, sort_keys=True): v for v in raw}.values())
        drawn = (distinct * count)[:count] if distinct else raw
    out: list[tuple[str, Any, Any]] = []
    if isinstance(most, int) and 0 < most <= _MOST_ITEMS:
        out.append((f"maxItems {most}", drawn[:most], drawn[: most + 1]))
    if isinstance(least, int) and 0 < least <= _MOST_ITEMS:
        out.append((f"minItems {least}", drawn[:least], drawn[: least - 1]))
    return out


def equal(sent: Any, stored: Any) -> bool:
    """Whether a field read back holds what was sent, as far as the contract promises it.

    Numbers by value (``10`` is ``10.0``); text up to ASCII case (a server may store a code in
    capitals; what VAL-BOUND looks for, a value cut or refused at the line, changes more); an
    array as many items as were sent, each sent item held by one of them, in any order (the
    contract promises no order); an object holding every field sent, as sent (a server may add
    its own, an id say).
    """
    if _number(sent) and _number(stored):
        return bool(sent == stored)
    if isinstance(sent, str) and isinstance(stored, str):
        return sent.lower() == stored.lower() if sent.isascii() else sent == stored
    if isinstance(sent, dict) and isinstance(stored, dict):
        return all(k in stored and equal(v, stored[k]) for k, v in sent.items())
    if isinstance(sent, list) and isinstance(stored, list):
        return _same_items(sent, stored)
    return bool(sent == stored) and type(sent) is type(stored)


def _same_items(sent: list[Any], stored: list[Any]) -> bool:
    if len(sent) != len(stored):
        return False
    left = list(stored)
    for item in sent:
        match = next((i for i, held in enumerate(left) if equal(item, held)), None)
        if match is None:
            return False
        left.pop(match)
    return True
