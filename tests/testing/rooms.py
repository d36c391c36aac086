"""A small API of sites, their rooms and each room's bookings, for tests of fixture parents.

Sites cannot be deleted, and a room takes one open booking at a time: a second
``POST /sites/{site_id}/rooms/{room_id}/bookings`` is answered 409 ``room_booked`` until the
open one is ended by ``POST /bookings/{booking_id}/end`` (an action on a booking, which is read
at ``/bookings/{booking_id}``); ``GET /bookings`` lists all of a tenant's bookings, across its
rooms. ``app`` serves it correctly; its switches plant one bug each.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests._taxonomy import STANDARD_ERRORS
from tests.testing.vault import _after, _cursor, _invalid, _problem

TENANTS = ["a=tok_rooms_a_0123456789", "b=tok_rooms_b_9876543210"]
_TOKENS = {"tok_rooms_a_0123456789": "a", "tok_rooms_b_9876543210": "b"}
_IDS = {"site_id": re.compile(r"st_[0-9]{6}"), "room_id": re.compile(r"rm_[0-9]{6}"),
        "booking_id": re.compile(r"bk_[0-9]{6}")}  # fmt: skip

CONTRACTS = '''\
"""Sites, their rooms, and the bookings of each room (one open at a time)."""

from typing import Annotated, Literal

from pydantic import Field

from synth.contract import Api, Cursor, Limit, Model, Page, RequestModel

api = Api("Rooms", "1.0.0", base_path="/v1")
{errors}
ROOM_BOOKED = api.error("room_booked", 409, "Room booked", "The room has an open booking.")
BOOKING_ENDED = api.error("booking_ended", 409, "Booking ended", "The booking has ended.")

SiteId = Annotated[str, Field(pattern=r"^st_[0-9]{{6}}$")]
RoomId = Annotated[str, Field(pattern=r"^rm_[0-9]{{6}}$")]
BookingId = Annotated[str, Field(pattern=r"^bk_[0-9]{{6}}$")]
Name = Annotated[str, Field(min_length=1, max_length=40)]


class SiteBody(RequestModel):
    name: Name


class Site(Model):
    id: SiteId
    name: str


class SitePage(Page[Site]):
    pass


class RoomBody(RequestModel):
    name: Name


class Room(Model):
    id: RoomId
    site_id: SiteId
    name: str


class RoomPage(Page[Room]):
    pass


class BookingBody(RequestModel):
    guest: Name


class Booking(Model):
    id: BookingId
    room_id: RoomId
    guest: str
    status: Literal["open", "ended"]


class BookingPage(Page[Booking]):
    pass


@api.post("/sites", status=201)
def create_site(body: SiteBody) -> Site:
    """Open a site (sites are never deleted)."""


@api.get("/sites", paginated=Cursor(order=("id",), limit=Limit(default=20, max=50)))
def list_sites() -> SitePage:
    """The tenant's sites."""


@api.post("/sites/{{site_id}}/rooms", status=201)
def create_room(site_id: SiteId, body: RoomBody) -> Room:
    """Add a room to a site."""


@api.get("/sites/{{site_id}}/rooms/{{room_id}}")
def get_room(site_id: SiteId, room_id: RoomId) -> Room:
    """One room."""


@api.post("/sites/{{site_id}}/rooms/{{room_id}}/bookings", status=201, errors=[ROOM_BOOKED])
def create_booking(site_id: SiteId, room_id: RoomId, body: BookingBody) -> Booking:
    """Book a room; it takes one open booking at a time."""


@api.get(
    "/sites/{{site_id}}/rooms/{{room_id}}/bookings",
    paginated=Cursor(order=("id",), limit=Limit(default=20, max=50)),
)
def list_bookings(site_id: SiteId, room_id: RoomId) -> BookingPage:
    """A room's bookings, oldest first."""


