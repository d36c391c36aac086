"""The models and field types of the Gridwise API."""

from typing import Annotated, Literal

from pydantic import Field

from synth.contract import DateTime, Model, RequestModel, Unique

SiteId = Annotated[str, Field(pattern=r"^site_[0-9a-f]{16}$")]
MeterId = Annotated[str, Field(pattern=r"^mtr_[0-9a-f]{16}$")]
AlertId = Annotated[str, Field(pattern=r"^alr_[0-9a-f]{16}$")]

Region = Literal["eu-west", "eu-north", "us-east", "us-west", "apac"]
SiteCode = Annotated[str, Field(pattern=r"^[A-Z]{2,4}-[0-9]{1,4}$")]
SiteName = Annotated[str, Field(min_length=1, max_length=80)]
Timezone = Annotated[str, Field(min_length=3, max_length=64, pattern=r"^[A-Za-z_]+/[A-Za-z_]+$")]

MeterKind = Literal["electricity", "gas", "water", "heat"]
MeterStatus = Literal["active", "retired"]
Serial = Annotated[str, Field(min_length=4, max_length=32, pattern=r"^[A-Za-z0-9-]+$")]
Label = Annotated[str, Field(min_length=1, max_length=60)]
Multiplier = Annotated[float, Field(gt=0, le=1000)]

Severity = Literal["info", "warning", "critical"]
AlertName = Annotated[str, Field(min_length=1, max_length=100)]
ThresholdKw = Annotated[int, Field(ge=1, le=100_000)]


class Site(Model):
    id: SiteId
    code: SiteCode
    name: SiteName
    region: Region
    timezone: Timezone | None
    created_at: DateTime


class SiteCreate(RequestModel):
    code: Annotated[SiteCode, Unique()]
    name: SiteName
    region: Region
    timezone: Timezone | None = None


class SiteUpdate(RequestModel):
    # May be left out, never null (the contract language's way): mypy sees a None default.
    name: SiteName = Field(default=None)  # type: ignore[assignment]
    region: Region = Field(default=None)  # type: ignore[arg-type]
    timezone: Timezone | None = None


class SitePage(Model):
    items: list[Site]
    next_cursor: str | None


class Meter(Model):
    id: MeterId
    site_id: SiteId
    serial: Serial
    kind: MeterKind
    status: MeterStatus
    multiplier: Multiplier
    label: Label | None
    created_at: DateTime


class MeterCreate(RequestModel):
    serial: Annotated[Serial, Unique()]
    kind: MeterKind
    multiplier: Multiplier = 1.0
    label: Label | None = None


class MeterPage(Model):
    items: list[Meter]
    next_page_token: str | None


class Alert(Model):
    id: AlertId
    meter_id: MeterId
    name: AlertName
    severity: Severity
    threshold_kw: ThresholdKw
    created_at: DateTime


class AlertCreate(RequestModel):
    meter_id: MeterId
    name: AlertName
    severity: Severity = "warning"
    threshold_kw: ThresholdKw


class AlertPage(Model):
    data: list[Alert]
    has_more: bool
