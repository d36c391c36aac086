"""The official JSON Schema Test Suite (draft 2020-12) through the ``synth zod`` command.

Each suite file becomes one OpenAPI 3.1 document, each schema its own resource in it
(``tests/zod/jsts_command.py``); the command writes the Zod and node judges every test's data.
Bar: at least 97% of the 1,299 required tests, and every failure listed with its reason in
suite_command_expected_failures.json (``.venv/bin/python tests/zod/jsts_command.py --write``).

The suite's ``remotes/`` (which its runners serve at localhost:1234) is read beside the tests,
or where ``SYNTH_JSTS_REMOTES`` names it; without it the tests that reference a remote cannot
pass anywhere, so they are left out of the comparison and the bar holds on the rest.
"""

from __future__ import annotations

import json

import pytest

from tests.zod import jsts, jsts_command
from tests.zod._node import node_available


@pytest.mark.node
@pytest.mark.slow
def test_json_schema_test_suite_through_the_command() -> None:
    directory = jsts.suite_dir()
    if directory is None:
        pytest.skip(f"the JSON Schema Test Suite is not at {jsts.SHARED}")
    reason = node_available()
    if reason:
        pytest.skip(reason)
    results = jsts_command.run(directory)
    assert sum(r.total for r in results) == 1299
    remote: set[str] = set()
    if jsts_command.remotes_dir() is None:
        for path in sorted(directory.glob("*.json")):
            for g, group in enumerate(json.loads(path.read_text(encoding="utf-8"))):
                if jsts_command.needs_remotes(group):
                    remote |= {f"{path.stem}#{g}.{t}" for t in range(len(group["tests"]))}
    failing = {f["id"] for f in jsts.failures(results)} - remote
    total = sum(r.total for r in results) - len(remote)
    assert (total - len(failing)) / total >= 0.97, jsts.table(results)
    expected = json.loads(jsts_command.EXPECTED_FAILURES.read_text(encoding="utf-8"))
    assert all(jsts_command.why(i) for i in expected), "a deviation without its reason"
    assert failing <= set(expected), f"new failures: {sorted(failing - set(expected))}"
    passing = set(expected) - failing - remote
    assert not passing, f"now passing, remove: {sorted(passing)}"
