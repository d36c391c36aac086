"""The lock between the processes of one run: the run's, one per part of the API, and one per
rate-limit quota.

Every test holds the run's lock shared and its operation's part (``_context.lock_parts``)
shared.
A check that must run alone takes the run's lock exclusive; a check that must only keep its
part of the API to itself (a walk of a list it cannot isolate) takes the part exclusive, and
the checks of other parts go on meanwhile.

A part's lock is one lock per lane: the tenant a test acts as (the first two tenants of the
run; one lane with one tenant). Holding a part shared or exclusive holds every lane of it; a
check that writes only as its acting tenant (a walk of that tenant's list: ``_parallel.LANED``)
holds its own lane alone, shared and then exclusive for its walk, and a walk acting as the
other tenant keeps the other lane at the same time: on a server that keeps tenants apart,
neither changes what the other counts.

A test of no lane of its own holds the first lane only, acting as the first tenant
(``narrow``), until it first sends as another tenant: it then takes the other lanes shared
(``widen``, in order after the first). Most checks outside tenancy act as the first tenant
alone, so a chain's walks acting as the second go on beside them.

A quota (the operations declaring one rate-limit policy: its name and key) has a lock of its
own: every request that counts against it holds it shared while it is in flight (``Client``,
through ``try_quota``), and a rate-limit check holds it exclusive from its quiet window to the
end of its burst, without its part: a walk of the part's list goes on beside it, as nothing the
burst sends changes what a walk counts.

A light test (``_parallel.LIGHT``: a check that judges only the items it made and reads no
list, e.g. a read of one item as another tenant, an error's problem details) holds its part
only while a write of its own is in flight: the lane of the tenant it writes as, one write at a
time; its reads of one item hold the run's lock and the part's items lock (``light``). Nothing
it sends changes what a walk of its part counts while the walk keeps its lane, and nothing a
walk does changes what it judges; what it judges is judged as seen beside other checks
(``partial``), with the run to itself before it counts. Should it read a list, it holds its
lane from then on, as any test.

A test that waits out a 429, or waits for a quota a rate-limit check keeps, sends nothing
meanwhile: where it holds the run's lock and its parts shared only, it lets them go (``pause``)
and takes them back before it sends again (``resume``; before it takes the quota, never while
holding it), so a walk of its part's list need not wait for the quota to refill. Where what it
sends next is a read of one item, it takes back the run's lock and its parts' items lock shared
only (``reading``), not the parts: a walk keeping the part meanwhile writes its own items and
counts its own list, neither of which that read changes or sees, and the test goes on spending
the quota instead of waiting for the walk. The items lock is what a check that writes to items
it did not make keeps (``keep_items``: schemathesis's engine), and what the test judges from
then on is judged as seen beside other checks (``partial``).

A part's writes lock, one per lane, is what a test of another part holds shared while a write
of its own to the part is in flight (``Client``, through ``try_writes``: a course made as the
parent of an enrolment, by a check of the enrolments part), and what a check keeping the part
(``exclusive_part``) takes exclusive after its lanes: the list it walks then grows with no
other part's write, and the two parts' checks go on side by side the rest of the time
(``_context.lock_parts``). A request that finds it kept says so until it has it (a ``wants``
file); a check about to keep the part lets such writes go first (``after_wants``), and a
check keeping it lets them in between two of its examples (``let_in``): polling, they found
it free only for the moment between two checks of a chain, and waited for the chain's end.

No cycle of waits can form: a process takes the run's lock before any part, takes parts in
sorted order and each part's lanes in order (cleanup shared; a narrow test widens from the
first lane of its one part to the others), upgrades only a part it holds alone by letting it
go first, takes a part's items lock after its lanes (``keep_items``) or holding no lane
(``reading``, which lets it go before it takes a lane), takes a quota after its parts and lets
its parts go before it waits for a quota exclusive, and lets everything go before it waits for
the run's lock exclusive. A light test lets its items locks go before it takes a lane
(``light_write``), and holds one write's lanes at a time. A request holds a quota shared only
while it is in flight, waiting on no other lock meanwhile. A request takes the writes locks it
needs and its quota together or not at all, never waiting while it holds one (it tries again
a moment later), and a check keeping a part takes the part's writes lock after its lanes: the
one holding it exclusive waits only for writes in flight, which wait for nothing (and for
those waiting to be sent, a second at most: ``after_wants``). Its own
writes to another part (a parent of its items) wait for that part's keeper in turn, never back
to it: ``lock_parts`` splits no parts that need each other's items, as a cycle of keepers
could then form.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

__all__ = ["ANY_TENANT", "QUOTA_POLL", "RunLock", "quota_stem"]

# Seconds between tries for a quota a rate-limit check holds (``RunLock.try_quota``), and
# between looks for processes waiting for a part (``RunLock.after_waiters``).
QUOTA_POLL = 0.05
# Seconds at most that a check about to keep its part lets earlier waiters go first.
WAITERS_MOST = 30.0
# Seconds at most that a part's object-level check waits for the tests of its part's chain
# that another worker runs one after the other (``RunLock.stay``): a safety net only, each
# process saying when it stops.
STAYS_MOST = 300.0
# Seconds at most that a check keeping a part waits, before it takes the part's writes lock,
# for the writes other parts' tests are waiting to send there (``RunLock.after_wants``): each
# polls for the lock every ``QUOTA_POLL`` and sends one request once it has it.
WANTS_MOST = 1.0
# The tenant a quota's spending is noted for where any tenant may have spent it (``note_spent``:
# schemathesis's engine, which sends as every tenant).
ANY_TENANT = "*"


def reserve_end(folder: Path, part: str) -> None:
    """Say (the controller, ``PartScheduling``) that part ``part``'s object-level check is
    handed out before the part's other tests are all handed out: the test waits for
    ``part_drained`` before it takes anything (``RunLock.until_drained``)."""
    _said(folder, "reserved", part).touch()


def part_drained(folder: Path, part: str) -> None:
    """Say (the controller) that no test of part ``part`` is left to hand out."""
    _said(folder, "drained", part).touch()


def _said(folder: Path, what: str, part: str) -> Path:
    """The file in the run's folder by which the controller says ``what`` of ``part``."""
    return folder / f"{what}-{part}"


