"""UPSERT-STATUS: declared where an upsert declares both 201 and 200; the warehouse's correct
server passes it and its planted ``upsert-create-200`` is reported by it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import synth
from examples.warehouse import example as warehouse
from examples.warehouse.server import create_app
from synth.catalogue import BY_ID, coverage
from synth.spec import ApiSpec
from synth.testing import Outcome, Target, config_from_options
from synth.testing._data import Schemas
from synth.testing._runner import run_check
from synth.testing._unique import Fresh
from tests._taxonomy import STANDARD_ERRORS

CONTRACT = """\
from typing import Annotated

from pydantic import Field

from synth.contract import Api, Model, RequestModel

api = Api("Clinic", "1.0.0")
{errors}
Code = Annotated[str, Field(pattern=r"^[a-z]{{3,10}}$")]


class Vaccine(Model):
    code: Code
    note: str


class VaccineBody(RequestModel):
    note: Annotated[str, Field(max_length=40)]


@api.put("/vaccines/{{code}}"{upsert})
def put_vaccine(code: Code, body: VaccineBody) -> Vaccine: ...
{read}
"""
READ = """
@api.get("/vaccines/{code}")
def get_vaccine(code: Code) -> Vaccine: ...
"""


def _load(tmp_path: Path, upsert: str = ", upsert=True", read: str = READ) -> ApiSpec:
    root = tmp_path / "contracts"
    root.mkdir()
    (root / "__init__.py").write_text("")
    text = CONTRACT.format(errors=STANDARD_ERRORS, upsert=upsert, read=read)
    (root / "clinic.py").write_text(text)
    return synth.load(root)


def _upsert_rows(api: ApiSpec) -> dict[str, str | None]:
    return {c.operation.operation_id: c.reason for c in coverage(api)
            if c.entry is BY_ID["UPSERT-STATUS"]}  # fmt: skip


def test_declared_and_exercised_on_an_upsert_declaring_201_and_200(tmp_path: Path) -> None:
    api = _load(tmp_path)
    assert _upsert_rows(api) == {"putVaccine": None}


def test_not_declared_on_a_put_that_declares_200_alone(tmp_path: Path) -> None:
    """A PUT without upsert=True declares 200 only (the contract language gives every upsert
    both 201 and 200): a server that always answers 200 there is right."""
    api = _load(tmp_path, upsert="")
    assert not api.operation("putVaccine").upsert
    assert _upsert_rows(api) == {}


def test_declared_without_a_read_says_why_it_cannot_run(tmp_path: Path) -> None:
    rows = _upsert_rows(_load(tmp_path, read=""))
    assert list(rows) == ["putVaccine"]
    reason = rows["putVaccine"]
    assert reason is not None
    assert "no GET of the item putVaccine creates" in reason


def test_not_declared_on_operations_that_are_not_upserts() -> None:
    api = synth.load(warehouse.CONTRACTS)
    rows = _upsert_rows(api)
    assert rows == {"putProduct": None}


def _target(bugs: frozenset[str], seed: int) -> Target:
    config = config_from_options(
        app=create_app(bugs),
        tenants=[f"{name}={secret}" for name, secret in warehouse.TENANTS.items()],
        tenant_ids=[f"{name}={value}" for name, value in warehouse.TENANT_IDS.items()],
        seed=seed,
        contracts=warehouse.CONTRACTS,
        profile="quick",
        env={},
    )
    return Target(config, synth.load(warehouse.CONTRACTS))


@pytest.fixture
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    bugs, seed = request.param
    made = _target(frozenset(bugs), seed)
    yield made
    made.close()


@pytest.mark.parametrize("target", [((), 1), ((), 2), ((), 3)], indirect=True)
def test_the_correct_warehouse_passes(target: Target) -> None:
    finding = run_check("UPSERT-STATUS", "putProduct", target)
    assert finding.outcome is Outcome.PASSED, finding.message
    assert finding.exercised >= 1


@pytest.mark.parametrize("target", [(("upsert-create-200",), 1)], indirect=True)
def test_an_upsert_answering_200_when_it_creates_is_reported(target: Target) -> None:
    finding = run_check("UPSERT-STATUS", "putProduct", target)
    assert finding.outcome is Outcome.VIOLATION, finding.message
    assert "201" in finding.message, finding.message


def test_new_path_values_follow_the_schema_and_never_repeat() -> None:
    fresh = Fresh(Schemas(synth.load(warehouse.CONTRACTS)), seed=1)
    schema = {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$"}
    made = [fresh.path_value("putProduct.sku", schema, lambda v: True) for _ in range(20)]
    assert all(v is not None and re.fullmatch(r"[A-Z]{3}-[0-9]{4}", v) for v in made), made
    assert len(set(made)) == len(made)
    # Where the schema admits no new value in every example, none is made (the check says why).
    assert fresh.path_value("k", {"type": "string", "enum": ["a", "b"]}, lambda v: True) is None
    assert fresh.path_value("k", schema, lambda v: False) is None


def test_a_run_repeated_with_its_seed_makes_new_ids_of_its_own() -> None:
    """With the same ``--seed``, each run's new ids differ (salted by its run id): the last
    run's would find the items it left (a server that keeps them, an upsert with no delete),
    and be answered as replacing them. Within a run, a check's values still do not depend on
    what ran before it on its worker."""
    api = synth.load(warehouse.CONTRACTS)
    schema = {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$"}

    def first(fresh: Fresh, before: int = 0) -> str | None:
        for _ in range(before):
            fresh.reseed("TEN-READ:getProduct")
            fresh.path_value("putProduct.sku", schema, lambda v: True)
        fresh.reseed("UPSERT-STATUS:putProduct")
        return fresh.path_value("putProduct.sku", schema, lambda v: True)

    def run() -> Target:
        config = config_from_options(
            app=create_app(),
            tenants=[f"{name}={secret}" for name, secret in warehouse.TENANTS.items()],
            tenant_ids=[f"{name}={value}" for name, value in warehouse.TENANT_IDS.items()],
            seed=7,
            env={},
        )
        return Target(config, api)

    one, two = run(), run()
    assert one.run_id != two.run_id
    assert first(one.fresh) != first(two.fresh)
    salted = Fresh(Schemas(api), seed=7, salt=one.run_id)
    assert first(salted, before=3) == first(Fresh(Schemas(api), seed=7, salt=one.run_id))
