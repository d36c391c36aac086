"""Latency: `synth test` and schemathesis's `st run` against a server that is far away.

A preview deploy is not loopback: every request pays a round trip. Here the reference server
(a real process, work delay ``WORK_DELAY``) sits behind ``bench._proxy``, a loopback proxy that
adds a fixed delay per round trip, and at each delay

- synth: ``synth test --profile default`` (the command, as a user runs it, in a process of its
  own) over the whole generated suite against the correct server: wall time, and the requests
  the proxy passed on (retries, confirmations and the preflight included);
- synth's time to first report: the same command against the server with one planted bug
  (``--bug``), from the command's start to the first failing test it prints (it prints each
  test as it ends), and the requests passed on by then; the run is stopped there;
- schemathesis: ``st run`` with all checks and phases, both tenants as Web Fuzzing Commons users
  (as ``bench.bugs`` runs it), with ``--workers`` 1 and 4 (``--st-workers``), against the correct
  server through the same proxy: wall time and requests; and beside each, synth restricted to
  the checks of what ``st run`` checks (``SAME_CHECKS``) with as many workers. ``st run``
  stops each operation at its first failure, and on the correct server it reports some
  (answers its checks take for failures: a 412 to a PATCH without ``If-Match``, a 400 to a
  cursor it made up), so each is also run whole (``--continue-on-failure``, ``st_whole``:
  every operation tested to its end, about as many requests as synth's same checks send).

``--twenty`` adds the 20x API (``bench._twenty``: the example's contracts under twenty prefixes,
the reference server mounted twenty times) at ``--twenty-delay``, run whole and, where `synth
test` offers ``--shard``, over 1, 2 and 4 shards; and ``st run`` on it. It takes about an hour.

``--example fleet`` (any folder of ``examples/``) measures one of the example APIs instead of the
reference server, whose shape the scheduling was first tuned on: its correct server behind the
same proxy, with its own tenants; only ``synth test`` against the correct server (give it its
own ``--out``).

``--fault-rate 0.1`` has the proxy inject transport faults into every run (resets, 502/503,
answers held 15 s, truncated bodies; ``bench._proxy``); give it its own ``--out``. ``--seeds 10``
runs synth against the correct server with ten seeds at each delay (from ``--seed`` on; the
first is the run above), counting the runs that report anything: a correct server's report is
a false one (``--delays 0.05 --seeds 10 --st-workers none --out
bench/results/latency_seeds.json``: the bar's ten seeds at 50 ms); with loopback among the
delays, each delay's ratio is also given as the ratio of the medians over the seeds
(``synth_median``), which the machine's noise moves less than one run's, and as the median of
each seed's own ratio (``synth_paired_median``: a seed's runs at every delay go one after the
other, so the machine's drift over minutes falls on both). ``--timeline DIR`` records
where the correct-server runs' time goes (``bench.timeline``: each test's start and end per
worker, its lock waits and requests), what they sent (``requests.log`` in the same folder,
counted by ``python -m bench.requests``) and the command's output (``output.log``).

Run: ``.venv/bin/python -m bench.latency [--quick] [--twenty]`` (``--delays none --twenty
--twenty-shards 4 --twenty-st-workers none``: the whole 20x API and its 4 shards alone); writes
``bench/results/latency.json`` (``make bench`` runs ``--quick``: delays 0 and 50 ms only).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import schemathesis

from bench import _proxy, _twenty
from bench import timeline as timeline_plugin
from bench._server import ROOT, TENANTS, serve
from bench.bugs import ST_CONFIG, ST_PHASES, WORK_DELAY, _auth_document
from examples._example import discover as discover_examples
from examples._example import load as load_example
from examples._example import serve as serve_example
from examples.reference_server.bugs import BUGS

RESULTS = Path(__file__).resolve().parent / "results"
BIN = Path(sys.executable).parent
DELAYS = (0.0, 0.02, 0.05, 0.1)
QUICK_DELAYS = (0.0, 0.05)
ST_WORKERS = (1, 4)
SHARDS = (1, 2, 4)
BUG = "ten-read-leak"
SEED = 1
# synth's checks of what `st run --checks all` checks (the like-for-like run beside each `st
# run`, with as many workers): answers conform to the document, status, headers and body
# (CONFORMANCE: its not_a_server_error, *_conformance and positive_data_acceptance); invalid
# input is refused (ERR-VALIDATION: negative_data_rejection, missing_required_header); every
# error answered is one declared, to requests without credentials, to unknown ids and
# unsupported methods among them (ERR-DECLARED: ignored_auth, unsupported_method,
# use_after_free's 404); no tenant reads another's objects (OBJECT-LEVEL-AUTHORIZATION, run
# in schemathesis's own engine).
SAME_CHECKS = "CONFORMANCE or ERR_VALIDATION or ERR_DECLARED or OBJECT_LEVEL_AUTHORIZATION"
# st run's option to test each operation to its end past its first failure.
WHOLE = "--continue-on-failure"

# The summary's line where --enforce-slo found an objective breached (``synth.testing.plugin``).
_BREACHED = "latency objectives breached"
# pytest-xdist's line when it has started the workers --workers asked for.
_WORKERS = re.compile(r"\bcreated: (\d+)/\d+ workers")
# One process: "path::test PASSED"; with --workers (xdist): "[gw0] [ 50%] PASSED path::test",
# or "[gw0] [ 3/12] PASSED path::test" where progress is counted.
_OUTCOMES = "PASSED|FAILED|SKIPPED|ERROR|XFAIL|XPASS"
_TEST_LINE = re.compile(
    rf"^(?:(?P<test>\S+::\S+)\s+(?P<outcome>{_OUTCOMES})\b"
    rf"|\[gw\d+\]\s+\[\s*\d+(?:%|/\d+)\]\s+(?P<xoutcome>{_OUTCOMES})\s+(?P<xtest>\S+::\S+))"
)


def first_report(test: str) -> bool:
    """``run_synth``'s ``stop_at`` for a run stopped at its first report, whatever the test."""
    return True


