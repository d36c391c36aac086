"""Every check's first example before any check's search: a broken server is reported in seconds.

A check's first example is its simplest (Hypothesis starts there, every choice at its simplest
value), and the checks send the request that shows a bug early in it, so that is where most
bugs show (``bench/notes/bugs.md``). Run whole, one after another, a check's first example
waited for the whole search of every check ordered before it: a bug that a late check's first
example shows was reported after a minute of other checks' searches.

So under a profile of ``SPLIT_AT`` examples or more (``default``, ``thorough``), a check whose
search runs more than one example is two tests (``plugin``): ``test_op__INV[first]`` runs its
first example alone, and every such test goes before any search (the single-request checks'
first, ``_order.with_firsts``); ``test_op__INV`` runs the check as before. A violation in the
first example is reported by the first test, and the second is skipped, saying so; otherwise
the second decides the check, and its finding counts the first example's requests and seconds.

Hypothesis cannot resume a search after its first example (a run starts from the simplest
example again), so a first example that shows nothing is sent twice: one more example in four
or eight (in two for TEN-ASSIGN's), measured in ``bench/notes/latency.md``. Under ``quick``
(three examples a search) that would be a third more, and nothing is split. Conformance is
split where the contract declares examples it sends, the first test sending those and the
other the drawn cases, so nothing is sent twice (``_conformance``).

With worker processes, the two tests of a check may run in different processes: what the
first found is kept in a file in the run's lock folder (``FirstExamples``).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pytest

from ..catalogue import BY_ID
from ._config import Profile
from ._violation import Finding, Outcome

if TYPE_CHECKING:
    from ._target import Target

__all__ = ["FIRST", "SPLIT_AT", "FirstExamples", "Stage", "search_examples", "staged"]

# How a check's test runs it: its first example alone, the rest after a first example that
# showed nothing, or the whole check (not split, or its first example's test did not run it).
Stage = Literal["first", "rest", "whole"]

# The name a check's first-example test adds to the check's own (``test_op__INV[first]``).
FIRST = "[first]"
# What a first example's test skipped says: its check's search ran it (``staged``, and the
# terminal summary's count of such tests: ``covered_firsts``).
COVERED = "its search's test"
# Checks are split under a profile of at least this many examples per search.
SPLIT_AT = 4
# How long the search's test waits for its first example's test running in another process.
_WAIT = 600.0
_POLL = 0.05
_CARRIED = ("examples", "exercised", "requests", "seconds")


def search_examples(profile: Profile, invariant_id: str, *, whole_list: bool = False) -> int:
    """The examples a check's search runs under ``profile``; half as many (rounded up) for a
    check that walks a list no scope isolates in every example (``whole_list``:
    ``_parallel.walks_whole_list``)."""
    examples = max(1, round(profile.examples * BY_ID[invariant_id].weight))
    return -(-examples // 2) if whole_list else examples


class FirstExamples:
    """What each check's first example found (keyed ``"INV op"``): in this process, and in
    ``folder`` (the run's lock folder) when the run has worker processes.

    Each of a check's two tests claims the check as it starts; the first to claim it runs the
    first example. Mostly that is the first example's test (it is ordered first), but with
    worker processes the search's test may start first on another one: it then runs the
    whole check (its search starts from that example), and the first example's test, starting
    later, runs nothing. Where the first example's test claimed it, the search's test waits
    for what it found."""

    def __init__(self, folder: str | Path | None = None, kind: str = "first") -> None:
        # ``kind``: the subfolder, one per use of these claims (``_twins`` has its own).
        self._folder = Path(folder) / kind if folder is not None else None
        if self._folder is not None:
            self._folder.mkdir(exist_ok=True)
        self._claimed: set[str] = set()
        self._settled: dict[str, dict[str, Any]] = {}
        # What a search's test learnt before it took its locks (``before_search``): whether it
        # claimed the check.
        self._searches: dict[str, bool] = {}

    def _file(self, key: str, suffix: str) -> Path | None:
        if self._folder is None:
            return None
        return self._folder / (hashlib.sha256(key.encode()).hexdigest()[:32] + suffix)

    def claim(self, key: str) -> bool:
        """Whether this test is the first of ``key``'s two to start (in any process)."""
        if key in self._claimed:
            return False
        self._claimed.add(key)
        if (path := self._file(key, ".claimed")) is not None:
            try:
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:
                return False
        return True

    def settle(self, key: str, finding: Finding | None, *, edges: bool = False) -> None:
        """What the first example found (None: it stopped on an error, so nothing is decided);
        ``edges``: it judged the check at the declared edges, once in the run, and they passed
        (``Target.edges_judged``)."""
        data: dict[str, Any] = {"violation": False}
        if finding is not None:
            data = {"violation": finding.outcome is Outcome.VIOLATION,
                    "passed": finding.outcome is Outcome.PASSED, "edges": edges,
                    **{name: getattr(finding, name) for name in _CARRIED}}  # fmt: skip
        self.put(key, data)

    def put(self, key: str, data: dict[str, Any]) -> None:
        """Settle ``key`` with ``data``, for ``found`` here and in the run's other processes."""
        self._settled[key] = data
        if (path := self._file(key, ".json")) is not None:
            # Written whole, then renamed: a reader never sees half of it.
            partial = path.with_suffix(f".{os.getpid()}")
            partial.write_text(json.dumps(data), encoding="utf-8")
            os.replace(partial, path)

    def found(self, key: str, wait: float = _WAIT) -> dict[str, Any] | None:
        """What the first example of ``key`` found, once its test (which claimed it) settles;
        None where that did not happen within ``wait`` seconds (its process died)."""
        if key in self._settled:
            return self._settled[key]
        settled = self._file(key, ".json")
        if settled is None:
            return None
        deadline = time.monotonic() + wait
        while not settled.exists():
            if time.monotonic() > deadline:
                return None
            time.sleep(_POLL)
        data: dict[str, Any] = json.loads(settled.read_text(encoding="utf-8"))
        self._settled[key] = data
        return data

    def before_search(self, key: str) -> None:
        """Before the search's test of ``key`` takes the run's locks (``_parallel.hold``):
        claim the check, or wait for the first example's test that claimed it to settle
        (``found``). Waiting while holding them, the search kept a lane or part the first
        example's test may take again mid-test (``RunLock.widen`` lets its lane go and takes
        every lane in order; ``resume`` likewise), behind a walk waiting to keep that lane,
        which waited for the search: each waited for the next, up to ``_WAIT``."""
        if key not in self._searches:
            self._searches[key] = self.claim(key)
            if not self._searches[key]:
                self.found(key)

    def search_claims(self, key: str) -> bool:
        """Whether the search's test of ``key`` runs the whole check (it claimed it): as
        ``before_search`` found, else claimed now."""
        claimed = self._searches.pop(key, None)
        return self.claim(key) if claimed is None else claimed

    @staticmethod
    def carry(data: dict[str, Any], finding: Finding) -> None:
        """Count the first example's requests, seconds and examples in the check's finding."""
        for name in _CARRIED:
            if name in data:
                setattr(finding, name, getattr(finding, name) + data[name])


def covered_firsts(skipped: Iterable[Any]) -> int:
    """How many of pytest's ``skipped`` test reports are first examples' tests whose check's
    search ran first in another worker and covered that example (``staged``): skipped by
    pytest, yet no check left out."""
    return sum(
        1 for report in skipped
        if getattr(report, "nodeid", "").endswith(FIRST)
        and isinstance(getattr(report, "longrepr", None), tuple)
        and COVERED in str(report.longrepr[-1])
    )  # fmt: skip


def staged(key: str, target: Target, run: Callable[[Stage], Finding]) -> Finding | None:
    """Run the test of check ``key`` (``"INV op"``) that ``target.stage`` names, ``run``
    doing the work, and return the finding to judge: None when a first example showed no
    violation (its test passes; the other test decides the check). A test with nothing to do
    is skipped, saying why."""
    firsts = target.firsts
    name, _, operation = key.partition(" ")
    if target.stage == "first":
        if not firsts.claim(key):
            pytest.skip(f"{name} on {operation}: {COVERED} (this name without {FIRST}) "
                        "started first, in another worker process, and ran the whole check, "
                        "this example included")  # fmt: skip
        first: Finding | None = None
        try:
            first = run("first")
        finally:
            firsts.settle(key, first, edges=(name, operation) in target.edges_judged)
        assert first is not None  # run returned
        return first if first.outcome is Outcome.VIOLATION else None
    claimed = target.stage != "rest" or firsts.search_claims(key)
    earlier = None if claimed else firsts.found(key)
    if earlier is not None and earlier["violation"]:
        pytest.skip(f"{name} on {operation}: reported by its first example (the test of this "
                    f"name ending {FIRST}); the search past it was not run")  # fmt: skip
    # After a first example that passed, the rest; else (a fault, an error: what it was to
    # send may not all have been judged) the whole check.
    rest = earlier is not None and bool(earlier.get("passed"))
    if rest and earlier is not None and earlier.get("edges"):
        # Judged at the declared edges once in the run, as in one process: in another, the
        # search made the list's edge fixture again (on the CRM at 50 ms, over 200 creates
        # and 7 s in each of `listContacts`' PAGE-END and PAGE-COMPLETE searches).
        target.edges_judged.add((name, operation))
    finding = run("rest" if rest else "whole")
    if earlier is not None:
        FirstExamples.carry(earlier, finding)
    return finding
