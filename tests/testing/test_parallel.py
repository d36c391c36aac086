"""``synth test --workers``, ``--shard``, ``--results`` and ``synth test merge``.

The runs go to the reference server as a real process over HTTP, with planted bugs: checks in
two worker processes find what one process finds; the shards of a run cover every check once
and merge into one JUnit and one report with the same findings.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
import os
import re
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

import synth
from bench._scheduling import Node, emitted, run_to_end, workers
from examples.reference_server.app import create_app
from examples.reference_server.process import ROOT, serve
from synth._errors import UsageError
from synth.spec import ApiSpec
from synth.testing import config_from_options
from synth.testing._http import Client, Request
from synth.testing._lock import RunLock, quota_stem
from synth.testing._order import CHAINED, COSTS, cost_of, order, parse_shard, shard
from synth.testing._order import test_key as key_of_test
from synth.testing._parallel import STAGGER_NICE, lane_of, parse_workers, shape_of, workers_for
from synth.testing._unique import Fresh
from synth.testing.cli import run_suite
from synth.testing.cli import test_command as command

from .conftest import TOKENS

# One bug a single-request check finds, and one in a list no filter isolates (the jobs list:
# its checks walk every job of the tenant, alone, under the run's lock).
BUGS = "idem-key-optional,page-jobs-oldest-first"


# Every check on the jobs operations in `make test-thorough`; in `make test`, all but getJob's
# rate-limit checks, which spend most of their time waiting out the limit's window (about 20 s
# a run; tests/testing/test_limits.py holds them to their budget and their planted bugs), and
# createJob's OBJECT-LEVEL-AUTHORIZATION, schemathesis's engine holding the jobs part to
# itself (about 10 s a run, a quarter of one; test_checks_that_must_run_alone and
# test_spoilt_reuse_is_dropped_in_every_worker below hold its lock and what it spoils).
@pytest.fixture(
    scope="module",
    params=[pytest.param("Job and not RATE_ and not OBJECT_LEVEL",
                         id="jobs-but-rate-limits-and-ola"),
            pytest.param("Job", id="jobs", marks=pytest.mark.thorough)],
)  # fmt: skip
def select(request: pytest.FixtureRequest) -> str:
    """The ``-k`` selection the runs below share."""
    value: str = request.param
    return value


def _args(url: str, generated: Path, *extra: str) -> list[str]:
    args = ["--base-url", url, "--tests", str(generated), "--profile", "quick", "--seed", "11"]
    for token in TOKENS:
        args += ["--tenant", token]
    return [*args, *extra]


def _found(results: Path) -> set[tuple[str, str, str]]:
    data = json.loads(results.read_text(encoding="utf-8"))
    return {(f["invariant"], f["operation"], f["outcome"]) for f in data["findings"]}


def _violations(found: set[tuple[str, str, str]]) -> set[tuple[str, str]]:
    return {(i, o) for i, o, outcome in found if outcome == "violation"}


@pytest.fixture(scope="module")
def buggy() -> Iterator[str]:
    with serve(BUGS) as url:
        yield url


# The tests that compare with the one-process run share one xdist worker (`make test` runs
# `--dist loadgroup`): a module fixture is made once per worker, and this one takes ~40 s.
ONE_WORKER = pytest.mark.xdist_group("parallel-one-worker")


@pytest.fixture(scope="module")
def one_worker(
    buggy: str, generated: Path, select: str, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The selection run in one process: its results file."""
    results = tmp_path_factory.mktemp("w1") / "results.json"
    outcome = CliRunner().invoke(command, _args(buggy, generated, "-k", select, "--workers", "1",
                                                "--results", str(results)), env={})  # fmt: skip
    assert outcome.exit_code == 1, outcome.output
    return results


@pytest.mark.slow
@ONE_WORKER
def test_two_workers_find_what_one_finds(
    buggy: str, generated: Path, select: str, one_worker: Path, tmp_path: Path
) -> None:
    results, report = tmp_path / "results.json", tmp_path / "report.md"
    junit = tmp_path / "junit.xml"
    outcome = CliRunner().invoke(command, _args(buggy, generated, "-k", select, "--workers", "2",
                                                "--results", str(results), "--report",
                                                str(report), "--junit", str(junit)), env={})  # fmt: skip
    assert outcome.exit_code == 1, outcome.output
    assert "ERROR at" not in outcome.output  # each worker's cleanup too
    assert "scheduling tests via PartScheduling" in outcome.output  # the jobs part's chain
    alone, side_by_side = _found(one_worker), _found(results)
    assert {("IDEM-MISSING", "createJob"), ("PAGE-ORDER", "listJobs")} <= _violations(alone)
    assert _violations(side_by_side) == _violations(alone)
    assert {(i, o) for i, o, _ in side_by_side} == {(i, o) for i, o, _ in alone}
    assert len(side_by_side) == len(alone)
    # Both workers ran checks, and the one report holds what each found.
    text = report.read_text(encoding="utf-8")
    assert re.search(r"run id `s[0-9a-f]{8}, s[0-9a-f]{8}`", text), text
    assert "### IDEM-MISSING on `createJob`" in text
    # Every worker's response times reach the one report.
    timed = json.loads(results.read_text(encoding="utf-8"))["latencies"]
    assert timed["createJob"]
    assert re.search(rf"\| `createJob` \| {len(timed['createJob'])} \|", text), text
    # ... and the JUnit report's properties (written by the controller, not a worker).
    props = {p.get("name"): p.get("value", "") for p in ET.parse(junit).iter("property")}
    assert props.get("synth.latency.createJob.answers") == str(len(timed["createJob"])), props
    assert float(props["synth.latency.createJob.p95_ms"]) > 0
    assert "token-a" not in text + results.read_text(encoding="utf-8")
    # Each failure is printed when it is reported, before the closing summary.
    output = outcome.output
    summary = output.rindex(" checks, ")
    assert "synth: FAILED" in output[:summary]
    assert "IDEM-MISSING violated by createJob" in output[:summary]


@pytest.mark.slow
@ONE_WORKER
def test_shards_merge_into_the_whole_run(
    buggy: str, generated: Path, select: str, one_worker: Path, tmp_path: Path
) -> None:
    files = []
    for index in (1, 2):
        results = tmp_path / f"shard-{index}.json"
        outcome = CliRunner().invoke(command, _args(buggy, generated, "-k", select, "--shard",
                                                    f"{index}/2", "--workers", "1", "--results",
                                                    str(results)), env={})  # fmt: skip
        assert outcome.exit_code in (0, 1), outcome.output
        files.append(results)
    first, second = (_found(f) for f in files)
    assert first
    assert second
    assert not {(i, o) for i, o, _ in first} & {(i, o) for i, o, _ in second}
    assert _violations(first | second) == _violations(_found(one_worker))
    junit, report = tmp_path / "junit.xml", tmp_path / "report.md"
    merged = CliRunner().invoke(command, ["merge", *map(str, files), "--junit", str(junit),
                                          "--report", str(report)])  # fmt: skip
    assert merged.exit_code == 1, merged.output
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None
    cases = {case.get("name") for case in suite.iter("testcase")}
    assert {f"{i} {o}" for i, o, _ in _found(one_worker)} <= cases
    failed = {c.get("name") for c in suite.iter("testcase") if c.find("failure") is not None}
    assert failed == {f"{i} {o}" for i, o in _violations(_found(one_worker))}
    assert suite.get("failures") == str(len(failed))
    text = report.read_text(encoding="utf-8")
    assert f"## synth test: {len(failed)} violation(s)" in text
    assert "### PAGE-ORDER on `listJobs`" in text
    # The shards' response times, joined per operation.
    timed = [json.loads(f.read_text(encoding="utf-8"))["latencies"] for f in files]
    answers = sum(len(t.get("listJobs", [])) for t in timed)
    assert answers
    assert f"| `listJobs` | {answers} |" in text
    assert f"synth: {len(first) + len(second)} checks, {len(failed)} violations" in merged.output
    # A shard given twice is refused: its checks would count twice.
    again = CliRunner().invoke(command, ["merge", str(files[0]), str(files[0])])
    assert again.exit_code == 2
    assert f"{files[0]}: given twice" in again.output
    # A copy of a shard's file: its checks would count twice.
    copy = tmp_path / "copy.json"
    copy.write_text(files[0].read_text(encoding="utf-8"), encoding="utf-8")
    copied = CliRunner().invoke(command, ["merge", str(files[0]), str(copy)])
    assert copied.exit_code == 2
    assert "also run by" in copied.output
    # Each file names its shard: the merge knows the second is missing.
    alone = CliRunner().invoke(command, ["merge", str(files[0])])
    assert alone.exit_code == 2, alone.output
    assert "shard 2/2 of the run missing" in alone.output


@pytest.mark.slow
@ONE_WORKER
def test_fail_fast_stops_at_the_first_failure(
    buggy: str, generated: Path, select: str, one_worker: Path, tmp_path: Path
) -> None:
    """The single-request checks run first: the first failure is one of theirs, and the run
    stops there."""
    results = tmp_path / "results.json"
    outcome = CliRunner().invoke(command, _args(buggy, generated, "-k", select, "--fail-fast",
                                                "--workers", "1", "--results", str(results)),
                                 env={})  # fmt: skip
    assert outcome.exit_code == 1, outcome.output
    found = _found(results)
    assert _violations(found) == {("IDEM-MISSING", "createJob")}
    assert len(found) < len(_found(one_worker))
    assert "stopping after 1 failures" in outcome.output


@pytest.mark.slow
def test_max_failures_over_workers_exits_1_and_says_what_did_not_run(
    buggy: str, generated: Path, select: str
) -> None:
    """pytest-xdist ends a run --max-failures stops with an interrupt: the command exits 1
    (failed checks stopped it), not 2 (a usage error or Ctrl-C, which a CI job reads as its
    own mistake), and the coverage names the declared checks that did not run instead of
    saying all were exercised (a new user's CI job: exit 2, "all 71 declared checks
    exercised" after one check of 81)."""
    outcome = CliRunner().invoke(command, _args(buggy, generated, "-k", select, "--max-failures",
                                                "1", "--workers", "2"), env={})  # fmt: skip
    assert outcome.exit_code == 1, outcome.output
    assert "stopping after 1 failures" in outcome.output
    said = next(line for line in outcome.output.splitlines() if line.startswith("coverage: "))
    assert " not exercised" in said, said
    assert "not run: the run stopped before it" in outcome.output


def test_shards_cover_every_check_exactly_once(api: ApiSpec, generated: Path) -> None:
    names = sorted(
        m.group(1)
        for path in generated.glob("test_*.py")
        for m in re.finditer(r"^def (test_\w+)\(", path.read_text(encoding="utf-8"), re.M)
    )
    assert len(names) > 50
    for count in (1, 2, 3, 4, 7):
        shards = [shard(names, index, count) for index in range(1, count + 1)]
        assert sorted(i for s in shards for i in s) == list(range(len(names)))
        loads = [sum(cost_of(names[i]) for i in s) for s in shards]
        # Balanced: no shard holds more than the lightest plus the dearest single check.
        assert max(loads) - min(loads) <= max(cost_of(n) for n in names)
        assert shards == [shard(list(names), index, count) for index in range(1, count + 1)]


def test_shards_keep_each_part_of_a_many_part_api_whole(tmp_path: Path) -> None:
    """The 20x API (forty parts): each part's tests go to one shard (its fixtures made once,
    its chain in one job), and the shards stay balanced within the dearest part; the CRM's
    two parts, each dearer than a quarter of the run, are spread test by test."""
    from bench._twenty import build

    contracts, out = build(tmp_path)
    api = synth.load(contracts)
    graph_parts = shape_of(api).graph.parts()
    names = sorted(m.group(1) for path in (out / "tests").glob("test_*.py")
                   for m in re.finditer(r"^def (test_\w+)\(", path.read_text(encoding="utf-8"), re.M))  # fmt: skip
    parts = {n: graph_parts[key_of_test(n)[1]] for n in names if key_of_test(n)[1] in graph_parts}
    assert len(set(parts.values())) == 40
    shards = [shard(names, index, 4, parts=parts) for index in range(1, 5)]
    assert sorted(i for s in shards for i in s) == list(range(len(names)))
    for part in set(parts.values()):
        holding = [k for k, s in enumerate(shards) if any(parts.get(names[i]) == part for i in s)]
        assert len(holding) == 1, (part, holding)
    loads = [sum(cost_of(names[i]) for i in s) for s in shards]
    dearest = max(sum(cost_of(n) for n in names if parts.get(n) == p) for p in set(parts.values()))
    assert max(loads) - min(loads) <= dearest


def test_shards_through_the_cli_cover_every_check(generated: Path) -> None:
    """A dry run per shard plans disjoint selections whose union is the whole plan."""

    def planned(*extra: str) -> set[tuple[str, str]]:
        outcome = CliRunner().invoke(command, _args("http://127.0.0.1:9", generated, "--dry-run",
                                                    *extra), env={})  # fmt: skip
        assert outcome.exit_code == 0, outcome.output
        found = set()
        for line in outcome.output.splitlines():
            m = re.match(r"  ([A-Z-]+): \d+ check\(s\) on (.+)$", line)
            if m:
                found |= {(m.group(1), op) for op in m.group(2).split(", ")}
        return found

    whole = planned()
    parts = [planned("--shard", f"{i}/3") for i in (1, 2, 3)]
    assert all(parts)
    assert set().union(*parts) == whole
    assert sum(len(p) for p in parts) == len(whole)


def test_cheap_single_request_checks_run_first() -> None:
    names = ["test_listJobs__PAGE_LIMIT", "test_api__OBJECT_LEVEL_AUTHORIZATION",
             "test_createJob__IDEM_REPLAY", "test_getJob__TEN_READ",
             "test_createJob__ERR_PROBLEM", "test_createJob__IDEM_MISSING"]  # fmt: skip
    ordered = [names[i] for i in order(names)]
    assert ordered[:3] == ["test_createJob__IDEM_MISSING", "test_getJob__TEN_READ",
                           "test_createJob__ERR_PROBLEM"]  # fmt: skip
    assert ordered[-1] == "test_api__OBJECT_LEVEL_AUTHORIZATION"
    # Over several workers the dearest of the others starts first, not last.
    spread = [names[i] for i in order(names, spread=True)]
    assert spread[:3] == ordered[:3]
    assert spread[3] == "test_api__OBJECT_LEVEL_AUTHORIZATION"
    # A measured cost wins over the static table.
    measured = {("OBJECT-LEVEL-AUTHORIZATION", "api"): 0.01}
    assert [names[i] for i in order(names, measured)][3] == "test_api__OBJECT_LEVEL_AUTHORIZATION"
    assert COSTS["IDEM-MISSING"] < COSTS["PAGE-LIMIT"]


