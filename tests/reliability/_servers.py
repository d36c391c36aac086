"""The reference server as a real process on a free loopback port, for the reliability tests."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from examples.reference_server.process import serve

ROOT = Path(__file__).resolve().parents[2]
TOKENS = ["a=token-a", "b=token-b"]
# A short work delay keeps runs fast and still opens the race IDEM-CONCURRENT looks for.
WORK_DELAY = "0.002"


@contextlib.contextmanager
def reference_server(bugs: str = "", db: Path | None = None) -> Iterator[str]:
    """Start ``python -m examples.reference_server``; yield its ``http://127.0.0.1:PORT``."""
    with serve(bugs, work_delay=float(WORK_DELAY), db=db) as url:
        yield url
