from typing import Annotated

from synth.contract import Filter, Limit, Offset

from .api import TRIP_ENDED, TRIP_IN_PROGRESS, UNKNOWN_DRIVER, VEHICLE_RETIRED, api
from .models import DriverId, Trip, TripEnd, TripNo, TripPage, TripStart, TripStatus, VehicleId


@api.post(
    "/vehicles/{vehicle_id}/trips",
    status=201,
    idempotent=True,
    errors=[VEHICLE_RETIRED, TRIP_IN_PROGRESS, UNKNOWN_DRIVER],
    tags=["trips"],
)
def start_trip(vehicle_id: VehicleId, body: TripStart) -> Trip:
    """Start a trip; trips are numbered 1, 2, ... within their vehicle. One open trip per vehicle."""


@api.get("/vehicles/{vehicle_id}/trips/{trip_no}", tags=["trips"])
def get_trip(vehicle_id: VehicleId, trip_no: TripNo) -> Trip:
    """Get a trip."""


@api.post(
    "/vehicles/{vehicle_id}/trips/{trip_no}/end",
    status=200,
    errors=[TRIP_ENDED],
    tags=["trips"],
)
def end_trip(vehicle_id: VehicleId, trip_no: TripNo, body: TripEnd) -> Trip:
    """End an open trip, recording its distance."""


@api.get(
    "/trips",
    paginated=Offset(
        order=("vehicle_id", "number"), limit=Limit(default=25, max=100), total_field="total"
    ),
    tags=["trips"],
)
def list_trips(
    vehicle_id: Annotated[VehicleId | None, Filter("vehicle_id", "eq")] = None,
    status: Annotated[TripStatus | None, Filter("status", "eq")] = None,
    driver_id: Annotated[DriverId | None, Filter("driver_id", "eq")] = None,
    min_distance: Annotated[int | None, Filter("distance_km", "gte")] = None,
) -> TripPage:
    """List every trip of the fleet, by vehicle then trip number."""


# The fleet-wide trip list shows the trips started under each vehicle.
# Trips also carry a fleet-wide id, so that the fleet-wide list has a one-field identity.
trips = api.resource("/trips", Trip, id_param="trip_id", created_by="start_trip")
