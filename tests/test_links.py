"""OpenAPI ``links`` from the relations, and schemathesis's stateful phase following them.

Each creator's success answer links to the operations on the item it makes (read, update,
delete, actions) and to its child collections', the item's id from the answer's body and
the parents of an id unique within its parent from the creator's own path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from openapi_spec_validator import validate
from schemathesis.specs.openapi.stateful import OpenAPIStateMachine

from synth import load
from synth.document import build
from tests.testing.vault import write_contracts

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return build(load(write_contracts(tmp_path_factory.mktemp("vault"))))


@pytest.fixture(scope="module")
def tracker() -> dict[str, Any]:
    return build(load(ROOT / "examples" / "tracker" / "contracts"))


def _ops(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {op["operationId"]: op for item in doc["paths"].values() for op in item.values()}


def _links(doc: dict[str, Any], op: str, status: str) -> dict[str, dict[str, str]]:
    links = _ops(doc)[op]["responses"][status].get("links", {})
    return {name: link["parameters"] for name, link in links.items()}


def test_ids_unique_within_a_parent_take_the_parent_from_the_request(
    tracker: dict[str, Any],
) -> None:
    validate(tracker)
    task = {"project_id": "$request.path.project_id", "task_number": "$response.body#/number"}
    assert _links(tracker, "createTask", "201") == {"getTask": task, "completeTask": task}
    project = {"project_id": "$response.body#/id"}
    assert _links(tracker, "createProject", "201") == {
        "getProject": project, "updateProject": project,  # the item
        "listTasks": project, "createTask": project,  # its child collection
    }  # fmt: skip
    for name, link in _ops(tracker)["createTask"]["responses"]["201"]["links"].items():
        assert link["operationId"] == name
    # Only creators link: a read or a list makes nothing.
    assert not _links(tracker, "getTask", "200")
    assert not _links(tracker, "listTasks", "200")


def test_an_upsert_answers_201_or_200_and_links_from_both(vault: dict[str, Any]) -> None:
    validate(vault)
    put = _ops(vault)["putAccount"]
    assert {"200", "201"} <= set(put["responses"])
    assert put["x-synth-semantics"]["upsert"] is True
    account = {"account_id": "$response.body#/id"}
    expected = {"getAccount": account, "depositAccount": account, "freezeAccount": account}
    assert _links(vault, "putAccount", "201") == expected
    assert _links(vault, "putAccount", "200") == expected


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ("tracker", {("createProject", "getProject"), ("createProject", "updateProject"),
                     ("createProject", "listTasks"), ("createProject", "createTask"),
                     ("createTask", "getTask"), ("createTask", "completeTask"),
                     ("createNote", "getActivity")}),
        ("vault", {("putAccount", "getAccount"), ("putAccount", "depositAccount"),
                   ("putAccount", "freezeAccount")}),
    ],
)  # fmt: skip
def test_schemathesis_stateful_phase_follows_the_links(
    doc: str, expected: set[tuple[str, str]], request: pytest.FixtureRequest
) -> None:
    """schemathesis 4 builds its state machine's transitions from the document's links."""
    document = request.getfixturevalue(doc)
    ids = {f"{m.upper()} {p}": o["operationId"]
           for p, item in document["paths"].items() for m, o in item.items()}  # fmt: skip
    machine = schemathesis.openapi.from_dict(document).as_state_machine()
    assert issubclass(machine, OpenAPIStateMachine)
    declared = {
        (ids[link.source.label], ids[link.target.label])
        for transitions in machine._transitions.operations.values()
        for link in transitions.outgoing
        if not link.is_inferred
    }
    assert declared == expected
    # Each link feeds a bundle of the machine, which its rules draw from.
    bundles = set(machine.bundles)
    for source, _ in expected:
        op = _ops(document)[source]
        label = next(label for label, name in ids.items() if name == source)
        assert any(name.startswith(f"{label} -> ") for name in bundles), (op, bundles)
