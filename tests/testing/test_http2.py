"""The client speaks HTTP/2 where the server offers it (TLS, ALPN) and HTTP/1.1 otherwise, and
its way through a request tries no import that fails."""

from __future__ import annotations

import builtins
import http.server
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from synth.spec import ApiSpec
from synth.testing import Target, config_from_options
from synth.testing._http import Request
from tests._serving import serving

from .conftest import TOKENS

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def h2_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """hypercorn on a loopback port, TLS with a certificate of a test authority the client
    trusts (``SSL_CERT_FILE``), offering h2 and http/1.1: its base URL."""
    import trustme

    authority = trustme.CA()
    cert = authority.issue_cert("127.0.0.1")
    chain, key, trusted = tmp_path / "chain.pem", tmp_path / "key.pem", tmp_path / "ca.pem"
    cert.private_key_pem.write_to_path(str(key))
    chain.write_bytes(b"".join(blob.bytes() for blob in cert.cert_chain_pems))
    authority.cert_pem.write_to_path(str(trusted))
    monkeypatch.setenv("SSL_CERT_FILE", str(trusted))
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "hypercorn", "tests.testing._h2app:app", "--bind",
         f"127.0.0.1:{port}", "--certfile", str(chain), "--keyfile", str(key)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if server.poll() is not None:
                    output = server.stdout.read().decode() if server.stdout else ""
                    pytest.fail(f"hypercorn did not start: {output}")
                time.sleep(0.05)
        yield f"https://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(10)
        if server.stdout is not None:
            server.stdout.close()


def test_requests_go_over_http2_where_the_server_offers_it(api: ApiSpec, h2_server: str) -> None:
    """Each tenant's requests to a server offering h2 (ALPN) go over HTTP/2, many at once on
    one connection, answered as over HTTP/1.1."""
    config = config_from_options(base_url=h2_server, tenants=TOKENS, profile="quick", seed=1,
                                 env={})  # fmt: skip
    target = Target(config, api)
    try:
        served = target.client.send(Request("a", "GET", "/jobs/x", token="token-a"))
        assert served.status == 200
        assert served.json == {"http_version": "2", "path": "/jobs/x"}
        many = target.client.gather(
            [Request(t, "GET", f"/jobs/{n}", token=f"token-{t}") for t in "ab" for n in range(8)]
        )
        assert {e.json["http_version"] for e in many} == {"2"}
    finally:
        target.close()


@pytest.fixture
def plain_server() -> Iterator[str]:
    """A keep-alive HTTP/1.1 server of the standard library on a loopback port, answering
    every GET with an empty JSON object: its base URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            body = b"{}"
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    with serving(Handler) as url:
        yield url


def test_sending_a_request_tries_no_import_that_fails(
    api: ApiSpec, plain_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No import fails on the client's way through a request: Python does not remember an
    import that failed, so one tried on each request searches every folder of the path each
    time. httpcore tries ``import sniffio`` whenever it takes a lock or sets an event, and
    sniffio came only with anyio before anyio 4.11 (synth depends on it itself)."""
    failed: list[str] = []
    original = builtins.__import__

    def watched(name: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return original(name, *args, **kwargs)
        except ImportError:
            failed.append(name)
            raise

    config = config_from_options(base_url=plain_server, tenants=TOKENS, profile="quick", seed=1,
                                 env={})  # fmt: skip
    target = Target(config, api)
    try:
        target.client.send(Request("a", "GET", "/jobs/x", token="token-a"))  # the pool is up
        monkeypatch.setattr(builtins, "__import__", watched)
        answers = [target.client.send(Request("a", "GET", f"/jobs/{n}", token="token-a"))
                   for n in range(3)]  # fmt: skip
        answers += target.client.gather(
            [Request(t, "GET", f"/jobs/{n}", token=f"token-{t}") for t in "ab" for n in range(4)]
        )
    finally:
        monkeypatch.undo()
        target.close()
    assert [a.status for a in answers] == [200] * 11
    assert failed == []
