"""Models nested in a request body are as closed, as strict and as defaulted as the body.

One contract nests request models three deep and in lists (``TeamCreate.schedule.slots[i]``,
``TeamCreate.backups[i].slots[j]``). Pydantic's verdict on each value and the generated
Zod's (run by node) must agree, and where both accept, Zod's output must be Pydantic's, with
every default filled in at every depth.
"""

from __future__ import annotations

import importlib
import json
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from synth.document import build
from synth.emit import sdk_python
from synth.emit._sdk.naming import package_name
from synth.loader import load
from synth.spec import ApiSpec
from synth.zod import emit_zod
from tests.zod._node import NodeHarness

pytestmark = pytest.mark.node

CONTRACT = """
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import Field

from synth.contract import Api, Model, RequestModel

api = Api("Teams", "1")
for _code, _status in [
    ("unauthenticated", 401), ("not_found", 404), ("validation_failed", 422),
    ("invalid_request", 400), ("internal_error", 500), ("idempotency_key_missing", 400),
    ("idempotency_key_reused", 422), ("idempotency_key_in_use", 409),
]:
    api.error(_code, _status, _code, "Described.")


class Day(StrEnum):
    mon = "mon"
    tue = "tue"
    wed = "wed"


class Slot(RequestModel):
    start: Annotated[int, Field(ge=0, le=23)]
    label: str = "work"


class Schedule(RequestModel):
    working_days: list[Day] = Field(default_factory=lambda: [Day.mon, Day.tue])
    default_priority: Annotated[int, Field(ge=1, le=5)] = 2
    slots: list[Slot] = []


class TeamCreate(RequestModel):
    name: str
    schedule: Schedule
    backups: list[Schedule] = []


class Team(Model):
    id: UUID
    name: str
    schedule: Schedule
    backups: list[Schedule]


@api.post("/teams", status=201, idempotent=True)
def create_team(body: TeamCreate) -> Team: ...
"""

BASE: dict[str, Any] = {"name": "core", "schedule": {"slots": [{"start": 9}]}}

# (what, accepted, value): each is judged by Pydantic and by Zod, and both verdicts must be
# `accepted`: a request body refuses unknown keys and lax types at every depth.
VALUES: list[tuple[str, bool, Any]] = [
    ("defaults left out at depth 2 and 3", True, BASE),
    ("everything given", True, {
        "name": "core",
        "schedule": {"working_days": ["wed"], "default_priority": 5,
                     "slots": [{"start": 0, "label": "early"}]},
        "backups": [{"working_days": [], "default_priority": 1, "slots": []}],
    }),
    ("defaults left out in a list of models", True, {**BASE, "backups": [{}, {"slots": [{"start": 1}]}]}),
    ("unknown key at depth 2", False, {**BASE, "schedule": {"slots": [], "extra": 1}}),
    ("unknown key at depth 3, in a list", False, {**BASE, "schedule": {"slots": [{"start": 9, "x": 1}]}}),
    ("unknown key at depth 4, in lists", False, {**BASE, "backups": [{"slots": [{"start": 1, "x": 0}]}]}),
    ("a string for an integer at depth 2", False, {**BASE, "schedule": {"default_priority": "2"}}),
    ("a string for an integer at depth 3", False, {**BASE, "schedule": {"slots": [{"start": "9"}]}}),
    ("a float for an integer at depth 4", False, {**BASE, "backups": [{"slots": [{"start": 9.5}]}]}),
    ("a number out of range at depth 3", False, {**BASE, "schedule": {"slots": [{"start": 24}]}}),
    ("not an enum member at depth 2", False, {**BASE, "schedule": {"working_days": ["sun"]}}),
    ("null for a defaulted field at depth 2", False, {**BASE, "schedule": {"default_priority": None}}),
    ("a required field left out at depth 3", False, {**BASE, "schedule": {"slots": [{"label": "x"}]}}),
    ("a boolean for an integer at depth 3", False, {**BASE, "schedule": {"slots": [{"start": True}]}}),
]  # fmt: skip


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> ApiSpec:
    folder = tmp_path_factory.mktemp("teams") / "teams"
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    (folder / "api.py").write_text(textwrap.dedent(CONTRACT))
    return load(folder)