def synth_options() -> str:
    """``synth test --help``, to learn which options this build offers (``--shard``)."""
    out = subprocess.run([str(BIN / "synth"), "test", "--help"], capture_output=True, text=True,
                         check=False)  # fmt: skip
    return out.stdout


def _end_group(group: int, patience: float = 10.0) -> None:
    """Wait until no process of ``group`` (an ended command's session) is left, killing
    those left after ``patience`` seconds: a stopped run's worker processes went on for a few
    seconds after the command, into whatever ran next (two at 17% of a CPU each for about
    5 s, seen after the CRM's 50 ms bug run, into the next benchmark run back to back)."""
    deadline = time.monotonic() + patience
    while True:
        try:
            os.killpg(group, signal.SIGKILL if time.monotonic() > deadline else 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)


def run_synth(
    upstream: str,
    delay: float,
    *,
    seed: int,
    contracts: Path,
    tests: Path,
    extra: Sequence[str] = (),
    fault_rate: float = 0.0,
    timeline: Path | None = None,
    tenants: Sequence[str] = TENANTS,
    base_path: str = "",
    stop_at: Callable[[str], bool] | None = None,
) -> dict[str, Any]:
    """``synth test`` through a proxy with ``delay``: wall time, requests, tests by outcome and
    the first report (seconds since the command started, requests passed on by then), and each
    failed test's (``failed``). The run is stopped at the first failed test that
    ``stop_at(test)`` accepts, where given (``first_report``: the first of all).
    ``timeline``: a folder where each test's start, end, lock waits and requests are recorded
    (``bench.timeline``), and each request the proxy passed on (``requests.log``,
    ``bench.requests``). ``upstream`` is the server's origin; ``base_path`` follows the
    proxy's in the base URL (an example's ``/v1``)."""
    log = None
    if timeline is not None:  # emptied first (the plugin appends), then the proxy's log there
        if timeline.exists():
            shutil.rmtree(timeline)
        timeline.mkdir(parents=True)
        log = timeline / "requests.log"
    with _proxy.process(upstream, delay, seed=seed, fault_rate=fault_rate, log=log) as proxy:
        named = [arg for t in tenants for arg in ("--tenant", t)]
        command = [str(BIN / "synth"), "test", "--base-url", proxy.url + base_path, *named,
                   "--profile", "default", "--seed", str(seed), "--contracts", str(contracts),
                   "--tests", str(tests), *extra]  # fmt: skip
        # `--workers auto`, the default, as a user runs it: the preflight measures the round
        # trip and takes more workers for a far target. `--synth-args "--workers 1"` gives
        # the sequential figures.
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        if timeline is not None:
            env.update(_timeline_env(timeline, env))
        started, epoch = time.monotonic(), time.time()
        # A session of its own: stopped at a report, the command and its worker processes
        # end together (``_end_group``).
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True, cwd=ROOT, env=env, start_new_session=True)  # fmt: skip
        assert child.stdout is not None
        outcomes: dict[str, int] = {}
        failed: list[dict[str, Any]] = []
        tail: list[str] = []
        workers = 1
        breached = stopped = False
        # The command's output, kept beside the timeline's records (``output.log``): its
        # summary says what was set aside or confirmed alone, which the timeline shows as waits.
        kept = open(timeline / "output.log" if timeline else os.devnull, "w", encoding="utf-8")  # noqa: SIM115
        for line in child.stdout:
            tail = [*tail[-40:], line.rstrip()]
            kept.write(line)
            if spawned := _WORKERS.search(line):
                workers = int(spawned.group(1))
            breached = breached or _BREACHED in line
            found = _TEST_LINE.match(line)
            if not found:
                continue
            outcome = found.group("outcome") or found.group("xoutcome")
            test = found.group("test") or found.group("xtest")
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            if outcome == "FAILED":
                failed.append({"seconds": time.monotonic() - started, "test": test,
                               "requests": proxy.snapshot()["requests"]})  # fmt: skip
                if stop_at is not None and stop_at(test):
                    stopped = True
                    os.killpg(child.pid, signal.SIGTERM)
                    break
        # Stopped, the command still writes its summary (and sixteen workers their ends): read
        # to its end, or a full pipe keeps it waiting and ``wait4`` with it (seen once in
        # `bench.latency_bugs`: `page-default-limit`'s run hung 11 minutes, the command asleep
        # in a pipe write).
        kept.writelines(child.stdout)
        kept.close()
        # wait4, not wait: the command's own CPU time, which the machine's load does not inflate.
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.monotonic() - started
        code = child.returncode = os.waitstatus_to_exitcode(status)
        child.stdout.close()
        _end_group(child.pid)
    if not stopped and code not in (0, 1):
        raise SystemExit(f"synth test failed (exit {code}):\n" + "\n".join(tail))
    # Seconds from the command's start to each worker's first test (its start-up, the
    # preflight and the workers'), where the timeline was recorded.
    first_tests = (sorted(round(t - epoch, 2) for t in timeline_plugin.first_starts(timeline).values())
                   if timeline is not None else [])  # fmt: skip
    return {
        "exit_code": code,
        "workers": workers,
        "wall_seconds": wall,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "requests": proxy.stats.get("requests"),
        "connections": proxy.stats.get("connections"),
        "faults": proxy.stats.get("faults", {}),
        "tests": outcomes,
        "first_report": failed[0] if failed else None,
        "failed": failed,
        "first_tests": first_tests,
        "stopped": stopped,
        # --enforce-slo's line: latency objectives breached (judged at the run's end).
        "slo_breached": breached,
        # The summary's line on transport faults: how many, of which kinds, what they cost.
        "transport": next((t.strip() for t in tail if "transport faults (not" in t), ""),
    }