def test_auto_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    loopback = config_from_options(base_url="http://127.0.0.1:8000", tenants=TOKENS, env={})
    remote = config_from_options(base_url="https://preview.example.app", tenants=TOKENS,
                                 allow_hosts=["preview.example.app"], env={})  # fmt: skip
    in_process = config_from_options(app=create_app(), tenants=TOKENS, env={})
    assert workers_for(loopback, 100) == 2
    assert workers_for(loopback, 100, round_trip=0.002) == 2
    # Requests that wait on a network leave the CPUs idle: eight workers per CPU.
    assert workers_for(remote, 100) == 16
    assert workers_for(loopback, 100, round_trip=0.05) == 16  # a proxy far away, say
    assert workers_for(remote, 3) == 3
    assert workers_for(in_process, 100) == 1
    assert workers_for(remote, 1) == 1
    assert workers_for(remote, 100, dry_run=True) == 1
    monkeypatch.setattr(os, "cpu_count", lambda: 16)
    assert workers_for(loopback, 100) == 4
    assert workers_for(remote, 100) == 16
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert workers_for(remote, 100) == 8


def _can(path: Path, kind: int) -> bool:
    """Whether another process could take the lock file ``path`` as ``kind`` now (an open
    file of its own: flock treats it as another holder, even in this process)."""
    with path.open("a+b") as probe:
        try:
            fcntl.flock(probe, kind | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(probe, fcntl.LOCK_UN)
        return True


def _granted(call: Callable[[], object], seconds: float = 5.0) -> bool:
    """Whether ``call`` (a lock taken, which blocks while another holds it) returns within
    ``seconds``: run in a thread of its own, so a lock wrongly held fails the test instead of
    hanging it (the thread, a daemon, is left blocked)."""
    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    thread.join(seconds)
    return not thread.is_alive()


def test_workers_past_the_cpus_start_at_a_lower_priority(monkeypatch: pytest.MonkeyPatch) -> None:
    """``pytest_xdist_setupnodes`` nices the workers past the CPUs' count, as xdist then
    starts them: from the spec it made with its execution model (``NodeManager``), in whose
    main thread, where xdist's worker runs, execnet applies ``nice`` before anything is
    imported. (On Linux a priority is a thread's: read in another thread of a gateway of the
    default execution model, it was not always there.)"""
    execnet = pytest.importorskip("execnet")
    from synth.testing.plugin import _Workers

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    specs = [execnet.XSpec(f"execmodel=main_thread_only//{s}")
             for s in ("popen", "popen", "popen", "popen//nice=3", "ssh=h")]  # fmt: skip
    _Workers(None).pytest_xdist_setupnodes(None, specs)  # type: ignore[arg-type]
    assert [s.nice for s in specs] == [None, None, str(STAGGER_NICE), "3", None], specs
    base = os.nice(0)
    group = execnet.Group(execmodel="main_thread_only")  # as xdist's NodeManager
    try:
        gateway = group.makegateway(specs[2])
        niced = gateway.remote_exec("import os; channel.send(os.nice(0))").receive(timeout=60)
    finally:
        group.terminate(timeout=10)
    assert niced == min(19, base + STAGGER_NICE), (niced, base)


def test_run_lock_shares_and_excludes(tmp_path: Path) -> None:
    """Every test holds the lock shared; a check that must run alone holds it exclusive."""
    mine, run = RunLock(tmp_path), tmp_path / "rw.lock"
    try:
        mine.shared()
        assert _can(run, fcntl.LOCK_SH)
        assert not _can(run, fcntl.LOCK_EX)
        mine.exclusive()
        assert not _can(run, fcntl.LOCK_SH)
        mine.release()
        assert _can(run, fcntl.LOCK_EX)
    finally:
        mine.close()


async def _ok(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """An ASGI app answering every request 200 with an empty JSON object."""
    assert scope["type"] == "http"
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


def test_a_request_waits_while_a_rate_limit_check_keeps_its_quota(tmp_path: Path) -> None:
    """In another worker process, a request that counts against a quota a rate-limit check
    keeps is sent once the check lets it go; a request of no quota, or of another, goes on."""
    from synth.testing._http import Request

    config = config_from_options(base_url="http://127.0.0.1:9", tenants=TOKENS, env={})
    holder, mine = RunLock(tmp_path), RunLock(tmp_path)
    client = Client(dataclasses.replace(config, app=_ok))
    client.lock = mine
    client.quota_of = lambda request: {"/limited": "q", "/other": "r"}.get(request.path, "")
    answered = threading.Event()
    try:
        holder.shared("p")
        holder.exclusive_quota("q")
        mine.shared("p")

        def limited() -> None:
            client.send(Request(None, "GET", "/limited"))
            answered.set()

        waiting = threading.Thread(target=limited)
        waiting.start()
        assert client.send(Request(None, "GET", "/free")).status == 200
        assert client.send(Request(None, "GET", "/other")).status == 200
        assert not answered.wait(0.5)
        holder.release()
        assert answered.wait(5)
        waiting.join()
        # Each request let its quota go once answered: a check can keep it at once.
        holder.shared("p")
        holder.exclusive_quota("q")
        assert holder.owns("q")
    finally:
        client.close()
        holder.close()
        mine.close()


def test_each_process_notes_when_a_tenant_last_spent_a_quota(tmp_path: Path) -> None:
    """A request that counts against a quota notes, once answered, that its tenant spent it,
    in its process and for the run's others (``RunLock.last_spent``): a rate-limit check in
    another process waits for tenant B's quota only as long as B's last request needs. A
    request of no quota notes nothing, nor does one tenant's spending speak for another's."""
    from synth.testing._http import Request
    from synth.testing._lock import ANY_TENANT

    config = config_from_options(base_url="http://127.0.0.1:9", tenants=TOKENS, env={})
    mine, other = RunLock(tmp_path), RunLock(tmp_path)
    client = Client(dataclasses.replace(config, app=_ok))
    client.lock = mine
    client.quota_of = lambda request: {"/limited": "q"}.get(request.path, "")
    try:
        assert other.last_spent("q", "b") == 0.0
        before = time.time()
        assert client.send(Request("b", "GET", "/limited")).status == 200
        assert client.send(Request("a", "GET", "/free")).status == 200
        after = time.time()
        # The file's time is the kernel's coarse clock, a few milliseconds behind at most.
        assert before - 0.05 <= other.last_spent("q", "b") <= after + 0.05
        assert before - 0.05 <= client.spent["q", "b"] <= after
        assert other.last_spent("q", "a") == 0.0
        assert other.last_spent("r", "a") == 0.0
        # schemathesis's engine, which sends as any tenant, notes for every tenant at once.
        client.note_spent("q", ANY_TENANT)
        assert other.last_spent("q", ANY_TENANT) >= other.last_spent("q", "b")
    finally:
        client.close()
        mine.close()
        other.close()


def _answering(statuses: list[int], note: Callable[[dict[str, Any]], None] | None = None) -> Any:
    """An ASGI app answering each request with the next of ``statuses`` and an empty JSON
    object (a 429 saying ``Retry-After: 1``), calling ``note`` with the request's scope first."""
    answers = iter(statuses)

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "http"  # the client's lifespan call is refused, as no app's
        if note is not None:
            note(scope)
        status = next(answers)
        headers = [(b"retry-after", b"1")] if status == 429 else []
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"{}"})

    return app


def test_a_batch_meeting_a_transport_fault_raises_it_once_the_others_are_answered() -> None:
    """``Client.gather``: a request of the batch failing for good (a transport fault past its
    retries) is raised only once every other request of the batch is answered, so none is
    still in flight (a write the caller does not know of) when the example is sent again."""
    import asyncio

    from synth.testing._http import Exchange, Request, TransportFault

    config = config_from_options(base_url="http://127.0.0.1:9", tenants=TOKENS, env={})
    client = Client(config)
    answered: list[str] = []

    async def send(request: Request) -> Exchange:
        if request.path == "/fails":
            raise TransportFault("POST /fails: reset after 4 attempts", kind="reset")
        await asyncio.sleep(0.3)
        answered.append(request.path)
        return Exchange(request, 201, httpx.Headers(), b"{}", 0.3)

    client._send = send  # type: ignore[method-assign]
    try:
        with pytest.raises(TransportFault):
            client.gather([Request(None, "POST", "/fails"), Request(None, "POST", "/slow")])
        assert answered == ["/slow"]
    finally:
        client.close()


def test_a_check_beside_its_part_lets_it_go_while_it_waits_out_a_429(tmp_path: Path) -> None:
    """A check judging beside the other checks of its part (``RunLock.beside``: what it sees
    is confirmed with the run to itself before it counts) lets its part go while it waits out
    a 429 too: a walk keeping the part goes on meanwhile (`getJob`'s TEN-NONINTERFERENCE held
    the CRM's jobs part 10 s through its 429s at 50 ms)."""
    from synth.testing._http import Request

    config = config_from_options(base_url="http://127.0.0.1:9", tenants=TOKENS, env={})
    mine, walk = RunLock(tmp_path), RunLock(tmp_path)
    client = Client(dataclasses.replace(config, app=_answering([429, 200])))
    client.lock = mine
    walked = threading.Event()

    def walker() -> None:
        walk.shared("p")
        walk.exclusive_part("p")  # granted while the other check waits out its 429
        walked.set()
        walk.release()

    thread = threading.Thread(target=walker)
    try:
        mine.shared("p")
        assert mine.beside()
        thread.start()
        assert client.send(Request(None, "GET", "/items/1")).status == 200
        assert walked.is_set()  # during the wait, not once the check ends
        assert mine.held == "shared"  # taken back before it sent again
        assert mine.partial
    finally:
        mine.close()  # a walk still waiting gets the part now
        if thread.is_alive():
            thread.join()
        walk.close()
        client.close()


def test_a_check_lets_its_part_go_while_it_waits_out_a_429(tmp_path: Path) -> None:
    """While a test waits out a 429 (the quota refilling) it sends nothing: the run's lock
    and its part, held shared, go meanwhile, so a walk of the part's list goes on; the test
    takes them back before it sends again. A test that keeps its part does not let it go."""
    from synth.testing._http import Request

    app = _answering([429, 200, 429, 200])
    config = config_from_options(base_url="http://127.0.0.1:9", tenants=TOKENS, env={})
    mine, walk = RunLock(tmp_path), RunLock(tmp_path)
    client = Client(dataclasses.replace(config, app=app))
    client.lock = mine
    spoilt: list[bool] = []
    client.spoilt = lambda: spoilt.append(True)
    walked = threading.Event()

    def walker() -> None:
        walk.shared("p")
        walk.exclusive_part("p")  # granted while the other test waits out its 429
        walked.set()
        walk.spoil(["p"])  # and writes to items it did not make
        time.sleep(1.5)  # the waiting test sends nothing until the walk is done
        walk.release()

    try:
        mine.shared("p")
        thread = threading.Thread(target=walker)
        thread.start()
        started = time.monotonic()
        assert client.send(Request(None, "GET", "/items/1")).status == 200
        assert walked.is_set()
        assert time.monotonic() - started >= 1.5
        thread.join()
        assert spoilt == [True]
        assert mine.partial  # what it sees from here on is judged with the run to itself
        assert mine.held == "shared"
        mine.release()
        # Holding its part exclusive (a walk itself), a test keeps it through the wait.
        mine.shared("p")
        mine.exclusive_part("p")
        assert client.send(Request(None, "GET", "/items/1")).status == 200
        assert mine.held == "shared"
        assert not walk.held
        assert not mine.pause()
        mine.release()
    finally:
        client.close()
        mine.close()
        walk.close()


def test_a_read_of_one_item_after_a_429_goes_on_beside_a_walk_of_its_part(
    tmp_path: Path,
) -> None:
    """After waiting out a 429, a test whose next request reads one item sends it beside a
    walk that took its part meanwhile (holding the run's lock and the part's items shared,
    not the part), and what it judges from then on is judged with the run to itself; its next
    write takes the part back first, waiting for the walk."""
    from synth.testing._http import Request

    # Each request's method, and whether the walk kept the part when it arrived (set before
    # the walk takes it back, cleared before it lets it go: a flag of the lock itself would
    # lag behind the file lock, which goes first).
    seen: list[tuple[str, bool]] = []
    app = _answering([429, 200, 200], lambda scope: seen.append(
        (scope["method"], walked.is_set() and not letting_go.is_set())))  # fmt: skip
    config = config_from_options(base_url="http://127.0.0.1:9", tenants=TOKENS, env={})
    mine, walk = RunLock(tmp_path), RunLock(tmp_path)
    client = Client(dataclasses.replace(config, app=app))
    client.lock = mine
    client.reads_one = lambda request: request.method == "GET" and request.path == "/items/1"
    walked, done, letting_go = threading.Event(), threading.Event(), threading.Event()

    def walker() -> None:
        walk.shared("p")
        walk.exclusive_part("p")  # granted while the other test waits out its 429
        walked.set()
        done.wait(10)  # kept until the read beside it is answered
        time.sleep(0.5)
        letting_go.set()
        walk.release()

    try:
        mine.shared("p")
        thread = threading.Thread(target=walker)
        thread.start()
        assert client.send(Request(None, "GET", "/items/1")).status == 200
        assert walked.is_set()
        assert seen == [("GET", False), ("GET", True)]  # the read went beside the walk
        assert mine.partial
        done.set()
        started = time.monotonic()
        assert client.send(Request(None, "POST", "/items")).status == 200
        assert time.monotonic() - started >= 0.4  # the write waited for the walk to end
        assert seen[-1] == ("POST", False)
        assert mine.held == "shared"
        assert not _can(tmp_path / "part-p.0.lock", fcntl.LOCK_EX)
        thread.join()
        mine.release()
        assert not mine.partial
    finally:
        client.close()
        mine.close()
        walk.close()


