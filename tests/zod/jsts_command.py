"""The JSON Schema Test Suite (draft 2020-12) through the ``synth zod`` command.

Where ``jsts`` hands each schema to the emitter, this puts every schema of a suite file into
one OpenAPI 3.1 document, each as its own resource under ``components/schemas`` (with an
``$id``, so ``$ref``s inside it resolve against it as the suite means), runs ``synth zod`` on
that document as a user would, and validates every test's data with the generated Zod in one
node process. A file the command refuses fails all its tests with the command's message.

    .venv/bin/python tests/zod/jsts_command.py            # print the table
    .venv/bin/python tests/zod/jsts_command.py --write    # also rewrite
                                                          # tests/zod/suite_command_expected_failures.json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    # Run as a script: the repository root makes `tests` importable, as under pytest.
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from click.testing import CliRunner

from synth.cli import main as cli
from tests.zod import jsts
from tests.zod._node import NodeHarness

EXPECTED_FAILURES = Path(__file__).with_name("suite_command_expected_failures.json")
_META_REF = re.compile(r'"\$(dynamic)?[rR]ef": "https://json-schema\.org/draft/2020-12/')


def document(name: str, groups: list[dict[str, Any]]) -> dict[str, Any]:
    """One OpenAPI 3.1 document holding every group's schema as ``components/schemas/G<i>``.

    A schema without an ``$id`` gets one, so that it is a resource of its own, as it is when
    the suite gives it alone; the 2020-12 meta-schemas go in too when the file names them
    (the suite says they are available to ``$ref``; a user bundles what they reference)."""
    schemas: dict[str, Any] = {}
    for g, group in enumerate(groups):
        schema = group["schema"]
        if isinstance(schema, dict) and "$id" not in schema:
            schema = {"$id": f"https://synth.invalid/suite/{name}/{g}.json", **schema}
        schemas[f"G{g}"] = schema
    if _META_REF.search(json.dumps(groups)):
        for m, uri in enumerate(sorted(jsts.META_SCHEMAS)):
            schemas[f"Meta{m}"] = jsts.META_SCHEMAS[uri]
    return {
        "openapi": "3.1.0",
        "info": {"title": f"JSON Schema Test Suite: {name}", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }


def generate(doc: dict[str, Any], work: Path) -> tuple[dict[str, str], str]:
    """``synth zod`` on ``doc``: the files it wrote, or none and why it refused."""
    source = work / "openapi.json"
    out = work / "zod"
    source.write_text(json.dumps(doc), encoding="utf-8")
    result = CliRunner().invoke(cli, ["zod", str(source), "--out", str(out)])
    if result.exit_code != 0:
        lines = (result.output or str(result.exception)).strip().splitlines()
        message = lines[0] if lines else f"exit {result.exit_code}"
        return {}, f"refused by synth zod: {message[:300]}"
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(out.glob("*.ts"))}, ""


def run(directory: Path, files: list[Path] | None = None) -> list[jsts.FileResult]:
    """Every required suite file through the command, all data in one node process."""
    results = []
    with NodeHarness() as node, tempfile.TemporaryDirectory() as tmp:
        for path in files or sorted(directory.glob("*.json")):
            groups = json.loads(path.read_text(encoding="utf-8"))
            result = jsts.FileResult(path.stem)
            work = Path(tmp) / path.stem
            work.mkdir()
            generated, reason = generate(document(path.stem, groups), work)
            if generated:
                try:
                    node.load(path.stem, generated, "schemas.ts")
                except RuntimeError as error:
                    reason = f"the generated module failed to load: {str(error).splitlines()[0]}"
            for g, group in enumerate(groups):
                _judge(node, result, g, group, "" if reason else path.stem, reason)
            if generated and not reason:
                node.unload(path.stem)
            results.append(result)
    return results


def _judge(
    node: NodeHarness,
    result: jsts.FileResult,
    g: int,
    group: dict[str, Any],
    module: str,
    reason: str,
) -> None:
    tests = group["tests"]
    result.total += len(tests)
    verdicts: list[bool] = []
    if module:
        try:
            outcome = node.validate(module, f"G{g}", [json.dumps(t["data"]) for t in tests])
            verdicts = [r["valid"] for r in outcome]
        except RuntimeError as error:
            reason = f"no schema to validate with: {str(error).splitlines()[0]}"
    for t, test in enumerate(tests):
        if verdicts and verdicts[t] == test["valid"]:
            result.passed += 1
            continue
        result.failures.append(
            {
                "group": group["description"],
                "test": test["description"],
                "reason": reason or f"expected {'valid' if test['valid'] else 'invalid'}",
                "id": f"{result.name}#{g}.{t}",
            }
        )


def write_expected(results: list[jsts.FileResult]) -> None:
    reasons = {
        f["id"]: f"{f['group']} / {f['test']}: {f['reason']}" for f in jsts.failures(results)
    }
    EXPECTED_FAILURES.write_text(
        json.dumps(reasons, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the failure table")
    parser.add_argument("--failures", action="store_true", help="list each failure")
    parser.add_argument("files", nargs="*", help="suite files to run (default: all)")
    args = parser.parse_args()
    directory = jsts.suite_dir()
    if directory is None:
        print(f"the JSON Schema Test Suite is not at {jsts.SHARED}", file=sys.stderr)
        return 2
    chosen = [directory / f"{f}.json" for f in args.files] or None
    results = run(directory, chosen)
    print(jsts.table(results))
    if args.failures:
        for f in jsts.failures(results):
            print(f"{f['id']}: {f['group']} / {f['test']}: {f['reason']}")
    if args.write:
        write_expected(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
