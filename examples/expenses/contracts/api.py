"""Expense reports: the Api and its error taxonomy."""

from synth.contract import Api, ApiKey

api = Api(
    "Expense Reports",
    "1.0.0",
    base_path="/v1",
    description="Multi-tenant expense reports with line items.",
    auth=ApiKey(header="X-Api-Key"),
)

INTERNAL_ERROR = api.error("internal_error", 500, "Internal error", "The server failed.")
VALIDATION_FAILED = api.error(
    "validation_failed",
    422,
    "Validation failed",
    "A parameter or body field is invalid; `errors` names each.",
)
INVALID_REQUEST = api.error(
    "invalid_request", 400, "Invalid request", "The body could not be read (not JSON)."
)
UNAUTHENTICATED = api.error(
    "unauthenticated", 401, "Unauthenticated", "The X-Api-Key header is missing or unknown."
)
NOT_FOUND = api.error("not_found", 404, "Not found", "No such item for this tenant.")
IDEM_MISSING = api.error(
    "idempotency_key_missing",
    400,
    "Idempotency key missing",
    "This operation requires an Idempotency-Key header.",
)
IDEM_REUSED = api.error(
    "idempotency_key_reused", 422, "Idempotency key reused", "The key was used with another body."
)
IDEM_IN_USE = api.error(
    "idempotency_key_in_use",
    409,
    "Idempotency key in use",
    "A request with this key is still being processed.",
    retryable=True,
)
INVALID_CURSOR = api.error(
    "invalid_cursor", 400, "Invalid cursor", "The cursor was not issued for this list and caller."
)
RATE_LIMITED = api.error(
    "rate_limited",
    429,
    "Rate limited",
    "Too many requests; retry after `Retry-After` seconds.",
    retryable=True,
)
RECEIPT_TAKEN = api.error(
    "receipt_taken",
    409,
    "Receipt already filed",
    "This receipt reference is already on a line of the report.",
)
