"""A contact's interaction timeline."""

from typing import Annotated

from synth.contract import UUID, Cursor, Filter

from .api import api
from .models import Interaction, InteractionCreate, InteractionPage, InteractionType


@api.post("/contacts/{contact_id}/interactions", status=201, idempotent=True, tags=["interactions"])
def create_interaction(contact_id: UUID, body: InteractionCreate) -> Interaction:
    """Record an interaction with a contact."""


@api.get(
    "/contacts/{contact_id}/interactions",
    paginated=Cursor(order=("-occurred_at", "-id")),
    tags=["interactions"],
)
def list_interactions(
    contact_id: UUID,
    type: Annotated[InteractionType | None, Filter("type")] = None,
) -> InteractionPage:
    """List a contact's interactions, most recent first."""
