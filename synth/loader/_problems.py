"""The one collector every loading phase reports its contract mistakes to."""

from __future__ import annotations

from .._errors import ContractError, Location, Problem

__all__ = ["Problems"]


class Problems:
    """Mistakes gathered across the phases, so a user sees all of them in one run."""

    def __init__(self) -> None:
        self.found: list[Problem] = []

    def add(self, where: Location | None, message: str, hint: str = "") -> None:
        self.found.append(Problem(where, message, hint))

    def error(self) -> ContractError:
        """The mistakes so far as one error, for a phase that cannot go on without a fix."""
        return ContractError(self.found)

    def check(self) -> None:
        """Raise every mistake found so far, if any."""
        if self.found:
            raise self.error()
