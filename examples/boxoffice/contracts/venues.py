"""Venues, keyed by a client-chosen slug."""

from .api import api
from .models import OrgId, Venue, VenuePut, VenueSlug


@api.put("/orgs/{org_id}/venues/{venue_slug}", upsert=True, tags=["venues"])
def put_venue(org_id: OrgId, venue_slug: VenueSlug, body: VenuePut) -> Venue:
    """Create the venue with this slug (201) or replace it (200)."""


@api.get("/orgs/{org_id}/venues/{venue_slug}", tags=["venues"])
def get_venue(org_id: OrgId, venue_slug: VenueSlug) -> Venue:
    """Get a venue."""


@api.delete("/orgs/{org_id}/venues/{venue_slug}", tags=["venues"])
def delete_venue(org_id: OrgId, venue_slug: VenueSlug) -> None:
    """Delete a venue and its events."""
