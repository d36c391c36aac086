"""Models of the Campus Enrolment API."""

from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints

from synth.contract import DateTime, Model, Page, RequestModel, Unique

StudentId = Annotated[int, Field(ge=1)]
CourseId = Annotated[str, StringConstraints(pattern=r"^crs_[0-9a-z]{10}$")]
EnrolmentNo = Annotated[int, Field(ge=1)]
EnrolmentId = Annotated[str, StringConstraints(pattern=r"^enr_[0-9a-z]{12}$")]

PersonName = Annotated[str, StringConstraints(min_length=1, max_length=100)]
CourseCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3,4}[0-9]{3}$")]
Title = Annotated[str, StringConstraints(min_length=1, max_length=120)]
Note = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Year = Annotated[int, Field(ge=1, le=6)]
Level = Annotated[int, Field(ge=1, le=5)]
Capacity = Annotated[int, Field(ge=1, le=500)]


class Subject(StrEnum):
    """The subject area of a course."""

    maths = "maths"
    physics = "physics"
    history = "history"
    music = "music"
    biology = "biology"


class EnrolmentStatus(StrEnum):
    """Where an enrolment stands: active until withdrawn."""

    active = "active"
    withdrawn = "withdrawn"


class WithdrawalReason(StrEnum):
    """Why a student left a course."""

    timetable = "timetable"
    too_hard = "too_hard"
    moved = "moved"
    other = "other"


class Student(Model):
    """A student of one school; ids are numbered from 1 within each school."""

    id: StudentId
    name: PersonName
    preferred_name: PersonName | None
    year: Year
    created_at: DateTime


class StudentCreate(RequestModel):
    """A new student."""

    name: PersonName
    preferred_name: PersonName | None = None
    year: Year


class StudentPage(Model):
    """One numbered page of students, by name."""

    items: list[Student]


class Course(Model):
    """A course a school offers."""

    id: CourseId
    code: CourseCode
    title: Title
    subject: Subject
    level: Level
    capacity: Capacity
    created_at: DateTime


class CourseCreate(RequestModel):
    """A new course; `code` is unique within the school."""

    code: Annotated[CourseCode, Unique()]
    title: Title
    subject: Subject
    level: Level
    capacity: Capacity = 30


class CoursePage(Page[Course]):
    """A page of courses, highest level first, then by code."""


class Enrolment(Model):
    """A student's place in a course; `number` counts from 1 within the course."""

    id: EnrolmentId
    number: EnrolmentNo
    course_id: CourseId
    student_id: StudentId
    status: EnrolmentStatus
    note: Note | None
    withdrawal_reason: WithdrawalReason | None
    created_at: DateTime


class EnrolmentCreate(RequestModel):
    """Enrol a student of the same school."""

    student_id: StudentId
    note: Note | None = None


class Withdrawal(RequestModel):
    """Why the student withdraws."""

    reason: WithdrawalReason


class CourseEnrolmentPage(Model):
    """A page of one course's enrolments, by number."""

    items: list[Enrolment]


class EnrolmentList(Model):
    """A page of the school's enrolments across courses, newest first."""

    data: list[Enrolment]
    has_more: bool
