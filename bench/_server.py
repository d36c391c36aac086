"""The reference server as a real process on a free loopback port, for the benchmarks."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TENANTS = ("a=token-a", "b=token-b")
"""The reference server's default tokens, as ``synth test --tenant`` takes them."""


@contextmanager
def serve(bugs: str = "", work_delay: float = 0.0) -> Iterator[str]:
    """Start ``python -m examples.reference_server`` with ``bugs``; yield its base URL."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("REFERENCE_BUGS", None)
    command = [sys.executable, "-m", "examples.reference_server", "--host", "127.0.0.1",
               "--port", "0", "--bugs", bugs, "--work-delay", str(work_delay)]  # fmt: skip
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
