"""A worker whose session ended leaves without the interpreter's teardown (``_exit``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROGRAM = """
import atexit, sys
from synth.testing import _exit

class Kept:
    def __del__(self):
        print("torn down", flush=True)

kept = Kept()  # freed only by the interpreter's teardown
_exit.arm()
atexit.register(lambda: print("later handler", file=sys.stderr, flush=True))
print("buffered", end="")  # not flushed until the process leaves
if sys.argv[1] == "done":
    _exit.done()
sys.exit(int(sys.argv[2]))
"""


@pytest.mark.parametrize("ended", [True, False])
def test_a_worker_whose_session_ended_leaves_without_the_teardown(ended: bool) -> None:
    """Once ``done``: the handlers registered after ``arm`` run, the buffered output is
    written, the process exits 0 and nothing is torn down. Without ``done`` (a worker that
    failed before its session ended): the interpreter ends as usual, with its exit status."""
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, "done" if ended else "not", "0" if ended else "3"],
        check=False, capture_output=True, text=True, timeout=60,
        cwd=Path(__file__).resolve().parents[2],
        env={k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"},  # buffered
    )  # fmt: skip
    assert "later handler" in done.stderr
    assert done.stdout.startswith("buffered")
    if ended:
        assert (done.returncode, "torn down" in done.stdout) == (0, False)
    else:
        assert (done.returncode, "torn down" in done.stdout) == (3, True)
