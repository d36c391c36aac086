"""A worker process that runs a test without waiting to be sent the next one.

pytest tears a test down knowing the test that follows it (``nextitem``: fixtures the next
one shares stay up), so pytest-xdist's worker takes the next test off its queue before it
runs the current one, and blocks until the controller has sent one (or told it to stop).
Every worker therefore holds one test more than it runs, handed out a whole test earlier:
at a far target a rate-limit check handed to a worker whose current test then waited 3.4 s
for a lock started 4.5 s after its quota was free, and a part's object-level check queued
behind a rate-limit check began 4.3 s after its part was done, while other workers were
free (the CRM at 50 ms, bench/notes/latency.md).

Here (``synth test --workers``, ``PartScheduling``) a worker runs the test it has with the
one queued behind it as ``nextitem`` where one is, and otherwise with the session: only the
test's own function-scoped fixtures are torn down, the session's (the target, its client and
lock) stay up for whatever comes, and pytest's own end of session tears them down after the
last test. The controller hands a worker its next unit once it has none left
(``PartScheduling._reschedule``), to whichever worker is free when the unit can start.

pytest-xdist has no option for it; ``WorkerInteractor.run_one_test`` is replaced on the
worker's instance (the worker runs xdist's module as execnet's ``__channelexec__``, so the
instance, found among the registered plugins, is what can be reached), keeping its events
as they are: ``runtest_protocol_complete`` after each test, ``Marker.SHUTDOWN`` to stop.
"""

from __future__ import annotations

import functools
import time
import types
from typing import Any

import pytest

__all__ = ["WIRE_KEY", "run_when_free"]

# What the controller sets in each worker's ``workerinput`` for it to run so.
WIRE_KEY = "synth_dispatch_when_free"


def run_when_free(config: pytest.Config) -> bool:
    """Replace this worker's ``run_one_test`` (a worker of a run whose controller said so:
    ``WIRE_KEY``); whether it was done (False: not such a worker). The controller hands this
    worker nothing more until its test ends, which a worker waiting to be sent the next test
    before it runs one would wait for forever: where xdist's worker is not the one this was
    written for, the worker stops at once and says so (``pytest.UsageError``)."""
    workerinput = getattr(config, "workerinput", None)
    if not workerinput or not workerinput.get(WIRE_KEY):
        return False
    interactor = next((plugin for plugin in config.pluginmanager.get_plugins()
                       if type(plugin).__name__ == "WorkerInteractor"), None)  # fmt: skip
    method = getattr(type(interactor), "run_one_test", None)
    names = getattr(method, "__globals__", {})
    if (
        interactor is None
        or not hasattr(getattr(interactor, "torun", None), "lock")
        or ("Marker" not in names)
    ):
        raise pytest.UsageError(
            "synth test --workers: this pytest-xdist's worker process is not the one synth "
            "runs tests in (its WorkerInteractor's run_one_test and test queue were not found); "
            "install the pytest-xdist that synth's pyproject.toml names (pip install -e .), or "
            "run with --workers 1"
        )
    run = functools.partial(_run_one_test, shutdown=names["Marker"].SHUTDOWN)
    interactor.run_one_test = types.MethodType(run, interactor)
    return True


def _run_one_test(self: Any, *, shutdown: object) -> None:
    """xdist's ``WorkerInteractor.run_one_test``, but the next test is taken only if it is
    queued already; else the test runs with the session as its ``nextitem`` and the worker
    waits for the next one after it (``TestQueue.get``). ``shutdown``: xdist's
    ``Marker.SHUTDOWN``, as the worker's module has it."""
    self.item_index = self.nextitem_index
    with self.torun.lock() as queued:
        following = queued.popleft() if queued else None
    items = self.session.items
    item = items[self.item_index]
    if following is shutdown:
        nextitem: Any = None
    elif following is None:
        nextitem = self.session  # keeps the session's fixtures, tears down the test's own
    else:
        nextitem = items[following]
    started = time.perf_counter()
    self.config.hook.pytest_runtest_protocol(item=item, nextitem=nextitem)
    duration = time.perf_counter() - started
    self.sendevent("runtest_protocol_complete", item_index=self.item_index, duration=duration)
    self.nextitem_index = self.torun.get() if following is None else following
