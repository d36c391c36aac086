"""Rate-limit rules: a tighter limit, a new one or another key breaks clients; the rest not."""

from __future__ import annotations

from typing import Any

import pytest

from synth.diff import RULES, Level, diff_documents

from .base import base

B, N = Level.BREAKING, Level.NON_BREAKING
PTR = "/paths/~1items~1{item_id}/get/x-synth-semantics/rateLimit"


def _limited(limit: dict[str, Any] | None) -> dict[str, Any]:
    doc = base()
    if limit is not None:
        doc["paths"]["/items/{item_id}"]["get"]["x-synth-semantics"]["rateLimit"] = limit
    return doc


def _limit(limit: int, window: int, key: str = "tenant", name: str | None = None) -> dict[str, Any]:
    return {"limit": limit, "window": window, "key": key,
            "name": name or "reads"}  # fmt: skip


ROWS = [
    ("added", None, _limit(20, 10), "rate-limit-added", B),
    ("removed", _limit(20, 10), None, "rate-limit-removed", N),
    ("smaller limit", _limit(20, 10), _limit(10, 10), "rate-limit-tightened", B),
    ("longer window", _limit(20, 10), _limit(20, 20), "rate-limit-tightened", B),
    ("smaller burst, same pace", _limit(20, 10), _limit(2, 1), "rate-limit-tightened", B),
    ("larger limit", _limit(20, 10), _limit(40, 10), "rate-limit-loosened", N),
    ("shorter window", _limit(20, 10), _limit(20, 5), "rate-limit-loosened", N),
    ("key", _limit(20, 10), _limit(20, 10, "ip"), "rate-limit-key-changed", B),
    ("name", _limit(20, 10), _limit(20, 10, name="polls"), "rate-limit-name-changed", N),
]


@pytest.mark.parametrize(("old", "new", "rule", "level"), [r[1:] for r in ROWS],
                         ids=[r[0] for r in ROWS])  # fmt: skip
def test_rate_limit_change_is_classified(
    old: dict[str, Any] | None, new: dict[str, Any] | None, rule: str, level: Level
) -> None:
    changes = diff_documents(_limited(old), _limited(new))
    found = [c for c in changes if c.rule.startswith("rate-limit-")]
    assert [c.rule for c in found] == [rule]
    assert found[0].level is level is RULES[rule].level
    assert found[0].location.startswith(PTR)


def test_a_default_name_follows_the_limit() -> None:
    """A policy named after its numbers is renamed with them: noted, and not breaking."""
    old = _limit(20, 10, name="20-per-10s")
    new = _limit(10, 10, name="10-per-10s")
    rules = {c.rule for c in diff_documents(_limited(old), _limited(new))}
    assert rules == {"rate-limit-tightened", "rate-limit-name-changed"}


def test_same_limit_is_no_change() -> None:
    assert diff_documents(_limited(_limit(20, 10)), _limited(_limit(20, 10))) == []
