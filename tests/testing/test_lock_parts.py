"""The parts of the API a run's locks keep (``_context.lock_parts``) are finer than
``Graph.parts``: needing an item of a collection whose every list a check's scope isolates
does not join an operation to that collection's part. The fleet example's trips need a vehicle
(their parent) and a driver (a reference), whose lists a marker isolates (a ``make`` prefix,
free text): a walk keeping the trips list waits for no vehicle's or driver's check, nor they
for it. What the object-level check may reach (its ``Graph.parts`` part) it keeps whole.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from examples.fleet import server as fleet
from examples.fleet.example import CONTRACTS, TENANTS
from examples.reference_server.process import ROOT
from synth import load
from synth.relations import Graph
from synth.testing import config_from_options
from synth.testing._context import lock_parts
from synth.testing._data import Schemas
from synth.testing._lock import RunLock
from synth.testing._parallel import hold
from synth.testing._target import Target


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


def test_a_parent_walked_whole_keeps_its_children_in_its_part() -> None:
    """The tracker's projects list has no filter a marker goes into: a task check's project
    is counted by every walk of that list, so tasks stay in the projects' part. The CRM's
    interactions (under a contact; contacts are isolated by a search) go apart."""
    whole, kept = _lock_parts(ROOT / "examples" / "tracker" / "contracts")
    assert kept == whole
    assert kept["createTask"] == kept["listProjects"]
    whole, kept = _lock_parts(ROOT / "contracts")
    assert whole["createInteraction"] == whole["createContact"]
    assert kept["createInteraction"] != kept["createContact"]
    assert kept["createJob"] == whole["createJob"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    fleet.S = fleet.Store()
    return tmp_path


def _target(folder: Path) -> Target:
    config = config_from_options(app=fleet.app, tenants=[f"{k}={v}" for k, v in TENANTS.items()],
                                 seed=1, env={}, contracts=CONTRACTS)  # fmt: skip
    made = Target(config, load(CONTRACTS))
    made.lock = RunLock(folder)
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


def test_a_list_others_fill_without_its_part_walked_whole_keeps_the_run(folder: Path) -> None:
    """Vehicles are made by the trips' checks without the vehicles part (their list is
    isolated by a ``make`` prefix): a walk of the whole vehicles list all the same (its
    filter refused the marker) keeps the run, not the part. The trips list keeps its part."""
    walker = _target(folder)
    assert walker.lock is not None
    try:
        hold(walker, "PAGE-END", "listVehicles")
        walker.alone(walker.api.operation("listVehicles"))
        assert walker.lock.held == "exclusive"
        walker.lock.release()
        hold(walker, "PAGE-END", "listTrips")
        walker.alone(walker.api.operation("listTrips"))
        assert walker.lock.held == "shared"
        assert walker.lock.keeps("endTrip")
    finally:
        walker.lock.release()
        walker.close()
        walker.lock.close()
