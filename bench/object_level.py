"""The object-level check alone: where its time goes at a round trip.

`synth test` runs schemathesis's ``object_level_authorization`` check once per part of the API
as an ``st run`` of its own, each process's requests one after another: one process at
loopback, two at once against a far target, each running some of the phases
(``synth/testing/_authorization.py``, ``phase_groups``). This runs those same commands
(``_authorization.st_run``, the run's tenants as peers) against the reference server through
``bench._proxy`` at each delay, for each part, in one process and in two, and prints the wall
time, the requests and the seconds of each schemathesis phase.

Run: ``.venv/bin/python -m bench.object_level [--delays 0,0.05] [--groups
'examples,coverage;fuzzing,stateful']`` (``--groups``: another split timed beside one process
and ``PHASE_GROUPS``; the two-process split of before, as here).

``--examples``: whether the split finds what one process finds. Every example's correct server
and each of its planted bugs of the tenancy family get `synth test -k
OBJECT_LEVEL_AUTHORIZATION --seed 1` twice, the check's phases forced into one process and into
``PHASE_GROUPS`` (this module as a pytest plugin, ``FORCE_ENV``: loopback would run one), and
the bugs each reported are printed side by side (about 10 minutes)::

    .venv/bin/python -m bench.object_level --examples
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
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

__all__ = ["examples", "measure"]

# Set in a `synth test` run's environment with ``-p bench.object_level``: the number of
# processes the object-level check's phases run in, 1 or ``len(PHASE_GROUPS)``, wherever the
# target is.
FORCE_ENV = "BENCH_OLA_PROCESSES"


def pytest_configure(config: Any) -> None:
    """As a plugin of a `synth test` run: force the object-level check's grouping."""
    from synth.testing import _authorization

    wanted = os.environ.get(FORCE_ENV, "")
    if wanted:
        groups = (PHASES,) if wanted == "1" else PHASE_GROUPS
        _authorization.phase_groups = lambda target: groups


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


def _reported(results: Path) -> bool:
    """Whether a `synth test --results` file holds a violation of the object-level check."""
    if not results.exists():
        return False
    findings = json.loads(results.read_text(encoding="utf-8"))["findings"]
    return any(f["invariant"] == "OBJECT-LEVEL-AUTHORIZATION" and f["outcome"] == "violation"
               for f in findings)  # fmt: skip


def examples() -> list[tuple[str, str, dict[int, bool]]]:
    """For each example's correct server and each planted bug of the tenancy family: whether
    the object-level check reported a violation with its phases in one process and in
    ``len(PHASE_GROUPS)``, by that count."""
    from examples._example import discover
    from examples._example import load as load_example
    from examples._example import serve as serve_example

    rows = []
    counts = (1, len(PHASE_GROUPS))
    with tempfile.TemporaryDirectory(prefix="bench-ola-examples-") as tmp:
        for name in discover():
            example = load_example(name)
            out = Path(tmp) / name
            subprocess.run([str(ROOT / ".venv/bin/synth"), "generate", "--contracts",
                            str(example.CONTRACTS), "--out", str(out)],
                           check=True, cwd=ROOT, capture_output=True)  # fmt: skip
            cases = [("correct", ())] + [(bug.id, (bug.id,)) for bug in example.BUGS
                                         if bug.invariant.startswith("TEN-")]  # fmt: skip
            for case, bugs in cases:
                found = {}
                for count in counts:
                    results = out / f"{case}-{count}.json"
                    with serve_example(example, list(bugs)) as url:
                        command = [str(ROOT / ".venv/bin/synth"), "test", "--contracts",
                                   str(example.CONTRACTS), "--tests", str(out / "tests"),
                                   "--base-url", url, "--seed", "1", "--results", str(results),
                                   "-k", "OBJECT_LEVEL_AUTHORIZATION"]  # fmt: skip
                        command += [arg for t, secret in example.TENANTS.items()
                                    for arg in ("--tenant", f"{t}={secret}")]  # fmt: skip
                        command += [arg for t, value in example.TENANT_IDS.items()
                                    for arg in ("--tenant-id", f"{t}={value}")]  # fmt: skip
                        env = {**os.environ, FORCE_ENV: str(count),
                               "PYTEST_ADDOPTS": "-p bench.object_level",
                               "PYTHONPATH": str(ROOT)}  # fmt: skip
                        subprocess.run(command, check=False, cwd=ROOT, env=env,
                                       capture_output=True)  # fmt: skip
                    found[count] = _reported(results)
                print(f"{name} {case}: " + ", ".join(
                    f"{count} process(es) {'reported' if found[count] else 'nothing'}"
                    for count in counts), flush=True)  # fmt: skip
                rows.append((name, case, found))
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--delays", default="0,0.05", help="seconds per round trip, comma-separated"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--groups", action="append", default=[],
                        help="another split to time, its processes' phases ';'-separated "
                        "(e.g. 'examples,coverage;fuzzing,stateful')")  # fmt: skip
    parser.add_argument("--examples", action="store_true",
                        help="the examples' correct servers and tenancy bugs, one process "
                        "against the split")  # fmt: skip
    args = parser.parse_args(argv)
    if args.examples:
        rows = examples()
        differ = [f"{name} {case}" for name, case, found in rows if len(set(found.values())) > 1]
        print(f"{len(rows)} servers; reported differently: {', '.join(differ) or 'none'}")
        return
    try:
        delays = [float(d) for d in args.delays.split(",")]
    except ValueError:
        parser.error(f"--delays={args.delays!r}: expected seconds, comma-separated (0,0.05)")
    parts = sorted(set(Graph(loader.load(ROOT / "contracts")).parts().values()))
    for delay in delays:
        for part in parts:
            # One process (at loopback, as `synth test` runs it) and the split (a far target).
            splits = [(PHASES,), PHASE_GROUPS, *(tuple(g.split(";")) for g in args.groups)]
            for groups in splits:
                row = measure(delay, part, seed=args.seed, groups=groups)
                phases = ", ".join(f"{k} {v:.1f} s" for k, v in row["phases"].items() if v >= 0.05)
                print(f"{delay * 1000:>5.0f} ms  {part}, {len(groups)} process(es): "
                      f"{row['wall_seconds']:.1f} s, {row['requests']} requests ({phases})",
                      flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
