"""The object-level check's engine started ahead of its test (``_authorization.standby``):
held before its first request until the test takes it, stopped unsent where none does."""

from __future__ import annotations

import dataclasses
import http.server
import os
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import pytest
import requests

import synth
from examples._example import load as load_example
from examples.reference_server.process import serve
from synth.spec import ApiSpec
from synth.testing import Target, config_from_options, object_level_authorization, plugin
from synth.testing._authorization import Standby, st_reports, standby
from synth.testing._st import GATE_ENV, GO, PROBES, gate
from synth.testing.cli import run_suite
from tests._serving import serving

from .conftest import TOKENS


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: list[tuple[str, bool]] = []

    def do_GET(self) -> None:
        self.seen.append((self.path, "X-Schemathesis-Probe" in self.headers))
        if self.path == "/slow":
            time.sleep(1.0)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[tuple[str, bool]]]]:
    """A loopback server noting each GET's path and whether it was a probe."""
    seen: list[tuple[str, bool]] = []
    handler = type("Handler", (_Recorder,), {"seen": seen})
    with serving(handler) as url:
        yield url, seen


@pytest.mark.parametrize("probes", [True, False])
def test_the_gate_holds_every_request_until_go_but_probes_where_let(
    recorder: tuple[str, list[tuple[str, bool]]], monkeypatch: pytest.MonkeyPatch, probes: bool
) -> None:
    url, seen = recorder
    monkeypatch.setattr(requests.Session, "send", requests.Session.send)  # restored after
    answers: list[tuple[str, int]] = []

    def get(path: str, headers: dict[str, str]) -> threading.Thread:
        def send() -> None:
            answer = requests.get(f"{url}{path}", headers=headers, timeout=5)
            answers.append((path, answer.status_code))

        thread = threading.Thread(target=send)
        thread.start()
        return thread

    read, write = os.pipe()
    with os.fdopen(read, "r") as stream, os.fdopen(write, "w") as signal:
        gate(stream, probes=probes)
        probe = get("/probe", {"X-Schemathesis-Probe": "1"})
        probe.join(5 if probes else 0.5)
        assert probe.is_alive() is not probes  # a probe goes ahead only where let
        case = get("/case", {})
        case.join(0.5)
        assert case.is_alive()  # held at the gate
        assert seen == ([("/probe", True)] if probes else [])
        signal.write(GO + "\n")
        signal.flush()
        probe.join(5)
        case.join(5)
        assert sorted(answers) == [("/case", 204), ("/probe", 204)]
        # Open once, open for good: the next request is not held.
        assert requests.get(f"{url}/again", timeout=5).status_code == 204


