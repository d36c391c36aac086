"""The API object and its error taxonomy."""

from synth.contract import Api, Bearer, Contact, License, RequestId

api = Api(
    "Contacts CRM",
    "1.0.0",
    base_path="/api/v1",
    description=(
        "A small multi-tenant CRM: contacts, their interaction timelines and background jobs. "
        "Every token belongs to one tenant and every object to the tenant that created it."
    ),
    auth=Bearer(description="A bearer token; each token belongs to exactly one tenant."),
    contact=Contact("synth maintainers", url="https://github.com/synth-dev/synth"),
    license=License("MIT", "MIT"),
    error_type_base="https://synth.dev/errors/",
    request_id=RequestId(member="instance"),
    tags={
        "contacts": "People and organisations a tenant keeps in touch with.",
        "interactions": "The timeline of emails, calls, meetings and notes with a contact.",
        "jobs": "Background work, run by a worker with retries and a dead-letter state.",
    },
)

UNAUTHENTICATED = api.error(
    "unauthenticated", 401, "Unauthenticated", "The bearer token is missing, malformed or unknown."
)
NOT_FOUND = api.error(
    "not_found",
    404,
    "Not found",
    "No such object in your tenant. Objects of other tenants get this same answer.",
)
VALIDATION_FAILED = api.error(
    "validation_failed",
    422,
    "Validation failed",
    "The request does not match the schema; `errors` lists each field problem.",
)
INVALID_REQUEST = api.error(
    "invalid_request", 400, "Invalid request", "The body is not parseable JSON."
)
INVALID_CURSOR = api.error(
    "invalid_cursor", 400, "Invalid cursor", "The cursor is malformed, tampered with or foreign."
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
    "The key was already used with a different request body or path.",
)
IDEMPOTENCY_KEY_IN_USE = api.error(
    "idempotency_key_in_use",
    409,
    "Idempotency key in use",
    "A request with this key is still being processed; retry after it completes.",
    retryable=True,
)
EMAIL_TAKEN = api.error(
    "email_taken", 409, "Email taken", "Another contact in your tenant already has this email."
)
PRECONDITION_FAILED = api.error(
    "precondition_failed",
    412,
    "Precondition failed",
    "`If-Match` does not match the current ETag: the object changed since you read it.",
)
RATE_LIMITED = api.error(
    "rate_limited",
    429,
    "Rate limited",
    "Too many requests in the window; retry after the `Retry-After` seconds.",
    retryable=True,
)
METHOD_NOT_ALLOWED = api.error(
    "method_not_allowed",
    405,
    "Method not allowed",
    "The path exists but not with this method; the `Allow` header lists the methods it has.",
)
INTERNAL_ERROR = api.error(
    "internal_error",
    500,
    "Internal error",
    "The server failed; the request may be retried with the same idempotency key.",
    retryable=True,
)
