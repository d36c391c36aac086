"""Sites: the buildings of a tenant's portfolio."""

from typing import Annotated

from synth.contract import Cursor, Filter, Idempotency, Limit, Sort

from .api import PRECONDITION_FAILED, SITE_CODE_TAKEN, api
from .models import Region, Site, SiteCreate, SiteId, SitePage, SiteUpdate


@api.post(
    "/sites", status=201, idempotent=Idempotency.OPTIONAL, errors=[SITE_CODE_TAKEN], tags=["sites"]
)
def create_site(body: SiteCreate) -> Site:
    """Register a site (a building) of the tenant's portfolio."""


@api.get(
    "/sites",
    paginated=Cursor(
        sort=Sort(
            param="sort",
            orders={"-created_at": ("-created_at", "-id"), "name": ("name", "id")},
            default="-created_at",
        ),
        limit=Limit(default=20, max=100),
    ),
    tags=["sites"],
)
def list_sites(
    region: Annotated[Region | None, Filter("region", "eq")] = None,
    q: Annotated[str | None, Filter("name", "icontains")] = None,
) -> SitePage:
    """List sites, newest first (or by name)."""


@api.get("/sites/{site_id}", cacheable=True, tags=["sites"])
def get_site(site_id: SiteId) -> Site:
    """Get a site."""


@api.patch("/sites/{site_id}", cacheable=True, errors=[PRECONDITION_FAILED], tags=["sites"])
def update_site(site_id: SiteId, body: SiteUpdate) -> Site:
    """Change a site's name, region or timezone."""


@api.delete("/sites/{site_id}", tags=["sites"])
def delete_site(site_id: SiteId) -> None:
    """Delete a site and its meters."""
