"""Patterns in emitted Zod, in the dialect of their document.

synth's own contracts declare patterns in pydantic's Rust dialect: those are translated
(``synth.regex``), and an untranslatable one fails like any unconvertible node. A foreign
OpenAPI 3.1 or JSON Schema document declares ECMA-262 patterns, as both specifications say:
those are written as they are, once V8 has compiled them (``synth._ecma``), so look-ahead and
back-references work, ``\\d`` and ``\\w`` stay ASCII, and an invalid pattern is refused with
its location.
"""

from __future__ import annotations

from synth import regex
from synth._ecma import ecma_flags
from synth.zod import _ts
from synth.zod._errors import RegexTranslationError

__all__ = ["ecma_regex", "translate_regex"]


def translate_regex(pattern: str, location: str) -> regex.JsRegex:
    """The ECMA-262 form of a Rust-dialect ``pattern`` (synth's own contracts)."""
    try:
        return regex.translate_regex(pattern, location)
    except regex.RegexTranslationError as exc:
        raise RegexTranslationError(exc.location, exc.message, exc.hint) from None


def ecma_regex(pattern: str, location: str) -> str:
    """JavaScript code for the ``RegExp`` of an ECMA-262 ``pattern``, checked by V8."""
    flags = ecma_flags(pattern)
    if flags.startswith("!"):
        raise RegexTranslationError(
            location,
            f"pattern {pattern!r} is not an ECMA-262 regular expression ({flags[1:]})",
            "OpenAPI 3.1 and JSON Schema patterns are ECMA-262 (JavaScript) regexes: fix it",
        )
    return f"new RegExp({_ts.string(pattern)}{', ' + _ts.string(flags) if flags else ''})"
