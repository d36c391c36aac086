"""The values VAL-BOUND and ERR-VALIDATION send at and past a declared bound, and how VAL-BOUND
compares what it reads back."""

from __future__ import annotations

from typing import Any

import pytest

from synth.testing.invariants._bounds import _numbers, _text, equal


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
    ],
)  # fmt: skip
def test_numbers_at_and_past_each_bound(schema: dict[str, Any], expected: list[Any]) -> None:
    assert _numbers(schema) == expected


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
