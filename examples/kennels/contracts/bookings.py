"""Bookings."""

from synth.contract import Limit, Offset, RateLimit

from .api import BOOKING_NOT_ACTIVE, api
from .models import Booking, BookingCreate, BookingId, BookingPage


@api.post("/bookings", status=201, idempotent=True, tags=["bookings"])
def create_booking(body: BookingCreate) -> Booking:
    """Book a stay; `kennel_code` names one of the tenant's kennels."""


@api.get(
    "/bookings",
    paginated=Offset(
        order=("created_at", "id"), limit=Limit(default=10, max=50), total_field="total"
    ),
    tags=["bookings"],
)
def list_bookings() -> BookingPage:
    """List every booking of the tenant, oldest first (no filters)."""


@api.get(
    "/bookings/{booking_id}",
    rate_limit=RateLimit(limit=10, window="2s", key="tenant"),
    tags=["bookings"],
)
def get_booking(booking_id: BookingId) -> Booking:
    """Get a booking."""


@api.post(
    "/bookings/{booking_id}/cancel", status=200, errors=[BOOKING_NOT_ACTIVE], tags=["bookings"]
)
def cancel_booking(booking_id: BookingId) -> Booking:
    """Cancel an active booking."""
