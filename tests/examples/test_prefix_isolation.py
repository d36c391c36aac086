"""A ``prefix`` filter on a plain string field isolates a check's items, as an ``icontains``
one does: ``Context.mark`` puts the scope's marker first in free text, so the list filtered
by the marker holds the check's items and nothing else. The fleet example's vehicles
(`GET /vehicles?make=...`, a prefix on the make, cursor-paged) were walked whole, keeping
their part of the API from every other check; now each check walks its own.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from examples.fleet import server as fleet
from examples.fleet.example import CONTRACTS, TENANTS
from synth import load
from synth.testing import config_from_options
from synth.testing._context import Context, may_isolate
from synth.testing._target import Target


@pytest.fixture
def target() -> Iterator[Target]:
    fleet.S = fleet.Store()
    config = config_from_options(app=fleet.app, tenants=[f"{k}={v}" for k, v in TENANTS.items()],
                                 seed=1, env={}, contracts=CONTRACTS)  # fmt: skip
    made = Target(config, load(CONTRACTS))
    yield made
    made.close()


def test_a_prefix_filter_on_free_text_gives_a_check_a_list_of_its_own(target: Target) -> None:
    lister = target.api.operation("listVehicles")
    assert may_isolate(target.api, target.schemas, target.graph, lister)
    tenant = target.config.tenants[0].name

    @settings(max_examples=2, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(st.data())
    def check(data: st.DataObject) -> None:
        ctx = Context(target, "PAGE-COMPLETE", lister, data)
        ctx.seed(ctx.scope(tenant, lister), 2)  # another check's vehicles, left in the list
        scope = ctx.scope(tenant, lister)
        assert scope.isolated
        assert scope.query == {"make": scope.marker}
        made = ctx.seed(scope, 3)
        walk = ctx.walk(scope, limit=2)
        assert sorted(walk.ids) == sorted(str(item["id"]) for item in made)

    check()


@pytest.mark.parametrize(("longest", "isolates"), [(16, False), (17, True)])
def test_a_field_too_short_for_a_whole_marker_isolates_nothing(
    tmp_path: Path, longest: int, isolates: bool
) -> None:
    """Cut short to the field's ``maxLength``, the marker would begin no value: the filter on
    it would hide the check's own items."""
    contracts = tmp_path / "contracts"
    shutil.copytree(CONTRACTS, contracts)
    models = contracts / "models.py"
    text = models.read_text(encoding="utf-8")
    declared = "make: Annotated[str, Field(min_length=1, max_length=30)]"
    assert declared in text
    models.write_text(text.replace(declared, declared.replace("30", str(longest))), "utf-8")
    api = load(contracts)
    config = config_from_options(app=fleet.app, tenants=[f"{k}={v}" for k, v in TENANTS.items()],
                                 seed=1, env={}, contracts=contracts)  # fmt: skip
    made = Target(config, api)
    try:
        lister = api.operation("listVehicles")
        assert may_isolate(api, made.schemas, made.graph, lister) is isolates
    finally:
        made.close()
