"""Requests to a report: a planted bug that the simplest example shows is reported within three
times the shortest request sequence that shows it (``bench.bugs.SHORTEST``).

The simplest example (Hypothesis's first) is reported without shrinking, seen twice; so each
check below must send the request that shows its bug early in that example, before the rest
of what the check judges (the owner's own read, the edge fixture, the other probes).
"""

from __future__ import annotations

import pytest

from bench.bugs import SHORTEST
from examples.reference_server.app import create_app
from synth.spec import ApiSpec
from synth.testing import Outcome, Target, config_from_options
from synth.testing._runner import run_check

from .conftest import TOKENS

CASES = [
    ("ten-read-leak", "TEN-READ", "getContact"),
    ("ten-read-403", "TEN-READ", "getContact"),
    ("page-end-cursor", "PAGE-END", "listContacts"),
    ("page-limit-unbounded", "PAGE-LIMIT", "listContacts"),
    ("page-overfull", "PAGE-LIMIT", "listContacts"),
    ("page-skip-boundary", "PAGE-COMPLETE", "listContacts"),
    ("err-unknown-key-ignored", "ERR-VALIDATION", "createContact"),
    ("err-validation-no-errors", "ERR-VALIDATION", "createContact"),
    ("err-unauthorized-code", "ERR-DECLARED", "listJobs"),
    ("idem-ignore-fingerprint", "IDEM-MISMATCH", "createContact"),
    ("idem-no-lock", "IDEM-CONCURRENT", "createContact"),
    ("page-cursor-500", "PAGE-CURSOR", "listContacts"),
    ("ten-write-unscoped", "TEN-WRITE", "updateContact"),
    ("ten-child-unscoped", "TEN-CHILD", "createInteraction"),
    ("ten-list-tag", "TEN-LIST", "listContacts"),
]


@pytest.mark.parametrize(("bug", "invariant", "operation"), CASES)
def test_the_report_comes_within_three_times_the_shortest_sequence(
    api: ApiSpec, bug: str, invariant: str, operation: str
) -> None:
    app = create_app(bugs=bug, work_delay=0.002)
    config = config_from_options(app=app, tenants=TOKENS, profile="default", seed=1, env={})
    target = Target(config, api)
    try:
        finding = run_check(invariant, operation, target)
    finally:
        target.close()
    assert finding.outcome is Outcome.VIOLATION, finding.message
    assert finding.requests <= 3 * SHORTEST[bug], (finding.requests, SHORTEST[bug])
