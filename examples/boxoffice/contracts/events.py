"""Events at a venue, numbered 1, 2, 3... within it."""

from typing import Annotated

from synth.contract import Filter, Limit, PageNumber, RateLimit

from .api import EVENT_CANCELLED, api
from .models import Event, EventCreate, EventNo, EventPage, EventStatus, Genre, OrgId, VenueSlug

EVENTS = "/orgs/{org_id}/venues/{venue_slug}/events"


@api.post(EVENTS, status=201, idempotent=True, tags=["events"])
def create_event(org_id: OrgId, venue_slug: VenueSlug, body: EventCreate) -> Event:
    """Schedule an event; it gets the venue's next number."""


@api.get(
    EVENTS,
    paginated=PageNumber(
        order=("starts_at", "number"), limit=Limit(default=10, max=50), total_field="total"
    ),
    tags=["events"],
)
def list_events(
    org_id: OrgId,
    venue_slug: VenueSlug,
    genre: Annotated[Genre | None, Filter("genre", "eq")] = None,
    status: Annotated[EventStatus | None, Filter("status", "eq")] = None,
) -> EventPage:
    """List a venue's events by start time, then number."""


@api.get(
    EVENTS + "/{event_no}",
    rate_limit=RateLimit(limit=10, window="3s", key="tenant"),
    tags=["events"],
)
def get_event(org_id: OrgId, venue_slug: VenueSlug, event_no: EventNo) -> Event:
    """Get an event (10 per 3 s per organisation)."""


@api.post(EVENTS + "/{event_no}/cancel", status=200, errors=[EVENT_CANCELLED], tags=["events"])
def cancel_event(org_id: OrgId, venue_slug: VenueSlug, event_no: EventNo) -> Event:
    """Cancel a scheduled event; 409 when it is already cancelled."""
