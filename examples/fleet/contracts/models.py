from typing import Annotated, Literal

from pydantic import Field

from synth.contract import DateTime, Model, RequestModel, Unique

Name = Annotated[str, Field(min_length=1, max_length=60)]
DriverId = Annotated[str, Field(pattern=r"^drv_[0-9a-f]{10}$")]
VehicleId = Annotated[int, Field(ge=1, le=2_000_000_000)]
TripNo = Annotated[int, Field(ge=1, le=1_000_000)]
LicenseClass = Literal["B", "C", "CE", "D"]
VehicleStatus = Literal["active", "retired"]
TripStatus = Literal["open", "ended"]
Vin = Annotated[str, Field(pattern=r"^[A-HJ-NPR-Z0-9]{17}$")]
LicenseNumber = Annotated[str, Field(min_length=5, max_length=16, pattern=r"^[A-Z0-9]+$")]


# ---- drivers ------------------------------------------------------------
class DriverCreate(RequestModel):
    name: Name
    license_number: Annotated[LicenseNumber, Unique()]
    license_class: LicenseClass


class Driver(Model):
    id: DriverId
    name: Name
    license_number: str
    license_class: LicenseClass
    created_at: DateTime


class DriverPage(Model):
    items: list[Driver]
    total: int


# ---- vehicles -----------------------------------------------------------
class VehicleCreate(RequestModel):
    vin: Annotated[Vin, Unique()]
    make: Annotated[str, Field(min_length=1, max_length=30)]
    model_year: Annotated[int, Field(ge=1990, le=2030)]
    nickname: Name | None = None
    notes: Annotated[str, Field(max_length=200)] | None = None


class VehicleUpdate(RequestModel):
    nickname: Name | None = None
    notes: Annotated[str, Field(max_length=200)] | None = None


class Vehicle(Model):
    id: VehicleId
    vin: str
    make: str
    model_year: int
    nickname: str | None
    notes: str | None
    status: VehicleStatus
    open_trip_no: int | None
    created_at: DateTime


class VehiclePage(Model):
    items: list[Vehicle]
    next_cursor: str | None


# ---- trips (children of a vehicle, numbered within it) ------------------
class TripStart(RequestModel):
    driver_id: DriverId
    start_odometer_km: Annotated[int, Field(ge=0, le=2_000_000)]
    purpose: Annotated[str, Field(max_length=120)] | None = None


class TripEnd(RequestModel):
    distance_km: Annotated[int, Field(ge=0, le=5_000)]


TripId = Annotated[str, Field(pattern=r"^trp_[0-9a-f]{12}$")]


class Trip(Model):
    id: TripId
    vehicle_id: VehicleId
    number: TripNo
    driver_id: DriverId
    status: TripStatus
    start_odometer_km: int
    purpose: str | None
    distance_km: int | None
    started_at: DateTime
    ended_at: DateTime | None


class TripPage(Model):
    items: list[Trip]
    total: int
