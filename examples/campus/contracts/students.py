"""Students."""

from typing import Annotated

from synth.contract import Filter, Limit, PageNumber

from .api import api
from .models import Student, StudentCreate, StudentId, StudentPage, Year


@api.post("/students", status=201, tags=["students"])
def create_student(body: StudentCreate) -> Student:
    """Register a student."""


@api.get(
    "/students",
    paginated=PageNumber(order=("name", "id"), limit=Limit(default=10, max=25)),
    tags=["students"],
)
def list_students(
    year: Annotated[Year | None, Filter("year")] = None,
    name_prefix: Annotated[str | None, Filter("name", "prefix")] = None,
) -> StudentPage:
    """List students by name, a numbered page at a time."""


@api.get("/students/{student_id}", tags=["students"])
def get_student(student_id: StudentId) -> Student:
    """Get a student."""