def test_go_may_carry_the_timeout_learned_since_the_process_started(
    recorder: tuple[str, list[tuple[str, bool]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``go 0.2``: every request let through then takes 0.2 s as its timeout, whatever the one
    it was sent with (the process's ``--request-timeout``)."""
    url, seen = recorder
    monkeypatch.setattr(requests.Session, "send", requests.Session.send)  # restored after
    read, write = os.pipe()
    with os.fdopen(read, "r") as stream, os.fdopen(write, "w") as signal:
        held = gate(stream)
        signal.write(GO + " 0.2\n")
        signal.flush()
        with pytest.raises(requests.exceptions.ReadTimeout):
            requests.get(f"{url}/slow", timeout=5)
        assert held.timeout == pytest.approx(0.2)
        assert seen == [("/slow", False)]


@pytest.mark.parametrize(("key", "gated"), [("tenant", PROBES), ("ip", "all")])
def test_the_probes_wait_too_where_a_rate_limit_counts_by_address(
    api: ApiSpec, key: Literal["tenant", "ip"], gated: str
) -> None:
    """A server limiting requests by address may count the probes in a rate-limit check's
    burst: where a contract declares such a limit, the engine started ahead holds them too."""
    keyed = dataclasses.replace(api, operations=tuple(
        dataclasses.replace(op, rate_limit=dataclasses.replace(op.rate_limit, key=key))
        if op.rate_limit is not None else op for op in api.operations))  # fmt: skip
    config = config_from_options(base_url="http://127.0.0.1:9", tenants=TOKENS, env={})
    target = Target(config, keyed)
    try:
        standby(target, "createJob")
        pids = [process.pid for _, process, _, _ in target.standby["createJob"].engine._running]
        assert pids
        for pid in pids:
            assert f"{GATE_ENV}={gated}".encode() in _environ(pid)
    finally:
        target.close()


@pytest.mark.parametrize(("name", "gated"), [("warehouse", "all"), ("boxoffice", PROBES)])
def test_the_probes_wait_where_an_example_api_limits_by_address(name: str, gated: str) -> None:
    """The same on APIs of other shapes: the warehouse example limits its units list by
    address (``key="ip"``), the box office example its event reads per tenant, the tenant in
    the path of both; every part's engine is started ahead as it says."""
    example = load_example(name)
    config = config_from_options(
        base_url="http://127.0.0.1:9",
        tenants=[f"{t}={secret}" for t, secret in example.TENANTS.items()],
        tenant_ids=[f"{t}={value}" for t, value in example.TENANT_IDS.items()],
        env={},
    )
    target = Target(config, synth.load(example.CONTRACTS))
    try:
        for part in sorted(set(target.graph.parts().values())):
            standby(target, part)
            running = target.standby[part].engine._running
            assert running, part
            for _, process, _, _ in running:
                assert f"{GATE_ENV}={gated}".encode() in _environ(process.pid), part
    finally:
        target.close()


@pytest.mark.slow
def test_an_object_level_check_started_ahead_sends_nothing_until_it_is_let_go(
    api: ApiSpec,
) -> None:
    """Started ahead and given time to load and draw, the engine has sent no request of the
    check before ``go`` (its HAR, written at the end, has none from before); let go, it runs
    the check whole. The check's test takes what was started (``object_level_authorization``)
    and its folder goes with it."""
    with serve() as url:
        config = config_from_options(base_url=url, tenants=TOKENS, profile="quick", seed=3,
                                     env={})  # fmt: skip
        target = Target(config, api)
        try:
            standby(target, "createJob")
            ready = target.standby.pop("createJob")
            try:
                assert ready.operations == ["createJob", "getJob", "listJobs"]
                time.sleep(3)  # longer than it takes to get to its first request here
                assert all(p.poll() is None for _, p, _, _ in ready.engine._running)  # waiting
                let_go = time.time()
                ready.engine.go()
                done = ready.engine.wait()
                assert done.returncode == 0, done.stdout + done.stderr  # a correct server
                events, entries = st_reports(ready.folder)
                # Held at its first request for seconds, no scenario ended in an error of its
                # own (a deadline, a timeout).
                assert not [e for e in events if "NonFatalError" in e or "FatalError" in e]
                assert entries
                assert min(_started(e) for e in entries) >= let_go
            finally:
                ready.stop()
            assert not ready.folder.exists()

            standby(target, "createJob")
            again = target.standby["createJob"]
            standby(target, "createJob")  # one waiting already: left as it is
            assert target.standby["createJob"] is again
            object_level_authorization(target, "createJob")
            assert "createJob" not in target.standby
            assert not again.folder.exists()
        finally:
            target.close()
    finding = target.findings[-1]
    assert (finding.invariant, finding.outcome.value) == ("OBJECT-LEVEL-AUTHORIZATION", "passed")


@pytest.mark.slow
def test_a_check_started_ahead_and_never_taken_is_stopped_with_the_target(
    api: ApiSpec, recorder: tuple[str, list[tuple[str, bool]]]
) -> None:
    """The run stopped before the check (``--max-failures``, a skip): ``Target.close`` ends
    its processes, having sent nothing but schemathesis's probes, and removes its folder."""
    url, seen = recorder
    config = config_from_options(base_url=url, tenants=TOKENS, env={})
    target = Target(config, api)
    standby(target, "createContact")
    ready: Standby = target.standby["createContact"]
    processes = [running[1] for running in ready.engine._running]
    time.sleep(3)
    target.close()
    assert all(p.poll() is not None for p in processes)
    assert not ready.folder.exists()
    assert target.standby == {}
    assert all(probe for _, probe in seen), seen


def test_no_check_is_started_ahead_where_it_cannot_run(api: ApiSpec) -> None:
    """One tenant (the check is skipped, saying so), or a part the contracts lack (the test
    says the generated tests are stale): nothing started."""
    one = Target(config_from_options(base_url="http://127.0.0.1:9", tenants=TOKENS[:1], env={}),
                 api)  # fmt: skip
    two = Target(config_from_options(base_url="http://127.0.0.1:9", tenants=TOKENS, env={}), api)
    try:
        standby(one, "createJob")
        standby(two, "noSuchPart")
        assert one.standby == {}
        assert two.standby == {}
    finally:
        one.close()
        two.close()


def _environ(pid: int) -> list[bytes]:
    """A process's environment as Linux shows it. Read while the process is still becoming
    the program it runs (``exec``), it is empty for a moment: read again then (5 s at most)."""
    deadline = time.monotonic() + 5
    while True:
        environ = Path(f"/proc/{pid}/environ").read_bytes()
        if environ or time.monotonic() > deadline:
            return environ.split(b"\0")
        time.sleep(0.05)


def _started(entry: dict[str, Any]) -> float:
    """When a HAR entry's request started, as a Unix time."""
    return datetime.fromisoformat(entry["startedDateTime"]).timestamp()


# What a run of one process did, in order (this module is that run's plugin: ``-p``).
_EVENTS: list[tuple[str, str]] = []


def pytest_runtest_logstart(nodeid: str, location: tuple[str, int, str]) -> None:
    _EVENTS.append(("start", nodeid.rpartition("::")[2]))


@pytest.mark.parametrize(("cpus", "ahead"), [(2, True), (1, False)])
def test_a_run_of_one_process_starts_its_engines_with_its_first_tests_where_cpus_are_idle(
    generated: Path, monkeypatch: pytest.MonkeyPatch, cpus: int, ahead: bool
) -> None:
    """``--workers 1`` on a machine with a CPU the run leaves idle: every object-level check's
    engine starts as the run's second test does (``plugin._ahead``), its start-up beside the
    run's other checks. On one CPU, each starts a test ahead of its own, as with workers."""
    _EVENTS.clear()
    monkeypatch.setattr(os, "cpu_count", lambda: cpus)

    def recorded(target: Target, part: str) -> None:
        _EVENTS.append(("standby", part))
        standby(target, part)

    monkeypatch.setattr(plugin, "standby", recorded)
    with serve() as url:
        config = config_from_options(base_url=url, tenants=TOKENS, profile="default", seed=3,
                                     env={})  # fmt: skip
        code = run_suite(config, generated, extra=["-p", __name__, "-p", "no:randomly"],
                         select="getContact and (ERR_VALIDATION or ERR_DECLARED) or "
                                "createJob__OBJECT_LEVEL_AUTHORIZATION")  # fmt: skip
    assert code == 0, _EVENTS
    started = [name for what, name in _EVENTS if what == "start"]
    assert started == ["test_getContact__ERR_VALIDATION[first]",
                       "test_getContact__ERR_DECLARED[first]", "test_getContact__ERR_VALIDATION",
                       "test_getContact__ERR_DECLARED",
                       "test_createJob__OBJECT_LEVEL_AUTHORIZATION"]  # fmt: skip
    # Where the engine was first started: before the run's second test, or as the test before
    # its own starts (pytest's ``nextitem``; called again there, it finds one waiting).
    first = _EVENTS.index(("standby", "createJob"))
    after = started[0] if ahead else started[-3]
    assert (
        _EVENTS.index(("start", after))
        < first
        < _EVENTS.index(("start", started[1 if ahead else -2]))
    )


@pytest.mark.slow
def test_schemathesis_s_processes_share_hypothesis_s_storage_not_its_example_database(
    api: ApiSpec, tmp_path: Path
) -> None:
    """Each `st run` process of the object-level check keeps Hypothesis's storage where this
    process does, not in the temporary folder it runs in: the table of the characters UTF-8
    encodes, which Hypothesis builds by encoding every code point (seconds of CPU), is built
    once there and read by every later process. The example database is in memory (no
    earlier run's example is replayed): nothing of it lands in the storage."""
    from hypothesis.configuration import set_hypothesis_home_dir

    from synth.testing._authorization import st_run

    storage, folder = tmp_path / "storage", tmp_path / "st"
    folder.mkdir()
    set_hypothesis_home_dir(storage)
    try:
        with serve() as url:
            config = config_from_options(base_url=url, tenants=TOKENS, profile="quick", seed=3,
                                         env={})  # fmt: skip
            target = Target(config, api)
            try:
                done = st_run(target, ["createJob", "getJob", "listJobs"], folder)
            finally:
                target.close()
    finally:
        set_hypothesis_home_dir(None)
    assert done.returncode == 0, done.stdout + done.stderr
    assert st_reports(folder)[1]  # it sent requests
    assert list(storage.glob("unicode_data/*/codec-v2-utf-8.json.gz"))
    assert not (folder / ".hypothesis").exists()
    assert not (storage / "examples").exists()
