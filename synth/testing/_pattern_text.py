"""Text of an exact length that a ``pattern`` matches: a value at a string bound (VAL-BOUND).

Built over the pattern's parse tree (Python's ``re`` parser, which reads the patterns the
contracts declare as ECMA-262 reads them for what a value at a bound needs: literals, classes,
groups, alternatives, repeats, anchors). Each piece is given a length and filled with the
plainest characters it allows (lowercase ASCII letters, then digits, then what the class
names): nothing a server could trim, fold or normalise where the pattern leaves the choice.
A construct the builder does not follow (look-around, back-references, word boundaries) or a
length no string of the pattern has gives the reason instead, for the run's summary.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Callable

# re's parser and its opcodes: private modules of the standard library, stable across the
# versions synth supports (``sre_parse`` and ``sre_constants`` are their deprecated aliases).
from re import _constants as _c
from re import _parser as _p
from typing import Any

__all__ = ["text_of_length"]

# The characters tried for one position, plainest first.
_CANDIDATES = string.ascii_lowercase + string.digits + "-_.@+ " + string.ascii_uppercase + "/:=~"
# A repeat with no upper bound is given at most this many characters.
_UNBOUNDED = 1_000_000


class _Unsupported(Exception):
    """A construct of the pattern the builder does not follow; the message names it."""


def text_of_length(pattern: str, size: int) -> tuple[str | None, str]:
    """A string of ``size`` characters that ``pattern`` fully matches, or None and why not."""
    try:
        parsed = _p.parse(pattern)
    except re.error as exc:
        return None, f"its pattern {pattern!r} is not a regex Python reads ({exc})"
    try:
        node = _node(list(parsed))
        low, high = _span(node)
        if not low <= size <= high:
            return None, (f"its pattern {pattern!r} matches text of {low} to "
                          f"{'any number of' if high >= _UNBOUNDED else high} characters only")  # fmt: skip
        text = _build(node, size)
    except _Unsupported as exc:
        return None, f"its pattern {pattern!r} uses {exc}, which synth does not build text for"
    except RecursionError:
        return None, f"its pattern {pattern!r} is nested too deeply for synth to build text for"
    if text is None or len(text) != size or re.fullmatch(pattern, text) is None:
        return (
            None,
            f"synth found no text of {size} characters that its pattern {pattern!r} matches",
        )
    return text, ""


# A node: ("chars", predicate) one character; ("seq", nodes); ("alt", nodes);
# ("rep", low, high, node). Nodes are tuples, so spans and builds are cached by value.


def _node(items: list[tuple[Any, Any]]) -> tuple[Any, ...]:
    out: list[tuple[Any, ...]] = []
    for op, arg in items:
        if op is _c.LITERAL:
            out.append(("chars", frozenset({chr(arg)}), False))
        elif op is _c.NOT_LITERAL:
            out.append(("chars", frozenset({chr(arg)}), True))
        elif op is _c.ANY:
            out.append(("chars", frozenset({"\n"}), True))
        elif op is _c.IN:
            out.append(_class(arg))
        elif op is _c.AT:
            if arg not in {_c.AT_BEGINNING, _c.AT_END, _c.AT_BEGINNING_STRING, _c.AT_END_STRING}:
                raise _Unsupported(f"the anchor {arg}")
        elif op is _c.SUBPATTERN:
            out.append(_node(list(arg[-1])))
        elif op is _c.BRANCH:
            out.append(("alt", tuple(_node(list(b)) for b in arg[1])))
        elif op in {_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT}:
            low, high, sub = arg
            high = min(high, _UNBOUNDED)
            out.append(("rep", low, high, _node(list(sub))))
        elif op is _c.ATOMIC_GROUP:
            out.append(_node(list(arg)))
        else:
            raise _Unsupported(f"{str(op).lower()}")
    return out[0] if len(out) == 1 else ("seq", tuple(out))


def _class(items: list[tuple[Any, Any]]) -> tuple[Any, ...]:
    """One character of a class: the candidates it takes, as a frozen set (a negated class:
    the candidates it refuses, with the flag set)."""
    negate = bool(items) and items[0][0] is _c.NEGATE
    taken: set[str] = set()
    for op, arg in items[1:] if negate else items:
        if op is _c.LITERAL:
            taken.add(chr(arg))
        elif op is _c.RANGE:
            taken.update(c for c in _CANDIDATES if arg[0] <= ord(c) <= arg[1])
            if not any(arg[0] <= ord(c) <= arg[1] for c in _CANDIDATES):
                taken.add(chr(arg[0]))
        elif op is _c.CATEGORY:
            taken.update(_category(arg))
        else:
            raise _Unsupported(f"{str(op).lower()} in a character class")
    return ("chars", frozenset(taken), negate)


def _category(category: Any) -> set[str]:
    tests: dict[Any, Callable[[str], bool]] = {
        _c.CATEGORY_DIGIT: str.isdigit,
        _c.CATEGORY_NOT_DIGIT: lambda c: not c.isdigit(),
        _c.CATEGORY_WORD: lambda c: c.isalnum() or c == "_",
        _c.CATEGORY_NOT_WORD: lambda c: not (c.isalnum() or c == "_"),
        _c.CATEGORY_SPACE: str.isspace,
        _c.CATEGORY_NOT_SPACE: lambda c: not c.isspace(),
    }
    test = tests.get(category)
    if test is None:
        raise _Unsupported(f"the class {category}")
    found = {c for c in _CANDIDATES + " \t" if test(c)}
    return found


def _char(node: tuple[Any, ...]) -> str | None:
    _, chars, negate = node
    if negate:
        return next((c for c in _CANDIDATES if c not in chars), None)
    return next((c for c in _CANDIDATES if c in chars), min(chars) if chars else None)


@functools.cache
def _span(node: tuple[Any, ...]) -> tuple[int, int]:
    """The fewest and the most characters ``node`` matches (capped at ``_UNBOUNDED``)."""
    kind = node[0]
    if kind == "chars":
        return (1, 1) if _char(node) is not None else (_UNBOUNDED + 1, 0)
    if kind == "seq":
        spans = [_span(n) for n in node[1]]
        return sum(s[0] for s in spans), min(sum(s[1] for s in spans), _UNBOUNDED)
    if kind == "alt":
        spans = [_span(n) for n in node[1]]
        return min(s[0] for s in spans), max(s[1] for s in spans)
    _, low, high, sub = node
    least, most = _span(sub)
    return least * low, min(most * high, _UNBOUNDED)


@functools.cache
def _build(node: tuple[Any, ...], size: int) -> str | None:
    """A string of exactly ``size`` characters that ``node`` matches, or None."""
    least, most = _span(node)
    if not least <= size <= most:
        return None
    kind = node[0]
    if kind == "chars":
        return _char(node)
    if kind == "alt":
        return next((t for n in node[1] if (t := _build(n, size)) is not None), None)
    if kind == "seq":
        return _sequence(node[1], size)
    _, low, high, sub = node
    return _repeat(sub, low, high, size)


def _sequence(nodes: tuple[tuple[Any, ...], ...], size: int) -> str | None:
    if not nodes:
        return "" if size == 0 else None
    first, rest = nodes[0], nodes[1:]
    least, most = _span(first)
    rest_least = sum(_span(n)[0] for n in rest)
    rest_most = min(sum(_span(n)[1] for n in rest), _UNBOUNDED)
    low, high = max(least, size - rest_most), min(most, size - rest_least)
    # The longest first, then the shortest, then the lengths between: a pattern's one open
    # piece (``[a-z]+``) takes what the fixed pieces around it leave.
    for length in _lengths(low, high):
        head = _build(first, length)
        if head is None:
            continue
        tail = _sequence(rest, size - length)
        if tail is not None:
            return head + tail
    return None


def _repeat(sub: tuple[Any, ...], low: int, high: int, size: int) -> str | None:
    if size == 0:
        return "" if low == 0 or _build(sub, 0) == "" else None
    least, most = _span(sub)
    if least == most:  # a piece of one length: as many copies as fill the size
        if least == 0 or size % least or not low <= size // least <= high:
            return None
        piece = _build(sub, least)
        return None if piece is None else piece * (size // least)
    # Pieces of several lengths: as few copies as can hold the size, the first ones as long
    # as they go and the last one what is left.
    count = max(low, 1, -(-size // most))
    while count <= min(high, size):
        text = _copies(sub, count, size)
        if text is not None:
            return text
        count += 1
        if count > low + 64:
            break
    return None


def _copies(sub: tuple[Any, ...], count: int, size: int) -> str | None:
    least, most = _span(sub)
    if not least * count <= size <= most * count:
        return None
    out: list[str] = []
    left = size
    for index in range(count):
        after = count - index - 1
        length = min(most, left - least * after)
        piece = _build(sub, length)
        if piece is None:
            return None
        out.append(piece)
        left -= length
    return "".join(out) if left == 0 else None


def _lengths(low: int, high: int) -> list[int]:
    if low > high:
        return []
    ends = [high, low] if high != low else [high]
    between = range(low + 1, high) if high - low <= 64 else range(high - 1, high - 32, -1)
    return ends + [n for n in between if n not in ends]
