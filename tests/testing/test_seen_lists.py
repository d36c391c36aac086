"""A list that no scope can isolate is walked whole at its largest limit for each example's
baseline (``Context.scope``); where nothing can have changed it since the last such walk (no
write by the process but the check's own seeded items, and the list's part kept all along), the
baseline is what that walk showed plus those items (``Target.seen_list``), not another walk.

The reference server in process; its jobs list is the tenant's whole list (no parent, no
filter a check can own).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from examples.reference_server.app import create_app
from synth.spec import ApiSpec
from synth.testing import config_from_options
from synth.testing._context import Context
from synth.testing._lock import RunLock
from synth.testing._target import Target

from .conftest import TOKENS

_JOB = {"kind": "export_contacts"}
_NOTHING_DRAWN: Any = None  # every body is given: nothing is drawn


@pytest.fixture
def target(api: ApiSpec) -> Iterator[Target]:
    config = config_from_options(app=create_app(), tenants=TOKENS, seed=1, env={})
    made = Target(config, api)
    yield made
    made.close()


def _listing(target: Target) -> int:
    """GETs of the jobs list sent so far."""
    return sum(1 for e in target.client.log if e.request.method == "GET"
               and e.request.path.endswith("/jobs"))  # fmt: skip


def _fresh(ctx: Context, scope: Any) -> set[str]:
    assert scope.lister.pagination is not None
    return set(ctx.walk(scope, limit=scope.lister.pagination.limit.max).ids)


def test_a_baseline_is_the_last_whole_walk_plus_what_the_check_seeded(
    api: ApiSpec, target: Target
) -> None:
    lister = api.operation("listJobs")
    ctx = Context(target, "PAGE-COMPLETE", lister, _NOTHING_DRAWN)
    for _ in range(3):
        ctx.send("a", api.operation("createJob"), body=_JOB)
    scope = ctx.scope("a", lister)
    assert not scope.isolated
    assert len(scope.baseline) == 3
    walked = _listing(target)
    assert walked >= 1
    again = ctx.scope("a", lister)
    assert again.baseline == scope.baseline
    assert _listing(target) == walked, "nothing sent since: the last walk is the baseline"
    made = ctx.seed(again, 3, bodies=[_JOB] * 3)
    grown = ctx.scope("a", lister)
    assert _listing(target) == walked, "only the check's seeded items since: added to it"
    assert grown.baseline == scope.baseline | {ctx.item_id(lister, i, {}) for i in made}
    assert grown.baseline == _fresh(ctx, grown)
    # Any other write since (here a create the check did not seed): walked again.
    ctx.send("a", api.operation("createJob"), body=_JOB)
    walked = _listing(target)
    after = ctx.scope("a", lister)
    assert _listing(target) > walked
    assert len(after.baseline) == len(grown.baseline) + 1
    # Another tenant's list is another list.
    walked = _listing(target)
    ctx.scope("b", lister)
    assert _listing(target) > walked


def test_a_baseline_is_walked_again_once_the_part_was_let_go(
    api: ApiSpec, target: Target, tmp_path: Path
) -> None:
    """Between two tests, or while a confirmation takes the run's lock, the part was let go:
    another process may have written to the list."""
    lister = api.operation("listJobs")
    target.lock = RunLock(tmp_path)
    try:
        target.lock.shared(target.part("listJobs"))
        ctx = Context(target, "PAGE-COMPLETE", lister, _NOTHING_DRAWN)
        ctx.scope("a", lister)
        walked = _listing(target)
        ctx.scope("a", lister)
        assert _listing(target) == walked, "kept all along"
        target.lock.exclusive()  # a confirmation: the part let go, the run's lock taken
        ctx.scope("a", lister)
        assert _listing(target) > walked
        walked = _listing(target)
        ctx.scope("a", lister)
        assert _listing(target) == walked, "the run's lock kept since"
    finally:
        target.lock.close()
