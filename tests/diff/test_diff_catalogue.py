"""The rule catalogue is well formed, the public surface is pinned, and docs/diff.md lists
every rule."""

from __future__ import annotations

import re
from pathlib import Path

import synth.diff
from synth.diff import RULES, Level
from synth.diff._rules import _OTHER, _SCHEMA_KINDS, _bound_kinds

ROOT = Path(__file__).resolve().parents[2]


def test_exports_are_pinned() -> None:
    assert synth.diff.__all__ == [
        "ACK_FILE", "RULES", "Ack", "Change", "Level", "NoContractsAtRevision", "OpRef", "Report", "Rule", "Source", "check_openapi", "compare", "contracts_document", "diff_documents", "file_document", "load_acks", "major", "resolve_auto_base", "revision_document",
    ]  # fmt: skip
    for name in synth.diff.__all__:
        assert hasattr(synth.diff, name)


def test_rule_ids_are_kebab_case_and_described() -> None:
    for rule_id, rule in RULES.items():
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule_id), rule_id
        assert rule.id == rule_id
        assert rule.description
        assert rule.direction in ("request", "response", "none")


def test_both_levels_and_directions_occur() -> None:
    assert {r.level for r in RULES.values()} == {Level.BREAKING, Level.NON_BREAKING}
    breaking = sum(r.level is Level.BREAKING for r in RULES.values())
    assert len(RULES) > 400
    assert breaking > 200


def test_docs_list_every_rule_and_schema_kind() -> None:
    text = (ROOT / "docs" / "diff.md").read_text(encoding="utf-8")
    for rule_id, *_ in _OTHER:
        assert f"`{rule_id}`" in text, rule_id
    for kind, *_ in (*_SCHEMA_KINDS, *_bound_kinds()):
        assert f"`{kind}`" in text, kind
    breaking = sum(r.level is Level.BREAKING for r in RULES.values())
    assert f"{len(RULES)} rule ids, {breaking} of them breaking" in text
