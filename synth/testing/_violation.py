"""What a check reports: a violation of an invariant, with the requests that show it."""

from __future__ import annotations

import enum
import unittest
from dataclasses import dataclass, field

from ._http import Exchange

__all__ = ["FAILING", "CannotCheck", "Finding", "NoExample", "Outcome",
           "Violation"]  # fmt: skip


class Outcome(enum.StrEnum):
    """What one test found; the value is what the report and the summary print."""

    PASSED = "passed"
    VIOLATION = "violation"  # the server broke the invariant
    UNCONFIRMED = "unconfirmed"  # a failure that did not reproduce on replay: not a violation
    FAULT = "fault"  # transport faults cut the check short
    SKIPPED = "skipped"  # not run; the finding's message says why
    ERROR = "error"  # the check itself crashed (a bug in synth)


# The outcomes that fail the calling test.
FAILING = frozenset({Outcome.VIOLATION, Outcome.FAULT, Outcome.ERROR})


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


class CannotCheck(unittest.SkipTest):
    """The check cannot run on this operation at all; the message says why.

    A ``SkipTest`` so that Hypothesis stops at once instead of drawing more examples.
    """


class NoExample(Exception):
    """This example cannot test the invariant (the message says why); Hypothesis draws another."""


@dataclass(slots=True)
class Finding:
    """One test's outcome, as the report and the summary show it."""

    invariant: str
    operation: str
    outcome: Outcome
    seconds: float
    requests: int
    expected: str = ""
    actual: str = ""
    curl: str = ""
    message: str = ""  # for SKIPPED, the reason
    examples: int = 0
    no_example: str = ""  # why the check last set an example aside (NoExample)
    exercised: int = 0  # examples that ran to the end and exercised what the check is about
    vacuous: str = ""  # what the last example that ran to the end without exercising it lacked
    # Options each of which some example must exercise (``Context.covers``): by what they are,
    # all of them, and those exercised so far.
    wanted: dict[str, tuple[str, ...]] = field(default_factory=dict)
    drawn: dict[str, set[str]] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
