"""Podcast host API: shows, their episodes, and sponsorships on episodes."""

from synth.contract import Api, ApiKey, RequestId

api = Api(
    "Podcast Host",
    "1.0.0",
    base_path="/v1",
    description="A podcast host's shows, episodes and episode sponsorships, one network per API key.",
    auth=ApiKey(header="X-Api-Key"),
    request_id=RequestId(),
)

# --- taxonomy ---------------------------------------------------------------
INTERNAL = api.error("internal_error", 500, "Internal error", "The server failed; retry later.")
UNAUTHENTICATED = api.error(
    "unauthenticated", 401, "Unauthenticated", "Missing or unknown API key."
)
VALIDATION = api.error(
    "validation_failed", 422, "Validation failed", "The request breaks the contract; see `errors`."
)
INVALID_REQUEST = api.error(
    "invalid_request", 400, "Invalid request", "The body could not be parsed as JSON."
)
NOT_FOUND = api.error("not_found", 404, "Not found", "No such item in your network.")
IDEM_MISSING = api.error(
    "idempotency_key_missing",
    400,
    "Idempotency-Key missing",
    "This operation requires an Idempotency-Key header.",
)
IDEM_REUSED = api.error(
    "idempotency_key_reused",
    422,
    "Idempotency-Key reused",
    "The key was already used with another request body.",
)
IDEM_IN_USE = api.error(
    "idempotency_key_in_use",
    409,
    "Idempotency-Key in use",
    "A request with this key is still being processed.",
    retryable=True,
)
INVALID_CURSOR = api.error(
    "invalid_cursor", 400, "Invalid cursor", "The cursor is malformed, tampered with, or not yours."
)
PRECONDITION_FAILED = api.error(
    "precondition_failed", 412, "Precondition failed", "If-Match does not match the current ETag."
)
RATE_LIMITED = api.error(
    "rate_limited",
    429,
    "Rate limited",
    "Too many requests; retry after `Retry-After` seconds.",
    retryable=True,
)

SLUG_TAKEN = api.error(
    "slug_taken", 409, "Slug taken", "Another show of your network already has this slug."
)
ALREADY_PUBLISHED = api.error(
    "already_published", 409, "Already published", "The episode is already published."
)
UNKNOWN_EPISODE = api.error(
    "unknown_episode", 422, "Unknown episode", "`episode_id` names no episode of your network."
)
