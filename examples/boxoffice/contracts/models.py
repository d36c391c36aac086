"""Request and response models."""

from typing import Annotated, Literal

from pydantic import Field

from synth.contract import DateTime, Model, RequestModel

OrgId = Annotated[
    str, Field(pattern=r"^org_[a-z0-9]{3,20}$", description="org_ and 3-20 alphanumerics")
]
VenueSlug = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9-]{2,39}$", description="Client-chosen, unique in the organisation"
    ),
]
EventNo = Annotated[int, Field(ge=1, description="1, 2, 3... within the venue")]
Name = Annotated[str, Field(min_length=1, max_length=100)]
EventStatus = Literal["scheduled", "cancelled"]
Genre = Literal["music", "theatre", "sport", "talk"]


class VenuePut(RequestModel):
    """The whole state of a venue (PUT creates or replaces it)."""

    name: Name
    city: Annotated[str, Field(min_length=1, max_length=60)]
    seats: Annotated[int, Field(ge=1, le=100_000)]


class Venue(Model):
    slug: VenueSlug
    name: str
    city: str
    seats: int
    created_at: DateTime
    updated_at: DateTime


class EventCreate(RequestModel):
    title: Name
    genre: Genre
    starts_at: DateTime
    price_cents: Annotated[int, Field(ge=0, le=1_000_000)] = 0
    note: Annotated[str, Field(max_length=500)] | None = None


class Event(Model):
    number: EventNo
    venue_slug: VenueSlug
    title: str
    genre: Genre
    starts_at: DateTime
    price_cents: int
    note: str | None
    status: EventStatus
    created_at: DateTime


class EventPage(Model):
    """A page of events, by start time then number."""

    items: list[Event]
    total: int
