"""Generating never loads the test runtime: `synth generate` works without its libraries.

The import-linter contracts in pyproject.toml (run by `make lint`) check the static imports;
these tests check what a fresh interpreter really loads, lazy imports included.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The test runtime's libraries: hypothesis, pytest, schemathesis and httpx, and what they bring.
RUNTIME = ("hypothesis", "pytest", "schemathesis", "httpx", "jsonschema_rs")

# Runs the CLI as `python -m synth.cli ...` would, then writes which of RUNTIME it loaded.
WRAPPER = """
import atexit, json, runpy, sys

runtime, out, *argv = sys.argv[1:]

def note():
    loaded = sorted(m for m in json.loads(runtime) if m in sys.modules)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(loaded, f)

atexit.register(note)
sys.argv = ["synth", *argv]
runpy.run_module("synth.cli", run_name="__main__")
"""


def _python(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True,
                          check=False, timeout=300)  # fmt: skip


def test_importing_the_generator_and_the_cli_loads_no_test_runtime() -> None:
    code = (
        "import json, sys\n"
        "import synth.generate, synth.cli, synth.catalogue, synth.emit.tests\n"
        f"print(json.dumps(sorted(m for m in {RUNTIME!r} if m in sys.modules)))"
    )
    done = _python("-c", code)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_synth_generate_loads_no_test_runtime(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    loaded = tmp_path / "loaded.json"
    done = _python("-c", WRAPPER, json.dumps(RUNTIME), str(loaded), "generate",
                   "--contracts", str(ROOT / "contracts"), "--out", str(out))  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert (out / "openapi.json").is_file()
    assert (out / "tests" / "test_contacts.py").is_file()
    assert json.loads(loaded.read_text(encoding="utf-8")) == []


def test_the_wrapper_sees_what_synth_test_loads(tmp_path: Path) -> None:
    """The check above can fail: asking for `synth test` does load the runtime."""
    loaded = tmp_path / "loaded.json"
    done = _python("-c", WRAPPER, json.dumps(RUNTIME), str(loaded), "test", "--help")
    assert done.returncode == 0, done.stdout + done.stderr
    assert {"hypothesis", "pytest", "httpx"} <= set(json.loads(loaded.read_text(encoding="utf-8")))


def test_help_lists_the_lazily_registered_commands() -> None:
    done = _python("-m", "synth.cli", "--help")
    assert done.returncode == 0, done.stderr
    for command in ("diff", "generate", "test", "zod"):
        assert f"\n  {command} " in done.stdout, done.stdout
