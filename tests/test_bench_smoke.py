"""A smoke run of the benchmark scripts on the smallest size (the real runs are `make bench`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import generation

pytestmark = pytest.mark.slow


def test_generation_benchmark_runs_on_the_smallest_size(tmp_path: Path) -> None:
    out = tmp_path / "generation.json"
    generation.main(["--sizes", "2", "--repeat", "1", "--out", str(out)])
    data = json.loads(out.read_text())
    row = data["rows"][0]
    assert row["operations"] == 10
    for peer in ("synth", "fastapi", "floor"):
        assert row[peer]["total"] > 0
    assert "openapi" in row["synth"]["emitters"]
