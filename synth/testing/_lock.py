"""The lock between the processes of one run: checks that must run alone take it exclusive."""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import IO

__all__ = ["RunLock"]


class RunLock:
    """A reader-writer lock shared by the processes of one run (``fcntl.flock`` on two files).

    A gate file gives a waiting writer priority: it holds the gate while it waits, so readers
    arriving after it wait too, and a stream of short checks cannot starve it.
    """

    def __init__(self, folder: str | Path) -> None:
        folder = Path(folder)
        self._gate: IO[bytes] = open(folder / "gate.lock", "a+b")  # noqa: SIM115 (held for the run)
        self._rw: IO[bytes] = open(folder / "rw.lock", "a+b")  # noqa: SIM115
        self._epoch = folder / "epoch"
        self.held: str = ""

    def epoch(self) -> int:
        """How many times a check of the run has spoilt what the others share (``spoil``)."""
        try:
            return int(self._epoch.read_text(encoding="ascii") or 0)
        except (FileNotFoundError, ValueError):
            return 0

    def spoil(self) -> None:
        """Say that the items every process keeps for reuse may be gone or changed: each
        process drops its own at the start of its next test. Called holding the lock
        exclusive, so no other process reads or writes the count meanwhile."""
        self._epoch.write_text(str(self.epoch() + 1), encoding="ascii")

    def shared(self) -> None:
        """Take the lock shared (what every test holds while it runs)."""
        if self.held:
            return
        fcntl.flock(self._gate, fcntl.LOCK_EX)
        try:
            fcntl.flock(self._rw, fcntl.LOCK_SH)
        finally:
            fcntl.flock(self._gate, fcntl.LOCK_UN)
        self.held = "shared"

    def exclusive(self) -> None:
        """Take the lock exclusive, from shared or from nothing: no other test runs until
        ``release``. flock does not convert atomically, so a shared lock is let go first;
        whatever the caller does after this starts with the target to itself."""
        if self.held == "exclusive":
            return
        if self.held:
            fcntl.flock(self._rw, fcntl.LOCK_UN)
            self.held = ""
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
