"""Run the property tests against a server: ``synth test`` when the CLI has it, else the smoke.

Both print one line per violation naming its invariant id; ``run`` returns the exit code and
the output, so a caller can assert which invariants failed.
"""

from __future__ import annotations

import functools
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .smoke import Smoke
from .stack import REPO

__all__ = ["CheckRun", "run_checks", "synth_test_available"]

TENANTS = {"a": "token-a", "b": "token-b"}


@dataclass(frozen=True)
class CheckRun:
    """What a run found: the tool used, its exit code (0 clean, 1 violations) and its output."""

    tool: str
    exit_code: int
    output: str

    def failed(self, invariant_prefix: str) -> bool:
        return any(
            line.lstrip().startswith(("FAILED", "FAIL", "✗", "violation"))
            or invariant_prefix in line
            for line in self.output.splitlines()
            if invariant_prefix in line
        )


def _synth() -> list[str]:
    return [sys.executable, "-m", "synth.cli"]


@functools.cache
def synth_test_available() -> bool:
    result = subprocess.run(
        [*_synth(), "test", "--help"], cwd=REPO, capture_output=True, text=True, check=False
    )
    return result.returncode == 0


def run_checks(
    base_url: str,
    *,
    profile: str = "quick",
    seed: int = 1,
    select: str | None = None,
    workers: int | None = None,
) -> CheckRun:
    """``synth test`` with tenants a and b (only the tests ``select`` matches, as ``-k``; in
    ``workers`` processes, or as many as ``--workers auto`` picks); the smoke (tenants a, b, c,
    every check) when it does not exist."""
    if synth_test_available():
        cmd = [*_synth(), "test", "--base-url", base_url, "--profile", profile, "--seed", str(seed)]
        cmd += ["-k", select] if select else []
        cmd += ["--workers", str(workers)] if workers is not None else []
        # The run's report and results, each finding's whole evidence, kept after the stack is
        # torn down (the terminal shows answers cut short).
        kept = Path(tempfile.gettempdir())
        cmd += ["--report", str(kept / "synth-nextjs-report.md")]
        cmd += ["--results", str(kept / "synth-nextjs-results.json")]
        for name, token in TENANTS.items():
            cmd += ["--tenant", f"{name}={token}"]
        result = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=False)
        return CheckRun("synth test", result.returncode, result.stdout + result.stderr)
    with Smoke(base_url, {**TENANTS, "c": "token-c"}) as smoke:
        smoke.run()
    lines = [f"FAILED {inv}: {msg}" for inv, msg in smoke.failures]
    lines.append(f"smoke: {smoke.passed} passed, {len(smoke.failures)} failed")
    return CheckRun("smoke", 1 if smoke.failures else 0, "\n".join(lines))
