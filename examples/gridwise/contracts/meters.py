"""Meters, installed at a site and listed across sites."""

from typing import Annotated

from synth.contract import Filter, Latency, Limit, PageToken

from .api import METER_RETIRED, SERIAL_TAKEN, api
from .models import Meter, MeterCreate, MeterId, MeterKind, MeterPage, MeterStatus, SiteId

meters = api.resource("/meters", Meter, id_param="meter_id", created_by="create_meter")


@api.post(
    "/sites/{site_id}/meters", status=201, idempotent=True, errors=[SERIAL_TAKEN], tags=["meters"]
)
def create_meter(site_id: SiteId, body: MeterCreate) -> Meter:
    """Install a meter at a site."""


@api.get(
    "/meters",
    paginated=PageToken(order=("-created_at", "-id"), limit=Limit(default=20, max=100)),
    tags=["meters"],
)
def list_meters(
    site_id: Annotated[SiteId | None, Filter("site_id", "eq")] = None,
    kind: Annotated[MeterKind | None, Filter("kind", "eq")] = None,
    status: Annotated[MeterStatus | None, Filter("status", "eq")] = None,
    serial_prefix: Annotated[str | None, Filter("serial", "prefix")] = None,
) -> MeterPage:
    """List meters across every site, newest first."""


@api.get("/meters/{meter_id}", tags=["meters"], slo=Latency(p95="200ms"))
def get_meter(meter_id: MeterId) -> Meter:
    """Get a meter."""


@api.post("/meters/{meter_id}/retire", status=200, errors=[METER_RETIRED], tags=["meters"])
def retire_meter(meter_id: MeterId) -> Meter:
    """Retire a meter: it stays readable, takes no new alert rules."""


@api.delete("/meters/{meter_id}", tags=["meters"])
def delete_meter(meter_id: MeterId) -> None:
    """Delete a meter (its alert rules stay, naming it)."""
