"""The library's loans and fines, which synth could not exercise before.

Loans are made under a copy and read at ``/loans/{loan_id}``; a loan's body names a member
that must exist (``member_id``); ``POST /members/{member_id}/fines/pay`` acts on the member.
Run in process against the correct server, and with the planted ``ten-pay-any-member``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from examples.library import example, server
from synth import load
from synth.testing import Finding, Outcome, Target, config_from_options
from synth.testing._runner import run_check

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / "examples" / "library" / "contracts"
API = load(CONTRACTS)
TENANTS = [f"{name}={token}" for name, token in example.TENANTS.items()]


@pytest.fixture(autouse=True)
def store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "STORE", server.Store())
    monkeypatch.setattr(server, "BUGS", set())


def _check(invariant: str, operation: str, seed: int = 1) -> Finding:
    config = config_from_options(app=server.app, tenants=TENANTS, seed=seed, env={},
                                 contracts=CONTRACTS)  # fmt: skip
    target = Target(config, API)
    try:
        return run_check(invariant, operation, target)
    finally:
        target.close()


@pytest.mark.parametrize(
    ("invariant", "operation"),
    [("TEN-READ", "getLoan"), ("TEN-WRITE", "returnLoan"), ("TEN-ASSIGN", "createLoan"),
     ("TEN-WRITE", "payFines")],
)  # fmt: skip
def test_the_correct_library_passes_checks_that_need_a_loan_or_a_member(
    invariant: str, operation: str
) -> None:
    finding = _check(invariant, operation)
    assert finding.outcome is Outcome.PASSED, finding.message
    assert finding.examples > 0


@pytest.mark.parametrize("invariant", ["PAGE-ORDER", "PAGE-CONCURRENT", "PAGE-FILTER"])
def test_a_list_that_needs_two_loans_of_one_copy_is_seeded_by_returning_each_loan(
    invariant: str,
) -> None:
    """A copy is lent once at a time (409 ``copy_on_loan``): seeding a copy's loan history
    returns the open loan (``returnLoan``, the one action on loans) before lending again."""
    finding = _check(invariant, "listLoans")
    assert finding.outcome is Outcome.PASSED, finding.message
    assert finding.exercised > 0
    assert any(loan.returned_at is not None for loan in server.STORE.loans.values())


def test_paying_another_librarys_member_is_reported_by_ten_write(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (bug,) = [b for b in example.BUGS if b.id == "ten-pay-any-member"]
    assert bug.invariant == "TEN-WRITE"
    monkeypatch.setattr(server, "BUGS", {bug.id})
    finding = _check("TEN-WRITE", "payFines")
    assert finding.outcome is Outcome.VIOLATION, finding.message


def test_a_loan_to_another_librarys_member_is_reported_by_ten_assign(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """TEN-ASSIGN sends library A's createLoan naming library B's member (``member_id``, a
    reference): the correct server refuses it (422 ``unknown_member``), the planted
    ``ten-loan-any-member`` lends the copy to B's member."""
    assert _check("TEN-ASSIGN", "createLoan").outcome is Outcome.PASSED
    (bug,) = [b for b in example.BUGS if b.id == "ten-loan-any-member"]
    assert bug.invariant == "TEN-ASSIGN"
    monkeypatch.setattr(server, "BUGS", {bug.id})
    finding = _check("TEN-ASSIGN", "createLoan")
    assert finding.outcome is Outcome.VIOLATION, finding.message
    assert "member_id=" in finding.expected, finding.expected
