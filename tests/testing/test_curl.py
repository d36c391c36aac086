"""Failures show curl commands with every secret replaced by its placeholder."""

from __future__ import annotations

import httpx

from synth.testing._curl import Redactor, sequence
from synth.testing._http import Exchange, Request


def test_sequence_redacts_tokens_and_headers() -> None:
    redact = Redactor([("tok-a", "$TOKEN_A"), ("s3cret", "$X_BYPASS")])
    request = Request("a", "POST", "/api/v1/contacts", (("q", "x y"),), (("Idempotency-Key", "k"),),
                      {"name": "n"}, True, None, "tok-a")  # fmt: skip
    exchange = Exchange(
        request, 201, httpx.Headers({"ETag": '"e"'}), b'{"echo": "tok-a s3cret"}', 0.1
    )
    text = sequence([exchange], "http://127.0.0.1:1", redact, ["X-Bypass"])
    assert "tok-a" not in text
    assert "s3cret" not in text
    assert '"Authorization: Bearer $TOKEN_A"' in text
    assert '"X-Bypass: $X_BYPASS"' in text
    assert "'http://127.0.0.1:1/api/v1/contacts?q=x+y'" in text
    assert "# -> 201" in text
