"""synth's HTTP client under transport trouble: what faults cost, and hedged safe requests."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from synth.spec import ApiSpec
from synth.testing import Target, config_from_options
from synth.testing._http import (
    _HEDGE_FIRST,
    _OBSERVED,
    _REPEATABLE_FIRST,
    Request,
    TransportFault,
)
from synth.testing._parallel import dump_state, merge_state
from synth.testing._report import Merged, transport_line
from synth.testing._st import Strain
from synth.testing._st import backoff as _backoff
from tests._serving import serving

from .conftest import TOKENS


def test_what_transport_faults_cost_is_counted_and_summed_over_workers(api: ApiSpec) -> None:
    """Two 503s then a 200: the faults are survived, and what they cost (their attempts; no
    wait before either retry at a target not strained) is counted, carried in the state a
    worker hands back, added up when merged, and said in the summary's transport line."""
    calls: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        calls.append(scope["path"])
        status = 503 if len(calls) <= 2 else 200
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    config = config_from_options(app=app, tenants=TOKENS, profile="quick", seed=1, env={})
    target = Target(config, api)
    try:
        served = target.client.send(Request("a", "GET", "/jobs/x", token="token-a"))
        assert (served.status, len(calls), dict(target.faults_survived)) == (200, 3, {"503": 2})
        spent = target.fault_cost.seconds
        assert spent > 0
        # No wait before either retry: the target is not strained (``Strain``).
        assert target.fault_cost.waited == 0.0
        target.fault_cost.wait(0.25)  # as a backoff would count it
        spent, waited = target.fault_cost.seconds, target.fault_cost.waited
        state = dump_state(target)
    finally:
        target.close()
    merged = Merged(config)
    merge_state(merged, state)
    merge_state(merged, state)
    assert merged.fault_cost.seconds == pytest.approx(2 * round(spent, 3))
    assert merged.fault_cost.waited == pytest.approx(2 * round(waited, 3))
    line = transport_line(merged)
    assert f"{merged.fault_cost.seconds:.1f} s spent on them" in line
    assert f"{merged.fault_cost.seconds - 0.5:.1f} s in attempts that failed, 0.5 s waiting" in line


