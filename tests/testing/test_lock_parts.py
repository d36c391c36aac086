"""The parts of the API a run's locks keep (``_context.lock_parts``) are finer than
``Graph.parts``: needing an item of another collection (a parent, a referenced item) does not
join an operation to that collection's part. The fleet example's trips need a vehicle (their
parent) and a driver (a reference): a walk keeping the trips list waits for no vehicle's or
driver's check, nor they for it. A trip's check that makes a vehicle holds the vehicles part's
writes lock while that write is in flight (``RunLock.try_writes``), which a walk keeping the
vehicles list holds exclusive: the list it walks grows with no other part's write. What the
object-level check may reach (its ``Graph.parts`` part) it keeps whole.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from examples.fleet import server as fleet
from examples.fleet.example import CONTRACTS, TENANTS
from examples.reference_server.process import ROOT
from synth import load
from synth.relations import Graph
from synth.testing import config_from_options
from synth.testing._context import _acyclic, lock_parts
from synth.testing._data import Schemas
from synth.testing._http import Request
from synth.testing._lock import QUOTA_POLL, RunLock
from synth.testing._parallel import hold
from synth.testing._target import Target
from tests._waiting import until


def _groups(parts: dict[str, str]) -> list[list[str]]:
    found: dict[str, list[str]] = {}
    for op, part in sorted(parts.items()):
        found.setdefault(part, []).append(op)
    return sorted(found.values())


def _lock_parts(contracts: Path) -> tuple[dict[str, str], dict[str, str]]:
    api = load(contracts)
    graph = Graph(api)
    return graph.parts(), dict(lock_parts(api, Schemas(api), graph).of)


def test_collections_whose_lists_are_isolated_are_parts_of_their_own() -> None:
    whole, kept = _lock_parts(CONTRACTS)
    assert len(set(whole.values())) == 1  # every fleet operation reaches the drivers and vehicles
    assert _groups(kept) == [
        ["createDriver", "deleteDriver", "getDriver", "listDrivers"],
        ["createVehicle", "getVehicle", "listVehicles", "retireVehicle", "updateVehicle"],
        ["endTrip", "getTrip", "listTrips", "startTrip"],
    ]
    # Each is named by its first operation, and the whole part keeps the name of one of them.
    assert set(whole.values()) <= set(kept.values())


def test_a_parent_walked_whole_is_a_part_of_its_own() -> None:
    """The tracker's projects list has no filter a marker goes into, so a walk of it keeps its
    part; a task check's project is counted by that walk, and is made holding the projects
    part's writes lock (``RunLock.try_writes``), so tasks go apart all the same. The CRM's
    interactions (under a contact) go apart too."""
    whole, kept = _lock_parts(ROOT / "examples" / "tracker" / "contracts")
    assert whole["createTask"] == whole["listProjects"]
    assert kept["createTask"] != kept["listProjects"]
    assert kept["completeTask"] == kept["createTask"]
    whole, kept = _lock_parts(ROOT / "contracts")
    assert whole["createInteraction"] == whole["createContact"]
    assert kept["createInteraction"] != kept["createContact"]
    assert kept["createJob"] == whole["createJob"]


def _needs(pairs: dict[str, tuple[str, ...]]) -> SimpleNamespace:
    """A graph of creates, each needing the items of those named (a parent, a reference)."""
    ops = {name: SimpleNamespace(operation_id=name) for name in pairs}
    return SimpleNamespace(
        api=SimpleNamespace(operations=list(ops.values())),
        needed=lambda op: tuple(ops[n] for n in pairs[op.operation_id]),
    )


def test_parts_needing_each_others_items_are_not_split() -> None:
    """Two keepers each writing to the other's part would wait for each other's writes lock:
    where split parts would need each other's items, ``lock_parts`` keeps the earlier parts
    (only lists a scope isolates split), with no writes locks."""
    chain = _needs({"a": ("b",), "b": ("c",), "c": ()})
    assert _acyclic(chain, {"a": "a", "b": "b", "c": "c"})  # type: ignore[arg-type]
    loop = _needs({"a": ("b",), "b": ("c",), "c": ("a",)})
    assert not _acyclic(loop, {"a": "a", "b": "b", "c": "c"})  # type: ignore[arg-type]
    assert not _acyclic(loop, {"a": "a", "b": "a", "c": "c"})  # type: ignore[arg-type]
    assert _acyclic(loop, {"a": "a", "b": "a", "c": "a"})  # type: ignore[arg-type]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    fleet.S = fleet.Store()
    return tmp_path


def _target(folder: Path, lanes: int = 1) -> Target:
    config = config_from_options(app=fleet.app, tenants=[f"{k}={v}" for k, v in TENANTS.items()],
                                 seed=1, env={}, contracts=CONTRACTS)  # fmt: skip
    made = Target(config, load(CONTRACTS))
    made.lock = RunLock(folder, lanes=lanes)
    return made


def _held_within(call: threading.Thread, seconds: float) -> bool:
    call.start()
    call.join(seconds)
    return not call.is_alive()


def _granted_then_let_go(waiting: threading.Thread, made: Target) -> None:
    """``waiting``, a ``hold`` of ``made`` that waited, returns once what it waited for is let
    go; ``made`` then lets its own locks go."""
    waiting.join(5.0)
    assert not waiting.is_alive()
    assert made.lock is not None
    made.lock.release()


def test_a_walk_of_trips_keeps_the_trips_part_alone(folder: Path) -> None:
    """A walk of the trips list keeps the trips part: a driver's or a vehicle's check goes on
    beside it, a trip's check waits for it, and the object-level check of the fleet (over its
    whole ``Graph.parts`` part, drivers, vehicles and trips) waits for it and then keeps all
    three."""
    walker, driver, vehicle, trip, whole = (_target(folder) for _ in range(5))
    try:
        hold(walker, "PAGE-END", "listTrips")
        walker.alone(walker.api.operation("listTrips"))
        assert walker.lock is not None
        assert walker.lock.keeps("endTrip")
        for beside, operation in ((driver, "createDriver"), (vehicle, "updateVehicle")):
            took = threading.Thread(target=hold, args=(beside, "IDEM-REPLAY", operation),
                                    daemon=True)  # fmt: skip
            assert _held_within(took, 5.0), f"{operation}'s check waited for the trips walk"
            assert beside.lock is not None
            beside.lock.release()
        waits = threading.Thread(target=hold, args=(trip, "IDEM-REPLAY", "startTrip"), daemon=True)
        keeps = threading.Thread(target=hold, args=(whole, "OBJECT-LEVEL-AUTHORIZATION",
                                                    "createDriver"), daemon=True)  # fmt: skip
        assert not _held_within(waits, 1.0), "a trip's check went on beside the trips walk"
        assert not _held_within(keeps, 1.0), "the object-level check went on beside the walk"
        walker.lock.release()
        _granted_then_let_go(waits, trip)
        keeps.join(5.0)
        assert not keeps.is_alive()
        assert whole.lock is not None
        assert all(whole.lock.keeps(part) for part in ("createDriver", "createVehicle", "endTrip"))
        took = threading.Thread(target=hold, args=(driver, "IDEM-REPLAY", "createDriver"),
                                daemon=True)  # fmt: skip
        assert not _held_within(took, 1.0), "a driver's check went on beside the object-level one"
        whole.lock.release()
        _granted_then_let_go(took, driver)
    finally:
        for made in (walker, driver, vehicle, trip, whole):
            assert made.lock is not None
            made.lock.release()
            made.close()
            made.lock.close()


def test_a_walk_keeps_its_part_from_other_parts_writes(folder: Path) -> None:
    """Vehicles are made by the trips' checks, which do not hold the vehicles part: a walk of
    the whole vehicles list (its ``make`` filter refused the marker) keeps the vehicles part
    and its writes lock. A trip's check goes on beside it, reads a vehicle, and its write of a
    vehicle waits for the walk's end; a vehicle's own write waits at the part's lock."""
    walker, trip = _target(folder), _target(folder)
    assert walker.lock is not None
    assert trip.lock is not None
    token = TENANTS["a"]
    try:
        hold(walker, "PAGE-END", "listVehicles")
        walker.alone(walker.api.operation("listVehicles"))
        assert walker.lock.held == "shared"
        assert walker.lock.keeps("createVehicle")
        took = threading.Thread(target=hold, args=(trip, "IDEM-REPLAY", "startTrip"), daemon=True)
        assert _held_within(took, 5.0), "a trip's check waited for the vehicles walk"
        read = trip.client.send(Request("a", "GET", "/v1/vehicles/999999", token=token))
        assert read.status == 404
        write = Request("a", "POST", "/v1/vehicles", token=token,
                        json_body={"make": "Volvo", "model": "FH", "plate": "AB-123"},
                        has_body=True)  # fmt: skip
        assert trip.writes_to(write) == (trip.part("createVehicle"),)
        answers: list[int] = []
        sent = threading.Thread(target=lambda: answers.append(trip.client.send(write).status),
                                daemon=True)  # fmt: skip
        assert not _held_within(sent, 1.0), "a vehicle was made while a walk kept the vehicles"
        walker.lock.release()
        sent.join(5.0)
        assert not sent.is_alive(), "the write waited on after the walk ended"
        assert answers
        trip.lock.release()
        hold(walker, "PAGE-END", "listTrips")
        walker.alone(walker.api.operation("listTrips"))
        assert walker.lock.held == "shared"
        assert walker.lock.keeps("endTrip")
    finally:
        for made in (walker, trip):
            assert made.lock is not None
            made.lock.release()
            made.close()
            made.lock.close()


