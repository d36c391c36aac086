"""Fleet telematics API. Each tenant is a fleet operator, authenticated by an API key."""

from synth.contract import Api, ApiKey

api = Api(
    title="Fleet Telematics API",
    version="1.0.0",
    base_path="/v1",
    auth=ApiKey(header="X-Api-Key"),
)

VIN_TAKEN = api.error(
    "vin_taken", 409, "VIN taken", "The fleet already has a vehicle with this VIN."
)
LICENSE_TAKEN = api.error(
    "license_taken",
    409,
    "License taken",
    "The fleet already has a driver with this license number.",
)
VEHICLE_RETIRED = api.error(
    "vehicle_retired",
    409,
    "Vehicle retired",
    "The vehicle is retired: no trip may be started on it.",
)
TRIP_IN_PROGRESS = api.error(
    "trip_in_progress",
    409,
    "Trip in progress",
    "The vehicle already has an open trip: end it before starting another.",
)
TRIP_ENDED = api.error("trip_ended", 409, "Trip ended", "The trip has already ended.")
UNKNOWN_DRIVER = api.error(
    "unknown_driver", 422, "Unknown driver", "The body names a driver this fleet does not have."
)

# The standard codes synth's semantics imply.
api.error("unauthenticated", 401, "Unauthenticated", "Missing or unknown API key.")
api.error("not_found", 404, "Not found", "No such item for this tenant.")
api.error("validation_failed", 422, "Validation failed", "A parameter or body field is invalid.")
api.error("invalid_request", 400, "Invalid request", "The body is not a JSON document.")
api.error("internal_error", 500, "Internal error", "Something went wrong on our side.")
api.error(
    "idempotency_key_missing",
    400,
    "Idempotency-Key missing",
    "This operation requires an Idempotency-Key header.",
)
api.error(
    "idempotency_key_reused",
    422,
    "Idempotency-Key reused",
    "The key was used with a different request body.",
)
api.error(
    "idempotency_key_in_use",
    409,
    "Idempotency-Key in use",
    "A request with this key is still being processed.",
)
api.error(
    "rate_limited",
    429,
    "Rate limited",
    "Too many requests for this API key; retry after `Retry-After` seconds.",
    retryable=True,
)
api.error(
    "invalid_cursor", 400, "Invalid cursor", "The cursor is malformed, tampered with, or not yours."
)
api.error(
    "precondition_failed",
    412,
    "Precondition failed",
    "If-Match does not match the vehicle's current ETag.",
)
