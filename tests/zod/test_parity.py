"""Pydantic and the emitted Zod accept and reject exactly the same JSON (see parity.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from contracts import models as contract_models
from synth.zod import emit_schema_module
from tests.zod import corpus
from tests.zod._node import NodeHarness
from tests.zod.parity import (
    DEVIATIONS,
    Verdict,
    explain,
    near_misses,
    pydantic_verdict,
    values_for,
)

# One line per model list.
CONTRACT_MODELS = [
    "Contact",
    "ContactCreate",
    "ContactUpdate",
    "ContactPage",
    "Interaction",
    "InteractionCreate",
    "InteractionPage",
    "Job",
    "JobCreate",
    "JobPage",
]
MODEL_LISTS: dict[str, list[type[BaseModel]]] = {
    "corpus": corpus.MODELS,
    "contracts": [getattr(contract_models, n) for n in CONTRACT_MODELS],
}  # fmt: skip
MODELS = [m for models in MODEL_LISTS.values() for m in models]
BATCH = 500
PER_MODEL = 1100  # 10 corpus + 10 contract models x 1,100 > 20,000 values per run
TOTALS: dict[str, dict[str, int]] = {}


def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema(ref_template="#/$defs/{model}")


def _load(node: NodeHarness, model: type[BaseModel]) -> str:
    source = emit_schema_module(json_schema(model), name=model.__name__, pydantic=True)
    module = f"parity-{model.__module__}-{model.__name__}"
    node.load(module, {"schema.ts": source}, "schema.ts")
    return module


@pytest.mark.node
@pytest.mark.slow
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_pydantic_and_zod_agree(model: type[BaseModel], node: NodeHarness) -> None:
    module = _load(node, model)
    schema = json_schema(model)
    valid = values_for(schema, schema)
    candidates = st.one_of(valid, near_misses(valid))
    seen = {"values": 0, "valid": 0, "deviations": 0}

    drawn: list[Any] = []

    # Hypothesis draws the values; node judges them afterwards in large batches (one
    # round trip per batch, not per value).
    @settings(
        max_examples=PER_MODEL,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(candidates)
    def draw(value: Any) -> None:
        drawn.append(value)

    draw()
    problems = []
    for start in range(0, len(drawn), BATCH):
        values = drawn[start : start + BATCH]
        texts = [json.dumps(v) for v in values]
        results = node.validate(module, model.__name__, texts)
        for value, text, result in zip(values, texts, results, strict=True):
            py = pydantic_verdict(model, text)
            zod = Verdict(result["valid"], result.get("issues", []))
            seen["values"] += 1
            seen["valid"] += py.valid
            if py.valid == zod.valid:
                continue
            if explain(model, value, py, zod):
                seen["deviations"] += 1
                continue
            problems.append(f"{text}\n  pydantic: {py}\n  zod: {zod}")
    assert not problems, f"{len(problems)} disagreements:\n" + "\n".join(problems[:8])
    TOTALS[model.__name__] = seen
    assert seen["values"] >= PER_MODEL * 0.9
    assert seen["valid"] > seen["values"] // 20, f"too few valid values: {seen}"


def test_every_deviation_is_documented() -> None:
    from pathlib import Path

    text = (Path(__file__).parents[2] / "synth" / "zod" / "DEVIATIONS.md").read_text()
    for deviation in DEVIATIONS:
        assert f"`{deviation.name}`" in text