def test_a_read_after_a_429_waits_for_a_check_that_keeps_its_part_s_items(
    tmp_path: Path,
) -> None:
    """A check that writes to items it did not make (schemathesis's engine) keeps its part's
    items too (``keep_items``): a test that let the part go while it waited out a 429 reads
    an item only once that check is done."""
    from synth.testing._http import Request

    kept_then: list[bool] = []
    app = _answering([429, 200], lambda scope: kept_then.append(spoiler.keeps("p")))
    config = config_from_options(base_url="http://127.0.0.1:9", tenants=TOKENS, env={})
    mine, spoiler = RunLock(tmp_path), RunLock(tmp_path)
    client = Client(dataclasses.replace(config, app=app))
    client.lock = mine
    client.reads_one = lambda request: True
    spoilt: list[bool] = []
    client.spoilt = lambda: spoilt.append(True)
    kept = threading.Event()

    def engine() -> None:
        spoiler.shared("p")
        spoiler.exclusive_part("p")
        spoiler.keep_items("p")
        kept.set()
        time.sleep(1.5)
        spoiler.spoil(["p"])
        spoiler.release()

    try:
        mine.shared("p")
        thread = threading.Thread(target=engine)
        thread.start()
        started = time.monotonic()
        assert client.send(Request(None, "GET", "/items/1")).status == 200
        assert kept.is_set()
        assert kept_then == [False, False]  # the read waited for the check to let go
        assert time.monotonic() - started >= 1.5
        assert spoilt == [True]  # and what the test reuses is dropped
        thread.join()
    finally:
        client.close()
        mine.close()
        spoiler.close()


def test_a_request_reads_one_item_only_where_no_list_shares_its_path(api: ApiSpec) -> None:
    """``Target.reads_one``: a GET of one item (`getJob`), not a list's (`listJobs`), not a
    write; a path that a list's pattern matches as well is not one."""
    from synth.testing._http import Request
    from synth.testing._target import Target

    config = config_from_options(base_url="http://127.0.0.1:9", tenants=TOKENS, env={})
    made = Target(config, api)
    job = made.path(api.operation("getJob").path, {"job_id": "j1"})
    jobs = made.path(api.operation("listJobs").path, {})
    assert made.reads_one(Request("a", "GET", job))
    assert not made.reads_one(Request("a", "GET", jobs))
    assert not made.reads_one(Request("a", "DELETE", job))
    assert not made.reads_one(Request("a", "GET", "/nowhere"))
    # A list whose path an item's pattern also matches (``/jobs/{job_id}`` and a list at
    # ``/jobs/recent``): what the request reads is not known, so it is not taken for one.
    recent = dataclasses.replace(api.operation("listJobs"), path="/jobs/recent")
    other = Target(config, dataclasses.replace(api, operations=(*api.operations, recent)))
    assert not other.reads_one(Request("a", "GET", other.path("/jobs/recent", {})))
    assert other.reads_one(Request("a", "GET", job))
    # Another API's shape: the fleet example's drivers (`getDriver` declares its rate limit).
    fleet = synth.load(ROOT / "examples/fleet/contracts")
    drivers = Target(config, fleet)
    one = drivers.path(fleet.operation("getDriver").path, {"driver_id": "d1"})
    assert drivers.reads_one(Request("a", "GET", one))
    assert not drivers.reads_one(Request("a", "GET", drivers.path("/drivers", {})))
    assert not drivers.reads_one(Request("a", "DELETE", one))


def test_a_check_about_to_keep_its_part_lets_earlier_waiters_go_first(tmp_path: Path) -> None:
    """A test waiting for its part (a walk keeps it) says so; a check about to keep the part
    (``after_waiters``) waits for the tests that began to wait before it asked, until they hold
    the part, not for those that began later, nor for a process no longer running."""
    import subprocess
    import sys

    walk, keeper = RunLock(tmp_path), RunLock(tmp_path)
    waiter = (
        "import sys, time\n"
        "from synth.testing._lock import RunLock\n"
        "lock = RunLock(sys.argv[1])\n"
        "lock.shared('p')\n"
        "print('in', time.time(), flush=True)\n"
        "time.sleep(0.5)\n"
    )
    try:
        walk.shared("p")
        walk.exclusive_part("p")
        child = subprocess.Popen([sys.executable, "-c", waiter, str(tmp_path)], cwd=ROOT,
                                 stdout=subprocess.PIPE, text=True)  # fmt: skip
        deadline = time.monotonic() + 10
        while not list(tmp_path.glob("wait-p.*")) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert list(tmp_path.glob("wait-p.*"))
        # Began to wait after this moment: not waited for.
        started = time.monotonic()
        keeper.after_waiters("p", time.time() - 60, most=5)
        assert time.monotonic() - started < 0.5
        # Whether the child held the part when the keeper went on (it keeps it 0.5 s).
        done: list[bool] = []

        def keep() -> None:
            keeper.after_waiters("p", time.time(), most=10)
            done.append(not _can(tmp_path / "part-p.0.lock", fcntl.LOCK_EX))

        thread = threading.Thread(target=keep)
        thread.start()
        time.sleep(0.5)
        assert not done  # the child still waits for the walk
        walk.release()
        thread.join(10)
        assert child.stdout is not None
        assert child.stdout.readline().startswith("in")
        assert done == [True]  # the child held the part before the keeper went on
        child.wait(10)
        child.stdout.close()
        assert not list(tmp_path.glob("wait-p.*"))
        # A marker left by a process no longer running is not waited for.
        (tmp_path / f"wait-p.{child.pid}").write_text("0.0", encoding="utf-8")
        started = time.monotonic()
        keeper.after_waiters("p", time.time(), most=5)
        assert time.monotonic() - started < 0.5
    finally:
        walk.close()
        keeper.close()


@contextlib.contextmanager
def _other_process(folder: Path, script: str, lanes: int = 1) -> Iterator[Any]:
    """Another process of the run, ``script`` holding ``lock``, the run's lock in ``folder``
    (``lanes`` lanes); its output read line by line (``stdout``); killed at the end."""
    import subprocess
    import sys

    head = ("import sys, time\nfrom synth.testing._lock import RunLock\n"
            f"lock = RunLock(sys.argv[1], lanes={lanes})\n")  # fmt: skip
    child = subprocess.Popen([sys.executable, "-c", head + script, str(folder)], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert child.stdout is not None
        yield child
    finally:
        child.kill()
        child.wait(10)
        if child.stdout is not None:
            child.stdout.close()


def test_an_object_level_check_waits_for_a_lane_that_goes_on_in_another_process(
    tmp_path: Path,
) -> None:
    """A process running a chain's lane says it goes on with the part's tests between two of
    them (``stay``), when the part is free a moment; a part's object-level check
    (``after_stays``) waits until it says it does not, not for its own process's word nor for a
    process no longer running."""
    keeper = RunLock(tmp_path)
    lane = (
        "lock.stay('p')\n"
        "print('staying', flush=True)\n"
        "time.sleep(1.0)\n"
        "lock.stay('p')\n"  # the next test of the lane: still staying, the same word
        "time.sleep(0.5)\n"
        "print('done', time.time(), flush=True)\n"
        "lock.stay(None)\n"
        "time.sleep(5)\n"
    )
    try:
        with _other_process(tmp_path, lane) as child:
            assert child.stdout.readline().strip() == "staying"
            keeper.stay("p")  # its own process's word is not waited for
            keeper.after_stays("q", most=5)  # nor another part's
            keeper.after_stays("p", most=10)
            went_on = time.time()
            said, _, at = child.stdout.readline().partition(" ")
            assert said == "done"
            assert went_on >= float(at)
            assert [m.name for m in tmp_path.glob("stay-*")] == [f"stay-p.{os.getpid()}"]
            keeper.stay(None)
            assert not list(tmp_path.glob("stay-*"))
            # A marker left by a process no longer running is not waited for.
            child.kill()
            child.wait(10)
            (tmp_path / f"stay-p.{child.pid}").write_text("0.0", encoding="utf-8")
            started = time.monotonic()
            keeper.after_stays("p", most=5)
            assert time.monotonic() - started < 0.5
    finally:
        keeper.close()


def test_an_object_level_check_waits_for_the_light_tests_of_its_part(tmp_path: Path) -> None:
    """A light test (``RunLock.light``) holds nothing between a write and its next read: a
    part's object-level check, which changes and deletes items it did not make, waits until
    no other process runs one of its part (``after_lights``), not for another part's."""
    keeper = RunLock(tmp_path, lanes=2)
    light = (
        "lock.light('p', lane=0)\n"
        "print('light', flush=True)\n"
        "time.sleep(1.0)\n"
        "print('done', time.time(), flush=True)\n"
        "lock.release()\n"
        "time.sleep(5)\n"
    )
    try:
        with _other_process(tmp_path, light, lanes=2) as child:
            assert child.stdout.readline().strip() == "light"
            started = time.monotonic()
            keeper.after_lights("q", most=5)  # another part's
            assert time.monotonic() - started < 0.5
            keeper.after_lights("p", most=10)
            went_on = time.time()
            said, _, at = child.stdout.readline().partition(" ")
            assert said == "done"
            assert went_on >= float(at)
            assert not list(tmp_path.glob("light-*"))
    finally:
        keeper.close()


def test_a_429_of_a_declared_limit_is_waited_out_longer_than_three_times() -> None:
    """With other workers sharing the server's quota, a 429 from an operation whose contract
    declares a rate limit is waited out within a time budget, however many times; a 429 from
    any other operation three times, and then it is the answer."""
    from synth.testing._http import Request

    refused: dict[str, int] = {"/limited": 6, "/other": 6}

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        left = refused[scope["path"]]
        refused[scope["path"]] = left - 1
        status = 429 if left > 0 else 200
        headers = [(b"retry-after", b"0")] if status == 429 else []
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"{}"})

    config = config_from_options(base_url="http://127.0.0.1:9", tenants=TOKENS, env={})
    client = Client(dataclasses.replace(config, app=app))
    client.quota_of = lambda request: "q" if request.path == "/limited" else ""
    try:
        assert client.send(Request(None, "GET", "/limited")).status == 200
        assert refused["/limited"] == -1  # six 429s waited out, the seventh answer a 200
        assert client.send(Request(None, "GET", "/other")).status == 429
        assert refused["/other"] == 2  # three waits: four answers, each a 429
    finally:
        client.close()


def test_a_check_lets_its_part_go_while_a_rate_limit_check_keeps_its_quota(
    tmp_path: Path,
) -> None:
    """A request that counts against a quota a rate-limit check keeps waits, sending
    nothing: its test lets go of the run's lock and its part meanwhile, so a walk of the part
    takes it and ends; the test takes them back, then the quota, and sends."""
    from synth.testing._http import Request

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert mine.held == "shared"  # taken back before it was sent
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    config = config_from_options(base_url="http://127.0.0.1:9", tenants=TOKENS, env={})
    mine, walk, limit = RunLock(tmp_path), RunLock(tmp_path), RunLock(tmp_path)
    client = Client(dataclasses.replace(config, app=app))
    client.lock = mine
    client.quota_of = lambda request: "q"
    walked = threading.Event()

    def rate_limit_check() -> None:
        limit.shared("p")
        limit.exclusive_quota("q")  # its quiet window and burst
        keeper.set()
        walked.wait(10)  # the walk below got the part while the request waited
        time.sleep(0.3)
        limit.release()

    def walker() -> None:
        keeper.wait(10)
        time.sleep(0.3)  # the request is waiting for the quota by now
        walk.shared("p")
        walk.exclusive_part("p")
        walked.set()
        walk.release()

    keeper = threading.Event()
    try:
        mine.shared("p")
        threads = [threading.Thread(target=rate_limit_check), threading.Thread(target=walker)]
        for thread in threads:
            thread.start()
        keeper.wait(10)
        assert client.send(Request(None, "GET", "/items/1")).status == 200
        assert walked.is_set()
        for thread in threads:
            thread.join()
        assert mine.held == "shared"
        assert not mine.partial  # nothing spoilt meanwhile
        mine.release()
    finally:
        client.close()
        for lock in (mine, walk, limit):
            lock.close()


def test_adaptive_timeout() -> None:
    config = config_from_options(base_url="http://127.0.0.1:9", tenants=TOKENS, timeout="8",
                                 env={})  # fmt: skip
    client = Client(config)
    try:
        assert client.timeout == 8
        for _ in range(19):
            client._observe(0.01)
        assert client.timeout == 8  # too few answers to judge
        client._observe(0.01)
        assert client.timeout == 1.0  # never below a second
        for _ in range(20):
            client._observe(0.3)
        assert client.timeout == pytest.approx(3.0)  # ten times the slowest percent
        for _ in range(40):
            client._observe(2.0)
        assert client.timeout == 8  # the configured timeout is the ceiling
    finally:
        client.close()


def test_fresh_values_do_not_depend_on_what_ran_before(api: ApiSpec) -> None:
    from synth.testing._data import Schemas

    schemas = Schemas(api)
    model = api.operation("createContact").body
    assert model is not None

    def first_email(before: int) -> object:
        fresh = Fresh(schemas, 5)
        for _ in range(before):
            fresh.reseed("ERR-PROBLEM:createJob")
            fresh.value(model, "ContactCreate", "email", {"name": "x"})
        fresh.reseed("IDEM-REPLAY:createContact")
        return fresh.value(model, "ContactCreate", "email", {"name": "x"})

    assert first_email(0) == first_email(3)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--workers", "0"], "--workers='0' is out of range 1..64"),
        (["--workers", "many"], "--workers='many' is not a number"),
        (["--shard", "3/2"], "--shard='3/2': I must be between 1 and N"),
        (["--shard", "two"], "--shard='two' is not I/N"),
        (["--shard", "0/0"], "--shard='0/0': I must be between 1 and N"),
        (["--costs", "/nonexistent/results.json"], "is not a results file"),
        (["--max-failures", "0"], "--max-failures"),
    ],
)
def test_usage_errors_exit_2(extra: list[str], message: str, generated: Path) -> None:
    outcome = CliRunner().invoke(command, _args("http://127.0.0.1:9", generated, *extra), env={})
    assert outcome.exit_code == 2, outcome.output
    assert message in outcome.output
    assert "Traceback" not in outcome.output


def test_merge_usage_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    for args, message in [
        ([], "needs one --results file or more"),
        ([str(bad)], "not a results file written by `synth test --results`"),
        ([str(tmp_path / "missing.json")], "not a results file"),
    ]:
        outcome = CliRunner().invoke(command, ["merge", *args])
        assert outcome.exit_code == 2, outcome.output
        assert message in outcome.output


