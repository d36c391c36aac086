"""The Box office API and its error taxonomy."""

from synth.contract import Api, Bearer

api = Api(
    "Box office",
    "1.0.0",
    base_path="/v1",
    description=(
        "Venues (slug chosen by the client) and the events scheduled at each, for many "
        "organisations. Each bearer token belongs to one organisation, named in the path."
    ),
    auth=Bearer(),
    tenant_param="org_id",
    tags={"venues": "Venues of an organisation", "events": "Events at a venue"},
)

UNAUTHENTICATED = api.error("unauthenticated", 401, "Unauthenticated", "Missing or unknown token.")
NOT_FOUND = api.error(
    "not_found",
    404,
    "Not found",
    "No such object in your organisation (another organisation's is answered the same).",
)
VALIDATION_FAILED = api.error(
    "validation_failed", 422, "Validation failed", "The request does not match the contract."
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
    "The key was used with a different request.",
)
IDEMPOTENCY_KEY_IN_USE = api.error(
    "idempotency_key_in_use",
    409,
    "Idempotency key in use",
    "A request with this key is still running.",
    retryable=True,
)
RATE_LIMITED = api.error(
    "rate_limited",
    429,
    "Rate limited",
    "Too many requests; retry after `Retry-After` seconds.",
    retryable=True,
)
EVENT_CANCELLED = api.error(
    "event_cancelled", 409, "Event cancelled", "The event is already cancelled."
)
