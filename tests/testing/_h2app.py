"""An ASGI app answering every request with the HTTP version it came over, for
tests/testing/test_http2.py (served by hypercorn, which speaks HTTP/2 over TLS)."""

from __future__ import annotations

import json
from typing import Any


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    body = json.dumps({"http_version": scope["http_version"], "path": scope["path"]}).encode()
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})
