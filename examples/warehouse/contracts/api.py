"""The warehouse API and its error taxonomy."""

from synth.contract import Api, ApiKey, RateLimit

api = Api(
    "Warehouse inventory",
    "1.0.0",
    base_path="/v1",
    description=(
        "Warehouses, their bins and the stock lines in each bin, plus a product catalogue, "
        "for many organisations. Each API key belongs to one organisation, named in the path."
    ),
    auth=ApiKey(header="X-Api-Key"),
    tenant_param="org_id",
    tags={
        "warehouses": "Warehouses of an organisation",
        "bins": "Storage bins of a warehouse",
        "stock": "Stock lines of a bin",
        "products": "The organisation's product catalogue",
        "meta": "Reference data, no key needed",
    },
)

UNAUTHENTICATED = api.error(
    "unauthenticated", 401, "Unauthenticated", "Missing or unknown X-Api-Key."
)
ORG_NOT_FOUND = api.error(
    "org_not_found",
    404,
    "Organisation not found",
    "No organisation with this id for your key (another organisation's id is answered the same).",
)
NOT_FOUND = api.error("not_found", 404, "Not found", "No such object in your organisation.")
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
INVALID_CURSOR = api.error(
    "invalid_cursor", 400, "Invalid cursor", "The cursor is malformed or from another list."
)
PRECONDITION_FAILED = api.error(
    "precondition_failed", 412, "Precondition failed", "The If-Match ETag is stale."
)
PRECONDITION_REQUIRED = api.error(
    "precondition_required", 428, "Precondition required", "This write requires an If-Match header."
)
WAREHOUSE_CODE_TAKEN = api.error(
    "warehouse_code_taken",
    409,
    "Warehouse code taken",
    "Another warehouse of your organisation has this code.",
)
WAREHOUSE_ARCHIVED = api.error(
    "warehouse_archived", 409, "Warehouse archived", "The warehouse is already archived."
)
RATE_LIMITED = api.error(
    "rate_limited",
    429,
    "Rate limited",
    "Too many requests from your address; retry after `Retry-After` seconds.",
    retryable=True,
)
# The public reference data is limited per client address: it needs no key to count by.
UNITS_LIMIT = RateLimit(limit=600, window="1m", key="ip", name="units")
