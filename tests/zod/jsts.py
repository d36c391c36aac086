"""Run the official JSON Schema Test Suite (draft 2020-12) through the Zod emitter.

Every test group's schema is emitted as a standalone module (formats as annotations, the
2020-12 default), loaded once into the node harness, and each test's data validated there.

    .venv/bin/python tests/zod/jsts.py            # print the table
    .venv/bin/python tests/zod/jsts.py --write    # also rewrite docs/zod.md's table and
                                                  # tests/zod/suite_expected_failures.json
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    # Run as a script: the repository root makes `tests` importable, as under pytest.
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from jsonschema_specifications import REGISTRY as SPECIFICATIONS

from synth.zod import ZodError, emit_schema_module
from tests.zod._node import REPO, NodeHarness

# The suite assumes the 2020-12 meta-schemas are available to $ref (its README says so).
META_SCHEMAS = {
    uri: resource.contents for uri, resource in SPECIFICATIONS.items() if "/draft/2020-12/" in uri
}
SHARED = REPO.parent / "shared" / "json-schema-test-suite"
EXPECTED_FAILURES = Path(__file__).with_name("suite_expected_failures.json")
DOC = REPO / "docs" / "zod.md"

# Keyword files whose keyword pydantic can emit in a JSON Schema: these must pass 100%.
PYDANTIC_FILES = frozenset(
    [
        "additionalProperties",
        "allOf",
        "anyOf",
        "boolean_schema",
        "const",
        "default",
        "defs",
        "enum",
        "exclusiveMaximum",
        "exclusiveMinimum",
        "format",
        "items",
        "maxItems",
        "maxLength",
        "maximum",
        "minItems",
        "minLength",
        "minimum",
        "multipleOf",
        "oneOf",
        "pattern",
        "patternProperties",
        "prefixItems",
        "properties",
        "propertyNames",
        "ref",
        "required",
        "type",
        "uniqueItems",
    ]
)


def suite_dir() -> Path | None:
    for candidate in (SHARED / "tests" / "draft2020-12", SHARED / "draft2020-12"):
        if candidate.is_dir():
            return candidate
    return None


@dataclass
class FileResult:
    name: str
    total: int = 0
    passed: int = 0
    failures: list[dict[str, str]] = field(default_factory=list)


def run(directory: Path, files: list[Path] | None = None) -> list[FileResult]:
    """Run every group of every required keyword file in one node process."""
    results = []
    with NodeHarness() as node:
        for path in files or sorted(directory.glob("*.json")):
            result = FileResult(path.stem)
            for g, group in enumerate(json.loads(path.read_text(encoding="utf-8"))):
                _run_group(node, result, g, group)
            results.append(result)
    return results


def _run_group(node: NodeHarness, result: FileResult, g: int, group: dict[str, Any]) -> None:
    tests = group["tests"]
    result.total += len(tests)
    reason = ""
    verdicts: list[bool] = []
    try:
        source = emit_schema_module(group["schema"], assert_formats=False, documents=META_SCHEMAS)
        module = f"{result.name}-{g}"
        node.load(module, {"schema.ts": source}, "schema.ts")
        outcome = node.validate(module, "Schema", [json.dumps(t["data"]) for t in tests])
        node.unload(module)
        verdicts = [r["valid"] for r in outcome]
    except ZodError as error:
        reason = f"rejected by the emitter: {error.message}"
    except RuntimeError as error:
        reason = f"module failed to load: {str(error).splitlines()[0]}"
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


def table(results: list[FileResult]) -> str:
    lines = [
        "| keyword file | pydantic emits it | passed | total | rate |",
        "|---|---|---:|---:|---:|",
    ]
    for r in results:
        mark = "yes" if r.name in PYDANTIC_FILES else ""
        rate = 100.0 * r.passed / r.total if r.total else 100.0
        lines.append(f"| {r.name} | {mark} | {r.passed} | {r.total} | {rate:.1f}% |")
    total = sum(r.total for r in results)
    passed = sum(r.passed for r in results)
    lines.append(
        f"| **all required** | | **{passed}** | **{total}** | **{100.0 * passed / total:.1f}%** |"
    )
    return "\n".join(lines)


def failures(results: list[FileResult]) -> list[dict[str, str]]:
    return [f for r in results for f in r.failures]


def write_docs(results: list[FileResult]) -> None:
    begin, end = "<!-- suite-table:begin -->", "<!-- suite-table:end -->"
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else f"{begin}\n{end}\n"
    head, _, rest = text.partition(begin)
    _, _, tail = rest.partition(end)
    DOC.write_text(f"{head}{begin}\n{table(results)}\n{end}{tail}", encoding="utf-8")
    reasons = {f["id"]: f"{f['group']} / {f['test']}: {f['reason']}" for f in failures(results)}
    EXPECTED_FAILURES.write_text(
        json.dumps(reasons, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--write", action="store_true", help="rewrite docs/zod.md and the failure table"
    )
    parser.add_argument("--failures", action="store_true", help="list each failure")
    args = parser.parse_args()
    directory = suite_dir()
    if directory is None:
        print(f"the JSON Schema Test Suite is not at {SHARED}", file=sys.stderr)
        return 2
    results = run(directory)
    print(table(results))
    if args.failures:
        for f in failures(results):
            print(f"{f['id']}: {f['group']} / {f['test']}: {f['reason']}")
    if args.write:
        write_docs(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
