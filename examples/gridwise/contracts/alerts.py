"""Alert rules on a meter."""

from typing import Annotated

from synth.contract import Filter, Limit, StartingAfter

from .api import METER_RETIRED, UNKNOWN_METER, api
from .models import Alert, AlertCreate, AlertId, AlertPage, MeterId, ThresholdKw


@api.post(
    "/alerts", status=201, idempotent=True, errors=[UNKNOWN_METER, METER_RETIRED], tags=["alerts"]
)
def create_alert(body: AlertCreate) -> Alert:
    """Create an alert rule on a meter (fires when demand passes `threshold_kw`)."""


@api.get(
    "/alerts",
    paginated=StartingAfter(order=("id",), limit=Limit(default=10, max=50)),
    tags=["alerts"],
)
def list_alerts(
    meter_id: Annotated[MeterId | None, Filter("meter_id", "eq")] = None,
    severity: Annotated[str | None, Filter("severity", "in")] = None,
    min_threshold_kw: Annotated[ThresholdKw | None, Filter("threshold_kw", "gte")] = None,
) -> AlertPage:
    """List alert rules, by id."""


@api.get("/alerts/{alert_id}", tags=["alerts"])
def get_alert(alert_id: AlertId) -> Alert:
    """Get an alert rule."""


@api.delete("/alerts/{alert_id}", tags=["alerts"])
def delete_alert(alert_id: AlertId) -> None:
    """Delete an alert rule."""
