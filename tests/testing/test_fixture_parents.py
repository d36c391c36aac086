"""Fixture parents on an API of sites, rooms and bookings (tests/testing/rooms.py).

Examples share each tenant's parents above the one a check needs fresh, so sites, which
cannot be deleted, do not pile up example after example. A room takes one open booking at a
time: seeding a room's bookings list ends the open booking (an action on the collection's
items) before booking again, and says so when nothing frees the room.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest

import synth
from synth.testing import config_from_options
from synth.testing.cli import run_suite
from tests._generated import write_tests
from tests.testing.rooms import TENANTS, Rooms, app, write_contracts

PAGES = ["PAGE-COMPLETE", "PAGE-ORDER", "PAGE-LIMIT", "PAGE-CONCURRENT", "PAGE-CURSOR"]
CHECKS = [(inv, "listBookings") for inv in PAGES] + [
    ("TEN-READ", "getBooking"), ("TEN-WRITE", "endBooking"), ("TEN-READ", "getRoom"),
    ("TEN-CHILD", "createBooking"), ("ERR-VALIDATION", "getBooking"),
]  # fmt: skip


@pytest.fixture(scope="module")
def rooms_api(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("rooms")
    contracts = write_contracts(root)
    write_tests(synth.load(contracts), root / "out")
    return contracts, root / "out" / "tests"


def _run(
    api: tuple[Path, Path],
    tmp_path: Path,
    served: Rooms,
    checks: list[tuple[str, str]],
    *,
    front: Any = None,
) -> tuple[int, str]:
    """Run ``checks`` against ``served`` (behind ``front``, an ASGI app around it, if any)."""
    contracts, tests = api
    served_app = app(served) if front is None else front(app(served))
    config = config_from_options(
        app=served_app, tenants=TENANTS, seed=1, contracts=contracts, env={}, profile="quick"
    )
    report = tmp_path / "report.md"
    select = " or ".join(f"{op}__{inv.replace('-', '_')}" for inv, op in checks)
    code = run_suite(config, tests, select=select, report=report, extra=["-p", "no:randomly"])
    return code, report.read_text(encoding="utf-8") if report.exists() else ""


def _outcomes(report: str) -> dict[tuple[str, str], str]:
    rows = re.findall(r"^\| ([A-Z-]+) \| `(\w+)` \| (\w+) \|", report, re.MULTILINE)
    return {(inv, op): outcome for inv, op, outcome in rows}


def test_checks_on_rooms_and_bookings_share_each_tenants_sites(
    rooms_api: tuple[Path, Path], tmp_path: Path
) -> None:
    """Every check passes, the bookings list's paging ones included; a site a check needs
    only as an ancestor is made once per tenant, while each example gets rooms of its own."""
    served = Rooms()
    code, report = _run(rooms_api, tmp_path, served, CHECKS)
    assert code == 0, report
    assert _outcomes(report) == dict.fromkeys(CHECKS, "passed"), report
    sites = sorted(tenant for tenant, _ in served.sites.values())
    assert sites == ["a", "b"], sites
    assert len(served.rooms) > 10, len(served.rooms)
    ended = [b for _, b in served.bookings.values() if b["status"] == "ended"]
    assert ended, "no booking was ended to free its room"


def test_a_room_that_stays_refused_leaves_the_list_checks_skipped_with_the_409(
    rooms_api: tuple[Path, Path], tmp_path: Path
) -> None:
    """Nothing frees a room (the server keeps refusing after the booking ended): the paging
    checks that need two bookings in one room are not exercised, and say why."""
    checks = [("PAGE-ORDER", "listBookings")]
    code, report = _run(rooms_api, tmp_path, Rooms(end_keeps_room=True), checks)
    assert code == 0, report
    assert _outcomes(report) == {("PAGE-ORDER", "listBookings"): "skipped"}, report
    assert "409 'room_booked'" in report, report


def test_a_list_that_drops_a_booking_is_reported_by_page_complete(
    rooms_api: tuple[Path, Path], tmp_path: Path
) -> None:
    """The bookings seeded by ending each one before the next are all walked for."""
    checks = [("PAGE-COMPLETE", "listBookings")]
    code, report = _run(rooms_api, tmp_path, Rooms(skip_second=True), checks)
    assert code == 1, report
    assert _outcomes(report) == {("PAGE-COMPLETE", "listBookings"): "violation"}, report


def test_a_reproduction_makes_the_shared_parents_it_needs(
    rooms_api: tuple[Path, Path], tmp_path: Path
) -> None:
    """A room read by any tenant (TEN-READ): the room's site was made by an earlier example
    and shared, and the reproduction still starts by making a site, then the room."""
    code, report = _run(rooms_api, tmp_path, Rooms(room_any_tenant=True), [("TEN-READ", "getRoom")])
    assert code == 1, report
    assert _outcomes(report) == {("TEN-READ", "getRoom"): "violation"}, report
    steps = re.findall(r"^ *curl -sS -i (?:-X (\w+) )?\S*?(/v1/\S*)", report, re.MULTILINE)
    paths = [(method or "GET", re.sub(r"_[0-9]{6}", "_N", path)) for method, path in steps]
    assert paths[:3] == [
        ("POST", "/v1/sites"), ("POST", "/v1/sites/st_N/rooms"), ("GET", "/v1/sites/st_N/rooms/rm_N"),
    ], paths  # fmt: skip


def test_a_long_list_that_cannot_be_isolated_is_walked_in_few_pages(
    rooms_api: tuple[Path, Path], tmp_path: Path
) -> None:
    """Sites cannot be deleted nor filtered: the paging checks walk all of tenant a's sites.
    With 1,000 already there, the walk's limit grows with the list (about 10 pages a walk)
    instead of staying at 1 to 4 (250 to 1,000 pages)."""
    served = Rooms(counter=5000)  # the sites the checks make sort after these
    for n in range(1000):
        site = {"id": f"st_{n:06d}", "name": f"site {n}"}
        served.sites[site["id"]] = ("a", site)
    checks = [("PAGE-CONCURRENT", "listSites"), ("PAGE-COMPLETE", "listSites")]
    code, report = _run(rooms_api, tmp_path, served, checks)
    assert code == 0, report
    assert _outcomes(report) == dict.fromkeys(checks, "passed"), report
    requests = [int(n) for n in re.findall(r"^\| PAGE-\w+ \| `listSites` \| passed \| [0-9.]+ \| (\d+) \|",
                                           report, re.MULTILINE)]  # fmt: skip
    assert len(requests) == 2, report
    # Each example walks the list twice (its baseline, then the check's walk).
    assert max(requests) < 600, requests


@pytest.mark.parametrize(("served", "outcome"), [(Rooms(), "passed"), (Rooms(skip_second=True), "violation")],
                         ids=["correct", "skips-second"])  # fmt: skip
def test_a_list_of_every_booking_seeds_in_a_shared_room_replaced_once_booked(
    rooms_api: tuple[Path, Path], tmp_path: Path, served: Rooms, outcome: str
) -> None:
    """``GET /bookings`` names no room: its seeds go to the tenant's shared room, which the
    first example leaves booked. That room is replaced by a new one (as a fixture's is), so
    the paging checks run and judge, instead of being skipped with 409 room_booked."""
    checks = [("PAGE-COMPLETE", "listAllBookings")]
    code, report = _run(rooms_api, tmp_path, served, checks)
    assert code == (0 if outcome == "passed" else 1), report
    assert _outcomes(report) == dict.fromkeys(checks, outcome), report


def test_two_worlds_of_bookings_replace_the_shared_room_the_first_left_booked(
    rooms_api: tuple[Path, Path], tmp_path: Path
) -> None:
    """TEN-NONINTERFERENCE books B's room in the quiet world, then again in the noisy one: the
    shared room refuses the second booking (409 room_booked, declared), and is replaced, as a
    fixture's refused parent is, instead of every example being set aside."""
    checks = [("TEN-NONINTERFERENCE", "getBooking"), ("TEN-NONINTERFERENCE", "listAllBookings")]
    code, report = _run(rooms_api, tmp_path, Rooms(), checks)
    assert code == 0, report
    assert _outcomes(report) == dict.fromkeys(checks, "passed"), report


class _Creates:
    """In front of the rooms: the most rooms, and the most bookings, being created at once."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.now = {"rooms": 0, "bookings": 0}
        self.most = dict(self.now)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        kind = None
        if scope["type"] == "http" and scope["method"] == "POST":
            kind = scope["path"].rsplit("/", 1)[-1]
        if kind not in self.now:
            await self.app(scope, receive, send)
            return
        self.now[kind] += 1
        self.most[kind] = max(self.most[kind], self.now[kind])
        try:
            await asyncio.sleep(0.005)  # long enough for the others sent with it to arrive
            await self.app(scope, receive, send)
        finally:
            self.now[kind] -= 1


@pytest.mark.parametrize(("served", "outcome"), [(Rooms(), "passed"), (Rooms(skip_second=True), "violation")],
                         ids=["correct", "skips-second"])  # fmt: skip
def test_items_that_each_need_a_parent_of_their_own_are_made_together(
    rooms_api: tuple[Path, Path], tmp_path: Path, served: Rooms, outcome: str
) -> None:
    """``GET /bookings`` names no room, and a room takes one booking: once the shared room has
    refused a second, each booking seeded gets a room of its own. The rooms are made together,
    then the bookings together (two round trips, not two per booking), drawing what one at a
    time draws: the correct server passes, and a list that skips a booking is reported and
    confirmed by the replay."""
    checks = [("PAGE-COMPLETE", "listAllBookings"), ("PAGE-END", "listAllBookings")]
    fronts: list[_Creates] = []

    def front(inner: Any) -> _Creates:
        fronts.append(_Creates(inner))
        return fronts[-1]

    code, report = _run(rooms_api, tmp_path, served, checks, front=front)
    assert _outcomes(report)["PAGE-COMPLETE", "listAllBookings"] == outcome, report
    assert code == (0 if outcome == "passed" else 1), report
    assert "unconfirmed" not in report.lower(), report
    assert fronts[0].most["rooms"] > 1, fronts[0].most
    assert fronts[0].most["bookings"] > 1, fronts[0].most
