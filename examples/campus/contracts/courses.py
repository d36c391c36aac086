"""Courses."""

from typing import Annotated

from synth.contract import Cursor, Filter, Limit

from .api import COURSE_CODE_TAKEN, api
from .models import Course, CourseCreate, CourseId, CoursePage, Level


@api.post("/courses", status=201, errors=[COURSE_CODE_TAKEN], tags=["courses"])
def create_course(body: CourseCreate) -> Course:
    """Offer a course."""


@api.get(
    "/courses",
    paginated=Cursor(order=("-level", "code"), limit=Limit(default=10, max=25)),
    tags=["courses"],
)
def list_courses(
    subject: Annotated[str | None, Filter("subject", "in")] = None,
    min_level: Annotated[Level | None, Filter("level", "gte")] = None,
) -> CoursePage:
    """List courses, highest level first, then by code."""


@api.get("/courses/{course_id}", tags=["courses"])
def get_course(course_id: CourseId) -> Course:
    """Get a course."""
