"""The values VAL-BOUND and ERR-VALIDATION send at and past a declared bound, and how VAL-BOUND
compares what it reads back."""

from __future__ import annotations

import re
from typing import Any

import pytest

from synth.testing._pattern_text import text_of_length
from synth.testing.invariants._bounds import _numbers, _sized, _text, equal


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "integer", "minimum": 1, "maximum": 10},
         [("minimum 1", 1, 0), ("maximum 10", 10, 11)]),
        ({"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 5},
         [("exclusiveMinimum 0", 1, 0), ("exclusiveMaximum 5", 4, 5)]),
        # A float next to an exclusive bound has no value a server must store exactly.
        ({"type": "number", "exclusiveMinimum": 0.5}, [("exclusiveMinimum 0.5", None, 0.5)]),
        ({"type": "number", "minimum": 0.25}, [("minimum 0.25", 0.25, -0.75)]),
        ({"type": "integer", "multipleOf": 5}, [("multipleOf 5", 5, 6)]),
        ({"type": "integer", "multipleOf": 1}, [("multipleOf 1", 1, None)]),
        # Half a step past the multiple: no rounding tolerance takes 0.015 for a cent.
        ({"type": "number", "multipleOf": 0.01}, [("multipleOf 0.01", 0.01, 0.015)]),
        ({"type": "integer", "minimum": True}, []),
        # The multiple sent lies in the field's range: 10 for a step of 5 from 10 to 240, and
        # a step past it inside the range too.
        ({"type": "integer", "minimum": 10, "maximum": 240, "multipleOf": 5},
         [("minimum 10", 10, 9), ("maximum 240", 240, 241), ("multipleOf 5", 10, 11)]),
        ({"type": "integer", "exclusiveMinimum": 10, "multipleOf": 5},
         [("exclusiveMinimum 10", 11, 10), ("multipleOf 5", 15, 16)]),
        ({"type": "integer", "minimum": 3, "maximum": 4, "multipleOf": 4},
         [("minimum 3", 3, 2), ("maximum 4", 4, 5), ("multipleOf 4", 4, 3)]),
    ],
)  # fmt: skip
def test_numbers_at_and_past_each_bound(schema: dict[str, Any], expected: list[Any]) -> None:
    assert _numbers(schema, {}) == expected


@pytest.mark.parametrize(
    ("schema", "reason"),
    [
        ({"type": "integer", "minimum": 1, "maximum": 6, "multipleOf": 7}, "no multiple of 7"),
        ({"type": "number", "minimum": 1.5, "multipleOf": 0.25}, "whole-number step only"),
    ],
)  # fmt: skip
def test_a_multiple_outside_the_range_says_why(schema: dict[str, Any], reason: str) -> None:
    why: dict[str, str] = {}
    found = {what: at for what, at, _ in _numbers(schema, why)}
    what = f"multipleOf {schema['multipleOf']}"
    assert found[what] is None
    assert reason in why[what]


def test_text_is_plain_ascii_of_the_size_asked() -> None:
    for size in (0, 1, 7, 200):
        text = _text("s1a2-B3", size)
        assert len(text) == size
        assert text == text.lower()
        assert text.isascii()
        assert text.isalnum() or not text
    assert _text("---", 3) == "syn"


@pytest.mark.parametrize(
    ("sent", "stored", "same"),
    [
        ("n" * 200, "n" * 200, True),
        ("n" * 200, "n" * 199, False),  # cut at the line
        ("ab1", "AB1", True),  # a code stored in capitals
        ("é", "É", False),
        (10, 10.0, True),
        (10, 11, False),
        (True, 1, False),
        (["a", "b"], ["b", "a"], True),
        (["a", "b"], ["a"], False),
        (["a", "a"], ["a", "b"], False),
        ([{"sku": "x"}], [{"sku": "x", "id": 4}], True),  # the server adds an id
        ([{"sku": "x"}], [{"sku": "y"}], False),
        ("call", "call", True),
    ],
)  # fmt: skip
def test_read_back_equal(sent: Any, stored: Any, same: bool) -> None:
    assert equal(sent, stored) is same


@pytest.mark.parametrize(
    ("pattern", "size"),
    [
        (r"^[^@\s]+@[^@\s]+$", 3),  # an e-mail address at its least
        (r"^[^@\s]+@[^@\s]+$", 120),
        (r"^\+[1-9][0-9]{6,14}$", 8),  # E.164 at both ends
        (r"^\+[1-9][0-9]{6,14}$", 16),
        (r"^[A-Z]{3}-\d+$", 10),
        (r"^[a-z]+(-[a-z]+)*$", 50),
        (r"^(ab|cde)+$", 7),  # alternatives of two lengths
        (r"^\w+$", 100_000),
        (r"[0-9]{4}", 4),  # unanchored: the whole text matches
    ],
)  # fmt: skip
def test_text_of_the_exact_length_matching_a_pattern(pattern: str, size: int) -> None:
    text, why = text_of_length(pattern, size)
    assert why == ""
    assert text is not None
    assert len(text) == size
    assert re.fullmatch(pattern, text)
    assert text.isascii()


@pytest.mark.parametrize(
    ("pattern", "size", "says"),
    [
        (r"^[a-z0-9-]{1,32}$", 33, "matches text of 1 to 32 characters only"),
        (r"^(ab)+$", 7, "no text of 7 characters"),
        (r"^(?=a)[a-z]+$", 5, "uses assert, which synth does not build text for"),
        (r"\bword", 4, "uses the anchor"),
        (r"^(a)\1$", 2, "uses groupref"),
        (r"^[a-z", 2, "is not a regex Python reads"),
    ],
)  # fmt: skip
def test_where_no_text_matches_the_pattern_at_the_length_it_says_why(
    pattern: str, size: int, says: str
) -> None:
    text, why = text_of_length(pattern, size)
    assert text is None
    assert says in why, why


def test_a_patterned_bound_gets_plain_text_where_the_pattern_takes_it() -> None:
    assert _sized("s1a2-3z", r"^[a-z0-9]+$", 12) == (_text("s1a2-3z", 12), "")
    assert _sized("s1a2-3z", None, 5) == (_text("s1a2-3z", 5), "")
    text, why = _sized("s1a2-3z", r"^[^@\s]+@[^@\s]+$", 120)
    assert why == ""
    assert text is not None
    assert len(text) == 120
    assert "@" in text
    text, why = _sized("s1a2-3z", r"^(?=x)x+$", 4)
    assert text is None
    assert why.startswith("no text of 4 characters was made for it: its pattern")
