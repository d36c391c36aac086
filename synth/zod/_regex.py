"""Patterns in emitted Zod, in the dialect of their document.

synth's own contracts declare patterns in pydantic's Rust dialect: those are translated
(``synth.regex``), and an untranslatable one fails like any unconvertible node. A foreign
OpenAPI 3.1 or JSON Schema document declares ECMA-262 patterns, as both specifications say:
those are written as they are, after V8 (the engine of Node, Chrome and Next.js) has compiled
them, so look-ahead and back-references work, ``\\d`` and ``\\w`` stay ASCII, and an invalid
pattern is refused with its location.

V8 through mini-racer rather than a parser of our own: a pattern is valid exactly when the
engine that will run it says so, Annex B's legacy syntax included (PyPI has no maintained
Python binding of a pure ECMA-262 regex engine; ``re`` and ``regex`` are other dialects).
"""

from __future__ import annotations

import functools
import json
from typing import Any

from synth import regex
from synth.zod import _ts
from synth.zod._errors import RegexTranslationError

__all__ = ["ecma_regex", "translate_regex"]

# Unicode mode first (``\p{Letter}`` works, ``\d`` stays ASCII), as JSON Schema validators
# compile patterns; a pattern only valid without it (``\_``, ``{`` as a literal) keeps the
# legacy grammar, as a browser's ``new RegExp(pattern)`` would.
_COMPILE = """(p) => {
  try { new RegExp(p, "u"); return "u"; } catch (e) {
    try { new RegExp(p); return ""; } catch { return "!" + e.message; }
  }
}"""


def translate_regex(pattern: str, location: str) -> regex.JsRegex:
    """The ECMA-262 form of a Rust-dialect ``pattern`` (synth's own contracts)."""
    try:
        return regex.translate_regex(pattern, location)
    except regex.RegexTranslationError as exc:
        raise RegexTranslationError(exc.location, exc.message, exc.hint) from None


def ecma_regex(pattern: str, location: str) -> str:
    """JavaScript code for the ``RegExp`` of an ECMA-262 ``pattern``, checked by V8."""
    flags = _flags(pattern)
    if flags.startswith("!"):
        raise RegexTranslationError(
            location,
            f"pattern {pattern!r} is not an ECMA-262 regular expression ({flags[1:]})",
            "OpenAPI 3.1 and JSON Schema patterns are ECMA-262 (JavaScript) regexes: fix it",
        )
    return f"new RegExp({_ts.string(pattern)}{', ' + _ts.string(flags) if flags else ''})"


@functools.lru_cache(maxsize=4096)
def _flags(pattern: str) -> str:
    """``"u"``, ``""`` (legacy grammar only) or ``"!"`` and V8's message."""
    return str(_engine().eval(f"({_COMPILE})({json.dumps(pattern)})"))


@functools.cache
def _engine() -> Any:
    # Imported and started (about 0.3 s) only for a document that has patterns; kept for the
    # process, since a function from it lives only as long as its context.
    from py_mini_racer import MiniRacer

    return MiniRacer()
