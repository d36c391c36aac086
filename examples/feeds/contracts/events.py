"""Playback events: the body is a JSON array, the next page is in the `Link` header
(RFC 8288, `rel="next"`), with page numbers behind the links, as GitHub does."""

from typing import Annotated

from pydantic import Field

from synth.contract import Filter, Limit, LinkHeader

from .api import api
from .models import Event, EventCreate, EventId


@api.post("/events", status=201, tags=["events"])
def record_event(body: EventCreate) -> Event:
    """Record a playback event."""


@api.get(
    "/events",
    paginated=LinkHeader(order=("id",), limit=Limit(default=30, max=100)),
    tags=["events"],
)
def list_events(
    page: Annotated[int, Field(ge=1, description="Follow the Link header rather than count")] = 1,
    kind: Annotated[
        str | None,
        Field(description="Comma-separated kinds, e.g. play,complete"),
        Filter("kind", "in"),
    ] = None,
) -> list[Event]:
    """List playback events, oldest first; `Link` carries first, prev, next and last."""


@api.get("/events/{event_id}", tags=["events"])
def get_event(event_id: EventId) -> Event:
    """Get a playback event."""
