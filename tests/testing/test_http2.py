"""The client speaks HTTP/2 where the server offers it (TLS, ALPN) and HTTP/1.1 otherwise."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from synth.spec import ApiSpec
from synth.testing import Target, config_from_options
from synth.testing._http import Request

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
