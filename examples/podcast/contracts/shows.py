"""Shows: the top-level collection, cursor-paged, with a cacheable GET and a partial PATCH."""

from typing import Annotated

from synth.contract import UUID, Cursor, Filter, Latency, Limit, ResponseHeader

from .api import SLUG_TAKEN, api
from .models import Category, Show, ShowCreate, ShowPage, ShowUpdate


@api.post(
    "/shows",
    status=201,
    idempotent=True,
    errors=[SLUG_TAKEN],
    tags=["shows"],
    headers=[ResponseHeader("Location", description="The new show's URL.")],
)
def create_show(body: ShowCreate) -> Show:
    """Create a show. Requires an Idempotency-Key."""


@api.get(
    "/shows",
    paginated=Cursor(order=("-created_at", "-id"), limit=Limit(default=20, max=50)),
    tags=["shows"],
    slo=Latency(p95="300ms"),
)
def list_shows(
    category: Annotated[Category | None, Filter("category", "eq")] = None,
) -> ShowPage:
    """List shows, newest first; optionally one category."""


@api.get("/shows/{show_id}", cacheable=True, tags=["shows"])
def get_show(show_id: UUID) -> Show:
    """Get a show (ETag, If-None-Match)."""


@api.patch("/shows/{show_id}", cacheable=True, errors=[], tags=["shows"])
def update_show(show_id: UUID, body: ShowUpdate) -> Show:
    """Update a show partially; If-Match optional."""
