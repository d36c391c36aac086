"""Warehouses, numbered 1, 2, 3... within their organisation."""

from typing import Annotated

from synth.contract import Cursor, Filter, Limit

from .api import ORG_NOT_FOUND, WAREHOUSE_ARCHIVED, WAREHOUSE_CODE_TAKEN, api
from .models import (
    City,
    OrgId,
    Warehouse,
    WarehouseCreate,
    WarehouseId,
    WarehousePage,
    WarehouseStatus,
    WarehouseUpdate,
)


@api.post(
    "/orgs/{org_id}/warehouses",
    status=201,
    idempotent=True,
    errors=[ORG_NOT_FOUND, WAREHOUSE_CODE_TAKEN],
    tags=["warehouses"],
)
def create_warehouse(org_id: OrgId, body: WarehouseCreate) -> Warehouse:
    """Create a warehouse; its code must be unique in the organisation."""


@api.get(
    "/orgs/{org_id}/warehouses",
    paginated=Cursor(order=("id",), limit=Limit(default=20, max=100)),
    errors=[ORG_NOT_FOUND],
    tags=["warehouses"],
)
def list_warehouses(
    org_id: OrgId,
    city: Annotated[City | None, Filter("city", "eq")] = None,
    status: Annotated[WarehouseStatus | None, Filter("status", "eq")] = None,
) -> WarehousePage:
    """List the organisation's warehouses by id."""


@api.get(
    "/orgs/{org_id}/warehouses/{warehouse_id}",
    cacheable=True,
    errors=[ORG_NOT_FOUND],
    tags=["warehouses"],
)
def get_warehouse(org_id: OrgId, warehouse_id: WarehouseId) -> Warehouse:
    """Get a warehouse, with its ETag."""


@api.patch(
    "/orgs/{org_id}/warehouses/{warehouse_id}",
    cacheable=True,
    errors=[ORG_NOT_FOUND],
    tags=["warehouses"],
)
def update_warehouse(org_id: OrgId, warehouse_id: WarehouseId, body: WarehouseUpdate) -> Warehouse:
    """Rename or move a warehouse; an optional If-Match guards against lost updates."""


@api.post(
    "/orgs/{org_id}/warehouses/{warehouse_id}/archive",
    status=200,
    errors=[ORG_NOT_FOUND, WAREHOUSE_ARCHIVED],
    tags=["warehouses"],
)
def archive_warehouse(org_id: OrgId, warehouse_id: WarehouseId) -> Warehouse:
    """Archive a warehouse (an action on the item); 409 when it is already archived."""
