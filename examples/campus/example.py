"""The campus enrolment example, as `make verify-examples` drives it."""

from collections.abc import Sequence
from pathlib import Path

from examples._example import Bug, server_command

CONTRACTS = Path(__file__).parent / "contracts"
BASE_PATH = "/v2"
TENANTS = {"a": "key-school-a", "b": "key-school-b"}
TENANT_IDS: dict[str, str] = {}

BUGS = (
    Bug(
        "idem-enrolment-forgotten",
        "IDEM-REPLAY",
        "POST /courses/{course_id}/enrolments releases the Idempotency-Key once its request has "
        "succeeded instead of storing the answer: a retry with the same key and body enrols the "
        "student again (201, a new enrolment with the next number) instead of replaying the "
        "first 201. A retry while the first request is still running is still 409 "
        "idempotency_key_in_use.",
    ),
    Bug(
        "idem-enrolment-key-global",
        "IDEM-TENANT-SCOPE",
        "POST /courses/{course_id}/enrolments keeps every school's idempotency keys in one store "
        "instead of one per school: B's enrolment sent with a key A already used is 422 "
        "idempotency_key_reused (B's course is another path), or replays A's enrolment when "
        "B sends A's path and body.",
    ),
    Bug(
        "page-students-skip",
        "PAGE-COMPLETE",
        "GET /students starts every page after the first one student late ((page - 1) * "
        "per_page + 1): the first student of each later page is never listed.",
    ),
    Bug(
        "page-enrolments-course-ignored",
        "PAGE-FILTER",
        "GET /enrolments validates its course_id filter and then does not apply it: every "
        "course's enrolments are listed (the status and student_id filters still apply).",
    ),
    Bug(
        "page-courses-cursor-any-school",
        "PAGE-CURSOR",
        "GET /courses checks a cursor's signature and filters but not the school it was made "
        "for: school B can page with school A's cursor (served from A's position in B's "
        "courses) instead of 400 invalid_cursor.",
    ),
    Bug(
        "ten-enrolments-every-school",
        "TEN-LIST",
        "GET /enrolments lists the enrolments of every school: the school filter is forgotten "
        "(its filters and starting_after/ending_before then work across schools).",
    ),
    Bug(
        "ten-enrolment-read-any-school",
        "TEN-READ",
        "GET /courses/{course_id}/enrolments/{enrolment_no} looks the course up in every school "
        "when the caller's has none of that id: another school's enrolment is readable.",
    ),
    Bug(
        "ten-enrol-any-course",
        "TEN-CHILD",
        "POST /courses/{course_id}/enrolments looks the course up in every school when the "
        "caller's has none of that id: B enrols one of its own students in A's course (201; "
        "the enrolment is numbered in A's course and listed there and in B's GET /enrolments).",
    ),
    Bug(
        "err-withdraw-plain-422",
        "ERR-PROBLEM",
        "POST /courses/{course_id}/enrolments/{enrolment_no}/withdraw answers a body that fails "
        'validation with the framework\'s 422 application/json {"detail": [...]} instead of '
        "problem+json validation_failed; its other errors are problem+json.",
    ),
    Bug(
        "val-course-capacity-max",
        "VAL-BOUND",
        "POST /courses refuses the declared maximum capacity, 500, with 422 validation_failed "
        "(a hand-written check off by one, capacity < 500); 1 to 499 are stored as sent.",
    ),
)


def command(port: int, bugs: Sequence[str]) -> list[str]:
    """The server's command line on a loopback port, with the named bugs planted."""
    return server_command("examples.campus.server", port, bugs)
