"""Redocly CLI (`recommended`) and Spectral (`spectral:oas`) report nothing on our document."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from .conftest import NODE_DIR, ROOT, node_bin

DOC = ROOT / "generated" / "openapi.json"

pytestmark = [pytest.mark.node, pytest.mark.slow]


def _run(args: list[str | Path]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args],
        check=False,
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_spectral_oas_reports_nothing() -> None:
    spectral = node_bin("spectral")
    result = _run([spectral, "lint", "-r", ".spectral.yaml", "-f", "json", "--quiet", DOC])
    findings = json.loads(result.stdout or "[]")
    assert findings == [], json.dumps(findings, indent=1)
    assert result.returncode == 0, result.stderr


def test_redocly_recommended_reports_nothing() -> None:
    redocly = node_bin("redocly")
    result = _run([redocly, "lint", "--config", "redocly.yaml", "--format", "json", DOC])
    report = json.loads(result.stdout)
    assert report["totals"] == {"errors": 0, "warnings": 0, "ignored": 0}, result.stdout
    assert result.returncode == 0, result.stderr


def test_spectral_does_find_problems_in_a_bad_document(tmp_path: Path) -> None:
    """The lint test can fail: a document without descriptions or tags gets warnings."""
    spectral = node_bin("spectral")
    doc = json.loads(DOC.read_text())
    for item in doc["paths"].values():
        for op in item.values():
            op.pop("description", None)
            op.pop("tags", None)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    result = _run([spectral, "lint", "-r", ".spectral.yaml", "-f", "json", "--quiet", bad])
    rules = {f["code"] for f in json.loads(result.stdout or "[]")}
    assert {"operation-description", "operation-tags"} <= rules
