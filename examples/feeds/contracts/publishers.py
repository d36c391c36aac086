"""Publishers: offset and limit pages with a total count, as Django REST framework serves them."""

from typing import Annotated

from pydantic import Field

from synth.contract import Filter, Limit, Offset

from .api import api
from .models import Publisher, PublisherCreate, PublisherId, PublisherList, PublisherUpdate


@api.post("/publishers", status=201, idempotent=True, tags=["publishers"])
def create_publisher(body: PublisherCreate) -> Publisher:
    """Create a publisher; requires an Idempotency-Key."""


@api.get(
    "/publishers",
    paginated=Offset(
        order=("name", "id"),
        limit=Limit(default=20, max=100),
        items_field="results",
        total_field="count",
    ),
    tags=["publishers"],
)
def list_publishers(
    country: Annotated[
        str | None,
        Field(description="Comma-separated countries, e.g. FR,DE"),
        Filter("country", "in"),
    ] = None,
    name_prefix: Annotated[str | None, Field(max_length=120), Filter("name", "prefix")] = None,
) -> PublisherList:
    """List publishers by name (ties by id); `count` is how many match the filters."""


@api.get("/publishers/{publisher_id}", cacheable=True, tags=["publishers"])
def get_publisher(publisher_id: PublisherId) -> Publisher:
    """Get a publisher, with its ETag (304 to a matching If-None-Match)."""


@api.patch("/publishers/{publisher_id}", cacheable=True, tags=["publishers"])
def update_publisher(publisher_id: PublisherId, body: PublisherUpdate) -> Publisher:
    """Rename a publisher or change its country; an optional If-Match guards against lost
    updates (412 when stale)."""