def _held_once(held: int, calls: list[tuple[str, str]], seconds: float = 60.0) -> Any:
    """An ASGI app answering 200 at once, but holding its ``held``-th request (1-based) for
    ``seconds`` (a gateway holding the answer)."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        calls.append((scope["method"], scope["path"]))
        if len(calls) == held:
            await asyncio.sleep(seconds)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    return app


def test_a_held_safe_request_is_sent_again_beside_itself(api: ApiSpec) -> None:
    """Once the client has seen enough answers to know their usual time, a GET still
    unanswered well past it is sent again, and the copy's answer is taken: the held one
    costs the hedge delay, not the timeout (60 s here, past the configured 10 s)."""
    calls: list[tuple[str, str]] = []
    config = config_from_options(app=_held_once(_OBSERVED + 1, calls), tenants=TOKENS,
                                 profile="quick", seed=1, env={})  # fmt: skip
    target = Target(config, api)
    try:
        for _ in range(_OBSERVED):
            target.client.send(Request("a", "GET", "/jobs/x", token="token-a"))
        assert target.fault_cost.hedged == 0
        answer = target.client.send(Request("a", "GET", "/jobs/held", token="token-a"))
        assert answer.status == 200
        assert calls[-2:] == [("GET", "/jobs/held")] * 2
        assert (target.fault_cost.hedged, target.client.requests) == (1, _OBSERVED + 2)
        assert dict(target.faults_survived) == {}
        assert "1 slow safe requests (GET, HEAD) sent a second time" in transport_line(target)
    finally:
        target.close()


def test_a_run_without_transport_faults_says_so_in_a_few_words(api: ApiSpec) -> None:
    """Nothing failed, nothing was sent again: the summary's transport line is short, not a
    list of zeros (a new user read the long one as something to look into)."""
    config = config_from_options(app=_held_once(0, []), tenants=TOKENS, profile="quick",
                                 seed=1, env={})  # fmt: skip
    target = Target(config, api)
    try:
        target.client.send(Request("a", "GET", "/jobs/x", token="token-a"))
        line = transport_line(target)
    finally:
        target.close()
    assert line == "transport faults (not violations): none (no request failed or was sent again)"


def test_a_held_read_is_sent_again_before_the_usual_time_is_known(api: ApiSpec) -> None:
    """A worker's very first GET held (60 s here): before enough answers show their usual
    time, a copy goes after ``_HEDGE_FIRST`` seconds, not after the configured 10 s."""
    calls: list[tuple[str, str]] = []
    config = config_from_options(app=_held_once(1, calls), tenants=TOKENS, profile="quick",
                                 seed=1, env={})  # fmt: skip
    target = Target(config, api)
    try:
        answer = target.client.send(Request("a", "GET", "/jobs/held", token="token-a"))
        assert (answer.status, calls) == (200, [("GET", "/jobs/held")] * 2)
        assert answer.elapsed < _HEDGE_FIRST  # the copy's answer, timed from its own start
        assert target.fault_cost.hedged == 1
    finally:
        target.close()


def test_requests_settled_in_a_window_go_on_past_a_held_answer(api: ApiSpec) -> None:
    """``settle`` with ``at_once``: each request goes as soon as one in flight is answered, so
    a held answer keeps one slot while the rest are sent and answered (in batches, the
    requests after it would have waited for it). Deletes, never sent twice at once."""
    calls: list[tuple[str, str]] = []
    answered: list[str] = []
    in_flight = [0, 0]  # now, most

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        calls.append((scope["method"], scope["path"]))
        in_flight[0] += 1
        in_flight[1] = max(in_flight)
        await asyncio.sleep(1.0 if scope["path"] == "/jobs/0" else 0.01)
        in_flight[0] -= 1
        answered.append(scope["path"])
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    config = config_from_options(app=app, tenants=TOKENS, profile="quick", seed=1, env={})
    target = Target(config, api)
    try:
        requests = [Request("a", "DELETE", f"/jobs/{i}", token="token-a", judged=False)
                    for i in range(6)]  # fmt: skip
        answers = target.client.settle(requests, at_once=2)
        assert [a.status if a else None for a in answers] == [204] * 6
        assert [path for _, path in calls] == [f"/jobs/{i}" for i in range(6)]
        assert answered == [f"/jobs/{i}" for i in (1, 2, 3, 4, 5, 0)]
        assert in_flight == [0, 2]
    finally:
        target.close()


@pytest.mark.parametrize("method", ["POST", "GET-while-counting"])
def test_writes_and_counting_checks_are_never_hedged(api: ApiSpec, method: str) -> None:
    """A write is never sent twice at once (a second copy of a keyed write in flight is what
    IDEM-CONCURRENT judges), nor any request while a rate-limit check counts: the held
    request is waited for (an in-process app has no timeout; the hold here is 2 s)."""
    calls: list[tuple[str, str]] = []
    config = config_from_options(app=_held_once(_OBSERVED + 1, calls, seconds=2.0),
                                 tenants=TOKENS, profile="quick", seed=1, env={})  # fmt: skip
    target = Target(config, api)
    try:
        for _ in range(_OBSERVED):
            target.client.send(Request("a", "GET", "/jobs/x", token="token-a"))
        verb = method.partition("-")[0]
        target.client.hedging = method != "GET-while-counting"
        answer = target.client.send(Request("a", verb, "/jobs/held", token="token-a"))
        assert answer.status == 200
        assert calls[-1] == (verb, "/jobs/held")
        assert (target.fault_cost.hedged, len(calls), target.client.requests) == (
            0,
            _OBSERVED + 1,
            _OBSERVED + 1,
        )
    finally:
        target.close()


def test_the_first_retry_goes_at_once_and_later_ones_back_off() -> None:
    assert _backoff(0.1, 1) == 0.0
    assert 0.1 <= _backoff(0.1, 2) <= 0.3
    assert 0.2 <= _backoff(0.1, 3) <= 0.6
    assert _backoff(10.0, 5) <= 3.0


def test_a_retry_backs_off_only_where_the_target_looks_strained(api: ApiSpec) -> None:
    """A request meeting two faults in a row at a target otherwise answering is sent again at
    once; once a quarter of the last attempts (``Strain``) met faults, the same request's
    third attempt waits (``backoff``), as before a server in trouble."""
    failing: list[bool] = []  # what each coming request gets: True a 503, False a 200

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        status = 503 if failing and failing.pop(0) else 200
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    config = config_from_options(app=app, tenants=TOKENS, profile="quick", seed=1, env={})
    target = Target(config, api)
    waits: list[tuple[int, float]] = []
    strain = target.client.strain
    wait = strain.wait

    def recorded(base: float, attempt: int) -> float:
        waits.append((attempt, seconds := wait(base, attempt)))
        return seconds

    strain.wait = recorded  # type: ignore[method-assign]
    get = Request("a", "GET", "/jobs/x", token="token-a")
    try:
        for _ in range(Strain.WINDOW - 3):
            assert target.client.send(get).status == 200
        failing[:] = [True, True]  # bad luck: two faults in a row, then an answer
        assert target.client.send(get).status == 200
        assert waits == [(1, 0.0), (2, 0.0)]
        assert not strain.strained
        # A target in trouble: every attempt of two requests fails, then one with two more.
        failing[:] = [True] * (2 * (config.retries + 1)) + [True, True]
        for _ in range(2):
            with pytest.raises(TransportFault):
                target.client.send(get)
        waits.clear()
        waited = target.fault_cost.waited
        assert target.client.send(get).status == 200
        assert strain.strained
        assert [attempt for attempt, _ in waits] == [1, 2]
        assert waits[0][1] == 0.0  # the first retry at once, still
        assert waits[1][1] >= 0.5 * config.backoff * 2  # ``backoff``'s least
        # Counted apart in what faults cost (the transport line says it).
        assert target.fault_cost.waited - waited == pytest.approx(waits[1][1])
    finally:
        target.close()


def test_a_keyed_write_sent_again_waits_for_the_attempt_still_running(api: ApiSpec) -> None:
    """A keyed POST whose first attempt may have arrived (a gateway's 502) is sent again; the
    server answers 409 ``idempotency_key_in_use`` while that attempt runs, so the client asks
    again after a wait and takes the replayed answer. A first attempt's 409 (two copies sent
    at once on purpose) is the answer as it came."""
    answers = iter([(502, b""), (409, b'{"code": "idempotency_key_in_use"}'),
                    (409, b'{"code": "idempotency_key_in_use"}'), (201, b'{"id": "j1"}'),
                    (409, b'{"code": "idempotency_key_in_use"}')])  # fmt: skip

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        status, body = next(answers)
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": body})

    config = config_from_options(app=app, tenants=TOKENS, profile="quick", seed=1, env={})
    target = Target(config, api)
    keyed = (("Idempotency-Key", "k-1"),)
    try:
        answer = target.client.send(Request("a", "POST", "/jobs", headers=keyed, token="token-a"))
        assert (answer.status, answer.json, target.client.requests) == (201, {"id": "j1"}, 4)
        again = target.client.send(Request("a", "POST", "/jobs", headers=keyed, token="token-a"))
        assert (again.status, target.client.requests) == (409, 5)
    finally:
        target.close()


def test_reads_and_keyed_writes_time_out_sooner_than_unkeyed_writes(api: ApiSpec) -> None:
    """Ten times the slowest percent of answers, at least a quarter second for what may be
    sent again (a read, a keyed write), a second for a write that may not: its timing out sets
    its example aside."""
    config = config_from_options(app=_held_once(0, []), tenants=TOKENS, profile="quick",
                                 seed=1, env={})  # fmt: skip
    target = Target(config, api)
    try:
        # Nothing measured yet: a few seconds for what may be sent again.
        assert target.client._timeout_for(True) == _REPEATABLE_FIRST < config.timeout
        assert target.client._timeout_for(False) == config.timeout
        for _ in range(_OBSERVED):
            target.client.send(Request("a", "GET", "/jobs/x", token="token-a"))
        assert target.client._timeout_for(True) == 0.25
        assert target.client._timeout_for(False) == target.client.timeout == 1.0
        # A delete whose answer nothing judges (cleanup's) may be sent again: a read's timeout.
        for judged, timeout in ((True, 1.0), (False, 0.25)):
            delete = Request("a", "DELETE", "/jobs/x", token="token-a", judged=judged)
            assert target.client._timeout_for(target.client._repeatable(delete)) == timeout
    finally:
        target.close()


def test_an_attempt_waits_twice_as_long_only_after_a_timeout(
    api: ApiSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reset, then a timeout, then an answer: the attempt after the reset waits as long as
    the first (a reset says nothing of the server's speed), the one after the timeout twice
    as long."""
    import httpx

    timeouts: list[float] = []
    outcomes = iter([httpx.ReadError("reset"), httpx.ReadTimeout("held"), None])

    async def request(self: httpx.AsyncClient, method: str, url: str, **kw: Any) -> Any:
        timeouts.append(kw["timeout"])
        error = next(outcomes)
        if error is not None:
            raise error
        return httpx.Response(200, content=b"{}")

    monkeypatch.setattr(httpx.AsyncClient, "request", request)
    config = config_from_options(app=_held_once(0, []), tenants=TOKENS, profile="quick",
                                 seed=1, env={})  # fmt: skip
    target = Target(config, api)
    try:
        answer = target.client.send(Request("a", "GET", "/jobs/x", token="token-a"))
        assert answer.status == 200
        assert timeouts == [_REPEATABLE_FIRST, _REPEATABLE_FIRST, 2 * _REPEATABLE_FIRST]
        assert dict(target.faults_survived) == {"reset": 1, "timeout": 1}
    finally:
        target.close()


