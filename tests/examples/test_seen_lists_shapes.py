"""A baseline taken from the last whole walk (``Target.seen_list``, ``grow_list``) on lists
shaped otherwise than the CRM's cursor-paged jobs list (tests/testing/test_seen_lists.py):
offset, page-number and link paging, a list whose items a PUT upsert makes, with the tenant in
the path. Each list is one no scope can isolate. After the check seeds items the baseline is
the walk's ids plus theirs, with no other walk (where the seeds made nothing else, such as an
item they reference); a fresh walk shows exactly that.

The examples' servers in process, the seeds drawn as a check draws them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, reject, settings
from hypothesis import strategies as st

from examples.feeds import server as feeds
from examples.feeds.example import CONTRACTS as FEEDS
from examples.feeds.example import TENANTS as FEEDS_TENANTS
from examples.ticketing import server as ticketing
from examples.ticketing.example import CONTRACTS as TICKETING
from examples.ticketing.example import TENANTS as TICKETING_TENANTS
from examples.warehouse.example import CONTRACTS as WAREHOUSE
from examples.warehouse.example import TENANT_IDS as WAREHOUSE_IDS
from examples.warehouse.example import TENANTS as WAREHOUSE_TENANTS
from examples.warehouse.server import create_app as warehouse_app
from synth import load
from synth.testing import config_from_options
from synth.testing._context import Context, may_isolate
from synth.testing._target import Target
from synth.testing._violation import NoExample


def _pairs(values: dict[str, str]) -> list[str]:
    return [f"{name}={value}" for name, value in values.items()]


@dataclass(frozen=True)
class Shape:
    contracts: Path
    app: Callable[[], Any]
    tenants: list[str]
    tenant_ids: list[str]


def _feeds() -> Any:
    feeds.STORE = feeds.Store()
    return feeds.app


def _ticketing() -> Any:
    ticketing.DB.clear()
    ticketing.IDEM.clear()
    return ticketing.app


_FEEDS = Shape(FEEDS, _feeds, _pairs(FEEDS_TENANTS), [])
# Offset paging is ticketing's `listVenues`: feeds' `listPublishers` has a prefix filter on a
# plain name, which isolates a check's items (``_context.isolating_filters``).
SHAPES = {
    "page-number": (_FEEDS, "listPlaylists"),
    "link": (_FEEDS, "listEvents"),
    "offset-api-key": (Shape(TICKETING, _ticketing, _pairs(TICKETING_TENANTS), []), "listVenues"),
    "put-upsert-tenant-in-path": (
        Shape(WAREHOUSE, warehouse_app, _pairs(WAREHOUSE_TENANTS), _pairs(WAREHOUSE_IDS)),
        "listProducts",
    ),
}


@pytest.fixture(params=sorted(SHAPES))
def case(request: pytest.FixtureRequest) -> Iterator[tuple[Target, str]]:
    shape, lister = SHAPES[request.param]
    api = load(shape.contracts)
    config = config_from_options(app=shape.app(), tenants=shape.tenants,
                                 tenant_ids=shape.tenant_ids, seed=1, env={},
                                 contracts=shape.contracts)  # fmt: skip
    made = Target(config, api)
    yield made, lister
    made.close()


def test_a_grown_baseline_is_what_a_fresh_walk_shows(case: tuple[Target, str]) -> None:
    target, name = case
    lister = target.api.operation(name)
    assert lister.pagination is not None
    largest = lister.pagination.limit.max  # the limit a baseline's whole walk uses
    assert not may_isolate(target.api, target.schemas, target.graph, lister)
    tenant = target.config.tenants[0].name
    tail = lister.path.rsplit("/", 1)[-1]

    def listing() -> int:
        return sum(1 for e in target.client.log if e.request.method == "GET"
                   and e.request.path.rstrip("/").endswith("/" + tail))  # fmt: skip

    reused: list[bool] = []

    # A few examples: one may draw no usable fresh value (a check's example is set aside so
    # too, ``NoExample``); each that does seeds and compares.
    @settings(max_examples=3, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(st.data())
    def check(data: st.DataObject) -> None:
        ctx = Context(target, "PAGE-COMPLETE", lister, data)
        try:
            first = ctx.scope(tenant, lister)
            walked, writes = listing(), target.client.writes
            made = ctx.seed(first, 3)
        except NoExample:
            reject()
        assert not first.isolated
        assert len(made) == 3
        alone = target.client.writes == writes + len(made)
        grown = ctx.scope(tenant, lister)
        ids = {ctx.item_id(lister, item, first.params) for item in made}
        if alone:  # only the check's seeded items since: no walk
            assert listing() == walked
            assert grown.baseline == first.baseline | ids
        else:  # the seeds made what they reference too (another write): walked again
            assert listing() > walked
            assert grown.baseline >= first.baseline | ids
        reused.append(alone)
        fresh = set(ctx.walk(grown, limit=largest).ids)
        assert fresh == grown.baseline

    check()
    assert any(reused), "no example's seeds were the only writes: reuse not exercised"
