"""The tools people feed an OpenAPI document to take synth's documents cleanly.

Each consumer runs on the CRM document (``generated/openapi.json``) and on the feeds example's
(every paging style, sort and filter operator): the TypeScript generators (openapi-typescript,
@hey-api/openapi-ts with its Zod plugin, orval's fetch client and Zod, openapi-zod-client) from
the Node harness's lockfile must finish without an error or a warning, and what they write must
compile under ``tsc --strict``; prance (PyPI) must resolve each document in its strict mode;
openapi-core must load each document. datamodel-code-generator, Redocly and Spectral have tests
of their own (tests/test_generate.py, tests/test_lint.py).
"""

from __future__ import annotations

import fcntl
import json
import re
import shutil
import subprocess
import venv
from pathlib import Path

import pytest

import synth
from synth.document import build

from .conftest import NODE_DIR, ROOT, node_bin

pytestmark = [pytest.mark.node, pytest.mark.slow]

# openapi-core pins openapi-spec-validator below 0.9, which synth needs at 0.9 or later, so
# it cannot share the project's venv: this test makes a venv of its own for it, once.
OPENAPI_CORE = "openapi-core==0.23.1"
CORE_VENV = ROOT / ".cache" / "openapi-core-venv"

TSCONFIG = {
    "compilerOptions": {
        "strict": True,
        "noEmit": True,
        "target": "ES2022",
        "lib": ["ES2022", "DOM", "DOM.Iterable"],
        "module": "ESNext",
        "moduleResolution": "bundler",
        "skipLibCheck": True,
        "types": [],
        "baseUrl": ".",
        "paths": {"zod": [str(NODE_DIR / "node_modules" / "zod")]},
    },
    "include": ["**/*.ts"],
}
# What a consumer prints when something in the document bothered it.
COMPLAINT = re.compile(r"\b(warn(ing)?|error|invalid|unsupported|skipp(ed|ing))\b", re.IGNORECASE)


@pytest.fixture(scope="module", params=["crm", "feeds"])
def document(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if request.param == "crm":
        return ROOT / "generated" / "openapi.json"
    path = tmp_path_factory.mktemp("doc") / "openapi.json"
    spec = synth.load(ROOT / "examples" / "feeds" / "contracts")
    path.write_text(json.dumps(build(spec), indent=2), encoding="utf-8")
    return path


def _run(args: list[str | Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args],
        check=False,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "FORCE_COLOR": "0", "CI": "true"},
    )


