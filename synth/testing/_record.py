"""What every kind of check shares once it has run: stopping a run, recording and showing a finding."""

from __future__ import annotations

import time

import pytest

from ._http import TransportFault
from ._target import Target
from ._violation import FAILING, Finding

__all__ = ["Abort", "finish", "render"]


class Abort(BaseException):
    """Stops a Hypothesis run at once (a transport fault is not something to shrink).

    A ``BaseException`` so that neither Hypothesis nor a check's own ``except Exception``
    takes it for a failing example.
    """

    def __init__(self, fault: TransportFault) -> None:
        super().__init__(str(fault))
        self.fault = fault


def finish(finding: Finding, target: Target, started: float, requests: int) -> None:
    """Record ``finding`` (time and requests since ``started``/``requests``); fail the test if it fails."""
    finding.seconds = time.monotonic() - started
    finding.requests = target.client.requests - requests
    target.findings.append(finding)
    if finding.outcome in FAILING:
        pytest.fail(finding.message, pytrace=False)


def render(finding: Finding, target: Target, how: str) -> str:
    """The failure as people read it: id, operation, how it was established, expected, got, curl."""
    names = ", ".join(t.placeholder for t in target.config.tenants)
    head = (
        f"{finding.invariant} violated by {finding.operation} ({how})\n"
        f"  expected: {finding.expected}\n"
        f"  got:      {finding.actual}\n"
    )
    if not finding.curl:
        # schemathesis found it without an answer synth saw (a transport failure, say): its
        # own reproduction follows the message.
        return head + "  reproduce: synth kept no request for it; the reproduction follows"
    return (
        head
        + f"  reproduce ({len(finding.curl.splitlines()) // 3} requests; set {names} first):\n"
        + "\n".join("    " + line for line in finding.curl.splitlines())
    )
