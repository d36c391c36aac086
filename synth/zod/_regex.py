"""Patterns in emitted Zod: the shared Rust-regex translation, refused as a ``ZodError``."""

from __future__ import annotations

from synth import regex
from synth.zod._errors import RegexTranslationError

__all__ = ["translate_regex"]


def translate_regex(pattern: str, location: str) -> regex.JsRegex:
    """The ECMA-262 form of ``pattern``; an untranslatable one fails like any unconvertible node."""
    try:
        return regex.translate_regex(pattern, location)
    except regex.RegexTranslationError as exc:
        raise RegexTranslationError(exc.location, exc.message, exc.hint) from None
