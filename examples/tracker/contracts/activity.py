"""The organisation's activity feed: notes clients post, and lines the server writes itself.

Creating or completing a task also adds an entry here. Nothing in these contracts says so (the
task operations declare no link to this feed), which is how a server may tie two parts of an
API together: synth's checks of this list must not count the server's own lines against it.
"""

from synth.contract import Cursor, Limit

from .api import api
from .models import ActivityCreate, ActivityEntry, ActivityId, ActivityPage


@api.post("/activity", status=201, idempotent=True, tags=["activity"])
def create_note(body: ActivityCreate) -> ActivityEntry:
    """Post a note to the activity feed."""


@api.get(
    "/activity",
    paginated=Cursor(order=("-created_at", "id"), limit=Limit(default=20, max=100)),
    tags=["activity"],
)
def list_activity() -> ActivityPage:
    """The activity feed, newest first: notes, and the tasks created and completed."""


@api.get("/activity/{activity_id}", cacheable=True, tags=["activity"])
def get_activity(activity_id: ActivityId) -> ActivityEntry:
    """Get one entry of the feed."""
