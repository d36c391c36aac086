"""The models and field types of the Podcast Host API."""

from typing import Annotated, Literal

from pydantic import Field

from synth.contract import UUID, DateTime, Model, RequestModel, Unique

Category = Literal["technology", "comedy", "news", "education", "sports"]
Title = Annotated[str, Field(min_length=1, max_length=120)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{2,39}$")]
Description = Annotated[str, Field(max_length=2000)]
EpisodeStatus = Literal["draft", "published"]
Placement = Literal["pre_roll", "mid_roll", "post_roll"]


# --- shows -------------------------------------------------------------------
class ShowCreate(RequestModel):
    title: Title
    slug: Annotated[Slug, Unique()]
    category: Category
    explicit: bool = False
    description: Description | None = None


class ShowUpdate(RequestModel):
    title: Title = Field(default=None)  # type: ignore[assignment]
    category: Category = Field(default=None)  # type: ignore[arg-type]
    explicit: bool = Field(default=None)  # type: ignore[assignment]
    description: Description | None = None


class Show(Model):
    id: UUID
    title: Title
    slug: Slug
    category: Category
    explicit: bool
    description: Description | None
    created_at: DateTime
    updated_at: DateTime


class ShowPage(Model):
    items: list[Show]
    next_cursor: str | None


# --- episodes ----------------------------------------------------------------
class EpisodeCreate(RequestModel):
    title: Annotated[str, Field(min_length=1, max_length=200)]
    duration_seconds: Annotated[int, Field(ge=1, le=86400)]
    season: Annotated[int, Field(ge=1, le=100)] | None = None


class Episode(Model):
    id: UUID
    show_id: UUID
    number: Annotated[int, Field(ge=1)]
    title: Annotated[str, Field(min_length=1, max_length=200)]
    duration_seconds: Annotated[int, Field(ge=1, le=86400)]
    season: Annotated[int, Field(ge=1, le=100)] | None
    status: EpisodeStatus
    created_at: DateTime
    published_at: DateTime | None


class EpisodeOffsetPage(Model):
    items: list[Episode]
    total: int


class EpisodePage(Model):
    items: list[Episode]
    next_cursor: str | None


# --- sponsorships ------------------------------------------------------------
class SponsorshipCreate(RequestModel):
    episode_id: UUID
    sponsor: Annotated[str, Field(min_length=1, max_length=80)]
    placement: Placement
    cpm_cents: Annotated[int, Field(ge=100, le=100000)]


class Sponsorship(Model):
    id: UUID
    episode_id: UUID
    show_id: UUID
    sponsor: Annotated[str, Field(min_length=1, max_length=80)]
    placement: Placement
    cpm_cents: Annotated[int, Field(ge=100, le=100000)]
    created_at: DateTime


class SponsorshipPage(Model):
    items: list[Sponsorship]
