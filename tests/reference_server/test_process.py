"""The reference server as a real process on loopback: ``--port 0``, then one request."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


def start_reference_server(
    bugs: str = "", env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[str], str]:
    """Start ``python -m examples.reference_server --port 0`` and read its URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "examples.reference_server", "--host", "127.0.0.1", "--port", "0",
         "--bugs", bugs],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if not line.startswith("listening on "):
        process.kill()
        _, err = process.communicate(timeout=10)
        raise RuntimeError(f"reference server did not start: {line!r} {err}")
    return process, line.removeprefix("listening on ")


@pytest.fixture
def server_url() -> Iterator[str]:
    process, url = start_reference_server(env={"REFERENCE_TOKENS": "t1=x,t2=y"})
    try:
        yield url
    finally:
        process.terminate()
        process.communicate(timeout=10)


@pytest.mark.slow
def test_process_serves_on_a_free_port(server_url: str) -> None:
    assert server_url.startswith("http://127.0.0.1:")
    with httpx.Client(base_url=f"{server_url}/api/v1", timeout=10) as client:
        created = client.post(
            "/jobs",
            json={"kind": "export_contacts"},
            headers={"Authorization": "Bearer t1", "Idempotency-Key": "k"},
        )
        assert created.status_code == 202
        listed = client.get("/jobs", headers={"Authorization": "Bearer t2"})
        assert listed.json() == {"items": [], "next_cursor": None}
        assert client.get("/jobs", headers={"Authorization": "Bearer token-a"}).status_code == 401


@pytest.mark.slow
def test_process_refuses_unknown_bugs() -> None:
    with pytest.raises(RuntimeError, match="unknown bug switch"):
        start_reference_server(bugs="no-such-bug")
