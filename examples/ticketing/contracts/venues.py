from typing import Annotated

from synth.contract import UUID, Filter, Limit, Offset, Sort

from .api import api
from .models import Venue, VenueCreate, VenuePage


@api.post("/venues", status=201, idempotent=True, tags=["venues"])
def create_venue(body: VenueCreate) -> Venue:
    """Register a venue."""


@api.get(
    "/venues",
    paginated=Offset(
        order=("name", "id"),
        limit=Limit(default=20, max=100),
        total_field="total",
        sort=Sort(
            param="sort",
            orders={"name": ("name", "id"), "-capacity": ("-capacity", "id")},
            default="name",
        ),
    ),
    tags=["venues"],
)
def list_venues(
    min_capacity: Annotated[int | None, Filter("capacity", "gte")] = None,
    max_capacity: Annotated[int | None, Filter("capacity", "lte")] = None,
    country: Annotated[str | None, Filter("address.country", "in")] = None,
    city: Annotated[str | None, Filter("address.city", "eq")] = None,
) -> VenuePage:
    """List venues, by name (or by capacity, largest first)."""


@api.get("/venues/{venue_id}", tags=["venues"])
def get_venue(venue_id: UUID) -> Venue:
    """Get a venue."""
