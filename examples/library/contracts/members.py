"""Members and their fines."""

from typing import Annotated

from pydantic import EmailStr

from synth.contract import Cursor, Example, Filter, Form, Limit

from .api import EMAIL_TAKEN, api
from .models import FinePayment, Member, MemberCreate, MemberId, MemberPage, Notice, NoticeForm


@api.post("/members", status=201, errors=[EMAIL_TAKEN], tags=["members"])
def create_member(body: MemberCreate) -> Member:
    """Register a member; emails are unique within the library."""


@api.get(
    "/members",
    paginated=Cursor(order=("-joined_at", "-id"), limit=Limit(default=20, max=50)),
    tags=["members"],
)
def list_members(
    email: Annotated[EmailStr | None, Filter("email", "eq")] = None,
) -> MemberPage:
    """List members, newest first; filter by email."""


@api.get("/members/{member_id}", tags=["members"])
def get_member(member_id: MemberId) -> Member:
    """Get a member, with their fine balance."""


@api.post("/members/{member_id}/fines/pay", status=200, idempotent=True, tags=["members"])
def pay_fines(member_id: MemberId, body: FinePayment) -> Member:
    """Pay toward a member's fines (an overpayment is kept as credit); retries with the same
    Idempotency-Key are applied once."""


@api.post(
    "/members/{member_id}/notify",
    status=200,
    tags=["members"],
    examples=[
        Example(
            "An overdue reminder by email and post",
            body={"subject": "Overdue: Middlemarch", "channels": ["email", "post"], "urgent": True},
        )
    ],
)
def notify_member(member_id: MemberId, body: Annotated[NoticeForm, Form()]) -> Notice:
    """Send a member a notice, posted as an HTML form."""
