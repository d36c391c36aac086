"""The README's smallest whole contract (a new user found none and pieced one together from
the README and docs): written out as its files, it loads, generates, and its dry run plans
every declared check, its list isolated by the check's marker in its free-text filter."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT


def _files() -> dict[str, str]:
    """Each ```python block of the README that starts with a ``# contracts/<file>`` line."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n# (contracts/\w+\.py)\n(.*?)```", readme, flags=re.DOTALL)
    return {
        name: body for name, body in blocks if name in ("contracts/api.py", "contracts/notes.py")
    }


def test_the_readme_s_smallest_contract_generates_and_plans_every_check(tmp_path: Path) -> None:
    files = _files()
    assert sorted(files) == ["contracts/api.py", "contracts/notes.py"]
    (tmp_path / "contracts").mkdir()
    (tmp_path / "contracts" / "__init__.py").write_text("")
    for name, body in files.items():
        (tmp_path / name).write_text(body)
    synth = [str(Path(sys.executable).parent / "synth")]
    made = subprocess.run([*synth, "generate", "--contracts", "contracts", "--out", "generated"],
                          cwd=tmp_path, capture_output=True, text=True, check=False)  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "generated" / "openapi.json").exists()
    planned = subprocess.run(
        [*synth, "test", "--dry-run", "--contracts", "contracts", "--tests", "generated/tests",
         "--base-url", "http://127.0.0.1:9", "--tenant", "a=KEY_A", "--tenant", "b=KEY_B"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert planned.returncode == 0, planned.stderr
    # Every check the contract declares can run (none "not planned", each with a reason).
    assert re.search(r"^coverage: all \d+ declared checks planned", planned.stdout, re.M), (
        planned.stdout
    )
    assert "  listNotes: by the check's marker in its q filter (icontains title)" in planned.stdout