def _results(path: Path, shard: str | None, run_id: str, *, seed: int = 1) -> Path:
    """A --results file of a run that checked nothing (the fields ``dump_state`` writes)."""
    state: dict[str, object] = {
        "shard": shard, "url": "http://127.0.0.1:9", "profile": "quick", "seed": seed,
        "run_id": run_id, "findings": [], "requests": 0, "survived": {}, "exhausted": {},
        "set_aside": 0, "edges": {}, "unsent_bounds": {}, "checks": [], "gaps": [],
    }  # fmt: skip
    path.write_text(json.dumps(state), encoding="utf-8")
    return path


def test_merge_refuses_a_run_with_a_shard_missing(tmp_path: Path) -> None:
    """A shard job that failed before writing its --results file would leave its checks out
    of a merge that passes: the merge names the missing shard and exits 2. Two shards of one
    index, shards of runs split differently and a whole run among shards are refused too."""
    one, two, three = (_results(tmp_path / f"shard-{i}.json", f"{i}/3", f"s{i}") for i in (1, 2, 3))
    whole = _results(tmp_path / "whole.json", None, "s4")
    other = _results(tmp_path / "other.json", "2/2", "s5")
    again = _results(tmp_path / "again.json", "1/3", "s6")
    for args, message in [
        ([one, three], "shard 2/3 of the run missing: given 1/3 ("),
        ([one], "shard 2/3, 3/3 of the run missing"),
        ([one, two, three, other], "shards of runs split 2 and 3 ways"),
        ([one, two, three, whole], "whole.json: a whole run (no --shard), not a shard of one"),
        ([one, two, three, again], "again.json: shard 1/3, as is"),
        ([one, two, one], "shard-1.json: given twice"),
    ]:
        outcome = CliRunner().invoke(command, ["merge", *map(str, args)])
        assert outcome.exit_code == 2, outcome.output
        assert message in outcome.output, outcome.output
    for args in ([one, two, three], [whole]):
        outcome = CliRunner().invoke(command, ["merge", *map(str, args)])
        assert outcome.exit_code == 0, outcome.output
    # Written by a synth that did not record the shard: nothing to check the files against.
    unrecorded = tmp_path / "unrecorded.json"
    state = json.loads(one.read_text(encoding="utf-8"))
    del state["shard"]
    unrecorded.write_text(json.dumps(state), encoding="utf-8")
    outcome = CliRunner().invoke(command, ["merge", str(unrecorded)])
    assert outcome.exit_code == 0, outcome.output
    assert "unrecorded.json name no shard (written by an earlier synth)" in outcome.output


def test_a_merge_of_a_shard_stopped_early_names_the_checks_it_did_not_run(
    tmp_path: Path,
) -> None:
    """A shard stopped by --max-failures selected checks it never ran (no finding): the merge's
    coverage names them (``_coverage.uncovered``), as the shard's own run does, instead of
    saying every declared check was exercised."""
    whole = _results(tmp_path / "whole.json", None, "s1")
    state = json.loads(whole.read_text(encoding="utf-8"))
    state["checks"] = [["PAGE-END", "listJobs"], ["TEN-READ", "getJob"]]
    state["findings"] = [{"invariant": "TEN-READ", "operation": "getJob", "outcome": "passed",
                          "seconds": 0.1, "requests": 3}]  # fmt: skip
    whole.write_text(json.dumps(state), encoding="utf-8")
    outcome = CliRunner().invoke(command, ["merge", str(whole)])
    assert outcome.exit_code == 0, outcome.output
    assert "coverage: 1 of 2 declared checks exercised; 1 not exercised" in outcome.output
    assert "not exercised PAGE-END listJobs: not run: the run stopped before it" in outcome.output


@pytest.mark.parametrize("shard", [None, "1/2"])
def test_a_results_file_and_the_step_summary_each_get_their_own(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shard: str | None
) -> None:
    """A shard's run in GitHub Actions writes its --results file and the step summary: the
    results name the shard, and the step summary is the report (it once got the shard's
    name, or failed without --shard)."""
    summary, results = tmp_path / "summary.md", tmp_path / "results.json"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    config = config_from_options(app=create_app(), tenants=TOKENS, seed=1, profile="quick",
                                 env={})  # fmt: skip
    code = run_suite(config, generated, select="getJob__ERR_PROBLEM", shard=shard,
                     results=results, extra=["-p", "no:randomly"])  # fmt: skip
    assert code == 0
    assert json.loads(results.read_text(encoding="utf-8"))["shard"] == shard
    assert summary.read_text(encoding="utf-8").startswith("## synth test"), summary.read_text()


def test_workers_with_an_in_process_app_is_a_usage_error(generated: Path) -> None:
    config = config_from_options(app=create_app(), tenants=TOKENS, env={})
    with pytest.raises(UsageError, match="in-process app runs in one process"):
        run_suite(config, generated, workers=2)
    assert parse_workers("auto") is None
    assert parse_shard(" 2 / 4 ") == (2, 4)


def test_checks_that_must_run_alone(api: ApiSpec) -> None:
    """schemathesis's engine (OBJECT-LEVEL-AUTHORIZATION) deletes objects it finds in lists,
    other checks' included: it keeps its part of the API (the run, over the whole API).
    TEN-NONINTERFERENCE keeps its part. A rate-limit check keeps its operation's quota from its
    quiet window on, not its part: it is in no part's chain, and goes among the rest even in
    the part whose chain is the run's longest (a walk of the jobs list goes on beside it)."""
    from types import SimpleNamespace

    from synth.catalogue import CATALOGUE
    from synth.relations import Graph
    from synth.testing._data import Schemas
    from synth.testing._order import order
    from synth.testing._parallel import (
        ALONE,
        ALONE_IN_PART,
        KEEPS_QUOTA,
        alone,
        beside,
        chain_of,
        chains,
    )

    limits = {entry.id for entry in CATALOGUE if entry.family == "limits"}
    assert limits
    assert limits == KEEPS_QUOTA
    assert not limits & ALONE_IN_PART
    assert {"OBJECT-LEVEL-AUTHORIZATION"} == ALONE
    assert "TEN-NONINTERFERENCE" in ALONE_IN_PART
    target: Any = SimpleNamespace(api=api, graph=Graph(api), schemas=Schemas(api))
    assert alone("OBJECT-LEVEL-AUTHORIZATION", "all", target) == "run"
    assert alone("OBJECT-LEVEL-AUTHORIZATION", "createJob", target) == "part"
    # TEN-NONINTERFERENCE keeps its part where B is shown what it did not make (a list no
    # scope isolates); on its own items (a fresh contact, a list its marker isolates) it runs
    # beside the part's other checks.
    assert alone("TEN-NONINTERFERENCE", "listJobs", target) == "part"
    assert chain_of("TEN-NONINTERFERENCE", "listJobs", target) == target.graph.parts()["listJobs"]
    for operation in ("getContact", "listContacts", "createContact", "createInteraction"):
        assert alone("TEN-NONINTERFERENCE", operation, target) == ""
        assert beside("TEN-NONINTERFERENCE", operation, target)
        assert chain_of("TEN-NONINTERFERENCE", operation, target) == ""
    assert not beside("TEN-NONINTERFERENCE", "listJobs", target)
    assert not beside("TEN-READ", "getContact", target)
    assert alone("RATE-LIMIT", "getJob", target) == "quota"
    assert alone("PAGE-COMPLETE", "listJobs", target) == ""  # a walk takes its part itself
    assert chain_of("RATE-LIMIT", "getJob", target) == ""
    assert chain_of("PAGE-COMPLETE", "listJobs", target) == target.graph.parts()["listJobs"]
    # An operation without a declared limit has nothing to keep.
    assert alone("RATE-LIMIT", "getContact", target) == ""
    getjob = api.operation("getJob")
    assert getjob.rate_limit is not None
    assert getjob.rate_limit.quota == f"{getjob.rate_limit.name};{getjob.rate_limit.key}"
    # Spread over eight workers, the jobs part's walks are the run's longest path: the other
    # checks of that part go before them, but not the rate-limit checks, which run beside.
    names = ["test_getJob__RATE_LIMIT", "test_getJob__ERR_PROBLEM", "test_listJobs__PAGE_LIMIT",
             "test_listJobs__PAGE_COMPLETE", "test_getContact__TEN_READ",
             "test_listContacts__PAGE_END"]  # fmt: skip
    made = chains(names, target)
    assert made.quotas == {"test_getJob__RATE_LIMIT"}
    ordered = [names[i] for i in order(names, spread=True, chains=made, workers=8)]
    assert ordered.index("test_getJob__ERR_PROBLEM") < ordered.index("test_listJobs__PAGE_LIMIT")
    assert ordered.index("test_getJob__RATE_LIMIT") > ordered.index("test_listJobs__PAGE_LIMIT")
    # Two operations declaring one policy (name and key) share a quota; another name or key
    # is another quota.
    same = dataclasses.replace(getjob.rate_limit)
    assert same.quota == getjob.rate_limit.quota
    for other in (dataclasses.replace(getjob.rate_limit, name="contacts-read"),
                  dataclasses.replace(getjob.rate_limit, key="ip")):  # fmt: skip
        assert other.quota != getjob.rate_limit.quota


@pytest.mark.parametrize(
    ("contracts", "together", "apart"),
    [
        # A child collection (interactions under a contact) is in its parent's part.
        ("contracts", [("createContact", "listInteractions", "deleteContact")], [("listJobs", "getContact")]),
        # PUT-upserted products, a list of units nothing makes, warehouses with bins and stock.
        ("examples/warehouse/contracts", [("putProduct", "listProducts"), ("createWarehouse", "createBin")],
         [("listProducts", "listUnits"), ("putProduct", "createBin")]),
        # A project and its tasks (ids unique within the project) and an action on a task; the
        # activity feed, which createTask and completeTask write to without the contract saying so.
        ("examples/tracker/contracts", [("createProject", "listTasks", "completeTask"),
                                        ("createNote", "listActivity", "getActivity")],
         [("getHealth", "listTasks"), ("listActivity", "createTask"), ("listActivity", "completeTask")]),
    ],
)  # fmt: skip
def test_parts_of_an_api(
    contracts: str, together: list[tuple[str, ...]], apart: list[tuple[str, str]]
) -> None:
    """Operations joined by a collection, a parent or a reference are one part of the API
    (a walk of one part's list keeps that part alone); the others are apart."""
    from synth import loader
    from synth.relations import Graph

    parts = Graph(loader.load(ROOT / contracts)).parts()
    for names in together:
        assert len({parts[n] for n in names}) == 1, names
    for one, other in apart:
        assert parts[one] != parts[other], (one, other)
    # Each part is named by its first operation id.
    for op, part in parts.items():
        assert part <= op
        assert parts[part] == part


def test_run_lock_parts(tmp_path: Path) -> None:
    """A walk keeps its part exclusive while a test of another part goes on; the run's lock
    taken exclusive (a check alone, or a confirmation) lets every part go first."""
    mine, other = RunLock(tmp_path), RunLock(tmp_path)
    try:
        mine.shared("p")
        other.shared("q")  # another part: does not wait
        assert _can(tmp_path / "part-p.0.lock", fcntl.LOCK_SH)
        assert not _can(tmp_path / "part-p.0.lock", fcntl.LOCK_EX)
        mine.exclusive_part("p")
        assert mine.partial
        assert mine.held == "shared"
        assert not _can(tmp_path / "part-p.0.lock", fcntl.LOCK_SH)  # a test of part p waits
        assert _can(tmp_path / "part-q.0.lock", fcntl.LOCK_SH)  # one of part q does not
        assert not _can(tmp_path / "rw.lock", fcntl.LOCK_EX)
        other.release()
        mine.exclusive()  # the confirmation: every part let go, the run's lock exclusive
        assert mine.held == "exclusive"
        assert mine.partial
        assert _can(tmp_path / "part-p.0.lock", fcntl.LOCK_EX)
        assert not _can(tmp_path / "rw.lock", fcntl.LOCK_SH)
        mine.release()
        assert not mine.partial
        assert _can(tmp_path / "rw.lock", fcntl.LOCK_EX)
        # A walk of another part's list than the test's own takes the run's lock instead.
        mine.shared("p")
        mine.exclusive_part("q")
        assert mine.held == "exclusive"
        assert not mine.partial
        mine.release()
    finally:
        mine.close()
        other.close()


