"""Errors of the Zod emitter.

A ``ZodError`` is a user error: the input document asks for something the emitter cannot
express faithfully. It carries the JSON pointer of the offending schema node, so the
message says where to look. ``ZodError`` is a ``SynthError``: the CLI prints it and exits 2.

    ZodError                   base: a schema or document the emitter cannot convert
    ├── InvalidDocumentError   the input is not a usable OpenAPI 3.1 / JSON Schema document
    ├── UnsupportedSchemaError a keyword or value that has no faithful Zod translation
    └── RegexTranslationError  a pattern with no equivalent ECMA-262 regex (see synth.regex)
"""

from __future__ import annotations

from synth._errors import SynthError

__all__ = ["InvalidDocumentError", "RegexTranslationError", "UnsupportedSchemaError", "ZodError"]


class ZodError(SynthError):
    """A schema the emitter cannot convert; ``location`` is the JSON pointer of the node."""

    def __init__(self, location: str, message: str, hint: str = "") -> None:
        self.location = location or "#"
        self.message = message
        self.hint = hint
        text = f"{self.location}: {message}"
        if hint:
            text += f"\n    fix: {hint}"
        super().__init__(text)


class InvalidDocumentError(ZodError):
    """The input is not an OpenAPI 3.1 document or JSON Schema the emitter can read."""


class UnsupportedSchemaError(ZodError):
    """A keyword or keyword value that has no faithful Zod translation."""


class RegexTranslationError(ZodError):
    """A ``pattern`` whose language has no equivalent ECMA-262 regular expression."""
