"""The reference server as a real process on a free loopback port, for the reliability tests."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOKENS = ["a=token-a", "b=token-b"]
# A short work delay keeps runs fast and still opens the race IDEM-CONCURRENT looks for.
WORK_DELAY = "0.002"


@contextlib.contextmanager
def reference_server(bugs: str = "", db: Path | None = None) -> Iterator[str]:
    """Start ``python -m examples.reference_server``; yield its ``http://127.0.0.1:PORT``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-m", "examples.reference_server", "--host", "127.0.0.1",
            "--port", "0", "--bugs", bugs, "--work-delay", WORK_DELAY]  # fmt: skip
    if db is not None:
        args += ["--db", str(db)]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"listening on (http://\S+)", line)
        assert found, f"the reference server did not start: {line!r}"
        yield found.group(1)
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
