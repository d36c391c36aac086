"""A list at the top whose items name a parent or a referenced item, with an ``eq`` filter on
that field, is isolated by a fresh such item (``Context._item_scope``): the check makes one,
makes every item it counts under it or naming it, and walks the list filtered to it. Without
it such a list was walked whole, keeping its part of the API from every other check of it.

The campus's enrolments (examples/campus) are made under a course and listed across courses
at ``GET /enrolments`` with a ``course_id`` filter: a fresh course isolates them. The fleet's
trips (examples/fleet) are listed at ``GET /trips`` with a ``driver_id`` filter,
and a trip's body names its driver: a fresh driver isolates them. Their parent, a vehicle,
takes one open trip at a time (a declared 409), so its ``vehicle_id`` filter does not: each
trip would need a vehicle of its own. Where the item refuses a second one all the same, the
process falls back to the whole list. The fleet's server runs in process with a run lock of
its own (``RunLock`` over a temporary folder), as one worker would.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from examples.campus import example as campus_example
from examples.campus import server as campus
from examples.fleet import server as fleet
from examples.fleet.example import CONTRACTS, TENANTS
from synth import load
from synth.relations import Graph
from synth.testing import config_from_options
from synth.testing._context import (
    describe_isolation,
    may_isolate,
    parent_filter,
    reference_filter,
)
from synth.testing._data import Schemas
from synth.testing._http import Exchange, Request
from synth.testing._lock import RunLock
from synth.testing._parallel import hold
from synth.testing._runner import run_check
from synth.testing._target import Target
from synth.testing._violation import Finding, Outcome
from synth.testing.invariants import applicable
from tests._taxonomy import STANDARD_ERRORS

from ._asgi import App, Message, Receive, Scope, Send

TRIPS = "/trips"
ENROLMENTS = "/enrolments"


@pytest.fixture(autouse=True)
def _fresh_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fleet, "S", fleet.Store())
    monkeypatch.setattr(fleet, "BUGS", set())
    monkeypatch.setattr(campus, "SCHOOLS", {})
    monkeypatch.setattr(campus, "BUGS", set())


def test_the_campus_enrolments_are_isolated_by_a_fresh_course() -> None:
    api = load(campus_example.CONTRACTS)
    graph = Graph(api)
    lister, create = api.operation("listEnrolments"), api.operation("createEnrolment")
    found = parent_filter(api, graph, create, lister)
    assert found is not None
    assert (found[0], found[1].param) == ("course_id", "course_id")
    # Its student_id filter names a referenced item too; the parent is tried first.
    assert may_isolate(api, Schemas(api), graph, lister)


def test_the_fleets_trips_are_isolated_by_a_fresh_driver_not_a_vehicle() -> None:
    api = load(CONTRACTS)
    graph = Graph(api)
    lister, create = api.operation("listTrips"), api.operation("startTrip")
    assert parent_filter(api, graph, create, lister) is None  # a vehicle takes one open trip
    found = reference_filter(api, graph, create, lister)
    assert found is not None
    ref, flt = found
    assert (ref.field, flt.param, ref.create.operation_id) == ("driver_id", "driver_id",
                                                               "createDriver")  # fmt: skip
    assert may_isolate(api, Schemas(api), graph, lister)


def _one_trip_per_driver(app: App) -> App:
    """The fleet's server, refusing a second trip naming one driver with its declared 409."""
    drivers: set[str] = set()

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if not (scope["type"] == "http" and scope["method"] == "POST"
                and scope["path"].endswith("/trips")):  # fmt: skip
            await app(scope, receive, send)
            return
        messages: list[Message] = []
        while not messages or messages[-1].get("more_body"):
            messages.append(await receive())
        body = b"".join(m.get("body", b"") for m in messages)
        driver = json.loads(body or b"{}").get("driver_id")
        if driver is not None and driver in drivers:
            problem = json.dumps({"type": "about:blank", "title": "Trip in progress",
                                  "status": 409, "code": "trip_in_progress"}).encode()  # fmt: skip
            await send({"type": "http.response.start", "status": 409, "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(problem)).encode())]})  # fmt: skip
            await send({"type": "http.response.body", "body": problem})
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else {"type": "http.disconnect"}

        async def noted(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 201:
                drivers.add(driver)
            await send(message)

        await app(scope, replay, noted)

    return wrapped


# The fresh item each item a ``_run`` made names (its driver, its course), in order.
MADE: list[str] = []


def _run(
    tmp_path: Path, invariant: str, op: str, app: App | None = None, *, listed: str = TRIPS
) -> tuple[Finding, list[str], list[str], Target]:
    """The check's finding, each GET of the list (its query), and the locks the check took
    exclusive ("part", "run"): on the fleet, or on the campus for its enrolments."""
    example = campus_example if listed == ENROLMENTS else None
    contracts = example.CONTRACTS if example is not None else CONTRACTS
    tenants = example.TENANTS if example is not None else TENANTS
    app = app or (campus.app if example is not None else fleet.app)
    config = config_from_options(app=app, seed=1, env={}, contracts=contracts,
                                 tenants=[f"{k}={v}" for k, v in tenants.items()],
                                 profile="quick")  # fmt: skip
    target = Target(config, load(contracts))
    lock = target.lock = RunLock(tmp_path)
    walks: list[str] = []
    kept: list[str] = []
    MADE.clear()
    part, run, send = lock.exclusive_part, lock.exclusive, target.client.send

    def exclusive_part(*names: str, lane: int | None = None) -> None:
        kept.append("part")
        part(*names, lane=lane)

    def exclusive() -> None:
        kept.append("run")
        run()

    def watched(request: Request) -> Exchange:
        if (
            request.method == "GET"
            and request.path.endswith(listed)
            and "/courses/" not in request.path
        ):
            walks.append("&".join(f"{k}={v}" for k, v in request.query))
        answer = send(request)
        if request.method == "POST" and request.path.endswith(listed) and answer.ok:
            body = request.json_body if isinstance(request.json_body, dict) else {}
            # The fresh item each made one names: a driver in its body, a course in its path.
            MADE.append(str(body.get("driver_id", request.path.split("/")[-2])))
        return answer

    lock.exclusive_part = exclusive_part  # type: ignore[method-assign]
    lock.exclusive = exclusive  # type: ignore[method-assign]
    target.client.send = watched  # type: ignore[method-assign]
    try:
        hold(target, invariant, op)  # as the plugin does at the start of the test
        finding = run_check(invariant, op, target)
    finally:
        lock.release()
        target.close()
        lock.close()
    return finding, walks, kept, target


def _filtered(query: str, name: str = "driver_id") -> bool:
    return any(pair.startswith(f"{name}=") for pair in query.split("&"))


@pytest.mark.parametrize(
    ("invariant", "op"),
    [("PAGE-COMPLETE", "listTrips"), ("PAGE-ORDER", "listTrips"),
     ("IDEM-REPLAY", "startTrip"), ("TEN-LIST", "listTrips"),
     ("TEN-NONINTERFERENCE", "listTrips")],
)  # fmt: skip
def test_a_correct_server_is_walked_by_a_fresh_driver_beside_the_part(
    tmp_path: Path, invariant: str, op: str
) -> None:
    finding, walks, kept, _ = _run(tmp_path, invariant, op)
    assert finding.outcome is Outcome.PASSED, finding.message
    assert walks, "the check walked the trips list"
    # Every walk filtered to a driver of the check's own; none kept the trips' part from the
    # other checks.
    assert all(_filtered(query) for query in walks), walks
    assert kept == []


def test_a_page_skipped_is_found_in_a_fresh_drivers_trips(tmp_path: Path) -> None:
    fleet.BUGS.add("page-trips-offset-skip")
    finding, walks, _, _ = _run(tmp_path, "PAGE-COMPLETE", "listTrips")
    assert finding.outcome is Outcome.VIOLATION, finding.message
    assert all(_filtered(query) for query in walks), walks


def test_a_driver_refusing_a_second_trip_falls_back_to_the_whole_list(tmp_path: Path) -> None:
    finding, walks, kept, target = _run(
        tmp_path, "PAGE-COMPLETE", "listTrips", app=_one_trip_per_driver(fleet.app)
    )
    assert finding.outcome is Outcome.PASSED, finding.message
    assert "startTrip" in target.unfiltered
    # The walks after it go through the tenant's whole list, keeping the trips' part.
    assert any(not _filtered(query) for query in walks), walks
    assert "part" in kept


@pytest.mark.parametrize(
    ("invariant", "op"),
    [("PAGE-COMPLETE", "listEnrolments"), ("PAGE-ORDER", "listEnrolments"),
     ("TEN-LIST", "listEnrolments"), ("TEN-NONINTERFERENCE", "listEnrolments")],
)  # fmt: skip
def test_a_correct_server_is_walked_by_a_fresh_course_beside_the_part(
    tmp_path: Path, invariant: str, op: str
) -> None:
    finding, walks, kept, _ = _run(tmp_path, invariant, op, listed=ENROLMENTS)
    assert finding.outcome is Outcome.PASSED, finding.message
    assert walks, "the check walked the enrolments list"
    assert all(_filtered(query, "course_id") for query in walks), walks
    assert kept == []


@pytest.mark.parametrize(
    ("listed", "op", "name"),
    [(TRIPS, "listTrips", "driver_id"), (ENROLMENTS, "listEnrolments", "course_id")],
)
def test_page_filter_judges_the_isolating_filter_within_fresh_items(
    tmp_path: Path, listed: str, op: str, name: str
) -> None:
    """PAGE-FILTER judges the list's other filters within a fresh driver's (or course's)
    scope, and that filter by an item naming (or under) a second fresh one, which the scope's
    last walk must leave out: every walk is filtered to a fresh item, and none keeps the part
    (the tenant's whole list, which every other check fills, took 15 s a walk at 50 ms)."""
    finding, walks, kept, _ = _run(tmp_path, "PAGE-FILTER", op, listed=listed)
    assert finding.outcome is Outcome.PASSED, finding.message
    assert walks
    assert all(_filtered(query, name) for query in walks), walks
    assert any(len(query.split("&")) > 2 for query in walks), walks  # another filter with it
    assert kept == []
    # Items were made naming (or under) two fresh items or more, some that no walk names.
    named = set(MADE)
    walked = {pair.split("=", 1)[1] for query in walks for pair in query.split("&")
              if pair.startswith(f"{name}=")}  # fmt: skip
    assert len(named) >= 2, named
    assert named - walked, (walked, named)  # made beside the scope, for its walk to leave out


@pytest.mark.parametrize(
    ("bug", "invariant"),
    [
        ("page-enrolments-course-ignored", "PAGE-FILTER"),
        ("ten-enrolments-every-school", "TEN-LIST"),
    ],
)
def test_a_course_filter_ignored_and_a_leak_are_found(
    tmp_path: Path, bug: str, invariant: str
) -> None:
    """The filter the scope relies on, ignored: every walk shows the school's other
    enrolments, which PAGE-FILTER's walk for another course reports."""
    campus.BUGS.add(bug)
    finding, _, _, _ = _run(tmp_path, invariant, "listEnrolments", listed=ENROLMENTS)
    assert finding.outcome is Outcome.VIOLATION, finding.message


def test_a_filter_the_scope_relies_on_ignored_fails_the_walk_at_once(tmp_path: Path) -> None:
    """A server ignoring the course filter shows the school's whole list in every scope of a
    fresh course: the walk fails on the first item of another course instead of going
    through the whole list a few items a page (12,028 pages in one planted-bug run)."""
    campus.BUGS.add("page-enrolments-course-ignored")
    finding, walks, _, _ = _run(tmp_path, "PAGE-COMPLETE", "listEnrolments", listed=ENROLMENTS)
    assert finding.outcome is Outcome.VIOLATION, finding.message
    assert "to keep only items whose course_id equals it" in finding.expected
    assert len(walks) < 40, len(walks)


METERS = (
    """\
from typing import Annotated

from pydantic import Field

from synth.contract import Api, Filter, Limit, Model, Offset, Page, RequestModel, Unique

api = Api("Meters", "1.0.0")
"""
    + STANDARD_ERRORS
    + """
TAKEN = api.error("serial_taken", 409, "Serial taken", "Another meter has this serial.")
SiteId = Annotated[str, Field(pattern=r"^site_[0-9a-f]{8}$")]
MeterId = Annotated[str, Field(pattern=r"^mtr_[0-9a-f]{8}$")]


class SiteIn(RequestModel):
    name: Annotated[str, Field(min_length=1, max_length=40)]


class Site(Model):
    id: SiteId
    name: str


class MeterIn(RequestModel):
    serial: Annotated[str, Field(min_length=4, max_length=20), Unique()]
    label: Annotated[str, Field(min_length=1, max_length=60)]


class Meter(Model):
    id: MeterId
    site_id: SiteId
    serial: str
    label: str


class MeterPage(Page[Meter]):
    pass


class SitePage(Page[Site]):
    pass


@api.post("/sites", status=201)
def create_site(body: SiteIn) -> Site: ...


@api.get("/sites", paginated=Offset(order=("id",), limit=Limit(default=10, max=50)))
def list_sites() -> SitePage: ...


@api.get("/sites/{site_id}")
def get_site(site_id: SiteId) -> Site: ...


@api.post("/sites/{site_id}/meters", status=201, errors=[TAKEN])
def create_meter(site_id: SiteId, body: MeterIn) -> Meter: ...


@api.get("/meters", paginated=Offset(order=("id",), limit=Limit(default=10, max=50)))
def list_meters(
    site_id: Annotated[SiteId | None, Filter("site_id")] = None,
) -> MeterPage: ...


@api.get("/meters/{meter_id}")
def get_meter(meter_id: MeterId) -> Meter: ...
"""
)


def test_a_create_under_another_collections_item_is_no_action(tmp_path: Path) -> None:
    """A new user's energy API: meters made at ``POST /sites/{site_id}/meters`` (nothing else
    at that path) and read at ``GET /meters/{meter_id}``. The POST was taken for an action on
    a site, so it was no create of meters (without ``created_by``, the meters' read had no
    creator), had no TEN-CHILD nor VAL-BOUND, and nothing said so. Its 409 is its unique
    serial's, which fresh values avoid: a fresh site isolates ``GET /meters?site_id=``."""
    root = tmp_path / "meters"
    root.mkdir()
    (root / "__init__.py").write_text("")
    (root / "api.py").write_text(METERS)
    api = load(root)
    graph = Graph(api)
    create = api.operation("createMeter")
    assert not graph.is_action(create)
    assert graph.item_creator(api.operation("getMeter")) is create
    assert {"TEN-CHILD", "VAL-BOUND"} <= {e.id for op, e in applicable(api)
                                         if op.operation_id == "createMeter"}  # fmt: skip
    found = parent_filter(api, graph, create, api.operation("listMeters"))
    assert found is not None
    assert found[0] == "site_id"
    lines = describe_isolation(api, Schemas(api), graph)
    assert "  listMeters: under a fresh parent named by its site_id filter" in lines
    assert any(line.startswith("  listSites: walked whole") for line in lines), lines


def test_the_dry_run_says_how_each_list_is_isolated() -> None:
    api = load(CONTRACTS)
    lines = describe_isolation(api, Schemas(api), Graph(api))
    assert lines[0] == "lists (how a check keeps its own items apart in each):"
    assert "  listTrips: naming a fresh /drivers item, by its driver_id filter" in lines
    assert "  listDrivers: by the check's marker in its q filter (icontains name)" in lines


def test_a_parent_whose_state_may_refuse_a_second_item_is_said(tmp_path: Path) -> None:
    """The meters' create declaring a 409 of a site's own state (``site_full``) besides its
    unique serial's: a fresh site may refuse a second meter, so no scope isolates the meters
    list by its site_id filter, and the dry run says why it is walked whole."""
    root = tmp_path / "meters_full"
    root.mkdir()
    (root / "__init__.py").write_text("")
    full = METERS.replace(
        "errors=[TAKEN])",
        "errors=[TAKEN, FULL])",
    ).replace(
        "SiteId = ",
        'FULL = api.error("site_full", 409, "Site full", "The site takes no more meters.")\n'
        "SiteId = ",
    )
    assert full.count("FULL") == 2
    (root / "api.py").write_text(full)
    api = load(root)
    graph = Graph(api)
    lister, create = api.operation("listMeters"), api.operation("createMeter")
    assert parent_filter(api, graph, create, lister) is None
    assert not may_isolate(api, Schemas(api), graph, lister)
    lines = describe_isolation(api, Schemas(api), graph)
    said = next(line for line in lines if line.startswith("  listMeters: walked whole"))
    assert "its site_id filter names a parent, but createMeter declares a 409" in said, said
