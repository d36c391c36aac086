"""A worker process of ``synth test`` ends without tearing its interpreter down.

A worker (pytest-xdist) has sent the controller everything once its session has ended: each
test's report, its findings and counts (``_parallel.dump_state``), and the objects it made
are deleted. What Python does after that, at the exit of a process that imported
schemathesis, Hypothesis and pydantic and ran hundreds of tests, is free every object and
module one by one: CPU that the last workers of a run spend side by side on two CPUs while
the controller waits for them to end (``execnet``'s ``safe_terminate``). With twelve workers
behind a 50 ms round trip that was 3 to 4 s from the run's last request to its end; without
it, 0.8 to 1.4 s (bench/notes/latency.md).

``os._exit`` skips that teardown, and with it any ``atexit`` handler registered before
``arm`` (those registered after it run first, as ``atexit`` calls them last first): the
standard streams and ``logging``'s handlers are flushed here instead. Only a worker whose
session ended (``done``) leaves so; one that failed before that exits as Python would.
"""

from __future__ import annotations

import atexit
import logging
import os
import sys

__all__ = ["arm", "done"]

_state = {"armed": False, "done": False}


def arm() -> None:
    """In a worker process, once: leave at exit without the interpreter's teardown, if
    ``done`` was called by then."""
    if not _state["armed"]:
        _state["armed"] = True
        atexit.register(_leave)


def done() -> None:
    """The worker's session has ended and everything it had to send has gone."""
    _state["done"] = True


def _leave() -> None:
    if not _state["done"]:
        return
    try:
        logging.shutdown()
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    finally:
        os._exit(0)
