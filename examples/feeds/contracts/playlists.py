"""Playlists: page numbers (`page`, `per_page`), newest first."""

from typing import Annotated

from pydantic import Field

from synth.contract import Filter, Limit, PageNumber

from .api import api
from .models import Playlist, PlaylistCreate, PlaylistId, PlaylistPage, Visibility


@api.post("/playlists", status=201, tags=["playlists"])
def create_playlist(body: PlaylistCreate) -> Playlist:
    """Create a playlist."""


@api.get(
    "/playlists",
    paginated=PageNumber(order=("-created_at", "id"), limit=Limit(default=20, max=50)),
    tags=["playlists"],
)
def list_playlists(
    visibility: Annotated[Visibility | None, Filter("visibility", "eq")] = None,
    more_than: Annotated[int | None, Field(ge=0), Filter("episode_count", "gt")] = None,
    fewer_than: Annotated[int | None, Field(ge=0), Filter("episode_count", "lt")] = None,
) -> PlaylistPage:
    """List playlists, newest first."""


@api.get("/playlists/{playlist_id}", tags=["playlists"])
def get_playlist(playlist_id: PlaylistId) -> Playlist:
    """Get a playlist."""
