"""The reference server as a real process on a free loopback port.

One helper for everything that needs it over real HTTP: ``make verify``, the benchmarks and
the tests.
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["TENANTS", "serve", "serve_on", "started"]

ROOT = Path(__file__).resolve().parents[2]
TENANTS = ("a=token-a", "b=token-b")
"""The server's default tokens, as ``synth test --tenant`` takes them."""


@contextmanager
def serve(bugs: str = "", work_delay: float | None = None, db: Path | None = None) -> Iterator[str]:
    """Start ``python -m examples.reference_server``; yield ``http://127.0.0.1:PORT``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("REFERENCE_BUGS", None)
    command = [sys.executable, "-m", "examples.reference_server", "--host", "127.0.0.1",
               "--port", "0", "--bugs", bugs]  # fmt: skip
    if work_delay is not None:
        command += ["--work-delay", str(work_delay)]
    if db is not None:
        command += ["--db", str(db)]
    with started(command, "the reference server", env) as url:
        yield url


@contextmanager
def started(command: list[str], what: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run ``command``, a server that prints ``listening on URL`` once it accepts
    connections (``serve_on``); yield that URL; stop it on the way out."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"listening on (http://\S+)", line)
        if not found:
            raise RuntimeError(f"{what} did not start: {line!r}")
        yield found.group(1)
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


async def serve_on(server: Any, sock: socket.socket, url: str) -> None:
    """Run the uvicorn ``server`` on the bound ``sock``; print ``listening on URL`` (flushed)
    once it accepts connections, the line ``started`` waits for."""
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            await task
            return
        await asyncio.sleep(0.01)
    print(f"listening on {url}", flush=True)
    await task
