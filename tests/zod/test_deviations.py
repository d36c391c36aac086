"""Each documented deviation, shown on a concrete value and recognised by ``explain``."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, EmailStr

from synth.zod import emit_schema_module
from tests.zod._node import NodeHarness
from tests.zod.parity import Verdict, explain, pydantic_verdict


class Numbers(BaseModel):
    model_config = ConfigDict(strict=True)
    count: int


class Mail(BaseModel):
    model_config = ConfigDict(strict=True)
    email: EmailStr


CASES = [
    (Numbers, {"count": 1.0}, "js-number"),
    (Numbers, {"count": 1e300}, "js-number"),
    (Mail, {"email": "a\u200b@example.com"}, "email-approximate"),
]


@pytest.mark.node
@pytest.mark.parametrize(("model", "value", "name"), CASES)
def test_deviation(node: NodeHarness, model: type[BaseModel], value: Any, name: str) -> None:
    schema = model.model_json_schema()
    node.load(
        model.__name__,
        {"s.ts": emit_schema_module(schema, name=model.__name__, pydantic=True)},
        "s.ts",
    )
    text = json.dumps(value)
    result = node.validate(model.__name__, model.__name__, [text])[0]
    py = pydantic_verdict(model, text)
    zod = Verdict(result["valid"], result.get("issues", []))
    assert py.valid != zod.valid, "no longer a deviation: remove it from DEVIATIONS.md"
    assert explain(model, value, py, zod) == name
