"""The lending library API and its error taxonomy."""

from synth.contract import Api, Bearer

api = Api(
    "Lending library",
    "1.0.0",
    base_path="/v1",
    description=(
        "Books, their numbered copies and the loans of each copy, members and their fines; "
        "one library per bearer token. The catalogue search and the health check are public."
    ),
    auth=Bearer(),
    tags={
        "books": "Books of a library",
        "copies": "Numbered copies of a book",
        "loans": "Loans of a copy",
        "members": "Members of a library and their fines",
        "public": "Public catalogue and service",
    },
)

UNAUTHENTICATED = api.error(
    "unauthenticated", 401, "Unauthenticated", "Missing or unknown bearer token."
)
NOT_FOUND = api.error("not_found", 404, "Not found", "No such object in your library.")
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
EMAIL_TAKEN = api.error(
    "email_taken", 409, "Email taken", "Another member of your library has this email."
)
COPY_ON_LOAN = api.error(
    "copy_on_loan", 409, "Copy on loan", "The copy is already lent out; return it first."
)
UNKNOWN_MEMBER = api.error(
    "unknown_member", 422, "Unknown member", "member_id names no member of your library."
)
LOAN_ALREADY_RETURNED = api.error(
    "loan_already_returned", 409, "Loan already returned", "The loan was already returned."
)
RATE_LIMITED = api.error(
    "rate_limited",
    429,
    "Rate limited",
    "Too many catalogue searches from this address; wait Retry-After seconds.",
    retryable=True,
)