def run_st(
    upstream: str,
    delay: float,
    *,
    seed: int,
    workers: int,
    openapi: Path,
    examples: int | None = None,
    fault_rate: float = 0.0,
    st_args: Sequence[str] = (),
) -> dict[str, Any]:
    """``st run --workers N`` (and ``st_args``) through a proxy with ``delay``: wall time and
    requests."""
    with (
        _proxy.process(upstream, delay, seed=seed, fault_rate=fault_rate) as proxy,
        tempfile.TemporaryDirectory() as tmp,
    ):
        folder = Path(tmp)
        (folder / "auth.json").write_text(_auth_document())
        (folder / "schemathesis.toml").write_text(ST_CONFIG)
        command = [str(BIN / "st"), "run", str(openapi), "--url", f"{proxy.url}/api/v1",
                   "--checks", "all", "--phases", ST_PHASES, "--seed", str(seed),
                   "--workers", str(workers)]  # fmt: skip
        if examples:
            command += ["--max-examples", str(examples)]
        command += list(st_args)
        started = time.monotonic()
        child = subprocess.Popen(command, cwd=folder, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True)  # fmt: skip
        text, _ = child.communicate()
        wall = time.monotonic() - started
    internal = sorted(set(re.findall(r"\b(\w+Error): ", text)))
    return {
        "workers": workers,
        "exit_code": child.returncode,
        "wall_seconds": wall,
        "requests": proxy.stats.get("requests"),
        "faults": proxy.stats.get("faults", {}),
        "errors_in_output": internal,
        "last_lines": [line for line in text.splitlines() if line.strip()][-3:],
    }


