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
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

if __package__ in (None, ""):
    # Run as a script: the repository root makes `tests` importable, as under pytest.
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from click.testing import CliRunner

from synth.cli import main as cli
from tests.zod import jsts
from tests.zod._node import NodeHarness

EXPECTED_FAILURES = Path(__file__).with_name("suite_command_expected_failures.json")
_META_REF = re.compile(r'"\$(dynamic)?[rR]ef": "https://json-schema\.org/draft/2020-12/')


REMOTE = "http://localhost:1234/"


def remotes_dir() -> Path | None:
    """The suite's ``remotes/`` (served at localhost:1234 by its own runners), where present:
    beside the tests in the upstream layout, or where ``SYNTH_JSTS_REMOTES`` names it."""
    for candidate in (os.environ.get("SYNTH_JSTS_REMOTES"), jsts.SHARED / "remotes"):
        if candidate and (Path(candidate) / "draft2020-12").is_dir():
            return Path(candidate)
    return None


def remotes(directory: Path | None) -> dict[str, Any]:
    """The 2020-12 remotes by the URI the suite fetches them from."""
    if directory is None:
        return {}
    found = {}
    for path in sorted((directory / "draft2020-12").rglob("*.json")):
        uri = REMOTE + path.relative_to(directory).as_posix()
        found[uri] = json.loads(path.read_text(encoding="utf-8"))
    return found


def document(
    name: str, groups: list[dict[str, Any]], remote: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One OpenAPI 3.1 document holding every group's schema as ``components/schemas/G<i>``.

    A schema without an ``$id`` gets one, so that it is a resource of its own, as it is when
    the suite gives it alone; the 2020-12 meta-schemas go in too when the file names them
    (the suite says they are available to ``$ref``; a user bundles what they reference)."""
    schemas: dict[str, Any] = {}
    for g, group in enumerate(groups):
        schema = group["schema"]
        if not remote and needs_remotes(group):
            continue  # cannot be bundled: judged as failing for want of the remotes
        if isinstance(schema, dict) and "$id" not in schema:
            schema = {"$id": f"https://synth.invalid/suite/{name}/{g}.json", **schema}
        schemas[f"G{g}"] = schema
    text = json.dumps(groups)
    remote = remote if REMOTE in text else {}
    if _META_REF.search(text) or remote:
        for m, uri in enumerate(sorted(jsts.META_SCHEMAS)):
            schemas[f"Meta{m}"] = jsts.META_SCHEMAS[uri]
    # A user bundles what their document references: each remote is a resource in it, known
    # by the URI it is fetched from (one whose `$id` says otherwise is reached through a
    # resource with that URI that refers to it).
    for r, (uri, fetched) in enumerate(sorted((remote or {}).items())):
        if isinstance(fetched, dict) and "$id" not in fetched:
            fetched = {"$id": uri, **fetched}  # noqa: PLW2901 (the same remote, identified)
        elif isinstance(fetched, dict) and urljoin(uri, fetched["$id"]) != uri:
            schemas[f"Fetched{r}"] = {"$id": uri, "$ref": urljoin(uri, fetched["$id"])}
        schemas[f"Remote{r}"] = fetched
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
    remote = remotes(remotes_dir())
    with NodeHarness() as node, tempfile.TemporaryDirectory() as tmp:
        for path in files or sorted(directory.glob("*.json")):
            groups = json.loads(path.read_text(encoding="utf-8"))
            result = jsts.FileResult(path.stem)
            work = Path(tmp) / path.stem
            work.mkdir()
            generated, reason = generate(document(path.stem, groups, remote), work)
            if generated:
                try:
                    node.load(path.stem, generated, "schemas.ts")
                except RuntimeError as error:
                    reason = f"the generated module failed to load: {str(error).splitlines()[0]}"
            for g, group in enumerate(groups):
                if not remote and needs_remotes(group):
                    _judge(
                        node,
                        result,
                        g,
                        group,
                        module="",
                        reason="needs the suite's remotes/ (absent)",
                    )
                    continue
                _judge(node, result, g, group, module="" if reason else path.stem, reason=reason)
            if generated and not reason:
                node.unload(path.stem)
            results.append(result)
    return results


def _judge(
    node: NodeHarness,
    result: jsts.FileResult,
    g: int,
    group: dict[str, Any],
    *,
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


# Why each deviation is one, by test id prefix: the reason the expected-failures file gives.
WHY = {
    "format#": "synth zod asserts the formats it knows (email, ipv4, ipv6, date, date-time, "
    "time, uri, uuid, duration): in an API document a format is what the server checks, so "
    "the client checks it too; the suite's default (format an annotation) is not OpenAPI's use",
    "dynamicRef#11.": "one constant per schema and dynamic scope: a $dynamicRef reached through "
    "two paths of the same scope is resolved once, statically (the emitter's deviation too)",
    "vocabulary#": "refused: openapi-spec-validator does not know the suite's own metaschema "
    "as a $schema dialect (being turned into a note on branch z15corpus); the emitter alone "
    "also keeps the validation vocabulary on (a $vocabulary is not read)",
}


def why(test_id: str) -> str:
    """The reason a test is expected to fail, or "" where none is written down."""
    return next((r for prefix, r in WHY.items() if test_id.startswith(prefix)), "")


def needs_remotes(group: dict[str, Any]) -> bool:
    """Whether a group's schema references the suite's remotes (served at localhost:1234)."""
    return REMOTE in json.dumps(group["schema"])


def write_expected(results: list[jsts.FileResult]) -> None:
    reasons = {
        f["id"]: f"{f['group']} / {f['test']}: {why(f['id']) or f['reason']}"
        for f in jsts.failures(results)
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