def _clean(result: subprocess.CompletedProcess[str], tool: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{tool} failed:\n{output}"
    complaints = [line for line in output.splitlines() if COMPLAINT.search(line)]
    assert not complaints, f"{tool} complained:\n" + "\n".join(complaints)


def _compiles(folder: Path) -> None:
    (folder / "tsconfig.json").write_text(json.dumps(TSCONFIG), encoding="utf-8")
    result = _run([node_bin("tsc"), "-p", folder], folder)
    assert result.returncode == 0, result.stdout + result.stderr


def test_openapi_typescript(document: Path, tmp_path: Path) -> None:
    result = _run([node_bin("openapi-typescript"), document, "-o", tmp_path / "api.d.ts"], tmp_path)
    _clean(result, "openapi-typescript")
    _compiles(tmp_path)


def test_hey_api_openapi_ts_with_zod(document: Path, tmp_path: Path) -> None:
    out = tmp_path / "client"
    args: list[str | Path] = ["-i", document, "-o", out, "-p", "@hey-api/client-fetch", "-p", "zod"]
    _clean(_run([node_bin("openapi-ts"), *args], tmp_path), "@hey-api/openapi-ts")
    zod = (out / "zod.gen.ts").read_text(encoding="utf-8")
    # A field left out of a request body stays out: no consumer's Zod may fill in a null
    # (an update that applied the parsed body would clear the field).
    for name in _request_schemas(document):
        block = re.search(rf"export const z{name} = (.*?)\n}}\);", zod, re.DOTALL)
        assert block is not None, name
        assert ".default(null)" not in block.group(1), (name, block.group(1))
    _compiles(tmp_path)


def _request_schemas(document: Path) -> list[str]:
    doc = json.loads(document.read_text(encoding="utf-8"))
    refs = re.findall(r'"\$ref": "#/components/schemas/(\w+)"', json.dumps(
        [op.get("requestBody", {}) for item in doc["paths"].values() for op in item.values()
         if isinstance(op, dict)]
    ))  # fmt: skip
    return sorted(set(refs))


def test_orval_fetch_client_and_zod(document: Path, tmp_path: Path) -> None:
    config = tmp_path / "orval.config.cjs"
    targets = {
        "api": {"input": str(document), "output": {"target": str(tmp_path / "api.ts"), "client": "fetch"}},
        "zod": {"input": str(document), "output": {"target": str(tmp_path / "zod.ts"), "client": "zod"}},
    }  # fmt: skip
    config.write_text(f"module.exports = {json.dumps(targets)};\n", encoding="utf-8")
    _clean(_run([node_bin("orval"), "--config", config], tmp_path), "orval")
    _compiles(tmp_path)


def test_openapi_zod_client(document: Path, tmp_path: Path) -> None:
    # The schemas-only template: the default one imports @zodios/core, a client runtime.
    template = NODE_DIR / "node_modules" / "openapi-zod-client" / "src" / "templates"
    args: list[str | Path] = [
        document,
        "-o",
        tmp_path / "schemas.ts",
        "-t",
        template / "schemas-only.hbs",
    ]
    result = _run([node_bin("openapi-zod-client"), *args, "--export-schemas"], tmp_path)
    _clean(result, "openapi-zod-client")
    _compiles(tmp_path)


def test_prance_resolves_strictly(document: Path) -> None:
    from prance import ResolvingParser  # type: ignore[import-untyped]

    parser = ResolvingParser(str(document), backend="openapi-spec-validator", strict=True)
    assert parser.specification is not None
    assert "$ref" not in json.dumps(parser.specification)


@pytest.fixture(scope="module")
def openapi_core() -> Path:
    python = CORE_VENV / "bin" / "python"
    # Each xdist worker runs this fixture for its own documents: one installs while the others
    # wait (two at once removed and rewrote each other's files: a half-installed package).
    CORE_VENV.parent.mkdir(parents=True, exist_ok=True)
    with open(CORE_VENV.parent / "openapi-core-venv.lock", "a+b") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        if not (CORE_VENV / ".installed").exists():
            shutil.rmtree(CORE_VENV, ignore_errors=True)
            venv.create(CORE_VENV, with_pip=True)
            pip = subprocess.run(
                [str(python), "-m", "pip", "install", "--quiet", OPENAPI_CORE],
                capture_output=True,
                text=True,
                check=False,
                timeout=600,
            )
            if pip.returncode != 0:
                pytest.skip(
                    f"could not install {OPENAPI_CORE} into {CORE_VENV}: {pip.stderr[-500:]}"
                )
            (CORE_VENV / ".installed").touch()
    return python


def test_openapi_core_loads(document: Path, openapi_core: Path) -> None:
    script = (
        "import sys, warnings\n"
        "warnings.simplefilter('error')\n"
        "from openapi_core import OpenAPI\n"
        "OpenAPI.from_file_path(sys.argv[1])\n"
    )
    result = subprocess.run(
        [str(openapi_core), "-c", script, str(document)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_a_consumer_that_chokes_is_caught(document: Path, tmp_path: Path) -> None:
    """The checks above can fail: a dangling ``$ref`` makes openapi-typescript complain."""
    broken = json.loads(document.read_text(encoding="utf-8"))
    broken["components"]["schemas"].pop(next(iter(broken["components"]["schemas"])))
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    result = _run([node_bin("openapi-typescript"), path, "-o", tmp_path / "api.d.ts"], tmp_path)
    with pytest.raises(AssertionError):
        _clean(result, "openapi-typescript")
