"""Bins of a warehouse, numbered 1, 2, 3... within it."""

from typing import Annotated

from synth.contract import Cursor, Filter, Limit

from .api import ORG_NOT_FOUND, api
from .models import Bin, BinCreate, BinId, BinPage, OrgId, WarehouseId, Zone


@api.post(
    "/orgs/{org_id}/warehouses/{warehouse_id}/bins",
    status=201,
    errors=[ORG_NOT_FOUND],
    tags=["bins"],
)
def create_bin(org_id: OrgId, warehouse_id: WarehouseId, body: BinCreate) -> Bin:
    """Create a bin; it gets the warehouse's next bin id."""


@api.get(
    "/orgs/{org_id}/warehouses/{warehouse_id}/bins",
    paginated=Cursor(order=("id",), limit=Limit(default=20, max=100)),
    errors=[ORG_NOT_FOUND],
    tags=["bins"],
)
def list_bins(
    org_id: OrgId,
    warehouse_id: WarehouseId,
    zone: Annotated[Zone | None, Filter("zone", "eq")] = None,
) -> BinPage:
    """List a warehouse's bins by id."""


@api.get(
    "/orgs/{org_id}/warehouses/{warehouse_id}/bins/{bin_id}", errors=[ORG_NOT_FOUND], tags=["bins"]
)
def get_bin(org_id: OrgId, warehouse_id: WarehouseId, bin_id: BinId) -> Bin:
    """Get a bin."""


@api.delete(
    "/orgs/{org_id}/warehouses/{warehouse_id}/bins/{bin_id}", errors=[ORG_NOT_FOUND], tags=["bins"]
)
def delete_bin(org_id: OrgId, warehouse_id: WarehouseId, bin_id: BinId) -> None:
    """Delete a bin and its stock lines."""