def _operations(openapi: Path) -> int:
    paths = json.loads(openapi.read_text())["paths"]
    methods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
    return sum(1 for item in paths.values() for m in item if m in methods)


def _timeline_env(folder: Path, env: dict[str, str]) -> dict[str, str]:
    """What makes ``synth test``'s processes load ``bench.timeline`` and record in ``folder``
    (``run_synth`` empties it first: the plugin appends)."""
    path = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    addopts = " ".join(p for p in (env.get("PYTEST_ADDOPTS", ""), "-p bench.timeline") if p)
    return {"PYTHONPATH": path, "PYTEST_ADDOPTS": addopts, timeline_plugin.ENV: str(folder)}


def sweep(
    delays: Sequence[float],
    seed: int,
    bug: str,
    extra: Sequence[str],
    *,
    st_examples: int | None = None,
    fault_rate: float = 0.0,
    st_workers: Sequence[int] = ST_WORKERS,
    seeds: int = 1,
    timeline: Path | None = None,
    st_args: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """Each delay's row. ``timeline``: the first correct-server run of each delay records its
    timeline in a folder of that name with the delay in ms appended (``bench.timeline``)."""
    contracts, tests = ROOT / "contracts", ROOT / "generated" / "tests"
    openapi = ROOT / "generated" / "openapi.json"

    def correct(delay: float, run_seed: int, recorded: Path | None) -> dict[str, Any]:
        with serve("", WORK_DELAY) as url:
            return run_synth(url, delay, seed=run_seed, fault_rate=fault_rate, contracts=contracts,
                             tests=tests, extra=extra, timeline=recorded)  # fmt: skip

    rows: list[dict[str, Any]] = [{"delay": delay} for delay in delays]
    _correct_runs(rows, correct, seed=seed, seeds=seeds, label="synth", timeline=timeline)
    for row in rows:
        delay = row["delay"]
        with serve(bug, WORK_DELAY) as url:
            row["synth_bug"] = run_synth(url, delay, seed=seed, fault_rate=fault_rate, contracts=contracts, tests=tests,
                                         extra=extra, stop_at=first_report)  # fmt: skip
        _say_first_report(f"synth, bug {bug}", delay, row["synth_bug"])
        row["st"], row["same_checks"] = [], []
        for workers in st_workers:
            with serve("", WORK_DELAY) as url:
                st = run_st(url, delay, seed=seed, fault_rate=fault_rate, workers=workers, openapi=openapi,
                            examples=st_examples, st_args=st_args)  # fmt: skip
            row["st"].append(st)
            print(_line(delay, f"st run --workers {workers}", st), flush=True)
            if WHOLE not in st_args:
                # st run stops each operation at its first failure, and on the correct server
                # it reports some (a 412 to a PATCH without If-Match, 400s to cursors it made
                # up): those operations are tested only that far. Run whole, as many requests
                # as synth's same checks send, the like-for-like work.
                with serve("", WORK_DELAY) as url:
                    whole = run_st(url, delay, seed=seed, fault_rate=fault_rate, workers=workers,
                                   openapi=openapi, examples=st_examples,
                                   st_args=[*st_args, WHOLE])  # fmt: skip
                row.setdefault("st_whole", []).append(whole)
                print(_line(delay, f"st run --workers {workers} {WHOLE}", whole), flush=True)
            # The same checks in synth, as many workers: the bar's "at equal worker count, per
            # operation tested" read as equal work (the whole profile checks far more).
            with serve("", WORK_DELAY) as url:
                same = run_synth(url, delay, seed=seed, fault_rate=fault_rate, contracts=contracts,
                                 tests=tests, extra=[*extra, "-k", SAME_CHECKS,
                                                     "--workers", str(workers)])  # fmt: skip
            row["same_checks"].append(same)
            print(_line(delay, f"synth, st run's checks, --workers {workers}", same), flush=True)
    return rows


def _say_first_report(label: str, delay: float, run: dict[str, Any]) -> None:
    """Print a bug run's first report (``run_synth``'s ``first_report``), or that none came."""
    first = run["first_report"]
    print(f"{delay * 1000:>5.0f} ms  {label}: first report "
          + (f"{first['seconds']:.1f} s, {first['requests']} requests ({first['test']})"
             if first else "none"), flush=True)  # fmt: skip


def example_sweep(
    name: str,
    delays: Sequence[float],
    seed: int,
    extra: Sequence[str],
    *,
    fault_rate: float = 0.0,
    seeds: int = 1,
    timeline: Path | None = None,
    bug: str | None = None,
) -> list[dict[str, Any]]:
    """Each delay's row for one of ``examples/`` (``--example``) instead of the reference
    server: its contracts generated into a temporary folder, its correct server (a fresh one
    per run) behind the proxy, ``synth test`` with its tenants. With ``bug`` (one of the
    example's planted bugs, ``--example-bug``), also the time to its first report, each delay;
    ``st run`` is the reference server's only (``not_measured`` says so in each row)."""
    example = load_example(name)
    tenants = [f"{t}={secret}" for t, secret in example.TENANTS.items()]
    extra = [*extra, *(arg for t, value in example.TENANT_IDS.items()
                       for arg in ("--tenant-id", f"{t}={value}"))]  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="bench-example-") as tmp:
        out = Path(tmp) / "generated"
        subprocess.run([str(BIN / "synth"), "generate", "--contracts", str(example.CONTRACTS),
                        "--out", str(out)], check=True, capture_output=True, cwd=ROOT)  # fmt: skip

        def correct(delay: float, run_seed: int, recorded: Path | None) -> dict[str, Any]:
            with serve_example(example, []) as url:
                origin = url.removesuffix(example.BASE_PATH)
                return run_synth(origin, delay, seed=run_seed, fault_rate=fault_rate,
                                 contracts=example.CONTRACTS, tests=out / "tests", extra=extra,
                                 timeline=recorded, tenants=tenants,
                                 base_path=example.BASE_PATH)  # fmt: skip

        rows: list[dict[str, Any]] = [{"delay": delay, "example": name, "st": [],
                 "operations": _operations(out / "openapi.json"),
                 "not_measured": "st run: measured on the reference server only"
                                 + ("" if bug else "; the time to first report: no "
                                    "--example-bug given")} for delay in delays]  # fmt: skip
        _correct_runs(rows, correct, seed=seed, seeds=seeds, label=f"synth, {name},",
                      timeline=timeline)  # fmt: skip
        if bug is not None:
            for row in rows:
                with serve_example(example, [bug]) as url:
                    origin = url.removesuffix(example.BASE_PATH)
                    row["synth_bug"] = run_synth(origin, row["delay"], seed=seed,
                                                 fault_rate=fault_rate, contracts=example.CONTRACTS,
                                                 tests=out / "tests", extra=extra, tenants=tenants,
                                                 base_path=example.BASE_PATH,
                                                 stop_at=first_report)  # fmt: skip
                _say_first_report(f"synth, {name}, bug {bug}", row["delay"], row["synth_bug"])
    return rows


