"""The corpus of real OpenAPI documents agrees with its manifest, and the diff pairs with PAIRS.json.

Checks only what the corpus promises (files, sizes, versions, provenance), never synth's output,
so it stays fast: the large documents are parsed once each.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).parent / "openapi"
DIFF = ROOT / "diff"
MANIFEST = json.loads((ROOT / "MANIFEST.json").read_text(encoding="utf-8"))
PAIRS = json.loads((DIFF / "PAIRS.json").read_text(encoding="utf-8"))
HEX40 = re.compile(r"^[0-9a-f]{40}$")
SPDX = re.compile(r"^[A-Za-z0-9.+-]+$")
VERSION = re.compile(r"^3\.[01]\.\d+$")

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


FULL_YAML_LOAD_LIMIT = 300_000


@cache
def parse(path: Path) -> object:
    """The document as data; a YAML file over 300 KB is only run through libyaml's parser (its full
    syntax is checked, the top-level mapping's scalars are kept): building Python objects for the
    4 MB Stripe document alone takes 8 s."""
    data = path.read_bytes()
    if path.suffix == ".json":
        return json.loads(data)
    if len(data) <= FULL_YAML_LOAD_LIMIT:
        return yaml.load(data, Loader=_Loader)
    return _top_level_scalars(data)


def _top_level_scalars(data: bytes) -> dict[str, object]:
    out: dict[str, object] = {}
    depth = 0
    key: str | None = None
    for event in yaml.parse(data, Loader=_Loader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if depth == 1 and key is not None:
                out[key] = ...
                key = None
            depth += 1
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        elif isinstance(event, yaml.ScalarEvent) and depth == 1:
            if key is None:
                key = event.value
            else:
                out[key] = event.value
                key = None
    return out


def test_manifest_lists_every_folder() -> None:
    names = [e["name"] for e in MANIFEST]
    assert len(names) == len(set(names))
    folders = {p.name for p in ROOT.iterdir() if p.is_dir() and p.name != "diff"}
    assert folders == set(names)


def test_corpus_mix() -> None:
    versions = Counter(e["openapi"][:3] for e in MANIFEST)
    assert len(MANIFEST) >= 30
    assert versions["3.0"] >= 10
    assert versions["3.1"] >= 10
    assert sum(e["bytes"] > 1_000_000 for e in MANIFEST) >= 2
    assert sum(e["multi_file"] for e in MANIFEST) >= 3
    assert {Path(e["entry"]).suffix for e in MANIFEST} >= {".json", ".yaml"}


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["name"] for e in MANIFEST])
def test_document(entry: dict[str, Any]) -> None:
    folder = ROOT / entry["name"]
    assert HEX40.match(entry["commit"]), entry["commit"]
    assert entry["licence"]
    assert SPDX.match(entry["licence"])
    assert re.match(r"^[\w.-]+/[\w.-]+$", entry["repo"])
    assert entry["path"].endswith(entry["entry"].split("/")[-1])
    assert VERSION.match(entry["openapi"])
    assert entry["entry"] in entry["files"]
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert on_disk == set(entry["files"])
    root = folder / entry["entry"]
    assert root.stat().st_size == entry["bytes"]
    if "total_bytes" in entry:
        assert sum((folder / f).stat().st_size for f in entry["files"]) == entry["total_bytes"]
    doc = parse(root)
    assert isinstance(doc, dict)
    assert str(doc["openapi"]) == entry["openapi"]
    has_other_documents = any(
        f != entry["entry"] and f.endswith((".yaml", ".yml", ".json")) for f in entry["files"]
    )
    assert entry["multi_file"] == has_other_documents
    assert isinstance(entry["notes"], str)


def test_pairs_mix() -> None:
    names = [p["name"] for p in PAIRS]
    assert len(names) == len(set(names))
    assert {p.name for p in DIFF.iterdir() if p.is_dir()} == set(names)
    real = [p for p in PAIRS if p["repo"]]
    assert len(real) >= 24
    assert sum(p["breaking"] for p in real) >= 8
    assert sum(not p["breaking"] for p in real) >= 8
    assert len(PAIRS) - len(real) >= 2


@pytest.mark.parametrize("pair", PAIRS, ids=[p["name"] for p in PAIRS])
def test_pair(pair: dict[str, Any]) -> None:
    folder = DIFF / pair["name"]
    assert isinstance(pair["breaking"], bool)
    assert pair["reason"].strip()
    assert pair["licence"]
    assert SPDX.match(pair["licence"])
    if pair["repo"]:
        assert HEX40.match(pair["old_commit"])
        assert HEX40.match(pair["new_commit"])
        assert pair["old_commit"] != pair["new_commit"]
        assert pair["path"]
    else:
        assert pair["source"].startswith("hand-made")
    expected = {pair["old"], pair["new"], *pair.get("other_files", [])}
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert on_disk == expected
    for side in ("old", "new"):
        path = folder / pair[side]
        assert path.stat().st_size == pair[f"bytes_{side}"]
        assert path.stat().st_size < 300_000
        doc = parse(path)
        assert isinstance(doc, dict)
        assert VERSION.match(str(doc["openapi"]))
