"""Every corpus document through ``synth zod``, and what it writes compiled by ``tsc --strict``.

Each of the 36 documents of ``tests/corpus/openapi/`` goes through the command in process
(click's runner): exit 0, the five modules written, and what openapi-spec-validator finds wrong
in it listed as located warnings, each saying how synth read it (the documents that have any,
and how many, are pinned below; a document nobody wrote for synth is read, not judged).

The output compiles with ``tsc --strict``, ``noUncheckedIndexedAccess`` and
``exactOptionalPropertyTypes``, under ``moduleResolution: bundler`` (the default output) and
``nodenext`` (``--esm``), all documents of a run in one tsc project per configuration. The whole
corpus takes tsc minutes and 2 GB (Stripe's, OpenAI's and Box's modules are 1 to 4 MB each), so
it is marked ``thorough`` (``make test-thorough``); the default suite compiles a subset that has
each kind of document: small and large (Discord's 1.2 MB, recursive through
``additionalProperties``), 3.0 and 3.1, multi-file (with a ``#`` in a file name), webhooks,
form and multipart bodies, recursive schemas, a discriminator, and a document read with
warnings.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from synth.cli import main
from tests.zod._node import node_available
from tests.zod.test_tsc import compile_project

ROOT = Path(__file__).parent / "openapi"
MANIFEST: list[dict[str, Any]] = json.loads((ROOT / "MANIFEST.json").read_text("utf-8"))
NAMES = [entry["name"] for entry in MANIFEST]
ENTRY = {entry["name"]: entry["entry"] for entry in MANIFEST}

# The documents openapi-spec-validator finds fault with, and how many findings each gets.
WARNINGS = {
    "digitalocean": 13,  # `properties: {$ref: ...}` to a map of properties; a null default
    "mastodon": 1,  # a default of "null" for an integer
    "openai": 27,  # names twice in `required`; 3.0's boolean exclusiveMinimum; defaults
    "pingone-split": 10,  # `$schema` with a trailing `#`; `#` in referenced file names
    "readme-schema-validation-31": 22,  # other drafts' `$schema`, boolean bounds, defaults
    "xero-accounting": 23,  # defaults of "false" for booleans
}
SUBSET = [
    "oai-petstore-expanded",
    "oai-webhook-example",
    "discord",
    "swagger-petstore",
    "redocly-openapi-starter",
    "pingone-split",
    "readme-discriminators",
    "readme-form-data",
    "readme-file-uploads",
    "readme-schema-circular",
    "readme-webhooks-31",
    "readme-schema-validation-31",
]
MODULES = {"errors.ts", "index.ts", "operations.ts", "runtime.ts", "schemas.ts"}
_WARNING_LINE = re.compile(r"^  (?P<file>[^#:]+)(#/\S*|: \$ref '[^']*'): .+; .+$")


def _zod(name: str, out: Path, *, esm: bool = False) -> str:
    args = ["zod", str(ROOT / name / ENTRY[name]), "--out", str(out)]
    result = CliRunner().invoke(main, [*args, "--esm"] if esm else args)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.output


def _warnings(output: str) -> list[str]:
    """The warning lines of ``synth zod``'s output."""
    lines = output.splitlines()
    if not any(line.startswith("warning: ") for line in lines):
        return []
    start = next(i for i, line in enumerate(lines) if line.startswith("warning: "))
    body = []
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        body.append(line)
    return body


@pytest.mark.parametrize("name", NAMES)
def test_every_document_generates(tmp_path: Path, name: str) -> None:
    output = _zod(name, tmp_path / "zod")
    assert {p.name for p in (tmp_path / "zod").iterdir()} == MODULES
    warnings = _warnings(output)
    assert len(warnings) == WARNINGS.get(name, 0), "\n".join(warnings)
    if warnings:
        assert f"warning: {len(warnings)} finding(s) on the document" in output
    for line in warnings:
        match = _WARNING_LINE.match(line)
        assert match, line  # located (a JSON pointer, or the $ref), what, and the reading
        assert match["file"] == ENTRY[name]


def test_warnings_say_how_each_finding_was_read(tmp_path: Path) -> None:
    output = _zod("openai", tmp_path / "zod")
    warnings = "\n".join(_warnings(output))
    assert "read as required once" in warnings
    assert "read as `exclusiveMinimum: 0`, the exclusive bound it means" in warnings
    assert "a default is an annotation: kept as written" in warnings


def test_the_subset_has_every_kind_of_document() -> None:
    chosen = [entry for entry in MANIFEST if entry["name"] in SUBSET]
    assert len(chosen) == len(SUBSET)
    notes = " ".join(entry["notes"].lower() for entry in chosen)
    assert {entry["openapi"][:3] for entry in chosen} == {"3.0", "3.1"}
    assert any(entry["multi_file"] for entry in chosen)
    assert any(entry["bytes"] > 1_000_000 for entry in chosen)
    assert any(entry["bytes"] < 10_000 for entry in chosen)
    assert any(entry["name"] in WARNINGS for entry in chosen)
    for kind in ("webhook", "multipart", "recursive", "discriminator"):
        assert kind in notes, kind


def _compile_corpus(tmp_path: Path, names: list[str], config: str) -> None:
    reason = node_available()
    if reason:
        pytest.skip(reason)
    esm = config == "nodenext"
    project = tmp_path / "project"
    for name in names:
        _zod(name, project / "src" / name, esm=esm)
    files = {
        str(path.relative_to(project)): path.read_text("utf-8")
        for path in (project / "src").rglob("*.ts")
    }
    errors = compile_project(tmp_path / config, files, config)
    assert not errors, errors[:5000]


@pytest.mark.node
@pytest.mark.slow
# `make test` compiles the subset for bundlers (tests/zod/test_tsc.py compiles the example API
# under nodenext); `make test-thorough` compiles it, and the whole corpus, under both.
@pytest.mark.parametrize(
    "config", ["bundler", pytest.param("nodenext", marks=pytest.mark.thorough)]
)
def test_a_subset_compiles_under_strict_tsc(tmp_path: Path, config: str) -> None:
    _compile_corpus(tmp_path, SUBSET, config)


@pytest.mark.node
@pytest.mark.slow
@pytest.mark.thorough
@pytest.mark.parametrize("config", ["bundler", "nodenext"])
def test_the_whole_corpus_compiles_under_strict_tsc(tmp_path: Path, config: str) -> None:
    _compile_corpus(tmp_path, NAMES, config)
