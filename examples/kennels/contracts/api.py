"""Kennel bookings: the Api and its error taxonomy."""

from synth.contract import Api, ApiKey

api = Api(
    "Kennel Bookings",
    "1.0.0",
    base_path="/v1",
    description="A multi-tenant dog kennel booking service. Each API key belongs to one tenant.",
    auth=ApiKey(header="X-Api-Key", description="An API key; each key belongs to one tenant."),
    tags={
        "kennels": "Kennel sites, keyed by a tenant-chosen code.",
        "runs": "Dog runs inside a kennel, numbered per kennel.",
        "bookings": "Stays of a dog in a kennel.",
    },
)

UNAUTHENTICATED = api.error(
    "unauthenticated", 401, "Unauthenticated", "The API key is missing or unknown."
)
NOT_FOUND = api.error(
    "not_found",
    404,
    "Not found",
    "No such object in your tenant; other tenants' objects get the same answer.",
)
VALIDATION_FAILED = api.error(
    "validation_failed",
    422,
    "Validation failed",
    "The request does not match the schema; `errors` lists each problem.",
)
INVALID_REQUEST = api.error(
    "invalid_request", 400, "Invalid request", "The body is not parseable JSON."
)
IDEMPOTENCY_KEY_MISSING = api.error(
    "idempotency_key_missing",
    400,
    "Idempotency key missing",
    "This operation requires an `Idempotency-Key` header.",
)
IDEMPOTENCY_KEY_REUSED = api.error(
    "idempotency_key_reused",
    422,
    "Idempotency key reused",
    "The key was already used with a different request.",
)
IDEMPOTENCY_KEY_IN_USE = api.error(
    "idempotency_key_in_use",
    409,
    "Idempotency key in use",
    "A request with this key is still being processed.",
    retryable=True,
)
RATE_LIMITED = api.error(
    "rate_limited",
    429,
    "Rate limited",
    "Too many requests; retry after `Retry-After` seconds.",
    retryable=True,
)
BOOKING_NOT_ACTIVE = api.error(
    "booking_not_active", 409, "Booking not active", "The booking is already cancelled."
)
INTERNAL_ERROR = api.error(
    "internal_error", 500, "Internal error", "The server failed.", retryable=True
)