def _correct_runs(
    rows: list[dict[str, Any]],
    run: Callable[[float, int, Path | None], dict[str, Any]],
    *,
    seed: int,
    seeds: int,
    label: str,
    timeline: Path | None,
) -> None:
    """The correct server's runs into each delay's row: ``synth``, the one with ``seed``
    (recording its timeline in ``timeline`` with the delay in ms appended), and with
    ``seeds`` over one, ``seeds``: that run and one per seed after it, each recording its
    timeline beside the first's with ``-seed<N>`` appended (the slow one of three is the one
    to read). ``run(delay, seed, timeline folder or None)`` runs one, on a fresh server.

    Seed by seed, every delay's run of a seed one after another: the machine's speed drifts
    over minutes (the same build's loopback run took 31 and 41 s within an hour,
    ``bench/notes/latency.md``), so runs of all delays side by side give each ratio the same
    machine, and ``_ratios`` takes each seed's own ratio too (``synth_paired``)."""

    def recorded(delay: float, suffix: str) -> Path | None:
        return None if timeline is None else timeline.with_name(
            f"{timeline.name}-{delay * 1000:.0f}ms{suffix}")  # fmt: skip

    for row in rows:
        delay = row["delay"]
        row["synth"] = run(delay, seed, recorded(delay, ""))
        if timeline is not None:
            row["synth"]["timeline"] = str(recorded(delay, ""))
        print(_line(delay, label.rstrip(","), row["synth"]), flush=True)
        if seeds > 1:
            row["seeds"] = [_seed_row(seed, row["synth"])]
    for other in range(seed + 1, seed + seeds):
        for row in rows:
            delay = row["delay"]
            again = run(delay, other, recorded(delay, f"-seed{other}"))
            row["seeds"].append(_seed_row(other, again))
            print(_line(delay, f"{label} --seed {other}", again), flush=True)


