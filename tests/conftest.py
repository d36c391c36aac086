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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``thorough`` tests (the whole corpus through tsc: minutes) run only when asked for."""
    if os.environ.get("SYNTH_THOROUGH") == "1":
        return
    skip = pytest.mark.skip(reason="thorough: run with SYNTH_THOROUGH=1 (make test-thorough)")
    for item in items:
        if "thorough" in item.keywords:
            item.add_marker(skip)
