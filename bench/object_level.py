"""The object-level check alone: where its time goes at a round trip.

`synth test` runs schemathesis's ``object_level_authorization`` check once per part of the API
as an ``st run`` of its own, each process's requests one after another: one process at
loopback, two at once against a far target, each running some of the phases
(``synth/testing/_authorization.py``, ``phase_groups``). This runs those same commands
(``_authorization.st_run``, the run's tenants as peers) against the reference server through
``bench._proxy`` at each delay, for each part, in one process and in two, and prints the wall
time, the requests and the seconds of each schemathesis phase.

Run: ``.venv/bin/python -m bench.object_level [--delays 0,0.05]``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import _proxy
from bench._server import ROOT, TENANTS, serve
from bench.bugs import WORK_DELAY
from synth import loader
from synth.relations import Graph
from synth.testing import Target, config_from_options
from synth.testing._authorization import PHASE_GROUPS, PHASES, st_reports, st_run

__all__ = ["measure"]


def measure(
    delay: float, part: str, *, seed: int = 1, groups: tuple[str, ...] = (PHASES,)
) -> dict[str, Any]:
    """The object-level check's ``st run`` over ``part`` at ``delay`` seconds a round trip
    (``_authorization.st_run``, as ``synth test`` runs it), one process per group of phases in
    ``groups``: wall seconds, requests (its HAR's entries) and seconds per phase."""
    api = loader.load(ROOT / "contracts")
    operations = sorted(op for op, named in Graph(api).parts().items() if named == part)
    with serve("", WORK_DELAY) as url, _proxy.process(url, delay, seed=seed) as proxy:
        config = config_from_options(base_url=proxy.url, tenants=TENANTS,
                                     seed=seed, profile="default", env={})  # fmt: skip
        target = Target(config, api)
        try:
            with tempfile.TemporaryDirectory(prefix="bench-ola-") as tmp:
                started = time.monotonic()
                done = st_run(target, operations, Path(tmp), groups)
                wall = time.monotonic() - started
                events, entries = st_reports(Path(tmp))
        finally:
            target.close()
    if done.returncode not in (0, 1):
        raise SystemExit(f"st run failed (exit {done.returncode}):\n{done.stdout[-2000:]}")
    return {"delay": delay, "part": part, "operations": operations, "processes": len(groups),
            "wall_seconds": wall,
            "requests": len(entries), "phases": _phases(events), "exit_code": done.returncode}  # fmt: skip


def _phases(events: list[dict[str, Any]]) -> dict[str, float]:
    """Seconds of each schemathesis phase that ran, from its processes' ndjson events (each
    process's in turn: ``st_reports``); a phase another process skipped does not count."""
    started: dict[str, float] = {}
    seconds: dict[str, float] = {}
    for event in events:
        for kind in ("PhaseStarted", "PhaseFinished"):
            body = event.get(kind)
            if not isinstance(body, dict) or not isinstance(body.get("phase"), dict):
                continue
            name = body["phase"].get("name")
            if kind == "PhaseStarted":
                started[name] = body["timestamp"]
            elif name in started:
                took = body["timestamp"] - started.pop(name)
                seconds[name] = max(seconds.get(name, 0.0), took)
    return seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--delays", default="0,0.05", help="seconds per round trip, comma-separated"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        delays = [float(d) for d in args.delays.split(",")]
    except ValueError:
        parser.error(f"--delays={args.delays!r}: expected seconds, comma-separated (0,0.05)")
    parts = sorted(set(Graph(loader.load(ROOT / "contracts")).parts().values()))
    for delay in delays:
        for part in parts:
            # One process (at loopback, as `synth test` runs it) and two (a far target).
            for groups in ((PHASES,), PHASE_GROUPS):
                row = measure(delay, part, seed=args.seed, groups=groups)
                phases = ", ".join(f"{k} {v:.1f} s" for k, v in row["phases"].items() if v >= 0.05)
                print(f"{delay * 1000:>5.0f} ms  {part}, {len(groups)} process(es): "
                      f"{row['wall_seconds']:.1f} s, {row['requests']} requests ({phases})",
                      flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
