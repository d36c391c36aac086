"""A model nested in a request body refuses what the body refuses: a located message if not."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from synth import ContractError, load
from synth.cli import main
from tests.test_loader_errors import _write

# name, body (the line marked `# <-` is where the error must point), expected message part
CASES = [
    (
        "a response model nested in a request body",
        """
        class Schedule(Model):  # <-
            default_priority: int = 2

        class TeamCreate(RequestModel):
            name: str
            schedule: Schedule

        @api.post("/teams", status=201)
        def create_team(body: TeamCreate) -> Thing: ...
        """,
        "Schedule is nested in the request body of create_team (TeamCreate), but unknown "
        "keys are ignored in it",
    ),
    (
        "a lax model two deep, in a list",
        """
        class Slot(BaseModel):  # <-
            start: int

        class Schedule(RequestModel):
            slots: list[Slot] = []

        class TeamCreate(RequestModel):
            schedules: list[Schedule]

        @api.post("/teams", status=201)
        def create_team(body: TeamCreate) -> Thing: ...
        """,
        "Slot is nested in the request body of create_team (TeamCreate), but unknown keys "
        "are ignored and validation is lax in it",
    ),
    (
        "a closed but lax model in an optional field",
        """
        class Slot(BaseModel):  # <-
            model_config = ConfigDict(extra="forbid")
            start: int

        class TeamCreate(RequestModel):
            slot: Slot | None = None

        @api.post("/teams", status=201)
        def create_team(body: TeamCreate) -> Thing: ...
        """,
        "but validation is lax in it",
    ),
]


@pytest.mark.parametrize(("name", "body", "expected"), CASES, ids=[c[0] for c in CASES])
def test_reported_at_the_nested_model(tmp_path: Path, name: str, body: str, expected: str) -> None:
    contracts, line = _write(tmp_path, body)
    with pytest.raises(ContractError) as info:
        load(contracts)
    text = str(info.value)
    assert expected in text
    assert f"things.py:{line}:" in text
    assert "fix: derive" in text
    assert text.count(" is nested in the request body of ") == 1


@pytest.mark.parametrize(("name", "body", "expected"), CASES[:1], ids=[c[0] for c in CASES[:1]])
def test_cli_exits_2_and_writes_nothing(
    tmp_path: Path, name: str, body: str, expected: str
) -> None:
    contracts, _ = _write(tmp_path, body)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["generate", "--contracts", str(contracts), "--out", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert expected in result.output
    assert not out.exists()


def test_a_model_used_by_two_bodies_is_reported_once(tmp_path: Path) -> None:
    contracts, line = _write(
        tmp_path,
        """
        class Slot(Model):  # <-
            start: int

        class A(RequestModel):
            slot: Slot

        class B(RequestModel):
            slots: list[Slot]

        @api.post("/a", status=201)
        def create_a(body: A) -> Thing: ...

        @api.post("/b", status=201)
        def create_b(body: B) -> Thing: ...
        """,
    )
    with pytest.raises(ContractError) as info:
        load(contracts)
    assert str(info.value).count("Slot is nested in the request body") == 1
    assert f"things.py:{line}: Slot is nested" in str(info.value)


def test_request_models_nested_anywhere_load(tmp_path: Path) -> None:
    contracts, _ = _write(
        tmp_path,
        """
        class Slot(RequestModel):
            start: int

        class Schedule(RequestModel):
            slots: list[Slot] = []
            by_day: dict[str, Slot] = {}

        class TeamCreate(RequestModel):
            schedule: Schedule | None = None  # <-

        class Team(Model):
            id: UUID
            schedule: Schedule | None

        @api.post("/teams", status=201)
        def create_team(body: TeamCreate) -> Team: ...
        """,
    )
    spec = load(contracts)
    assert spec.schemas["Slot-Input"]["additionalProperties"] is False
    assert "additionalProperties" not in spec.schemas["Slot-Output"]
