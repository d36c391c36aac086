"""A PATCH body keeps "absent" and "null" apart through every artefact synth writes.

Hypothesis draws update bodies (a subset of the fields, nullable ones sometimes sent as
null) for models of three shapes: the CRM's ``ContactUpdate`` (all optional, two nullable),
the library's ``BookUpdate`` (a PUT: two required fields and an optional nullable one) and
the feeds' ``PublisherUpdate`` (all optional and nullable). Each body goes through the
contract's Pydantic model (the fields a server sees as sent), the generated Python SDK (what
it would send), the generated Zod schema (what a handler gets from ``parse``, run by node) and
the generated TypeScript client (what it sends, through a ``fetch`` that records the request).
At every step the keys and the nulls must be exactly the body's: a key left out stays out.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from synth.document import build
from synth.emit import sdk_python
from synth.emit._sdk.naming import package_name
from synth.loader import load
from synth.spec import ApiSpec
from synth.testing._data import Schemas, accepts
from synth.zod import emit_zod
from tests.zod._node import NodeHarness, node_available

from ._typescript import run_scenario
from .conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.node]


@dataclass(frozen=True)
class Case:
    contracts: str
    component: str
    method: str  # the TypeScript client's method, called as method(...path, body, options)
    path: tuple[Any, ...]


CASES = [
    Case("contracts", "ContactUpdate", "updateContact", ("1b4e28ba-2fa1-11d2-883f-0016d3cca427",)),
    Case("examples/library/contracts", "BookUpdate", "updateBook", ("bk_0123456789abcdef",)),
    Case("examples/feeds/contracts", "PublisherUpdate", "updatePublisher", ("pub_0123456789",)),
]


@dataclass
class Loaded:
    case: Case
    spec: ApiSpec
    model: type[BaseModel]
    sdk: ModuleType
    zod_module: str
    seen: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture(scope="module")
def harness() -> Iterator[NodeHarness]:
    reason = node_available()
    if reason:
        pytest.skip(reason)
    with NodeHarness() as node:
        yield node


@pytest.fixture(scope="module")
def loaded(
    harness: NodeHarness, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Loaded]]:
    out: dict[str, Loaded] = {}
    paths: list[str] = []
    for case in CASES:
        spec = load(ROOT / case.contracts)
        document = build(spec)
        model = next(op.body for op in spec.operations if op.body_schema == case.component)
        assert model is not None
        root = tmp_path_factory.mktemp(case.component)
        for rel, text in sdk_python.emit(spec, document).items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
        paths.append(str(root / "sdk" / "python"))
        sys.path.insert(0, paths[-1])
        sdk = importlib.import_module(package_name(spec.title))
        harness.load(case.component, emit_zod(document), "index.ts")
        out[case.component] = Loaded(case, spec, model, sdk, case.component)
    try:
        yield out
    finally:
        for path in paths:
            sys.path.remove(path)


def _bodies(spec: ApiSpec, component: str, model: type[BaseModel]) -> st.SearchStrategy[Any]:
    """Update bodies: the required fields, any subset of the others, nullable ones often null."""
    schemas = Schemas(spec)
    props = schemas.properties(component)
    required = set(schemas.required(component))

    def value(schema: Any) -> st.SearchStrategy[Any]:
        values = schemas.strategy(schema)
        return st.one_of(st.none(), values) if _nullable(schema) else values

    fields = {name: value(schema) for name, schema in props.items()}
    optional = sorted(set(props) - required)
    return (
        st.sets(st.sampled_from(optional))
        .flatmap(
            lambda chosen: st.fixed_dictionaries(
                {n: fields[n] for n in props if n in required or n in chosen}
            )
        )
        .filter(lambda body: accepts(model, body))
    )


def _nullable(schema: Any) -> bool:
    kind = schema.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind):
        return True
    return any(_nullable(b) for b in schema.get("anyOf", ()))


def _roundtrip(item: Loaded, harness: NodeHarness, body: dict[str, Any]) -> None:
    text = json.dumps(body)
    # The contract's model: the fields it says were sent, with their values.
    parsed = item.model.model_validate_json(text)
    sent = {(item.model.model_fields[n].alias or n) for n in parsed.model_fields_set}
    assert sent == set(body), (body, sent)
    as_seen = parsed.model_dump(mode="json", by_alias=True, include=parsed.model_fields_set)
    assert as_seen == body
    # The Python SDK: built as a caller builds it, from the fields they mean to change.
    sdk_model = getattr(item.sdk.models, item.case.component)
    assert item.sdk._runtime.body(sdk_model(**body)) == body
    assert item.sdk._runtime.body(sdk_model.model_validate(body)) == body
    # The Zod schema: what a handler gets back from `parse`.
    [result] = harness.parse(item.zod_module, item.case.component, [text])
    assert result["valid"], (body, result)
    assert json.loads(result["output"]) == body, (body, result["output"])
    item.seen.append(body)


@pytest.mark.parametrize("component", [c.component for c in CASES])
def test_absent_and_null_stay_apart(
    component: str,
    loaded: dict[str, Loaded],
    harness: NodeHarness,
    tmp_path: Path,
) -> None:
    item = loaded[component]

    @settings(
        max_examples=60,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(body=_bodies(item.spec, component, item.model))
    def check(body: dict[str, Any]) -> None:
        _roundtrip(item, harness, body)

    item.seen.clear()
    check()
    # The draws covered what matters: each optional field absent, and each nullable field
    # both null and set, somewhere.
    schemas = Schemas(item.spec)
    for name, schema in schemas.properties(component).items():
        if name not in schemas.required(component):
            assert any(name not in b for b in item.seen), f"{name} was never left out"
        if _nullable(schema):
            assert any(b.get(name, 0) is None for b in item.seen), f"{name} was never null"
            assert any(b.get(name) is not None for b in item.seen), f"{name} was never set"
    # The TypeScript client: the request body it sends for each body, one node run for all.
    scenario = tmp_path / "patch_bodies.ts"
    scenario.write_text(_SCENARIO, encoding="utf-8")
    calls = [{"args": [*item.case.path, body]} for body in item.seen]
    (tmp_path / "calls.json").write_text(json.dumps(calls), encoding="utf-8")
    result = run_scenario(
        item.spec, tmp_path, scenario, json.dumps([item.case.method, str(tmp_path / "calls.json")]),
        timeout=120,
    )  # fmt: skip
    assert result["sent"] == item.seen


# The "server" argument carries the method name and the calls file; `fetch` records each
# request body and answers 500, which the client reports as an error after sending.
_SCENARIO = """\
import { readFileSync } from "node:fs";
import { Client } from "../sdk/typescript/src/index.js";

async function main(arg: string): Promise<void> {
  const [method, file] = JSON.parse(arg) as [string, string];
  const calls = JSON.parse(readFileSync(file, "utf-8")) as { args: unknown[] }[];
  const sent: unknown[] = [];
  const fetch = async (_url: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    sent.push(JSON.parse(String(init?.body)));
    return new Response("{}", { status: 500, headers: { "content-type": "application/json" } });
  };
  const client = new Client({ baseUrl: "http://127.0.0.1:9", fetch }) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  for (const call of calls) {
    await client[method]!(...call.args, { ifMatch: '"0"' }).then(
      () => undefined,
      () => undefined,
    );
  }
  console.log(JSON.stringify({ sent }));
}

void main(process.argv[2]!);
"""
