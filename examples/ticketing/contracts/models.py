from typing import Annotated, Literal

from pydantic import Field

from synth.contract import UUID, DateTime, Model, RequestModel, Unique

Name = Annotated[str, Field(min_length=1, max_length=80)]
City = Annotated[str, Field(min_length=1, max_length=40)]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
Cents = Annotated[int, Field(ge=0, le=10_000_000)]
Category = Literal["music", "sport", "theatre", "conference"]
EventStatus = Literal["draft", "on_sale", "cancelled"]


class Address(Model):
    city: City
    country: Country


class AddressIn(RequestModel):
    city: City
    country: Country


# ---- venues -------------------------------------------------------------
class VenueCreate(RequestModel):
    name: Name
    capacity: Annotated[int, Field(ge=1, le=100_000)]
    address: AddressIn


class Venue(Model):
    id: UUID
    name: Name
    capacity: int
    address: Address
    created_at: DateTime


class VenuePage(Model):
    items: list[Venue]
    total: int


# ---- events -------------------------------------------------------------
class EventCreate(RequestModel):
    name: Name
    venue_id: UUID
    category: Category
    starts_at: DateTime
    base_price_cents: Cents
    status: Literal["draft", "on_sale"] = "draft"


class Event(Model):
    id: UUID
    name: Name
    venue_id: UUID
    category: Category
    starts_at: DateTime
    base_price_cents: int
    status: EventStatus
    address: Address
    created_at: DateTime


class EventPage(Model):
    items: list[Event]
    next_cursor: str | None


# ---- ticket tiers (children of an event) --------------------------------
class TierCreate(RequestModel):
    name: Annotated[Name, Unique()]
    price_cents: Cents
    quantity: Annotated[int, Field(ge=1, le=100_000)]


class Tier(Model):
    id: UUID
    event_id: UUID
    name: Name
    price_cents: int
    quantity: int
    created_at: DateTime


# ---- orders -------------------------------------------------------------
class OrderCreate(RequestModel):
    event_id: UUID
    quantity: Annotated[int, Field(ge=1, le=20)]
    buyer_email: Annotated[str, Field(min_length=3, max_length=120, pattern=r"^[^@\s]+@[^@\s]+$")]


class Order(Model):
    id: UUID
    event_id: UUID
    quantity: int
    buyer_email: str
    amount_cents: int
    created_at: DateTime


class OrderPage(Model):
    data: list[Order]
    has_more: bool
