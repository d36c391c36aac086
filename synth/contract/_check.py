"""Checks of the arguments a contract passes to the contract language, where it passes them.

A wrong argument never raises here: raising during the import would stop at the first
mistake and show it as an import failure. Each one is recorded as a ``Problem`` with the file
and line of the call, and the loader reports them with every other contract mistake; the
caller then uses the option's default, so loading goes on to find the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .._errors import Location, Problem

__all__ = ["Checker", "kind"]


def kind(value: Any) -> str:
    """What ``value`` is, for a message: ``the str 'x'``, ``the class Thing``, ``None``."""
    if value is None:
        return "None"
    if isinstance(value, type):
        return f"the class {value.__name__}"
    if callable(value) and hasattr(value, "__name__"):
        return f"the function {value.__name__}"
    shown = repr(value)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    return f"the {type(value).__name__} {shown}"


class Checker:
    """Records the mistakes of one call (``call`` names it: ``api.get(...)``) at ``where``."""

    def __init__(self, mistakes: list[Problem], where: Location, call: str) -> None:
        self.mistakes = mistakes
        self.where = where
        self.call = call

    def add(self, message: str, hint: str) -> None:
        self.mistakes.append(Problem(self.where, f"{self.call}: {message}", hint))

    def wrong(self, name: str, value: Any, expected: str, example: str) -> None:
        self.add(f"{name}={value!r} is {kind(value)}, not {expected}", f"pass {example}")

    def is_a(self, name: str, value: Any, types: type | tuple[type, ...], expected: str,
             example: str) -> bool:  # fmt: skip
        """Whether ``value`` is one of ``types`` (a bool is no int), recording it if not."""
        wanted = types if isinstance(types, tuple) else (types,)
        ok = isinstance(value, wanted) and (bool in wanted or not isinstance(value, bool))
        if not ok:
            self.wrong(name, value, expected, example)
        return ok

    def text(self, name: str, value: Any, example: str, *, optional: bool = False) -> bool:
        types: tuple[type, ...] = (str, type(None)) if optional else (str,)
        return self.is_a(name, value, types, "a string" + (" or None" if optional else ""),
                         example)  # fmt: skip

    def flag(self, name: str, value: Any, *, optional: bool = False) -> bool:
        types: tuple[type, ...] = (bool, type(None)) if optional else (bool,)
        return self.is_a(name, value, types, "True or False" + (" or None" if optional else ""),
                         f"{name}=True or {name}=False")  # fmt: skip

    def names(self, name: str, value: Any, example: str) -> tuple[str, ...] | None:
        """A list or tuple of strings (a lone string is the classic slip: ``tags="x"``)."""
        if isinstance(value, str):
            self.add(f"{name}={value!r} is one string, not a list of them "
                     "(it would be read letter by letter)", f"pass a list: {example}")  # fmt: skip
            return None
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            self.wrong(name, value, "a list of strings", example)
            return None
        return tuple(value)

    def mapping(self, name: str, value: Any, example: str,
                ok: Callable[[Any, Any], bool]) -> bool:  # fmt: skip
        if not isinstance(value, Mapping) or not all(ok(k, v) for k, v in value.items()):
            self.wrong(name, value, "a dict of the right kinds", example)
            return False
        return True
