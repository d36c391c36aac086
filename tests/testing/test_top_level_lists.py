"""A list at the top of items made under a parent, declared as the items' collection.

The rooms API (tests/testing/rooms.py) with ``GET /bookings`` declared as the bookings'
collection (``api.resource("/bookings", Booking, ..., created_by="create_booking")``), as a
user does for a fleet's ``GET /trips`` of trips started under a vehicle: the checks of the
create then count and read in two collections. A fresh room isolates nothing in ``GET
/bookings`` (every room's bookings are listed there), and the booking is read back at its
item path under the room, the declared collection having none of its own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import synth
from synth.relations import Graph
from synth.spec import ApiSpec
from synth.testing import Target, config_from_options
from tests._generated import write_tests
from tests.testing.conftest import TOKENS
from tests.testing.rooms import Rooms
from tests.testing.rooms import write_contracts as write_rooms
from tests.testing.test_fixture_parents import _outcomes, _run

DECLARED = """

api.resource("/bookings", Booking, id_param="booking_id", created_by="create_booking")
"""


@pytest.fixture(scope="module")
def declared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("rooms-declared")
    contracts = write_rooms(root)
    with (contracts / "api.py").open("a", encoding="utf-8") as module:
        module.write(DECLARED)
    write_tests(synth.load(contracts), root / "out")
    return contracts, root / "out" / "tests"


def test_the_declared_list_is_the_create_s_and_the_item_is_read_under_its_room(
    declared: tuple[Path, Path],
) -> None:
    api = synth.load(declared[0])
    graph = Graph(api)
    create = api.operation("createBooking")
    lister = graph.lister_of(create)
    assert lister is not None
    assert lister.operation_id == "listAllBookings"
    reader = graph.reader(create)
    assert reader is not None
    assert reader.operation_id == "getBooking"


def test_a_correct_server_passes_where_the_list_shows_every_room_s_bookings(
    declared: tuple[Path, Path], tmp_path: Path
) -> None:
    """TEN-CHILD took every booking tenant A has, listed at /bookings, for children B made
    under A's fresh room: a false report on a correct server."""
    checks = [("TEN-ASSIGN", "createBooking"), ("TEN-CHILD", "createBooking"),
              ("PAGE-COMPLETE", "listAllBookings")]  # fmt: skip
    served = Rooms(counter=100)  # tenant a already has a room with a booking
    served.sites["st_000001"] = ("a", {"id": "st_000001", "name": "old"})
    served.rooms["rm_000002"] = ("a", {"id": "rm_000002", "site_id": "st_000001", "name": "old"})
    served.bookings["bk_000003"] = ("a", {"id": "bk_000003", "room_id": "rm_000002",
                                          "guest": "old", "status": "open", "ended_here": False})  # fmt: skip
    code, report = _run(declared, tmp_path, served, checks)
    assert code == 0, report
    assert _outcomes(report) == dict.fromkeys(checks, "passed"), report


def test_a_path_parameter_left_unfilled_is_never_sent(api: ApiSpec) -> None:
    """An item of a top-level list that does not name its parent could leave the parent's
    parameter without a value: that is synth's bug, raised, never a request to a literal
    ``{contact_id}``. A value that merely contains braces is sent, escaped."""
    config = config_from_options(base_url="http://127.0.0.1:9", tenants=TOKENS, env={})
    target = Target(config, api)
    template = "/contacts/{contact_id}/interactions"
    with pytest.raises(RuntimeError, match=r"contact_id of /contacts/\{contact_id\}/interactions"):
        target.path(template, {})
    assert target.path(template, {"contact_id": "{x}"}) == "/api/v1/contacts/%7Bx%7D/interactions"