def test_run_lock_lanes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With two tenants, a walk acting as each keeps its own lane of the part, both at once;
    a test holding the part (any lane) waits for both, as does one keeping the whole part."""
    lane_a, lane_b, whole = (RunLock(tmp_path, lanes=2) for _ in range(3))
    p0, p1 = tmp_path / "part-p.0.lock", tmp_path / "part-p.1.lock"
    try:
        lane_a.shared("p", lane=0)
        lane_b.shared("p", lane=1)
        assert _can(p0, fcntl.LOCK_SH)
        assert not _can(p0, fcntl.LOCK_EX)
        assert _granted(lambda: lane_a.exclusive_part("p", lane=0)), (
            "lane 0 waits for lane 1's test"
        )
        assert lane_a.partial
        assert not _can(p0, fcntl.LOCK_SH)  # a test of part p (every lane) waits
        assert _can(p1, fcntl.LOCK_SH)  # lane 1 only shared so far
        assert _granted(lambda: lane_b.exclusive_part("p", lane=1)), (
            "lane 1 waits for lane 0's walk"
        )
        assert not _can(p1, fcntl.LOCK_SH)
        # Kept already: asked again (a walk after a walk), nothing is let go even for a moment.
        monkeypatch.setattr("synth.testing._lock._ReaderWriter.release",
                            lambda self: pytest.fail("a kept lane was let go"))  # fmt: skip
        lane_a.exclusive_part("p", lane=0)
        monkeypatch.undo()
        taken = threading.Event()

        def keep_whole() -> None:
            whole.shared("p")
            whole.exclusive_part("p")
            taken.set()

        thread = threading.Thread(target=keep_whole, daemon=True)
        thread.start()
        assert not taken.wait(0.3)
        lane_a.release()
        assert not taken.wait(0.3)  # lane 1 still kept
        lane_b.release()
        assert taken.wait(5)
        thread.join(5)
        assert not _can(p0, fcntl.LOCK_SH)
        assert not _can(p1, fcntl.LOCK_SH)
        whole.release()
        # One tenant: one lane, whatever lane a test names.
        (tmp_path / "one").mkdir()
        alone = RunLock(tmp_path / "one", lanes=1)
        alone.shared("p", lane=1)
        alone.exclusive_part("p", lane=1)
        assert not _can(tmp_path / "one" / "part-p.0.lock", fcntl.LOCK_SH)
        alone.close()
    finally:
        for lock in (lane_a, lane_b, whole):
            lock.close()


def test_a_test_acting_as_the_first_tenant_holds_its_lane_until_it_acts_as_another(
    tmp_path: Path,
) -> None:
    """A test of no lane of its own holds the first lane of its part (``RunLock.narrow``): a
    walk acting as the second tenant keeps the second lane beside it, and one acting as the
    first waits for it. Its first request as another tenant waits for the second lane
    (``Client`` widens), its requests as the first tenant and without credentials do not."""
    from synth.testing._http import Request

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    config = config_from_options(base_url="http://127.0.0.1:9", tenants=TOKENS, env={})
    mine, walk_b, walk_a = (RunLock(tmp_path, lanes=2) for _ in range(3))
    p0, p1 = tmp_path / "part-p.0.lock", tmp_path / "part-p.1.lock"
    client = Client(dataclasses.replace(config, app=app))
    client.lock = mine
    try:
        mine.shared("p", lane=0)
        mine.narrow("a")
        assert (mine.acts_beyond("a"), mine.acts_beyond(None), mine.acts_beyond("b")) == (
            False, False, True)  # fmt: skip
        walk_b.shared("p", lane=1)
        assert _granted(lambda: walk_b.exclusive_part("p", lane=1)), "the second lane is free"
        walk_a.shared("p", lane=0)
        kept_a, as_b = threading.Event(), threading.Event()

        def keep_a() -> None:
            walk_a.exclusive_part("p", lane=0)
            kept_a.set()

        def send_as_b() -> None:
            client.send(Request("b", "GET", "/theirs"))
            as_b.set()

        threading.Thread(target=keep_a, daemon=True).start()
        assert not kept_a.wait(0.3), "the first lane's walk waits for the test"
        assert client.send(Request("a", "GET", "/mine")).status == 200
        assert client.send(Request(None, "GET", "/anonymous")).status == 200
        threading.Thread(target=send_as_b, daemon=True).start()
        assert not as_b.wait(0.3), "a request as b waits for the second lane's walk"
        walk_b.release()
        assert as_b.wait(5)
        assert not mine.acts_beyond("b")
        assert not _can(p1, fcntl.LOCK_EX)  # both lanes held shared now
        assert not kept_a.is_set()
        mine.release()
        assert kept_a.wait(5)
        assert not _can(p0, fcntl.LOCK_SH)
        assert _can(p1, fcntl.LOCK_EX)
    finally:
        client.close()
        for lock in (mine, walk_b, walk_a):
            lock.close()


def test_a_read_of_one_item_as_another_tenant_takes_none_of_its_lanes(tmp_path: Path) -> None:
    """A test holding the first lane (``narrow``) reads one item as the second tenant while a
    walk keeps the second lane (B asking for A's job: ``Client.reads_one``): it neither
    changes nor counts B's list. Anything else as B (a list read, a write) waits for the
    walk."""
    from synth.testing._http import Request

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    config = config_from_options(base_url="http://127.0.0.1:9", tenants=TOKENS, env={})
    mine, walk_b = RunLock(tmp_path, lanes=2), RunLock(tmp_path, lanes=2)
    client = Client(dataclasses.replace(config, app=app))
    client.lock = mine
    client.reads_one = lambda request: request.method == "GET" and request.path == "/jobs/1"
    try:
        mine.shared("p", lane=0)
        mine.narrow("a")
        walk_b.shared("p", lane=1)
        assert _granted(lambda: walk_b.exclusive_part("p", lane=1))
        read, listed = threading.Event(), threading.Event()

        def send_as_b(path: str, done: threading.Event) -> None:
            client.send(Request("b", "GET", path))
            done.set()

        threading.Thread(target=send_as_b, args=("/jobs/1", read), daemon=True).start()
        assert read.wait(5), "a read of one item as b waits for no lane"
        assert mine.acts_beyond("b")
        threading.Thread(target=send_as_b, args=("/jobs", listed), daemon=True).start()
        assert not listed.wait(0.3), "b's list waits for the walk keeping b's lane"
        walk_b.release()
        assert listed.wait(5)
    finally:
        client.close()
        mine.close()
        walk_b.close()


def test_a_test_acting_as_the_second_tenant_widens_without_a_cycle(tmp_path: Path) -> None:
    """A test holding the second lane alone (a check spreading a quota, ``narrow`` as B)
    takes the first at once where it is free; where a check keeping the whole part holds
    the first and waits for the second, the test lets the second go and takes both in order
    once that check is done, rather than wait holding it (a cycle: the check takes the lanes
    in order). What that check spoilt meanwhile makes the test ``partial``."""
    mine, keeper = RunLock(tmp_path, lanes=2), RunLock(tmp_path, lanes=2)
    p0, p1 = tmp_path / "part-p.0.lock", tmp_path / "part-p.1.lock"
    try:
        mine.shared("p", lane=1)
        mine.narrow("b")
        assert (_can(p0, fcntl.LOCK_EX), _can(p1, fcntl.LOCK_EX)) == (True, False)
        mine.widen()
        assert (_can(p0, fcntl.LOCK_EX), _can(p1, fcntl.LOCK_EX)) == (False, False)
        assert not mine.acts_beyond("a")
        assert not mine.partial
        mine.release()

        mine.shared("p", lane=1)
        mine.narrow("b")
        keeper.shared("p")
        kept, widened = threading.Event(), threading.Event()

        def keep() -> None:
            keeper.exclusive_part("p")  # the first lane exclusive, then waits for the second
            keeper.spoil(["p"])
            kept.set()

        threading.Thread(target=keep, daemon=True).start()
        deadline = time.monotonic() + 5
        while _can(p0, fcntl.LOCK_SH) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not _can(p0, fcntl.LOCK_SH), "the keeper holds the first lane"

        def widen() -> None:
            mine.widen()
            widened.set()

        threading.Thread(target=widen, daemon=True).start()
        assert kept.wait(5), "the test let the second lane go"
        assert not widened.wait(0.3), "and waits for the keeper"
        keeper.release()
        assert widened.wait(5)
        assert (_can(p0, fcntl.LOCK_EX), _can(p1, fcntl.LOCK_EX)) == (False, False)
        assert mine.partial
    finally:
        mine.close()
        keeper.close()


def test_checks_spending_a_quota_of_each_tenant_are_dealt_between_the_tenants(
    api: ApiSpec, tmp_path: Path
) -> None:
    """`getJob` allows 20 requests per 5 s per tenant: with two tenants its checks (and the
    checks of `createJob` that read back through it) are dealt between them, about half
    each; a check dealt the second holds the second lane alone and acts as the second
    tenant. Walks keep their own deal; rate-limit checks, chains and checks of operations
    spending no quota are dealt none; with one tenant, nothing is."""
    from synth.testing._parallel import hold, lanes, spreads
    from synth.testing._target import Target

    shape = shape_of(api)
    dealt = lanes(shape, tenants=2)
    spread = {n: lane for n, lane in dealt.items() if spreads(*key_of_test(n), shape)}
    reads = {n: lane for n, lane in spread.items() if key_of_test(n)[1] == "getJob"}
    assert {"test_getJob__ERR_PROBLEM", "test_getJob__ERR_DECLARED"} <= reads.keys()
    assert set(reads.values()) == {0, 1}
    assert {key_of_test(n)[1] for n in spread} == {"getJob", "createJob"}
    assert not {n for n in spread if "__RATE_" in n or "__PAGE_" in n}
    assert "test_listJobs__PAGE_LIMIT" in dealt  # a walk of the chain
    assert not lanes(shape, tenants=1)

    config = config_from_options(base_url="http://127.0.0.1:9", tenants=TOKENS, env={})
    made = Target(config, api)
    made.lock = lock = RunLock(tmp_path, lanes=2)
    part = made.part("getJob")
    p0, p1 = tmp_path / f"part-{part}.0.lock", tmp_path / f"part-{part}.1.lock"
    second = next(n for n, lane in reads.items() if lane == 1)
    try:
        made.lane = 1
        hold(made, key_of_test(second)[0], "getJob")
        assert (_can(p0, fcntl.LOCK_EX), _can(p1, fcntl.LOCK_EX)) == (True, False)
        assert made.actors()[0] == made.tenants[1]
        assert lock.acts_beyond(made.tenants[0])
        lock.release()
    finally:
        made.close()
        lock.close()


def test_hold_narrows_a_test_of_no_lane_to_the_first_tenant_s(api: ApiSpec, tmp_path: Path) -> None:
    """With two tenants, a test of no lane of its own (VAL-BOUND on `createJob`) holds only
    the first lane of its part, acting as the first tenant; a walk dealt a lane holds that one,
    never widening; a check that keeps its part (TEN-NONINTERFERENCE on `listJobs`) keeps
    every lane."""
    from synth.testing._parallel import hold
    from synth.testing._target import Target

    config = config_from_options(base_url="http://127.0.0.1:9", tenants=TOKENS, env={})
    made = Target(config, api)
    made.lock = lock = RunLock(tmp_path, lanes=2)
    part = made.part("getJob")
    p0, p1 = tmp_path / f"part-{part}.0.lock", tmp_path / f"part-{part}.1.lock"
    try:
        hold(made, "VAL-BOUND", "createJob")
        assert (_can(p0, fcntl.LOCK_EX), _can(p1, fcntl.LOCK_EX)) == (False, True)
        assert lock.acts_beyond(made.tenants[1])
        assert not lock.acts_beyond(made.tenants[0])
        lock.release()
        made.lane = 1
        hold(made, "PAGE-END", "listJobs")
        assert (_can(p0, fcntl.LOCK_EX), _can(p1, fcntl.LOCK_EX)) == (True, False)
        assert not lock.acts_beyond(made.tenants[0])  # a laned walk reads as the other freely
        lock.release()
        made.lane = None
        hold(made, "TEN-NONINTERFERENCE", "listJobs")
        assert (_can(p0, fcntl.LOCK_SH), _can(p1, fcntl.LOCK_SH)) == (False, False)
        lock.release()
    finally:
        made.close()
        lock.close()


def test_a_light_test_holds_its_lane_only_while_a_write_is_in_flight(
    api: ApiSpec, tmp_path: Path
) -> None:
    """A light test (ERR-PROBLEM on `getJob`: ``LIGHT``) starts holding none of its part's
    lanes; a write holds the lane of the tenant it writes as while it is in flight, and lets
    it go once answered; a read of one item holds no lane, only the items lock shared; a list
    read ends the lightness: its lane is held from then on, as by any other test. A test that
    is not light (VAL-BOUND on `createJob`) holds its lane from its start."""
    from synth.testing._parallel import hold, light
    from synth.testing._target import Target

    part = Target(config_from_options(base_url="http://127.0.0.1:9", tenants=TOKENS, env={}),
                  api).part("getJob")  # fmt: skip
    lanes = [tmp_path / f"part-{part}.{lane}.lock" for lane in (0, 1)]
    items = tmp_path / f"items-{part}.lock"
    seen: list[tuple[str, str, str, str]] = []

    def held() -> str:
        """Which of the first lane, the second and the items lock another test would wait for."""
        return "".join(name for name, path in zip("01i", [*lanes, items], strict=True)
                       if not _can(path, fcntl.LOCK_EX))  # fmt: skip

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        tenant = dict(scope["headers"]).get(b"authorization", b"").decode()[-1:]
        seen.append((scope["method"], scope["path"].rsplit("/jobs", 1)[1] or "list", tenant,
                     held()))  # fmt: skip
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    config = config_from_options(app=app, tenants=TOKENS, profile="quick", seed=1, env={})
    made = Target(config, api)
    made.lock = lock = RunLock(tmp_path, lanes=2)
    a, b = made.tenants[0], made.tenants[1]
    jobs = made.url[len(config.url) :] + "/jobs"  # the contracts' base path first
    try:
        assert light("ERR-PROBLEM", "getJob", made)
        assert not light("ERR-PROBLEM", "listJobs", made)  # a list's own checks read it
        assert not light("VAL-BOUND", "createJob", made)
        hold(made, "ERR-PROBLEM", "getJob")
        assert held() == ""
        client = made.client
        client.send(Request(a, "POST", jobs, token="token-a"))
        assert held() == ""  # let go once answered
        client.send(Request(b, "POST", jobs, token="token-b"))
        client.send(Request(b, "GET", f"{jobs}/x", token="token-b"))
        client.send(Request(a, "GET", f"{jobs}/x", token="token-a"))
        assert held() == "i"
        assert lock.partial  # judged beside other checks: confirmed alone before it counts
        client.send(Request(a, "GET", jobs, token="token-a"))
        assert held() == "0"  # a list read: the first lane, held from then on
        client.send(Request(a, "POST", jobs, token="token-a"))
        assert held() == "0"
        lock.release()
        hold(made, "VAL-BOUND", "createJob")
        assert held() == "0"
        client.send(Request(a, "POST", jobs, token="token-a"))
        assert held() == "0"
        lock.release()
    finally:
        made.close()
        lock.close()
    assert seen == [
        ("POST", "list", "a", "0"),
        ("POST", "list", "b", "1"),
        ("GET", "/x", "b", "i"),
        ("GET", "/x", "a", "i"),
        ("GET", "list", "a", "0"),
        ("POST", "list", "a", "0"),
        ("POST", "list", "a", "0"),
    ]


def test_a_chain_deals_its_walks_between_two_tenants(api: ApiSpec) -> None:
    """With two tenants, a chain's walks that write as their acting tenant alone are dealt
    between the two, about half the chain's cost each (as walks through the whole list), the
    first lane less by the chain's TEN-NONINTERFERENCE, which runs in its unit; the checks
    that act as both (the object-level one, TEN-NONINTERFERENCE) are dealt none. With one
    tenant, no lanes."""
    from synth.testing._parallel import LANED, chains, shape_of

    api, names = emitted(ROOT / "contracts")
    one = chains(names, shape_of(api))
    assert not one.lanes
    two = chains(names, shape_of(api), tenants=2)
    assert two.of == one.of
    jobs = [n for n, part in two.of.items() if part == "createJob"]
    dealt = {n for n in jobs if n in two.lanes}
    assert dealt == {n for n in jobs if key_of_test(n)[0] in LANED}
    assert {n for n in jobs if n not in dealt} >= {"test_listJobs__TEN_NONINTERFERENCE"}
    walk = {n: cost_of(n, chained=True) for n in dealt}  # a walk through the whole list
    assert walk["test_listJobs__PAGE_COMPLETE"] == CHAINED["PAGE-COMPLETE"]
    # The first lane also runs the chain's TEN-NONINTERFERENCE, which keeps the whole part.
    kept = cost_of("test_listJobs__TEN_NONINTERFERENCE", chained=True)
    loads = [sum(walk[n] for n in dealt if two.lanes[n] == lane) for lane in (0, 1)]
    assert min(loads) > 0
    assert abs(loads[0] + kept - loads[1]) <= max(walk.values())
    assert loads[0] < loads[1]
    # Measured costs move the deal: the dearest walk alone weighs as much as the others.
    dearest = "test_listJobs__PAGE_LIMIT"
    others = sum(walk[n] for n in dealt if n != dearest) + kept
    measured = {key_of_test(dearest): others}
    weighed = chains(names, shape_of(api), tenants=2, measured=measured)
    assert {n for n in dealt if weighed.lanes[n] != weighed.lanes[dearest]} == dealt - {dearest}


def test_a_test_acting_as_the_second_tenant_swaps_the_two(api: ApiSpec) -> None:
    """A walk dealt to lane 1 acts as the second tenant and plays against the first."""
    from synth.testing._target import Target

    config = config_from_options(base_url="http://127.0.0.1:9", tenants=TOKENS, env={})
    made = Target(config, api)
    try:
        first, second = made.tenants[:2]
        assert made.actors() == (first, second)
        made.lane = 1
        assert made.actors() == (second, first)
        made.lane = 0
        assert made.actors() == (first, second)
    finally:
        made.close()


def test_a_walk_acts_as_its_lane_s_tenant_whatever_is_selected(
    api: ApiSpec, generated: Path, tmp_path: Path
) -> None:
    """The lanes are dealt over every test the contracts generate: a walk dealt to the
    second tenant acts as it when run alone (``-k``), in one process, and passes on the
    correct server; the same walk dealt to the first acts as it."""
    from synth.testing._parallel import lanes

    dealt = lanes(shape_of(api), tenants=2)
    # PAGE-CURSOR also reads with its cursor as the other tenant: any other walk sends as one.
    walks = {n: lane for n, lane in dealt.items() if "__PAGE_" in n and "CURSOR" not in n}
    second = sorted(n for n, lane in walks.items() if lane == 1)[0]
    first = sorted(n for n, lane in walks.items() if lane == 0)[0]
    app = create_app()
    seen: list[tuple[str, str]] = []

    async def recording(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].endswith("/jobs"):
            headers = dict(scope["headers"])
            seen.append((scope["method"], headers.get(b"authorization", b"").decode()))
        await app(scope, receive, send)

    for name, token in ((second, "Bearer token-b"), (first, "Bearer token-a")):
        seen.clear()
        config = config_from_options(app=recording, tenants=TOKENS, seed=1, profile="quick",
                                     env={})  # fmt: skip
        code = run_suite(config, generated, select=f"{name} and not first",
                         extra=["-p", "no:randomly"])  # fmt: skip
        assert code == 0, name
        assert seen, name
        assert {who for _, who in seen} == {token}, (name, seen)


def test_run_lock_quotas(tmp_path: Path) -> None:
    """A rate-limit check keeps its quota and lets its part go; requests counting against the
    quota hold it shared while in flight, and the check waits for them."""
    mine, other = RunLock(tmp_path), RunLock(tmp_path)
    try:
        # A rate-limit check keeps its quota and lets its part go: a walk of that part goes
        # on beside it, and a request counting against the quota waits.
        mine.shared("p")
        mine.exclusive_quota("limit;tenant")
        assert mine.held == "shared"
        assert mine.partial
        assert mine.owns("limit;tenant")
        assert not other.owns("limit;tenant")
        assert _can(tmp_path / "part-p.0.lock", fcntl.LOCK_EX)
        other.shared("p")
        assert not other.try_quota("limit;tenant")
        assert other.try_quota("another;tenant")  # another quota goes on
        other.give_quota("another;tenant")
        assert mine.try_quota("limit;tenant")  # its own requests need nothing more
        mine.give_quota("limit;tenant")
        other.release()
        # The next example makes what it reads with its part held again, the quota let go.
        mine.back_to_part("p")
        assert not _can(tmp_path / "part-p.0.lock", fcntl.LOCK_EX)
        assert not mine.owns("limit;tenant")
        other.shared("q")
        assert other.try_quota("limit;tenant")
        assert other.try_quota("limit;tenant")
        other.give_quota("limit;tenant")
        mine.release()
        other.release()
    finally:
        mine.close()
        other.close()


def test_a_rate_limit_check_waits_for_the_quota(tmp_path: Path) -> None:
    """A rate-limit check waits for the requests in flight that hold its quota shared, and
    for a check whose requests another process sends (schemathesis's engine)."""
    mine, other = RunLock(tmp_path), RunLock(tmp_path)
    try:
        assert other.try_quota("limit;tenant")
        # Held shared by one request still in flight: the check waits for it.
        mine.shared("p")
        waited = threading.Event()

        def keep() -> None:
            mine.exclusive_quota("limit;tenant")
            waited.set()

        keeper = threading.Thread(target=keep)
        keeper.start()
        assert not waited.wait(0.3)
        other.give_quota("limit;tenant")
        assert waited.wait(5)
        keeper.join()
        mine.release()
        other.release()
        # A check whose requests another process sends holds its part's quotas all along.
        other.shared("p")
        other.hold_quotas(["limit;tenant"])
        quota = tmp_path / f"{quota_stem('limit;tenant')}.lock"
        assert not _can(quota, fcntl.LOCK_EX)
        other.release()
        assert _can(quota, fcntl.LOCK_EX)
    finally:
        mine.close()
        other.close()


def _seen_beside(lock: RunLock, held: list[str]) -> None:
    """A stand-in check: a violation while the run's other parts go on, none alone."""
    from synth.testing._violation import Violation

    held.append(lock.held)
    if lock.held != "exclusive":
        raise Violation("TEN-NONINTERFERENCE", "getContact", "nothing", "another part's write", [])


@pytest.mark.parametrize("real", [False, True])
def test_a_violation_seen_beside_other_parts_is_judged_alone(
    api: ApiSpec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, real: bool
) -> None:
    """What a check saw while holding only its part of the API is judged with the run to
    itself: a violation is replayed alone, and one that does not show again there is run again
    from the first example alone, whose outcome counts (a server may tie parts together in
    ways the contract does not say; a false report is worse than a miss)."""
    from synth.testing._runner import run_check
    from synth.testing._target import Target
    from synth.testing._violation import Outcome, Violation
    from synth.testing.invariants import REGISTRY

    held: list[str] = []
    config = config_from_options(app=create_app(), tenants=TOKENS, seed=1, env={})
    target = Target(config, api)
    target.lock = RunLock(tmp_path)

    def check(ctx: object) -> None:
        assert target.lock is not None
        if real:  # a violation whatever else runs
            held.append(target.lock.held)
            raise Violation("TEN-NONINTERFERENCE", "getContact", "nothing", "a leak", [])
        _seen_beside(target.lock, held)

    inv = dataclasses.replace(REGISTRY["TEN-NONINTERFERENCE"], run=check)
    monkeypatch.setitem(REGISTRY, "TEN-NONINTERFERENCE", inv)
    try:
        part = target.part("getContact")
        target.lock.shared(part)
        target.lock.exclusive_part(part)
        finding = run_check("TEN-NONINTERFERENCE", "getContact", target)
    finally:
        target.lock.release()
        target.close()  # its cleanup takes the lock: closed after it
        target.lock.close()
    if real:
        assert finding.outcome is Outcome.VIOLATION
        assert "beside" not in finding.extra
        assert held[0] == "shared"  # found beside the other parts,
        assert held[-1] == "exclusive"  # confirmed alone
    else:
        assert finding.outcome is Outcome.PASSED
        assert finding.extra["beside"] == "unconfirmed"
        assert held[0] == "shared"
        assert held[-1] == "exclusive"
        assert finding.exercised == 1  # run again whole: its example ran to the end, alone
        from synth.testing._report import markdown, summary_lines

        said = [
            line for line in summary_lines(target) if "run again with the run to itself" in line
        ]
        saw = finding.extra["beside_saw"]
        assert saw.startswith("expected "), saw  # what the first run expected and what came
        assert said == [
            "  seen while other checks ran, so run again with the run to itself (the server may "
            "tie what they do together in ways the contract does not say; an outcome the same "
            "both times was not the other checks' doing): "
            f"TEN-NONINTERFERENCE getContact (first unconfirmed ({saw}), then passed)"
        ]
        assert f"`getContact`: first unconfirmed ({saw}), then passed" in markdown(target)


def test_spoilt_reuse_is_dropped_in_every_worker(api: ApiSpec, tmp_path: Path) -> None:
    """What one worker's OBJECT-LEVEL-AUTHORIZATION spoils (it deleted objects it found, the
    edge fixtures and shared parents of others among them), every worker drops at its next
    test: a list walked on a fixture with an item gone was a false PAGE-END on a correct
    server."""
    from synth.testing._target import Target

    config = config_from_options(app=create_app(), tenants=TOKENS, seed=1, env={})
    spoiler, other = Target(config, api), Target(config, api)
    spoiler.lock, other.lock = RunLock(tmp_path), RunLock(tmp_path)
    try:
        for made in (spoiler, other):
            made.edges[("a", "listContacts")] = "a fixture"
            made.shared[("a", "createContact")] = "an id"
            # The jobs' part, which the contacts' operations cannot write to.
            made.edges[("a", "listJobs")] = "a fixture of jobs"
        other.sync_shared()  # nothing spoilt yet: kept
        assert len(other.edges) == 2
        assert other.shared
        spoiler.spoil_shared(["createContact", "listContacts", "getContact"])
        assert list(spoiler.edges) == [("a", "listJobs")]
        assert not spoiler.shared
        assert len(other.edges) == 2
        assert other.shared
        other.sync_shared()
        assert list(other.edges) == [("a", "listJobs")]
        assert not other.shared
        assert not other.shared_origin
        other.edges[("a", "listContacts")] = "made again"
        other.sync_shared()  # spoilt once, dropped once
        assert len(other.edges) == 2
        # Over the jobs' part, the jobs' fixture goes, the contacts' stays.
        spoiler.spoil_shared(["createJob"])
        other.sync_shared()
        assert list(other.edges) == [("a", "listContacts")]
    finally:
        for made in (spoiler, other):
            assert made.lock is not None
            made.lock.close()


def test_runs_in_one_process_import_their_own_suite(
    api: ApiSpec, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two suites run one after the other in one process (each has a `test_authorization`
    module, its tests named by the API's parts): the second runs its own tests, not the first's
    still in `sys.modules`."""
    from examples.tracker.example import CONTRACTS, TENANTS
    from synth import load
    from tests._generated import write_tests

    tracker = write_tests(load(CONTRACTS), tmp_path / "tracker")
    crm = write_tests(api, tmp_path / "crm")
    runs = [
        (tracker, config_from_options(base_url="http://127.0.0.1:9", contracts=str(CONTRACTS),
                                      tenants=[f"{k}={v}" for k, v in TENANTS.items()], env={})),
        (crm, config_from_options(base_url="http://127.0.0.1:9", tenants=TOKENS, env={})),
    ]  # fmt: skip
    listed = []
    for tests, config in runs:
        assert run_suite(config, tests, dry_run=True, select="OBJECT_LEVEL_AUTHORIZATION") == 0
        listed.append(capsys.readouterr().out)
    assert "test_completeTask__OBJECT_LEVEL_AUTHORIZATION" in listed[0]
    assert "test_createContact__OBJECT_LEVEL_AUTHORIZATION" in listed[1]
    assert "completeTask" not in listed[1]


@pytest.mark.parametrize(
    ("contracts", "walks", "chained", "free"),
    [
        # The jobs list has an enum filter only: its walks, and the idempotency checks of the
        # create that count in it (a job has no free text to carry a marker), go through every
        # job of the tenant. TEN-LIST looks for its own jobs' ids, whatever else is listed.
        # The contacts list has a free-text filter; interactions sit under a fresh contact.
        ("contracts", {"createJob"},
         ["listJobs__PAGE_COMPLETE", "createJob__IDEM_REPLAY",
          "createJob__IDEM_MISSING", "createJob__OBJECT_LEVEL_AUTHORIZATION"],
         ["listContacts__PAGE_COMPLETE", "listInteractions__PAGE_END", "createContact__IDEM_REPLAY",
          "getJob__TEN_READ", "createJob__ERR_VALIDATION", "getJob__CONFORMANCE", "getJob__RATE_LIMIT",
          "listJobs__TEN_LIST", "createJob__IDEM_TENANT_SCOPE"]),
        # Tasks under a project are isolated; projects and the activity feed are not, but a
        # project's name carries a check's marker: its idempotency checks count by it.
        ("examples/tracker/contracts", {"createProject", "createNote"},
         ["listProjects__PAGE_COMPLETE", "listActivity__PAGE_END"],
         ["listTasks__PAGE_COMPLETE", "listTasks__TEN_LIST", "createTask__TEN_CHILD",
          "createProject__IDEM_CONCURRENT", "createProject__IDEM_TENANT_SCOPE"]),
        # Bins under a fresh warehouse are isolated; PUT-upserted products and warehouses are
        # not (a warehouse's name carries the marker); the units list's rate-limit checks keep
        # its quota, not its part.
        ("examples/warehouse/contracts", {"archiveWarehouse", "getProduct"},
         ["listProducts__PAGE_COMPLETE"],
         ["listBins__PAGE_COMPLETE", "listBins__TEN_LIST", "listUnits__CONFORMANCE", "listUnits__RATE_LIMIT",
          "createWarehouse__IDEM_MISMATCH"]),
    ],
)  # fmt: skip
def test_chains_of_an_api(
    contracts: str, walks: set[str], chained: list[str], free: list[str]
) -> None:
    """The tests that keep a part of the API to themselves for most of their run: walks of a
    list no scope can isolate (``walks``: they grow with every example) and the checks that
    keep their part from their first request; each in its operation's part. The rate-limit
    checks keep their quota, and are in no chain."""
    from synth.testing._parallel import beside, chains, shape_of

    api, names = emitted(ROOT / contracts)
    found = chains(names, shape_of(api))
    assert set(found.walks) == walks
    parts = found.parts
    for short in chained:
        name = f"test_{short}"
        assert name in names, name
        assert found.of.get(name) == parts[short.partition("__")[0]], name
    for short in free:
        assert f"test_{short}" in names, short
        assert f"test_{short}" not in found.of, short
    # TEN-NONINTERFERENCE keeps its part from its first request where B is shown what it did
    # not make (a list no scope isolates: in ``walks``' parts), and runs beside it on B's own.
    shape = shape_of(api)
    for name in (n for n in names if n.endswith("__TEN_NONINTERFERENCE")):
        operation = name.removeprefix("test_").partition("__")[0]
        isolated = beside("TEN-NONINTERFERENCE", operation, shape)
        assert (name in found.of) is not isolated, name
        if not isolated:
            assert api.operation(operation).pagination is not None, name
    # Every rate-limit test keeps its quota instead, in no chain.
    assert found.quotas == {n for n in names if "__RATE_" in n}


def test_a_long_chain_starts_early_and_runs_together(api: ApiSpec) -> None:
    """Spread over eight workers, the jobs part's chain costs more than a worker's even share:
    the other checks of the jobs part but its rate-limit checks go first (dearest first), then
    its chain, one after another, cheapest first; the other single-request checks and the rest
    follow, then the rate-limit checks, and the contacts part's chain (kept from its first
    request) goes last, together. Over two, the jobs chain is no longer
    than a worker's share: the single-request checks of every part go first, as without
    chains, and the chain goes among the rest as one test of its whole cost."""
    from synth.testing._parallel import chains, shape_of

    api, names = emitted(ROOT / "contracts")
    found = chains(names, shape_of(api))
    spread = [names[i] for i in order(names, spread=True, chains=found, workers=8)]
    first = next(i for i, n in enumerate(spread) if found.of.get(n) == "createJob")
    jobs = [
        n for n in names if found.parts[n.removeprefix("test_").partition("__")[0]] == "createJob"
    ]
    assert set(spread[:first]) == {n for n in jobs if n not in found.of and n not in found.quotas}
    # The rate-limit checks keep the quota, not the part: they run beside the chain, after it.
    assert found.quotas
    assert all(spread.index(n) > first for n in found.quotas)
    head = [cost_of(n) for n in spread[:first]]
    assert head == sorted(head, reverse=True)
    chain = spread[first : first + sum(1 for p in found.of.values() if p == "createJob")]
    assert all(found.of.get(n) == "createJob" for n in chain)
    costs = [cost_of(n) for n in chain]
    assert costs == sorted(costs)
    contacts = [n for n in spread if found.of.get(n) == "createContact"]
    # The contacts chain goes last, right after the rate-limit checks.
    assert spread[-len(contacts) :] == contacts
    quotas = len(found.quotas)
    assert set(spread[-len(contacts) - quotas : -len(contacts)]) == found.quotas
    # Two workers: single-request checks first, as without chains; the jobs chain together.
    two = [names[i] for i in order(names, spread=True, chains=found, workers=2)]
    plain = [names[i] for i in order(names, spread=True)]
    singles = sum(1 for n in plain if n.rpartition("__")[2] in {"IDEM_MISSING", "ERR_VALIDATION",
                  "ERR_DECLARED", "TEN_READ", "ERR_PROBLEM"} and n not in found.of)  # fmt: skip
    assert set(two[:singles]) == {n for n in plain[: singles + 1] if n not in found.of}
    members = [i for i, n in enumerate(two) if found.of.get(n) == "createJob"]
    assert members == list(range(members[0], members[-1] + 1))
    assert two[-len(contacts) :] == contacts
    # One process, or no chains: the order is the one before.
    assert order(names, chains=found, workers=8) == order(names)
    assert order(names, spread=True, chains=None, workers=8) == order(names, spread=True)


@pytest.mark.parametrize(
    ("contracts", "filled"),
    [
        # Trips are made under a vehicle and name a driver: every trip check makes some. But
        # both lists are isolated (a prefix filter on the make, free text on the name), so no
        # chain walks them; the trips list, which no scope isolates, grows with the trip checks
        # only.
        ("examples/fleet/contracts", set()),
        # Tasks are made under a project: the projects list grows with every task check (each
        # holding the projects part's writes lock while it makes one: ``RunLock.try_writes``).
        ("examples/tracker/contracts", {"createProject"}),
        # The jobs list grows with the jobs checks only (nothing is made under a job).
        ("contracts", set()),
    ],
)
def test_a_chain_walking_a_list_every_check_fills_goes_first(
    contracts: str, filled: set[str]
) -> None:
    """A chain of walks through a list whose items are other operations' parents or
    referenced items goes before any other test: after its part's other checks it walked the
    list at its longest (bench/notes/latency.md). Elsewhere the order is as before."""
    from synth.testing._parallel import chains

    api, names = emitted(ROOT / contracts)
    found = chains(names, shape_of(api))
    assert found.filled == filled
    spread = [names[i] for i in order(names, spread=True, chains=found, workers=8)]
    first = [n for n in names if found.of.get(n) in filled]
    assert set(spread[: len(first)]) == set(first)
    unfilled = dataclasses.replace(found, filled=frozenset())
    if not filled:
        assert spread == [names[i] for i in order(names, spread=True, chains=unfilled, workers=8)]


@pytest.mark.parametrize("tenants", [1, 2])
def test_part_scheduling_hands_each_chain_to_one_worker(api: ApiSpec, tenants: int) -> None:
    """pytest-xdist's scheduling by units, each chain one unit to one worker in the order the
    workers collected, every other test a unit of its own to whichever worker is free. With
    two tenants, the jobs chain's walks are dealt between them: each lane one unit, never
    queued behind the other lane's tests."""
    from types import SimpleNamespace

    from synth.testing._parallel import PartScheduling, chains, shape_of

    api, names = emitted(ROOT / "contracts")
    found = chains(names, shape_of(api), tenants)
    collected = [f"generated/tests/t.py::{names[i]}"
                 for i in order(names, spread=True, chains=found, workers=8)]  # fmt: skip
    config: Any = SimpleNamespace(getvalue=lambda name: ["3*popen"],
                                  option=SimpleNamespace(loadscopereorder=True))  # fmt: skip
    scheduler = PartScheduling(config, shape_of(api), tenants=tenants)
    nodes = [Node(f"gw{i}") for i in range(3)]
    for node in nodes:
        scheduler.add_node(node)
        scheduler.add_node_collection(node, collected)
    scheduler.schedule()
    assert config.option.loadscopereorder is False  # our order, not xdist's by unit size
    # Run to the end: each worker finishes its first queued test, and gets more.
    ran: dict[str, list[str]] = {n.gateway.id: [] for n in nodes}

    def name(index: int) -> str:
        return collected[index].rpartition("::")[2]

    jobs = {n for n in names if found.of.get(n) == "createJob" and lane_of(found, n) != "kept"}
    kept = "test_createJob__OBJECT_LEVEL_AUTHORIZATION"
    assert lane_of(found, kept) == "kept"
    while any(len(ran[n.gateway.id]) < len(n.sent) for n in nodes):
        for node in nodes:
            done = ran[node.gateway.id]
            if len(done) < len(node.sent):
                index = node.sent[len(done)]
                if name(index) == kept:  # it begins once every walk of both lanes has ended
                    assert jobs <= {n for finished in ran.values() for n in finished}
                done.append(name(index))
                pending, before = node.sent[len(done) :], len(node.sent)
                scheduler.mark_test_complete(node, index)
                handed = [name(i) for i in node.sent[before:]]
                # A lane: behind no other lane's tests (the object-level check may go behind
                # its part's last lane: ``_sole_holder``).
                if any(n in found.of and n != kept for n in handed):
                    assert not any(name(i) in found.of for i in pending), (handed, pending)
    assert sorted(n for done in ran.values() for n in done) == sorted(names)
    # Each lane to one worker; the jobs part's object-level check, a unit of its own, too.
    for part, lanes in (("createJob", tenants + 1), ("createContact", 1)):
        runs = {(w, lane_of(found, n)) for w, done in ran.items() for n in done
                if found.of.get(n) == part}  # fmt: skip
        assert len(runs) == lanes, (part, runs)
        for holder, lane in runs:
            done = ran[holder]
            members = [i for i, n in enumerate(done)
                       if found.of.get(n) == part and lane_of(found, n) == lane]  # fmt: skip
            assert members == list(range(members[0], members[-1] + 1))  # one after another
    # The jobs part's chain went out among the first units.
    assert min(collected.index(f"generated/tests/t.py::{n}") for n in found.of
               if found.of[n] == "createJob") < 30  # fmt: skip


@pytest.mark.parametrize("example", ["campus", "tracker"])
def test_no_test_waits_on_a_worker_for_a_walking_lane_while_others_are_queued(
    example: str,
) -> None:
    """While a part's chain's first lane runs (its walks, acting as the first tenant, keep
    the lane every other test of the part holds), a test of that part goes to a worker only
    once no test of another part is left in the queue: handed out before, it held a worker
    idle for the lane's walk (the campus's courses checks at 50 ms, ten workers 7.6 s each)."""
    from synth.testing._parallel import _CHAIN, chains

    api, names = emitted(ROOT / "examples" / example / "contracts")
    shape = shape_of(api)
    found = chains(names, shape, 2)
    collected = [f"t.py::{names[i]}" for i in order(names, spread=True, chains=found, workers=8)]
    scheduler, *nodes = workers(shape, collected, count=6)
    walked = sorted(found.walks)
    assert walked, f"{example}: no chain walks a list"
    waited: list[str] = []  # the first units, handed out before this watches, aside

    def running(part: str, besides: Any) -> bool:
        return any(unit == f"{_CHAIN}{part}@0" and not all(tests.values())
                   for other, work in scheduler.assigned_work.items() if other is not besides
                   for unit, tests in work.items())  # fmt: skip

    def watch(node: Node) -> Callable[[list[int]], None]:
        def sent(indexes: list[int]) -> None:
            node.sent += indexes
            for index in indexes:
                name = collected[index].rpartition("::")[2]
                part = found.parts.get(key_of_test(name)[1], "")
                if name in found.of or part not in walked or not running(part, node):
                    continue
                others = [scope for scope in scheduler.workqueue
                          if not scope.startswith(_CHAIN)
                          and found.parts.get(key_of_test(scope.rpartition("::")[2])[1]) != part]  # fmt: skip
                if others:
                    waited.append(f"{name} before {others[0]}")

        return sent

    for node in nodes:
        node.send_runtest_some = watch(node)
    progress = True
    while progress:  # each worker ends its next test in turn, until none has one left
        progress = False
        for node in nodes:
            left = [nodeid for tests in scheduler.assigned_work.get(node, {}).values()
                    for nodeid, finished in tests.items() if not finished]  # fmt: skip
            if left:
                scheduler.mark_test_complete(node, collected.index(left[0]))
                progress = True
    assert not waited, waited[:5]


def test_a_rate_limit_check_goes_out_once_its_quota_is_spent_while_a_lane_walks() -> None:
    """Once no check left spends a rate-limited operation's quota, its rate-limit checks go
    out before the other parts' queued tests, even while their part's first lane walks (the
    CRM's jobs, the podcast's shows): they wait for one walk at most (their own create), and
    the part's object-level check waits for them. Put behind every other part's test, the
    CRM's began at 50 ms 7 s after the quota's last spender had ended. Run over six simulated
    workers, each ending its next test in turn. (Of the other examples with a rate limit, the
    podcast's and the fleet's limited operations are in no walked part.)"""
    from synth.testing._parallel import _CHAIN, KEEPS_QUOTA, chains, quotas_spent

    api, names = emitted(ROOT / "contracts")
    shape = shape_of(api)
    found = chains(names, shape, 2)
    spent = quotas_spent(shape)
    collected = [f"t.py::{names[i]}" for i in order(names, spread=True, chains=found, workers=8)]
    scheduler, *nodes = workers(shape, collected, count=6)
    late: list[str] = []
    walking_when_sent: list[str] = []

    def name_of(nodeid: str) -> str:
        return nodeid.rpartition("::")[2]

    def spends(name: str) -> bool:
        invariant, operation = key_of_test(name)
        return (
            bool(spent.get(operation))
            and invariant not in KEEPS_QUOTA
            and (invariant != "OBJECT-LEVEL-AUTHORIZATION")
        )

    def spender_left() -> bool:
        queued = any(spends(name_of(n)) for scope in scheduler.workqueue
                     for n in scheduler.workqueue[scope])  # fmt: skip
        running = any(spends(name_of(n)) and not done
                      for work in scheduler.assigned_work.values()
                      for tests in work.values() for n, done in tests.items())  # fmt: skip
        return queued or running

    def lane_walks() -> bool:
        return any(unit.startswith(_CHAIN) and unit.endswith("@0") and not all(tests.values())
                   for work in scheduler.assigned_work.values()
                   for unit, tests in work.items())  # fmt: skip

    def watch(node: Node) -> Callable[[list[int]], None]:
        def sent(indexes: list[int]) -> None:
            node.sent += indexes
            for index in indexes:
                name = name_of(collected[index])
                invariant = key_of_test(name)[0]
                if invariant in KEEPS_QUOTA:
                    if lane_walks():
                        walking_when_sent.append(name)
                    continue
                if name in found.of or spender_left():
                    continue
                rate = [s for s in scheduler.workqueue if key_of_test(name_of(s))[0] in KEEPS_QUOTA]
                if rate:
                    late.append(f"{name} before {rate[0]}")

        return sent

    for node in nodes:
        node.send_runtest_some = watch(node)
    run_to_end(scheduler, nodes)
    assert not late, late[:5]
    assert walking_when_sent, "no rate-limit check went out while a lane walked: nothing tested"


# The fleet's lists are all isolated now (its trips by a fresh driver, PAGE-FILTER too): it has
# no walked part. The campus's courses part is walked.
@pytest.mark.parametrize("example", ["campus", "feeds", "library", "tracker", "warehouse"])
def test_a_walked_part_s_object_level_check_begins_after_its_lanes(example: str) -> None:
    """On APIs of other shapes, run to the end over three simulated workers, each running what
    it was sent in order: the object-level check of each part whose chain walks a list (a unit
    of its own: ``lane_of``) begins only once every test of its part's lanes has ended. Before
    ``PartScheduling._sole_holder`` it was handed to a worker asking while a lane still ran
    elsewhere (only rate-limit checks held back for their quota were left besides, and the stop
    rule counted them), and the part's lock let it in between the lane's walks."""
    from synth.testing._parallel import chains

    api, names = emitted(ROOT / "examples" / example / "contracts")
    shape = shape_of(api)
    found = chains(names, shape, 2)
    kept = {n: found.of[n] for n in found.of if lane_of(found, n) == "kept"}
    assert kept, f"{example}: no walked part's object-level check"
    collected = [f"t.py::{names[i]}" for i in order(names, spread=True, chains=found, workers=8)]
    scheduler, *nodes = workers(shape, collected, count=3)
    ended: list[str] = []
    progress = {node.gateway.id: 0 for node in nodes}
    while any(progress[n.gateway.id] < len(n.sent) for n in nodes):
        for node in nodes:
            if progress[node.gateway.id] < len(node.sent):
                index = node.sent[progress[node.gateway.id]]
                progress[node.gateway.id] += 1
                name = collected[index].rpartition("::")[2]
                if name in kept:
                    # Its own part's lanes, and those of the walked parts it also keeps (the
                    # tracker's tasks part reaches its projects part: ``Chains.reached``).
                    reach = {kept[name], *found.reached.get(kept[name], ())}
                    lanes = {n for n in found.of if found.of[n] in reach and n != name}
                    assert lanes <= set(ended), (example, name, lanes - set(ended))
                ended.append(name)
                scheduler.mark_test_complete(node, index)
    assert sorted(ended) == sorted(names)


def test_a_walked_chain_s_checks_keeping_the_whole_part_end_its_first_lane() -> None:
    """In a part's chain dealt over two lanes, the checks that keep the whole part
    (TEN-NONINTERFERENCE) come after every walk of the chain, so that both lanes' walks run
    side by side before them, and the lanes' walks are dealt evenly (on the CRM and on APIs of
    other shapes)."""
    from synth.testing._order import cost_of
    from synth.testing._parallel import chains

    ended = 0  # chains with checks keeping the whole part
    for contracts in (ROOT / "contracts", *(ROOT / "examples" / e / "contracts"
                                             for e in ("fleet", "warehouse", "library"))):  # fmt: skip
        api, names = emitted(contracts)
        shape = shape_of(api)
        found = chains(names, shape, 2)
        ordered = [names[i] for i in order(names, spread=True, chains=found, workers=8)]
        for part in found.walks:
            chain = [n for n in ordered if found.of.get(n) == part]
            whole = [i for i, n in enumerate(chain) if n not in found.lanes]
            walks = [i for i, n in enumerate(chain) if n in found.lanes]
            assert walks, (contracts, part, chain)
            # The fleet's trips: a fresh driver isolates every check of them but PAGE-FILTER.
            if whole:
                ended += 1
                assert min(whole) > max(walks), (contracts, part, chain)
            loads = [sum(cost_of(n, None, chained=True) for n in chain if found.lanes.get(n) == lane)
                     for lane in (0, 1)]  # fmt: skip
            dearest = max(cost_of(n, None, chained=True) for n in chain if n in found.lanes)
            assert abs(loads[0] - loads[1]) <= dearest, (contracts, part, loads)
    assert ended >= 3


def test_a_worker_says_it_goes_on_to_a_part_s_test_it_runs_next() -> None:
    """What a worker says it goes on with while it runs a test (``RunLock.stay``), which a
    part's object-level check waits for: its lane's part between two tests of a chain's lane,
    the part of a short test it runs next, nothing behind a test that may run long (its next
    test is not waited for), nothing before the object-level check itself."""
    from synth.testing._parallel import chains, quotas_spent, stays_on

    api, names = emitted(ROOT / "contracts")
    shape = shape_of(api)
    found = chains(names, shape, 2)
    spent = quotas_spent(shape)
    lane = [n for n in names if found.of.get(n) == "createJob" and lane_of(found, n) == "0"]
    assert stays_on(lane[0], lane[1], found, spent) == "createJob"
    # The end of a lane (TEN-NONINTERFERENCE, 10 s at 50 ms) is no short test to wait out.
    whole = next(n for n in names if found.of.get(n) == "createJob" and n not in found.lanes
                 and lane_of(found, n) == "0")  # fmt: skip
    assert stays_on(whole, "test_deleteContact__ERR_VALIDATION", found, spent) == ""
    assert stays_on(lane[-1], "test_deleteContact__ERR_VALIDATION", found, spent) == ""
    short, member = "test_listJobs__CONFORMANCE", "test_deleteContact__ERR_VALIDATION"
    assert stays_on(f"t.py::{short}", f"t.py::{member}", found, spent) == "createContact"
    assert stays_on(f"t.py::{short}[first]", f"t.py::{member}[first]", found, spent) == (
        "createContact"
    )
    assert stays_on("t.py::test_getJob__ERR_DECLARED", member, found, spent) == ""
    assert stays_on("t.py::test_getJob__ERR_DECLARED[first]", member, found, spent) == (
        "createContact"
    )
    assert stays_on(short, "test_createContact__OBJECT_LEVEL_AUTHORIZATION", found, spent) == ""
    assert stays_on(short, None, found, spent) == ""


def test_the_first_worker_to_collect_starts_without_waiting_for_the_others() -> None:
    """Tests are handed out once one worker has collected, not every worker (eight starting
    on two CPUs take seconds): a worker still starting is handed nothing, not shut down as one
    too many, and takes work when its collection arrives. A late collection that differs from
    the scheduled one (xdist's check) gets nothing, and every test still runs exactly once."""
    from types import SimpleNamespace

    from synth.testing._parallel import PartScheduling

    api, names = emitted(ROOT / "contracts")
    collected = [f"t.py::{n}" for n in names]
    config: Any = SimpleNamespace(getvalue=lambda name: ["4*popen"],
                                  option=SimpleNamespace(loadscopereorder=False))  # fmt: skip
    scheduler = PartScheduling(config, shape_of(api), tenants=2)
    first, late, odd, never = (Node(f"gw{i}") for i in range(4))
    for node in (first, late, odd, never):
        scheduler.add_node(node)
    assert not scheduler.collection_is_completed
    scheduler.add_node_collection(first, collected)
    assert scheduler.collection_is_completed  # xdist's DSession calls ``schedule`` now
    scheduler.schedule()
    assert first.sent
    assert [n.sent for n in (late, odd, never)] == [[], [], []]
    assert not any(n.shutting_down for n in (first, late, odd, never))
    # A worker that dies: xdist hands its tests round, to the workers that have collected.
    crashed = Node("gw9")
    scheduler.add_node(crashed)
    scheduler.add_node_collection(crashed, collected)
    scheduler.schedule()
    assert crashed.sent
    assert scheduler.remove_node(crashed) is not None
    assert [n.sent for n in (late, odd, never)] == [[], [], []]
    ran: list[int] = []
    by: dict[str, int] = {"gw0": 0, "gw1": 0}

    def run_next(node: Node) -> None:
        index = node.sent[by[node.gateway.id]]
        ran.append(index)
        by[node.gateway.id] += 1
        scheduler.mark_test_complete(node, index)

    for _ in range(3):
        run_next(first)
    scheduler.add_node_collection(late, collected)
    scheduler.add_node_collection(odd, collected[1:])  # differs: xdist logs it, never used
    scheduler.schedule()
    assert late.sent  # a unit, the moment its collection arrives
    assert [n.sent for n in (odd, never)] == [[], []]
    while True:
        running = [n for n in (first, late) if by[n.gateway.id] < len(n.sent)]
        if not running:
            break
        run_next(running[len(ran) % len(running)])
    assert sorted(ran) == list(range(len(collected)))  # each exactly once
    assert by["gw1"] > len(collected) // 3  # the late worker took its share as it went
    assert scheduler.tests_finished
    assert first.shutting_down
    assert late.shutting_down
    assert [n.sent for n in (odd, never)] == [[], []]  # shut down by DSession's ``triggershutdown``


def test_cleanup_holds_only_the_part_it_deletes_in(api: ApiSpec, tmp_path: Path) -> None:
    """A worker's cleanup deletes part by part, newest first, holding each part's locks shared
    and no other: a check of another part that waits to keep its own part goes on."""
    from synth.testing._target import Target

    config = config_from_options(app=create_app(), tenants=TOKENS, seed=1, env={})
    made = Target(config, api)
    made.lock = RunLock(tmp_path)
    held: list[tuple[str, ...]] = []
    taken: list[str] = []
    real_shared = made.lock.shared

    def shared(*parts: str, lane: int | None = None) -> None:
        held.append(parts)
        real_shared(*parts, lane=lane)

    made.lock.shared = shared  # type: ignore[method-assign]
    client = made.client
    settle = client.settle

    def settled(requests: Any, at_once: int | None = None) -> Any:
        taken.extend(f"{r.method} {r.path}" for r in requests)
        return settle(requests, at_once)

    client.settle = settled  # type: ignore[method-assign]
    made.created = [("a", made.path("/contacts/{contact_id}", {"contact_id": "c1"})),
                    ("a", made.path("/elsewhere/{x}", {"x": "e1"})),
                    ("a", made.path("/contacts/{contact_id}", {"contact_id": "c2"}))]  # fmt: skip
    try:
        made.close()
    finally:
        made.lock.close()
    # The contacts part's locks (its contacts and its interactions, which the locks keep
    # apart: ``Target.reach``); an item no DELETE of the API matches holds every part.
    every = tuple(sorted({made.part(op.operation_id) for op in api.operations}))
    assert made.reach("deleteContact") == ["createContact", "createInteraction"]
    assert held == [("createContact", "createInteraction"), every]
    assert len(every) == 3
    assert [t.split("/")[-1] for t in taken if t.startswith("DELETE")] == ["c2", "c1", "e1"]


def test_cleanup_deletes_side_by_side_and_again_what_was_refused(api: ApiSpec) -> None:
    """Cleanup sends its deletes newest first, eight in flight at a time, as answers nobody
    judges; one the server refused (a parent whose child was deleted beside it) goes again
    after the others; one already gone (404) does not."""
    from synth.testing._http import Exchange
    from synth.testing._target import Target

    config = config_from_options(app=create_app(), tenants=TOKENS, seed=1, env={})
    made = Target(config, api)
    batches: list[list[str]] = []
    again: list[str] = []
    refuse, gone = {"p0"}, {"p1"}

    class Stub:
        log: list[Exchange] = []
        requests = 0
        survived: Any = {}
        exhausted: Any = {}
        cost: Any = None
        limited: Any = None

        def settle(self, requests: list[Request], at_once: int | None) -> list[Exchange | None]:
            assert at_once == 8
            assert not any(r.judged for r in requests)
            batches.append([r.path.rsplit("/", 1)[1] for r in requests])
            return [Exchange(r, 409 if r.path.endswith(tuple(refuse)) else
                             404 if r.path.endswith(tuple(gone)) else 204, httpx.Headers(), b"", 0.0)
                    for r in requests]  # fmt: skip

        def send(self, request: Request) -> Exchange:
            again.append(request.path.rsplit("/", 1)[1])
            return Exchange(request, 204, httpx.Headers(), b"", 0.0)

        def close(self) -> None:
            pass

    made._client = Stub()  # type: ignore[assignment]
    made.created = [("a", made.path("/contacts/{contact_id}", {"contact_id": f"p{i}"}))
                    for i in range(10)]  # fmt: skip
    made.close()
    assert batches == [[f"p{i}" for i in range(9, -1, -1)]]
    assert again == ["p0"]


def test_a_scope_without_the_parent_its_items_are_created_under_gets_a_shared_one(
    api: ApiSpec,
) -> None:
    """Seeding a list whose path names fewer parents than its items' create (appointments
    listed at /orgs/{org}/appointments, created under a practitioner: a fresh-eyes user's
    API) sent the create with ``{practitioner_id}`` unfilled, and every check of that list was
    skipped for the server's 422. The parents the scope lacks are now the tenant's shared
    ones. Here: interactions created with no contact in the given parameters."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from synth.testing._context import Context
    from synth.testing._target import Target

    config = config_from_options(app=create_app(), tenants=TOKENS, seed=1, env={})
    target = Target(config, api)
    op = api.operation("createInteraction")
    made: list[dict[str, Any]] = []

    @given(st.data())
    @settings(max_examples=1, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    def create(data: st.DataObject) -> None:
        made.append(Context(target, "PAGE-COMPLETE", op, data).create("a", op, {}))

    try:
        create()
        sent = [e.request for e in target.client.log if e.request.method == "POST"]
    finally:
        target.close()
    assert made
    assert made[0].get("id")
    assert all("{" not in r.path for r in sent), [r.path for r in sent]
    assert [r.path.count("/interactions") for r in sent][-1] == 1


@pytest.mark.parametrize(
    ("contracts", "whole", "isolated"),
    [(ROOT / "contracts", "test_listJobs__PAGE_COMPLETE", "test_listContacts__PAGE_COMPLETE"),
     # The courses list no scope isolates; the enrolments list a fresh course does, for
     # PAGE-FILTER too.
     (ROOT / "examples" / "campus" / "contracts", "test_listCourses__PAGE_FILTER",
      "test_listEnrolments__PAGE_FILTER"),
     (ROOT / "examples" / "tracker" / "contracts", "test_listActivity__TEN_NONINTERFERENCE",
      "test_createProject__TEN_NONINTERFERENCE")],
)  # fmt: skip
def test_a_search_walking_a_whole_list_runs_half_its_examples(
    contracts: Path, whole: str, isolated: str
) -> None:
    """A page check in its part's chain (its list no scope isolates) and TEN-NONINTERFERENCE on
    such a list walk the tenant's whole list in every example: their searches run half the
    examples, rounded up; a check of a list a scope isolates, or of no list, runs them all."""
    from synth.testing._config import PROFILES
    from synth.testing._first import search_examples
    from synth.testing._parallel import walks_whole_list

    api, names = emitted(contracts)
    shape = shape_of(api)
    assert whole in names
    assert isolated in names
    assert walks_whole_list(*key_of_test(whole), shape)
    assert not walks_whole_list(*key_of_test(isolated), shape)
    assert not any(walks_whole_list(*key_of_test(n), shape) for n in names if "__IDEM_" in n)
    for profile in PROFILES.values():
        invariant = key_of_test(whole)[0]
        full = search_examples(profile, invariant)
        assert search_examples(profile, invariant, whole_list=True) == (full + 1) // 2
        assert search_examples(profile, invariant, whole_list=False) == full


def test_every_check_dealt_to_a_lane_has_a_cost_at_a_far_target() -> None:
    """The lanes are dealt by seconds at a 50 ms round trip (``_order.CHAINED``): every check
    that may act as either tenant in a chain has one there, none falls back on the loopback
    table (another scale: dealt by those, the CRM's lanes came to 18.6 and 10.7 s of far
    costs)."""
    from synth.testing._order import CHAINED
    from synth.testing._parallel import LANED

    assert set(CHAINED) == set(LANED)
