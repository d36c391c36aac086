"""Line items of a report: numbered 1, 2, 3... within their report."""

from typing import Annotated

from synth.contract import Cursor, Filter, Limit

from .api import RECEIPT_TAKEN, api
from .models import Category, Line, LineCreate, LineNo, LinePage, ReportId


@api.post("/reports/{report_id}/lines", status=201, errors=[RECEIPT_TAKEN], tags=["lines"])
def create_line(report_id: ReportId, body: LineCreate) -> Line:
    """Add a line to a report; its receipt reference is unique within the report."""


@api.get(
    "/reports/{report_id}/lines",
    paginated=Cursor(order=("number",), limit=Limit(default=5, max=20)),
    tags=["lines"],
)
def list_lines(
    report_id: ReportId,
    category: Annotated[Category | None, Filter("category", "eq")] = None,
) -> LinePage:
    """List a report's lines by number, with a cursor."""


@api.get("/reports/{report_id}/lines/{line_no}", tags=["lines"])
def get_line(report_id: ReportId, line_no: LineNo) -> Line:
    """Get one line of a report."""
