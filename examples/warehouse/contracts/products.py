"""The product catalogue: the client picks the SKU."""

from typing import Annotated

from synth.contract import Cursor, Filter, Limit

from .api import ORG_NOT_FOUND, api
from .models import OrgId, Product, ProductPage, ProductPut, Sku, UnitCode


@api.put("/orgs/{org_id}/products/{sku}", upsert=True, errors=[ORG_NOT_FOUND], tags=["products"])
def put_product(org_id: OrgId, sku: Sku, body: ProductPut) -> Product:
    """Create the product with this SKU (201) or replace it (200)."""


@api.get(
    "/orgs/{org_id}/products",
    paginated=Cursor(order=("sku",), limit=Limit(default=20, max=100)),
    errors=[ORG_NOT_FOUND],
    tags=["products"],
)
def list_products(
    org_id: OrgId,
    unit: Annotated[UnitCode | None, Filter("unit", "eq")] = None,
) -> ProductPage:
    """List the catalogue by SKU."""


@api.get("/orgs/{org_id}/products/{sku}", cacheable=True, errors=[ORG_NOT_FOUND], tags=["products"])
def get_product(org_id: OrgId, sku: Sku) -> Product:
    """Get a product, with its ETag."""
