from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NODE_DIR = ROOT / "node"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def node_bin(name: str) -> Path:
    """A tool from the Node harness, or a skip saying how to install it."""
    path = NODE_DIR / "node_modules" / ".bin" / name
    if not path.exists() or shutil.which("node") is None:
        pytest.skip(f"{name} is not installed: run `make test` (it runs `npm ci` in node/)")
    return path


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``thorough`` tests (the whole corpus through tsc: minutes) run only when asked for."""
    _keep_xdist_groups(config, items)
    _slow_first(config, items)
    if os.environ.get("SYNTH_THOROUGH") == "1":
        return
    skip = pytest.mark.skip(reason="thorough: run with SYNTH_THOROUGH=1 (make test-thorough)")
    for item in items:
        if "thorough" in item.keywords:
            item.add_marker(skip)


def _keep_xdist_groups(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``make test`` runs ``--dist loadgroup``: tests marked ``xdist_group(NAME)`` share one
    worker, so a module or session fixture they share is made once. pytest-xdist 3.8 tells its
    scheduler the group by a ``@NAME`` suffix it writes to ``item._nodeid``, which pytest 9.2
    no longer reads (its node ids are structured): the groups were silently lost
    (pytest-dev/pytest-xdist#1386). On a worker, the suffix goes into the structured id."""
    if not getattr(config.option, "loadgroup", False):
        return
    try:
        from _pytest.nodeid import coerce_node_id
    except ImportError:  # before pytest 9.2, xdist's own suffix is read
        return
    for item in items:
        names = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                        for m in item.iter_markers("xdist_group")})  # fmt: skip
        suffix = "@" + "_".join(names)
        if not names or item.nodeid.endswith(suffix):
            continue
        item._id = coerce_node_id(item.nodeid + suffix)
        assert item.nodeid.endswith(suffix), item.nodeid


def _slow_first(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under ``--dist loadgroup`` the tests marked ``slow`` come first, in the order they had
    (pytest-randomly's shuffle). The scheduler hands out the xdist groups first (the largest
    units: ``--loadscope-reorder``), then single tests in collection order, one at a time to
    whichever worker is free; a slow test handed out last keeps one worker busy while the
    other has nothing left (the run's wall time is the longer worker's). Slow tests first, the
    run ends on short ones."""
    if getattr(config.option, "loadgroup", False):
        items.sort(key=lambda item: "slow" not in item.keywords)
