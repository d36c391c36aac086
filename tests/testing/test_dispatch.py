"""Each unit of work handed out when a worker is free for it (``synth/testing/_dispatch.py``,
``PartScheduling``): a worker runs its test without being sent the next, is handed a unit
once it has no test left, and, where every unit left would wait, stays idle until a test
ending elsewhere lets one start. On the CRM and on APIs of other shapes, simulated workers
ending their tests in drawn orders; and the worker's own loop, on a stand-in for xdist's.
"""

from __future__ import annotations

import collections
import enum
import random
from pathlib import Path
from typing import Any

import pytest

from bench._scheduling import Node, emitted, workers
from examples.reference_server.process import ROOT
from synth.testing._dispatch import WIRE_KEY, run_when_free
from synth.testing._order import order
from synth.testing._order import test_key as key_of_test
from synth.testing._parallel import ALONE, KEEPS_QUOTA, chains, quotas_spent, shape_of

# The CRM and every example API (each folder of examples/ with contracts).
_APIS = [ROOT / "contracts",
         *sorted(path.parent for path in (ROOT / "examples").glob("*/contracts/api.py"))]  # fmt: skip


@pytest.mark.parametrize(
    "contracts", _APIS, ids=lambda path: "crm" if path == ROOT / "contracts" else path.parent.name
)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_unit_goes_to_a_worker_with_no_test_left(
    contracts: Path, seed: int, tmp_path: Path
) -> None:
    """Four workers, each ending the tests it was sent in order, one at a time in a drawn
    order, to the end of the run: every test runs once; a worker is handed a unit only once
    it has no test left (but a part's object-level check queued behind the tests of its part
    on the one worker that has them, ``_sole_holder``); no worker stops while units are left
    to hand out; a rate-limit check is handed out only once no check spending its quota is
    left on another worker or in the queue; a part's object-level check handed out ahead of
    its part's end (``reserved-``) is told of that end (``drained-``) by the run's."""
    api, names = emitted(contracts)
    shape = shape_of(api)
    found = chains(names, shape, 2)
    spent = quotas_spent(shape)
    limits = {op.operation_id: op.rate_limit.quota for op in api.operations if op.rate_limit}
    collected = [f"t.py::{names[i]}" for i in order(names, spread=True, chains=found, workers=8)]
    scheduler, *nodes = workers(shape, collected, count=4, folder=tmp_path)
    rng = random.Random(seed)
    done = {node.gateway.id: 0 for node in nodes}

    def name(index: int) -> str:
        return collected[index].rpartition("::")[2]

    def left(node: Node) -> list[str]:
        return [name(i) for i in node.sent[done[node.gateway.id] :]]

    def spends(test: str, quota: str) -> bool:
        invariant, operation = key_of_test(test)
        return (quota in spent.get(operation, frozenset()) and invariant not in ALONE
                and invariant not in KEEPS_QUOTA)  # fmt: skip

    ran: list[str] = []
    while any(left(node) for node in nodes):
        busy = [node for node in nodes if left(node)]
        node = rng.choice(busy)
        index = node.sent[done[node.gateway.id]]
        done[node.gateway.id] += 1
        ran.append(name(index))
        before = {other.gateway.id: (len(other.sent), bool(left(other))) for other in nodes}
        scheduler.mark_test_complete(node, index)
        for other in nodes:
            count, had = before[other.gateway.id]
            handed = [name(i) for i in other.sent[count:]]
            if had:
                assert all(key_of_test(t)[0] in ALONE for t in handed), (other.gateway.id, handed)
            for test in handed:
                invariant, operation = key_of_test(test)
                if invariant in KEEPS_QUOTA and operation in limits:
                    queued = [n for unit in scheduler.workqueue.values() for n in unit]
                    elsewhere = [t for o in nodes if o is not other for t in left(o)]
                    pending = [t for t in elsewhere + [n.rpartition("::")[2] for n in queued]
                               if spends(t, limits[operation])]  # fmt: skip
                    assert not pending, (test, pending)
            if other.shutting_down:
                assert not scheduler.workqueue, (other.gateway.id, list(scheduler.workqueue)[:3])
    assert sorted(ran) == sorted(names)
    assert scheduler.tests_finished
    reserved = {p.name.removeprefix("reserved-") for p in tmp_path.glob("reserved-*")}
    assert reserved <= {p.name.removeprefix("drained-") for p in tmp_path.glob("drained-*")}


