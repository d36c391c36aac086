"""In-memory course enrolment API implementing examples/campus/contracts.

Run: python -m examples.campus.server --port 8716 [--bug ID ...]   (API keys in README.md)
Planted bugs (examples/campus/example.py's BUGS) are off unless named with --bug.

Ported from the server a new user of synth wrote (FINDINGS.md): their handlers, body models and
storage, typed, with the planted-bug switches added; the schools' API keys are fixed here
rather than given with `--keys`.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
import string
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

BASE = "/v2"
KEYS = {"key-school-a": "a", "key-school-b": "b", "key-school-c": "c"}  # API key -> school
SECRET = secrets.token_bytes(32)
ALNUM = string.digits + string.ascii_lowercase
BUGS: set[str] = set()  # planted-bug switches, from --bug

T = TypeVar("T")
Item = dict[str, Any]  # a stored student, course or enrolment; datetimes shown as ISO text
ErrorList = list[dict[str, Any]]

# ---- errors -----------------------------------------------------------------

ERRORS: dict[str, tuple[int, str]] = {
    "unauthenticated": (401, "Unauthenticated"),
    "not_found": (404, "Not found"),
    "validation_failed": (422, "Validation failed"),
    "invalid_request": (400, "Invalid request"),
    "invalid_cursor": (400, "Invalid cursor"),
    "idempotency_key_missing": (400, "Idempotency key missing"),
    "idempotency_key_reused": (422, "Idempotency key reused"),
    "idempotency_key_in_use": (409, "Idempotency key in use"),
    "course_code_taken": (409, "Course code taken"),
    "unknown_student": (422, "Unknown student"),
    "already_withdrawn": (409, "Already withdrawn"),
    "internal_error": (500, "Internal error"),
}


class Problem(Exception):
    def __init__(self, code: str, detail: str | None = None, errors: ErrorList | None = None):
        super().__init__(code)
        self.code, self.detail, self.errors = code, detail, errors


def problem_response(p: Problem) -> Response:
    status, title = ERRORS[p.code]
    body: dict[str, Any] = {
        "type": f"about:blank#{p.code}",
        "title": title,
        "status": status,
        "code": p.code,
    }
    if p.detail is not None:
        body["detail"] = p.detail
    if p.errors is not None:
        body["errors"] = p.errors
    return Response(json.dumps(body), status_code=status, media_type="application/problem+json")


def invalid(where: str, name: str | None, msg: str, typ: str = "value_error") -> Problem:
    loc: list[Any] = [where] + ([name] if name is not None else [])
    return Problem("validation_failed", msg, [{"loc": loc, "msg": msg, "type": typ}])


def from_validation_error(where: str, exc: ValidationError) -> Problem:
    errs = [{"loc": [where, *e["loc"]], "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
    return Problem("validation_failed", "The request does not match the schema.", errs)


# ---- models (strict bodies) -------------------------------------------------

PersonName = Annotated[str, StringConstraints(min_length=1, max_length=100)]
CourseCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3,4}[0-9]{3}$")]
Title = Annotated[str, StringConstraints(min_length=1, max_length=120)]
Note = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Subject = Literal["maths", "physics", "history", "music", "biology"]
Status = Literal["active", "withdrawn"]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


B = TypeVar("B", bound=Body)


class StudentCreate(Body):
    name: PersonName
    preferred_name: PersonName | None = None
    year: Annotated[int, Field(ge=1, le=6)]


class CourseCreate(Body):
    code: CourseCode
    title: Title
    subject: Subject
    level: Annotated[int, Field(ge=1, le=5)]
    capacity: Annotated[int, Field(ge=1, le=500)] = 30


class EnrolmentCreate(Body):
    student_id: Annotated[int, Field(ge=1)]
    note: Note | None = None


class Withdrawal(Body):
    reason: Literal["timetable", "too_hard", "moved", "other"]


# Parameters are read as Pydantic reads text (lax): "+4", "04", "4.0" are the integer 4.
POS_INT: TypeAdapter[int] = TypeAdapter(Annotated[int, Field(ge=1)])
NONNEG_INT: TypeAdapter[int] = TypeAdapter(Annotated[int, Field(ge=0)])
LIMIT: TypeAdapter[int] = TypeAdapter(Annotated[int, Field(ge=1, le=25)])
YEAR: TypeAdapter[int] = TypeAdapter(Annotated[int, Field(ge=1, le=6)])
LEVEL: TypeAdapter[int] = TypeAdapter(Annotated[int, Field(ge=1, le=5)])
STATUS: TypeAdapter[str] = TypeAdapter(Status)
COURSE_ID = re.compile(r"^crs_[0-9a-z]{10}$")
ENROLMENT_ID = re.compile(r"^enr_[0-9a-z]{12}$")


def param(where: str, name: str, raw: str, adapter: TypeAdapter[T]) -> T:
    try:
        return adapter.validate_python(raw)
    except ValidationError as exc:
        errs = [{"loc": [where, name], "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        raise Problem("validation_failed", f"Invalid {where} parameter {name}.", errs) from None


def pattern_param(where: str, name: str, raw: str, pattern: re.Pattern[str]) -> str:
    if not pattern.fullmatch(raw):
        raise invalid(where, name, f"must match {pattern.pattern}", "string_pattern_mismatch")
    return raw


# ---- storage ----------------------------------------------------------------

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def micros(t: dt.datetime) -> int:
    return (t - EPOCH) // dt.timedelta(microseconds=1)


def iso(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class Course:
    data: Item
    enrolments: list[Item] = field(default_factory=list)  # by number, 1..n


@dataclass
class IdemEntry:
    fingerprint: str
    done: bool = False
    status: int = 0
    body: str = ""


@dataclass
class School:
    students: dict[int, Item] = field(default_factory=dict)
    next_student: int = 1
    courses: dict[str, Course] = field(default_factory=dict)
    course_codes: set[str] = field(default_factory=set)
    enrolments: list[Item] = field(default_factory=list)  # in creation order
    enrolment_by_id: dict[str, Item] = field(default_factory=dict)
    idem: dict[str, IdemEntry] = field(default_factory=dict)
    last_time: dt.datetime = field(default_factory=lambda: dt.datetime.min.replace(tzinfo=dt.UTC))

    def stamp(self) -> dt.datetime:
        t = dt.datetime.now(dt.UTC)
        t = max(t, self.last_time)
        self.last_time = t
        return t


SCHOOLS: dict[str, School] = {}
# Idempotency keys of every school in one store: only with the idem-enrolment-key-global bug.
SHARED_IDEM: dict[str, IdemEntry] = {}


def school_of(request: Request) -> tuple[str, School]:
    key = request.headers.get("x-api-key")
    tenant = KEYS.get(key) if key is not None else None
    if tenant is None:
        raise Problem("unauthenticated", "The API key is missing or unknown.")
    return tenant, SCHOOLS.setdefault(tenant, School())


def public(item: Item) -> Item:
    return {k: (iso(v) if isinstance(v, dt.datetime) else v) for k, v in item.items()}


def ok(body: Any, status: int = 200) -> Response:
    return JSONResponse(body, status_code=status)


async def json_body(request: Request, model: type[B]) -> tuple[Any, B]:
    raw = await request.body()
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise Problem("invalid_request", "The body is not parseable JSON.") from None
    try:
        return data, model.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error("body", exc) from None


def new_id(prefix: str, n: int) -> str:
    return prefix + "".join(secrets.choice(ALNUM) for _ in range(n))


# ---- students ---------------------------------------------------------------


async def create_student(request: Request) -> Response:
    _, s = school_of(request)
    _, body = await json_body(request, StudentCreate)
    student: Item = {
        "id": s.next_student,
        "name": body.name,
        "preferred_name": body.preferred_name,
        "year": body.year,
        "created_at": s.stamp(),
    }
    s.next_student += 1
    s.students[student["id"]] = student
    return ok(public(student), 201)


async def list_students(request: Request) -> Response:
    _, s = school_of(request)
    q = request.query_params
    page = param("query", "page", q["page"], POS_INT) if "page" in q else 1
    per_page = param("query", "per_page", q["per_page"], LIMIT) if "per_page" in q else 10
    year = param("query", "year", q["year"], YEAR) if "year" in q else None
    prefix = q.get("name_prefix")
    items = [
        st
        for st in s.students.values()
        if (year is None or st["year"] == year)
        and (prefix is None or st["name"].startswith(prefix))
    ]
    items.sort(key=lambda st: (st["name"], st["id"]))
    start = (page - 1) * per_page
    if "page-students-skip" in BUGS and page > 1:
        start += 1  # a later page starts one student late
    return ok({"items": [public(st) for st in items[start : start + per_page]]})


async def get_student(request: Request) -> Response:
    _, s = school_of(request)
    sid = param("path", "student_id", request.path_params["student_id"], POS_INT)
    st = s.students.get(sid)
    if st is None:
        raise Problem("not_found", "No such student.")
    return ok(public(st))


# ---- courses ----------------------------------------------------------------


def sign(payload: dict[str, Any]) -> str:
    text = json.dumps(payload, separators=(",", ":"), sort_keys=True)
    raw = base64.urlsafe_b64encode(text.encode()).decode()
    mac = hmac.new(SECRET, raw.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{raw}.{mac}"


def unsign(token: str) -> dict[str, Any]:
    try:
        raw, mac = token.split(".")
        want = hmac.new(SECRET, raw.encode(), hashlib.sha256).hexdigest()[:32]
        if not hmac.compare_digest(mac, want):
            raise ValueError
        payload = json.loads(base64.urlsafe_b64decode(raw.encode()))
        if not isinstance(payload, dict):
            raise ValueError
        return payload
    except (ValueError, UnicodeError, TypeError):
        raise Problem(
            "invalid_cursor", "The cursor is malformed, tampered with or foreign."
        ) from None


async def create_course(request: Request) -> Response:
    _, s = school_of(request)
    _, body = await json_body(request, CourseCreate)
    if "val-course-capacity-max" in BUGS and body.capacity >= 500:  # off by one: < 500
        raise invalid("body", "capacity", "must be below 500", "less_than")
    if body.code in s.course_codes:
        raise Problem("course_code_taken", f"A course with code {body.code} exists.")
    cid = new_id("crs_", 10)
    course = {
        "id": cid,
        "code": body.code,
        "title": body.title,
        "subject": body.subject,
        "level": body.level,
        "capacity": body.capacity,
        "created_at": s.stamp(),
    }
    s.courses[cid] = Course(course)
    s.course_codes.add(body.code)
    return ok(public(course), 201)


async def list_courses(request: Request) -> Response:
    tenant, s = school_of(request)
    q = request.query_params
    limit = param("query", "limit", q["limit"], LIMIT) if "limit" in q else 10
    min_level = param("query", "min_level", q["min_level"], LEVEL) if "min_level" in q else None
    subject_raw = q.get("subject")
    # Unknown elements of the comma list match nothing.
    subjects = None if subject_raw is None else set(subject_raw.split(","))
    filters = {"subject": subject_raw, "min_level": min_level}
    after = None
    if "cursor" in q:
        if q["cursor"] == "":
            raise invalid(
                "query", "cursor", "String should have at least 1 character", "string_too_short"
            )
        payload = unsign(q["cursor"])
        # page-courses-cursor-any-school: the school the cursor was made for is not compared.
        foreign = payload.get("t") != tenant and "page-courses-cursor-any-school" not in BUGS
        if foreign or payload.get("f") != filters:
            raise Problem("invalid_cursor", "The cursor is foreign to this list.")
        k = payload.get("k")
        if not (
            isinstance(k, list) and len(k) == 2 and isinstance(k[0], int) and isinstance(k[1], str)
        ):
            raise Problem("invalid_cursor", "The cursor is malformed.")
        after = (-k[0], k[1])
    items = [
        c.data
        for c in s.courses.values()
        if (subjects is None or c.data["subject"] in subjects)
        and (min_level is None or c.data["level"] >= min_level)
    ]
    items.sort(key=lambda c: (-c["level"], c["code"]))
    if after is not None:
        items = [c for c in items if (-c["level"], c["code"]) > after]
    page = items[:limit]
    nxt = None
    if len(items) > limit:
        last = page[-1]
        nxt = sign({"t": tenant, "f": filters, "k": [last["level"], last["code"]]})
    return ok({"items": [public(c) for c in page], "next_cursor": nxt})


def find_course(s: School, request: Request, any_school: bool = False) -> Course:
    """The course of the path, in the caller's school (in any school, for a planted bug)."""
    cid = pattern_param("path", "course_id", request.path_params["course_id"], COURSE_ID)
    course = s.courses.get(cid)
    if course is None and any_school:
        course = next((o.courses[cid] for o in SCHOOLS.values() if cid in o.courses), None)
    if course is None:
        raise Problem("not_found", "No such course.")
    return course


