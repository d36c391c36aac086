"""Shared fixtures: the generated tests written to a temporary folder, the spec loaded once;
the same for the example API with a shorter rate-limit window."""

from __future__ import annotations

import shutil
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


# getJob's rate limit in contracts/jobs.py, and the shorter window some runs take: a rate-limit
# check first waits out a whole window with nothing sent (once per example, and per replay of
# a finding), and a check that meets a 429 waits out its Retry-After. 2 s still holds a burst
# of 2 x 20 + 1 requests to the in-process server.
DECLARED_WINDOW = 'window="5s"'
SHORT_WINDOW = 'window="2s"'


@pytest.fixture(scope="session")
def short_window(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """contracts/ with getJob's rate-limit window cut from 5 s to 2 s (its limit, 20 requests,
    kept), for the reference server (``create_app(contracts_dir=...)``) and synth alike."""
    folder = tmp_path_factory.mktemp("short-window") / "contracts"
    shutil.copytree(ROOT / "contracts", folder, ignore=shutil.ignore_patterns("__pycache__"))
    jobs = folder / "jobs.py"
    text = jobs.read_text(encoding="utf-8")
    assert text.count(DECLARED_WINDOW) == 1, "contracts/jobs.py no longer declares a 5 s window"
    jobs.write_text(text.replace(DECLARED_WINDOW, SHORT_WINDOW), encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def short_api(short_window: Path) -> ApiSpec:
    api = synth.load(short_window)
    limit = api.operation("getJob").rate_limit
    assert limit is not None
    assert (limit.limit, limit.window) == (20, 2), limit
    return api


@pytest.fixture(scope="session")
def short_generated(short_api: ApiSpec, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated tests of ``short_api``, in a temporary folder."""
    return write_tests(short_api, tmp_path_factory.mktemp("short-generated"))
