"""Measurement units: reference data, public."""

from .api import UNITS_LIMIT, api
from .models import UnitList


@api.get("/units", tenant_scoped=False, tags=["meta"], rate_limit=UNITS_LIMIT)
def list_units() -> UnitList:
    """List the measurement units products may use. No key needed."""
