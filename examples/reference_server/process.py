"""The reference server as a real process on a free loopback port.

One helper for everything that needs it over real HTTP: ``make verify``, the benchmarks and
the tests.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["TENANTS", "serve"]

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
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"listening on (http://\S+)", line)
        if not found:
            raise RuntimeError(f"the reference server did not start: {line!r}")
        yield found.group(1)
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
