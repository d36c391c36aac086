"""The public catalogue and the health check: no token."""

from typing import Annotated

from pydantic import Field

from .api import api
from .models import CatalogueResults, Health

SearchText = Annotated[str, Field(min_length=2, max_length=100)]


@api.get("/catalogue", tenant_scoped=False, tags=["public"])
def search_catalogue(q: SearchText) -> CatalogueResults:
    """Books of every library whose title contains q (case-insensitive), by ISBN; 20 at most."""


@api.get("/health", tenant_scoped=False, tags=["public"])
def get_health() -> Health:
    """Is the service up?"""
