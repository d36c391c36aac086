"""A fault-injecting HTTP/1.1 proxy for the tests, on loopback only.

Between ``synth test`` and a server it injects, each at its own rate: connection resets
(before or after the request reached the server), 502/503/504 answers with an HTML body as
real gateways send, responses slower than the client's timeout, and bodies cut short. Every
injected fault is counted by kind.

Hand-written on asyncio streams because the faults live below HTTP: an ASGI or WSGI proxy
cannot reset a connection or send fewer bytes than its Content-Length promised.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import struct
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

__all__ = ["FaultProxy", "Rates", "running_proxy"]

KINDS = ("reset_before", "reset_after", "502", "503", "504", "slow", "truncated")


@dataclass(frozen=True)
class Rates:
    """Probability of each fault per request; the rest pass through untouched."""

    reset_before: float = 0.0
    reset_after: float = 0.0
    bad_gateway: float = 0.0
    unavailable: float = 0.0
    gateway_timeout: float = 0.0
    slow: float = 0.0
    truncated: float = 0.0
    slow_seconds: float = 3.0

    @classmethod
    def uniform(cls, total: float, slow_seconds: float = 3.0) -> Rates:
        each = total / len(KINDS)
        return cls(each, each, each, each, each, each, each, slow_seconds)

    def table(self) -> list[tuple[str, float]]:
        return [
            ("reset_before", self.reset_before), ("reset_after", self.reset_after),
            ("502", self.bad_gateway), ("503", self.unavailable), ("504", self.gateway_timeout),
            ("slow", self.slow), ("truncated", self.truncated),
        ]  # fmt: skip


@dataclass
class FaultProxy:
    upstream_host: str
    upstream_port: int
    rates: Rates
    seed: int = 0
    injected: Counter[str] = field(default_factory=Counter)
    requests: int = 0
    port: int = 0

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._lock = threading.Lock()

    def _pick(self) -> str | None:
        with self._lock:
            self.requests += 1
            roll = self._random.random()
        for kind, rate in self.rates.table():
            if roll < rate:
                with self._lock:
                    self.injected[kind] += 1
                return kind
            roll -= rate
        return None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await _read_message(reader, is_request=True)
                if request is None:
                    break
                if not await self._serve(request, writer):
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def _serve(self, request: bytes, writer: asyncio.StreamWriter) -> bool:
        """Answer one request; False when the connection must end."""
        fault = self._pick()
        if fault == "reset_before":
            _reset(writer)
            return False
        if fault in ("502", "503", "504"):
            body = f"<html><body><h1>{fault} from the gateway</h1></body></html>".encode()
            head = (f"HTTP/1.1 {fault} Gateway\r\ncontent-type: text/html\r\n"
                    f"content-length: {len(body)}\r\nconnection: close\r\n\r\n")  # fmt: skip
            writer.write(head.encode() + body)
            await writer.drain()
            return False
        up_reader, up_writer = await asyncio.open_connection(self.upstream_host, self.upstream_port)
        try:
            up_writer.write(_close_after(request))
            await up_writer.drain()
            response = await _read_message(up_reader, is_request=False)
        finally:
            up_writer.close()
        if response is None:
            _reset(writer)
            return False
        if fault == "reset_after":
            _reset(writer)
            return False
        if fault == "slow":
            await asyncio.sleep(self.rates.slow_seconds)
        if fault == "truncated":
            raw_head, _, body = response.partition(b"\r\n\r\n")
            writer.write(raw_head + b"\r\n\r\n" + body[: len(body) // 2])
            await writer.drain()
            _reset(writer)
            return False
        writer.write(response)
        await writer.drain()
        return True

    @contextlib.contextmanager
    def serve(self) -> Iterator[FaultProxy]:
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        server: asyncio.base_events.Server | None = None

        async def start() -> None:
            nonlocal server
            server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
            self.port = server.sockets[0].getsockname()[1]
            ready.set()

        thread = threading.Thread(target=loop.run_forever, daemon=True)
        thread.start()
        asyncio.run_coroutine_threadsafe(start(), loop)
        if not ready.wait(10):
            raise RuntimeError("the fault proxy did not start")
        try:
            yield self
        finally:

            async def stop() -> None:
                if server is not None:
                    server.close()
                    await server.wait_closed()
                tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)

            asyncio.run_coroutine_threadsafe(stop(), loop).result(10)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(10)
            loop.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def running_proxy(
    upstream: str, rates: Rates, seed: int = 0
) -> contextlib.AbstractContextManager[FaultProxy]:
    """A started proxy in front of ``upstream`` (``http://127.0.0.1:PORT``)."""
    host, port = upstream.removeprefix("http://").split("/", 1)[0].split(":")
    return FaultProxy(host, int(port), rates, seed).serve()


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with RST (SO_LINGER 0), as a crashed gateway does."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.close()


def _close_after(request: bytes) -> bytes:
    """The request with ``connection: close``, one upstream connection per request."""
    head, sep, body = request.partition(b"\r\n\r\n")
    lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"connection:")]
    return b"\r\n".join([*lines, b"connection: close"]) + sep + body


async def _read_message(reader: asyncio.StreamReader, *, is_request: bool) -> bytes | None:
    """One HTTP/1.1 message (head and body by Content-Length or chunks, or to EOF)."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if exc.partial:
            raise
        return None
    headers = {}
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip()
    if b"content-length" in headers:
        body = await reader.readexactly(int(headers[b"content-length"]))
        return head + body
    if headers.get(b"transfer-encoding", b"").lower() == b"chunked":
        chunks = b""
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            data = await reader.readexactly(size + 2)
            chunks += size_line + data
            if size == 0:
                return head + chunks
    if is_request:
        return head
    status = head.split(b" ", 2)[1]
    if status in (b"204", b"304"):
        return head
    return head + await reader.read()
