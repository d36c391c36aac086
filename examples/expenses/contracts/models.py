"""Request and response models."""

from typing import Annotated, Literal

from pydantic import Field

from synth.contract import Model, RequestModel, Unique

ReportId = Annotated[int, Field(ge=1)]
LineNo = Annotated[int, Field(ge=1)]
Title = Annotated[str, Field(min_length=1, max_length=100)]
Note = Annotated[str, Field(max_length=500)]
Currency = Literal["EUR", "USD", "GBP"]
Status = Literal["draft", "approved"]
Category = Literal["travel", "meals", "lodging", "other"]
Description = Annotated[str, Field(min_length=1, max_length=200)]
Cents = Annotated[int, Field(ge=1, le=1_000_000)]
ReceiptRef = Annotated[str, Field(min_length=3, max_length=32, pattern=r"^[A-Za-z0-9-]+$")]


class ReportCreate(RequestModel):
    title: Title
    currency: Currency
    note: Note | None = None


class ReportUpdate(RequestModel):
    # May be left out, never null (the contract language's way): mypy sees a None default.
    title: Title = Field(default=None)  # type: ignore[assignment]
    note: Note | None = None


class Report(Model):
    id: ReportId
    title: Title
    currency: Currency
    note: Note | None
    status: Status


class ReportPage(Model):
    items: list[Report]


class LineCreate(RequestModel):
    description: Description
    amount_cents: Cents
    category: Category
    receipt_ref: Annotated[ReceiptRef, Unique()]


class Line(Model):
    number: LineNo
    report_id: ReportId
    description: Description
    amount_cents: Cents
    category: Category
    receipt_ref: ReceiptRef


class LinePage(Model):
    items: list[Line]
    next_cursor: str | None
