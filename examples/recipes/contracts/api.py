"""The recipe box API and its error taxonomy."""

from synth.contract import Api, Bearer

api = Api(
    "Recipe box",
    "1.0.0",
    base_path="/v1",
    description="Recipes with ingredients, photos and ratings; one household per bearer token.",
    auth=Bearer(description="A bearer token; each token belongs to one household."),
    tags={
        "recipes": "Recipes of a household",
        "ingredients": "The ingredients of a recipe",
        "photos": "A recipe's photo",
        "ratings": "Ratings of a recipe",
    },
)

UNAUTHENTICATED = api.error(
    "unauthenticated", 401, "Unauthenticated", "Missing or unknown bearer token."
)
NOT_FOUND = api.error("not_found", 404, "Not found", "No such recipe in your household.")
METHOD_NOT_ALLOWED = api.error(
    "method_not_allowed", 405, "Method not allowed", "The path does not take this method."
)
VALIDATION_FAILED = api.error(
    "validation_failed",
    422,
    "Validation failed",
    "The request does not match the contract; `errors` lists each problem.",
)
INVALID_REQUEST = api.error("invalid_request", 400, "Invalid request", "The body cannot be parsed.")
INVALID_CURSOR = api.error(
    "invalid_cursor", 400, "Invalid cursor", "The cursor is malformed, tampered with or foreign."
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
PRECONDITION_FAILED = api.error(
    "precondition_failed", 412, "Precondition failed", "If-Match does not match the current ETag."
)
RATE_LIMITED = api.error(
    "rate_limited",
    429,
    "Rate limited",
    "Too many ratings; wait Retry-After seconds.",
    retryable=True,
)
INTERNAL_ERROR = api.error(
    "internal_error", 500, "Internal error", "Something broke on our side.", retryable=True
)
