"""``synth test`` through click's runner: exit codes and output."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from examples.reference_server.process import ROOT, TENANTS, serve
from synth.testing.cli import test_command as command
from tests._serving import serving
from tests._waiting import until


def test_usage_errors_exit_2(generated: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        command, ["--tests", str(generated), "--base-url", "http://127.0.0.1:1"], env={}
    )
    assert result.exit_code == 2
    assert "UsageError: no tenants" in result.output
    result = runner.invoke(command, ["--base-url", "https://example.com", "--tenant", "a=secret-tok",
                                     "--tests", str(generated)], env={})  # fmt: skip
    assert result.exit_code == 2
    assert "--allow-host example.com" in result.output
    assert "secret-tok" not in result.output


def test_missing_generated_tests(tmp_path: Path) -> None:
    result = CliRunner().invoke(command, ["--base-url", "http://127.0.0.1:1", "--tenant", "a=t",
                                          "--tests", str(tmp_path)], env={})  # fmt: skip
    assert result.exit_code == 2
    assert "synth generate" in result.output


def test_dry_run_lists_tests_and_sends_nothing(generated: Path) -> None:
    result = CliRunner().invoke(command, ["--base-url", "http://127.0.0.1:9", "--tenant", "a=ta",
                                          "--tenant", "b=tb", "--tests", str(generated), "--dry-run"],
                                env={})  # fmt: skip
    assert result.exit_code == 0, result.output


def test_the_preflight_sends_again_what_a_transport_fault_cut(tmp_path: Path) -> None:
    """A preview deploy's edge resets a request now and then: three resets in a row before
    the server's first answer (each attempt of four requests met one before) do not stop the
    run; the round trip is measured from the answers that came."""
    from http.server import BaseHTTPRequestHandler

    from bench._proxy import FaultPlan, running
    from synth.testing import config_from_options
    from synth.testing.cli import _preflight

    class Answer(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: object) -> None:
            pass

    def plan(seed: int) -> list[bool]:
        draws = FaultPlan(seed, 0.5, ("reset",))
        return [draws.next() is not None for _ in range(8)]

    # The first seed whose plan resets the first three requests and lets the next four by.
    seed = next(s for s in range(1000) if plan(s)[:7] == [True] * 3 + [False] * 4)
    with (
        serving(Answer) as upstream,
        running(upstream, 0.0, fault_rate=0.5, faults=("reset",), seed=seed) as proxy,
    ):
        config = config_from_options(base_url=proxy.url, tenants=["a=ta"], env={})
        assert 0 < _preflight(config) < 1
        assert proxy.stats.faults == {"reset": 3}


def test_unreachable_target_is_a_configuration_error(generated: Path) -> None:
    """Nothing listens on port 9 of loopback: exit 2 at once, not minutes of skipped checks."""
    result = CliRunner().invoke(command, ["--base-url", "http://127.0.0.1:9", "--tenant", "a=ta",
                                          "--tenant", "b=tb", "--tests", str(generated)],
                                env={})  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "no server answers there" in result.output


def test_a_dry_run_s_total_counts_the_tests_pytest_lists() -> None:
    """pytest's "N tests collected" counts each check once; the ids it lists also hold each
    check's first example as a test of its own (``name[first]``): the plan's total line says
    how many tests are listed, and why more."""
    from types import SimpleNamespace
    from typing import Any, cast

    from synth.testing import config_from_options
    from synth.testing.cli import _Plan

    names = ["test_getJob__ERR_PROBLEM", "test_getJob__ERR_PROBLEM[first]", "test_getJob__TEN_READ"]
    plan = _Plan()
    plan.pytest_collection_finish(cast(Any, SimpleNamespace(items=[SimpleNamespace(name=n)
                                                                   for n in names])))  # fmt: skip
    config = config_from_options(base_url="http://127.0.0.1:9", tenants=["a=ta", "b=tb"], env={})
    total = next(line for line in plan.lines(config) if line.startswith("  total:"))
    assert total == (
        "  total: 2 checks, 2 kinds (3 tests listed above: 1 checks also run their first "
        "example as a test of its own, ahead of the searches)"
    )
    plan = _Plan()
    plan.pytest_collection_finish(
        cast(Any, SimpleNamespace(items=[SimpleNamespace(name=names[0])]))
    )
    assert "  total: 1 checks, 1 kinds" in plan.lines(config)
    # Conformance (schemathesis's own checks) is not among the contracts' declared checks that
    # the coverage line counts: the total says how the two counts relate.
    plan = _Plan()
    plan.pytest_collection_finish(cast(Any, SimpleNamespace(items=[
        SimpleNamespace(name=n) for n in (names[0], "test_getJob__CONFORMANCE")])))  # fmt: skip
    assert (
        "  total: 2 checks, 2 kinds: 1 declared by the contracts (the coverage line counts "
        "these) and 1 of schemathesis's own (conformance, the object-level check)"
    ) in plan.lines(config)


def test_sigterm_stops_the_run_says_so_and_leaves_nothing_behind(
    generated: Path, tmp_path: Path
) -> None:
    """What `timeout`, a CI runner's cancel or Kubernetes sends: the run stops as on Ctrl-C,
    its workers with it, says so, exits 2, and its lock folder (``synth-run-*`` in the
    temporary directory) is removed. Python's default ended it at once, no word said, the
    folder left behind."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    with serve() as url:
        run = subprocess.Popen(
            [str(Path(sys.executable).parent / "synth"), "test", "--base-url", url + "/api/v1",
             *(arg for tenant in TENANTS for arg in ("--tenant", tenant)), "--seed", "1",
             "--workers", "2", "--tests", str(generated)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
            cwd=ROOT, start_new_session=True,
        )  # fmt: skip
        try:
            assert until(lambda: any(scratch.glob("synth-run-*")), 60.0), "no run started"
            time.sleep(2.0)  # checks under way on both workers
            run.send_signal(signal.SIGTERM)  # to the command alone, as `timeout` sends it
            output, _ = run.communicate(timeout=60)
        finally:
            if run.poll() is None:
                os.killpg(run.pid, signal.SIGKILL)
    assert run.returncode == 2, output
    assert "stopped by SIGTERM" in output, output
    assert "Traceback" not in output, output
    assert not list(scratch.glob("synth-run-*")), "the run's lock folder was left behind"
