"""Campus Enrolment: the API object and its error taxonomy."""

from synth.contract import Api, ApiKey

api = Api(
    "Campus Enrolment",
    "0.1.0",
    base_path="/v2",
    description=(
        "Multi-tenant course enrolment: each school (tenant) keeps students and courses; "
        "students are enrolled in courses and may withdraw. Every API key belongs to one school."
    ),
    auth=ApiKey(header="X-Api-Key"),
    tags={
        "students": "People a school teaches.",
        "courses": "What a school offers.",
        "enrolments": "A student's place in a course.",
    },
)

UNAUTHENTICATED = api.error(
    "unauthenticated", 401, "Unauthenticated", "The API key is missing or unknown."
)
NOT_FOUND = api.error(
    "not_found",
    404,
    "Not found",
    "No such object in your school. Objects of other schools get this same answer.",
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
COURSE_CODE_TAKEN = api.error(
    "course_code_taken",
    409,
    "Course code taken",
    "Another course of your school already has this code.",
)
UNKNOWN_STUDENT = api.error(
    "unknown_student",
    422,
    "Unknown student",
    "`student_id` names no student of your school.",
)
ALREADY_WITHDRAWN = api.error(
    "already_withdrawn", 409, "Already withdrawn", "The enrolment was withdrawn before."
)
INTERNAL_ERROR = api.error(
    "internal_error", 500, "Internal error", "The server failed.", retryable=True
)
