"""Service health, not tenant-scoped."""

from .api import api
from .models import Health


@api.get("/health", tenant_scoped=False, tags=["meta"])
def get_health() -> Health:
    """Is the service up? No auth."""
