"""The one collector every loading phase reports its contract mistakes to."""

from __future__ import annotations

from .._errors import ContractError, Location, Problem
from ._common import public

__all__ = ["Problems"]


class Problems:
    """Mistakes gathered across the phases, so a user sees all of them in one run."""

    def __init__(self) -> None:
        self.found: list[Problem] = []

    def add(self, where: Location | None, message: str, hint: str = "") -> None:
        # Messages may quote a Python or Pydantic error naming the package the contracts were
        # imported as; users know their modules by their own names.
        self.found.append(Problem(where, public(message), public(hint)))

    def error(self) -> ContractError:
        """The mistakes so far as one error, for a phase that cannot go on without a fix."""
        return ContractError(self.found)

    def check(self) -> None:
        """Raise every mistake found so far, if any."""
        if self.found:
            raise self.error()
