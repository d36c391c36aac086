"""Every planted bug behind a round trip: what `synth test` finds at a far target.

The latency bar asks for the same findings at 50 ms as at loopback: the planted bugs found, no
false report. ``bench.bugs`` measures the findings at loopback (one worker, in its process);
here each planted bug of the reference server (a fresh server per bug, work delay
``WORK_DELAY``) sits behind ``bench._proxy`` with ``--delay``, and ``synth test --profile
default --seed N`` runs as a user runs it (the command in a process of its own, ``--workers
auto``: behind a round trip it takes more workers). A run stops at the first failed test of the
bug's invariant (found: seconds and requests from the command's start) or runs to its end
(missed). Tests of other invariants that failed before are recorded: a bug may break more than
one invariant, and each is named so that a reader can tell a second finding from a false one.

The latency objective's bug (``SLO``) is judged at the run's end, over every answer
(``--enforce-slo``): that run goes whole, and found means the objective was reported breached.
A correct server's whole run with ``--enforce-slo`` comes first: anything it reports is false,
and it shows that the round trip alone does not breach the objectives (the bug's 250 ms does).

Run: ``.venv/bin/python -m bench.latency_bugs [--delay 0.05] [--bugs a,b]``; writes
``bench/results/latency_bugs.json`` (not run by ``make bench``: about half an hour at 50 ms).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench._server import ROOT, serve
from bench.bugs import WORK_DELAY
from bench.latency import RESULTS, _commit, run_synth
from bench.report import clean_said
from examples.reference_server.bugs import BUGS
from synth.testing._order import test_key

__all__ = ["key_of", "main"]

SLO = "SLO"


def key_of(test: str) -> tuple[str, str]:
    """``(invariant, operation)`` of a test as the runners print it
    (``generated/tests/test_contacts.py::test_getContact__TEN_READ[first]``)."""
    return test_key(test.rpartition("::")[2].partition("[")[0])


def _run(bug: str, delay: float, seed: int, more: list[str]) -> dict[str, Any]:
    """``synth test`` against the server with ``bug`` ("": the correct server) at ``delay``,
    with ``more`` options."""
    expected = BUGS[bug].invariant if bug else None
    extra = [*more, *(["--enforce-slo"] if expected in (SLO, None) else [])]
    with serve(bug, WORK_DELAY) as url:
        run = run_synth(url, delay, seed=seed, contracts=ROOT / "contracts",
                        tests=ROOT / "generated" / "tests", extra=extra,
                        stop_at=None if expected in (SLO, None) else
                        lambda test: key_of(test)[0] == expected)  # fmt: skip
    failed = [(key_of(f["test"]), f) for f in run["failed"]]
    hit = next((f for (invariant, _), f in failed if invariant == expected), None)
    found = run["slo_breached"] if expected == SLO else hit is not None
    # Found by a failed test: when it failed; by the run's end (an objective breached): then.
    at = hit or ({"seconds": run["wall_seconds"], "requests": run["requests"]} if found else {})
    return {
        "bug": bug, "invariant": expected, "found": found,
        "seconds": at.get("seconds"), "requests": at.get("requests"),
        # Failed tests of other invariants, before the stop (or in the whole run).
        "others": sorted({f"{invariant} {operation}" for (invariant, operation), _ in failed
                          if invariant != expected}),
        "slo_breached": run["slo_breached"],
        "exit_code": run["exit_code"], "workers": run["workers"],
        "wall_seconds": run["wall_seconds"], "total_requests": run["requests"],
        "stopped": run["stopped"],
    }  # fmt: skip


def _line(row: dict[str, Any]) -> str:
    if not row["bug"]:
        return (f"correct server: {clean_said(row)} ({row['wall_seconds']:.1f} s, "
                f"{row['total_requests']} requests)")  # fmt: skip
    if row["found"]:
        head = f"found at {row['seconds']:.1f} s, {row['requests']} requests"
    else:
        head = f"MISSED ({row['wall_seconds']:.1f} s, {row['total_requests']} requests)"
    others = f"; also failed: {', '.join(row['others'])}" if row["others"] else ""
    return f"{row['bug']} ({row['invariant']}): {head}{others}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=0.05, help="seconds per round trip")
    parser.add_argument("--bugs", default=",".join(BUGS), help="comma-separated ids")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--synth-args", default="", help="more `synth test` options, quoted")
    parser.add_argument("--out", type=Path, default=RESULTS / "latency_bugs.json")
    args = parser.parse_args(argv)
    bugs = [b.strip() for b in args.bugs.split(",") if b.strip()]
    unknown = sorted(set(bugs) - BUGS.keys())
    if unknown:
        parser.error(f"--bugs: {', '.join(unknown)} not planted; choose among {', '.join(BUGS)}")
    if not 0.0 <= args.delay <= 1.0:
        parser.error(f"--delay={args.delay!r}: expected seconds between 0 and 1")
    began = time.monotonic()
    result: dict[str, Any] = {
        "benchmark": "latency_bugs", "python": sys.version.split()[0], "delay": args.delay,
        "seed": args.seed, "synth_args": args.synth_args, "work_delay": WORK_DELAY, "commit": _commit(),
        "measured_on": date.today().isoformat(), "cpus": os.cpu_count(),
        "load_before": os.getloadavg(),
    }  # fmt: skip
    rows = []
    for bug in ["", *bugs]:
        rows.append(_run(bug, args.delay, args.seed, shlex.split(args.synth_args)))
        print(_line(rows[-1]), flush=True)
    result["clean"], result["rows"] = rows[0], rows[1:]
    result["load_after"] = os.getloadavg()
    result["elapsed_seconds"] = time.monotonic() - began
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    found = sum(r["found"] for r in result["rows"])
    print(f"{found} of {len(result['rows'])} planted bugs found at {args.delay * 1000:.0f} ms")


if __name__ == "__main__":
    main()
