"""Request and response models."""

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from synth.contract import DateTime, Model, Ref, RequestModel

PublisherId = Annotated[
    str, Field(pattern=r"^pub_[0-9a-f]{12}$", description="pub_ and 12 hex digits")
]
EpisodeId = Annotated[str, Field(pattern=r"^ep_[0-9a-f]{12}$", description="ep_ and 12 hex digits")]
SubscriberId = Annotated[
    str, Field(pattern=r"^sub_[0-9a-f]{12}$", description="sub_ and 12 hex digits")
]
PlaylistId = Annotated[int, Field(ge=1, description="Assigned in increasing order")]
CommentId = Annotated[int, Field(ge=1, description="Assigned in increasing order")]
EventId = Annotated[int, Field(ge=1, description="Assigned in increasing order")]
Country = Annotated[
    str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 country code, e.g. FR")
]
Tag = Annotated[
    str, Field(pattern=r"^[a-z][a-z0-9-]{0,23}$", description="lowercase, e.g. true-crime")
]
EpisodeStatus = Literal["draft", "scheduled", "published"]
Plan = Literal["free", "plus", "pro"]
EventKind = Literal["play", "pause", "complete", "share"]
Visibility = Literal["public", "unlisted", "private"]


class PublisherCreate(RequestModel):
    name: Annotated[str, Field(min_length=1, max_length=120)]
    country: Country
    founded: Annotated[int, Field(ge=1900, le=2100, description="Year the show started")]


class PublisherUpdate(RequestModel):
    """Fields to change; at least one."""

    name: Annotated[str | None, Field(min_length=1, max_length=120)] = None
    country: Country | None = None


class Publisher(Model):
    id: PublisherId
    name: str
    country: Country
    founded: int
    created_at: DateTime
    updated_at: DateTime


class PublisherList(Model):
    """A page of publishers, with the number of publishers matching the query."""

    results: list[Publisher]
    count: int


class EpisodeCreate(RequestModel):
    title: Annotated[str, Field(min_length=1, max_length=200)]
    duration_s: Annotated[int, Field(ge=1, le=86_400, description="Length in seconds")]
    published_at: DateTime
    status: EpisodeStatus = "published"
    tags: Annotated[list[Tag], Field(max_length=10)] = []


class Episode(Model):
    id: EpisodeId
    publisher_id: PublisherId
    title: str
    duration_s: int
    published_at: DateTime
    status: EpisodeStatus
    tags: list[str]
    created_at: DateTime


class EpisodeFeed(Model):
    """A page of episodes; `next` is the cursor of the next page, null on the last."""

    episodes: list[Episode]
    next: str | None


class Author(Model):
    handle: str
    country: Country


class AuthorIn(RequestModel):
    handle: Annotated[str, Field(pattern=r"^@[a-z0-9_]{2,30}$", description="e.g. @ada_l")]
    country: Country


class CommentCreate(RequestModel):
    body: Annotated[str, Field(min_length=1, max_length=2000)]
    author: AuthorIn


class Comment(Model):
    id: CommentId
    episode_id: EpisodeId
    body: str
    author: Author
    created_at: DateTime


class CommentList(Model):
    """A page of comments; `next_page_token` is empty on the last page, as Google APIs do."""

    comments: list[Comment]
    next_page_token: str | None


class SubscriberCreate(RequestModel):
    email: Annotated[
        str,
        Field(pattern=r"^[a-z0-9._+-]{1,40}@[a-z0-9-]{1,30}\.[a-z]{2,6}$", max_length=80),
    ]
    plan: Plan = "free"
    joined_on: date


class Subscriber(Model):
    id: SubscriberId
    email: str
    plan: Plan
    joined_on: date
    created_at: DateTime


class SubscriberList(Model):
    data: list[Subscriber]
    has_more: bool


class EventCreate(RequestModel):
    kind: EventKind
    episode_id: EpisodeId
    position_s: Annotated[int, Field(ge=0, le=86_400)]
    occurred_at: DateTime
    # An integer id in a body: the workspace's own playlist the episode was played from.
    playlist_id: Annotated[
        PlaylistId | None,
        Field(description="The playlist it was played from, if any"),
        Ref("/playlists"),
    ] = None


class Event(Model):
    id: EventId
    kind: EventKind
    episode_id: str
    position_s: int
    occurred_at: DateTime
    playlist_id: int | None


class PlaylistCreate(RequestModel):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    visibility: Visibility = "public"
    episode_count: Annotated[int, Field(ge=0, le=500)] = 0


class Playlist(Model):
    id: PlaylistId
    name: str
    visibility: Visibility
    episode_count: int
    created_at: DateTime


class PlaylistPage(Model):
    items: list[Playlist]
