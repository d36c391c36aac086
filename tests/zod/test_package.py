"""``synth zod --package NAME``: the Zod of a foreign document as an installable npm package,
used as a consumer uses it: installed into an ESM ``nodenext`` project, compiled by tsc and run
by node, and bundled by esbuild (``tests/sdk/_package.py``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from synth._npm import ZOD_RANGE, semver, valid_name
from synth.cli import main
from tests.sdk._package import build_once, bundle_and_run, compile_and_run, copy_project

from ._node import REPO

# A small OpenAPI 3.1 document of the corpus (Redocly's museum API, 23 KB).
MUSEUM = REPO / "tests" / "corpus" / "openapi" / "redocly-museum" / "openapi.yaml"
MODULES = ["errors.ts", "index.ts", "operations.ts", "runtime.ts", "schemas.ts"]

MAIN = """\
import { MuseumDailyHours, getMuseumHours, operations } from "redocly-museum-zod";
import type { SpecialEvent } from "redocly-museum-zod";

const hours: MuseumDailyHours = MuseumDailyHours.parse(
  { date: "2023-09-11", timeOpen: "09:00", timeClose: "18:00" });
const event: Partial<SpecialEvent> = { name: "Pirate Coding Workshop" };
console.log(JSON.stringify({
  opens: hours.timeOpen,
  refused: [
    { date: "2023-02-30", timeOpen: "09:00", timeClose: "18:00" },
    { date: "2023-09-11", timeOpen: "25:00", timeClose: "18:00" },
    { date: "2023-09-11", timeOpen: "09:00" },
  ].map((value) => MuseumDailyHours.safeParse(value).success),
  operation: `${getMuseumHours.method} ${getMuseumHours.path}`,
  operations: Object.keys(operations).length,
  event: event.name ?? null,
}));
"""

EXPECTED = {
    "opens": "09:00",
    "refused": [False, False, False],
    "operation": "GET /museum-hours",
    "operations": 8,
    "event": "Pirate Coding Workshop",
}


def _zod(out: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["zod", str(MUSEUM), "--out", str(out), *extra])
    return result.exit_code, result.output


def _written(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("museum")
    code, output = _zod(out, "--package", "redocly-museum-zod")
    assert code == 0, output
    return _written(out)


# Installed and built once (tsc over the whole package); each consumer test below gets a copy.
# Both run on one xdist worker, so the build is not made twice.
ONE_BUILD = pytest.mark.xdist_group("zod-package-museum")


@pytest.fixture(scope="module")
def installed(package: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding ``consumer`` (the package installed and built) and ``packages``."""
    return build_once(package, tmp_path_factory.mktemp("zod-package"))


def test_writes_a_package(package: dict[str, str]) -> None:
    assert sorted(package) == sorted(
        [".gitignore", "package.json", "tsconfig.json", *(f"src/{m}" for m in MODULES)]
    )
    manifest = json.loads(package["package.json"])
    assert manifest["name"] == "redocly-museum-zod"
    assert manifest["version"] == "1.2.1"  # the document's info.version
    assert manifest["type"] == "module"
    assert manifest["types"] == "./dist/index.d.ts"
    assert manifest["exports"]["."] == {
        "types": "./dist/index.d.ts",
        "import": "./dist/index.js",
        "default": "./dist/index.js",
    }
    assert manifest["peerDependencies"] == {"zod": ZOD_RANGE}
    assert manifest["scripts"]["build"] == "tsc -p tsconfig.json"
    # `--package` implies `--esm`: the modules are compiled by a nodenext build.
    assert 'export * from "./schemas.js";' in package["src/index.ts"]


def test_is_deterministic_and_checked(package: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "again"
    assert _zod(out, "--package", "redocly-museum-zod")[0] == 0
    assert _written(out) == package
    code, output = _zod(out, "--package", "redocly-museum-zod", "--check")
    assert code == 0, output
    assert "up to date (8 files)" in output
    code, output = _zod(out, "--package", "other-name", "--check")
    assert code == 1
    assert f"stale: {out / 'package.json'} (changed)" in output
    # Without --package the same folder holds the plain modules: the package's files go.
    code, output = _zod(out)
    assert code == 0, output
    assert sorted(_written(out)) == MODULES


@pytest.mark.parametrize(
    "name",
    ["Museum Zod", "UPPER", "_private", ".dot", "@scope", "a/b", "é", "x" * 215],
)
def test_an_invalid_name_is_refused_before_anything_is_written(tmp_path: Path, name: str) -> None:
    out = tmp_path / "out"
    code, output = _zod(out, "--package", name)
    assert code == 2
    assert f"UsageError: --package={name!r} is not a valid npm package name" in output
    assert "for example --package=my-api" in output
    assert not out.exists()


@pytest.mark.parametrize("name", ["museum", "@acme/museum-zod", "a.b_c~d", "0x"])
def test_valid_names(name: str) -> None:
    assert valid_name(name) is None


@pytest.mark.parametrize(
    ("version", "npm"),
    [
        ("1.2.1", "1.2.1"),
        ("v2", "2.0.0"),
        ("1.0", "1.0.0"),
        ("2024-01-15", "2024.1.15"),
        ("1.0.0-beta.1", "1.0.0-beta.1"),
        ("v3.1.4+build.5", "3.1.4+build.5"),
        ("2.0.0.1", "2.0.0"),
        ("latest", "0.0.0"),
    ],
)
def test_the_version_is_semver(version: str, npm: str) -> None:
    assert semver(version) == npm


@pytest.mark.slow
@pytest.mark.node
@ONE_BUILD
def test_an_esm_node_project_compiles_and_runs_it(installed: Path, tmp_path: Path) -> None:
    project = copy_project(installed, tmp_path)
    assert compile_and_run(project, MAIN, []) == EXPECTED


@pytest.mark.slow
@pytest.mark.node
@ONE_BUILD
def test_a_bundle_made_by_esbuild_runs_it(installed: Path, tmp_path: Path) -> None:
    project = copy_project(installed, tmp_path)
    assert bundle_and_run(project, MAIN, []) == EXPECTED
