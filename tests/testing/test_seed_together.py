"""A check's seeded items are sent ``profile.concurrency`` at a time (``Context._create_each``):
at a far target each create costs a round trip, and a page check seeds up to ``max_seed``
items. Each answer is then taken as one create alone takes it: a 409 retried with fresh values,
the items in the order of their bodies, each in ``scope.seeded``.

The tracker's server (examples/tracker) in process, its project create wrapped to count the
creates in flight and to refuse chosen ones.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response

import synth
from examples.tracker import server
from synth.testing import config_from_options
from synth.testing._context import Context
from synth.testing._target import Target
from tests.testing._tracker import tracker_with

ROOT = Path(__file__).resolve().parents[2]
TRACKER = ROOT / "examples" / "tracker" / "contracts"
TENANTS = ["a=tok_acme_0123456789", "b=tok_globex_9876543210"]


@pytest.fixture(autouse=True)
def _fresh_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """A store of its own for each test: the run's seed gives each the same fresh keys."""
    monkeypatch.setattr(server, "STORE", server.Store())


class _Creates:
    """Counts project creates in flight (each held a moment, so that those sent together
    overlap) and refuses with 409 the first create of each project name in ``refused``."""

    def __init__(self, refused: frozenset[str] = frozenset()) -> None:
        self.refused = set(refused)
        self.flying = 0
        self.most = 0

    def app(self) -> Starlette:
        async def create(request: Request) -> Response:
            name = (await request.json()).get("name")
            self.flying += 1
            self.most = max(self.most, self.flying)
            try:
                await asyncio.sleep(0.05)
                if name in self.refused:
                    self.refused.discard(name)
                    raise server.Problem(409, "project_key_taken",
                                         "You already have a project with it.")  # fmt: skip
                return await server.create_project(request)
            finally:
                self.flying -= 1

        return tracker_with(server.create_project, create)


def _seed(creates: _Creates, count: int, profile: str = "default") -> tuple[Context, list[Any]]:
    api = synth.load(TRACKER)
    lister = api.operation("listProjects")
    config = config_from_options(app=creates.app(), tenants=TENANTS, seed=1, contracts=TRACKER,
                                 env={}, profile=profile)  # fmt: skip
    target = Target(config, api)
    data: Any = None  # the bodies are given: nothing is drawn
    ctx = Context(target, "PAGE-COMPLETE", lister, data)
    try:
        scope = ctx.scope("a", lister)
        bodies = [{"key": f"K{n}", "name": f"Project {n}"} for n in range(count)]
        items = ctx.seed(scope, count, bodies=bodies)
        assert scope.seeded == items
    finally:
        target.close()
    return ctx, items


def test_seeded_items_are_sent_together_and_kept_in_order() -> None:
    creates = _Creates()
    ctx, items = _seed(creates, 8)
    concurrency = ctx.target.config.profile.concurrency
    assert concurrency > 1
    # Two rounds: the first ``concurrency`` together, then the rest.
    assert creates.most == concurrency, creates.most
    assert [item["name"] for item in items] == [f"Project {n}" for n in range(8)]
    posts = [e for e in ctx.trace if e.request.method == "POST"]
    assert [e.status for e in posts] == [201] * 8
    # Each with an idempotency key of its own, as a create alone sends it.
    keys = {dict(e.request.headers)["Idempotency-Key"] for e in posts}
    assert len(keys) == 8


def test_a_conflict_among_them_is_retried_alone_with_fresh_values() -> None:
    creates = _Creates(refused=frozenset({"Project 1"}))
    ctx, items = _seed(creates, 4)
    posts = [e for e in ctx.trace if e.request.method == "POST"]
    answers = [(e.status, e.code) for e in posts]
    assert answers == [(201, None), (409, "project_key_taken"), (201, None), (201, None),
                       (201, None)], answers  # fmt: skip
    retried = posts[4].request.json_body
    assert posts[1].request.json_body["key"] != retried["key"]
    assert len(items) == 4
    assert items[1]["key"] == retried["key"]  # in its body's place, not last


def test_one_item_is_created_as_before() -> None:
    creates = _Creates()
    _, items = _seed(creates, 1)
    assert creates.most == 1
    assert len(items) == 1