@pytest.fixture(scope="module")
def zod(spec: ApiSpec, node: NodeHarness) -> str:
    node.load("teams", emit_zod(build(spec)), "index.ts")
    return "teams"


@pytest.fixture(scope="module")
def sdk(spec: ApiSpec, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    root = tmp_path_factory.mktemp("teams-sdk")
    for rel, text in sdk_python.emit(spec, build(spec)).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    sys.path.insert(0, str(root / "sdk" / "python"))
    try:
        yield importlib.import_module(package_name(spec.title))
    finally:
        sys.path.remove(str(root / "sdk" / "python"))


def _body_model(spec: ApiSpec) -> type[BaseModel]:
    [op] = [op for op in spec.operations if op.body is not None]
    assert op.body is not None
    return op.body


@pytest.mark.parametrize("case", VALUES, ids=[w for w, _, _ in VALUES])
def test_pydantic_and_zod_agree_at_every_depth(
    case: tuple[str, bool, Any], spec: ApiSpec, zod: str, node: NodeHarness, sdk: ModuleType
) -> None:
    what, accepted, value = case
    text = json.dumps(value)
    try:
        parsed: Any = _body_model(spec).model_validate_json(text).model_dump(mode="json")
    except ValidationError:
        parsed = None
    assert (parsed is not None) == accepted, what
    [result] = node.parse(zod, "TeamCreate", [text])
    assert result["valid"] == accepted, (what, result)
    if parsed is not None:
        assert json.loads(result["output"]) == parsed, what
    # The Python SDK's model of the body: the same verdict, the same defaults.
    try:
        # warnings="none": the SDK's enum defaults are the values as text (`["mon", "tue"]`),
        # as datamodel-code-generator writes them, which pydantic warns about when dumping.
        built: Any = sdk.models.TeamCreate.model_validate_json(text).model_dump(
            mode="json", warnings="none"
        )
    except ValidationError:
        built = None
    assert built == parsed, what


def test_defaults_are_written_at_every_depth_and_required_in_responses(spec: ApiSpec) -> None:
    schemas = spec.schemas
    request = schemas["Schedule-Input"]
    assert request["additionalProperties"] is False
    assert request["properties"]["working_days"]["default"] == ["mon", "tue"]
    assert request["properties"]["default_priority"]["default"] == 2
    assert schemas["Slot-Input"]["properties"]["label"]["default"] == "work"
    assert "required" not in request
    # A response always carries a defaulted field (the server fills it in), and ignores
    # unknown keys at every depth, as the top-level response model does.
    response = schemas["Schedule-Output"]
    assert set(response["required"]) == {"working_days", "default_priority", "slots"}
    assert "additionalProperties" not in response
    assert "additionalProperties" not in schemas["Slot-Output"]
    assert "additionalProperties" not in schemas["Team"]


def test_a_response_missing_a_defaulted_field_at_depth_is_refused(
    spec: ApiSpec, zod: str, node: NodeHarness
) -> None:
    slot = {"start": 1, "label": "work"}
    schedule = {"working_days": ["mon"], "default_priority": 2, "slots": [slot]}
    team = {"id": "1b4e28ba-2fa1-11d2-883f-0016d3cca427", "name": "x", "schedule": schedule,
            "backups": []}  # fmt: skip
    lacking = {**team, "schedule": {**schedule, "slots": [{"start": 1}]}}
    extra = {**team, "schedule": {**schedule, "later": True}}
    results = node.parse(zod, "Team", [json.dumps(v) for v in (team, lacking, extra)])
    assert [r["valid"] for r in results] == [True, False, True]


def test_factory_defaults_that_change_are_not_written(tmp_path: Path) -> None:
    folder = tmp_path / "stamps"
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    source = textwrap.dedent(CONTRACT).replace(
        "    name: str\n    schedule: Schedule\n",
        "    name: str\n    schedule: Schedule\n"
        "    ref: UUID = Field(default_factory=__import__('uuid').uuid4)\n",
    )
    (folder / "api.py").write_text(source)
    props = load(folder).schemas["TeamCreate"]["properties"]
    assert "default" not in props["ref"]
    assert "ref" not in load(folder).schemas["TeamCreate"].get("required", [])
