"""Ticketing API: event organisers (tenants) sell tickets for their events."""

from synth.contract import Api, ApiKey

api = Api(
    title="Ticketing API",
    version="1.0.0",
    base_path="/v1",
    auth=ApiKey(header="X-Api-Key"),
)

EVENT_CANCELLED = api.error(
    "event_cancelled",
    409,
    "Event cancelled",
    "The event is cancelled: no tiers or orders may be added to it.",
)
TIER_NAME_TAKEN = api.error(
    "tier_name_taken",
    409,
    "Tier name taken",
    "The event already has a ticket tier with this name.",
)

# The standard codes synth's semantics imply (the loader asks for each).
api.error("unauthenticated", 401, "Unauthenticated", "Missing or unknown API key.")
api.error("not_found", 404, "Not found", "No such item for this tenant.")
api.error("validation_failed", 422, "Validation failed", "A parameter or body field is invalid.")
api.error("invalid_request", 400, "Invalid request", "The body is not a JSON document.")
api.error("internal_error", 500, "Internal error", "Something went wrong on our side.")
api.error(
    "idempotency_key_missing",
    400,
    "Idempotency-Key missing",
    "This operation requires an Idempotency-Key header.",
)
api.error(
    "idempotency_key_reused",
    422,
    "Idempotency-Key reused",
    "The key was used with a different request body.",
)
api.error(
    "idempotency_key_in_use",
    409,
    "Idempotency-Key in use",
    "A request with this key is still being processed.",
)
api.error(
    "invalid_cursor", 400, "Invalid cursor", "The cursor is malformed, tampered with, or not yours."
)
