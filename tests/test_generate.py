"""``synth generate`` builds the OpenAPI document once and hands each emitter what it reads."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import synth.document
from synth import ApiSpec, load
from synth.generate import EMITTERS, generate

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def spec() -> ApiSpec:
    return load(ROOT / "contracts")


def test_the_document_is_built_once_per_generate(
    spec: ApiSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = synth.document.build
    calls: list[ApiSpec] = []

    def counting(built_from: ApiSpec) -> dict[str, Any]:
        calls.append(built_from)
        return original(built_from)

    # Every name bound to the builder, so a module that imported it by name is counted too.
    modules = [m for n, m in sys.modules.items() if n == "synth" or n.startswith("synth.")]
    for module in modules:
        for attr, value in list(vars(module).items()):
            if value is original:
                monkeypatch.setattr(module, attr, counting)
    files = generate(spec)
    assert calls == [spec]
    assert "openapi.json" in files
    assert "zod/schemas.ts" in files
    assert any(path.startswith("sdk/python/") for path in files)


def test_each_emitter_takes_what_the_registry_says_it_reads() -> None:
    for name, emitter in EMITTERS.items():
        params = list(inspect.signature(emitter.emit).parameters)
        assert len(params) == len(emitter.reads), name
        assert len(set(emitter.reads)) == len(emitter.reads), name


def test_the_document_builder_sits_below_everything_that_reads_it() -> None:
    above = ("synth.emit", "synth.zod", "synth.testing", "synth.diff")
    code = (
        "import sys, synth.document; "
        f"print(sorted(m for m in sys.modules if m.startswith({above!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_output_does_not_depend_on_the_folder_synth_runs_in(
    spec: ApiSpec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A project's own formatter settings (here a short line length) must not reach the SDK's
    # models: datamodel-code-generator reads the pyproject.toml of the folder it runs in.
    (tmp_path / "pyproject.toml").write_text(
        '[tool.ruff]\nline-length = 60\n[tool.isort]\nknown_first_party = ["contacts_crm_client"]\n',
        encoding="utf-8",
    )
    here = generate(spec)
    monkeypatch.chdir(tmp_path)
    assert generate(spec) == here
