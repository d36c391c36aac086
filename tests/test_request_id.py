"""``Api(request_id=RequestId(...))``: checked at load, carried into the OpenAPI document."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from synth import ApiSpec, ContractError, load
from synth.document import build
from tests._taxonomy import STANDARD_ERRORS

CONTRACT = """\
from uuid import UUID

from synth.contract import Api, Model, RequestId

api = Api("Shop", "2", request_id={request_id})
{errors}

class Item(Model):
    id: UUID


@api.get("/items/{{item_id}}")
def get_item(item_id: UUID) -> Item: ...
"""


def _load(tmp_path: Path, request_id: str) -> ApiSpec:
    contracts = tmp_path / "shop_contracts"
    contracts.mkdir()
    (contracts / "__init__.py").write_text("")
    text = CONTRACT.format(request_id=request_id, errors=STANDARD_ERRORS)
    (contracts / "api.py").write_text(textwrap.dedent(text))
    return load(contracts)


def test_the_default_is_x_request_id_in_a_member_of_its_own(tmp_path: Path) -> None:
    rid = _load(tmp_path, "RequestId()").request_id
    assert rid is not None
    assert (rid.header, rid.member) == ("X-Request-Id", "request_id")


def test_no_request_id_leaves_the_document_as_it_was(tmp_path: Path) -> None:
    spec = _load(tmp_path, "None")
    assert spec.request_id is None
    doc = build(spec)
    assert "request_id" not in doc["components"]["schemas"]["Problem"]["properties"]
    assert "requestId" not in doc["paths"]["/items/{item_id}"]["get"]["x-synth-semantics"]


def test_the_document_carries_it_on_requests_responses_and_problems(tmp_path: Path) -> None:
    spec = _load(
        tmp_path, 'RequestId(header="X-Trace", member="trace", pattern=r"^[a-f0-9-]{36}$")'
    )
    doc: dict[str, Any] = build(spec)
    op = doc["paths"]["/items/{item_id}"]["get"]
    param = next(p for p in op["parameters"] if p["name"] == "X-Trace")
    # Any value is taken (one not matching is replaced), so the parameter's schema is open.
    assert param["in"] == "header"
    assert param["required"] is False
    assert param["schema"] == {"type": "string"}
    assert set(op["responses"]) == {"200", "401", "404", "422", "500"}
    for response in op["responses"].values():
        header = response["headers"]["X-Trace"]
        assert header["required"] is True
        assert header["schema"] == {"type": "string", "pattern": "^[a-f0-9\\-]{36}$"}
    assert op["x-synth-semantics"]["requestId"] == {
        "header": "X-Trace", "member": "trace", "pattern": "^[a-f0-9\\-]{36}$",
    }  # fmt: skip
    member = doc["components"]["schemas"]["Problem"]["properties"]["trace"]
    assert member["pattern"] == "^[a-f0-9\\-]{36}$"


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        ('"X-Request-Id"', "request_id='X-Request-Id' is the str 'X-Request-Id', not a RequestId"),
        ('RequestId(header="X Request")', "header='X Request' is not a valid header name"),
        ('RequestId(header="Authorization")', "is a header synth and HTTP use for something else"),
        ('RequestId(member="code")', "member='code' already means something else"),
        ('RequestId(member="request-id")', "member='request-id' is not a JSON member name"),
        ('RequestId(pattern=r"^[0-9]+$")', "refuses a UUID"),
        ('RequestId(pattern="(")', "is not a pattern synth can read"),
    ],
)
def test_mistakes_are_reported_where_the_api_is_declared(
    tmp_path: Path, declared: str, message: str
) -> None:
    with pytest.raises(ContractError) as caught:
        _load(tmp_path, declared)
    text = str(caught.value)
    assert message in text
    assert "api.py:5" in text


SLO_CONTRACT = """\
from uuid import UUID

from synth.contract import Api, Latency, Model

api = Api("Shop", "2")
{errors}

class Item(Model):
    id: UUID


@api.get("/items/{{item_id}}", slo={slo})
def get_item(item_id: UUID) -> Item: ...
"""


def _load_slo(tmp_path: Path, slo: str) -> ApiSpec:
    contracts = tmp_path / "slo_contracts"
    contracts.mkdir()
    (contracts / "__init__.py").write_text("")
    text = SLO_CONTRACT.format(slo=slo, errors=STANDARD_ERRORS)
    (contracts / "api.py").write_text(textwrap.dedent(text))
    return load(contracts)


def test_a_latency_objective_is_carried_in_milliseconds(tmp_path: Path) -> None:
    spec = _load_slo(tmp_path, 'Latency(p95="200ms", p99="1.5s")')
    op = spec.operations[0]
    assert op.slo is not None
    assert op.slo.bounds() == (("p95", 200.0), ("p99", 1500.0))
    semantics = build(spec)["paths"]["/items/{item_id}"]["get"]["x-synth-semantics"]
    assert semantics["latency"] == {"p95Ms": 200.0, "p99Ms": 1500.0}


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        ('"200ms"', "slo='200ms' is not a Latency"),
        ('Latency(p95="fast")', "Latency(p95='fast'): not a duration"),
        ('Latency(p95="0ms")', "Latency(p95='0ms'): not a duration"),
        ("Latency()", "Latency() names no percentile"),
        ('Latency(p95="1s", p99="200ms")', "a higher percentile has a lower bound"),
    ],
)
def test_latency_mistakes_are_reported_on_the_operation(
    tmp_path: Path, declared: str, message: str
) -> None:
    with pytest.raises(ContractError) as caught:
        _load_slo(tmp_path, declared)
    text = str(caught.value)
    assert message in text
    assert "api.py:" in text
    assert "get_item" in text
