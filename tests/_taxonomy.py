"""Contract source shared by tests that write small contract sets to ``tmp_path``."""

from __future__ import annotations

# Every code the loader implies for the semantics those contracts use, declared on ``api``.
STANDARD_ERRORS = """\
for code, status in [
    ("not_found", 404), ("unauthenticated", 401), ("validation_failed", 422),
    ("invalid_request", 400), ("internal_error", 500), ("idempotency_key_missing", 400),
    ("idempotency_key_reused", 422), ("idempotency_key_in_use", 409), ("invalid_cursor", 400),
    ("precondition_failed", 412),
]:
    api.error(code, status, code.replace("_", " "), "Described.")
"""