def test_writes_locks_are_taken_all_or_none_lane_by_lane(tmp_path: Path) -> None:
    """A write to another part holds that part's writes lock in its tenant's lane while in
    flight (``RunLock.try_writes``); a walk keeping one lane of a part holds that lane's writes
    lock exclusive. What cannot all be had at once is not held at all: the caller tries again
    later, holding nothing another keeper could wait for."""
    walk, writer, rooms = (RunLock(tmp_path, lanes=2) for _ in range(3))
    try:
        walk.shared("courses", lane=1)
        walk.exclusive_part("courses", lane=1)
        writer.shared("enrolments", lane=0)
        taken = writer.try_writes(["courses"], 0)
        assert taken == [("courses", 0)]  # the other tenant's lane: the walk does not count it
        writer.give_writes(taken)
        assert writer.try_writes(["courses", "rooms"], 1) is None
        assert writer.try_writes(["courses"], None) is None
        assert writer.try_writes(["enrolments"], 1) == []  # its own part, held already
        rooms.shared("rooms")
        kept = threading.Thread(target=rooms.exclusive_part, args=("rooms",), daemon=True)
        assert _held_within(kept, 5.0), "a writes lock a failed try took was not let go"
        assert writer.try_writes(["rooms"], 0) is None
        rooms.release()
        walk.release()
        taken = writer.try_writes(["courses", "rooms"], None)
        assert taken == [("courses", 0), ("courses", 1), ("rooms", 0), ("rooms", 1)]
        walk.shared("courses")
        keeps = threading.Thread(target=walk.exclusive_part, args=("courses",), daemon=True)
        assert not _held_within(keeps, 0.5), "a walk kept its part beside a write in flight"
        writer.give_writes(taken)
        keeps.join(5.0)
        assert not keeps.is_alive()
    finally:
        for lock in (walk, writer, rooms):
            lock.close()