def test_a_worker_for_which_every_unit_waits_stays_idle_until_one_can_start() -> None:
    """The CRM: `getJob`'s ERR-DECLARED (spending its quota) runs on one worker, and the other
    ends its test with only `getJob`'s RATE-TENANT left, which would wait for it. That worker
    takes nothing and does not stop; once the spender ends the check is handed out at once.
    Under xdist's own workers it had to stop or take the check (a worker holds the test it
    was sent last until it is sent another), and a rate-limit check so taken behind a test
    that then waited 3.4 s for a lock began 4.5 s after its quota was free (at 50 ms)."""
    api, _ = emitted(ROOT / "contracts")
    shape = shape_of(api)
    spender, short, rate = ("test_getJob__ERR_DECLARED", "test_listContacts__ERR_VALIDATION",
                            "test_getJob__RATE_TENANT")  # fmt: skip
    collected = [f"t.py::{n}" for n in [spender, short, rate]]
    scheduler, first, second = workers(shape, collected)
    assert (first.sent, second.sent) == ([0], [1])  # a unit each, nothing queued behind
    scheduler.mark_test_complete(second, 1)
    assert second.sent == [1]
    assert not second.shutting_down
    assert list(scheduler.workqueue) == [collected[2]]
    scheduler.mark_test_complete(first, 0)  # the spender ends
    assert sorted(first.sent + second.sent) == [0, 1, 2]
    assert not (first.shutting_down and second.shutting_down)


def test_a_part_s_object_level_check_waits_idle_then_behind_the_last_worker_of_its_part() -> None:
    """The CRM's jobs part's object-level check, left last while tests of its part run on two
    other workers (one of them long: `getJob`'s ERR-DECLARED spends its quota), is taken by
    none: the worker asking stays idle, neither stopped nor holding the part's lock waiting.
    Once one of those tests ends, the check goes behind the test of the part left, on the one
    worker that has it (``_sole_holder``), and begins the moment that test ends."""
    api, _ = emitted(ROOT / "contracts")
    shape = shape_of(api)
    kept = "test_createJob__OBJECT_LEVEL_AUTHORIZATION"
    collected = [f"t.py::{n}" for n in ["test_getJob__ERR_DECLARED", "test_listJobs__ERR_VALIDATION",
                                        "test_listContacts__ERR_VALIDATION", kept]]  # fmt: skip
    scheduler, long, short, asking = workers(shape, collected, count=3)
    assert [long.sent, short.sent, asking.sent] == [[0], [1], [2]]
    scheduler.mark_test_complete(asking, 2)
    assert asking.sent == [2]
    assert not asking.shutting_down
    scheduler.mark_test_complete(short, 1)
    assert long.sent == [0, 3]
    assert short.shutting_down  # nothing left for them
    assert asking.shutting_down


class Marker(enum.Enum):
    """xdist's ``remote.Marker``, which its worker's loop reads from its module's globals (as
    ``_dispatch`` does from this module's, for the stand-in below)."""

    SHUTDOWN = 0


class _Queue:
    """xdist's ``TestQueue``: what the worker was sent, in order."""

    def __init__(self, items: list[Any]) -> None:
        self.items = collections.deque(items)

    def lock(self) -> Any:
        import contextlib

        @contextlib.contextmanager
        def held() -> Any:
            yield self.items

        return held()

    def get(self) -> Any:
        assert self.items, "the worker would wait here for the controller"
        return self.items.popleft()


