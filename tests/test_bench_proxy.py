"""The fault-injecting proxy (the latency benchmark's, and the one tests/reliability puts in front
of the reference server): it adds its delay on every round trip and injects the faults it is
asked for, at the rate and in the order its seed says.

Counted, not timed: the proxy's counters and what the client saw are compared with the plan.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bench._proxy import DEFAULT_FAULTS, FAULTS, FaultPlan, process, running
from bench._server import serve

pytestmark = pytest.mark.slow

AUTH = {"Authorization": "Bearer token-a"}


@pytest.fixture(scope="module")
def upstream() -> Iterator[str]:
    with serve("", 0.0) as url:
        yield url


def _seen(client: httpx.Client, method: str, path: str, **options: object) -> str:
    """What the client met: a status code, or the fault its transport error shows."""
    try:
        response = client.request(method, path, **options)  # type: ignore[arg-type]
    except httpx.ReadTimeout:
        return "hold"
    except httpx.RemoteProtocolError as exc:
        if "complete message body" in str(exc):
            return "truncate"
        return "reset"
    except httpx.TransportError:
        return "reset"
    return str(response.status_code)


def test_every_round_trip_pays_the_delay(upstream: str) -> None:
    with running(upstream, 0.05) as proxy, httpx.Client(base_url=proxy.url, headers=AUTH) as client:
        statuses = [client.get("/api/v1/contacts").status_code for _ in range(5)]
        created = client.post("/api/v1/contacts", json={"name": "Ada"},
                              headers={"Idempotency-Key": "proxy-test-1"})  # fmt: skip
        read = client.get(created.headers["Location"])
        elapsed = client.get("/api/v1/contacts").elapsed.total_seconds()
    assert statuses == [200] * 5
    assert created.status_code == 201, created.text
    assert read.status_code == 200
    assert read.json() == created.json()
    stats = proxy.stats
    # A floor only (a sleep never ends early by more than the clock's grain); never a ceiling.
    assert elapsed >= 0.045
    # One keep-alive connection: its handshake, then each of the 8 requests, one delay each.
    assert stats.connections == 1
    assert stats.requests == stats.answered == 8
    assert stats.delays == stats.connections + stats.requests
    assert stats.faults == Counter()


def test_a_new_connection_pays_its_handshake(upstream: str) -> None:
    with running(upstream, 0.0) as proxy:
        for _ in range(3):
            response = httpx.get(proxy.url + "/api/v1/contacts", headers=AUTH)
            assert response.status_code == 200
    assert proxy.stats.connections == 3
    assert proxy.stats.delays == 6


def test_the_plan_is_deterministic_by_seed_and_near_its_rate() -> None:
    def draw(seed: int) -> list[str | None]:
        plan = FaultPlan(seed, 0.1)
        return [plan.next() for _ in range(2000)]

    assert draw(7) == draw(7)
    assert draw(7) != draw(8)
    faults = Counter(f for f in draw(7) if f is not None)
    assert set(faults) == set(DEFAULT_FAULTS)
    # 200 expected; a binomial spread of about 13: the fixed seed's count sits well inside.
    assert 150 <= sum(faults.values()) <= 250
    every = FaultPlan(7, 0.1, FAULTS)
    assert {every.next() for _ in range(2000)} - {None} == set(FAULTS)


# What the client meets: a reset after the server answered looks like any other reset.
_SEEN_AS = {"reset_after": "reset"}


@pytest.mark.parametrize(
    ("seed", "kinds"),
    [(1, DEFAULT_FAULTS), (2, DEFAULT_FAULTS), (3, FAULTS)],
    ids=["1", "2", "3-all"],
)
def test_faults_are_injected_as_planned(upstream: str, seed: int, kinds: tuple[str, ...]) -> None:
    n, rate = 120, 0.25
    plan = FaultPlan(seed, rate, kinds)
    planned = [plan.next() for _ in range(n)]
    # A held answer outlasts the client's timeout, as a 15 s hold outlasts a 10 s one; the
    # timeout is long enough that an answer on a loaded machine (`make test`'s two workers on
    # two CPUs) is not taken for one: 0.3 s once was.
    with (
        running(upstream, 0.0, fault_rate=rate, faults=kinds, seed=seed, hold=3.0) as proxy,
        httpx.Client(base_url=proxy.url, headers=AUTH, timeout=1.0) as client,
    ):
        seen = [_seen(client, "GET", "/api/v1/contacts") for _ in range(n)]
    assert seen == [_SEEN_AS.get(f, f) if f else "200" for f in planned]
    injected = Counter(f for f in planned if f is not None)
    assert set(injected) == set(kinds)  # this seed meets every kind at least once
    assert proxy.stats.faults == injected
    assert proxy.stats.requests == n
    assert abs(sum(injected.values()) - n * rate) <= 15


@pytest.mark.parametrize("fault", ["truncate", "reset_after"])
def test_a_write_whose_answer_is_lost_still_reached_the_server(upstream: str, fault: str) -> None:
    key = f"proxy-test-{fault}"
    with running(upstream, 0.0, fault_rate=1.0, faults=[fault]) as proxy:
        with httpx.Client(base_url=proxy.url, headers=AUTH) as client:
            seen = _seen(client, "POST", "/api/v1/jobs", json={"kind": "export_contacts"},
                         headers={"Idempotency-Key": key})  # fmt: skip
        assert seen == _SEEN_AS.get(fault, fault)
        assert proxy.stats.faults == Counter({fault: 1})
        assert proxy.stats.answered == 0
    with httpx.Client(base_url=upstream, headers=AUTH) as direct:
        replay = direct.post("/api/v1/jobs", json={"kind": "export_contacts"},
                             headers={"Idempotency-Key": key})  # fmt: skip
    assert replay.headers.get("Idempotent-Replayed") == "true"


@pytest.mark.parametrize("status", ["502", "503", "504"])
def test_a_gateway_fault_is_an_html_page_and_never_reaches_the_server(
    upstream: str, status: str
) -> None:
    with (
        running(upstream, 0.0, fault_rate=1.0, faults=[status]) as proxy,
        httpx.Client(base_url=proxy.url, headers=AUTH) as client,
    ):
        response = client.post("/api/v1/jobs", json={"kind": "export_contacts"},
                               headers={"Idempotency-Key": f"proxy-test-{status}"})  # fmt: skip
    assert response.status_code == int(status)
    assert response.headers["content-type"] == "text/html"
    assert response.text.startswith(f"<html><body><h1>{status} ")
    assert proxy.stats.faults == Counter({status: 1})
    assert proxy.stats.upstream_connections == 0
    with httpx.Client(base_url=upstream, headers=AUTH) as direct:
        first = direct.post("/api/v1/jobs", json={"kind": "export_contacts"},
                            headers={"Idempotency-Key": f"proxy-test-{status}"})  # fmt: skip
    assert first.status_code == 202, first.text
    assert "Idempotent-Replayed" not in first.headers


def test_the_proxy_process_reports_its_counters(upstream: str) -> None:
    with process(upstream, 0.0) as proxy:
        response = httpx.get(proxy.url + "/api/v1/contacts", headers=AUTH)
        running_stats = proxy.snapshot()
        again = httpx.get(proxy.url + "/api/v1/contacts", headers=AUTH)
    assert response.status_code == again.status_code == 200
    assert running_stats["requests"] == 1
    assert proxy.stats["requests"] == proxy.stats["answered"] == 2
    assert proxy.stats["delays"] == 4


def test_a_wrong_option_is_refused() -> None:
    with pytest.raises(ValueError, match="choose among"):
        FaultPlan(0, 0.1, ["timeout"])
    with pytest.raises(ValueError, match="between 0 and 1"):
        FaultPlan(0, 1.5)


def test_the_request_log_counts_what_each_tenant_sent(upstream: str, tmp_path: Path) -> None:
    """``--log``: a JSON line per request (method, target, the credential's digest, never the
    secret), which ``bench.requests`` counts by route, and one path's GETs by tenant and limit."""
    from bench.requests import count, main

    log = tmp_path / "requests.log"
    with running(upstream, 0.0, log=log) as proxy, httpx.Client(base_url=proxy.url) as client:
        for _ in range(2):
            client.get("/api/v1/jobs?limit=100", headers=AUTH)
        client.get("/api/v1/jobs?limit=5", headers=AUTH)
        client.get("/api/v1/jobs?limit=100", headers={"Authorization": "Bearer token-b"})
        client.get("/api/v1/contacts")  # no credential
    text = log.read_text(encoding="utf-8")
    assert "token-a" not in text
    assert "token-b" not in text
    lines = [json.loads(line) for line in text.splitlines()]
    assert [line["method"] for line in lines] == ["GET"] * 5
    assert lines[-1]["credential"] is None
    counted = count(lines, "/jobs", ["a=token-a", "b=token-b"])
    assert counted["requests"] == 5
    assert counted["by_route"] == {"GET /api/v1/jobs": 4, "GET /api/v1/contacts": 1}
    assert counted["/jobs"]["by_tenant"] == {"a": 3, "b": 1}
    assert counted["/jobs"]["by_limit"] == {"100": 3, "5": 1}
    assert counted["/jobs"]["at_largest_by_tenant"] == {"a": 2, "b": 1}
    assert main([str(tmp_path / "missing.log")]) == 2
