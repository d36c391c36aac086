"""The Rust-regex to ECMA-262 translator (synth.regex), as a table."""

from __future__ import annotations

import pytest

from synth.regex import RegexTranslationError, translate_regex

CASES = [
    (r"^\d+$", r"/^\p{Nd}+$/u"),
    (r"\A\w+\z", r"/^[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]+$/u"),
    (r"^a.c$", r"/^a[^\n]c$/u"),
    (r"(?P<year>\d{4})-x", r"/(\p{Nd}{4})-x/u"),
    (r"(?i)^ab[c-e]$", r"/^ab[c-e]$/iu"),
    (r"^[a-z0-9-]{1,32}$", r"/^[a-z0-9\-]{1,32}$/u"),
    (r"^\+[1-9][0-9]{6,14}$", r"/^\+[1-9][0-9]{6,14}$/u"),
    (r"\s\S", r"/\p{White_Space}\P{White_Space}/u"),
    (r"[[:alpha:]]", r"/[A-Za-z]/u"),
    (r"\x41\u{1F600}", r"/\u{41}\u{1f600}/u"),
    (r"\pL\p{Greek}", r"/\p{L}\p{Script=Greek}/u"),
    (r"a/b", r"/a\/b/u"),
    (r"\#\&", r"/#&/u"),
    (r"(?s)a.b", r"/a[\s\S]b/u"),
]

REJECTED = [
    (r"(?=a)b", "look-around"),
    (r"(?<!a)b", "look-around"),
    (r"\1", "backreference"),
    (r"[a-z&&[^aeiou]]", "set operation"),
    (r"a(?i:b)", "case-insensitivity"),
    (r"[\W]", r"\W inside a class"),
]


@pytest.mark.parametrize(("pattern", "expected"), CASES)
def test_translation(pattern: str, expected: str) -> None:
    assert translate_regex(pattern).literal() == expected


@pytest.mark.parametrize(("pattern", "what"), REJECTED)
def test_rejected_with_location(pattern: str, what: str) -> None:
    with pytest.raises(RegexTranslationError) as info:
        translate_regex(pattern, "#/properties/x/pattern")
    assert info.value.location == "#/properties/x/pattern"
    assert what in info.value.message
