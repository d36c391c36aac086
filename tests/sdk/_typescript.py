"""Compile the generated TypeScript client with a scenario by ``tsc`` and run it by node."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from synth.generate import generate
from synth.spec import ApiSpec

from ..conftest import NODE_DIR, node_bin


def run_scenario(
    spec: ApiSpec, folder: Path, scenario: Path, server: str, timeout: float
) -> dict[str, Any]:
    """The JSON the scenario prints last, once the client's package (its sources, the Zod
    contracts among them) and ``scenario`` compile strict in ``folder`` and node runs it
    against ``server``."""
    files = generate(spec, only=("sdk-typescript",))
    files[f"sdk-test/{scenario.name}"] = scenario.read_text(encoding="utf-8")
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    modules = NODE_DIR / "node_modules"
    config = {
        "compilerOptions": {
            "strict": True, "noImplicitOverride": True, "noUncheckedIndexedAccess": True,
            "exactOptionalPropertyTypes": True, "target": "ES2022",
            "module": "commonjs", "moduleResolution": "node10",
            "lib": ["ES2022", "DOM", "DOM.Iterable"], "types": ["node"],
            "typeRoots": [str(modules / "@types")], "paths": {"zod": [str(modules / "zod")]},
            "rootDir": ".", "outDir": "out", "skipLibCheck": True,
        },
        "include": ["sdk/typescript/src/**/*.ts", "sdk-test/*.ts"],
    }  # fmt: skip
    (folder / "tsconfig.json").write_text(json.dumps(config), encoding="utf-8")
    compiled = subprocess.run([node_bin("tsc"), "-p", "tsconfig.json"], cwd=folder,
                              capture_output=True, text=True, check=False)  # fmt: skip
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    ran = subprocess.run(
        ["node", f"out/sdk-test/{scenario.with_suffix('.js').name}", server],
        cwd=folder, capture_output=True, text=True, check=False, timeout=timeout,
        env={**os.environ, "NODE_PATH": str(modules)},
    )  # fmt: skip
    assert ran.returncode == 0, ran.stdout + ran.stderr
    # Lines end at "\n" only: JSON text may hold U+0085 or U+2028, which splitlines() breaks at.
    result: dict[str, Any] = json.loads(ran.stdout.strip().split("\n")[-1])
    return result
