"""How to run the tracker example (the shape of examples/_example.py) and its planted bugs.

Each bug is a switch of ``python -m examples.tracker.server --bug ID`` that changes only what
its description says; the correct server runs with none.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from examples._example import Bug

__all__ = ["BASE_PATH", "BUGS", "CONTRACTS", "TENANTS", "TENANT_IDS", "command"]

CONTRACTS = Path(__file__).resolve().parent / "contracts"
BASE_PATH = "/v1"
TENANTS = {"a": "tok_acme_0123456789", "b": "tok_globex_9876543210"}
TENANT_IDS: dict[str, str] = {}  # the organisation comes from the token, not the path

BUGS = (
    Bug(
        "idem-replay-creates",
        "IDEM-REPLAY",
        "A createProject retry whose key completed runs the create again instead of replaying "
        "the first answer.",
    ),
    Bug(
        "idem-ignore-body",
        "IDEM-MISMATCH",
        "A createProject key is replayed by key alone: a different body is answered with the "
        "first result instead of 422 idempotency_key_reused.",
    ),
    Bug(
        "page-tasks-skip",
        "PAGE-COMPLETE",
        "listTasks mints next_cursor from the look-ahead task instead of the last one served, "
        "so the first task of every following page is skipped.",
    ),
    Bug(
        "page-projects-oldest-first",
        "PAGE-ORDER",
        "listProjects serves the oldest project first (created_at ascending) instead of the "
        "declared -created_at.",
    ),
    Bug(
        "page-activity-offset",
        "PAGE-CONCURRENT",
        "listActivity's next_cursor is a position in the feed (an offset), not its last entry: "
        "an entry added at the head during a walk (a note, or a task created elsewhere) makes "
        "the next page repeat the entry the last one ended on.",
    ),
    Bug(
        "page-limit-unbounded",
        "PAGE-LIMIT",
        "The list limit's maximum is not enforced: limit=101 (or 100000) is served as asked "
        "instead of 422 validation_failed.",
    ),
    Bug(
        "page-cursor-unsigned",
        "PAGE-CURSOR",
        "Cursors are not checked against their signature: a client that edits the base64 JSON "
        "before the dot is served the position it wrote.",
    ),
    Bug(
        "ten-projects-list-all",
        "TEN-LIST",
        "listProjects forgets the organisation: it lists every organisation's projects.",
    ),
    Bug(
        "ten-project-key-global",
        "TEN-NONINTERFERENCE",
        "A project key is checked for uniqueness across every organisation, not within the "
        "caller's: an organisation's createProject is refused 409 project_key_taken because "
        "another organisation has a project with that key.",
    ),
    Bug(
        "ten-task-any-org",
        "TEN-READ",
        "getTask looks the project up by id alone: another organisation reads the task.",
    ),
    Bug(
        "err-plain-404",
        "ERR-PROBLEM",
        "A project id with no project answers a text/plain 'Not Found' instead of problem+json.",
    ),
    Bug(
        "err-bad-json-code",
        "ERR-DECLARED",
        "A body that is not JSON answers 400 with the undeclared code bad_request instead of "
        "invalid_request.",
    ),
    Bug(
        "err-task-number-500",
        "ERR-VALIDATION",
        "A task number that is not a positive integer is not validated: the int() that fails "
        "answers 500 internal_error instead of 422 validation_failed.",
    ),
    Bug(
        "cache-etag-static",
        "CACHE-ETAG",
        "A project's ETag is derived from its id and creation time only, so it stays the same "
        "after a PUT changes the project.",
    ),
    Bug(
        "cache-task-no-304",
        "CACHE-ETAG",
        "getTask ignores If-None-Match: a current ETag is answered 200 with the body, not 304.",
    ),
    Bug(
        "corr-id-unchecked",
        "OBS-REQUEST-ID",
        "Any X-Correlation-Id a client sends is taken as the id, unchecked against the declared "
        "UUID pattern: it is echoed (into logs and problem bodies) instead of replaced.",
    ),
)


def command(port: int, bugs: Sequence[str]) -> list[str]:
    """``python -m examples.tracker.server --port N [--bug ID ...]``."""
    switches = [f"--bug={bug}" for bug in bugs]
    return [sys.executable, "-m", "examples.tracker.server", "--port", str(port), *switches]
