"""The TypeScript client as an npm package, used as a consumer uses it: installed into an ESM
Node project (``nodenext``, strict, ``noUncheckedIndexedAccess``, ``exactOptionalPropertyTypes``)
and compiled by tsc and run by node, and bundled by esbuild; both against the reference server."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from synth._npm import ZOD_RANGE
from synth.emit.sdk_typescript import ROOT as PACKAGE
from synth.generate import generate
from synth.loader import load
from synth.spec import ApiSpec

from ._package import build_once, bundle_and_run, compile_and_run, copy_project, install
from .conftest import ROOT

# Both entry points, every kind of export: the client, its error classes, an iterator, the
# per-response metadata; the Zod schemas and operation contracts; a type import. Options left
# out and options given as `undefined` (which `exactOptionalPropertyTypes` tells apart).
MAIN = """\
import { Client, InvalidBody, NotFound, responseMeta } from "contacts-crm-client";
import { ContactCreate, ERROR_CODES, createContact } from "contacts-crm-client/zod";
import type { Contact } from "contacts-crm-client/zod";

const baseUrl = process.argv[2];
if (baseUrl === undefined) throw new Error("usage: main BASE_URL");
const token: string | undefined = process.argv[3];
const client = new Client({ baseUrl, token, headers: undefined });
const ada: Contact = await client.createContact({ name: "Ada", email: "ada@example.com" });
await client.createContact({ name: "Bob", tags: ["team"] }, { idempotencyKey: undefined });
const page = await client.listContacts({ limit: 1, cursor: undefined });
const names: string[] = [];
for await (const contact of client.iterContacts({ limit: 1 })) names.push(contact.name);
let notFound = false;
try {
  await client.getContact("00000000-0000-4000-8000-000000000000");
} catch (error) {
  notFound = error instanceof NotFound && error.status === 404;
}
let refused = false;
try {
  await client.createContact({ name: "" });
} catch (error) {
  refused = error instanceof InvalidBody;
}
console.log(JSON.stringify({
  created: ada.name,
  status: responseMeta(ada)?.status ?? null,
  page: page.items.length,
  names,
  notFound,
  refused,
  schema: ContactCreate.safeParse({ name: "Cy" }).success && !ContactCreate.safeParse({}).success,
  operation: `${createContact.method} ${createContact.path}`,
  codes: ERROR_CODES.includes("not_found"),
}));
"""

EXPECTED = {
    "created": "Ada",
    "status": 201,
    "page": 1,
    "names": ["Bob", "Ada"],
    "notFound": True,
    "refused": True,
    "schema": True,
    "operation": "POST /contacts",
    "codes": True,
}


@pytest.fixture(scope="module")
def package(spec: ApiSpec) -> dict[str, str]:
    files = generate(spec, only=("sdk-typescript",))
    prefix = f"{PACKAGE}/"
    return {rel.removeprefix(prefix): text for rel, text in files.items()}


# The package is installed and built once; each consumer below gets a copy of that project (its
# links to the Node harness kept as links). Both tests run on one xdist worker, so the build,
# tsc over the whole package, is not made twice.
ONE_BUILD = pytest.mark.xdist_group("ts-package-crm")


@pytest.fixture(scope="module")
def installed(package: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding ``consumer`` (the package installed and built) and ``packages``."""
    return build_once(package, tmp_path_factory.mktemp("ts-package"))


@pytest.fixture
def server() -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "examples.reference_server", "--port", "0"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("listening on "), line
        yield line.removeprefix("listening on ").strip()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout:
            proc.stdout.close()


def test_package_json(spec: ApiSpec, package: dict[str, str]) -> None:
    manifest = json.loads(package["package.json"])
    assert manifest["name"] == "contacts-crm-client"
    assert manifest["version"] == spec.version == "1.0.0"
    assert manifest["type"] == "module"
    assert manifest["types"] == "./dist/index.d.ts"
    for entry, dist in ((".", "index"), ("./zod", "zod/index")):
        conditions = manifest["exports"][entry]
        # `types` first: TypeScript takes the first condition that matches.
        assert list(conditions) == ["types", "import", "default"]
        assert conditions["types"] == f"./dist/{dist}.d.ts"
        assert conditions["import"] == conditions["default"] == f"./dist/{dist}.js"
        assert f"src/{dist}.ts" in package
    assert manifest["peerDependencies"] == {"zod": ZOD_RANGE}
    harness = json.loads((ROOT / "node" / "package.json").read_text())
    assert "^" + harness["dependencies"]["zod"] == ZOD_RANGE
    assert manifest["devDependencies"]["typescript"] == harness["devDependencies"]["typescript"]
    assert "dependencies" not in manifest  # zod only, and as a peer


def test_the_client_imports_its_zod_inside_the_package(package: dict[str, str]) -> None:
    client = package["src/client.ts"]
    assert 'import * as schemas from "./zod/schemas.js";' in client
    assert "../" not in "".join(line for line in client.splitlines() if "import" in line)
    # Every relative import names its .js file, as Node's ESM loader needs.
    for rel, text in package.items():
        for line in text.splitlines():
            if line.startswith(("import ", "export ")) and ' from "./' in line:
                assert line.rstrip(";").endswith('.js"'), (rel, line)


def test_the_generated_folder_is_the_package(package: dict[str, str]) -> None:
    """``synth generate --check`` keeps generated/ equal to the emitter; here, the package."""
    on_disk = ROOT / "generated" / PACKAGE
    for rel, text in package.items():
        assert (on_disk / rel).read_text(encoding="utf-8") == text, rel


@pytest.mark.slow
@pytest.mark.node
@ONE_BUILD
def test_an_esm_node_project_compiles_and_runs_it(
    installed: Path, tmp_path: Path, server: str
) -> None:
    project = copy_project(installed, tmp_path)
    assert compile_and_run(project, MAIN, [server, "token-a"]) == EXPECTED


@pytest.mark.slow
@pytest.mark.node
@ONE_BUILD
def test_a_bundle_made_by_esbuild_runs_it(installed: Path, tmp_path: Path, server: str) -> None:
    project = copy_project(installed, tmp_path)
    assert bundle_and_run(project, MAIN, [server, "token-a"]) == EXPECTED


EXAMPLES = ["feeds", "library", "ticketing", "tracker", "warehouse"]


@pytest.mark.slow
@pytest.mark.node
def test_the_package_of_every_example_api_builds(tmp_path: Path) -> None:
    """Every pagination style, auth style and form body of the examples, through each
    package's own strict build and one consumer's strict check of their ``.d.ts``."""
    project = tmp_path / "consumer"
    main = ""
    for i, example in enumerate(EXAMPLES):
        files = generate(load(ROOT / "examples" / example / "contracts"), only=("sdk-typescript",))
        package = {rel.removeprefix(f"{PACKAGE}/"): text for rel, text in files.items()}
        name = install(package, project)["name"]
        main += f'import {{ Client as Client{i} }} from "{name}";\n'
        main += f'import * as zod{i} from "{name}/zod";\n'
    checks = ", ".join(f"typeof Client{i}, Object.keys(zod{i}).length > 0" for i in range(5))
    main += f"console.log(JSON.stringify([{checks}]));\n"
    assert compile_and_run(project, main, []) == ["function", True] * len(EXAMPLES)
