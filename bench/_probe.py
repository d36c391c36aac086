"""A pytest plugin for the bug-finding benchmark: when each finding is reported, and after
how many requests; stops the run once the expected invariant has been reported.

Loaded into ``run_suite`` with ``-p bench._probe``; ``start`` arms it before each run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pytest

from synth.testing import Target

__all__ = ["Event", "Probe", "start"]


@dataclass(slots=True)
class Event:
    """One finding as it was reported: since the run started, after how many requests."""

    invariant: str
    operation: str
    outcome: str
    seconds: float
    requests: int
    check_seconds: float
    check_requests: int


@dataclass(slots=True)
class Probe:
    expected: str | None = None
    started: float = 0.0
    events: list[Event] = field(default_factory=list)
    target: Target | None = None
    session: pytest.Session | None = None
    seen: int = 0


PROBE = Probe()


def start(expected: str | None) -> Probe:
    """Arm the probe for one run; the clock starts now (before pytest starts)."""
    PROBE.expected, PROBE.started, PROBE.events = expected, time.monotonic(), []
    PROBE.target, PROBE.session, PROBE.seen = None, None, 0
    return PROBE


@pytest.fixture(autouse=True)
def _bench_probe(target: Target) -> None:
    PROBE.target = target


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    target = PROBE.target
    if report.when != "call" or target is None:
        return
    now = time.monotonic() - PROBE.started
    requests = target.client.requests
    for finding in target.findings[PROBE.seen :]:
        PROBE.events.append(Event(finding.invariant, finding.operation, finding.outcome, now,
                                  requests, finding.seconds, finding.requests))  # fmt: skip
    PROBE.seen = len(target.findings)
    expected = PROBE.expected
    reported = any(e.invariant == expected and e.outcome == "violation" for e in PROBE.events)
    if reported and PROBE.session is not None:
        PROBE.session.shouldstop = f"bench: {expected} reported"


def pytest_sessionstart(session: pytest.Session) -> None:
    PROBE.session = session
