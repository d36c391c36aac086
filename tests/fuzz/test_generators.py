"""Generator fuzzing: random contracts through every emitter.

Hypothesis draws whole contract packages (tests/fuzz/contracts.py). For each: it loads, or is
refused with located problems when it was drawn broken on purpose; the OpenAPI validates;
the Zod compiles under ``tsc --strict`` and agrees with Pydantic on generated values; the
Python SDK imports; the generated tests collect under pytest, all in one session. 100
contracts per ``make test``, 500 per ``make test-thorough``; ``SYNTH_FUZZ_CONTRACTS`` sets any count.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate
from pydantic import BaseModel

import synth
from synth.document import build
from synth.emit import sdk_python
from synth.emit.tests import emit_tests
from synth.zod import emit_zod
from tests.fuzz.contracts import ContractDef, contracts, write
from tests.zod._node import NODE_DIR, NodeHarness, node_available
from tests.zod.parity import Verdict, explain, near_misses, pydantic_verdict, values_for
from tests.zod.test_tsc import TSCONFIG

THOROUGH = os.environ.get("SYNTH_THOROUGH") == "1"

# One xdist worker runs the whole module, so the contracts are drawn and loaded once. With
# SYNTH_THOROUGH=1 the module is marked thorough too, so `make test-thorough` (-m thorough)
# runs it, at its larger count.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("fuzz")]
pytestmark += [pytest.mark.thorough] if THOROUGH else []

# 100 per `make test`, 500 in `make test-thorough` (SYNTH_THOROUGH=1).
COUNT = int(os.environ.get("SYNTH_FUZZ_CONTRACTS", "500" if THOROUGH else "100"))
VALUES_PER_MODEL = 12


@dataclass
class Outcome:
    index: int
    contract: ContractDef
    folder: Path
    spec: synth.ApiSpec | None = None
    error: synth.ContractError | None = None
    document: dict[str, Any] = field(default_factory=dict)


@dataclass
class Run:
    root: Path
    outcomes: list[Outcome]
    zod_written: bool = False

    @property
    def loaded(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.spec is not None]

    def document(self, outcome: Outcome) -> dict[str, Any]:
        if not outcome.document:
            assert outcome.spec is not None
            outcome.document = build(outcome.spec)
        return outcome.document

    def write_zod(self) -> None:
        """Emit every loaded contract's Zod once, whichever test asks first."""
        if self.zod_written:
            return
        for outcome in self.loaded:
            folder = _zod_folder(self, outcome)
            folder.mkdir(exist_ok=True)
            for name, text in emit_zod(self.document(outcome), patterns="pydantic").items():
                (folder / name).write_text(text, encoding="utf-8")
        self.zod_written = True


