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


def test_requests_sent_at_once_say_so() -> None:
    """A race's reproduction (IDEM-CONCURRENT, PAGE-CONCURRENT) lists its requests one after
    another; each says it was one of several sent at once, so that nobody replays them in turn
    and expects the same answers."""
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from synth.testing import config_from_options
    from synth.testing._http import Client

    async def create(_: object) -> JSONResponse:
        return JSONResponse({"id": "1"}, status_code=201)

    app = Starlette(routes=[Route("/things", create, methods=["POST"])])
    config = config_from_options(app=app, tenants=["a=tok-a"], seed=1, env={})
    client = Client(config)
    try:
        post = Request("a", "POST", "/things", json_body={}, has_body=True, token="tok-a")
        alone = client.send(post)
        both = client.gather([post, post])
        settled = client.settle([post, post, post])
    finally:
        client.close()
    assert alone.together == 1
    assert [e.together for e in both] == [2, 2]
    assert [e.together if e else 0 for e in settled] == [3, 3, 3]
    text = sequence([alone, *both], "http://127.0.0.1:1", Redactor([]))
    assert "# 1. as tenant a\n" in text
    assert "# 2. as tenant a, one of 2 sent at once\n" in text
    assert "# 3. as tenant a, one of 2 sent at once\n" in text