def _seed_row(seed: int, run: dict[str, Any]) -> dict[str, Any]:
    """What a run against the correct server reported: anything it failed is a false report."""
    return {"seed": seed, "exit_code": run["exit_code"], "failed": run["tests"].get("FAILED", 0),
            "wall_seconds": run["wall_seconds"], "requests": run["requests"]}  # fmt: skip


def twenty(
    delay: float,
    seed: int,
    extra: Sequence[str],
    help_text: str,
    *,
    st_examples: int | None = None,
    fault_rate: float = 0.0,
    st_workers: Sequence[int] = ST_WORKERS,
    shards: Sequence[int] = SHARDS,
) -> dict[str, Any]:
    """The 20x API at ``delay``: synth whole, sharded over each of ``shards`` where it can be,
    and ``st run`` with each of ``st_workers`` (none: not run)."""
    with tempfile.TemporaryDirectory() as tmp:
        contracts, out = _twenty.build(Path(tmp))
        openapi = out / "openapi.json"
        result: dict[str, Any] = {"delay": delay, "operations": _operations(openapi), "runs": [],
                                  "commit": _commit(), "measured_on": date.today().isoformat(),
                                  "load_before": os.getloadavg()}  # fmt: skip
        with _twenty.serve(WORK_DELAY) as url:
            whole = run_synth(url, delay, seed=seed, fault_rate=fault_rate, contracts=contracts, tests=out / "tests",
                              extra=extra)  # fmt: skip
        result["runs"].append({"shards": None, **whole})
        print(_line(delay, "synth, 20x API", whole), flush=True)
        if "--shard" not in help_text:
            result["shards_not_measured"] = "`synth test` has no --shard option in this build"
        else:
            for n in shards:
                walls = []
                for i in range(1, n + 1):
                    with _twenty.serve(WORK_DELAY) as url:
                        run = run_synth(url, delay, seed=seed, fault_rate=fault_rate, contracts=contracts,
                                        tests=out / "tests", extra=[*extra, "--shard", f"{i}/{n}"])  # fmt: skip
                    walls.append(run["wall_seconds"])
                    result["runs"].append({"shards": n, "shard": i, **run})
                print(f"20x API over {n} shards: slowest shard {max(walls):.1f} s", flush=True)
        result["st"] = []
        for workers in st_workers:
            with _twenty.serve(WORK_DELAY) as url:
                st = run_st(url, delay, seed=seed, fault_rate=fault_rate, workers=workers, openapi=openapi,
                            examples=st_examples)  # fmt: skip
            result["st"].append(st)
            print(_line(delay, f"st run --workers {workers}, 20x API", st), flush=True)
    result["load_after"] = os.getloadavg()
    return result


def _commit() -> str:
    """The checkout's commit (the 20x API's figures are kept apart from the sweep's, and may
    be of another build), "" outside a git checkout."""
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                         text=True, check=False)  # fmt: skip
    return out.stdout.strip()


def _line(delay: float, label: str, run: dict[str, Any]) -> str:
    came_up = run.get("first_tests") or []
    workers = (f", workers' first tests {came_up[0]:.1f} to {came_up[-1]:.1f} s after its start"
               if came_up else "")  # fmt: skip
    return (f"{delay * 1000:>5.0f} ms  {label}: {run['wall_seconds']:.1f} s, "
            f"{run['requests']} requests, exit {run['exit_code']}{workers}")  # fmt: skip


def _median(runs: list[dict[str, Any]]) -> float:
    """The median wall seconds of ``runs`` (``_seed_row``s)."""
    return float(statistics.median(float(run["wall_seconds"]) for run in runs))


