"""The fault proxy itself injects what it says, at the rates it is given."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from tests.reliability.fault_proxy import Rates, running_proxy


class _Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = b'{"hello": "' + b"x" * 2000 + b'"}'
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def _upstream() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_passes_through_without_faults() -> None:
    with _upstream() as up, running_proxy(up, Rates()) as proxy, httpx.Client() as client:
        for _ in range(20):
            assert client.get(proxy.url + "/x").json()["hello"].startswith("x")
        assert proxy.requests == 20
        assert sum(proxy.injected.values()) == 0


@pytest.mark.parametrize(
    ("rates", "kind", "error"),
    [
        (Rates(reset_before=1), "reset_before", httpx.TransportError),
        (Rates(reset_after=1), "reset_after", httpx.TransportError),
        (Rates(truncated=1), "truncated", httpx.TransportError),
        (Rates(slow=1, slow_seconds=1.0), "slow", httpx.ReadTimeout),
    ],
)
def test_transport_faults(rates: Rates, kind: str, error: type[Exception]) -> None:
    with _upstream() as up, running_proxy(up, rates) as proxy:
        with httpx.Client(timeout=0.3) as client, pytest.raises(error):
            client.get(proxy.url + "/x")
        assert proxy.injected[kind] == 1


@pytest.mark.parametrize(
    ("rates", "status"),
    [(Rates(bad_gateway=1), 502), (Rates(unavailable=1), 503), (Rates(gateway_timeout=1), 504)],
)
def test_gateway_answers(rates: Rates, status: int) -> None:
    with _upstream() as up, running_proxy(up, rates) as proxy, httpx.Client() as client:
        response = client.get(proxy.url + "/x")
        assert response.status_code == status
        assert response.headers["content-type"] == "text/html"


def test_rate_is_respected() -> None:
    with _upstream() as up, running_proxy(up, Rates.uniform(0.1), seed=3) as proxy:
        with httpx.Client(timeout=0.5) as client:
            for _ in range(300):
                with contextlib.suppress(httpx.TransportError):
                    client.get(proxy.url + "/x")
        faults = sum(proxy.injected.values())
        assert proxy.requests >= 300
        assert 12 <= faults <= 55, proxy.injected
