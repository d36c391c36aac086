"""Loans: a copy lent to a member, and the loan history of each copy."""

from typing import Annotated

from synth.contract import Cursor, Filter, Limit

from .api import COPY_ON_LOAN, LOAN_ALREADY_RETURNED, UNKNOWN_MEMBER, api
from .models import BookId, CopyNo, Loan, LoanCreate, LoanId, LoanPage, LoanStatus, MemberId


@api.post(
    "/books/{book_id}/copies/{copy_no}/loans",
    status=201,
    errors=[COPY_ON_LOAN, UNKNOWN_MEMBER],
    tags=["loans"],
)
def create_loan(book_id: BookId, copy_no: CopyNo, body: LoanCreate) -> Loan:
    """Lend a copy to a member of the library."""


@api.get(
    "/books/{book_id}/copies/{copy_no}/loans",
    paginated=Cursor(order=("-loaned_at", "-id"), limit=Limit(default=20, max=50)),
    tags=["loans"],
)
def list_loans(
    book_id: BookId,
    copy_no: CopyNo,
    status: Annotated[LoanStatus | None, Filter("status", "eq")] = None,
) -> LoanPage:
    """A copy's loan history, newest first."""


@api.get(
    "/loans",
    paginated=Cursor(order=("-loaned_at", "-id"), limit=Limit(default=20, max=50)),
    tags=["loans"],
)
def list_library_loans(
    status: Annotated[LoanStatus | None, Filter("status", "eq")] = None,
) -> LoanPage:
    """Every loan of the library, across all its copies, newest first: a list at the top
    level of items created under a copy (``POST /books/{book_id}/copies/{copy_no}/loans``)."""


@api.get("/loans/{loan_id}", tags=["loans"])
def get_loan(loan_id: LoanId) -> Loan:
    """Get a loan."""


@api.post("/loans/{loan_id}/return", status=200, errors=[LOAN_ALREADY_RETURNED], tags=["loans"])
def return_loan(loan_id: LoanId) -> Loan:
    """Return the lent copy; a loan is returned once."""


@api.get("/members/{member_id}/loans", tags=["loans"])
def list_member_loans(member_id: MemberId) -> list[Loan]:
    """The loans a member has out now, oldest first: a bare JSON array, not paged (a member
    holds a few books at a time)."""
