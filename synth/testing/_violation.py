"""What a check reports: a violation of an invariant, with the requests that show it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ._http import Exchange

__all__ = ["Finding", "Violation"]


class Violation(AssertionError):
    """The server broke an invariant; ``exchanges`` is the request sequence that shows it."""

    def __init__(
        self, invariant: str, operation: str, expected: str, actual: str, exchanges: list[Exchange]
    ) -> None:
        super().__init__(f"{invariant} {operation}: expected {expected}; got {actual}")
        self.invariant = invariant
        self.operation = operation
        self.expected = expected
        self.actual = actual
        self.exchanges = exchanges


@dataclass(slots=True)
class Finding:
    """One test's outcome, as the report and the summary show it."""

    invariant: str
    operation: str
    outcome: Literal["passed", "violation", "fault", "skipped", "error"]
    seconds: float
    requests: int
    expected: str = ""
    actual: str = ""
    curl: str = ""
    message: str = ""
    confirmed: bool = True
    examples: int = 0
    extra: dict[str, str] = field(default_factory=dict)
