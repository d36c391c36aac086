"""The contract's examples are the first cases ``synth test`` tries, as conformance's explicit
examples (on top of its budget); the invariant checks draw their bodies, so a declared example
never takes the place of a drawn one there."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest

from examples.reference_server.app import create_app
from synth.spec import ApiSpec
from synth.testing import Outcome, Target, config_from_options
from synth.testing._conformance import conformance
from synth.testing._context import Context
from synth.testing._runner import run_check
from synth.testing.invariants import REGISTRY

from .conftest import TOKENS


@pytest.fixture
def target(api: ApiSpec) -> Iterator[Target]:
    config = config_from_options(app=create_app(), tenants=TOKENS, profile="quick", seed=1,
                                 env={})  # fmt: skip
    target = Target(config, api)
    yield target
    target.close()


def _declared(api: ApiSpec) -> list[Any]:
    bodies = [e.body for e in api.operation("createContact").examples]
    assert len(bodies) == 2, "contracts/contacts.py declares two examples of createContact"
    return bodies


def test_a_check_draws_its_bodies_rather_than_sending_the_examples(
    api: ApiSpec, target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A declared contact without an e-mail as a check's first body would spend an example
    on a body that cannot show an e-mail leaking across tenants (ten-email-global)."""
    drawn: list[Any] = []

    def record(ctx: Context) -> None:
        drawn.append(ctx.raw_body(ctx.op))

    monkeypatch.setitem(REGISTRY, "IDEM-REPLAY",
                        dataclasses.replace(REGISTRY["IDEM-REPLAY"], run=record))  # fmt: skip
    finding = run_check("IDEM-REPLAY", "createContact", target)
    assert finding.outcome is Outcome.PASSED
    assert drawn
    assert all(body not in _declared(api) for body in drawn)


def test_a_body_for_another_operation_is_drawn(
    api: ApiSpec, target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seeding a contact for a check on another operation draws its body as always."""
    drawn: list[Any] = []

    def record(ctx: Context) -> None:
        drawn.append(ctx.raw_body(api.operation("createContact")))

    monkeypatch.setitem(REGISTRY, "IDEM-REPLAY",
                        dataclasses.replace(REGISTRY["IDEM-REPLAY"], run=record))  # fmt: skip
    run_check("IDEM-REPLAY", "createInteraction", target)
    assert drawn
    assert all(body not in _declared(api) for body in drawn)


def test_conformance_sends_the_examples_first(api: ApiSpec, target: Target) -> None:
    conformance("createContact", target)
    sent = [e.request.json_body for e in target.client.log
            if e.request.method == "POST" and e.request.path.endswith("/contacts")]  # fmt: skip
    assert sent[:2] == _declared(api)
    first = next(e for e in target.client.log if e.request.method == "POST")
    assert first.status == 201
    assert any(name.lower() == "idempotency-key" for name, _ in first.request.headers)
