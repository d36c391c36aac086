"""A list's edge fixture made once in a run and shared by its worker processes
(``synth/testing/_edges.py``, ``Context.edge_scope``).

The first examples of PAGE-LIMIT, PAGE-END and PAGE-COMPLETE start together on three workers;
each made the list's edge fixture (``Limit.max + 1`` items) of its own. Here the first to need
it makes it and the others take it; the last process to use it deletes it at its end.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from examples.reference_server.app import create_app
from synth.spec import ApiSpec
from synth.testing import Target, config_from_options
from synth.testing._edges import SharedEdges
from synth.testing._http import Request
from synth.testing._lock import RunLock
from synth.testing._parallel import hold
from synth.testing._runner import run_check
from synth.testing._violation import Outcome

from .conftest import TOKENS

_ITEMS = [("a", "/api/v1/contacts/1"), ("a", "/api/v1/contacts/2")]


def test_the_first_to_need_a_fixture_makes_it_and_the_others_wait_and_take_it(
    tmp_path: Path,
) -> None:
    mine, theirs = SharedEdges(tmp_path), SharedEdges(tmp_path)  # two processes of a run
    name = SharedEdges.name("a", "listContacts", 101, 0)
    assert mine.take(name) == ("make", None)
    got: list[object] = []
    waiter = threading.Thread(target=lambda: got.append(theirs.take(name)))
    waiter.start()
    time.sleep(0.3)
    assert not got, "it waits while the other makes it"
    mine.put(name, {"scope": "made"}, _ITEMS)
    waiter.join(5)
    assert got == [("loaded", {"scope": "made"})]
    # Taken again in the same process: no second count.
    assert theirs.take(name) == ("loaded", {"scope": "made"})
    # The maker ends first: it leaves the items to the other user, which deletes them.
    assert mine.holding
    assert theirs.holding
    assert mine.release() == (set(_ITEMS), [])
    assert not mine.holding
    assert theirs.release() == (set(), _ITEMS)
    # Gone for the run once its last user let it go: the next to need one makes it again.
    assert SharedEdges(tmp_path).take(name) == ("make", None)


def test_a_claim_given_up_passes_on_and_a_long_wait_makes_its_own(tmp_path: Path) -> None:
    mine, theirs = SharedEdges(tmp_path), SharedEdges(tmp_path, wait=0.2)
    name = SharedEdges.name("a", "listJobs", 101, 0)
    assert mine.take(name) == ("make", None)
    started = time.monotonic()
    # Another process making it longer than the wait: this one makes a fixture of its own
    # (a wait that could close a cycle with the run's locks ends so).
    assert theirs.take(name) == ("alone", None)
    assert time.monotonic() - started >= 0.2
    mine.drop(name)  # not made, or not to be shared
    assert theirs.take(name) == ("make", None)
    assert mine.release() == (set(), [])  # it holds nothing


def test_worker_processes_share_a_list_s_edge_fixture_and_the_last_deletes_it(
    tmp_path: Path, api: ApiSpec
) -> None:
    """Two targets of one run (as two worker processes, each with its run lock): PAGE-END's
    first example makes `listContacts`' edge fixture, PAGE-LIMIT's in the other takes it and
    creates none of its own; the maker's cleanup leaves the fixture to the other, whose
    cleanup deletes it."""
    app = create_app(work_delay=0.0)
    config = config_from_options(app=app, tenants=TOKENS, profile="default", seed=3, env={})
    first, second, reader = Target(config, api), Target(config, api), Target(config, api)
    for target in (first, second):
        target.lock = RunLock(tmp_path, lanes=2)
        target.edge_store = SharedEdges(tmp_path)
    limit = api.operation("listContacts").pagination.limit  # type: ignore[union-attr]

    def creates(target: Target) -> int:
        return sum(e.request.method == "POST" and e.request.path.endswith("/contacts")
                   for e in target.client.log)  # fmt: skip

    def run(target: Target, invariant: str) -> None:
        assert target.lock is not None
        hold(target, invariant, "listContacts")  # as the plugin does at a test's start
        try:
            finding = run_check(invariant, "listContacts", target, first=True)
        finally:
            target.lock.release()
        assert finding.outcome is Outcome.PASSED, finding.message

    def held(items: list[tuple[str, str]]) -> list[int]:
        return [reader.client.send(Request(t, "GET", p, token=f"token-{t}")).status
                for t, p in items]  # fmt: skip

    try:
        run(first, "PAGE-END")
        assert creates(first) > limit.max  # it made the fixture
        fixture = first.edges[("a", "listContacts")]
        assert not isinstance(fixture, str), fixture
        made = [("a", f"/api/v1/contacts/{item['id']}") for item in fixture[0].seeded]
        assert len(made) == limit.max + 1
        run(second, "PAGE-LIMIT")
        assert creates(second) < limit.max, creates(second)
        first.close()
        assert set(held(made)) == {200}, "the other process still uses them"
        second.close()
        assert set(held(made)) == {404}, "its last user deleted them"
    finally:
        for target in (first, second, reader):
            target.close()
            if target.lock is not None:
                target.lock.close()


def test_a_process_that_sent_nothing_still_lets_its_fixture_go(
    tmp_path: Path, api: ApiSpec
) -> None:
    """A process that took a fixture is one of its users until its end, whatever else it
    sent: the last to let it go deletes it, with a client made for the purpose."""
    config = config_from_options(app=create_app(work_delay=0.0), tenants=TOKENS,
                                 profile="quick", seed=1, env={})  # fmt: skip
    maker, taker = SharedEdges(tmp_path), Target(config, api)
    gone = [("a", f"/api/v1/contacts/00000000-0000-4000-8000-00000000000{i}") for i in (1, 2)]
    taker.edge_store = SharedEdges(tmp_path)
    name = SharedEdges.name("a", "listContacts", 101, 0)
    assert maker.take(name) == ("make", None)
    maker.put(name, {"scope": "made"}, gone)
    assert taker.edge_store.take(name) == ("loaded", {"scope": "made"})
    assert maker.release() == (set(gone), [])
    taker.close()
    assert taker.requests == len(gone)  # its deletes (404: an item already gone is done)
    assert not taker.edge_store.holding
    assert SharedEdges(tmp_path).take(name) == ("make", None)


def test_a_fixture_made_under_a_parent_its_maker_kept_before_is_not_shared(
    tmp_path: Path,
) -> None:
    """The rooms API (``tests/testing/rooms.py``): a room's bookings are listed under its
    site, which each process keeps for reuse (the check's own scope makes it first). The
    bookings' edge fixture, made under that site, stays its maker's (whose cleanup deletes
    the site): another process makes one of its own."""
    import synth
    from tests.testing.rooms import TENANTS as ROOM_TENANTS
    from tests.testing.rooms import Rooms, app, write_contracts

    contracts = write_contracts(tmp_path)
    api = synth.load(contracts)
    config = config_from_options(app=app(Rooms()), tenants=ROOM_TENANTS, seed=1,
                                 contracts=contracts, env={}, profile="quick")  # fmt: skip
    limit = api.operation("listBookings").pagination.limit  # type: ignore[union-attr]
    targets = [Target(config, api), Target(config, api)]  # two processes of one run
    for target in targets:
        target.lock = RunLock(tmp_path, lanes=2)
        target.edge_store = SharedEdges(tmp_path)

    def bookings(target: Target) -> int:
        return sum(e.request.method == "POST" and e.request.path.endswith("/bookings")
                   for e in target.client.log)  # fmt: skip

    try:
        for target in targets:
            assert target.lock is not None
            hold(target, "PAGE-LIMIT", "listBookings")
            try:
                finding = run_check("PAGE-LIMIT", "listBookings", target, first=True)
            finally:
                target.lock.release()
            assert finding.outcome is Outcome.PASSED, finding.message
            assert bookings(target) > limit.max, bookings(target)  # each made its own
            assert target.shared  # the site it kept
            assert target.edge_store is not None
            assert not target.edge_store.holding
    finally:
        for target in targets:
            target.close()
            if target.lock is not None:
                target.lock.close()
