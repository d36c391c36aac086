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


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from tests.zod import test_parity

    if test_parity.TOTALS:
        total = sum(v["values"] for v in test_parity.TOTALS.values())
        deviations = sum(v["deviations"] for v in test_parity.TOTALS.values())
        valid = sum(v["valid"] for v in test_parity.TOTALS.values())
        terminalreporter.write_line(
            f"zod parity: {total} values across {len(test_parity.TOTALS)} models "
            f"({valid} valid per pydantic), {total - deviations} agreed outright, "
            f"{deviations} explained by documented deviations"
        )
