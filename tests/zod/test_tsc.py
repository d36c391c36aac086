"""``tsc --strict --noEmit`` compiles every emitted module, under each project configuration a
team may have: ``moduleResolution: bundler`` (Next.js, Vite) and ESM ``nodenext`` (relative
imports need their ``.js``), both with ``noUncheckedIndexedAccess`` and
``exactOptionalPropertyTypes``. The modules: the corpus, synth's own OpenAPI output and the
foreign documents of ``tests/zod/foreign/`` as ``synth zod`` reads them (3.0, multi-file)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from synth._input import read_openapi
from synth.zod import emit_schema_module, emit_zod
from tests.zod import corpus
from tests.zod._node import NODE_DIR, REPO, node_available
from tests.zod.test_parity import MODELS, json_schema

FOREIGN = Path(__file__).parent / "foreign"
DOCUMENTS = sorted(
    p for p in FOREIGN.rglob("*.yaml") if p.parent == FOREIGN or p.name == "api.yaml"
)

_STRICT: dict[str, Any] = {
    "strict": True,
    "noUncheckedIndexedAccess": True,
    "exactOptionalPropertyTypes": True,
    "noEmit": True,
    "target": "ES2022",
    "lib": ["ES2022", "DOM"],
    "skipLibCheck": True,
    "types": [],
}
CONFIGS: dict[str, dict[str, Any]] = {
    "bundler": {**_STRICT, "module": "ESNext", "moduleResolution": "bundler"},
    "nodenext": {**_STRICT, "module": "NodeNext", "moduleResolution": "NodeNext"},
}
# The bundler configuration, for tests that compile one file where it lives.
TSCONFIG = {
    "compilerOptions": {
        **CONFIGS["bundler"],
        "baseUrl": ".",
        "paths": {"zod": [str(NODE_DIR / "node_modules" / "zod")]},
    },
    "include": ["**/*.ts"],
}


def compile_project(folder: Path, files: dict[str, str], config: str) -> str:
    """tsc's output for ``files`` (relative paths) as an ESM package under ``config``;
    empty when it compiles."""
    folder.mkdir(parents=True)
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    os.symlink(NODE_DIR / "node_modules", folder / "node_modules")
    (folder / "package.json").write_text(json.dumps({"type": "module", "private": True}))
    tsconfig = {"compilerOptions": CONFIGS[config], "include": ["src/**/*.ts"]}
    (folder / "tsconfig.json").write_text(json.dumps(tsconfig))
    tsc = NODE_DIR / "node_modules" / ".bin" / "tsc"
    result = subprocess.run(
        [str(tsc), "-p", str(folder)], capture_output=True, text=True, check=False
    )
    return "" if result.returncode == 0 else result.stdout + result.stderr


def _emitted(esm: bool) -> dict[str, str]:
    files = {}
    for model in MODELS:
        source = emit_schema_module(json_schema(model), name=model.__name__, pydantic=True)
        files[f"src/{model.__name__}.ts"] = source
    openapi = REPO / "generated" / "openapi.json"
    if openapi.exists():
        document = json.loads(openapi.read_text())
        for name, text in emit_zod(document, patterns="pydantic", esm=esm).items():
            files[f"src/api/{name}"] = text
    for path in DOCUMENTS:
        document = read_openapi(path, upgrade=True, bundle=True)
        label = path.parent.name if path.name == "api.yaml" else path.stem
        for name, text in emit_zod(document, esm=esm).items():
            files[f"src/foreign/{label}/{name}"] = text
    return files


# The default output (relative imports without extension) is for bundlers, Next.js's Turbopack
# among them, which resolves no `.js` import to a `.ts` file; `esm=True` (`synth zod --esm`)
# is for ESM `nodenext` projects, and bundlers read it too.
CASES = [("bundler", False), ("bundler", True), ("nodenext", True)]


@pytest.mark.node
@pytest.mark.slow
@pytest.mark.parametrize(("config", "esm"), CASES)
def test_tsc_strict_compiles_every_emitted_module(tmp_path: Path, config: str, esm: bool) -> None:
    reason = node_available()
    if reason:
        pytest.skip(reason)
    files = _emitted(esm)
    assert len(DOCUMENTS) >= 4
    assert len(corpus.MODELS) >= 10
    errors = compile_project(tmp_path / config, files, config)
    assert not errors, errors


@pytest.mark.node
@pytest.mark.slow
def test_nodenext_needs_esm(tmp_path: Path) -> None:
    """Without ``esm`` an ESM nodenext project refuses every relative import (TS2835)."""
    reason = node_available()
    if reason:
        pytest.skip(reason)
    files = {f"src/{k}": v for k, v in _emit_foreign("museum.yaml", esm=False).items()}
    assert "TS2835" in compile_project(tmp_path / "plain", files, "nodenext")
    files = {f"src/{k}": v for k, v in _emit_foreign("museum.yaml", esm=True).items()}
    assert not compile_project(tmp_path / "esm", files, "nodenext")


def _emit_foreign(name: str, *, esm: bool) -> dict[str, str]:
    return emit_zod(read_openapi(FOREIGN / name, upgrade=True, bundle=True), esm=esm)