class WorkerInteractor:
    """A stand-in for xdist's worker loop (``remote.WorkerInteractor``)."""

    def __init__(self, sent: list[Any]) -> None:
        self.torun = _Queue(sent)
        self.nextitem_index: Any = None
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.protocols: list[tuple[str, str | None]] = []

    def run_one_test(self) -> None:
        raise AssertionError("replaced by run_when_free")

    def sendevent(self, name: str, **kwargs: Any) -> None:
        self.events.append((name, kwargs))


def test_a_worker_runs_its_test_without_waiting_for_the_next() -> None:
    """The worker's loop (``_dispatch._run_one_test``): with a test queued behind, that one is
    the ``nextitem``; with none, the session (so that only the test's own fixtures are torn
    down) and the worker waits for the next test after it; told to stop, none."""
    from types import SimpleNamespace

    session = SimpleNamespace(items=[SimpleNamespace(nodeid=f"t.py::t{i}") for i in range(3)])
    interactor = WorkerInteractor([1])
    seen: list[tuple[str, Any]] = []

    def protocol(item: Any, nextitem: Any) -> None:
        seen.append((item.nodeid, nextitem))

    interactor.config = SimpleNamespace(  # type: ignore[attr-defined]
        hook=SimpleNamespace(pytest_runtest_protocol=protocol),
        pluginmanager=SimpleNamespace(get_plugins=lambda: [interactor]),
        workerinput={WIRE_KEY: True},
    )
    interactor.session = session  # type: ignore[attr-defined]
    assert run_when_free(interactor.config)  # type: ignore[attr-defined]
    interactor.nextitem_index = 0
    interactor.run_one_test()  # test 0, with test 1 queued behind it
    assert seen[0] == ("t.py::t0", session.items[1])
    interactor.torun.items.append(Marker.SHUTDOWN)
    interactor.run_one_test()  # test 1: stop queued behind it
    assert seen[1] == ("t.py::t1", None)
    assert interactor.nextitem_index is Marker.SHUTDOWN
    interactor.nextitem_index = 2
    interactor.torun.items.clear()
    with pytest.raises(AssertionError, match="wait here for the controller"):
        interactor.run_one_test()  # nothing queued: the session, then it waits
    assert seen[2] == ("t.py::t2", session)
    assert [name for name, _ in interactor.events] == ["runtest_protocol_complete"] * 3


def test_a_worker_that_cannot_run_so_stops_and_says_why() -> None:
    """The controller hands a worker nothing more until its test ends; a worker of another
    pytest-xdist that waits to be sent the next test would wait forever: it stops at once."""
    from types import SimpleNamespace

    config: Any = SimpleNamespace(workerinput={WIRE_KEY: True},
                                  pluginmanager=SimpleNamespace(get_plugins=lambda: []))  # fmt: skip
    with pytest.raises(pytest.UsageError, match="--workers 1"):
        run_when_free(config)
    config.workerinput = {}  # not asked: xdist's loop as it is
    assert not run_when_free(config)


