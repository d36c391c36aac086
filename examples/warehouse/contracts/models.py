"""Request and response models."""

from typing import Annotated, Literal

from pydantic import Field

from synth.contract import DateTime, Model, Page, RequestModel, Unique

OrgId = Annotated[
    str,
    Field(pattern=r"^org_[a-z0-9]{3,20}$", description="org_ and 3 to 20 lowercase alphanumerics"),
]
WarehouseId = Annotated[int, Field(ge=1, description="1, 2, 3... within the organisation")]
BinId = Annotated[int, Field(ge=1, description="1, 2, 3... within the warehouse")]
LineId = Annotated[int, Field(ge=1, description="1, 2, 3... within the bin")]
WarehouseCode = Annotated[
    str, Field(pattern=r"^[A-Z]{3}[0-9]{1,2}$", description="Three letters and a number, e.g. LYS2")
]
Sku = Annotated[
    str, Field(pattern=r"^[A-Z]{3}-[0-9]{4}$", description="Stock keeping unit, e.g. BOL-0042")
]
SkuList = Annotated[
    str,
    Field(
        pattern=r"^[A-Z]{3}-[0-9]{4}(,[A-Z]{3}-[0-9]{4})*$",
        description="One SKU or more, comma-separated, e.g. BOL-0042,NUT-0007",
    ),
]
UnitCode = Literal["each", "kg", "l", "m"]
Zone = Literal["ambient", "chilled", "frozen"]
WarehouseStatus = Literal["active", "archived"]
City = Annotated[str, Field(min_length=1, max_length=100)]


class Unit(Model):
    code: UnitCode
    name: str
    decimals: Annotated[int, Field(ge=0, le=3)]


class UnitList(Model):
    items: list[Unit]


class WarehouseCreate(RequestModel):
    code: Annotated[WarehouseCode, Unique()]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    city: City


class WarehouseUpdate(RequestModel):
    """Fields to change; at least one."""

    name: Annotated[str | None, Field(min_length=1, max_length=200)] = None
    city: City | None = None


class Warehouse(Model):
    id: WarehouseId
    org_id: OrgId
    code: WarehouseCode
    name: str
    city: str
    status: WarehouseStatus
    created_at: DateTime
    updated_at: DateTime


class WarehousePage(Page[Warehouse]):
    pass


class BinCreate(RequestModel):
    label: Annotated[
        str, Field(pattern=r"^[A-Z][0-9]{2}-[0-9]{2}$", description="Aisle-shelf, e.g. A03-12")
    ]
    zone: Zone = "ambient"


class Bin(Model):
    id: BinId
    warehouse_id: WarehouseId
    label: str
    zone: Zone
    created_at: DateTime


class BinPage(Page[Bin]):
    pass


class StockLineCreate(RequestModel):
    sku: Sku
    quantity: Annotated[int, Field(ge=0, le=1_000_000)]


class StockLineUpdate(RequestModel):
    """The counted quantity (a stock count replaces it)."""

    quantity: Annotated[int, Field(ge=0, le=1_000_000)]


class StockLine(Model):
    id: LineId
    warehouse_id: WarehouseId
    bin_id: BinId
    sku: Sku
    quantity: int
    created_at: DateTime
    updated_at: DateTime


class StockLinePage(Page[StockLine]):
    pass


class ProductPut(RequestModel):
    """The whole state of a product (PUT creates or replaces it)."""

    name: Annotated[str, Field(min_length=1, max_length=200)]
    unit: UnitCode = "each"
    description: Annotated[str, Field(max_length=2000)] = ""


class Product(Model):
    sku: Sku
    name: str
    unit: UnitCode
    description: str
    created_at: DateTime
    updated_at: DateTime


class ProductPage(Page[Product]):
    pass
