"""An npm package synth wrote, installed the way a consumer installs it, without the registry.

The package goes into the consumer project's ``node_modules`` as ``npm install file:...``
would put it there (a copy, not a link: the shared ``node/node_modules`` must not change), its
``build`` script runs (``tsc``, what ``npm run build`` and ``prepare`` run), and zod and
``@types/node`` are linked in from the Node harness. The consumer then compiles and runs:
as an ESM Node project (``nodenext``) with tsc and node, or bundled by esbuild.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..conftest import NODE_DIR, node_bin

# The strictest options a consumer may have; `skipLibCheck: false` checks the package's .d.ts.
STRICT: dict[str, Any] = {
    "strict": True,
    "noUncheckedIndexedAccess": True,
    "exactOptionalPropertyTypes": True,
    "noImplicitOverride": True,
    "target": "ES2022",
    "lib": ["ES2022"],
    "types": ["node"],
    "skipLibCheck": False,
}
NODENEXT = {**STRICT, "module": "NodeNext", "moduleResolution": "NodeNext", "outDir": "out"}
BUNDLER = {**STRICT, "module": "ESNext", "moduleResolution": "bundler", "noEmit": True}


def _run(args: list[str], cwd: Path, timeout: float = 180) -> str:
    done = subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, check=False, timeout=timeout
    )
    assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout}{done.stderr}"
    return done.stdout


def install(package: Mapping[str, str], project: Path) -> dict[str, Any]:
    """Write ``package`` (relative path → text), install it into ``project`` (which may hold
    others already) and build it with its own ``build`` script; its ``package.json``."""
    manifest: dict[str, Any] = json.loads(package["package.json"])
    name = manifest["name"]
    source = project.parent / "packages" / name
    for rel, text in package.items():
        (source / rel).parent.mkdir(parents=True, exist_ok=True)
        (source / rel).write_text(text, encoding="utf-8")
    modules = project / "node_modules"
    if not modules.exists():
        (modules / "@types").mkdir(parents=True)
        os.symlink(NODE_DIR / "node_modules" / "zod", modules / "zod")
        os.symlink(NODE_DIR / "node_modules" / "@types" / "node", modules / "@types" / "node")
    installed = modules / name
    shutil.copytree(source, installed)
    # What `npm run build` runs, with the harness's tsc instead of the package's devDependency.
    build = manifest["scripts"]["build"].split()
    assert build[0] == "tsc", build
    _run([str(node_bin("tsc")), *build[1:]], cwd=installed)
    consumer = project / "package.json"
    dependencies = {"zod": "4.6.7"}
    if consumer.exists():
        dependencies |= json.loads(consumer.read_text(encoding="utf-8"))["dependencies"]
    dependencies[name] = f"file:{os.path.relpath(source, project)}"
    description = {"name": "consumer", "private": True, "type": "module",
                   "dependencies": dict(sorted(dependencies.items()))}  # fmt: skip
    consumer.write_text(json.dumps(description), encoding="utf-8")
    return manifest


def build_once(package: Mapping[str, str], folder: Path) -> Path:
    """``folder`` holding ``consumer`` (``package`` installed and built) and ``packages``: made
    once per module, each consumer test takes a ``copy_project`` of it."""
    install(package, folder / "consumer")
    return folder


def copy_project(built: Path, tmp_path: Path) -> Path:
    """A copy of ``built`` (a folder holding ``consumer``, where a package was installed and
    built, and ``packages``) for one test: the build, tsc over the whole package, is made once
    for the tests that consume it. The links to the Node harness stay links."""
    copy = tmp_path / "built"
    shutil.copytree(built, copy, symlinks=True)
    return copy / "consumer"


def compile_and_run(project: Path, main: str, args: list[str]) -> Any:
    """``main`` (TypeScript) as an ESM Node project: tsc under ``nodenext``, then node.
    The JSON it prints last."""
    (project / "main.ts").write_text(main, encoding="utf-8")
    config = {"compilerOptions": NODENEXT, "files": ["main.ts"]}
    (project / "tsconfig.json").write_text(json.dumps(config), encoding="utf-8")
    _run([str(node_bin("tsc")), "-p", "tsconfig.json"], cwd=project)
    out = _run(["node", "out/main.js", *args], cwd=project)
    result: Any = json.loads(out.strip().split("\n")[-1])
    return result


def bundle_and_run(project: Path, main: str, args: list[str]) -> Any:
    """``main`` type-checked under ``moduleResolution: bundler``, bundled by esbuild (the
    package and zod inlined) and the bundle run by node. The JSON it prints last."""
    (project / "main.ts").write_text(main, encoding="utf-8")
    config = {"compilerOptions": BUNDLER, "files": ["main.ts"]}
    (project / "tsconfig.json").write_text(json.dumps(config), encoding="utf-8")
    _run([str(node_bin("tsc")), "-p", "tsconfig.json"], cwd=project)
    esbuild = node_bin("esbuild")
    _run(
        [str(esbuild), "main.ts", "--bundle", "--platform=node", "--format=esm",
         "--target=node20", "--outfile=bundle/main.mjs", "--log-level=warning"],
        cwd=project,
    )  # fmt: skip
    # Nothing outside the bundle: the package and zod are inside it, not resolved at run time.
    modules = project / "node_modules"
    for link in (modules / "zod", modules / "@types" / "node"):
        link.unlink()  # the links first: the harness's own folders are never removed
    shutil.rmtree(modules)
    out = _run(["node", "bundle/main.mjs", *args], cwd=project)
    result: Any = json.loads(out.strip().split("\n")[-1])
    return result
