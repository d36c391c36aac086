"""The lock between the processes of one run: the run's, and one per part of the API.

Every test holds the run's lock shared and its operation's part (``_parallel.parts``) shared.
A check that must run alone takes the run's lock exclusive; a check that must only keep its
part of the API to itself (a walk of a list it cannot isolate) takes the part exclusive, and
the checks of other parts go on meanwhile.

No cycle of waits can form: a process takes the run's lock before any part, takes parts in
sorted order (cleanup shared, a rate-limit check exclusive: ``exclusive_parts``), upgrades only
a part it holds alone by letting it go first, and lets everything go before it waits for the
run's lock exclusive.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Sequence
from pathlib import Path
from typing import IO

__all__ = ["RunLock"]


class _ReaderWriter:
    """A reader-writer lock shared by processes (``fcntl.flock`` on two files).

    A gate file gives a waiting writer priority: it holds the gate while it waits, so readers
    arriving after it wait too, and a stream of short checks cannot starve it.
    """

    def __init__(self, gate: Path, rw: Path) -> None:
        self._gate: IO[bytes] = open(gate, "a+b")  # noqa: SIM115 (held for the run)
        self._rw: IO[bytes] = open(rw, "a+b")  # noqa: SIM115
        self.held: str = ""

    def shared(self) -> None:
        if self.held:
            return
        fcntl.flock(self._gate, fcntl.LOCK_EX)
        try:
            fcntl.flock(self._rw, fcntl.LOCK_SH)
        finally:
            fcntl.flock(self._gate, fcntl.LOCK_UN)
        self.held = "shared"

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

    def close(self) -> None:
        self.release()
        self._gate.close()
        self._rw.close()


class RunLock:
    """The run's reader-writer lock and one per part of the API, over files in ``folder``."""

    def __init__(self, folder: str | Path) -> None:
        self._folder = Path(folder)
        self._run = _ReaderWriter(self._folder / "gate.lock", self._folder / "rw.lock")
        self._parts: dict[str, _ReaderWriter] = {}
        self._epoch = self._folder / "epoch"
        # Whether the current test held a part exclusive, not the run's lock: what it judged
        # alone in its part may still be another part's doing (``partial``).
        self._partial = False

    @property
    def held(self) -> str:
        """How the run's lock is held: "shared", "exclusive" or ""."""
        return self._run.held

    @property
    def partial(self) -> bool:
        """Whether the current test kept a part of the API to itself while the run's other
        parts went on: a violation it saw is to be confirmed with the run to itself."""
        return self._partial

    def epoch(self) -> int:
        """How many times a check of the run has spoilt what the others share (``spoil``)."""
        try:
            return int(self._epoch.read_text(encoding="ascii") or 0)
        except (FileNotFoundError, ValueError):
            return 0

    def spoil(self) -> None:
        """Say that the items every process keeps for reuse may be gone or changed: each
        process drops its own at the start of its next test. Checks holding different parts
        may spoil at once: the count is read and raised under a lock of its own and replaced
        whole, so no raise is lost and no reader sees half a number."""
        with open(self._folder / "epoch.lock", "a+b") as guard:
            fcntl.flock(guard, fcntl.LOCK_EX)
            fresh = self._folder / f"epoch.{os.getpid()}"
            fresh.write_text(str(self.epoch() + 1), encoding="ascii")
            os.replace(fresh, self._epoch)

    def _part(self, name: str) -> _ReaderWriter:
        if name not in self._parts:
            self._parts[name] = _ReaderWriter(
                self._folder / f"part-{name}.gate", self._folder / f"part-{name}.lock"
            )
        return self._parts[name]

    def shared(self, *parts: str) -> None:
        """Take the run's lock shared, then ``parts`` shared in sorted order (what every test
        holds while it runs: its operation's part)."""
        if self._run.held:
            return
        self._run.shared()
        for name in sorted(set(parts)):
            self._part(name).shared()

    def exclusive(self) -> None:
        """Take the run's lock exclusive, from shared or from nothing: no other test runs until
        ``release``. Whatever the caller does after this starts with the target to itself."""
        if self._run.held == "exclusive":
            return
        self._release_parts()
        self._run.exclusive()

    def exclusive_part(self, name: str) -> None:
        """Keep part ``name`` to this test until ``release``, the run's other parts going on;
        from holding that part shared (the test's own). Holding another part, or none, the
        run's lock is taken exclusive instead. Nothing to do when it is already."""
        if self._run.held == "exclusive":
            return
        held = [n for n, rw in self._parts.items() if rw.held]
        if not self._run.held or held != [name]:
            self.exclusive()
            return
        self._parts[name].exclusive()
        self._partial = True

    def exclusive_parts(self, names: Sequence[str]) -> None:
        """Keep every part in ``names`` to this test until ``release``, the run's other parts
        going on (a rate-limit check: every part with an operation that counts against the
        same quota); from holding the run's lock shared. The test's own part is let go first,
        then each is taken in sorted order, as every process takes parts: no cycle of waits
        can form. Nothing to do when the run's lock is held exclusive."""
        if self._run.held == "exclusive":
            return
        if not self._run.held:
            self.exclusive()
            return
        self._release_parts()
        for name in sorted(set(names)):
            self._part(name).exclusive()
        self._partial = True

    def _release_parts(self) -> None:
        for rw in self._parts.values():
            rw.release()

    def release(self) -> None:
        self._release_parts()
        self._run.release()
        self._partial = False

    def close(self) -> None:
        self.release()
        for rw in self._parts.values():
            rw.close()
        self._run.close()
