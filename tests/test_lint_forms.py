"""Redocly and Spectral report nothing on the form and multipart bodies of a document (the
library example's cover upload), nor on any request body or example of it. (The library's
document has findings of its own elsewhere, an `info` without contact, say, which are not
this test's business.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from synth.document import build
from synth.loader import load

from .conftest import ROOT, node_bin
from .test_lint import _run

pytestmark = [pytest.mark.node, pytest.mark.slow]


def _ours(path: str) -> bool:
    """A finding about the cover upload, a request body, an encoding or an example."""
    return any(w in path for w in ("cover", "Cover", "requestBody", "encoding", "examples"))


@pytest.fixture(scope="module")
def library_doc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    doc = build(load(ROOT / "examples" / "library" / "contracts"))
    assert "multipart/form-data" in json.dumps(doc["paths"]["/books/{book_id}/cover"])
    path = tmp_path_factory.mktemp("lint") / "library.json"
    path.write_text(json.dumps(doc))
    return path


def test_spectral_reports_nothing_on_forms(library_doc: Path) -> None:
    result = _run([node_bin("spectral"), "lint", "-r", ".spectral.yaml", "-f", "json", "--quiet",
                   library_doc])  # fmt: skip
    findings = json.loads(result.stdout or "[]")
    assert findings, "the library's own findings: the linter ran"
    ours = [f for f in findings if _ours("/".join(map(str, f["path"])))]
    assert ours == [], json.dumps(ours, indent=1)


def test_redocly_reports_nothing_on_forms(library_doc: Path) -> None:
    result = _run([node_bin("redocly"), "lint", "--config", "redocly.yaml", "--format", "json",
                   library_doc])  # fmt: skip
    report = json.loads(result.stdout)
    assert report["problems"], "the library's own findings: the linter ran"
    ours = [p for p in report["problems"] if any(_ours(at["pointer"]) for at in p["location"])]
    assert ours == [], json.dumps(ours, indent=1)


def test_openapi_spec_validator_accepts_forms(library_doc: Path) -> None:
    from openapi_spec_validator import validate

    validate(json.loads(library_doc.read_text()))
