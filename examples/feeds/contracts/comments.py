"""Listener comments on an episode: page tokens, as Google APIs do (`page_token`, `page_size`,
`next_page_token`, empty on the last page)."""

from typing import Annotated

from synth.contract import Filter, Limit, PageToken

from .api import api
from .models import (
    Comment,
    CommentCreate,
    CommentId,
    CommentList,
    Country,
    EpisodeId,
    PublisherId,
)

COMMENTS = "/publishers/{publisher_id}/episodes/{episode_id}/comments"


@api.post(COMMENTS, status=201, tags=["comments"])
def create_comment(
    publisher_id: PublisherId, episode_id: EpisodeId, body: CommentCreate
) -> Comment:
    """Comment on an episode."""


@api.get(
    COMMENTS,
    paginated=PageToken(
        order=("created_at", "id"),
        limit=Limit(default=25, max=100),
        items_field="comments",
    ),
    tags=["comments"],
)
def list_comments(
    publisher_id: PublisherId,
    episode_id: EpisodeId,
    author_country: Annotated[Country | None, Filter("author.country", "eq")] = None,
) -> CommentList:
    """List an episode's comments, oldest first."""


@api.get(COMMENTS + "/{comment_id}", tags=["comments"])
def get_comment(publisher_id: PublisherId, episode_id: EpisodeId, comment_id: CommentId) -> Comment:
    """Get a comment."""
