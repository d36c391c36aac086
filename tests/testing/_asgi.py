"""An ASGI app whose whole HTTP responses pass through a rewrite: how tests plant a server
fault around a correct server, which is left as it is."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]
Rewrite = Callable[[Scope, int, list[tuple[bytes, bytes]], bytes], tuple[list[tuple[bytes, bytes]], bytes]]  # fmt: skip


def rewriting(app: App, rewrite: Rewrite) -> App:
    """``app`` with each whole HTTP response passed through ``rewrite`` (headers, body)."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            headers, body = rewrite(scope, start["status"], list(start.get("headers", [])),
                                    b"".join(chunks))  # fmt: skip
            headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await app(scope, receive, capture)

    return wrapped
