"""``generated/security.{md,json}``: one row per operation, read from the contracts."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

from synth import ApiSpec, load
from synth.emit import security
from tests._taxonomy import STANDARD_ERRORS

CONTRACT = (
    """\
from uuid import UUID

from synth.contract import (
    ApiKey, Api, Conditional, Idempotency, Latency, Model, RateLimit, RequestModel,
)  # fmt: skip

api = Api("Shop", "2", base_path="/v2", auth=ApiKey(header="X-Shop-Key"))
"""
    + STANDARD_ERRORS
    + """
SOLD_OUT = api.error("sold_out", 409, "Sold out", "Nothing left.")
api.error("precondition_required", 428, "Precondition required", "Send If-Match.")
api.error("rate_limited", 429, "Rate limited", "Too many requests; retry after Retry-After.")


class Item(Model):
    id: UUID
    name: str


class ItemIn(RequestModel):
    name: str


@api.post("/items", idempotent=Idempotency.OPTIONAL, errors=[SOLD_OUT])
def create_item(body: ItemIn) -> Item: ...


@api.get(
    "/items/{item_id}",
    cacheable=True,
    rate_limit=RateLimit(limit=5, window="1m", key="ip"),
    slo=Latency(p95="150ms"),
)
def get_item(item_id: UUID) -> Item: ...


@api.patch("/items/{item_id}", cacheable=Conditional.REQUIRED)
def update_item(item_id: UUID, body: ItemIn) -> Item: ...


@api.get("/health", status=200, tenant_scoped=False)
def health() -> Item: ...
"""
)


def _spec(tmp_path: Path) -> ApiSpec:
    contracts = tmp_path / "shop_contracts"
    contracts.mkdir()
    (contracts / "__init__.py").write_text("")
    (contracts / "api.py").write_text(textwrap.dedent(CONTRACT))
    return load(contracts)


def _row(rows: list[dict[str, Any]], operation: str) -> dict[str, Any]:
    return next(r for r in rows if r["operation"] == operation)


def test_each_row_says_what_the_contract_declares(tmp_path: Path) -> None:
    rows = security.table(_spec(tmp_path))
    assert [r["operation"] for r in rows] == ["createItem", "getItem", "updateItem", "health"]
    create = _row(rows, "createItem")
    assert create["path"] == "/v2/items"
    assert create["authentication"] == {
        "scheme": "apiKeyAuth",
        "style": "header",
        "in": "X-Shop-Key",
    }
    assert create["tenancy"] == {"scoped": True, "param": None}
    assert create["idempotency"] == {"header": "Idempotency-Key", "required": False}
    assert create["conditional"] is None
    assert create["rateLimit"] is None
    assert {"code": "sold_out", "status": 409} in create["errors"]
    assert create["latency"] is None
    assert _row(rows, "getItem")["latency"] == {"p95": 150.0}
    assert _row(rows, "getItem")["conditional"] == {"etag": True, "ifMatch": None}
    assert _row(rows, "getItem")["rateLimit"] == {"limit": 5, "window": 60, "key": "ip"}
    assert {"code": "rate_limited", "status": 429} in _row(rows, "getItem")["errors"]
    assert _row(rows, "updateItem")["conditional"]["ifMatch"] == "required"
    health = _row(rows, "health")
    assert health["authentication"] is None
    assert health["tenancy"] == {"scoped": False, "param": None}


def test_the_table_and_the_json_agree(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    files = security.emit(spec)
    data = json.loads(files["security.json"])
    assert data["operations"] == security.table(spec)
    lines = [line for line in files["security.md"].splitlines() if line.startswith("| `")]
    assert len(lines) == len(spec.operations)
    health = next(line for line in lines if line.startswith("| `health`"))
    assert "none (public)" in health
    assert "not scoped" in health
    create = next(line for line in lines if line.startswith("| `createItem`"))
    assert "API key (`X-Shop-Key`)" in create
    get = next(line for line in lines if line.startswith("| `getItem`"))
    assert "5 per 60 s, per ip" in get
    assert "`Idempotency-Key` optional" in create
    assert "`sold_out` 409" in create
    assert "p95 ≤ 150 ms" in next(line for line in lines if line.startswith("| `getItem`"))
    assert "Request ids: none declared." in files["security.md"]
