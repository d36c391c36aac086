"""Gridwise: energy monitoring for property portfolios (multi-tenant)."""

from synth.contract import Api, ApiKey

api = Api(
    "Gridwise Energy Monitoring",
    "1.0.0",
    base_path="/v1",
    auth=ApiKey(header="X-Api-Key"),
)

# codes the semantics imply
INTERNAL_ERROR = api.error(
    "internal_error", 500, "Internal error", "The server failed; nothing was changed."
)
UNAUTHENTICATED = api.error(
    "unauthenticated", 401, "Unauthenticated", "No API key, or one that names no tenant."
)
VALIDATION_FAILED = api.error(
    "validation_failed",
    422,
    "Validation failed",
    "The input breaks the contract; `errors[].loc` names each field.",
)
INVALID_REQUEST = api.error("invalid_request", 400, "Invalid request", "The body is not JSON.")
NOT_FOUND = api.error("not_found", 404, "Not found", "No such item in your tenant.")
IDEM_MISSING = api.error(
    "idempotency_key_missing",
    400,
    "Idempotency-Key missing",
    "This create requires an `Idempotency-Key` header.",
)
IDEM_REUSED = api.error(
    "idempotency_key_reused",
    422,
    "Idempotency-Key reused",
    "The key was used with another request.",
)
IDEM_IN_USE = api.error(
    "idempotency_key_in_use",
    409,
    "Idempotency-Key in use",
    "A request with this key is still running.",
    retryable=True,
)
INVALID_CURSOR = api.error(
    "invalid_cursor",
    400,
    "Invalid cursor",
    "The cursor or page token was not issued for this list and tenant.",
)
PRECONDITION_FAILED = api.error(
    "precondition_failed",
    412,
    "Precondition failed",
    "`If-Match` does not match the site's current ETag.",
)

# codes of our own
SITE_CODE_TAKEN = api.error(
    "site_code_taken", 409, "Site code taken", "Another site of your tenant has this code."
)
SERIAL_TAKEN = api.error(
    "serial_taken", 409, "Serial taken", "Another meter of this site has this serial."
)
UNKNOWN_METER = api.error(
    "unknown_meter", 422, "Unknown meter", "`meter_id` names no meter of your tenant."
)
METER_RETIRED = api.error(
    "meter_retired",
    409,
    "Meter retired",
    "The meter is retired: it takes no new alert rules and cannot be retired again.",
)

# answered by the router to a method a path does not take (with `Allow`); no operation declares it
METHOD_NOT_ALLOWED = api.error(
    "method_not_allowed",
    405,
    "Method not allowed",
    "The path does not take this method; `Allow` lists those it does.",
)
