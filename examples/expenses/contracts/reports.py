"""Expense reports."""

from typing import Annotated

from pydantic import Field

from synth.contract import Filter, Limit, PageNumber, RateLimit, ResponseHeader

from .api import api
from .models import Report, ReportCreate, ReportId, ReportPage, ReportUpdate, Status


@api.post(
    "/reports",
    status=201,
    idempotent=True,
    tags=["reports"],
    headers=[ResponseHeader("Location", description="The new report's URL.")],
)
def create_report(body: ReportCreate) -> Report:
    """Open a draft expense report."""


@api.get(
    "/reports",
    paginated=PageNumber(order=("id",), limit=Limit(default=10, max=25)),
    tags=["reports"],
)
def list_reports(
    status: Annotated[Status | None, Filter("status", "eq")] = None,
    q: Annotated[Annotated[str, Field(max_length=50)] | None, Filter("title", "icontains")] = None,
) -> ReportPage:
    """List reports, oldest first, by page number."""


@api.get(
    "/reports/{report_id}",
    tags=["reports"],
    rate_limit=RateLimit(limit=20, window="2s", key="tenant"),
)
def get_report(report_id: ReportId) -> Report:
    """Get a report (rate limited per tenant)."""


@api.patch("/reports/{report_id}", tags=["reports"])
def update_report(report_id: ReportId, body: ReportUpdate) -> Report:
    """Change a report's title or note."""


@api.post("/reports/{report_id}/approve", status=200, tags=["reports"])
def approve_report(report_id: ReportId) -> Report:
    """Approve a report (approving an approved report changes nothing)."""
