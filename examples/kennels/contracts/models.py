"""Models of the kennel booking API."""

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from synth.contract import DateTime, Model, RequestModel

KennelCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}[0-9]{2}$")]
"""Three capital letters and two digits, e.g. LON01; chosen by the tenant."""
RunNo = Annotated[str, StringConstraints(pattern=r"^R[0-9]{4}$")]
"""R and four digits, e.g. R0001; assigned per kennel."""
BookingId = Annotated[str, StringConstraints(pattern=r"^bk_[0-9a-f]{16}$")]
Name = Annotated[str, StringConstraints(min_length=1, max_length=80)]
Size = Literal["small", "medium", "large"]


class Kennel(Model):
    """A kennel site."""

    kennel_code: KennelCode
    name: Name
    city: Name
    capacity: Annotated[int, Field(ge=1, le=500)]
    created_at: DateTime
    updated_at: DateTime


class KennelPut(RequestModel):
    """The full state of a kennel."""

    name: Name
    city: Name
    capacity: Annotated[int, Field(ge=1, le=500)]


class KennelPage(Model):
    """A page of kennels by code."""

    items: list[Kennel]


class Run(Model):
    """A dog run within one kennel."""

    kennel_code: KennelCode
    run_no: RunNo
    size: Size
    heated: bool
    created_at: DateTime


class RunCreate(RequestModel):
    """A new run."""

    size: Size
    heated: bool = False


class RunPage(Model):
    """A page of runs by number."""

    items: list[Run]


class Booking(Model):
    """A dog's stay at a kennel."""

    id: BookingId
    kennel_code: KennelCode
    dog_name: Name
    owner_note: Annotated[str, StringConstraints(max_length=500)] | None
    start_date: date
    nights: Annotated[int, Field(ge=1, le=60)]
    status: Literal["active", "cancelled"]
    created_at: DateTime


class BookingCreate(RequestModel):
    """A new booking."""

    kennel_code: KennelCode
    dog_name: Name
    owner_note: Annotated[str, StringConstraints(max_length=500)] | None = None
    start_date: date
    nights: Annotated[int, Field(ge=1, le=60)]


class BookingPage(Model):
    """A page of bookings, oldest first."""

    items: list[Booking]
    total: int
