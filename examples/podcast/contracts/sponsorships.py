"""Sponsorships: a sponsor read booked on an episode named in the body, paged by number."""

from typing import Annotated

from synth.contract import UUID, Filter, Limit, PageNumber

from .api import UNKNOWN_EPISODE, api
from .models import Placement, Sponsorship, SponsorshipCreate, SponsorshipPage


@api.post("/sponsorships", status=201, errors=[UNKNOWN_EPISODE], tags=["sponsorships"])
def create_sponsorship(body: SponsorshipCreate) -> Sponsorship:
    """Book a sponsor read on an episode of the network."""


@api.get(
    "/sponsorships",
    paginated=PageNumber(order=("-created_at", "id"), limit=Limit(default=10, max=20)),
    tags=["sponsorships"],
)
def list_sponsorships(
    placement: Annotated[Placement | None, Filter("placement", "eq")] = None,
    episode_id: Annotated[UUID | None, Filter("episode_id", "eq")] = None,
) -> SponsorshipPage:
    """Sponsorships, newest first, by page number."""


@api.get("/sponsorships/{sponsorship_id}", tags=["sponsorships"])
def get_sponsorship(sponsorship_id: UUID) -> Sponsorship:
    """Get a sponsorship."""


@api.delete("/sponsorships/{sponsorship_id}", tags=["sponsorships"])
def delete_sponsorship(sponsorship_id: UUID) -> None:
    """Cancel a sponsorship."""
