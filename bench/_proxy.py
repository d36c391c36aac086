"""A loopback HTTP/1.1 proxy that makes a server look far away and unreliable.

Put in front of a server on loopback, it adds a fixed delay per round trip (one when a
connection is opened, as its TCP handshake would cost, and one per request and answer) and,
at a given rate, injects the transport faults a preview deploy's edge produces:

- ``reset``: the connection is reset (RST) before the request reaches the server;
- ``reset_after``: the server answers, then the connection is reset before the answer is
  delivered (a write took effect; its client never learns it);
- ``502`` / ``503`` / ``504``: the proxy answers itself with an HTML page, as a gateway whose
  upstream is away would;
- ``hold``: the server's answer is held (15 s by default) before it is delivered;
- ``truncate``: the answer's headers go out whole, its body cut in half, then the connection
  closes.

Which request gets which fault is drawn from ``random.Random(seed)`` in arrival order
(``FaultPlan``), so a run with the same seed and the same request order meets the same faults.
A run draws among ``DEFAULT_FAULTS`` (the mix the latency benchmark's figures were measured
with) unless it names its own; the tests of synth under faults draw among all of ``FAULTS``.

Hand-written on asyncio streams because the faults live below HTTP: an ASGI or WSGI proxy
cannot reset a connection or send fewer bytes than its Content-Length promised.

Use it in process (``running``: the proxy on its own event-loop thread, for tests) or as a
process of its own (``process``: what the benchmarks use, so the proxy does not share an
interpreter lock with the client it measures)::

    python -m bench._proxy --upstream http://127.0.0.1:8000 --delay 0.05 --fault-rate 0.1

prints ``listening on http://127.0.0.1:PORT``, and its counters as one JSON line when it gets
SIGUSR1 (and still runs) or SIGTERM (and stops). With ``--log FILE`` it also writes a JSON
line per request once it is answered: the method, the target (path and query), the
credential's digest (``credential``: its first 12 hex digits of SHA-256, not the secret), the
fault drawn for it, when it arrived (``at``, epoch seconds) and the server's status (``status``,
where the server answered); ``python -m bench.requests FILE`` counts them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import random
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import h11

__all__ = [
    "DEFAULT_FAULTS",
    "FAULTS",
    "FaultPlan",
    "Proxy",
    "ProxyProcess",
    "Stats",
    "credential",
    "process",
    "running",
]

FAULTS = ("reset", "reset_after", "502", "503", "504", "hold", "truncate")
"""Every fault the proxy can inject; a run draws among those it is given, evenly."""
DEFAULT_FAULTS = ("reset", "502", "503", "hold", "truncate")
"""The faults a run draws among when it names none."""

ROOT = Path(__file__).resolve().parent.parent
_READ = 65536
_REASONS = {502: b"Bad Gateway", 503: b"Service Unavailable", 504: b"Gateway Timeout"}
# Request headers that carry a credential, for the log's ``credential`` (the first one sent).
_CREDENTIALS = (b"authorization", b"x-api-key", b"api-key")


def credential(value: str | bytes) -> str:
    """What the log says of a credential header's value: its SHA-256's first 12 hex digits."""
    raw = value.encode() if isinstance(value, str) else value
    return hashlib.sha256(raw).hexdigest()[:12]


class FaultPlan:
    """Which fault, if any, the n-th request meets: a deterministic draw from ``seed``."""

    def __init__(self, seed: int, rate: float, kinds: Sequence[str] = DEFAULT_FAULTS) -> None:
        unknown = sorted(set(kinds) - set(FAULTS))
        if unknown or not kinds:
            raise ValueError(f"faults={','.join(kinds)!r}: choose among {', '.join(FAULTS)}")
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"fault rate={rate!r}: expected a fraction between 0 and 1")
        self.rate, self.kinds = rate, tuple(kinds)
        self._random = random.Random(seed)

    def next(self) -> str | None:
        draw, pick = self._random.random(), self._random.randrange(len(self.kinds))
        return self.kinds[pick] if draw < self.rate else None


@dataclass(slots=True)
class Stats:
    """What the proxy did: connections, round trips, delays applied and faults injected."""

    connections: int = 0
    requests: int = 0
    answered: int = 0
    delays: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    upstream_connections: int = 0

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["faults"] = dict(sorted(self.faults.items()))
        return data


class Proxy:
    """The proxy itself: ``await start()`` binds a loopback port, ``url`` is where it listens."""

    def __init__(
        self,
        upstream: str,
        delay: float = 0.0,
        *,
        fault_rate: float = 0.0,
        faults: Sequence[str] = DEFAULT_FAULTS,
        seed: int = 0,
        hold: float = 15.0,
        log: Path | None = None,
    ) -> None:
        parts = urlsplit(upstream)
        if parts.scheme != "http" or not parts.hostname or parts.port is None:
            raise ValueError(f"upstream={upstream!r}: expected http://HOST:PORT")
        if delay < 0 or hold < 0:
            raise ValueError(f"delay={delay!r}, hold={hold!r}: expected seconds, 0 or more")
        self.host, self.port = parts.hostname, parts.port
        self.delay, self.hold = delay, hold
        self.plan = FaultPlan(seed, fault_rate, faults)
        self.stats = Stats()
        self._log: IO[str] | None = open(log, "a", encoding="utf-8") if log else None  # noqa: SIM115
        self.url = ""
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._connection, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):  # connections still open, answers still held
            task.cancel()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=1.0)
        if self._log is not None:
            self._log.close()
            self._log = None

    async def _pause(self, seconds: float) -> None:
        self.stats.delays += 1
        if seconds:
            await asyncio.sleep(seconds)

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.stats.connections += 1
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        upstream = _Upstream(self)
        try:
            await self._pause(self.delay)  # the handshake's round trip
            client = h11.Connection(h11.SERVER)
            while True:
                message = await _receive(client, reader)
                if message is None:
                    return
                if not await self._exchange(client, writer, upstream, *message):
                    return
                if client.our_state is not h11.DONE or client.their_state is not h11.DONE:
                    return
                client.start_next_cycle()
        except (ConnectionError, h11.ProtocolError, OSError, asyncio.IncompleteReadError, _Closed):
            return
        except asyncio.CancelledError:
            # Closing the proxy cancels open connections; the stream server's callback treats
            # a cancelled handler as a crash (Python 3.11), so it ends here normally.
            return
        finally:
            upstream.close()
            with contextlib.suppress(Exception):
                writer.close()

    async def _exchange(
        self,
        client: h11.Connection,
        writer: asyncio.StreamWriter,
        upstream: _Upstream,
        request: h11.Request,
        body: bytes,
    ) -> bool:
        """One request and its answer; False when the client connection is done."""
        self.stats.requests += 1
        fault = self.plan.next()
        line: dict[str, object] = {}
        if self._log is not None:
            sent = dict(request.headers)
            key = next((sent[name] for name in _CREDENTIALS if name in sent), None)
            line = {"method": request.method.decode(), "target": request.target.decode(),
                    "credential": credential(key) if key is not None else None, "fault": fault,
                    "at": round(time.time(), 3)}  # fmt: skip
        try:
            return await self._answer(
                client, writer, upstream, request, body, fault=fault, line=line
            )
        finally:
            if self._log is not None:
                self._log.write(json.dumps(line) + "\n")

    async def _answer(
        self,
        client: h11.Connection,
        writer: asyncio.StreamWriter,
        upstream: _Upstream,
        request: h11.Request,
        body: bytes,
        *,
        fault: str | None,
        line: dict[str, object],
    ) -> bool:
        """``_exchange``'s answer, faults injected; the upstream's status noted in ``line``."""
        if fault is not None:
            self.stats.faults[fault] += 1
        if fault == "reset":
            _reset(writer)
            return False
        if fault in ("502", "503", "504"):
            await self._pause(self.delay)
            status = int(fault)
            title = f"{status} {_REASONS[status].decode()}"
            payload = f"<html><body><h1>{title}</h1></body></html>\n".encode()
            head = [
                (b"content-type", b"text/html"),
                (b"content-length", str(len(payload)).encode()),
            ]
            await _send(client, writer, h11.Response(status_code=status, headers=head,
                                                    reason=_REASONS[status]), payload)  # fmt: skip
            self.stats.answered += 1
            return True
        response, answer = await upstream.round_trip(request, body)
        line["status"] = response.status_code
        if fault == "reset_after":
            _reset(writer)
            return False
        await self._pause(self.delay)
        if fault == "hold":
            await asyncio.sleep(self.hold)
        if fault == "truncate":
            writer.write(_truncated(response, answer))
            await writer.drain()
            return False
        await _send(client, writer, response, answer)
        self.stats.answered += 1
        return True


class _Upstream:
    """The server side of one client connection, kept alive and reopened when it closed."""

    def __init__(self, proxy: Proxy) -> None:
        self.proxy = proxy
        self.conn: h11.Connection | None = None
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self.close()
        self.reader, self.writer = await asyncio.open_connection(self.proxy.host, self.proxy.port)
        self.conn = h11.Connection(h11.CLIENT)
        self.proxy.stats.upstream_connections += 1

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.conn = self.reader = self.writer = None

    async def round_trip(self, request: h11.Request, body: bytes) -> tuple[h11.Response, bytes]:
        reused = self.conn is not None and self.conn.our_state is h11.IDLE
        if not reused:
            await self._open()
        try:
            return await self._send(request, body)
        except (ConnectionError, h11.ProtocolError, asyncio.IncompleteReadError, _Closed):
            if not reused:
                raise
        # The server closed the kept-alive connection while it was idle: once more, fresh.
        await self._open()
        return await self._send(request, body)

    async def _send(self, request: h11.Request, body: bytes) -> tuple[h11.Response, bytes]:
        conn, reader, writer = self.conn, self.reader, self.writer
        assert conn is not None
        assert reader is not None
        assert writer is not None
        headers = [(k, v) for k, v in request.headers if k.lower() != b"transfer-encoding"]
        if body or request.method in (b"POST", b"PUT", b"PATCH"):
            headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
        data = conn.send(h11.Request(method=request.method, target=request.target, headers=headers))
        if body:
            data = (data or b"") + (conn.send(h11.Data(data=body)) or b"")
        data = (data or b"") + (conn.send(h11.EndOfMessage()) or b"")
        writer.write(data)
        await writer.drain()
        message = await _receive(conn, reader)
        if message is None:
            raise _Closed
        response, answer = message
        if conn.our_state is h11.DONE and conn.their_state is h11.DONE:
            conn.start_next_cycle()
        else:
            self.close()
        assert isinstance(response, h11.Response)
        return response, answer


class _Closed(Exception):
    """The peer closed the connection before a message began."""


async def _receive(conn: h11.Connection, reader: asyncio.StreamReader) -> tuple[Any, bytes] | None:
    """The next whole message (request or response) and its body; None at a clean close."""
    head: Any = None
    chunks: list[bytes] = []
    while True:
        event = conn.next_event()
        if event is h11.NEED_DATA:
            data = await reader.read(_READ)
            if not data and head is None and conn.their_state in (h11.IDLE, h11.SEND_RESPONSE):
                return None
            conn.receive_data(data)
        elif isinstance(event, h11.Request | h11.Response):
            head = event
        elif isinstance(event, h11.InformationalResponse):
            continue
        elif isinstance(event, h11.Data):
            chunks.append(bytes(event.data))
        elif isinstance(event, h11.EndOfMessage):
            return head, b"".join(chunks)
        elif isinstance(event, h11.ConnectionClosed):
            if head is None:
                return None
            raise _Closed
        else:  # h11.PAUSED: a new cycle before this one ended cannot happen here
            raise _Closed


async def _send(
    conn: h11.Connection, writer: asyncio.StreamWriter, response: h11.Response, body: bytes
) -> None:
    headers = [(k, v) for k, v in response.headers if k.lower() != b"transfer-encoding"]
    if body:
        headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
    head = h11.Response(status_code=response.status_code, headers=headers, reason=response.reason)
    data = conn.send(head) or b""
    if body:
        data += conn.send(h11.Data(data=body)) or b""
    writer.write(data + (conn.send(h11.EndOfMessage()) or b""))
    await writer.drain()


def _truncated(response: h11.Response, body: bytes) -> bytes:
    """The answer with its headers whole (the full length declared) and half its body; an
    answer without a body loses the second half of its headers instead."""
    lines = [b"HTTP/1.1 %d %s" % (response.status_code, response.reason)]
    declared = [(k, v) for k, v in response.headers
                if k.lower() not in (b"transfer-encoding", b"content-length")]  # fmt: skip
    declared.append((b"content-length", str(len(body)).encode()))
    lines += [k + b": " + v for k, v in declared]
    head = b"\r\n".join(lines) + b"\r\n\r\n"
    return head + body[: len(body) // 2] if body else head[: len(head) // 2]


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP reset (SO_LINGER 0) rather than an orderly FIN."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


@contextlib.contextmanager
def running(upstream: str, delay: float = 0.0, **options: Any) -> Iterator[Proxy]:
    """The proxy on an event loop of its own thread, in this process; yields it started."""
    proxy = Proxy(upstream, delay, **options)
    loop = asyncio.new_event_loop()
    started = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(proxy.start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=run, name="bench-proxy", daemon=True)
    thread.start()
    started.wait(10)
    try:
        yield proxy
    finally:
        asyncio.run_coroutine_threadsafe(proxy.close(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


@dataclass(slots=True)
class ProxyProcess:
    """A proxy process: where it listens, and its counters once it has stopped."""

    url: str
    child: subprocess.Popen[str]
    stats: dict[str, Any] = field(default_factory=dict)

    def snapshot(self) -> dict[str, Any]:
        """Its counters now, while it runs (it prints them on SIGUSR1)."""
        assert self.child.stdout is not None
        self.child.send_signal(signal.SIGUSR1)
        data: dict[str, Any] = json.loads(self.child.stdout.readline())
        return data


@contextlib.contextmanager
def process(
    upstream: str,
    delay: float = 0.0,
    *,
    fault_rate: float = 0.0,
    faults: Sequence[str] = DEFAULT_FAULTS,
    seed: int = 0,
    hold: float = 15.0,
    log: Path | None = None,
) -> Iterator[ProxyProcess]:
    """``python -m bench._proxy`` as a process; its counters are in ``stats`` after the block,
    and each request in ``log`` where given."""
    command = [sys.executable, "-m", "bench._proxy", "--upstream", upstream, "--delay", str(delay),
               "--fault-rate", str(fault_rate), "--faults", ",".join(faults), "--seed", str(seed),
               "--hold", str(hold)]  # fmt: skip
    if log is not None:
        command += ["--log", str(log)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert child.stdout is not None
    try:
        line = child.stdout.readline()
        if not line.startswith("listening on "):
            raise RuntimeError(f"the proxy did not start: {line!r}")
        handle = ProxyProcess(line.split()[-1], child)
        yield handle
    finally:
        child.terminate()
        out, _ = child.communicate(timeout=10)
    last = [text for text in out.splitlines() if text.startswith("{")]
    if last:
        handle.stats = json.loads(last[-1])


async def _main(args: argparse.Namespace) -> None:
    proxy = Proxy(args.upstream, args.delay, fault_rate=args.fault_rate,
                  faults=args.faults.split(","), seed=args.seed, hold=args.hold,
                  log=args.log)  # fmt: skip
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    loop.add_signal_handler(
        signal.SIGUSR1, lambda: print(json.dumps(proxy.stats.as_dict()), flush=True)
    )
    print(f"listening on {await proxy.start()}", flush=True)
    await stop.wait()
    await proxy.close()
    print(json.dumps(proxy.stats.as_dict()), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench._proxy", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--upstream", required=True, help="http://HOST:PORT of the server")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds per round trip")
    parser.add_argument("--fault-rate", type=float, default=0.0, help="fraction of requests")
    parser.add_argument("--faults", default=",".join(DEFAULT_FAULTS),
                        help=f"comma-separated kinds among {','.join(FAULTS)}")  # fmt: skip
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--hold", type=float, default=15.0, help="seconds a held answer waits")
    parser.add_argument("--log", type=Path, default=None, help="a JSON line per request, here")
    args = parser.parse_args(argv)
    try:
        asyncio.run(_main(args))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
