"""Zod 4 from JSON Schema 2020-12 and OpenAPI 3.1, with parity to pydantic proven by tests."""

from synth.zod._errors import (
    InvalidDocumentError,
    RegexTranslationError,
    UnsupportedSchemaError,
    ZodError,
)
from synth.zod._openapi import emit_zod
from synth.zod._standalone import emit_schema_module

__all__ = [
    "InvalidDocumentError",
    "RegexTranslationError",
    "UnsupportedSchemaError",
    "ZodError",
    "emit_schema_module",
    "emit_zod",
]
