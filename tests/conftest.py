from __future__ import annotations

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
