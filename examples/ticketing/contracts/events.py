from typing import Annotated

from synth.contract import UUID, Cursor, DateTime, Filter, Limit, LinkHeader, Sort

from .api import EVENT_CANCELLED, TIER_NAME_TAKEN, api
from .models import Category, Event, EventCreate, EventPage, Tier, TierCreate


@api.post("/events", status=201, idempotent=True, tags=["events"])
def create_event(body: EventCreate) -> Event:
    """Create an event at one of the tenant's venues."""


@api.get(
    "/events",
    paginated=Cursor(
        order=("-created_at", "-id"),
        limit=Limit(default=20, max=100),
        sort=Sort(
            param="sort",
            orders={
                "-created_at": ("-created_at", "-id"),
                "starts_at": ("starts_at", "id"),
                "-starts_at": ("-starts_at", "id"),
                "price": ("base_price_cents", "id"),
            },
            default="-created_at",
        ),
    ),
    tags=["events"],
)
def list_events(  # noqa: PLR0917 (a contract's parameters are its query parameters)
    starts_from: Annotated[DateTime | None, Filter("starts_at", "gte")] = None,
    starts_before: Annotated[DateTime | None, Filter("starts_at", "lt")] = None,
    status: Annotated[str | None, Filter("status", "in")] = None,
    not_category: Annotated[Category | None, Filter("category", "ne")] = None,
    name_prefix: Annotated[str | None, Filter("name", "prefix")] = None,
    q: Annotated[str | None, Filter("name", "icontains")] = None,
    max_price: Annotated[int | None, Filter("base_price_cents", "lte")] = None,
    city: Annotated[str | None, Filter("address.city", "eq")] = None,
    venue_id: Annotated[UUID | None, Filter("venue_id", "eq")] = None,
) -> EventPage:
    """List events, newest first by default."""


@api.get("/events/{event_id}", cacheable=True, tags=["events"])
def get_event(event_id: UUID) -> Event:
    """Get an event."""


@api.post("/events/{event_id}/cancel", status=200, tags=["events"])
def cancel_event(event_id: UUID) -> Event:
    """Cancel an event (idempotent by nature: cancelling twice is a no-op)."""


@api.post(
    "/events/{event_id}/tiers",
    status=201,
    idempotent=True,
    errors=[EVENT_CANCELLED, TIER_NAME_TAKEN],
    tags=["tiers"],
)
def create_tier(event_id: UUID, body: TierCreate) -> Tier:
    """Add a ticket tier to an event."""


@api.get(
    "/events/{event_id}/tiers",
    paginated=LinkHeader(order=("price_cents", "id"), limit=Limit(default=10, max=50), keyset=True),
    tags=["tiers"],
)
def list_tiers(
    event_id: UUID,
    min_price: Annotated[int | None, Filter("price_cents", "gt")] = None,
) -> list[Tier]:
    """List an event's ticket tiers, cheapest first."""


@api.get("/events/{event_id}/tiers/{tier_id}", tags=["tiers"])
def get_tier(event_id: UUID, tier_id: UUID) -> Tier:
    """Get a ticket tier."""
