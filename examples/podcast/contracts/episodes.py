"""Episodes: made under a show, listed per show by offset and across shows by cursor."""

from typing import Annotated

from synth.contract import UUID, Cursor, Filter, Limit, Offset, RateLimit

from .api import ALREADY_PUBLISHED, api
from .models import Episode, EpisodeCreate, EpisodeOffsetPage, EpisodePage, EpisodeStatus


@api.post("/shows/{show_id}/episodes", status=201, idempotent=True, tags=["episodes"])
def create_episode(show_id: UUID, body: EpisodeCreate) -> Episode:
    """Add an episode (draft) to a show, numbered 1, 2, 3... within it. Requires an Idempotency-Key."""


@api.get(
    "/shows/{show_id}/episodes",
    paginated=Offset(order=("number", "id"), limit=Limit(default=10, max=25), total_field="total"),
    tags=["episodes"],
)
def list_show_episodes(
    show_id: UUID,
    status: Annotated[EpisodeStatus | None, Filter("status", "eq")] = None,
) -> EpisodeOffsetPage:
    """A show's episodes by number."""


@api.get(
    "/episodes",
    paginated=Cursor(order=("-created_at", "id"), limit=Limit(default=20, max=50)),
    tags=["episodes"],
)
def list_episodes(
    show_id: Annotated[UUID | None, Filter("show_id", "eq")] = None,
    status: Annotated[EpisodeStatus | None, Filter("status", "eq")] = None,
) -> EpisodePage:
    """Every episode of the network across shows, newest first."""


@api.get(
    "/episodes/{episode_id}",
    tags=["episodes"],
    rate_limit=RateLimit(limit=20, window="5s", key="tenant"),
)
def get_episode(episode_id: UUID) -> Episode:
    """Get an episode."""


@api.post(
    "/episodes/{episode_id}/publish", status=200, errors=[ALREADY_PUBLISHED], tags=["episodes"]
)
def publish_episode(episode_id: UUID) -> Episode:
    """Publish a draft episode; 409 already_published the second time."""
