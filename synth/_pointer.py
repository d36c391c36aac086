"""JSON pointer tokens (RFC 6901): ``~`` is written ``~0`` and ``/`` is written ``~1``.

One definition for the Zod emitter, which names and locates schema nodes by pointer, and the
differ, which reports every change at one.
"""

from __future__ import annotations

__all__ = ["escape", "join", "unescape"]


def escape(token: str) -> str:
    """A key or index as it is written in a pointer."""
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    """A token as written in a pointer, back to its key; ``~1`` goes first so ``~01`` is ``~1``."""
    return token.replace("~1", "/").replace("~0", "~")


def join(base: str, *tokens: str | int) -> str:
    """``base`` (``""`` for the root, or ``#/...``) followed by ``tokens``, each escaped."""
    out = base
    for token in tokens:
        out += "/" + escape(str(token))
    return out