def _ratios(rows: list[dict[str, Any]]) -> dict[str, Any]:
    base = next((r for r in rows if r["delay"] == 0), None)
    if base is None:
        return {}
    out: dict[str, Any] = {}
    for row in rows:
        if row["delay"] == 0:
            continue
        key = f"{row['delay'] * 1000:.0f}ms"
        out[key] = {"synth": row["synth"]["wall_seconds"] / base["synth"]["wall_seconds"]}
        if "seeds" in row and "seeds" in base:
            # One run's ratio moves with the machine (the same build gave 1.40 to 1.72 at 50 ms,
            # bench/notes/latency.md); the medians over the seeds move less.
            out[key]["synth_median"] = _median(row["seeds"]) / _median(base["seeds"])
            out[key]["seeds"] = min(len(row["seeds"]), len(base["seeds"]))
            # Each seed's ratio of its two runs, run one after the other (``_correct_runs``).
            paired = [far["wall_seconds"] / near["wall_seconds"]
                      for far, near in zip(row["seeds"], base["seeds"], strict=False)]  # fmt: skip
            out[key]["synth_paired"] = sorted(paired)
            out[key]["synth_paired_median"] = float(statistics.median(paired))
        for st, st0 in zip(row["st"], base["st"], strict=True):
            out[key][f"st_workers_{st['workers']}"] = st["wall_seconds"] / st0["wall_seconds"]
    return out


def _counts(
    parser: argparse.ArgumentParser, option: str, text: str, *, none: bool = False
) -> list[int]:
    """A comma-separated list of counts of 1 or more (``none``: 'none' gives no count)."""
    if none and text == "none":
        return []
    try:
        counts = [int(n) for n in text.split(",")]
    except ValueError:
        counts = []
    if not counts or min(counts) < 1:
        parser.error(f"{option}={text!r}: expected counts of 1 or more (1,4)"
                     + (", or 'none'" if none else ""))  # fmt: skip
    return counts


