from typing import Annotated

from synth.contract import Cursor, Filter, Limit

from .api import VIN_TAKEN, api
from .models import Vehicle, VehicleCreate, VehicleId, VehiclePage, VehicleStatus, VehicleUpdate


@api.post("/vehicles", status=201, idempotent=True, errors=[VIN_TAKEN], tags=["vehicles"])
def create_vehicle(body: VehicleCreate) -> Vehicle:
    """Register a vehicle; the server assigns an integer id."""


@api.get(
    "/vehicles",
    paginated=Cursor(order=("-created_at", "-id"), limit=Limit(default=20, max=100)),
    tags=["vehicles"],
)
def list_vehicles(
    status: Annotated[VehicleStatus | None, Filter("status", "eq")] = None,
    make: Annotated[str | None, Filter("make", "prefix")] = None,
    min_year: Annotated[int | None, Filter("model_year", "gte")] = None,
) -> VehiclePage:
    """List vehicles, newest first."""


@api.get("/vehicles/{vehicle_id}", cacheable=True, tags=["vehicles"])
def get_vehicle(vehicle_id: VehicleId) -> Vehicle:
    """Get a vehicle."""


@api.patch("/vehicles/{vehicle_id}", cacheable=True, tags=["vehicles"])
def update_vehicle(vehicle_id: VehicleId, body: VehicleUpdate) -> Vehicle:
    """Change a vehicle's nickname or notes (null clears)."""


@api.post("/vehicles/{vehicle_id}/retire", status=200, tags=["vehicles"])
def retire_vehicle(vehicle_id: VehicleId) -> Vehicle:
    """Retire a vehicle (retiring twice is a no-op). A retired vehicle takes no new trips."""
