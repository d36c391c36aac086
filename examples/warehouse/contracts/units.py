"""Measurement units: reference data, public."""

from .api import api
from .models import UnitList


@api.get("/units", tenant_scoped=False, tags=["meta"])
def list_units() -> UnitList:
    """List the measurement units products may use. No key needed."""
