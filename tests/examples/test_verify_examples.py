"""scripts/verify-examples: what it reads from a `synth test --report`, what it selects, and its
usage errors (the runs themselves are `make verify-examples`, too slow for `make test`)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.machinery import SourceFileLoader
from pathlib import Path
from types import ModuleType

import pytest

from examples._example import Bug
from examples._example import load as load_example
from examples.tracker import server
from examples.tracker.example import CONTRACTS, TENANTS
from synth import load
from synth.catalogue import BY_ID, CATALOGUE
from synth.testing import Finding, Outcome, Target, config_from_options
from synth.testing._report import markdown

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "verify-examples"


def _script() -> ModuleType:
    """The script as a module (its dataclasses need it in ``sys.modules``)."""
    if "verify_examples" not in sys.modules:
        loader = SourceFileLoader("verify_examples", str(SCRIPT))
        spec = importlib.util.spec_from_loader("verify_examples", loader)
        assert spec is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["verify_examples"] = module
        loader.exec_module(module)
    return sys.modules["verify_examples"]


def test_a_bug_runs_the_checks_of_its_family_only() -> None:
    selected = set(_script().family_selection("TEN-READ").split(" or "))
    assert selected == {e.id.replace("-", "_") for e in CATALOGUE if e.family == "tenancy"}
    assert "TEN_READ" in selected
    assert "PAGE_ORDER" not in selected


def test_findings_are_read_from_the_markdown_report(tmp_path: Path) -> None:
    config = config_from_options(app=server.app, tenants=[f"{k}={v}" for k, v in TENANTS.items()],
                                 profile="quick", seed=1, env={})  # fmt: skip
    target = Target(config, load(CONTRACTS))
    try:
        target.findings += [
            Finding("TEN-READ", "getTask", Outcome.VIOLATION, 0.5, 9, expected="404", actual="200"),
            Finding("PAGE-ORDER", "listTasks", Outcome.PASSED, 0.1, 3),
            Finding("CACHE-ETAG", "getProject", Outcome.ERROR, 0.1, 3, message="boom"),
            Finding("TEN-READ", "getProject", Outcome.UNCONFIRMED, 0.2, 4, expected="404",
                    actual="200 with another tenant's project"),
        ]  # fmt: skip
        report = tmp_path / "report.md"
        report.write_text(markdown(target))
    finally:
        target.close()
    script = _script()
    found = script.findings(report)
    assert [(f.invariant, f.operation, f.outcome) for f in found] == [
        ("TEN-READ", "getTask", "violation"),
        ("PAGE-ORDER", "listTasks", "passed"),
        ("CACHE-ETAG", "getProject", "error"),
        ("TEN-READ", "getProject", "unconfirmed"),
    ]
    assert script.findings(tmp_path / "none.md") == []
    # A failed row prints what the report says of what was reported (its report goes with the
    # scratch folder): each violation, the errors, the unconfirmed with what was seen.
    said = script.said(report)
    assert "### TEN-READ on `getTask`" in said
    assert "- got: 200" in said
    assert "- CACHE-ETAG `getProject`: boom" in said
    assert "- TEN-READ `getProject`: expected 404; got 200 with another tenant's project" in said
    assert not any(line.startswith("| ") for line in said)  # not the table
    assert script.said(tmp_path / "none.md") == []


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("EXAMPLES", "nowhere", "EXAMPLES=nowhere: no such example"),
        ("BUGS", "no-such-bug", "BUGS=no-such-bug: no such planted bug in"),
        ("SEEDS", "two", "SEEDS=two: expected a whole number"),
        ("TIMEOUT", "-1", "TIMEOUT=-1: expected a number of seconds above 0"),
        ("WORKERS", "0", "WORKERS=0: expected auto or a whole number of workers, 1 or more"),
        ("WORKERS", "many", "WORKERS=many: expected auto or a whole number"),
    ],
)
def test_a_wrong_setting_is_a_usage_error(variable: str, value: str, says: str) -> None:
    env = {**os.environ, "EXAMPLES": "tracker", variable: value}
    done = subprocess.run([sys.executable, str(SCRIPT)], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=False, timeout=60)  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    assert says in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("reported", "ok", "says"),
    [
        ("passed", True, "(no check sends it)"),
        ("violation", False, "(reported: drop its known-miss mark)"),
    ],
)
def test_a_known_miss_expects_no_violation_until_synth_reports_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reported: str, ok: bool, says: str
) -> None:
    script = _script()

    @contextmanager
    def served(example: object, bugs: object) -> Iterator[str]:
        yield "http://127.0.0.1:9/v1"

    def tested(*args: object, report: Path, **kwargs: object) -> int:
        report.write_text(
            "| invariant | operation | outcome |\n|---|---|---|\n"
            f"| ERR-VALIDATION | `createTask` | {reported} |\n"
        )
        return 1 if reported == "violation" else 0

    monkeypatch.setattr(script, "serve", served)
    monkeypatch.setattr(script, "synth_test", tested)
    bug = Bug("extra-ignored", "ERR-VALIDATION", "Unknown keys dropped.", "no check sends it")
    row = script.run_bug("tracker", load_example("tracker"), tmp_path, tmp_path, bug)
    assert row.expected == "known miss: no violation ERR-VALIDATION"
    assert (row.ok, row.got.endswith(says)) == (ok, True), row.got


def test_a_known_miss_of_an_invariant_not_yet_catalogued_is_not_run(tmp_path: Path) -> None:
    bug = Bug("absent-is-null", "NEW-CHECK", "A field left out is cleared.", "no check yet")
    assert "NEW-CHECK" not in BY_ID
    row = _script().run_bug("tracker", load_example("tracker"), tmp_path, tmp_path, bug)
    assert row.ok, row.got
    assert row.got == "not run: NEW-CHECK is not in synth's catalogue"