def _draw(count: int) -> list[ContractDef]:
    drawn: list[ContractDef] = []

    @settings(
        max_examples=count, derandomize=True, database=None, deadline=None,
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    @given(contracts())
    def collect(contract: ContractDef) -> None:
        drawn.append(contract)

    collect()
    return drawn


# Session scope: pytest-xdist may interleave other modules' tests between these, and a module
# fixture would then be drawn and loaded again.
@pytest.fixture(scope="session")
def run() -> Iterator[Run]:
    with tempfile.TemporaryDirectory(prefix="synth-fuzz-") as tmp:
        root = Path(tmp)
        outcomes = []
        for i, contract in enumerate(_draw(COUNT)):
            outcome = Outcome(i, contract, write(root / f"c{i}" / "contracts", contract))
            try:
                outcome.spec = synth.load(outcome.folder)
            except synth.ContractError as error:
                outcome.error = error
            outcomes.append(outcome)
        yield Run(root, outcomes)


def test_enough_contracts_were_drawn(run: Run) -> None:
    assert len(run.outcomes) >= min(COUNT, 500)
    assert len(run.loaded) >= len(run.outcomes) // 2, "most drawn contracts should be valid"


def test_broken_contracts_are_refused_with_locations(run: Run) -> None:
    for outcome in run.outcomes:
        if outcome.contract.expect_error:
            assert outcome.error is not None, f"contract {outcome.index} should be refused"
        elif outcome.error is not None:
            pytest.fail(f"contract {outcome.index} was refused: {outcome.error}")
        if outcome.error is not None:
            assert all(p.location is not None for p in outcome.error.problems), outcome.error


def test_openapi_validates(run: Run) -> None:
    for outcome in run.loaded:
        validate(run.document(outcome))


def _zod_folder(run: Run, outcome: Outcome) -> Path:
    return run.root / f"c{outcome.index}" / "zod"


def test_zod_compiles(run: Run) -> None:
    reason = node_available()
    if reason:
        pytest.skip(reason)
    run.write_zod()
    config = {**TSCONFIG, "include": ["c*/zod/*.ts"]}
    (run.root / "tsconfig.json").write_text(json.dumps(config))
    tsc = NODE_DIR / "node_modules" / ".bin" / "tsc"
    result = subprocess.run(
        [str(tsc), "-p", str(run.root)], capture_output=True, text=True, check=False, timeout=600
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]


def _models(spec: synth.ApiSpec) -> dict[str, type[BaseModel]]:
    """Models whose component is named after the class (one variant only)."""
    found: dict[str, type[BaseModel]] = {}
    for op in spec.operations:
        for model in (op.body, op.response):
            if model is not None and model.__name__ in spec.schemas:
                found[model.__name__] = model
    return found


def _responses(spec: synth.ApiSpec) -> set[type[BaseModel]]:
    return {op.response for op in spec.operations if op.response is not None}


def _complete(model: type[BaseModel], text: str) -> bool:
    """Whether the value has every field the model would serialize, at every depth.

    A response schema requires a field with a default (the server always sends it), where
    Pydantic's validation would fill the default in.
    """

    def covers(value: Any, dumped: Any) -> bool:
        if isinstance(dumped, dict):
            return isinstance(value, dict) and all(
                k in value and covers(value[k], v) for k, v in dumped.items()
            )
        if isinstance(dumped, list):
            return isinstance(value, list) and all(map(covers, value, dumped))
        return True

    dumped = model.model_validate_json(text).model_dump(mode="json", by_alias=True)
    return covers(json.loads(text), dumped)


def test_zod_agrees_with_pydantic(run: Run) -> None:
    reason = node_available()
    if reason:
        pytest.skip(reason)
    run.write_zod()
    checked = disagreements = 0
    problems: list[str] = []
    with NodeHarness() as node:
        for outcome in run.loaded:
            assert outcome.spec is not None
            folder = _zod_folder(run, outcome)
            files = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.ts")}
            module = f"fuzz-{outcome.index}"
            node.load(module, files, "schemas.ts")
            responses = _responses(outcome.spec)
            for name, model in sorted(_models(outcome.spec).items()):
                schema = model.model_json_schema(ref_template="#/$defs/{model}")
                values = _values(schema)
                texts = [json.dumps(v) for v in values]
                for value, text, result in zip(
                    values, texts, node.validate(module, name, texts), strict=True
                ):
                    checked += 1
                    py = pydantic_verdict(model, text)
                    if py.valid and model in responses and not _complete(model, text):
                        py = Verdict(False, [{"type": "missing", "msg": "a defaulted field"}])
                    zod = Verdict(result["valid"], result.get("issues", []))
                    if py.valid != zod.valid and not explain(model, value, py, zod):
                        disagreements += 1
                        problems.append(f"contract {outcome.index} {name}: {text}\n  {py}\n  {zod}")
            node.unload(module)
    assert not problems, f"{disagreements} of {checked} disagree:\n" + "\n".join(problems[:5])
    assert checked >= len(run.loaded) * VALUES_PER_MODEL


def _values(schema: dict[str, Any]) -> list[Any]:
    out: list[Any] = []
    valid = values_for(schema, schema)

    @settings(
        max_examples=VALUES_PER_MODEL, derandomize=True, database=None, deadline=None,
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    @given(st.one_of(valid, near_misses(valid)))
    def collect(value: Any) -> None:
        out.append(value)

    collect()
    return out


IMPORT_ALL = """
import importlib, sys
failures = []
for folder in sys.argv[1:]:
    sys.path.insert(0, folder)
    try:
        package = importlib.import_module("fuzzed_api_client")
        package.Client  # the client module imports the models and errors
    except Exception as error:
        failures.append(f"{folder}: {type(error).__name__}: {error}")
    finally:
        sys.path.remove(folder)
        for name in [m for m in sys.modules if m.startswith("fuzzed_api_client")]:
            del sys.modules[name]
print("\\n".join(failures))
sys.exit(1 if failures else 0)
"""


def test_python_sdk_imports(run: Run) -> None:
    folders = []
    for outcome in run.loaded:
        assert outcome.spec is not None
        base = run.root / f"c{outcome.index}" / "generated"
        for rel, text in sdk_python.emit(outcome.spec, run.document(outcome)).items():
            path = base / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        folders.append(str(base / "sdk" / "python"))
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL, *folders],
        capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]


def test_generated_tests_are_collected(run: Run) -> None:
    """Every loaded contract's generated tests collect under pytest, in one session.

    The generated ``conftest.py`` is the same text for every contract (it only imports the
    plugin), so one copy at the root serves every contract's modules.
    """
    root = run.root / "collect"
    conftests = set()
    expected: dict[str, int] = {}
    for outcome in run.loaded:
        assert outcome.spec is not None
        for rel, text in emit_tests(outcome.spec).items():
            if rel.endswith("conftest.py"):
                conftests.add(text)
                continue
            path = root / f"c{outcome.index}" / Path(rel).name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            expected[f"c{outcome.index}/{path.name}"] = text.count("\ndef test_")
    assert len(conftests) == 1, "the generated conftest.py should not depend on the contract"
    (root / "conftest.py").write_text(conftests.pop(), encoding="utf-8")
    (root / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-c", "pytest.ini",
         "-p", "no:cacheprovider", "-p", "no:randomly", "--import-mode=importlib",
         "--base-url", "http://127.0.0.1:9", "--tenant", "a=x", "--tenant", "b=y", "."],
        cwd=root, capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-4000:]
    collected: dict[str, int] = {}
    for line in result.stdout.splitlines():
        module, sep, _ = line.partition("::")
        if sep:
            collected[module] = collected.get(module, 0) + 1
    assert collected == expected, out[-4000:]
