"""Fixtures for the Zod emitter tests: the node harness, the golden-file update flag."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.zod._node import NodeHarness, node_available


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/zod/golden/ from the emitter's current output",
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return (
        bool(request.config.getoption("--update-golden", default=False))
        or os.environ.get("SYNTH_UPDATE_GOLDEN") == "1"
    )


@pytest.fixture(scope="session")
def node() -> Iterator[NodeHarness]:
    reason = node_available()
    if reason:
        pytest.skip(reason)
    with NodeHarness() as harness:
        yield harness
