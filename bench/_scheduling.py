"""Simulated pytest-xdist workers for ``PartScheduling`` (``synth/testing/_parallel.py``): the
tests an API's contracts generate, workers that record what they are sent, a scheduler over
them, run to the end. The scheduling tests and ``bench.scheduler`` use them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from synth.spec import ApiSpec

__all__ = ["Node", "emitted", "run_to_end", "workers"]


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


class _Quiet:
    """A scheduler's log that says nothing (xdist's own prints each step)."""

    def __getattr__(self, name: str) -> Any:
        return self

    def __call__(self, *args: Any) -> None:
        pass


def workers(
    shape: Any,
    collected: list[str],
    count: int = 2,
    folder: Path | None = None,
    *,
    peer: bool = False,
) -> tuple[Any, ...]:
    """``PartScheduling`` with two tenants over ``count`` simulated workers that collected
    ``collected``, its first units handed out: the scheduler, then the workers. ``folder``:
    the run's, where a part's object-level check handed out ahead is told of its part's end.
    ``peer``: pytest-xdist's own ``LoadScheduling`` instead (``--dist load``, which
    ``PartScheduling`` replaces)."""
    from types import SimpleNamespace

    from xdist.scheduler import LoadScheduling

    from synth.testing._parallel import PartScheduling

    config: Any = SimpleNamespace(getvalue=lambda name: [f"{count}*popen"],
                                  getoption=lambda name: None,
                                  option=SimpleNamespace(loadscopereorder=False))  # fmt: skip
    scheduler = (LoadScheduling(config, log=_Quiet()) if peer
                 else PartScheduling(config, shape, tenants=2, folder=folder))  # fmt: skip
    nodes = [Node(f"gw{i}") for i in range(count)]
    for node in nodes:
        scheduler.add_node(node)
        scheduler.add_node_collection(node, collected)
    scheduler.schedule()
    return scheduler, *nodes


def run_to_end(scheduler: Any, nodes: list[Node]) -> list[tuple[str, int]]:
    """Each worker completes what it was sent, in turn, one test at a time, until none has a
    test left: what was run, as (worker, test index), in order."""
    done = {node.gateway.id: 0 for node in nodes}
    ran: list[tuple[str, int]] = []
    while any(done[n.gateway.id] < len(n.sent) for n in nodes):
        for node in nodes:
            if done[node.gateway.id] < len(node.sent):
                index = node.sent[done[node.gateway.id]]
                done[node.gateway.id] += 1
                ran.append((node.gateway.id, index))
                scheduler.mark_test_complete(node, index)
    return ran