def test_the_object_level_check_gives_schemathesis_the_learned_timeout(api: ApiSpec) -> None:
    """schemathesis's engine sends its requests itself: it gets the timeout the client learned
    from the answers so far (not the configured 10 s a held answer would cost it) and the
    client's retries, over the part's operations only."""
    from synth.testing._authorization import _command

    config = config_from_options(base_url="http://127.0.0.1:9", tenants=TOKENS, seed=1, env={})
    target = Target(config, api)
    try:
        assert (
            _option(_command(["st"], target, [], "fuzzing", "r"), "--request-timeout") == "10.000"
        )
        for _ in range(_OBSERVED):
            target.client._observe(0.01)
        command = _command(["st"], target, ["createJob", "getJob"], "fuzzing", "r")
        assert _option(command, "--request-timeout") == "1.000"
        assert _option(command, "--request-retries") == str(config.retries)
        assert [command[i + 1] for i, arg in enumerate(command)
                if arg == "--include-operation-id"] == ["createJob", "getJob"]  # fmt: skip
    finally:
        target.close()


def test_the_object_level_check_splits_its_phases_behind_a_round_trip(api: ApiSpec) -> None:
    """One `st run` at loopback; several at once (its phases split) once the answers timed so
    far take 10 ms or more at the median, or where the host is not this machine."""
    from synth.testing._authorization import PHASE_GROUPS, PHASES, phase_groups

    for url, far in (("http://127.0.0.1:9", False), ("https://preview.example.app", True)):
        config = config_from_options(base_url=url, tenants=TOKENS, seed=1, env={},
                                     allow_hosts=("preview.example.app",))  # fmt: skip
        target = Target(config, api)
        try:
            assert target.client.round_trip is None
            assert phase_groups(target) == (PHASE_GROUPS if far else (PHASES,))
            for seconds in (0.002, 0.003, 0.004):
                target.client._observe(seconds)
            assert target.client.round_trip == 0.003
            assert phase_groups(target) == (PHASE_GROUPS if far else (PHASES,))
            for _ in range(4):
                target.client._observe(0.05)
            assert target.client.round_trip == 0.05
            assert phase_groups(target) == PHASE_GROUPS
        finally:
            target.close()


