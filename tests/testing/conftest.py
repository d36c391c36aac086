"""Shared fixtures: the generated tests written to a temporary folder, the spec loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

import synth
from synth.spec import ApiSpec
from tests._generated import write_tests

ROOT = Path(__file__).resolve().parents[2]
TOKENS = ["a=token-a", "b=token-b"]


@pytest.fixture(scope="session")
def api() -> ApiSpec:
    return synth.load(ROOT / "contracts")


@pytest.fixture(scope="session")
def generated(api: ApiSpec, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``generated/tests`` as the emitter writes it, in a temporary folder."""
    root = tmp_path_factory.mktemp("generated")
    return write_tests(api, root)
