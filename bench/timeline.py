"""Where a `synth test` run's time goes: each test's start and end on its worker, the lock
waits over 0.2 s inside it and the requests it sent, recorded by a pytest plugin in every
worker and read back as a table.

Record with the latency benchmark (`--timeline DIR`; any `synth test` run from the repository's
root records with ``PYTEST_ADDOPTS="-p bench.timeline" BENCH_TIMELINE=DIR`` and the root on
``PYTHONPATH``)::

    .venv/bin/python -m bench.latency --delays 0.05 --st-workers none --timeline /tmp/tl

Read (the benchmark records each delay's run in a folder of its own, ``/tmp/tl-50ms``)::

    .venv/bin/python -m bench.timeline /tmp/tl-50ms [--match getJob] [--waits]

or, per test and tenant, the requests of one operation (method and path as sent, the base
path included; a process's last test counts its cleanup's)::

    .venv/bin/python -m bench.timeline /tmp/tl-50ms --route 'GET /api/v1/jobs/[^/]+'

The plugin wraps private names of ``synth.testing`` (the lock's methods, ``Client._send``):
it fails at start-up, naming the one that moved, rather than record a timeline without it.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

__all__ = ["Row", "first_starts", "load", "render", "routed"]

ENV = "BENCH_TIMELINE"
# A lock wait shorter than this is not worth a line.
_WAIT = 0.2
# What a test may wait on: the test's lock taken at its start, then the lock's upgrades.
_LOCK_WAITS = ("exclusive", "exclusive_part", "exclusive_quota", "resume", "reading",
               "keep_items", "hold_quotas", "light_read", "light_write", "light_end",
               "after_lights")  # fmt: skip


@dataclass
class _Current:
    """The test running in this process, what it waited on and the requests it sent."""

    test: str = ""
    waits: list[tuple[str, float, float]] = field(default_factory=list)
    requests: int = 0
    # Requests by "METHOD path tenant", as sent (ids in the path): what ``--route`` reads.
    routes: Counter[str] = field(default_factory=Counter)


_NOW = _Current()
_STARTED = pytest.StashKey[float]()
_CALLED = pytest.StashKey[float]()
_OUTCOME = pytest.StashKey[str]()
_ENDED = pytest.StashKey[tuple[float, int]]()
# Each test's outcome by node id, from its reports, until its record is written.
_OUTCOMES: dict[str, str] = {}


def _timed(owner: Any, name: str, label: str) -> None:
    """Wrap ``owner.name`` to note each call that took over ``_WAIT`` seconds."""
    original = getattr(owner, name, None)
    if original is None:
        raise pytest.UsageError(f"bench.timeline: {owner.__name__}.{name} is gone; update _timed")

    @functools.wraps(original)
    def timed(*args: Any, **kwargs: Any) -> Any:
        began = time.time()
        try:
            return original(*args, **kwargs)
        finally:
            if (took := time.time() - began) > _WAIT:
                _NOW.waits.append((label, began, took))

    setattr(owner, name, timed)


def _counted(client: Any) -> None:
    """Count every request ``Client._send`` sends (retries included) against the test."""
    original = getattr(client, "_send", None)
    if original is None:
        raise pytest.UsageError("bench.timeline: Client._send is gone; update _counted")

    @functools.wraps(original)
    async def counted(self: Any, request: Any) -> Any:
        _NOW.requests += 1
        _NOW.routes[f"{request.method} {request.path} {request.tenant}"] += 1
        return await original(self, request)

    client._send = counted


def pytest_configure(config: pytest.Config) -> None:
    if not os.environ.get(ENV):
        return
    from synth.testing import _http, plugin
    from synth.testing._lock import RunLock

    _timed(plugin, "hold", "hold")
    for name in _LOCK_WAITS:
        _timed(RunLock, name, name)
    _counted(_http.Client)


def _write(record: dict[str, Any]) -> None:
    folder = Path(os.environ[ENV])
    folder.mkdir(parents=True, exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with (folder / f"{worker}.jsonl").open("a", encoding="utf-8") as out:
        out.write(json.dumps(record) + "\n")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    if not os.environ.get(ENV):
        yield
        return
    _NOW.test, _NOW.waits, _NOW.requests = item.nodeid.rpartition("::")[2], [], 0
    _NOW.routes = Counter()
    item.stash[_STARTED] = time.time()
    yield
    finished = time.time()
    ended, checked = item.stash.get(_ENDED, (finished, _NOW.requests))
    _write({"worker": os.environ.get("PYTEST_XDIST_WORKER", "main"), "test": _NOW.test,
            "started": item.stash[_STARTED], "called": item.stash.get(_CALLED, None),
            "ended": ended, "finished": finished, "outcome": item.stash.get(_OUTCOME, "not run"),
            "requests": checked, "teardown_requests": _NOW.requests - checked,
            "waits": _NOW.waits, "routes": dict(_NOW.routes)})  # fmt: skip


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    item.stash[_CALLED] = time.time()
    yield


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" or (report.when == "setup" and not report.passed):
        _OUTCOMES[report.nodeid] = report.outcome


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    # Before the fixtures' finalizers: the last test of a process also closes the run's
    # target, which deletes what that process made (its requests are the teardown's).
    item.stash[_OUTCOME] = _OUTCOMES.pop(item.nodeid, "not run")
    item.stash[_ENDED] = (time.time(), _NOW.requests)


@dataclass(frozen=True)
class Row:
    """One test of a recorded run: seconds since the run's first test started."""

    worker: str
    test: str
    started: float
    called: float | None  # when its check began, after the test's lock was granted
    ended: float  # when its check ended (its teardown began)
    finished: float  # when its teardown ended
    outcome: str
    requests: int  # sent by its check
    teardown_requests: int  # sent by its teardown (the process's cleanup, after its last test)
    waits: tuple[tuple[str, float, float], ...]  # (what, seconds since the start, seconds)
    routes: tuple[tuple[str, int], ...] = ()  # ("METHOD path tenant", requests), check and teardown


