"""Kanban: the Api and its error taxonomy."""

from synth.contract import Api, ApiKey

api = Api(
    "Kanban",
    "1.0.0",
    base_path="/v1",
    description=(
        "A multi-tenant kanban service: workspaces hold boards, boards hold cards. Every id is "
        "a small integer numbered from 1 within its parent and separately per tenant."
    ),
    auth=ApiKey(header="X-Api-Key", description="An API key; each key belongs to one tenant."),
    tags={
        "workspaces": "A tenant's workspaces, numbered 1, 2, 3... per tenant.",
        "boards": "The boards of a workspace, numbered 1, 2, 3... per workspace.",
        "cards": "The cards of a board, numbered 1, 2, 3... per board.",
    },
)

INTERNAL_ERROR = api.error(
    "internal_error", 500, "Internal error", "The server failed.", retryable=True
)
VALIDATION_FAILED = api.error(
    "validation_failed",
    422,
    "Validation failed",
    "A parameter, header or body field is invalid; `errors` names each.",
)
INVALID_REQUEST = api.error(
    "invalid_request", 400, "Invalid request", "The body could not be read (not JSON)."
)
UNAUTHENTICATED = api.error(
    "unauthenticated", 401, "Unauthenticated", "The X-Api-Key header is missing or unknown."
)
NOT_FOUND = api.error(
    "not_found",
    404,
    "Not found",
    "No such workspace, board or card in your tenant; other tenants' items get the same answer.",
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
INVALID_CURSOR = api.error(
    "invalid_cursor",
    400,
    "Invalid cursor",
    "The cursor was not issued by this server for this list and caller.",
)
PRECONDITION_FAILED = api.error(
    "precondition_failed", 412, "Precondition failed", "If-Match does not match the card's ETag."
)
