"""Zod, running synth.regex's translations, matches the strings the Rust patterns match."""

from __future__ import annotations

import json

import pytest

from synth.regex import translate_regex
from tests.zod._node import NodeHarness


@pytest.mark.node
def test_translations_match_the_same_strings(node: NodeHarness) -> None:
    samples = {
        r"^\d+$": [("\u0661\u0662", True), ("12", True), ("1a", False), ("12\n", False)],
        r"^a.c$": [("abc", True), ("a\rc", True), ("a\nc", False), ("a\u2028c", True)],
        r"\A\w+\z": [("w\u00f6rd_1", True), ("a b", False), ("\u0663", True)],
        r"\bcat\b": [("a cat", True), ("\u00e9cat", False), ("concat", False)],
    }
    for pattern, cases in samples.items():
        regex = translate_regex(pattern).literal()
        source = f'import {{ z }} from "zod";\nexport const S = z.string().regex({regex});\n'
        node.load("regex", {"s.ts": source}, "s.ts")
        results = node.validate("regex", "S", [json.dumps(text) for text, _ in cases])
        assert [r["valid"] for r in results] == [ok for _, ok in cases], pattern
