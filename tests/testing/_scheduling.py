"""Simulated pytest-xdist workers for ``PartScheduling`` (``synth/testing/_parallel.py``): the
tests an API's contracts generate, workers that record what they are sent, a scheduler over
them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from synth.spec import ApiSpec
from synth.testing._order import test_key as key_of_test

__all__ = ["Node", "emitted", "unlimited", "workers"]


def emitted(contracts: Path) -> tuple[ApiSpec, list[str]]:
    """An API and the names of the tests ``synth generate`` writes for it."""
    from synth import loader
    from synth.emit.tests import emit_tests

    api = loader.load(contracts)
    return api, [n for src in emit_tests(api).values() for n in re.findall(r"def (test_\w+)", src)]


class Node:
    """What pytest-xdist's scheduler sees of a worker."""

    def __init__(self, name: str) -> None:
        self.gateway = type("Gateway", (), {"id": name})()
        self.shutting_down = False
        self.sent: list[int] = []

    def send_runtest_some(self, indexes: list[int]) -> None:
        self.sent += indexes

    def send_runtest_all(self) -> None:
        raise AssertionError("units are sent one by one")

    def shutdown(self) -> None:
        self.shutting_down = True


def workers(
    shape: Any, collected: list[str], count: int = 2, folder: Path | None = None
) -> tuple[Any, ...]:
    """``PartScheduling`` with two tenants over ``count`` simulated workers that collected
    ``collected``, its first units handed out: the scheduler, then the workers. ``folder``:
    the run's, where a part's object-level check handed out ahead is told of its part's end."""
    from types import SimpleNamespace

    from synth.testing._parallel import PartScheduling

    config: Any = SimpleNamespace(getvalue=lambda name: [f"{count}*popen"],
                                  option=SimpleNamespace(loadscopereorder=False))  # fmt: skip
    scheduler = PartScheduling(config, shape, tenants=2, folder=folder)
    nodes = [Node(f"gw{i}") for i in range(count)]
    for node in nodes:
        scheduler.add_node(node)
        scheduler.add_node_collection(node, collected)
    scheduler.schedule()
    return scheduler, *nodes


def unlimited(shape: Any, name: str) -> bool:
    """Whether test ``name``'s operation spends no rate-limit quota (``quotas_spent``)."""
    from synth.testing._parallel import quotas_spent

    return key_of_test(name)[1] not in quotas_spent(shape)
