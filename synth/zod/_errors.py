"""Errors of the Zod emitter.

A ``ZodError`` is a user error: the input document asks for something the emitter cannot
express faithfully. It carries the JSON pointer of the offending schema node, so the
message says where to look. ``ZodError`` is a ``SchemaError`` (``synth._errors``), so the CLI
prints it and exits 2.

    ZodError                   base: a schema or document the emitter cannot convert
    ├── InvalidDocumentError   the input is not a usable OpenAPI 3.1 / JSON Schema document
    ├── UnsupportedSchemaError a keyword or value that has no faithful Zod translation
    └── RegexTranslationError  a pattern with no equivalent ECMA-262 regex (see synth.regex)
"""

from __future__ import annotations

from synth._errors import SchemaError

__all__ = ["InvalidDocumentError", "RegexTranslationError", "UnsupportedSchemaError", "ZodError"]


class ZodError(SchemaError):
    """A schema the emitter cannot convert; ``location`` is the JSON pointer of the node."""


class InvalidDocumentError(ZodError):
    """The input is not an OpenAPI 3.1 document or JSON Schema the emitter can read."""


class UnsupportedSchemaError(ZodError):
    """A keyword or keyword value that has no faithful Zod translation."""


class RegexTranslationError(ZodError):
    """A ``pattern`` whose language has no equivalent ECMA-262 regular expression."""
