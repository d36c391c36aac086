"""The feeds API and its error taxonomy."""

from synth.contract import Api, Bearer

api = Api(
    "Podcast feeds",
    "1.0.0",
    base_path="/v1",
    description=(
        "A podcast hosting service: publishers and their episodes, listener comments, "
        "newsletter subscribers, playback events and playlists, one workspace per token. "
        "Each list pages the way a well-known API does (offset and count, cursor, page token, "
        "starting_after, Link header, page number)."
    ),
    auth=Bearer(),
    tags={
        "publishers": "Shows and the companies behind them",
        "episodes": "Episodes of a publisher",
        "comments": "Listener comments on an episode",
        "subscribers": "Newsletter subscribers of the workspace",
        "events": "Playback events",
        "playlists": "Curated playlists",
    },
)

UNAUTHENTICATED = api.error(
    "unauthenticated", 401, "Unauthenticated", "Missing or unknown bearer token."
)
NOT_FOUND = api.error("not_found", 404, "Not found", "No such object in your workspace.")
VALIDATION_FAILED = api.error(
    "validation_failed",
    422,
    "Validation failed",
    "The request does not match the contract (a body field, a query value, a sort order).",
)
INVALID_REQUEST = api.error("invalid_request", 400, "Invalid request", "The body is not JSON.")
INTERNAL_ERROR = api.error(
    "internal_error", 500, "Internal error", "Something broke on our side.", retryable=True
)
IDEMPOTENCY_KEY_MISSING = api.error(
    "idempotency_key_missing",
    400,
    "Idempotency key missing",
    "This operation requires an Idempotency-Key header.",
)
IDEMPOTENCY_KEY_REUSED = api.error(
    "idempotency_key_reused",
    422,
    "Idempotency key reused",
    "The key was used with a different request body.",
)
IDEMPOTENCY_KEY_IN_USE = api.error(
    "idempotency_key_in_use",
    409,
    "Idempotency key in use",
    "A request with this key is still running.",
    retryable=True,
)
INVALID_CURSOR = api.error(
    "invalid_cursor",
    400,
    "Invalid cursor",
    "The cursor or page token is malformed, tampered with, or from another list or order.",
)
PRECONDITION_FAILED = api.error(
    "precondition_failed", 412, "Precondition failed", "The If-Match ETag is stale."
)