def _options(
    argv: list[str] | None,
) -> tuple[argparse.Namespace, list[float], dict[str, list[int]]]:
    """The command line: the options, the delays swept, and the counts (st workers, shards)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="delays 0 and 50 ms only")
    parser.add_argument("--delays", default=None,
                        help="comma-separated seconds per round trip; 'none': only --twenty")  # fmt: skip
    parser.add_argument("--bug", default=BUG, help="the planted bug for the time to first report")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--synth-args", default="", help="more `synth test` options, quoted")
    parser.add_argument("--twenty", action="store_true", help="also the 20x API (about an hour)")
    parser.add_argument("--twenty-delay", type=float, default=0.05)
    parser.add_argument("--twenty-shards", default=",".join(map(str, SHARDS)),
                        help="comma-separated shard counts for the 20x API (1,2,4)")  # fmt: skip
    parser.add_argument("--twenty-st-workers", default=None,
                        help="`st run --workers` counts on the 20x API (default: --st-workers; "
                             "'none': st is not run there)")  # fmt: skip
    parser.add_argument("--fault-rate", type=float, default=0.0,
                        help="transport faults the proxy injects (0.1: 10%%; bench/_proxy.py)")  # fmt: skip
    parser.add_argument("--st-max-examples", type=int, default=None,
                        help="smoke runs only: cap st run's examples per operation")  # fmt: skip
    parser.add_argument("--st-args", default="",
                        help="more `st run` options, quoted ('--continue-on-failure': each "
                             "operation run whole, not stopped at its first failure)")  # fmt: skip
    parser.add_argument("--st-workers", default=",".join(map(str, ST_WORKERS)),
                        help="comma-separated `st run --workers` counts; 'none': st is not run")  # fmt: skip
    parser.add_argument("--seeds", type=int, default=1,
                        help="correct-server runs per delay, one seed each from --seed on")  # fmt: skip
    parser.add_argument("--timeline", type=Path, default=None,
                        help="record each correct-server run's timeline in TIMELINE-<ms>ms "
                             "(with --seeds, TIMELINE-<ms>ms-seed<N> for each further seed; "
                             "read it with python -m bench.timeline)")  # fmt: skip
    parser.add_argument("--example", default=None,
                        help="one of examples/ (fleet, tracker, ...) instead of the reference "
                             "server: its correct server only; give it its own --out")  # fmt: skip
    parser.add_argument("--example-bug", default=None,
                        help="with --example: one of its planted bugs, for the time to first "
                             "report")  # fmt: skip
    parser.add_argument("--out", type=Path, default=RESULTS / "latency.json")
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error(f"--seeds={args.seeds}: expected 1 or more runs")
    if not 0.0 <= args.fault_rate <= 1.0:
        parser.error(f"--fault-rate={args.fault_rate!r}: expected a fraction between 0 and 1")
    if args.bug not in BUGS:
        parser.error(
            f"--bug={args.bug!r} is not a planted bug; choose among {', '.join(sorted(BUGS))}"
        )
    try:
        delays = ([] if args.delays == "none" else
                  [float(d) for d in args.delays.split(",")] if args.delays
                  else list(QUICK_DELAYS if args.quick else DELAYS))  # fmt: skip
    except ValueError:
        parser.error(f"--delays={args.delays!r}: expected seconds, comma-separated (0,0.05), "
                     "or 'none' (only --twenty)")  # fmt: skip
    if args.example is not None:
        if args.example not in discover_examples():
            parser.error(f"--example={args.example!r} is not one of examples/; choose among "
                         + ", ".join(discover_examples()))  # fmt: skip
        if args.twenty or not delays:
            parser.error("--example measures the example's own API at --delays; not with "
                         "--twenty or --delays none")  # fmt: skip
        planted = [bug.id for bug in load_example(args.example).BUGS]
        if args.example_bug is not None and args.example_bug not in planted:
            parser.error(
                f"--example-bug={args.example_bug!r} is not a bug planted in "
                f"examples/{args.example}; choose among {', '.join(sorted(planted))}"
            )
    elif args.example_bug is not None:
        parser.error("--example-bug names a bug of --example's server; give --example too")
    if not delays and not args.twenty:
        parser.error("--delays none measures nothing without --twenty")
    st_workers = _counts(parser, "--st-workers", args.st_workers, none=True)
    counts = {
        "st_workers": st_workers,
        "shards": _counts(parser, "--twenty-shards", args.twenty_shards),
        "twenty_st": st_workers if args.twenty_st_workers is None else
        _counts(parser, "--twenty-st-workers", args.twenty_st_workers, none=True),
    }  # fmt: skip
    return args, delays, counts


def main(argv: list[str] | None = None) -> None:
    args, delays, counts = _options(argv)
    st_workers = counts["st_workers"]
    extra = shlex.split(args.synth_args)
    help_text = synth_options()
    began = time.monotonic()
    result: dict[str, Any] = {
        "benchmark": "latency", "python": sys.version.split()[0],
        "schemathesis": schemathesis.__version__, "cpus": os.cpu_count(),
        "quick": args.quick, "seed": args.seed, "bug": args.bug,
        "bug_invariant": BUGS[args.bug].invariant, "work_delay": WORK_DELAY,
        "st_phases": ST_PHASES, "st_max_examples": args.st_max_examples,
        "fault_rate": args.fault_rate, "synth_args": extra, "st_workers": st_workers,
        "st_args": shlex.split(args.st_args),
        "operations": _operations(ROOT / "generated" / "openapi.json"), "commit": _commit(),
        "same_checks": SAME_CHECKS,
    }  # fmt: skip
    result["load_before"] = os.getloadavg()
    previous = json.loads(args.out.read_text()) if args.out.exists() else {}
    if delays and args.example:
        rows = example_sweep(args.example, delays, args.seed, extra, fault_rate=args.fault_rate,
                             seeds=args.seeds, timeline=args.timeline,
                             bug=args.example_bug)  # fmt: skip
        result["example"] = args.example
        result["bug"] = args.example_bug
        result["operations"] = rows[0]["operations"]
        result["rows"] = rows
        result["ratios"] = _ratios(rows)
    elif delays:
        rows = sweep(delays, args.seed, args.bug, extra, st_examples=args.st_max_examples,
                     fault_rate=args.fault_rate, st_workers=st_workers, seeds=args.seeds,
                     timeline=args.timeline, st_args=shlex.split(args.st_args))  # fmt: skip
        result["rows"] = rows
        result["ratios"] = _ratios(rows)
    else:  # only the 20x API: the sweep is kept from the run that measured it
        for key in ("rows", "ratios", "quick", "synth_args", "st_workers", "fault_rate"):
            if key in previous:
                result[key] = previous[key]
    if args.twenty:
        result["twenty"] = twenty(args.twenty_delay, args.seed, extra, help_text,
                                  st_examples=args.st_max_examples, fault_rate=args.fault_rate,
                                  st_workers=counts["twenty_st"], shards=counts["shards"])  # fmt: skip
    elif "twenty" in previous:  # the hour-long part is kept from the run that measured it
        result["twenty"] = previous["twenty"]
    result["load_after"] = os.getloadavg()
    result["elapsed_seconds"] = time.monotonic() - began
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result.get("ratios", {}), indent=2))


if __name__ == "__main__":
    main()