@api.get("/bookings", paginated=Cursor(order=("id",), limit=Limit(default=20, max=50)))
def list_all_bookings() -> BookingPage:
    """Every booking of the tenant, across its rooms, oldest first."""


@api.get("/bookings/{{booking_id}}")
def get_booking(booking_id: BookingId) -> Booking:
    """One booking."""


@api.post("/bookings/{{booking_id}}/end", status=200, errors=[BOOKING_ENDED])
def end_booking(booking_id: BookingId) -> Booking:
    """End a booking: its room can be booked again."""
'''


def write_contracts(root: Path) -> Path:
    """The rooms API's contracts as a package under ``root``."""
    contracts = root / "contracts"
    contracts.mkdir()
    (contracts / "__init__.py").write_text("")
    (contracts / "api.py").write_text(CONTRACTS.format(errors=textwrap.indent(STANDARD_ERRORS, "")))
    return contracts


@dataclass
class Rooms:
    """Every tenant's sites, rooms and bookings; each switch plants one bug."""

    end_keeps_room: bool = False  # ending a booking leaves its room refusing new ones
    skip_second: bool = False  # the bookings list leaves out every page's second booking
    room_any_tenant: bool = False  # a room is read whichever tenant owns it
    sites: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    rooms: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    bookings: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    counter: int = 0

    def new_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}_{self.counter:06d}"


Handler = Callable[[Request, str, Rooms], Awaitable[Response]]


def _endpoint(rooms: Rooms, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        tenant = _TOKENS.get(request.headers.get("authorization", "").removeprefix("Bearer "))
        if tenant is None:
            return _problem(401, "unauthenticated")
        for name, value in request.path_params.items():
            if not _IDS[name].fullmatch(value):
                return _invalid("path", name)
        return await handler(request, tenant, rooms)

    return endpoint


def _own(
    table: dict[str, tuple[str, dict[str, Any]]], key: str, tenant: str
) -> dict[str, Any] | None:
    found = table.get(key)
    return found[1] if found is not None and found[0] == tenant else None


async def _name(request: Request, name: str) -> str | Response:
    """The body's one field ``name``, or the 422 naming what is wrong with the body."""
    try:
        body = json.loads(await request.body())
    except ValueError:
        return _invalid("body", name)
    if not isinstance(body, dict):
        return _invalid("body", name)
    unknown = sorted(set(body) - {name})
    if unknown:
        return _invalid("body", unknown[0])
    value = body.get(name)
    if not isinstance(value, str) or not 1 <= len(value) <= 40:
        return _invalid("body", name)
    return value


def _page(request: Request, tenant: str, scope: str, items: list[dict[str, Any]],
          skip_second: bool = False) -> Response:  # fmt: skip
    raw = request.query_params.get("limit", "20")
    if not re.fullmatch(r"-?[0-9]+", raw) or not 1 <= int(raw) <= 50:
        return _invalid("query", "limit")
    cursor = request.query_params.get("cursor")
    after = _after(cursor, tenant, scope) if cursor is not None else ""
    if after is None:
        return _problem(400, "invalid_cursor")
    rest = sorted((i for i in items if i["id"] > after), key=lambda i: i["id"])
    page = rest[: int(raw)]
    more = len(rest) > int(raw)
    shown = [i for n, i in enumerate(page) if not (skip_second and n == 1)]
    return JSONResponse(
        {"items": shown, "next_cursor": _cursor(tenant, scope, page[-1]["id"]) if more else None}
    )


async def create_site(request: Request, tenant: str, rooms: Rooms) -> Response:
    name = await _name(request, "name")
    if isinstance(name, Response):
        return name
    site = {"id": rooms.new_id("st"), "name": name}
    rooms.sites[site["id"]] = (tenant, site)
    return JSONResponse(site, 201)


async def list_sites(request: Request, tenant: str, rooms: Rooms) -> Response:
    return _page(request, tenant, "sites", [s for t, s in rooms.sites.values() if t == tenant])


async def create_room(request: Request, tenant: str, rooms: Rooms) -> Response:
    site_id = request.path_params["site_id"]
    if _own(rooms.sites, site_id, tenant) is None:
        return _problem(404, "not_found")
    name = await _name(request, "name")
    if isinstance(name, Response):
        return name
    room = {"id": rooms.new_id("rm"), "site_id": site_id, "name": name}
    rooms.rooms[room["id"]] = (tenant, room)
    return JSONResponse(room, 201)


def _room(request: Request, tenant: str, rooms: Rooms) -> dict[str, Any] | None:
    room = _own(rooms.rooms, request.path_params["room_id"], tenant)
    return room if room is not None and room["site_id"] == request.path_params["site_id"] else None


async def get_room(request: Request, tenant: str, rooms: Rooms) -> Response:
    found = rooms.rooms.get(request.path_params["room_id"])
    owner = found[0] if found is not None and rooms.room_any_tenant else tenant
    room = _room(request, owner, rooms)
    return _problem(404, "not_found") if room is None else JSONResponse(room)


async def create_booking(request: Request, tenant: str, rooms: Rooms) -> Response:
    room = _room(request, tenant, rooms)
    if room is None:
        return _problem(404, "not_found")
    guest = await _name(request, "guest")
    if isinstance(guest, Response):
        return guest
    mine = [b for _, b in rooms.bookings.values() if b["room_id"] == room["id"]]
    if any(b["status"] == "open" or (rooms.end_keeps_room and b["ended_here"]) for b in mine):
        return _problem(409, "room_booked")
    booking = {"id": rooms.new_id("bk"), "room_id": room["id"], "guest": guest, "status": "open"}
    rooms.bookings[booking["id"]] = (tenant, {**booking, "ended_here": False})
    return JSONResponse(booking, 201)


def _shown(booking: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in booking.items() if k != "ended_here"}


async def list_bookings(request: Request, tenant: str, rooms: Rooms) -> Response:
    room = _room(request, tenant, rooms)
    if room is None:
        return _problem(404, "not_found")
    mine = [_shown(b) for _, b in rooms.bookings.values() if b["room_id"] == room["id"]]
    return _page(request, tenant, room["id"], mine, rooms.skip_second)


async def list_all_bookings(request: Request, tenant: str, rooms: Rooms) -> Response:
    mine = [_shown(b) for owner, b in rooms.bookings.values() if owner == tenant]
    return _page(request, tenant, "bookings", mine, rooms.skip_second)


async def get_booking(request: Request, tenant: str, rooms: Rooms) -> Response:
    booking = _own(rooms.bookings, request.path_params["booking_id"], tenant)
    return _problem(404, "not_found") if booking is None else JSONResponse(_shown(booking))


async def end_booking(request: Request, tenant: str, rooms: Rooms) -> Response:
    booking = _own(rooms.bookings, request.path_params["booking_id"], tenant)
    if booking is None:
        return _problem(404, "not_found")
    if booking["status"] == "ended":
        return _problem(409, "booking_ended")
    booking.update(status="ended", ended_here=True)
    return JSONResponse(_shown(booking))


def app(rooms: Rooms) -> Starlette:
    """The rooms API served under ``/v1``."""
    room = "/v1/sites/{site_id}/rooms/{room_id}"
    routes = [
        ("/v1/sites", create_site, "POST"), ("/v1/sites", list_sites, "GET"),
        ("/v1/sites/{site_id}/rooms", create_room, "POST"), (room, get_room, "GET"),
        (room + "/bookings", create_booking, "POST"), (room + "/bookings", list_bookings, "GET"),
        ("/v1/bookings", list_all_bookings, "GET"), ("/v1/bookings/{booking_id}", get_booking, "GET"),
        ("/v1/bookings/{booking_id}/end", end_booking, "POST"),
    ]  # fmt: skip
    return Starlette(routes=[Route(p, _endpoint(rooms, h), methods=[m]) for p, h, m in routes])
