"""Stock lines of a bin, numbered 1, 2, 3... within it."""

from typing import Annotated

from synth.contract import Conditional, Cursor, DateTime, Filter, Limit

from .api import ORG_NOT_FOUND, PRECONDITION_REQUIRED, api
from .models import (
    BinId,
    LineId,
    OrgId,
    Sku,
    SkuList,
    StockLine,
    StockLineCreate,
    StockLinePage,
    StockLineUpdate,
    WarehouseId,
)

LINES = "/orgs/{org_id}/warehouses/{warehouse_id}/bins/{bin_id}/stock"


@api.post(LINES, status=201, errors=[ORG_NOT_FOUND], tags=["stock"])
def create_stock_line(
    org_id: OrgId, warehouse_id: WarehouseId, bin_id: BinId, body: StockLineCreate
) -> StockLine:
    """Put a quantity of a SKU in a bin."""


@api.get(
    LINES,
    paginated=Cursor(order=("sku", "id"), limit=Limit(default=50, max=200)),
    errors=[ORG_NOT_FOUND],
    tags=["stock"],
)
def list_stock_lines(  # noqa: PLR0917 (one parameter per query parameter)
    org_id: OrgId,
    warehouse_id: WarehouseId,
    bin_id: BinId,
    sku: Annotated[Sku | None, Filter("sku", "eq")] = None,
    skus: Annotated[SkuList | None, Filter("sku", "in")] = None,
    not_sku: Annotated[Sku | None, Filter("sku", "ne")] = None,
    min_quantity: Annotated[int | None, Filter("quantity", "gte")] = None,
    max_quantity: Annotated[int | None, Filter("quantity", "lte")] = None,
    created_from: Annotated[DateTime | None, Filter("created_at", "gte")] = None,
    created_to: Annotated[DateTime | None, Filter("created_at", "lte")] = None,
) -> StockLinePage:
    """List a bin's stock lines by SKU, then id (skus: comma-separated; bounds inclusive)."""


@api.get(LINES + "/{line_id}", cacheable=True, errors=[ORG_NOT_FOUND], tags=["stock"])
def get_stock_line(
    org_id: OrgId, warehouse_id: WarehouseId, bin_id: BinId, line_id: LineId
) -> StockLine:
    """Get a stock line, with its ETag."""


@api.route(
    "PUT",
    LINES + "/{line_id}",
    cacheable=Conditional.REQUIRED,
    errors=[ORG_NOT_FOUND, PRECONDITION_REQUIRED],
    tags=["stock"],
)
def count_stock_line(
    org_id: OrgId,
    warehouse_id: WarehouseId,
    bin_id: BinId,
    line_id: LineId,
    body: StockLineUpdate,
) -> StockLine:
    """Record a stock count: replaces the quantity; requires If-Match."""
