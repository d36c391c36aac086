"""synth test on the recipes example (examples/recipes), a new user's API, in process.

Its ingredients list (a bare array) shows what the recipe's create body held. TEN-NONINTERFERENCE
once made tenant b's recipe from a different body in each half of the check and reported the
correct server; a household reading another's ingredients must still be reported (TEN-CHILD).
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from examples.recipes import server
from examples.recipes.example import TENANTS as SECRETS
from synth import load
from synth.testing import config_from_options
from synth.testing.cli import run_suite
from tests._generated import write_tests

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / "examples" / "recipes" / "contracts"
TENANTS = [f"{name}={secret}" for name, secret in SECRETS.items()]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tests(load(CONTRACTS), tmp_path_factory.mktemp("recipes"))


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "RECIPES", {})
    monkeypatch.setattr(server, "IDEM", {})
    monkeypatch.setattr(server, "LOCK", asyncio.Lock())


def _run(generated: Path, tmp_path: Path, select: str, seed: int = 1) -> tuple[int, str]:
    config = config_from_options(app=server.app, tenants=TENANTS, seed=seed, env={},
                                 contracts=CONTRACTS)  # fmt: skip
    report = tmp_path / "report.md"
    code = run_suite(config, generated, select=select, report=report, extra=["-p", "no:randomly"])
    return code, report.read_text(encoding="utf-8") if report.exists() else ""


@pytest.mark.slow
@pytest.mark.usefixtures("fresh")
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_noninterference_on_the_ingredients_list_passes_the_correct_server(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    monkeypatch.setattr(server, "BUGS", set())
    code, text = _run(generated, tmp_path, "listIngredients and TEN_NONINTERFERENCE", seed)
    assert code == 0, text
    assert re.search(r"^\| TEN-NONINTERFERENCE \| `listIngredients` \| passed \|", text, re.M), text


@pytest.mark.slow
@pytest.mark.usefixtures("fresh")
def test_another_households_ingredients_are_reported(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server, "BUGS", {"ten-ingredients-any-household"})
    code, text = _run(generated, tmp_path, "listIngredients and TEN")
    assert code == 1, text
    assert "| TEN-CHILD | `listIngredients` | violation |" in text, text
    assert "| TEN-NONINTERFERENCE | `listIngredients` | passed |" in text, text
