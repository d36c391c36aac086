"""The tracker's activity feed: a part of the API that another part writes to, undeclared.

``createTask`` and ``completeTask`` (the projects' part) also add a line to ``listActivity``
(the feed's part, made by ``createNote``); the contracts do not say so. The feed has no filter
that isolates a check's own notes, so its walks hold their part exclusive while the projects'
checks run beside them and add lines (``RunLock.exclusive_part``). What such a walk saw is
judged again with the run to itself (``synth.testing._runner``), so ``synth test --workers 4``
on the correct server reports nothing. Whether a rerun happens in a given run depends on timing,
so it is not asserted; examples/tracker/FINDINGS.md has how often it did.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from examples._example import load, serve
from examples.tracker.example import CONTRACTS, TENANTS
from synth import load as load_contracts
from synth.relations import Graph
from synth.testing.cli import test_command as command
from tests._generated import write_tests

API = load_contracts(CONTRACTS)
# The feed's walks, and checks of the other part that create and complete tasks (each adds a
# line to the feed) beside them; the rest of the suite takes about three times as long.
SELECT = (
    "listActivity and (PAGE_ or TEN_) or (createTask or completeTask) and (TEN_ or ERR_DECLARED)"
)
# Outcomes a correct server must not get (scripts/verify-examples reads the same table).
REPORTED = {"violation", "unconfirmed", "fault", "error"}
ROW = re.compile(r"^\| (\S+) \| `(\w+)` \| (\w+) \|", re.M)


def test_the_feed_and_the_tasks_are_different_parts() -> None:
    parts = Graph(API).parts()
    assert parts["listActivity"] == parts["createNote"]
    assert parts["createTask"] == parts["completeTask"] == parts["listProjects"]
    assert parts["listActivity"] != parts["createTask"]


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with serve(load("tracker")) as base:
        yield base


@pytest.mark.slow
def test_four_workers_report_nothing_on_the_correct_server(url: str, tmp_path: Path) -> None:
    tests, report = write_tests(API, tmp_path / "generated"), tmp_path / "report.md"
    args = ["--contracts", str(CONTRACTS), "--tests", str(tests), "--base-url", url,
            "--seed", "1", "--workers", "4", "-k", SELECT, "--report", str(report)]  # fmt: skip
    for name, secret in TENANTS.items():
        args += ["--tenant", f"{name}={secret}"]
    outcome = CliRunner().invoke(command, args, env={})
    assert outcome.exit_code == 0, outcome.output
    rows = ROW.findall(report.read_text(encoding="utf-8"))
    assert not [row for row in rows if row[2] in REPORTED], rows
    # The walks of the feed ran (beside the task checks that add to it), and passed.
    passed = {(invariant, op) for invariant, op, result in rows if result == "passed"}
    walks = {"PAGE-COMPLETE", "PAGE-ORDER", "PAGE-END", "PAGE-CONCURRENT", "TEN-LIST"}
    assert {(invariant, "listActivity") for invariant in walks} <= passed, rows
    assert any(op == "createTask" for _, op in passed), rows
    assert any(op == "completeTask" for _, op in passed), rows