async def get_course(request: Request) -> Response:
    _, s = school_of(request)
    return ok(public(find_course(s, request).data))


# ---- enrolments -------------------------------------------------------------


async def create_enrolment(request: Request) -> Response:
    _, s = school_of(request)
    cid = pattern_param("path", "course_id", request.path_params["course_id"], COURSE_ID)
    key = request.headers.get("idempotency-key")
    if key is None:
        raise Problem(
            "idempotency_key_missing", "This operation requires an Idempotency-Key header."
        )
    if not 1 <= len(key) <= 255:
        kind = "string_too_long" if key else "string_too_short"
        raise invalid("header", "Idempotency-Key", "must be 1 to 255 characters", kind)
    raw, body = await json_body(request, EnrolmentCreate)
    fingerprint = hashlib.sha256(
        json.dumps([request.url.path, raw], sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()
    store = SHARED_IDEM if "idem-enrolment-key-global" in BUGS else s.idem
    entry = store.get(key)
    if entry is not None:
        if entry.fingerprint != fingerprint:
            raise Problem("idempotency_key_reused", "This key was used with another request.")
        if not entry.done:
            raise Problem("idempotency_key_in_use", "A request with this key is still running.")
        return Response(
            entry.body,
            status_code=entry.status,
            media_type="application/json",
            headers={"Idempotent-Replayed": "true"},
        )
    entry = IdemEntry(fingerprint)
    store[key] = entry
    try:
        await asyncio.sleep(0.01)  # the work takes a moment: concurrent retries see the key in use
        course = s.courses.get(cid)
        if course is None and "ten-enrol-any-course" in BUGS:  # the course looked up everywhere
            course = next((o.courses[cid] for o in SCHOOLS.values() if cid in o.courses), None)
        if course is None:
            raise Problem("not_found", "No such course.")
        if body.student_id not in s.students:
            raise Problem("unknown_student", "student_id names no student of your school.")
        enrolment: Item = {
            "id": new_id("enr_", 12),
            "number": len(course.enrolments) + 1,
            "course_id": cid,
            "student_id": body.student_id,
            "status": "active",
            "note": body.note,
            "withdrawal_reason": None,
            "created_at": s.stamp(),
        }
        course.enrolments.append(enrolment)
        s.enrolments.append(enrolment)
        s.enrolment_by_id[enrolment["id"]] = enrolment
    except BaseException:
        del store[key]  # only successes are kept for replay
        raise
    text = json.dumps(public(enrolment))
    if "idem-enrolment-forgotten" in BUGS:
        del store[key]  # the key released once the work is done, its answer not kept
    else:
        entry.done, entry.status, entry.body = True, 201, text
    return Response(text, status_code=201, media_type="application/json")


async def list_course_enrolments(request: Request) -> Response:
    _, s = school_of(request)
    course = find_course(s, request)
    q = request.query_params
    offset = param("query", "offset", q["offset"], NONNEG_INT) if "offset" in q else 0
    limit = param("query", "limit", q["limit"], LIMIT) if "limit" in q else 10
    status = param("query", "status", q["status"], STATUS) if "status" in q else None
    items = [e for e in course.enrolments if status is None or e["status"] == status]
    return ok({"items": [public(e) for e in items[offset : offset + limit]]})


def find_enrolment(s: School, request: Request, any_school: bool = False) -> Item:
    course = find_course(s, request, any_school)
    no = param("path", "enrolment_no", request.path_params["enrolment_no"], POS_INT)
    if no > len(course.enrolments):
        raise Problem("not_found", "No such enrolment.")
    return course.enrolments[no - 1]


async def get_enrolment(request: Request) -> Response:
    _, s = school_of(request)
    any_school = "ten-enrolment-read-any-school" in BUGS  # the course found by id alone
    return ok(public(find_enrolment(s, request, any_school)))


async def withdraw_enrolment(request: Request) -> Response:
    _, s = school_of(request)
    find_course(s, request)  # path first: a 404 before the body is read
    enrolment = find_enrolment(s, request)
    try:
        _, body = await json_body(request, Withdrawal)
    except Problem as p:
        if p.code == "validation_failed" and "err-withdraw-plain-422" in BUGS:
            return JSONResponse({"detail": p.errors}, status_code=422)  # the framework's shape
        raise
    if enrolment["status"] == "withdrawn":
        raise Problem("already_withdrawn", "The enrolment was withdrawn before.")
    enrolment["status"] = "withdrawn"
    enrolment["withdrawal_reason"] = body.reason
    return ok(public(enrolment))


async def list_enrolments(request: Request) -> Response:
    _, s = school_of(request)
    q = request.query_params
    limit = param("query", "limit", q["limit"], LIMIT) if "limit" in q else 10
    status = param("query", "status", q["status"], STATUS) if "status" in q else None
    student_id = (
        param("query", "student_id", q["student_id"], POS_INT) if "student_id" in q else None
    )
    course_id = (
        pattern_param("query", "course_id", q["course_id"], COURSE_ID) if "course_id" in q else None
    )
    after = (
        pattern_param("query", "starting_after", q["starting_after"], ENROLMENT_ID)
        if "starting_after" in q
        else None
    )
    before = (
        pattern_param("query", "ending_before", q["ending_before"], ENROLMENT_ID)
        if "ending_before" in q
        else None
    )
    if after is not None and before is not None:
        raise invalid("query", "ending_before", "give starting_after or ending_before, not both")
    if "page-enrolments-course-ignored" in BUGS:
        course_id = None  # the filter is read and checked, then not applied

    def key(e: Item) -> tuple[int, str]:
        return (-micros(e["created_at"]), e["id"])

    if "ten-enrolments-every-school" in BUGS:  # the school filter forgotten
        everyone = [e for school in SCHOOLS.values() for e in school.enrolments]
        by_id = {e["id"]: e for e in everyone}
    else:
        everyone, by_id = s.enrolments, s.enrolment_by_id
    items = [
        e
        for e in everyone
        if (status is None or e["status"] == status)
        and (student_id is None or e["student_id"] == student_id)
        and (course_id is None or e["course_id"] == course_id)
    ]
    items.sort(key=key)
    if after is not None:
        anchor = by_id.get(after)
        if anchor is None:
            raise invalid("query", "starting_after", "names no enrolment of your school")
        items = [e for e in items if key(e) > key(anchor)]
        page, has_more = items[:limit], len(items) > limit
    elif before is not None:
        anchor = by_id.get(before)
        if anchor is None:
            raise invalid("query", "ending_before", "names no enrolment of your school")
        items = [e for e in items if key(e) < key(anchor)]
        page, has_more = items[-limit:], len(items) > limit
    else:
        page, has_more = items[:limit], len(items) > limit
    return ok({"data": [public(e) for e in page], "has_more": has_more})


# ---- app --------------------------------------------------------------------

Handler = Callable[[Request], Awaitable[Response]]

ROUTES: dict[str, dict[str, Handler]] = {
    "/students": {"POST": create_student, "GET": list_students},
    "/students/{student_id}": {"GET": get_student},
    "/courses": {"POST": create_course, "GET": list_courses},
    "/courses/{course_id}": {"GET": get_course},
    "/courses/{course_id}/enrolments": {"POST": create_enrolment, "GET": list_course_enrolments},
    "/courses/{course_id}/enrolments/{enrolment_no}": {"GET": get_enrolment},
    "/courses/{course_id}/enrolments/{enrolment_no}/withdraw": {"POST": withdraw_enrolment},
    "/enrolments": {"GET": list_enrolments},
}


def wrap(handlers: dict[str, Handler]) -> Handler:
    async def endpoint(request: Request) -> Response:
        handler = handlers.get(request.method)
        try:
            if handler is None:
                school_of(request)
                raise Problem("not_found", "No such operation.")
            return await handler(request)
        except Problem as p:
            return problem_response(p)
        except Exception:
            traceback.print_exc()
            return problem_response(Problem("internal_error"))

    return endpoint


async def not_found(request: Request, exc: Exception) -> Response:
    return problem_response(Problem("not_found", "No such path."))


METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
app = Starlette(
    routes=[Route(BASE + path, wrap(h), methods=METHODS) for path, h in ROUTES.items()],
    exception_handlers={404: not_found, 405: not_found},
)


def main(argv: list[str] | None = None) -> None:
    from examples._example import server_main
    from examples.campus.example import BUGS as PLANTED

    server_main(app, PLANTED, BUGS, port=8716, description=__doc__, argv=argv)


if __name__ == "__main__":
    main()