def test_a_part_s_object_level_check_is_handed_out_ahead_of_its_part_s_end(
    tmp_path: Path,
) -> None:
    """The CRM's contacts part (its walks make no chain): once no more of its tests are left
    to hand out than there are workers, the next worker free takes its object-level check
    ahead of them (the run's folder says so: ``reserved-``), and once the last of them is
    handed out the folder says that too (``drained-``), for the check to go on. The jobs
    part's check, whose part has lanes, is never handed out so."""
    from types import SimpleNamespace

    from synth.testing._parallel import PartScheduling

    api, _ = emitted(ROOT / "contracts")
    shape = shape_of(api)
    kept = "test_createContact__OBJECT_LEVEL_AUTHORIZATION"
    members = ["test_getContact__ERR_VALIDATION", "test_listContacts__ERR_VALIDATION",
               "test_deleteContact__ERR_VALIDATION"]  # fmt: skip
    others = [f"test_listJobs__{inv}" for inv in ("ERR_VALIDATION", "ERR_DECLARED",
                                                   "ERR_PROBLEM", "CONFORMANCE")]  # fmt: skip
    collected = [f"t.py::{n}" for n in [*others, *members, kept]]
    config: Any = SimpleNamespace(getvalue=lambda name: ["2*popen"],
                                  option=SimpleNamespace(loadscopereorder=False))  # fmt: skip
    scheduler = PartScheduling(config, shape, tenants=2, folder=tmp_path)
    first, second = Node("gw0"), Node("gw1")
    for node in (first, second):
        scheduler.add_node(node)
        scheduler.add_node_collection(node, collected)
    scheduler.schedule()
    reserved, drained = tmp_path / "reserved-createContact", tmp_path / "drained-createContact"

    def name(node: Node) -> str:
        return collected[node.sent[-1]].rpartition("::")[2]

    # Three contacts tests left for two workers: nothing ahead yet.
    scheduler.mark_test_complete(first, first.sent[-1])
    scheduler.mark_test_complete(second, second.sent[-1])
    assert not reserved.exists()
    scheduler.mark_test_complete(first, first.sent[-1])
    assert not reserved.exists()
    scheduler.mark_test_complete(second, second.sent[-1])  # two left of the part's three
    handed = [name(first), name(second)]
    while kept not in handed:
        node = first if name(first) != kept else second
        scheduler.mark_test_complete(node, node.sent[-1])
        handed = [name(first), name(second)]
    assert reserved.exists()
    left = [n for n in members if f"t.py::{n}" in scheduler.workqueue]
    assert left, "the check went out ahead of some of its part's tests"
    assert not drained.exists()
    holder = first if name(first) != kept else second
    while any(f"t.py::{n}" in scheduler.workqueue for n in members):
        scheduler.mark_test_complete(holder, holder.sent[-1])
    assert drained.exists()
    assert not (tmp_path / "reserved-createJob").exists()
    # One worker alone never takes it ahead: none would be left to hand the part's tests to.
    alone = PartScheduling(config, shape, tenants=2, folder=tmp_path / "alone")
    (tmp_path / "alone").mkdir()
    only = Node("gw0")
    alone.add_node(only)
    alone.add_node_collection(only, collected)
    alone.schedule()
    while len(only.sent) < len(collected):
        alone.mark_test_complete(only, only.sent[-1])
    assert collected[only.sent[-1]] == f"t.py::{kept}"  # last, as ordered
    assert not (tmp_path / "alone" / "reserved-createContact").exists()


def test_a_check_handed_out_ahead_waits_for_its_part_s_end_holding_nothing(
    tmp_path: Path,
) -> None:
    """``RunLock.until_drained``: with no reservation it returns at once; reserved, it waits,
    holding no lock, until the run's folder says the part is drained, or ``most`` seconds."""
    import threading
    import time

    from synth.testing._lock import RunLock, part_drained, reserve_end

    lock = RunLock(tmp_path)
    try:
        started = time.monotonic()
        lock.until_drained("createContact")
        assert time.monotonic() - started < 0.5
        reserve_end(tmp_path, "createContact")
        timer = threading.Timer(0.6, part_drained, (tmp_path, "createContact"))
        timer.start()
        started = time.monotonic()
        lock.until_drained("createContact")
        waited = time.monotonic() - started
        timer.join()
        assert 0.5 < waited < 5.0
        assert lock.held == ""
        reserve_end(tmp_path, "createJob")
        started = time.monotonic()
        lock.until_drained("createJob", most=0.3)  # never drained: it gives up waiting
        assert 0.25 < time.monotonic() - started < 2.0
    finally:
        lock.close()


