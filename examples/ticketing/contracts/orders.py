from typing import Annotated

from synth.contract import UUID, Filter, Limit, StartingAfter

from .api import EVENT_CANCELLED, api
from .models import Order, OrderCreate, OrderPage


@api.post("/orders", status=201, idempotent=True, errors=[EVENT_CANCELLED], tags=["orders"])
def create_order(body: OrderCreate) -> Order:
    """Buy tickets for an event; amount is quantity x the event's base price."""


@api.get(
    "/orders",
    paginated=StartingAfter(order=("-created_at", "-id"), limit=Limit(default=10, max=100)),
    tags=["orders"],
)
def list_orders(
    event_id: Annotated[UUID | None, Filter("event_id", "eq")] = None,
    min_quantity: Annotated[int | None, Filter("quantity", "gte")] = None,
    max_amount: Annotated[int | None, Filter("amount_cents", "lt")] = None,
    email: Annotated[str | None, Filter("buyer_email", "icontains")] = None,
) -> OrderPage:
    """List orders, newest first (Stripe-style)."""


@api.get("/orders/{order_id}", tags=["orders"])
def get_order(order_id: UUID) -> Order:
    """Get an order."""
