"""Episodes of a publisher: keyset cursor pages (`after`, `count`, `next`), a sort the client
chooses, and range, `in`, contains and case-insensitive filters."""

from typing import Annotated

from pydantic import Field

from synth.contract import Cursor, DateTime, Filter, Limit, Sort

from .api import api
from .models import (
    Episode,
    EpisodeCreate,
    EpisodeFeed,
    EpisodeId,
    EpisodeStatus,
    PublisherId,
    Tag,
)

EPISODES = "/publishers/{publisher_id}/episodes"


@api.post(EPISODES, status=201, tags=["episodes"])
def create_episode(publisher_id: PublisherId, body: EpisodeCreate) -> Episode:
    """Add an episode to a publisher."""


@api.get(
    EPISODES,
    paginated=Cursor(
        order=("-published_at", "id"),
        limit=Limit(default=10, max=50),
        cursor_param="after",
        limit_param="count",
        next_field="next",
        items_field="episodes",
        sort=Sort(
            param="sort",
            orders={
                "-published_at": ("-published_at", "id"),
                "published_at": ("published_at", "id"),
                "-duration_s": ("-duration_s", "id"),
            },
            default="-published_at",
        ),
    ),
    tags=["episodes"],
)
def list_episodes(  # noqa: PLR0917 (a contract's parameters are its query parameters)
    publisher_id: PublisherId,
    status: Annotated[
        list[EpisodeStatus] | None,
        Field(description="Repeat for several: ?status=draft&status=scheduled"),
        Filter("status", "in", explode=True),
    ] = None,
    min_duration: Annotated[int | None, Field(ge=0), Filter("duration_s", "gte")] = None,
    max_duration: Annotated[int | None, Field(ge=0), Filter("duration_s", "lte")] = None,
    published_after: Annotated[DateTime | None, Filter("published_at", "gt")] = None,
    published_before: Annotated[DateTime | None, Filter("published_at", "lt")] = None,
    tag: Annotated[Tag | None, Filter("tags", "contains")] = None,
    q: Annotated[
        str | None,
        Field(min_length=1, max_length=100, description="Case-insensitive words of the title"),
        Filter("title", "icontains"),
    ] = None,
) -> EpisodeFeed:
    """List a publisher's episodes, newest first unless `sort` says otherwise."""


@api.get(EPISODES + "/{episode_id}", tags=["episodes"])
def get_episode(publisher_id: PublisherId, episode_id: EpisodeId) -> Episode:
    """Get an episode."""


@api.delete(EPISODES + "/{episode_id}", tags=["episodes"])
def delete_episode(publisher_id: PublisherId, episode_id: EpisodeId) -> None:
    """Delete an episode and its comments."""
