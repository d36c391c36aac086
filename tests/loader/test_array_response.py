"""A top-level array response (``-> list[Plan]``): loaded, documented as an array of ``$ref``
items, refused where it cannot page, and no message names the loader's internal package."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from synth import ContractError, load
from synth.cli import main
from synth.document import build

HEADER = """\
from uuid import UUID

from synth.contract import Api, Cursor, LinkHeader, Model

api = Api("Plans", "1", base_path="/v1")
api.error("unauthenticated", 401, "Unauthenticated", "Who are you?")
api.error("validation_failed", 422, "Invalid", "Bad input.")
api.error("invalid_request", 400, "Bad JSON", "Unparseable.")
api.error("internal_error", 500, "Oops", "Server failed.")
api.error("invalid_cursor", 400, "Bad cursor", "Tampered.")
api.error("not_found", 404, "Not found", "No such thing.")


class Plan(Model):
    id: UUID
    name: str
"""


def _contracts(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "contracts"
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    (folder / "plans.py").write_text(HEADER + textwrap.dedent(body))
    return folder


def test_a_list_of_models_is_an_array_response(tmp_path: Path) -> None:
    spec = load(
        _contracts(
            tmp_path,
            """
            @api.get("/plans")
            def list_plans() -> list[Plan]:
                '''Every plan.'''
            """,
        )
    )
    op = spec.operation("listPlans")
    assert (op.response_schema, op.response_item, op.pagination) == ("PlanList", "Plan", None)
    assert dict(spec.schemas["PlanList"]) == {
        "items": {"$ref": "#/components/schemas/Plan"},
        "title": "PlanList",
        "type": "array",
    }
    response = build(spec)["paths"]["/plans"]["get"]["responses"]["200"]
    assert response["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PlanList"
    }


def test_a_link_header_list_keeps_its_array_and_names_its_item(tmp_path: Path) -> None:
    spec = load(
        _contracts(
            tmp_path,
            """
            @api.get("/plans", paginated=LinkHeader(order=("id",)))
            def list_plans() -> list[Plan]: ...
            """,
        )
    )
    op = spec.operation("listPlans")
    assert op.pagination is not None
    assert (op.response_schema, op.response_item, op.pagination.item_schema) == (
        "PlanList",
        "Plan",
        "Plan",
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            """
            @api.get("/plans", paginated=Cursor(order=("id",)))  # <-
            def list_plans() -> list[Plan]: ...
            """,
            "list_plans: paginated, but the response list[Plan] is not a page",
        ),
        (
            """
            @api.get("/plans")  # <-
            def list_plans() -> dict[str, Plan]: ...
            """,
            "list_plans: the response type dict[str, Plan] is not a Pydantic model",
        ),
        (
            """
            @api.get("/plans")  # <-
            def list_plans() -> list[Plan] | None: ...
            """,
            "list_plans: the response type list[Plan] | None is not a Pydantic model",
        ),
        (
            """
            @api.post("/plans")  # <-
            def create_plan(body: list[Plan]) -> Plan: ...
            """,
            "create_plan: the body parameter 'body' is list[Plan], not a Pydantic model",
        ),
    ],
    ids=["paged-bare-array", "dict-response", "optional-array", "array-body"],
)
def test_array_mistakes_are_located_and_name_only_user_modules(
    tmp_path: Path, body: str, expected: str
) -> None:
    contracts = _contracts(tmp_path, body)
    source = (contracts / "plans.py").read_text().splitlines()
    line = next(i for i, text in enumerate(source, 1) if "# <-" in text)
    with pytest.raises(ContractError) as info:
        load(contracts)
    text = str(info.value)
    assert expected in text
    assert f"plans.py:{line}:" in text
    assert "_synth_contracts" not in text
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["generate", "--contracts", str(contracts), "--out", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "_synth_contracts" not in result.output
    assert not out.exists()


def test_an_import_failure_names_the_users_module(tmp_path: Path) -> None:
    # A contract module's own error quoting a type: the qualified name is the user's module.
    contracts = _contracts(tmp_path, "\nraise TypeError(f'cannot use {list[Plan]!r} here')\n")
    with pytest.raises(ContractError) as info:
        load(contracts)
    text = str(info.value)
    assert "TypeError: cannot use list[plans.Plan] here" in text
    assert "_synth_contracts" not in text
    assert "plans.py:" in text


def test_the_sdks_type_an_array_response_as_a_list(tmp_path: Path) -> None:
    contracts = _contracts(
        tmp_path,
        """
        @api.get("/plans")
        def list_plans() -> list[Plan]: ...
        """,
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["generate", "--contracts", str(contracts), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    client = (out / "sdk/python/plans_client/client.py").read_text()
    assert "def list_plans(self) -> list[models.Plan]:" in client
    assert "_runtime.parse_list(self._send(call), 200, models.Plan)" in client
    ts = (out / "sdk/typescript/src/client.ts").read_text()
    assert "async listPlans(): Promise<schemas.PlanList>" in ts
    assert "export const PlanList = z.array(Plan);" in (out / "zod/schemas.ts").read_text()
    document = json.loads((out / "openapi.json").read_text())
    assert document["components"]["schemas"]["PlanList"]["items"] == {
        "$ref": "#/components/schemas/Plan"
    }