def quota_stem(quota: str) -> str:
    """The name of ``quota``'s lock files in the run's folder, without the suffix: a policy's
    name is the contract's text, so the files are named by its digest."""
    return "quota-" + hashlib.sha256(quota.encode("utf-8")).hexdigest()[:16]


class _ReaderWriter:
    """A reader-writer lock shared by processes (``fcntl.flock`` on two files).

    A gate file gives a waiting writer priority: it holds the gate while it waits, so readers
    arriving after it wait too, and a stream of short checks cannot starve it.
    """

    def __init__(self, gate: Path, rw: Path, released: list[int] | None = None) -> None:
        self._gate: IO[bytes] = open(gate, "a+b")  # noqa: SIM115 (held for the run)
        self._rw: IO[bytes] = open(rw, "a+b")  # noqa: SIM115
        self.held: str = ""
        # Counts each time this lock is let go, where given (``RunLock.releases``).
        self._released = released

    def shared(self) -> None:
        if self.held:
            return
        fcntl.flock(self._gate, fcntl.LOCK_EX)
        try:
            fcntl.flock(self._rw, fcntl.LOCK_SH)
        finally:
            fcntl.flock(self._gate, fcntl.LOCK_UN)
        self.held = "shared"

    def try_shared(self) -> bool:
        """``shared`` if it can be had at once (nor a writer waiting for it): whether it was."""
        if self.held:
            return True
        try:
            fcntl.flock(self._gate, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        try:
            fcntl.flock(self._rw, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        finally:
            fcntl.flock(self._gate, fcntl.LOCK_UN)
        self.held = "shared"
        return True

    def exclusive(self) -> None:
        """flock does not convert atomically, so a shared lock is let go first."""
        if self.held == "exclusive":
            return
        self.release()
        fcntl.flock(self._gate, fcntl.LOCK_EX)
        try:
            fcntl.flock(self._rw, fcntl.LOCK_EX)
        finally:
            fcntl.flock(self._gate, fcntl.LOCK_UN)
        self.held = "exclusive"

    def release(self) -> None:
        if self.held:
            fcntl.flock(self._rw, fcntl.LOCK_UN)
            self.held = ""
            if self._released is not None:
                self._released[0] += 1

    def close(self) -> None:
        self.release()
        self._gate.close()
        self._rw.close()


class RunLock:
    """The run's reader-writer lock and one per part of the API and lane, over files in
    ``folder``; ``lanes``: how many tenants tests act as (every process of a run says the
    same)."""

    def __init__(self, folder: str | Path, lanes: int = 1) -> None:
        self._folder = Path(folder)
        # How many times the run's lock or a part's lane was let go (``releases``).
        self._released = [0]
        self._run = _ReaderWriter(
            self._folder / "gate.lock", self._folder / "rw.lock", self._released
        )
        self._lanes = max(1, lanes)
        self._parts: dict[str, list[_ReaderWriter]] = {}
        # The lane the current test holds its parts in (``shared``), None for every lane.
        self._lane: int | None = None
        self._quotas: dict[str, _ReaderWriter] = {}
        # Holders of each quota shared in this process (requests in flight, a test's own hold):
        # flock knows one holder per open file, so the first takes it and the last lets it go.
        self._holders: Counter[str] = Counter()
        self._guard = threading.Lock()
        # What ``pause`` let go (parts held shared) and the count of spoilt reuse then.
        self._paused: list[str] | None = None
        self._paused_at: dict[str, int] = {}
        self._epoch = self._folder / "epoch"
        # Whether the current test held a part exclusive, not the run's lock: what it judged
        # alone in its part may still be another part's doing (``partial``).
        self._partial = False
        # The tenant the current test acts as while it holds its parts in the first lane only
        # (``narrow``), until it sends as another (``widen``); None otherwise.
        self._acting: str | None = None
        # Each part's items lock (``keep_items``, ``reading``), and whether the current test
        # sent a read while paused, holding that lock and not its part (``partial``).
        self._items: dict[str, _ReaderWriter] = {}
        self._read_beside = False
        self._staying: Path | None = None  # this process's ``stay`` marker
        # The parts of a light test (``light``), held only while a write of it is in flight,
        # and the lane it was given.
        self._light: list[str] = []
        self._light_lane: int | None = None
        self._lit: list[Path] = []  # this process's ``light`` markers
        # Each part's writes lock by lane (``try_writes``), and how many requests of this
        # process hold each shared (as ``_holders`` for quotas).
        self._writes: dict[tuple[str, int], _ReaderWriter] = {}
        self._writing: Counter[tuple[str, int]] = Counter()
        # The writes locks a request of this process waits for (``try_writes``), each said in a
        # file of its own (``after_wants``) until it has them or its test ends.
        self._wanting: dict[tuple[str, int], Path] = {}

    @property
    def lanes(self) -> int:
        return self._lanes

    @property
    def held(self) -> str:
        """How the run's lock is held: "shared", "exclusive" or ""."""
        return self._run.held

    @property
    def releases(self) -> int:
        """How many times this process let go the run's lock, a lane of a part, or a kept
        part's writes lock to the writes waiting for it (``let_in``): unchanged since a moment
        where it ``keeps`` a part, it has kept it all along."""
        return self._released[0]

    def keeps(self, name: str, lane: int | None = None) -> bool:
        """Whether no other test can write to part ``name`` (in ``lane``, where given) now: this
        process holds the run's lock exclusive, or that part's lanes exclusive."""
        if self._run.held == "exclusive":
            return True
        return (self._run.held == "shared" and name in self._parts
                and all(rw.held == "exclusive" for rw in self._lanes_of(name, lane)))  # fmt: skip

    @property
    def partial(self) -> bool:
        """Whether the current test kept a part of the API to itself while the run's other
        parts went on, or read beside a check keeping its part (``reading``): a violation it
        saw is to be confirmed with the run to itself."""
        return self._partial or self._read_beside

    def epoch(self) -> dict[str, int]:
        """How many times a check of the run has spoilt what the others share, by part of the
        API (``spoil``)."""
        try:
            counts = json.loads(self._epoch.read_text(encoding="utf-8") or "{}")
        except (FileNotFoundError, ValueError):
            return {}
        return counts if isinstance(counts, dict) else {}

    def spoil(self, parts: Iterable[str]) -> None:
        """Say that the items of ``parts`` every process keeps for reuse may be gone or
        changed: each process drops its own of those parts at the start of its next test.
        Checks holding different parts may spoil at once: the counts are read and raised under
        a lock of their own and replaced whole, so no raise is lost and no reader sees half."""
        with open(self._folder / "epoch.lock", "a+b") as guard:
            fcntl.flock(guard, fcntl.LOCK_EX)
            counts = self.epoch()
            for part in parts:
                counts[part] = counts.get(part, 0) + 1
            fresh = self._folder / f"epoch.{os.getpid()}"
            fresh.write_text(json.dumps(counts, sort_keys=True), encoding="utf-8")
            os.replace(fresh, self._epoch)

    def _part(self, name: str) -> list[_ReaderWriter]:
        """Part ``name``'s lock, lane by lane."""
        if name not in self._parts:
            self._parts[name] = [
                _ReaderWriter(self._folder / f"part-{name}.{lane}.gate",
                              self._folder / f"part-{name}.{lane}.lock", self._released)
                for lane in range(self._lanes)
            ]  # fmt: skip
        return self._parts[name]

    def _lanes_of(self, name: str, lane: int | None) -> list[_ReaderWriter]:
        """Part ``name``'s lock in ``lane``, or in every lane for None."""
        lanes = self._part(name)
        return lanes if lane is None else [lanes[lane % len(lanes)]]

    def _held(self, how: str = "") -> list[str]:
        """The parts this process holds a lane of (held ``how``, where given). Over a copy:
        a request's thread reads it (``try_writes``) while a test's may add a part."""
        return [name for name, lanes in list(self._parts.items())
                if any(rw.held and (not how or rw.held == how) for rw in lanes)]  # fmt: skip

    def shared(self, *parts: str, lane: int | None = None) -> None:
        """Take the run's lock shared, then ``parts`` shared in sorted order (what every test
        holds while it runs: its operation's part); of each, only ``lane`` where given (a test
        that writes as that lane's tenant alone)."""
        if self._run.held:
            return
        self._run.shared()
        self._lane = lane
        for name in sorted(set(parts)):
            lanes = self._lanes_of(name, lane)
            if all(rw.try_shared() for rw in lanes):
                continue
            # Waiting: said in a file of its own (``after_waiters``), gone once it holds them.
            marker = self._folder / f"wait-{name}.{os.getpid()}"
            marker.write_text(repr(time.time()), encoding="utf-8")
            try:
                for rw in lanes:
                    rw.shared()
            finally:
                marker.unlink(missing_ok=True)

    def after_waiters(self, name: str, since: float, most: float = WAITERS_MOST) -> None:
        """Wait until no other process is still waiting for part ``name`` that began to wait
        before ``since`` (``time.time()``; ``shared``), ``most`` seconds at most: a check about
        to keep the part (``exclusive_part``) lets the tests handed out before it go first,
        where flock would let it in ahead of them when it asks (a gate is granted in no
        order). Processes no longer running are not waited for."""
        self._wait_while(lambda: self._waiters(name, since), most)

    def stay(self, name: str | None) -> None:
        """Say that this process goes on with the tests of part ``name`` after the one it runs
        (a chain's lane, the next test of which is of the same chain), or, with None, that it
        does not: between two of them the part is free a moment, and a part's object-level
        check asking for it then came in between two walks of the lane (its creates then grew
        the list the next walk went through). ``after_stays`` waits for it."""
        marker = self._folder / f"stay-{name}.{os.getpid()}" if name else None
        if marker == self._staying:
            return
        if self._staying is not None:
            self._staying.unlink(missing_ok=True)
        self._staying = marker
        if marker is not None:
            marker.write_text(repr(time.time()), encoding="utf-8")

    def after_stays(self, name: str, most: float = STAYS_MOST) -> None:
        """Wait until no other live process says it goes on with tests of part ``name``
        (``stay``), ``most`` seconds at most; called holding nothing of the part, so a test of
        that chain waiting for its lane is never held up by the caller."""
        self._wait_while(lambda: any(self._live_markers("stay", name)), most)

    def until_drained(self, name: str, most: float = STAYS_MOST) -> None:
        """Where part ``name``'s object-level check was handed out before the part's other
        tests were all handed out (``reserve_end``), wait, holding nothing, until none is
        left to hand out (``part_drained``), ``most`` seconds at most: its engine starts
        meanwhile, and no test of the part still to come waits for it (a waiting writer goes
        first at the part's lock). Then it waits at the lock for those running, as any."""
        if not _said(self._folder, "reserved", name).exists():
            return
        drained = _said(self._folder, "drained", name)
        self._wait_while(lambda: not drained.exists(), most)

    @staticmethod
    def _wait_while(busy: Callable[[], bool], most: float) -> None:
        """Poll ``busy`` every ``QUOTA_POLL`` until it is false, ``most`` seconds at most."""
        deadline = time.monotonic() + most
        while time.monotonic() < deadline and busy():
            time.sleep(QUOTA_POLL)

    def _wanted(self, key: tuple[str, int]) -> bool:
        """Whether another live process waits for writes lock ``key`` (``_want``)."""
        return any(self._live_markers("wants", f"{key[0]}.{key[1]}"))

    def _live_markers(self, kind: str, name: str) -> Iterator[Path]:
        """The marker files ``<kind>-<name>.<pid>`` of part ``name`` that other processes,
        still running, left in the run's folder (``shared``'s waits, ``stay``)."""
        for marker in self._folder.glob(f"{kind}-*"):
            part, _, number = marker.name.removeprefix(f"{kind}-").rpartition(".")
            pid = int(number) if number.isdigit() else 0
            if part != name or pid in (0, os.getpid()):
                continue
            try:
                os.kill(pid, 0)
            except OSError:
                continue  # its process is gone
            yield marker

    def _waiters(self, name: str, since: float) -> bool:
        """Whether another live process has waited for part ``name`` since before ``since``."""
        for marker in self._live_markers("wait", name):
            try:
                began = float(marker.read_text(encoding="utf-8") or "inf")
            except (OSError, ValueError):
                continue  # gone meanwhile
            if began < since:
                return True
        return False

    def light(self, *parts: str, lane: int | None = None) -> None:
        """Start a test that holds its ``parts`` only while a write of its own is in flight
        (``_parallel.LIGHT``: it judges only items it made, and reads no list), acting in
        ``lane``: nothing until its first request (``Client``), then the run's lock shared,
        the parts' items locks for its reads of one item (``light_read``), and for each write
        the lane of the tenant it writes as (``light_write`` to ``light_done``). A walk keeping
        its lane then waits for one write in flight, not for a whole check that holds the lane
        shared, and the check's reads go on beside the walk: what it judges is judged as seen
        beside other checks (``partial``)."""
        self._light = sorted(set(parts))
        self._lane = self._light_lane = lane
        self._paused_at = self.epoch()
        self._read_beside = True
        # Said in a file of its own per part (``after_lights``), gone when the test ends.
        for name in self._light:
            marker = self._folder / f"light-{name}.{os.getpid()}"
            marker.write_text(repr(time.time()), encoding="utf-8")
            self._lit.append(marker)

    def after_lights(self, name: str, most: float = STAYS_MOST) -> None:
        """Wait until no other live process runs a light test of part ``name`` (``light``),
        ``most`` seconds at most; called holding nothing of the part. A check that writes to
        items it did not make (the object-level one: ``keep_items``) could otherwise come in
        between a light test's write and its next read, which holds nothing meanwhile, and
        change or delete the item that test made and goes on to judge."""
        self._wait_while(lambda: any(self._live_markers("light", name)), most)

    def light_read(self) -> bool:
        """Before a light test's read of one item: the run's lock and its parts' items locks
        shared (waiting for a check that keeps them: ``keep_items``). Whether a check spoilt
        what the run reuses since the test last looked (``spoil``)."""
        if not self._light or self._run.held == "exclusive":
            return False
        if self._run.held and all(self._items_of(name).held for name in self._light):
            # Held since the last look: the only check that spoils (the object-level one)
            # keeps the items lock while it runs, so nothing was spoilt meanwhile, and the
            # run's epoch file is not read again for every read.
            return False
        if not self._run.held:
            self._run.shared()
        for name in self._light:
            self._items_of(name).shared()
        return self._spoilt_since_light()

    def light_write(self, lane: int | None) -> bool:
        """Before a light test's write as ``lane``'s tenant (None: every lane): the items locks
        let go (a lane is never waited for holding them), then the run's lock and that lane of
        each of its parts shared, waiting for a walk that keeps it; ``light_done`` once it is
        answered. Whether a check spoilt what the run reuses since the test last looked."""
        if not self._light or self._run.held == "exclusive":
            return False
        self._release_items()
        if not self._run.held:
            self._run.shared()
        self._lane = lane
        for name in self._light:
            for rw in self._lanes_of(name, lane):
                rw.shared()
        return self._spoilt_since_light()

    def light_done(self) -> None:
        """A light test's write answered: its part's lanes go until it writes again."""
        if not self._light or self._run.held == "exclusive":
            return
        for name in self._light:
            for rw in self._part(name):
                rw.release()
        self._lane = self._light_lane

    def light_end(self) -> None:
        """A light test about to read a list, whose answer it may judge with what it wrote:
        from here on it holds its parts shared in its lane until it ends, as any test
        (``shared``, ``narrow``)."""
        parts, self._light = self._light, []
        if not parts or self._run.held == "exclusive":
            return
        self._release_items()
        if not self._run.held:
            self._run.shared()
        for name in parts:
            for rw in self._lanes_of(name, self._lane):
                rw.shared()

    def _spoilt_since_light(self) -> bool:
        spoilt = self._spoilt_since_pause(self._light)
        if spoilt:
            self._paused_at = self.epoch()
        return spoilt

    def narrow(self, tenant: str) -> None:
        """Say that the current test, holding its parts in one lane only (``shared`` with
        ``lane``: the first, or the second for a check spreading a quota over the tenants),
        acts as ``tenant``, that lane's, until it sends as another (``acts_beyond``, then
        ``widen``): meanwhile a walk acting as the other tenant keeps the other lane and goes
        on beside it. On a server that keeps tenants apart neither changes what the other
        sees; one that mixes them shows one tenant another's items, a violation whoever made
        them."""
        assert self._lane is not None, "a narrow test holds one lane"
        self._acting = tenant

    def acts_beyond(self, tenant: str | None) -> bool:
        """Whether a request as ``tenant`` needs the lanes the current test does not hold:
        it holds one only (``narrow``) and ``tenant`` is another (None: no credentials,
        no tenant's lane). A read of one item needs none (``Client``): it neither changes
        nor counts the other tenant's list."""
        return self._acting is not None and tenant is not None and tenant != self._acting

    def widen(self) -> None:
        """From one lane of the test's parts (``narrow``) to every lane, before it first sends
        as another tenant: from the first, the other lanes are taken shared in order (after
        the first, as every process takes them), waiting for a walk that keeps one; from
        another, its lane is let go and every lane taken in order, as ``resume`` does (and,
        as there, what a check spoilt meanwhile makes the test ``partial``). Paused,
        ``resume`` takes every lane instead."""
        if self._acting is None:
            return
        lane, self._lane = self._lane, None
        held = sorted(self._held())
        if self._paused is None and lane and not self._took_other_lanes(held):
            since = self.epoch()
            for name in held:
                for rw in self._part(name):
                    rw.release()
            for name in held:
                for rw in self._part(name):
                    rw.shared()
            self._paused_at = since
            self._partial = self._partial or self._spoilt_since_pause(held)
        elif self._paused is None:
            for name in held:
                for rw in self._part(name)[1:]:
                    if not rw.held:
                        rw.shared()
        # Last: a request checking ``acts_beyond`` meanwhile waits for this one (``Client``).
        self._acting = None

    def _took_other_lanes(self, held: list[str]) -> bool:
        """Whether every lane of ``held`` not held yet could be had shared at once: out of
        order (a lane before the one held), it is never waited for, as a check keeping the
        part takes the lanes in order and would wait for the one held."""
        taken = [rw for name in held for rw in self._part(name) if not rw.held and rw.try_shared()]
        if all(rw.held for name in held for rw in self._part(name)):
            return True
        for rw in taken:
            rw.release()
        return False

    def exclusive(self) -> None:
        """Take the run's lock exclusive, from shared or from nothing: no other test runs until
        ``release``. Whatever the caller does after this starts with the target to itself."""
        if self._run.held == "exclusive":
            return
        self._release_quotas()
        self._release_parts()
        self._run.exclusive()

    def exclusive_part(self, *names: str, lane: int | None = None) -> None:
        """Keep parts ``names`` to this test until ``release``, the run's other parts going
        on; from holding those parts shared (the test's own: one, or the several an
        object-level check reaches). With ``lane``, only that lane: the test sends as that
        lane's tenant alone, and a test keeping the part's other lane goes on beside it.
        Holding other parts, or none, the run's lock is taken exclusive instead. Nothing to do
        when it is already."""
        if self._run.held == "exclusive":
            return
        if not self._run.held or not names or sorted(self._held()) != sorted(set(names)):
            self.exclusive()
            return
        wanted = [rw for name in sorted(set(names)) for rw in self._lanes_of(name, lane)]
        if all(rw.held == "exclusive" for rw in wanted):
            return  # kept already: letting it go, even for a moment, lets another test in
        # flock does not convert atomically: every lane is let go, then the kept ones taken in
        # order, part by part in sorted order, as any process takes them.
        for name in names:
            for rw in self._parts[name]:
                rw.release()
        for rw in wanted:
            rw.exclusive()
        # Then the parts' writes locks: no other part's test writes to them from here on.
        for name in sorted(set(names)):
            for key in self._writes_keys(name, lane):
                self.after_wants(key)
                self._writes_of(key).exclusive()
        self._partial = True

    def let_in(self) -> None:
        """Between two examples of a check keeping parts (``exclusive_part``): the writes
        other parts' tests wait to send there (``after_wants``) go in, the part's lanes kept.
        What such a check judges it judges within one example, each taking its list's
        baseline anew; where nothing waits, nothing is let go."""
        for key in sorted(key for key, rw in self._writes.items() if rw.held == "exclusive"):
            if not self._wanted(key):
                continue
            rw = self._writes[key]
            rw.release()
            # A list walked whole before may hold those writes now (``Target.seen_list``).
            self._released[0] += 1
            self.after_wants(key)
            rw.exclusive()

    def _writes_keys(self, name: str, lane: int | None) -> list[tuple[str, int]]:
        """The keys of part ``name``'s writes locks in ``lane`` (every lane for None)."""
        return [(name, n) for n in range(self._lanes) if lane is None or n == lane % self._lanes]

    def _writes_of(self, key: tuple[str, int]) -> _ReaderWriter:
        """A part's writes lock in one lane (``try_writes``)."""
        if key not in self._writes:
            name, lane = key
            self._writes[key] = _ReaderWriter(self._folder / f"writes-{name}.{lane}.gate",
                                              self._folder / f"writes-{name}.{lane}.lock")  # fmt: skip
        return self._writes[key]

    def try_writes(self, parts: Iterable[str], lane: int | None) -> list[tuple[str, int]] | None:
        """Hold shared, if they can all be had at once, the writes locks of those of ``parts``
        this process holds no lane of, in ``lane`` (every lane for None: a request as no
        tenant of a lane): a write to another part's items about to be sent (``Client``).
        None while a check keeps one of them (or waits to), and nothing is held: the caller
        tries again a moment later (never blocking: the client's event loop calls it). Else
        what was taken, for ``give_writes``; any thread. Nothing is needed holding the run's
        lock exclusive, nor keeping a quota (a rate-limit check's window: it takes nothing it
        could wait for while every other request counting against its quota waits for it)."""
        with self._guard:
            if self._run.held == "exclusive" or any(
                rw.held == "exclusive" for rw in self._quotas.values()
            ):
                return []
            held = set(self._held())
            taken: list[tuple[str, int]] = []
            for name in sorted(set(parts) - held):
                for key in self._writes_keys(name, lane):
                    rw = self._writes_of(key)
                    if rw.held == "exclusive":
                        continue  # kept by this process (a walk of that part)
                    if self._writing[key] == 0 and not rw.try_shared():
                        self._give_writes(taken)
                        for free in taken:
                            self._unwant(free)  # had now: only the one kept is waited for
                        self._want(key)
                        return None
                    self._writing[key] += 1
                    taken.append(key)
            for key in taken:
                self._unwant(key)
            return taken

    def _want(self, key: tuple[str, int]) -> None:
        """Say that a request of this process waits for writes lock ``key`` (``after_wants``)."""
        if key not in self._wanting:
            marker = self._folder / f"wants-{key[0]}.{key[1]}.{os.getpid()}"
            marker.write_text(repr(time.time()), encoding="utf-8")
            self._wanting[key] = marker

    def _unwant(self, key: tuple[str, int] | None = None) -> None:
        """No request of this process waits for writes lock ``key`` (None: any) any more."""
        for known in [key] if key is not None else list(self._wanting):
            marker = self._wanting.pop(known, None)
            if marker is not None:
                marker.unlink(missing_ok=True)

    def after_wants(self, key: tuple[str, int], most: float = WANTS_MOST) -> None:
        """Wait until no other live process waits to write to part ``key[0]`` in lane
        ``key[1]`` (``try_writes``: a parent or a referenced item another part's test makes
        there), ``most`` seconds at most; called without that writes lock, before a check
        keeping the part takes it (``exclusive_part``, ``let_in``). A request polls for the
        lock and takes it shared whenever it is free, but a chain of checks keeping the part
        one after the other leaves it free for moments only: at 50 ms, the campus example's
        enrolment checks (each makes a course, in the courses part, whose chain walks the
        courses list) waited 11 to 14 s each, eleven workers at once, for the chain's end."""
        self._wait_while(lambda: self._wanted(key), most)

    def give_writes(self, taken: Iterable[tuple[str, int]]) -> None:
        """Let go what ``try_writes`` took, the write answered or given up."""
        with self._guard:
            self._give_writes(taken)

    def _give_writes(self, taken: Iterable[tuple[str, int]]) -> None:
        for key in taken:
            if self._writing[key] == 0:
                continue  # let go with the test's locks
            self._writing[key] -= 1
            if self._writing[key] == 0 and self._writes_of(key).held == "shared":
                self._writes_of(key).release()

    def _items_of(self, name: str) -> _ReaderWriter:
        """Part ``name``'s items lock (``keep_items``)."""
        if name not in self._items:
            self._items[name] = _ReaderWriter(self._folder / f"items-{name}.gate",
                                              self._folder / f"items-{name}.lock")  # fmt: skip
        return self._items[name]

    def keep_items(self, name: str) -> None:
        """Keep the items of part ``name`` to this test until ``release``, holding the part
        exclusive already (``exclusive_part``): a check that writes to items it did not make
        (schemathesis's engine deletes and updates what it finds in lists). A test that let
        its part go while it waited (``pause``) reads its items only holding this lock shared
        (``reading``). Nothing to do with the run's lock held exclusive."""
        if self._run.held == "exclusive":
            return
        self._items_of(name).exclusive()

    def reading(self) -> bool:
        """From a pause (``pause``), before the test sends a read of one item: take back the
        run's lock shared and the items lock of each part it let go (waiting for a check that
        keeps them: ``keep_items``), not the parts' lanes, which a walk of the part's list may
        keep meanwhile. What the test judges from here on is judged as seen beside other
        checks (``partial``). Whether a check spoilt what others made meanwhile (``spoil``),
        as ``resume`` says; nothing to do unless paused."""
        if self._paused is None:
            return False
        if not self._run.held:
            self._run.shared()
        for name in self._paused:
            self._items_of(name).shared()
        self._read_beside = True
        return self._spoilt_since_pause(self._paused)

    def _spoilt_since_pause(self, parts: list[str]) -> bool:
        """Whether a check spoilt any of ``parts`` since ``pause`` (``spoil``)."""
        now = self.epoch()
        return any(now.get(part) != self._paused_at.get(part) for part in parts)

    def beside(self) -> bool:
        """Go on holding the test's part shared while it walks a list it cannot isolate, where
        what it counts there carries its own marker (``Context.settle``): other checks of the
        part may write to the list meanwhile, so what the test judges from here on is judged
        as seen beside them (``partial``), with the run to itself before it counts. False
        (nothing done) where the test already keeps its part or the run to itself, or holds
        nothing: the walk then goes as any other."""
        if self._run.held != "shared" or self._held("exclusive"):
            return False
        self._partial = True
        return True

    def _quota(self, name: str) -> _ReaderWriter:
        if name not in self._quotas:
            stem = quota_stem(name)
            self._quotas[name] = _ReaderWriter(
                self._folder / f"{stem}.gate", self._folder / f"{stem}.lock"
            )
        return self._quotas[name]

    def owns(self, quota: str) -> bool:
        """Whether nothing else can count against ``quota`` now: this process holds it
        exclusive, or the run's lock."""
        return self._run.held == "exclusive" or (
            quota in self._quotas and self._quotas[quota].held == "exclusive"
        )

    def try_quota(self, quota: str) -> bool:
        """Hold ``quota`` shared if it can be had at once (a request that counts against it,
        about to be sent): False while a rate-limit check holds it or waits for it, and the
        caller tries again a moment later (never blocking: the client's event loop calls it).
        Each ``try_quota`` that returned True is matched by one ``give_quota``; any thread."""
        with self._guard:
            if self.owns(quota):
                return True
            if self._holders[quota] == 0 and not self._quota(quota).try_shared():
                return False
            self._holders[quota] += 1
            return True

    def give_quota(self, quota: str) -> None:
        with self._guard:
            if self._holders[quota] == 0:
                return  # taken while owned, or let go with the test's locks
            self._holders[quota] -= 1
            if self._holders[quota] == 0:
                self._quota(quota).release()

    def _spent_file(self, quota: str, tenant: str) -> Path:
        digest = hashlib.sha256(tenant.encode("utf-8")).hexdigest()[:16]
        return self._folder / f"{quota_stem(quota)}.spent-{digest}"

    def note_spent(self, quota: str, tenant: str) -> None:
        """Note for every process of the run that ``tenant`` spent ``quota`` just now: the
        file's modification time is the last note's, whichever process made it (each sets
        it to the clock's now, so the latest note wins)."""
        self._spent_file(quota, tenant).touch()

    def last_spent(self, quota: str, tenant: str) -> float:
        """When (``time.time()``) any process of the run last noted that ``tenant`` spent
        ``quota`` (``note_spent``), 0.0 for never."""
        try:
            return self._spent_file(quota, tenant).stat().st_mtime
        except FileNotFoundError:
            return 0.0

    def exclusive_quota(self, quota: str) -> None:
        """Keep ``quota`` to this test until ``release``: no request that counts against it
        is sent meanwhile but this test's (a rate-limit check, from its quiet window on). The
        test's parts are let go first: what it sends from here on are reads of what it made
        before, and the checks of its part (a walk of its list) go on beside it. Nothing to do
        when the run's lock is held exclusive; holding nothing, the run's is taken instead."""
        if self._run.held == "exclusive":
            return
        if not self._run.held:
            self.exclusive()
            return
        self._release_parts()
        with self._guard:
            self._holders[quota] = 0
            self._quota(quota).exclusive()
        self._partial = True

    def back_to_part(self, name: str) -> None:
        """From keeping a quota (``exclusive_quota``) to holding part ``name`` shared, as the
        test did before: the next example makes what its burst will read. Nothing to do
        unless a quota is held exclusive."""
        if self._run.held != "shared" or not any(
            rw.held == "exclusive" for rw in self._quotas.values()
        ):
            return
        self._release_quotas()
        for rw in self._lanes_of(name, self._lane):
            rw.shared()

    def hold_quotas(self, quotas: Iterable[str]) -> None:
        """Hold each of ``quotas`` shared until ``release``, after the test's parts (a check
        whose requests another process sends: schemathesis's engine)."""
        for name in sorted(set(quotas)):
            while not self.try_quota(name):
                time.sleep(QUOTA_POLL)

    def _release_quotas(self) -> None:
        with self._guard:
            self._holders.clear()
            for rw in self._quotas.values():
                rw.release()

    def pause(self) -> bool:
        """Let go the run's lock and the test's parts while the test waits and sends nothing
        (a 429 waited out: ``Client``), where it holds them shared only: a check that keeps the
        part (a walk of its list) goes on meanwhile instead of waiting for the quota to refill.
        Whether they were let go; ``resume`` takes them back before the test sends again
        (``reading`` before a read of one item: then ``pause`` lets go what that took)."""
        if self._paused is not None:
            self._release_items()
            self._run.release()
            return True
        # A test judging beside others already (``partial``: ``beside``, a pause that came
        # back spoilt) lets go too: what it judges is confirmed with the run to itself before
        # it counts, whatever ran meanwhile. At 50 ms `getJob`'s TEN-NONINTERFERENCE, beside
        # its part, held it 10 s through its 429s, and the jobs chain's first walk waited 7.2 s.
        if (
            self._run.held != "shared"
            or any(rw.held for rw in self._quotas.values())
            or self._held("exclusive")
        ):
            return False
        self._paused = sorted(self._held())
        self._paused_at = self.epoch()
        self._release_parts()
        self._run.release()
        return True

    def resume(self) -> bool:
        """Take back what ``pause`` let go (waiting while a check keeps the run or a part);
        whether a check spoilt what others made meanwhile (``spoil``: schemathesis's engine
        writes to items it did not make). If it did, what the test sees from here on is judged
        as seen beside other parts (``partial``): with the run to itself before it counts."""
        if self._paused is None:
            return False
        paused, self._paused = self._paused, None
        # From reading (``reading``): its locks are let go first, the run's too, so the run's
        # and the parts are taken in order, as a test's start takes them.
        self._release_items()
        self._run.release()
        self.shared(*paused, lane=self._lane)
        spoilt = self._spoilt_since_pause(paused)
        self._partial = self._partial or spoilt
        return spoilt

    def _release_parts(self) -> None:
        for lanes in self._parts.values():
            for rw in lanes:
                rw.release()
        # The writes locks kept with them (``exclusive_part``); those a request in flight holds
        # shared go when it is answered (``give_writes``).
        for rw in list(self._writes.values()):
            if rw.held == "exclusive":
                rw.release()
        self._release_items()

    def _release_items(self) -> None:
        for rw in self._items.values():
            rw.release()

    def release(self) -> None:
        self._light = []
        for marker in self._lit:
            marker.unlink(missing_ok=True)
        self._lit.clear()
        self._paused = None
        self._lane = None
        self._acting = None
        self._release_quotas()
        self._release_parts()
        with self._guard:
            self._writing.clear()
            for rw in list(self._writes.values()):
                rw.release()
            self._unwant()
        self._run.release()
        self._partial = False
        self._read_beside = False

    def close(self) -> None:
        self.release()
        self.stay(None)
        for rw in (*(rw for lanes in self._parts.values() for rw in lanes),
                   *self._quotas.values(), *self._items.values(),
                   *self._writes.values()):  # fmt: skip
            rw.close()
        self._run.close()
