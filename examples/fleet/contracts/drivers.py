from typing import Annotated

from synth.contract import Filter, Limit, PageNumber, RateLimit

from .api import LICENSE_TAKEN, api
from .models import Driver, DriverCreate, DriverId, DriverPage


@api.post("/drivers", status=201, idempotent=True, errors=[LICENSE_TAKEN], tags=["drivers"])
def create_driver(body: DriverCreate) -> Driver:
    """Register a driver."""


@api.get(
    "/drivers",
    paginated=PageNumber(
        order=("name", "id"), limit=Limit(default=10, max=50), total_field="total"
    ),
    tags=["drivers"],
)
def list_drivers(
    license_class: Annotated[str | None, Filter("license_class", "in")] = None,
    q: Annotated[str | None, Filter("name", "icontains")] = None,
) -> DriverPage:
    """List drivers by name."""


# Driver records hold personal data: lookups are limited per API key, so that one leaked key
# cannot page through them fast, and one fleet's integration cannot slow another's.
@api.get(
    "/drivers/{driver_id}",
    tags=["drivers"],
    rate_limit=RateLimit(limit=10, window="3s", key="token", name="driver-lookups"),
)
def get_driver(driver_id: DriverId) -> Driver:
    """Get a driver."""


@api.delete("/drivers/{driver_id}", tags=["drivers"])
def delete_driver(driver_id: DriverId) -> None:
    """Delete a driver (their past trips keep the driver id)."""
