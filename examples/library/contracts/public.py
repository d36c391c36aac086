"""The public catalogue and the health check: no token."""

from typing import Annotated

from pydantic import Field

from synth.contract import ResponseHeader

from .api import RATE_LIMITED, api
from .models import CatalogueResults, Health

SearchText = Annotated[str, Field(min_length=2, max_length=100)]
Count = Annotated[int, Field(ge=0)]

# The public search is rate-limited per client address (the IETF RateLimit header fields).
RATE_LIMIT = [
    ResponseHeader("RateLimit-Limit", Count, description="Searches allowed in each window."),
    ResponseHeader("RateLimit-Remaining", Count, description="Searches left in this window."),
    ResponseHeader("RateLimit-Reset", Count, description="Seconds until the window resets."),
    ResponseHeader("Retry-After", Count, status=429, description="Seconds to wait."),
]


@api.get(
    "/catalogue", tenant_scoped=False, tags=["public"], errors=[RATE_LIMITED], headers=RATE_LIMIT
)
def search_catalogue(q: SearchText) -> CatalogueResults:
    """Books of every library whose title contains q (case-insensitive), by ISBN; 20 at most."""


@api.get("/health", tenant_scoped=False, tags=["public"])
def get_health() -> Health:
    """Is the service up?"""