def test_schemathesis_retries_as_the_client_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """The object-level check's `st run` (``synth.testing._st``) sends a request again after a
    reset at once, and backs off as the client does only where the target looks strained
    (``Strain``), where schemathesis alone waits 1 s, 2 s, 4 s. Fails when a schemathesis
    release moves the function replaced: the check then runs with schemathesis's own waits."""
    import requests
    from schemathesis.transport import requests as transport

    from synth.testing import _st

    attempts: list[int] = []
    slept: list[float] = []
    resets = [True, True]  # what each coming attempt meets: True a reset

    def resend(session: Any, data: Any, max_stream_events: int) -> requests.Response:
        attempts.append(max_stream_events)
        if resets and resets.pop(0):
            raise requests.exceptions.ConnectionError("reset")
        answer = requests.Response()
        answer.status_code = 200
        return answer

    # Both restored after the test: the patch changes schemathesis's module.
    monkeypatch.setattr(transport, "_request_with_retries", transport._request_with_retries)
    monkeypatch.setattr(transport, "_request_resending_on_dropped_connection", resend)
    monkeypatch.setattr("synth.testing._st.time.sleep", slept.append)
    assert _st.patch(0.1)
    retrying: Any = transport._request_with_retries
    assert retrying(None, {}, 3, 7).status_code == 200
    assert attempts == [7, 7, 7]
    assert slept == [0.0, 0.0]  # two resets in a row at a target not strained: at once
    attempts.clear()
    resets[:] = [True] * 8
    with pytest.raises(requests.exceptions.ConnectionError):
        retrying(None, {}, 1, 7)
    assert len(attempts) == 2
    # Strained now (ten faults of the last attempts): the second retry backs off.
    for _ in range(2):
        with pytest.raises(requests.exceptions.ConnectionError):
            retrying(None, {}, 2, 7)
    resets[:] = [True, True]
    slept.clear()
    assert retrying(None, {}, 3, 7).status_code == 200
    assert slept[0] == 0.0
    assert 0.1 <= slept[1] <= 0.3

    # Called otherwise by a later release: left as it is.
    def other(session: Any, data: Any, retries: int, limit: int, more: int) -> None: ...

    monkeypatch.setattr(transport, "_request_with_retries", other)
    assert not _st.patch(0.1)
    left: Any = transport._request_with_retries
    assert left is other


