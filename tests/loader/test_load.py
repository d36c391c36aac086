"""``load()`` as a whole: the one collector, and what the loader stands on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from synth import ContractError, Location
from synth.loader._problems import Problems

ROOT = Path(__file__).resolve().parents[2]


def test_the_collector_raises_every_problem_once_in_order() -> None:
    problems = Problems()
    problems.check()  # nothing found: nothing raised
    problems.add(Location("a.py", 3), "first", "fix it")
    problems.add(None, "second")
    with pytest.raises(ContractError) as info:
        problems.check()
    assert [p.message for p in info.value.problems] == ["first", "second"]
    assert str(info.value).startswith("2 contract errors:\n  a.py:3: first\n    fix: fix it")


def test_loading_imports_nothing_from_the_emitters() -> None:
    code = (
        "import sys; from synth.loader import load; load(sys.argv[1]); "
        "print(sorted(m for m in sys.modules if m.startswith(('synth.zod', 'synth.emit'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(ROOT / "contracts")],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert out.stdout.strip() == "[]"