def _records(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for path in sorted(folder.glob("*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines() if line]  # fmt: skip


def first_starts(folder: Path) -> dict[str, float]:
    """When each worker recorded in ``folder`` started its first test (seconds since the epoch,
    as recorded): against the command's own start, how long the workers took to come up."""
    starts: dict[str, float] = {}
    for r in _records(folder):
        starts[r["worker"]] = min(r["started"], starts.get(r["worker"], r["started"]))
    return starts


def load(folder: Path) -> list[Row]:
    """The rows recorded in ``folder``, by start (a record made before the teardown was timed
    apart counts its teardown in its check)."""
    records = _records(folder)
    if not records:
        return []
    zero = min(r["started"] for r in records)
    rows = [Row(r["worker"], r["test"], r["started"] - zero,
                None if r["called"] is None else r["called"] - zero, r["ended"] - zero,
                r.get("finished", r["ended"]) - zero, r["outcome"], r["requests"],
                r.get("teardown_requests", 0),
                tuple((w, began - zero, took) for w, began, took in r["waits"]),
                tuple(sorted(r.get("routes", {}).items())))
            for r in records]  # fmt: skip
    return sorted(rows, key=lambda r: (r.started, r.worker))


def routed(rows: list[Row], route: str) -> list[str]:
    """Requests whose "METHOD path" matches the regular expression ``route`` (``GET
    /jobs/[^/]+``), per test and tenant, most first; then the sum by tenant."""
    pattern, tenants = re.compile(route), Counter[str]()
    counted: list[tuple[int, str]] = []
    for r in rows:
        mine = Counter[str]()
        for sent, n in r.routes:
            method, rest = sent.split(" ", 1)
            path, tenant = rest.rsplit(" ", 1)
            if pattern.fullmatch(f"{method} {path}"):
                mine[tenant] += n
        if mine:
            tenants.update(mine)
            shares = ", ".join(f"{t} {n}" for t, n in sorted(mine.items()))
            counted.append((sum(mine.values()), f"{sum(mine.values()):6}  {r.test} ({shares})"))
    lines = [line for _, line in sorted(counted, key=lambda c: -c[0])]
    total = ", ".join(f"{t} {n}" for t, n in sorted(tenants.items()))
    return [*lines, f"{sum(tenants.values())} requests matching {route!r} ({total or 'none'})"]


def render(rows: list[Row], *, match: str = "", waits: bool = False) -> list[str]:
    """The rows as lines (those whose test name holds ``match``), then each worker's busy
    share of the span from the first start to the last end."""
    lines = [f"{'worker':>6} {'start':>7} {'waited':>7} {'check':>15} {'s':>6} {'requests':>8}"
             "  test"]  # fmt: skip
    for r in rows:
        if match not in r.test:
            continue
        called = r.started if r.called is None else r.called
        flag = "" if r.outcome == "passed" else f"  ({r.outcome})"
        if r.teardown_requests or r.finished - r.ended > _WAIT:
            flag += (f"  (teardown {r.finished - r.ended:.1f} s, "
                     f"{r.teardown_requests} requests)")  # fmt: skip
        lines.append(f"{r.worker:>6} {r.started:7.1f} {called - r.started:7.1f} "
                     f"{called:7.1f}-{r.ended:7.1f} {r.ended - called:6.1f} {r.requests:8}  "
                     f"{r.test}{flag}")  # fmt: skip
        if waits:
            lines += [f"{'':>15} waited {took:5.1f} s at {began:7.1f} in {what}"
                      for what, began, took in r.waits]  # fmt: skip
    if not rows:
        return [*lines, "no test recorded"]
    span = max(r.finished for r in rows)
    lines.append(f"span {span:.1f} s from the first test's start to the last one's end; "
                 f"{sum(r.requests for r in rows)} requests in checks, "
                 f"{sum(r.teardown_requests for r in rows)} in teardowns")  # fmt: skip
    for worker in sorted({r.worker for r in rows}):
        mine = [r for r in rows if r.worker == worker]
        checks = sum(r.ended - (r.started if r.called is None else r.called) for r in mine)
        locks = sum(took for r in mine for _, _, took in r.waits)
        lines.append(f"{worker:>6}: {len(mine)} tests, checks {checks:.1f} s "
                     f"({checks / span:.0%} of the span), lock waits {locks:.1f} s, "
                     f"first test at {min(r.started for r in mine):.1f} s")  # fmt: skip
    return lines


def main(argv: list[str] | None = None, echo: Callable[[str], None] = print) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="where the run recorded (BENCH_TIMELINE)")
    parser.add_argument("--match", default="", help="only tests whose name holds this")
    parser.add_argument("--waits", action="store_true", help="each lock wait over 0.2 s too")
    parser.add_argument(
        "--route",
        help="instead: per test, the requests whose 'METHOD path' "
        "matches this regular expression, e.g. 'GET /jobs/[^/]+'",
    )
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        parser.error(f"{args.folder}: no such folder; record a run first (see --help)")
    if args.route is not None:
        try:
            lines = routed(load(args.folder), args.route)
        except re.error as e:
            parser.error(f"--route {args.route!r}: {e}")
    else:
        lines = render(load(args.folder), match=args.match, waits=args.waits)
    for line in lines:
        echo(line)


if __name__ == "__main__":
    main()
