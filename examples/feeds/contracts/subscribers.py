"""Newsletter subscribers: Stripe-style pages (`limit`, `starting_after`, `ending_before`,
`{"data": [...], "has_more": ...}`), newest first."""

from datetime import date
from typing import Annotated

from pydantic import Field

from synth.contract import Filter, Limit, StartingAfter

from .api import api
from .models import Plan, Subscriber, SubscriberCreate, SubscriberId, SubscriberList


@api.post("/subscribers", status=201, tags=["subscribers"])
def create_subscriber(body: SubscriberCreate) -> Subscriber:
    """Add a subscriber."""


@api.get(
    "/subscribers",
    paginated=StartingAfter(order=("-created_at", "id"), limit=Limit(default=10, max=100)),
    tags=["subscribers"],
)
def list_subscribers(
    exclude_plan: Annotated[Plan | None, Filter("plan", "ne")] = None,
    joined_since: Annotated[date | None, Filter("joined_on", "gte")] = None,
    joined_until: Annotated[date | None, Filter("joined_on", "lte")] = None,
    email_prefix: Annotated[
        str | None, Field(min_length=1, max_length=80), Filter("email", "prefix")
    ] = None,
) -> SubscriberList:
    """List subscribers, newest first."""


@api.get("/subscribers/{subscriber_id}", tags=["subscribers"])
def get_subscriber(subscriber_id: SubscriberId) -> Subscriber:
    """Get a subscriber."""


@api.delete("/subscribers/{subscriber_id}", tags=["subscribers"])
def delete_subscriber(subscriber_id: SubscriberId) -> None:
    """Unsubscribe: delete the subscriber."""
