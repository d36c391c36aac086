"""Enrolments: nested under a course, and listed across courses."""

from typing import Annotated

from synth.contract import Filter, Limit, Offset, StartingAfter

from .api import ALREADY_WITHDRAWN, UNKNOWN_STUDENT, api
from .models import (
    CourseEnrolmentPage,
    CourseId,
    Enrolment,
    EnrolmentCreate,
    EnrolmentList,
    EnrolmentNo,
    EnrolmentStatus,
    StudentId,
    Withdrawal,
)


@api.post(
    "/courses/{course_id}/enrolments",
    status=201,
    idempotent=True,
    errors=[UNKNOWN_STUDENT],
    tags=["enrolments"],
)
def create_enrolment(course_id: CourseId, body: EnrolmentCreate) -> Enrolment:
    """Enrol a student in a course. Retries with the same Idempotency-Key replay the first answer."""


@api.get(
    "/courses/{course_id}/enrolments",
    paginated=Offset(order=("number",), limit=Limit(default=10, max=25)),
    tags=["enrolments"],
)
def list_course_enrolments(
    course_id: CourseId,
    status: Annotated[EnrolmentStatus | None, Filter("status")] = None,
) -> CourseEnrolmentPage:
    """List a course's enrolments by number."""


@api.get("/courses/{course_id}/enrolments/{enrolment_no}", tags=["enrolments"])
def get_enrolment(course_id: CourseId, enrolment_no: EnrolmentNo) -> Enrolment:
    """Get one enrolment of a course."""


@api.post(
    "/courses/{course_id}/enrolments/{enrolment_no}/withdraw",
    status=200,
    errors=[ALREADY_WITHDRAWN],
    tags=["enrolments"],
)
def withdraw_enrolment(
    course_id: CourseId, enrolment_no: EnrolmentNo, body: Withdrawal
) -> Enrolment:
    """Withdraw the student from the course."""


@api.get(
    "/enrolments",
    paginated=StartingAfter(order=("-created_at", "id"), limit=Limit(default=10, max=25)),
    tags=["enrolments"],
)
def list_enrolments(
    status: Annotated[EnrolmentStatus | None, Filter("status")] = None,
    student_id: Annotated[StudentId | None, Filter("student_id")] = None,
    course_id: Annotated[CourseId | None, Filter("course_id")] = None,
) -> EnrolmentList:
    """List the school's enrolments across all courses, newest first."""


# The top-level list shows the enrolments made under each course.
enrolments = api.resource(
    "/enrolments", Enrolment, id_param="enrolment_id", created_by="create_enrolment"
)
