"""A list's edge fixture made once in a run and shared by its worker processes.

A list is judged at its declared edges (its largest page and one more item) on one scope of
``Limit.max + 1`` items made for the purpose (``Context.edge_scope``). Made in each process
that judges the list, it was made up to three times at once: the first examples of PAGE-LIMIT,
PAGE-END and PAGE-COMPLETE start together on three workers, each sending its own hundred or
two hundred creates (the CRM at 50 ms: about 200 creates of contacts each, 6 to 8 s into the
run, while the workers start and the CPUs are busiest).

Here the first process to need a fixture claims it and makes it; the others wait for it (with
whatever locks their test holds) and take what it made: the scope as the maker left it and the
exchanges that made it, for a report's reproduction. A wait that could close a cycle with the
run's locks (the maker letting its locks go after a 429 and taking them back behind a writer
waiting at a gate, while the waiter holds that lock shared) ends after ``WAIT`` seconds: the
waiter then makes a fixture of its own, as before. Only a fixture that depends on nothing a
process made earlier is shared (its parents made with it): a shared parent made before belongs
to its maker's cleanup, which could delete it under another process's fixture.

Cleanup: each process that took a fixture counts as one of its users; at its end it lets its
count go, and the last to go deletes the fixture's items (``Target.close``), so none is deleted
while another process may still judge the list on it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import pickle
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

__all__ = ["WAIT", "SharedEdges"]

# Seconds a process waits for another to make a fixture before it makes one of its own.
WAIT = 60.0
_POLL = 0.05

# How ``take`` found a fixture, with what was put where it was ``"loaded"``.
Taken = tuple[Literal["loaded", "make", "alone"], Any]


class SharedEdges:
    """The edge fixtures of one run, in ``folder / "edges"`` (the run's lock folder).

    ``take`` a fixture by name: what another process made (``"loaded"``, with the state it put),
    or the claim to make it (``"make"``: then ``put`` it, or ``drop`` the claim where it is not
    to be shared), or, after ``WAIT`` seconds of another's making, leave to make one alone
    (``"alone"``). ``release`` at the process's end says which items to delete and which to
    leave to the fixtures' other users."""

    def __init__(self, folder: str | Path, wait: float = WAIT) -> None:
        self._folder = Path(folder) / "edges"
        self._folder.mkdir(exist_ok=True)
        self._wait = wait
        # The fixtures this process took or put, by name: their items (tenant, path).
        self._held: dict[str, list[tuple[str, str]]] = {}

    @staticmethod
    def name(*parts: object) -> str:
        """A fixture's file name from what identifies it (tenant, list, part's epoch)."""
        return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]

    @contextlib.contextmanager
    def _locked(self, name: str) -> Iterator[Path]:
        with open(self._folder / f"{name}.lock", "a+b") as guard:
            fcntl.flock(guard, fcntl.LOCK_EX)
            try:
                yield self._folder / f"{name}.pickle"
            finally:
                fcntl.flock(guard, fcntl.LOCK_UN)

    def take(self, name: str) -> Taken:
        """The fixture ``name``: what was put (this process now one of its users), the claim to
        make it, or, where another process has claimed it and not put it within the wait,
        ``"alone"``."""
        deadline = time.monotonic() + self._wait
        making = self._folder / f"{name}.making"
        while True:
            with self._locked(name) as record:
                if record.exists():
                    held = _read(record)
                    if name not in self._held:
                        held["users"] += 1
                        _write(record, held)
                        self._held[name] = held["items"]
                    return "loaded", held["state"]
                if not making.exists():
                    making.touch()
                    return "make", None
            if time.monotonic() > deadline:
                return "alone", None
            time.sleep(_POLL)

    def put(self, name: str, state: Any, items: list[tuple[str, str]]) -> None:
        """Share the fixture ``name`` this process claimed and made: ``state`` for the others
        to take, ``items`` (tenant, path) for the last user to delete."""
        with self._locked(name) as record:
            _write(record, {"state": state, "items": items, "users": 1})
            self._held[name] = list(items)
            (self._folder / f"{name}.making").unlink(missing_ok=True)

    def drop(self, name: str) -> None:
        """Give up the claim on ``name`` (not made, or not to be shared): a process waiting
        for it claims it next."""
        with self._locked(name):
            (self._folder / f"{name}.making").unlink(missing_ok=True)

    @property
    def holding(self) -> bool:
        """Whether this process took or put a fixture it has not let go of (``release``)."""
        return bool(self._held)

    def release(self) -> tuple[set[tuple[str, str]], list[tuple[str, str]]]:
        """At this process's end: the items of fixtures other processes still use (not to be
        deleted here), and those of fixtures this process used last (to delete here, whoever
        made them). A fixture used last is gone for the run: one needed later is made again."""
        kept: set[tuple[str, str]] = set()
        last: list[tuple[str, str]] = []
        for name, items in self._held.items():
            with self._locked(name) as record:
                held = _read(record) if record.exists() else None
                if held is None:
                    continue
                held["users"] -= 1
                if held["users"] > 0:
                    _write(record, held)
                    kept.update(items)
                else:
                    record.unlink()
                    last += [item for item in items if item not in last]
        self._held.clear()
        return kept - set(last), last


def _read(record: Path) -> dict[str, Any]:
    # Written by this run's own processes, into its private lock folder.
    with record.open("rb") as f:
        held: dict[str, Any] = pickle.load(f)
    return held


def _write(record: Path, held: dict[str, Any]) -> None:
    """Whole, then renamed: a reader never sees half of it."""
    partial = record.with_suffix(f".{os.getpid()}")
    with partial.open("wb") as f:
        pickle.dump(held, f)
    os.replace(partial, record)