def test_a_check_is_not_handed_out_ahead_while_the_others_run_long(tmp_path: Path) -> None:
    """Where the other workers are busy with tests that may run long (here `getJob`'s
    ERR-DECLARED, which spends a rate-limit quota), the part's last tests would wait for them
    and the check handed out ahead would wait idle as long: the worker asking takes the
    part's next test instead (at loopback, two workers, it had waited 3.7 s so)."""
    from types import SimpleNamespace

    from synth.testing._parallel import PartScheduling

    api, _ = emitted(ROOT / "contracts")
    names = ["test_getJob__ERR_DECLARED", "test_getContact__ERR_VALIDATION",
             "test_listContacts__ERR_VALIDATION", "test_createContact__OBJECT_LEVEL_AUTHORIZATION"]  # fmt: skip
    collected = [f"t.py::{n}" for n in names]
    config: Any = SimpleNamespace(getvalue=lambda name: ["2*popen"],
                                  option=SimpleNamespace(loadscopereorder=False))  # fmt: skip
    scheduler = PartScheduling(config, shape_of(api), tenants=2, folder=tmp_path)
    long, asking = Node("gw0"), Node("gw1")
    for node in (long, asking):
        scheduler.add_node(node)
        scheduler.add_node_collection(node, collected)
    scheduler.schedule()
    assert (long.sent, asking.sent) == ([0], [1])
    scheduler.mark_test_complete(asking, 1)
    assert asking.sent == [1, 2]
    assert not (tmp_path / "reserved-createContact").exists()


def test_a_walked_part_s_object_level_check_goes_behind_its_last_lane_at_once() -> None:
    """The CRM's jobs part, whose walks make a chain of two lanes: once one lane is done and
    no other test of the part is left to hand out, the part's object-level check goes behind
    the other lane on its worker at once, ahead of the contacts part's tests still queued, so
    that the lane's last test has it as its ``nextitem`` and its engine starts during that
    test (``_behind_lanes``). Left last in the queue it was handed out only once every other
    unit was, under a second before the lane ended (at 50 ms)."""
    api, names = emitted(ROOT / "contracts")
    shape = shape_of(api)
    found = chains(names, shape, 2)
    kept = "test_createJob__OBJECT_LEVEL_AUTHORIZATION"
    jobs = found.of[kept]
    lanes = {n for n, part in found.of.items() if part == jobs and key_of_test(n)[0] not in ALONE}
    contacts = [n for n in names if "Contact" in key_of_test(n)[1] and n not in found.of
                and key_of_test(n)[0] not in ALONE]  # fmt: skip
    chosen = [*sorted(lanes), *contacts, kept]
    collected = [f"t.py::{chosen[i]}" for i in order(chosen, chains=found)]
    scheduler, *nodes = workers(shape, collected, count=3)
    done = {node.gateway.id: 0 for node in nodes}

    def left(node: Node) -> list[str]:
        return [collected[i].rpartition("::")[2] for i in node.sent[done[node.gateway.id] :]]

    def finish(node: Node) -> None:
        index = node.sent[done[node.gateway.id]]
        done[node.gateway.id] += 1
        scheduler.mark_test_complete(node, index)

    def laned() -> list[Node]:
        return [node for node in nodes if lanes & set(left(node))]

    while len(laned()) < 2:  # the other workers' tests end until both lanes are handed out
        finish(next(node for node in nodes if left(node) and not lanes & set(left(node))))
    first, second = sorted(laned(), key=lambda node: len(left(node)), reverse=True)
    while lanes & set(left(second)):  # the shorter lane ends
        finish(second)
    queued = [n.rpartition("::")[2] for unit in scheduler.workqueue.values() for n in unit]
    assert left(first)[-1] == kept, (left(first), queued)  # behind the lane, not yet begun
    assert len(left(first)) >= 3  # two of the lane's tests at least still to run
    assert set(queued) & set(contacts)  # ahead of the other part's tests still queued
    while any(left(node) for node in nodes):
        finish(next(node for node in nodes if left(node)))
    assert scheduler.tests_finished