def _option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_the_object_level_check_s_st_starts_without_importing_synth() -> None:
    """``_st`` runs as a script that imports nothing of synth: as ``python -m
    synth.testing._st`` each of the check's processes imported the whole package first (0.5 s
    of CPU each, three at once against a far target). It still starts schemathesis's CLI."""
    import os
    import subprocess
    import sys

    from synth.testing._st import BACKOFF_ENV, command

    started = command()
    assert started[:2] == [sys.executable, "-P"]
    traced = [sys.executable, "-X", "importtime", *started[1:], "--version"]
    done = subprocess.run(traced, capture_output=True, text=True, check=False,
                          env={**os.environ, BACKOFF_ENV: "0.1"})  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "version" in done.stdout, done.stdout
    imported = [line.rpartition("|")[2].strip() for line in done.stderr.splitlines()
                if line.startswith("import time:")]  # fmt: skip
    assert "schemathesis.cli" in imported
    assert not [name for name in imported if name.split(".")[0] == "synth"], imported


def test_a_request_the_client_cannot_send_is_synth_s_error_not_a_fault(
    api: ApiSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    """h11 refuses a Transfer-Encoding other than chunked before anything leaves: the request
    is not sent again, counts as no transport fault, and the check ends in an error naming
    synth, the server unblamed (before: a "reset" four times, a transport fault reported)."""
    import http.server

    from synth.testing import run_check
    from synth.testing._http import Client, Unsendable
    from synth.testing._violation import Outcome

    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            self.send_response(200)
            self.end_headers()

        do_POST = do_GET

        def log_message(self, *args: object) -> None:
            pass

    with serving(Handler) as url:
        target = Target(config_from_options(base_url=url, tenants=TOKENS, seed=1, env={}), api)
        try:
            assert target.client.send(Request("a", "GET", "/jobs/x", token="token-a")).status == 200
            bad = Request("a", "GET", "/jobs/x", headers=(("transfer-encoding", "gzip"),),
                          token="token-a")  # fmt: skip
            sent = target.client.requests
            with pytest.raises(Unsendable, match="refused to send the request synth built"):
                target.client.send(bad)
            assert (target.client.requests, len(seen)) == (sent, 1)
            assert not target.faults_survived
            assert not target.faults_exhausted
            assert not target.client.faults
            # Every request of a check so built: an error of synth's, not a transport fault.
            wire = Client._wire

            def framed(self: Client, request: Request) -> tuple[dict[str, str], bytes | None]:
                headers, content = wire(self, request)
                return {**headers, "transfer-encoding": "gzip"}, content

            monkeypatch.setattr(Client, "_wire", framed)
            finding = run_check("TEN-READ", "getJob", target)
            assert finding.outcome is Outcome.ERROR, finding.message
            assert "a bug in synth, not in the server" in finding.message
            assert "refused to send" in finding.message
            assert len(seen) == 1
        finally:
            target.close()