def _write_when_free(folder: str, done: Any, part: str) -> None:
    """In a process of its own: a test of the enrolments part acting as the first tenant,
    polling to write to ``part`` (a course: ``Client`` polls every ``QUOTA_POLL``) until it
    may, then holding the write a moment, as a request in flight does."""
    lock = RunLock(folder, lanes=2)
    lock.shared("enrolments", lane=0)
    deadline = time.monotonic() + 20.0
    while time.monotonic() < deadline:
        taken = lock.try_writes([part], 0)
        if taken is not None:
            done.set()
            time.sleep(0.1)
            lock.give_writes(taken)
            break
        time.sleep(QUOTA_POLL)
    lock.close()


def _writer(folder: Path, part: str = "courses") -> tuple[Any, Any]:
    context = multiprocessing.get_context("spawn")  # not fork: the test process runs threads
    done = context.Event()
    process = context.Process(target=_write_when_free, args=(str(folder), done, part),
                              daemon=True)  # fmt: skip
    process.start()
    return process, done


def _wanted(folder: Path, part: str = "courses") -> bool:
    return any(folder.glob(f"wants-{part}.0.*"))


def _keep_while_a_write_waits(lock: RunLock, folder: Path, part: str = "courses") -> None:
    """``lock``'s test keeps the first lane of ``part``, and the writer says it waits."""
    lock.shared(part, lane=0)
    lock.exclusive_part(part, lane=0)
    assert until(lambda: _wanted(folder, part), 30.0), "the writer never said it waits"


