"""Compile a pattern as ECMA-262 does: in V8, the engine of Node, Chrome and Next.js.

OpenAPI 3.1 and JSON Schema patterns are ECMA-262 regexes. A pattern is valid exactly when the
engine that will run it says so, Annex B's legacy syntax included, so it is compiled by V8
through mini-racer rather than judged by a parser of our own (PyPI has no maintained Python
binding of a pure ECMA-262 regex engine; ``re`` and ``regex`` are other dialects).

Shared by reading a document (``synth._input``: openapi-spec-validator judges patterns with
Python's ``re``) and the Zod emitter, which writes each pattern with the flags found here.
"""

from __future__ import annotations

import functools
import json
from typing import Any

__all__ = ["ecma_flags"]

# Unicode mode first (``\p{Letter}`` works, ``\d`` stays ASCII), as JSON Schema validators
# compile patterns; a pattern only valid without it (``\_``, ``{`` as a literal) keeps the
# legacy grammar, as a browser's ``new RegExp(pattern)`` would.
_COMPILE = """(p) => {
  try { new RegExp(p, "u"); return "u"; } catch (e) {
    try { new RegExp(p); return ""; } catch { return "!" + e.message; }
  }
}"""


@functools.lru_cache(maxsize=4096)
def ecma_flags(pattern: str) -> str:
    """``"u"``; ``""`` (valid in the legacy grammar only); or ``"!"`` and V8's message."""
    return str(_engine().eval(f"({_COMPILE})({json.dumps(pattern)})"))


@functools.cache
def _engine() -> Any:
    # Imported and started (about 0.3 s) only for a document that has patterns; kept for the
    # process, since a function from it lives only as long as its context.
    from py_mini_racer import MiniRacer

    return MiniRacer()
