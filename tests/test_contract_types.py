"""The strict scalar types accept exactly what their JSON Schema formats say, from JSON."""

from __future__ import annotations

import json
from typing import Annotated

import pytest
from pydantic import ValidationError

from synth.contract import UUID, DateTime, Model, RequestModel, UniqueItems


class Stamped(RequestModel):
    at: DateTime
    id: UUID
    tags: Annotated[list[str], UniqueItems()] = []


GOOD_ID = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"


@pytest.mark.parametrize(
    "value",
    ["2024-05-01T12:00:00Z", "2024-05-01T12:00:00+02:00", "2024-05-01t12:00:00.123456z"],
)
def test_rfc3339_date_times_are_accepted(value: str) -> None:
    Stamped.model_validate_json(json.dumps({"at": value, "id": GOOD_ID}))


@pytest.mark.parametrize(
    "value",
    ["2024-05-01T12:00:00", "1700000000", 1700000000, "2024-05-01", "2024-05-01 12:00:00Z", None],
)
def test_other_date_times_are_rejected(value: object) -> None:
    with pytest.raises(ValidationError):
        Stamped.model_validate_json(json.dumps({"at": value, "id": GOOD_ID}))


@pytest.mark.parametrize(
    "value",
    [GOOD_ID.replace("-", ""), "{" + GOOD_ID + "}", "urn:uuid:" + GOOD_ID, 5, GOOD_ID + " "],
)
def test_uuids_only_in_hyphenated_form(value: object) -> None:
    with pytest.raises(ValidationError):
        Stamped.model_validate_json(json.dumps({"at": "2024-05-01T12:00:00Z", "id": value}))


def test_unique_items() -> None:
    ok = {"at": "2024-05-01T12:00:00Z", "id": GOOD_ID}
    Stamped.model_validate_json(json.dumps({**ok, "tags": ["a", "b"]}))
    with pytest.raises(ValidationError, match="appears more than once"):
        Stamped.model_validate_json(json.dumps({**ok, "tags": ["a", "a"]}))
    assert Stamped.model_json_schema()["properties"]["tags"]["uniqueItems"] is True


def test_strict_and_closed() -> None:
    class Counter(Model):
        n: int

    with pytest.raises(ValidationError):
        Counter.model_validate_json('{"n": "5"}')
    with pytest.raises(ValidationError, match="Extra inputs"):
        Stamped.model_validate_json(
            json.dumps({"at": "2024-05-01T12:00:00Z", "id": GOOD_ID, "x": 1})
        )
    assert Counter.model_validate_json('{"n": 5, "extra": true}').n == 5


def test_python_datetimes_still_work() -> None:
    import uuid
    from datetime import UTC, datetime

    stamped = Stamped(at=datetime(2024, 5, 1, tzinfo=UTC), id=uuid.UUID(GOOD_ID))
    assert stamped.model_dump(mode="json")["at"] == "2024-05-01T00:00:00Z"
