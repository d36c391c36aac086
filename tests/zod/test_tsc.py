"""``tsc --strict --noEmit`` compiles every emitted module: the corpus and the OpenAPI output."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from synth.zod import emit_schema_module, emit_zod
from tests.zod import corpus
from tests.zod._node import NODE_DIR, REPO, node_available
from tests.zod.test_parity import MODELS, json_schema

TSCONFIG = {
    "compilerOptions": {
        "strict": True,
        "noEmit": True,
        "target": "ES2022",
        "lib": ["ES2022", "DOM"],
        "module": "ESNext",
        "moduleResolution": "bundler",
        "skipLibCheck": True,
        "types": [],
        "baseUrl": ".",
        "paths": {"zod": [str(NODE_DIR / "node_modules" / "zod")]},
    },
    "include": ["**/*.ts"],
}


@pytest.mark.node
@pytest.mark.slow
def test_tsc_strict_compiles_every_emitted_module(tmp_path: Path) -> None:
    reason = node_available()
    if reason:
        pytest.skip(reason)
    for model in MODELS:
        source = emit_schema_module(json_schema(model), name=model.__name__, pydantic=True)
        (tmp_path / f"{model.__name__}.ts").write_text(source)
    openapi = REPO / "generated" / "openapi.json"
    if openapi.exists():
        out = tmp_path / "api"
        out.mkdir()
        for name, text in emit_zod(json.loads(openapi.read_text())).items():
            (out / name).write_text(text)
    (tmp_path / "tsconfig.json").write_text(json.dumps(TSCONFIG))
    tsc = NODE_DIR / "node_modules" / ".bin" / "tsc"
    result = subprocess.run(
        [str(tsc), "-p", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(corpus.MODELS) >= 10