def test_a_check_keeping_a_part_lets_a_waiting_write_in_between_its_examples(
    tmp_path: Path,
) -> None:
    """A write another part's test waits to send to a part a check keeps (a course made as an
    enrolment's parent while the courses list is walked) goes in between two of the check's
    examples (``RunLock.let_in``), not after the whole check: it polls for the writes lock,
    which the keeper holds but for moments. The keeper holds the lock again after it, and a
    list it walked whole before is walked again (``releases``)."""
    keeper, other = RunLock(tmp_path, lanes=2), RunLock(tmp_path, lanes=2)
    process, done = _writer(tmp_path)
    try:
        _keep_while_a_write_waits(keeper, tmp_path)
        assert not done.wait(0.5), "a course was made while the walk kept the courses"
        quiet = keeper.releases
        keeper.let_in()
        assert done.is_set(), "the waiting write did not go in between two examples"
        assert keeper.releases > quiet
        assert other.try_writes(["courses"], 0) is None, "the keeper did not take it back"
        other.release()  # its test ends: it waits no more
        process.join(5.0)
        assert not _wanted(tmp_path)
        again = keeper.releases
        keeper.let_in()  # nothing waits: nothing let go
        assert keeper.releases == again
    finally:
        process.kill()
        for lock in (keeper, other):
            lock.close()


def test_a_list_walked_whole_is_walked_again_once_a_waiting_write_went_in(
    tmp_path: Path,
) -> None:
    """What a list held when a check keeping its part walked it whole (``Target.seen_list``)
    is not taken as known once that check let a waiting write in between two examples
    (``RunLock.let_in``): the write may have added to the list. Kept all along with nothing
    let in, it is known, and the walk is spared."""
    made = _target(tmp_path, lanes=2)
    assert made.lock is not None
    made.lane = 0
    lister = made.api.operation("listVehicles")
    part = made.part("listVehicles")
    key = ("vehicles", "a")
    process, done = _writer(tmp_path, part)
    try:
        _keep_while_a_write_waits(made.lock, tmp_path, part)
        made.remember_list(key, ["v1", "v2"])
        assert made.seen_list(key, lister) == frozenset({"v1", "v2"})
        made.lock.let_in()
        assert done.is_set(), "the waiting write did not go in"
        assert made.seen_list(key, lister) is None, "a list a write may have grown was known"
        made.remember_list(key, ["v1", "v2", "v3"])  # walked again
        made.lock.let_in()  # the writer's write went in and it waits no more: nothing let in
        assert made.seen_list(key, lister) == frozenset({"v1", "v2", "v3"})
        process.join(5.0)
        assert process.exitcode == 0
    finally:
        process.kill()
        made.lock.close()


def test_the_next_check_of_a_chain_lets_a_waiting_write_in_first(tmp_path: Path) -> None:
    """Between two checks of a chain keeping a part, one after the other, the part's writes
    lock is free a moment only; the next takes it only once the writes waiting for it went in
    (``RunLock.after_wants``). Without that, the campus example's enrolment checks at 50 ms
    waited for the courses chain's end, 11 to 14 s each, on eleven workers at once."""
    first, second = RunLock(tmp_path, lanes=2), RunLock(tmp_path, lanes=2)
    process, done = _writer(tmp_path)
    try:
        _keep_while_a_write_waits(first, tmp_path)
        first.release()
        second.shared("courses", lane=0)
        second.exclusive_part("courses", lane=0)
        assert done.is_set(), "the next check of the chain took the part before the write"
        process.join(5.0)
        assert process.exitcode == 0
    finally:
        process.kill()
        for lock in (first, second):
            lock.close()
