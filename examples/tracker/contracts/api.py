"""The tracker API and its error taxonomy."""

from synth.contract import Api, Bearer, RequestId

api = Api(
    "Issue tracker",
    "1.0.0",
    base_path="/v1",
    description="Projects and their numbered tasks, one organisation per token.",
    auth=Bearer(),
    # A correlation id the clients make (a UUID), echoed and repeated in problem bodies.
    request_id=RequestId(
        header="X-Correlation-Id",
        member="correlation_id",
        pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
    ),
    tags={
        "projects": "Projects of an organisation",
        "tasks": "Tasks of a project",
        "activity": "The organisation's activity feed",
        "meta": "Service",
    },
)

UNAUTHENTICATED = api.error(
    "unauthenticated", 401, "Unauthenticated", "Missing or unknown bearer token."
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
    "The key was used with a different request body.",
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
PROJECT_KEY_TAKEN = api.error(
    "project_key_taken", 409, "Project key taken", "Another project of yours has this key."
)
TASK_ALREADY_DONE = api.error(
    "task_already_done", 409, "Task already done", "The task was already completed."
)
