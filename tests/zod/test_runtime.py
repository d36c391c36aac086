"""The helpers of ``synth/zod/runtime/runtime.ts``: split into declarations, dependencies found."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from synth.zod._runtime import closure, helpers, render_helpers
from tests.zod._node import NODE_DIR, REPO, node_available
from tests.zod.test_tsc import TSCONFIG

RUNTIME = REPO / "synth" / "zod" / "runtime" / "runtime.ts"


def test_every_block_is_one_named_declaration_with_its_doc() -> None:
    table = helpers()
    assert len(table) >= 50
    for name, helper in table.items():
        assert helper.source.startswith("/**"), name
        declared = re.findall(r"^export (?:function|const|type) (\w+)", helper.source, re.M)
        assert declared == [name], name
    assert "isObject" in table
    assert "Ev" in table


def test_dependencies_are_the_helpers_the_code_calls() -> None:
    table = helpers()
    assert table["deepEqual"].deps == ("isObject",)
    assert set(table["unevaluatedProperties"].deps) == {"Ev", "isObject", "forward"}
    assert set(table["isIpv6"].deps) == {"isIpv4"}
    # Named only in its doc comment ('"integer" is reported as "number"'): not a dependency.
    assert table["jsonType"].deps == ()
    assert closure({"isEmail"}) == ["codePoints", "isEmail"]


def test_inlined_helpers_are_not_exported() -> None:
    text = render_helpers({"deepEqual"}, export=False)
    assert text.startswith("/** JSON equality")
    assert "/** A JSON object (not an array, not null). */\nfunction isObject(" in text
    assert "export function" not in text
    assert "function deepEqual(a: unknown, b: unknown): boolean {" in text


def test_the_runtime_ships_with_the_package() -> None:
    from importlib.resources import files

    shipped = files("synth.zod").joinpath("runtime", "runtime.ts")
    assert shipped.read_text(encoding="utf-8") == RUNTIME.read_text(encoding="utf-8")


@pytest.mark.node
@pytest.mark.slow
def test_tsc_strict_compiles_the_runtime_where_it_lives(tmp_path: Path) -> None:
    reason = node_available()
    if reason:
        pytest.skip(reason)
    config = {"compilerOptions": TSCONFIG["compilerOptions"], "files": [str(RUNTIME)]}
    (tmp_path / "tsconfig.json").write_text(json.dumps(config))
    tsc = NODE_DIR / "node_modules" / ".bin" / "tsc"
    result = subprocess.run(
        [str(tsc), "-p", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
