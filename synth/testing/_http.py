"""HTTP to the target: one event loop thread, retries for transport faults, a request log.

The checks are synchronous (Hypothesis drives them), but they also need truly concurrent
requests (IDEM-CONCURRENT, PAGE-CONCURRENT) and an in-process ASGI app must always run on
the same event loop. So one background thread owns a loop and an ``httpx.AsyncClient``;
the checks submit coroutines to it.

A retry is not always harmless. When an attempt at a write fails after the request may have
reached the server (a reset, a timeout, a truncated body, a gateway's 502/503/504), the server
may have acted on it; a retry then shows the second effect (a 404 for a DELETE that worked,
a 412 for a PATCH whose ``If-Match`` it consumed). Such an exchange is marked ``ambiguous``,
and the runner never reports a violation whose example holds one. A request that carries an
idempotency key is safe to retry by contract, so it is not marked.

A safe request (GET, HEAD, OPTIONS) still unanswered well past the usual answer time is sent
again beside the first, and the first answer wins ("hedged", as in Dean and Barroso's "The
Tail at Scale"): an answer a gateway holds then costs the hedge delay, not the timeout. Never
in the rate-limit checks (they count what the server counts) nor for writes (a second copy of
a keyed write in flight is what IDEM-CONCURRENT judges).
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

import httpx

from ..spec import FileSpec
from . import _forms
from ._config import Credential, TargetConfig, is_loopback
from ._latency import percentile
from ._lock import QUOTA_POLL, RunLock
from ._problems import problem_code
from ._st import Strain

__all__ = [
    "Client",
    "Exchange",
    "FaultCost",
    "Request",
    "TransportFault",
    "Unsendable",
    "retry_after",
]

T = TypeVar("T")
_RETRY_STATUSES = (502, 503, 504)
_SAFE = ("GET", "HEAD", "OPTIONS")
# The adaptive timeout: recomputed every this many answers, never below this many seconds;
# for a request that is safe to send again (a read, a keyed write), ``_REPEATABLE_FLOOR``: a
# held answer then costs a quarter second and a retry, where a write without a key that timed
# out sets its example aside (it may have arrived).
_OBSERVED = 20
_FLOOR = 1.0
_REPEATABLE_FLOOR = 0.25
# Before the first ``_OBSERVED`` answers, a request safe to send again times out after this
# many seconds, not the configured 10 s: under 10% transport faults a worker's first checks met
# answers held 15 s, each costing the whole timeout. A cold start slower than this costs an
# attempt, and the retry waits twice as long (as after any timeout).
_REPEATABLE_FIRST = 2.5
# A keyed write sent again after an attempt that may have arrived, answered 409
# ``idempotency_key_in_use`` (that attempt still running), is sent again after these waits.
_IN_USE_WAITS = (0.1, 0.2, 0.4, 0.8, 1.6, 2.0, 2.0, 2.0)
# A safe request is sent again beside itself after this many times the slowest 5% of answers
# so far (``_HEDGE_FLOOR`` seconds at least, the timeout at most).
_HEDGE_TIMES = 4
_HEDGE_FLOOR = 0.25
# Before that (the first ``_OBSERVED`` answers), after this many seconds (``_REPEATABLE_FIRST``
# says why). A copy beside a slow first answer (a cold start) costs one request.
_HEDGE_FIRST = 1.0
# A 429 elsewhere than in the rate-limit checks is waited out (its ``Retry-After``, at most
# ``_LIMIT_WAIT`` seconds, 1 s when absent or unreadable), up to ``_LIMIT_WAITS`` times, so
# that the other checks do not fail on a rate-limited server (``_LIMIT_BUDGET`` for a limit
# the contract declares).
_LIMIT_WAITS = 3
_LIMIT_WAIT = 10.0
# A 429 from an operation whose contract declares its rate limit (``quota_of``, with other
# worker processes) is waited out for this many seconds in all, however many times: the run's
# workers share the server's quota, and three waits of the 1 s the server asked for were not
# enough for a check of the fleet example's `getDriver` (10 per 3 s per key) with four workers,
# which then reported the 429 as the answer to its request (bench/notes/latency.md).
_LIMIT_BUDGET = 60.0
# Failures that prove the request never left: nothing can have reached the server.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


@dataclass(slots=True)
class FaultCost:
    """What transport faults cost a run: seconds in attempts that ended in one and in the
    waits before a retry (``waited``, of ``seconds``: backoff, and the waits for a keyed write's
    attempt still running), and safe requests sent again beside a slow first copy (hedged).
    Mutable, so that other processes' figures are added in place when merged."""

    seconds: float = 0.0
    hedged: int = 0
    waited: float = 0.0

    def wait(self, seconds: float) -> None:
        """Count a wait before a retry."""
        self.seconds += seconds
        self.waited += seconds


@dataclass(slots=True)
class LimitWaits:
    """The 429 answers a run waited out before sending again (``Client``), and the seconds
    it waited: the server's rate limits, not faults. Mutable, merged in place as
    ``FaultCost``."""

    answers: int = 0
    seconds: float = 0.0


def fault_kind(exc: BaseException | None, status: int = 0) -> str:
    """A transport fault's kind as the report counts it: timeout, reset, truncated, 502, ..."""
    if exc is None:
        return str(status)
    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    if isinstance(exc, httpx.ConnectError):
        return "refused"
    if isinstance(exc, httpx.RemoteProtocolError):
        # h11 says "peer closed connection without sending complete message body" when a
        # body is cut short, and "Server disconnected without sending a response" on a reset.
        return "truncated" if "body" in str(exc) else "reset"
    return "reset"


class Unsendable(Exception):
    """The HTTP client refused to send a request synth built (a header HTTP/1.1 cannot carry,
    such as a Transfer-Encoding other than chunked): nothing reached the server, and sending it
    again cannot help. Not a transport fault, which blames the target: a check meeting one ends
    in an error naming synth."""


class TransportFault(Exception):
    """The target did not answer usably (timeout, reset, 502/503/504) after every retry."""

    def __init__(self, message: str, exchange: Exchange | None = None, kind: str = "") -> None:
        super().__init__(message)
        self.exchange = exchange
        self.kind = kind


@dataclass(frozen=True, slots=True)
class Request:
    """One request as a check builds it: who sends it, and what."""

    tenant: str | None
    method: str
    path: str
    query: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    json_body: Any = None
    has_body: bool = False
    raw_body: bytes | None = None
    token: str | None = field(default=None, repr=False)
    # How ``json_body`` is sent: as JSON, or as a form with these file parts (``_forms``).
    media_type: str = _forms.JSON
    files: tuple[FileSpec, ...] = ()
    # Whether the client adds its own request id where the contracts declare one and the
    # request carries none (``Client``); False sends the request without any.
    request_id: bool = True
    # False: a 429 is the answer (the rate-limit checks), not something to wait out.
    wait_limited: bool = True
    # False: nothing reads the answer (cleanup's deletes), so sending the request again after
    # an attempt that may have arrived is harmless: it times out as soon as a read would.
    judged: bool = True

    @property
    def target(self) -> str:
        return self.path + ("?" + urlencode(self.query) if self.query else "")


@dataclass(slots=True)
class Exchange:
    """A request and the response it got."""

    request: Request
    status: int
    headers: httpx.Headers
    content: bytes
    elapsed: float
    attempts: int = 1
    # A write retried after an attempt that may have reached the server (see the docstring).
    ambiguous: bool = False
    # How many requests were sent at once with this one, itself included (``gather``,
    # ``settle``); 1 when it was sent alone.
    together: int = 1
    _json: Any = field(default=None, repr=False)
    _parsed: bool = field(default=False, repr=False)

    @property
    def json(self) -> Any:
        """The body as JSON, or ``None`` when it is empty or not JSON."""
        if not self._parsed:
            self._parsed = True
            self._json = _json_of(self.content)
        return self._json

    @property
    def content_type(self) -> str:
        value: str = self.headers.get("content-type", "")
        return value.split(";", maxsplit=1)[0].strip().lower()

    @property
    def code(self) -> str | None:
        return problem_code(self.json)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def _together(answers: Sequence[Exchange | None]) -> None:
    """Mark each of ``answers`` to requests sent at once with how many there were."""
    for answer in answers:
        if answer is not None:
            answer.together = len(answers)


class _Loop:
    """An asyncio loop in a daemon thread; ``run`` waits for a coroutine's result."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="synth-http", daemon=True)
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)
        if not self.thread.is_alive():
            self.loop.close()


class Client:
    """Sends requests to the target with retries and records every exchange in ``log``."""

    def __init__(
        self,
        config: TargetConfig,
        idempotency_headers: Iterable[str] = (),
        credential: Credential | None = None,
        request_id_header: str | None = None,
    ) -> None:
        self.config = config
        # The contracts' request id header: each request gets a fresh UUID in it, kept in the
        # request so a reproduction shows it and the server's logs can be searched for it.
        self.request_id_header = request_id_header
        self.credential = credential if credential is not None else Credential()
        self.log: list[Exchange] = []
        self.requests = 0
        # Requests sent that may change what the server holds (not GET, HEAD or OPTIONS),
        # counted as they are sent, whatever their answer (``Target.seen_list``, ``Context.
        # answers``).
        self.writes = 0
        self.faults: list[str] = []
        # By kind: faults a retry got past, and the faults of requests that outlasted every retry.
        self.survived: Counter[str] = Counter()
        self.exhausted: Counter[str] = Counter()
        self.limited = LimitWaits()  # 429s waited out (``_LIMIT_WAITS``)
        self.cost = FaultCost()
        # Whether a retry backs off: only where many recent attempts met faults (``Strain``).
        self.strain = Strain()
        # The checks that count what the server counts turn ``hedging`` off while they run.
        self.hedging = True
        self._hedge = min(config.timeout, _HEDGE_FIRST)
        self._keyed = {h.lower() for h in idempotency_headers}
        # Answer times so far, for the adaptive timeout (``timeout``).
        self._elapsed: list[float] = []
        self._timeout = config.timeout
        self._tail: float | None = None  # ten times the slowest percent, once measured
        self._loop = _Loop()
        self._lifespan: _Lifespan | None = None
        self._transport: httpx.AsyncBaseTransport | None = None
        # A keep-alive connection pool per tenant: one tenant's requests never wait for a
        # connection another tenant's slow answer holds.
        self._clients: dict[str | None, httpx.AsyncClient] = {}
        # The rate-limit quota each request counts against ("" for none), and with other
        # worker processes (``synth test --workers``) the run's lock, whose quota a request
        # holds shared while it is in flight (``RunLock.try_quota``).
        self.quota_of: Callable[[Request], str] | None = None
        self.lock: RunLock | None = None
        # When each tenant last spent each quota (``note_spent``), in this process.
        self.spent: dict[tuple[str, str], float] = {}
        # Called when a check spoilt what others made while this process waited out a 429
        # with the run's lock let go (``RunLock.resume``): the target drops what it reuses.
        self.spoilt: Callable[[], None] | None = None
        # Whether a request reads one item (``Target.reads_one``): after a pause such a read
        # takes back the run's lock and its parts' items only (``RunLock.reading``).
        self.reads_one: Callable[[Request], bool] | None = None
        # The parts of the API a write goes to (``Target.writes_to``): it holds the writes lock
        # of those the test holds no lane of while it is in flight (``RunLock.try_writes``).
        self.writes_to: Callable[[Request], tuple[str, ...]] | None = None
        self._sending = 0  # attempts in flight
        # The run's lock and the test's parts let go while it waits (``RunLock.pause``), and
        # whether a read of one item took back the run's lock since (``RunLock.reading``).
        self._paused = False
        self._reading = False
        self._resuming: asyncio.Lock | None = None
        # Whether the running test holds its part only while a write of it is in flight
        # (``RunLock.light``), until it reads a list; its writes go one at a time.
        self.light = False
        self._writing: asyncio.Lock | None = None
        self._loop.run(self._open())

    async def _open(self) -> None:
        if self.config.app is not None:
            self._lifespan = _Lifespan(self.config.app)
            await self._lifespan.startup()
            self._transport = httpx.ASGITransport(app=self.config.app, raise_app_exceptions=False)

    def _pool(self, tenant: str | None) -> httpx.AsyncClient:
        client = self._clients.get(tenant)
        if client is None:
            client = self._clients[tenant] = httpx.AsyncClient(
                base_url=self.config.url,
                transport=self._transport,
                timeout=self.config.timeout,
                headers=dict(self.config.headers),
                follow_redirects=False,
                # HTTP/2 where the server offers it (TLS, ALPN: a preview deploy behind a CDN),
                # the tenant's requests side by side on one connection; HTTP/1.1 otherwise
                # (plain http://, never upgraded), a keep-alive pool as before.
                http2=self._transport is None,
            )
        return client

    @property
    def timeout(self) -> float:
        """Seconds a request may take: after 20 answers, ten times the slowest percent of
        them (1 s at least; a quarter second for a read or a keyed write, ``_timeout_for``,
        and 2.5 s for those before the 20th answer), so a held answer costs one request
        briefly; after each timeout the next attempt waits twice as long, and the configured
        timeout is the ceiling."""
        return self._timeout

    @property
    def round_trip(self) -> float | None:
        """The median seconds of the answers so far; None before the first."""
        return percentile(self._elapsed, 50) if self._elapsed else None

    def _is_keyed(self, request: Request) -> bool:
        return any(name.lower() in self._keyed for name, _ in request.headers)

    def _repeatable(self, request: Request) -> bool:
        """Whether ``request`` may be sent again once an attempt may have arrived: a read, a
        keyed write, or a request whose answer nothing judges. A write without an idempotency
        key is not: it may have taken effect."""
        return request.method in _SAFE or self._is_keyed(request) or not request.judged

    def _timeout_for(self, repeatable: bool) -> float:
        if not repeatable:
            return self._timeout
        if self._tail is None:
            return min(self._timeout, _REPEATABLE_FIRST)
        return min(self.config.timeout, max(_REPEATABLE_FLOOR, self._tail))

    def _observe(self, seconds: float) -> None:
        self._elapsed.append(seconds)
        count = len(self._elapsed)
        if count >= _OBSERVED and count % _OBSERVED == 0:
            ordered = sorted(self._elapsed)
            p99 = ordered[min(count - 1, int(count * 0.99))]
            self._tail = 10 * p99
            self._timeout = min(self.config.timeout, max(_FLOOR, self._tail))
            p95 = ordered[min(count - 1, int(count * 0.95))]
            self._hedge = min(self._timeout, max(_HEDGE_FLOOR, _HEDGE_TIMES * p95))

    def close(self) -> None:
        async def shutdown() -> None:
            for client in self._clients.values():
                await client.aclose()
            if self._lifespan is not None:
                await self._lifespan.shutdown()

        try:
            self._loop.run(shutdown())
        finally:
            self._loop.close()

    def send(self, request: Request) -> Exchange:
        return self._loop.run(self._send(request))

    def gather(self, requests: Sequence[Request]) -> list[Exchange]:
        """Send requests concurrently; answers in the order of ``requests``. Where one fails
        (a transport fault that outlasted its retries), the first such failure is raised once
        every other request of the batch is answered: none is still in flight, unseen, when
        the caller sends the example again."""

        async def all_of() -> list[Exchange]:
            answers = await asyncio.gather(*(self._send(r) for r in requests),
                                           return_exceptions=True)  # fmt: skip
            for answer in answers:
                if isinstance(answer, BaseException):
                    raise answer
            return [a for a in answers if isinstance(a, Exchange)]

        answers = self._loop.run(all_of())
        _together(answers)
        return answers

    def settle(
        self, requests: Sequence[Request], at_once: int | None = None
    ) -> list[Exchange | None]:
        """Send requests concurrently, ``at_once`` at most in flight (all: None), each sent
        as soon as one before it is answered, in order; each one's answer, or None where a
        transport fault outlasted its retries (the others still answer). A window, not
        batches: a held answer keeps one slot, not its batch."""

        async def all_of() -> list[Exchange | None]:
            slots = asyncio.Semaphore(at_once or max(1, len(requests)))

            async def one(request: Request) -> Exchange:
                async with slots:
                    return await self._send(request)

            answers = await asyncio.gather(*(one(r) for r in requests), return_exceptions=True)
            for answer in answers:
                if isinstance(answer, BaseException) and not isinstance(answer, TransportFault):
                    raise answer
            return [a if isinstance(a, Exchange) else None for a in answers]

        answers = self._loop.run(all_of())
        _together(answers)
        return answers

    def call(self, func: Callable[[], Awaitable[T]]) -> T:
        async def wrapper() -> T:
            return await func()

        return self._loop.run(wrapper())

    async def _send(self, request: Request) -> Exchange:
        if request.method not in _SAFE:
            self.writes += 1
        exchange = await self._attempts(request)
        waits, since = 0, time.monotonic()
        while request.wait_limited and exchange.status == 429:
            if waits >= _LIMIT_WAITS and not (
                time.monotonic() - since < _LIMIT_BUDGET and self._declares_limit(request)
            ):
                break
            waits += 1
            pause = retry_after(exchange.headers, default=1.0, cap=_LIMIT_WAIT)
            self.limited.answers += 1
            self.limited.seconds += pause
            # Nothing is sent while the quota refills: the run's lock goes meanwhile, where the
            # test holds it shared only and no other request of this process is in flight.
            if self._sending == 0:
                self._let_go()
            await asyncio.sleep(pause)
            exchange = await self._attempts(request)
        return exchange

    def _declares_limit(self, request: Request) -> bool:
        """Whether ``request``'s operation declares a rate limit (``quota_of``: asked only
        after three 429s, not for every request)."""
        return self.quota_of is not None and bool(self.quota_of(request))

    def begin(self, *, light: bool) -> None:
        """At a test's start, its locks taken (``_parallel.hold``): whether it holds its part
        only while a write is in flight (``RunLock.light``), or what it took until it ends."""
        self._paused = self._reading = False
        self.light = light

    def _let_go(self) -> None:
        """Let the run's lock and the test's parts go while nothing is in flight and nothing
        will be sent for a while (``RunLock.pause``; from reading, what that took)."""
        if self.lock is None or (self._paused and not self._reading):
            return
        paused = self.lock.pause()
        self._paused = self._paused or paused
        self._reading = False

    async def _take_back(self, request: Request) -> None:
        """Before ``request`` is sent after a pause: the run's lock and the test's parts back
        (``RunLock.resume``), or for a read of one item the run's lock and the parts' items
        only (``RunLock.reading``)."""
        if self._paused:
            await self._retake(self._reads_one(request))

    async def _retake(self, reading: bool) -> None:
        """Take back what a pause let go (``_take_back``), once whatever is in flight."""
        if self._resuming is None:
            self._resuming = asyncio.Lock()
        async with self._resuming:
            if not self._paused or self.lock is None or (reading and self._reading):
                return
            # It may wait for a whole check that keeps the part, or its items: not on the
            # event loop.
            spoilt = await asyncio.to_thread(self.lock.reading if reading else self.lock.resume)
            if reading:
                self._reading = True
            else:
                self._paused = self._reading = False
            if spoilt and self.spoilt is not None:
                self.spoilt()

    async def _widen(self) -> None:
        """Take the lanes of the test's parts it lacks before it sends as another tenant
        (``RunLock.widen``), once, whatever is in flight."""
        if self._resuming is None:
            self._resuming = asyncio.Lock()
        async with self._resuming:
            if self.lock is not None:
                # It may wait for a walk that keeps a lane: not on the event loop.
                await asyncio.to_thread(self.lock.widen)

    async def _attempts(self, request: Request) -> Exchange:
        if self._paused:
            await self._take_back(request)
        if self.light and self.lock is not None:
            return await self._light_attempts(request, self.lock)
        if (
            self.lock is not None
            and self.lock.acts_beyond(request.tenant)
            and not self._reads_one(request)
        ):
            # A read of one item as another tenant (B asking for A's job) neither changes nor
            # counts that tenant's list, which a walk keeping its lane walks: it takes no lane.
            await self._widen()
        return await self._counted(request)

    async def _counted(self, request: Request) -> Exchange:
        self._sending += 1
        try:
            return await self._quota_attempts(request)
        finally:
            self._sending -= 1

    async def _light_attempts(self, request: Request, lock: RunLock) -> Exchange:
        """A light test's request (``RunLock.light``): a read of one item holds the run's lock
        and the items locks; a write holds the lane of the tenant it writes as while it is in
        flight, one write at a time (two lanes are never waited for in turn); a list read
        ends the lightness, and the test holds its lane from then on, as any other."""
        if self._reads_one(request):
            if await asyncio.to_thread(lock.light_read) and self.spoilt is not None:
                self.spoilt()
            return await self._counted(request)
        if request.method in _SAFE:
            self.light = False
            await asyncio.to_thread(lock.light_end)
            return await self._attempts(request)
        if self._writing is None:
            self._writing = asyncio.Lock()
        async with self._writing:
            lane = self._lane_of(request.tenant, lock.lanes)
            if await asyncio.to_thread(lock.light_write, lane) and self.spoilt is not None:
                self.spoilt()
            try:
                return await self._counted(request)
            finally:
                lock.light_done()

    def _lane_of(self, tenant: str | None, lanes: int) -> int | None:
        """The lane of the run's lock that requests as ``tenant`` write in (``RunLock``: the
        first tenants', one each), None for every lane (no credentials, a third tenant)."""
        names = [t.name for t in self.config.tenants][:lanes]
        return names.index(tenant) if tenant in names else None

    def _reads_one(self, request: Request) -> bool:
        return self.reads_one is not None and self.reads_one(request)

    async def _quota_attempts(self, request: Request) -> Exchange:
        quota = self.quota_of(request) if self.quota_of is not None else ""
        parts = self.writes_to(request) if self.writes_to is not None else ()
        if not quota and not parts:
            return await self._attempted(request)
        lane = self._lane_of(request.tenant, self.lock.lanes) if self.lock is not None else None
        held = self._hold(quota, parts, lane)
        while held is None and self.lock is not None:
            if self._sending == 1:
                # A rate-limit check keeps the quota for its window and burst, or a walk
                # keeps the part written to: the test sends nothing meanwhile, so it lets go
                # of the run's lock and its parts, as while it waits out a 429 (a walk of its
                # part need not wait for it). They are taken back before the quota and the
                # writes locks, never while holding one (``_lock``).
                self._let_go()
            await asyncio.sleep(QUOTA_POLL)
            if self._paused and not self._reading and self._free(quota, parts, lane):
                await self._take_back(request)
            held = self._hold(quota, parts, lane)
        try:
            return await self._attempted(request)
        finally:
            if quota:
                # Noted before the quota goes: a rate-limit check that keeps it next reads when.
                self.note_spent(quota, request.tenant or "")
            if self.lock is not None and held is not None:
                self.lock.give_writes(held)
                if quota:
                    self.lock.give_quota(quota)

    def _hold(
        self, quota: str, parts: tuple[str, ...], lane: int | None
    ) -> list[tuple[str, int]] | None:
        """The writes locks of ``parts`` (``RunLock.try_writes``) and ``quota``, all of them at
        once or none; what ``give_writes`` lets go, or None to try again later."""
        if self.lock is None:
            return []
        taken = self.lock.try_writes(parts, lane) if parts else []
        if taken is None:
            return None
        if quota and not self.lock.try_quota(quota):
            self.lock.give_writes(taken)
            return None
        return taken

    def _free(self, quota: str, parts: tuple[str, ...], lane: int | None) -> bool:
        """Whether ``_hold`` would have them now, without holding them."""
        held = self._hold(quota, parts, lane)
        if held is None or self.lock is None:
            return False
        self.lock.give_writes(held)
        if quota:
            self.lock.give_quota(quota)
        return True

    def note_spent(self, quota: str, tenant: str) -> None:
        """Note that ``tenant`` (``ANY_TENANT``: any of them) spent ``quota`` just now, an
        answer come or the request given up: the server counted it by then
        (``Target.last_spent``), here and for the run's other processes (``RunLock``)."""
        self.spent[quota, tenant] = time.time()
        if self.lock is not None:
            self.lock.note_spent(quota, tenant)

    def _wire(self, request: Request) -> tuple[dict[str, str], bytes | None]:
        """``request``'s headers (its credential and content type added) and body as sent."""
        headers = dict(request.headers)
        if request.token is not None:
            self.credential.apply(headers, request.token)
        content: bytes | None = request.raw_body
        kind = request.media_type
        if request.has_body and content is None:
            content, kind = _forms.encode(request.json_body, request.media_type, request.files)
        if content is not None and not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = kind
        return headers, content

    async def _attempted(self, request: Request) -> Exchange:
        self._guard(request)
        request = self._with_request_id(request)
        headers, content = self._wire(request)
        url = self.config.url + request.path
        keyed = self._is_keyed(request)
        repeatable = self._repeatable(request)
        timeout = self._timeout_for(repeatable)
        maybe_delivered = False
        kinds: list[str] = []
        last = ""
        timeouts = 0  # attempts timed out so far: each makes the next wait twice as long
        hedge = (
            self._hedge
            if self.hedging and request.method in _SAFE and request.wait_limited
            else None
        )
        for attempt in range(1, self.config.retries + 2):
            started = time.monotonic()
            self.requests += 1
            try:
                send = functools.partial(
                    self._pool(request.tenant).request,
                    request.method,
                    url,
                    params=list(request.query),
                    headers=headers,
                    content=content,
                    # Twice as long after each timeout: a server slow for good gets its answer
                    # in. Not after a reset or a 502: a held answer after a reset then cost
                    # twice the timeout (5 s in a worker's first checks, bench.bugs).
                    timeout=min(self.config.timeout, timeout * 2**timeouts),
                )
                response, started = await self._hedged(send, hedge, started)
                if keyed and maybe_delivered and request.method not in _SAFE:
                    response = await self._until_done(send, response)
            except httpx.LocalProtocolError as exc:
                # Refused before anything was sent (h11 checks the request as it writes it):
                # before, it counted as a reset and went three more times, the server blamed.
                self.requests -= 1
                raise Unsendable(
                    f"{request.method} {request.target}: the HTTP client refused to send the "
                    f"request synth built ({exc}); nothing reached the server"
                ) from exc
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                self.strain.note(True)
                self.cost.seconds += time.monotonic() - started
                last = f"{type(exc).__name__}: {exc}"
                kinds.append(fault_kind(exc))
                maybe_delivered = maybe_delivered or not isinstance(exc, _NOT_SENT)
                timeouts += isinstance(exc, httpx.TimeoutException)
            else:
                exchange = Exchange(
                    request, response.status_code, response.headers, response.content,
                    time.monotonic() - started, attempt, maybe_delivered and not repeatable,
                )  # fmt: skip
                self._observe(exchange.elapsed)
                self.strain.note(response.status_code in _RETRY_STATUSES)
                if response.status_code not in _RETRY_STATUSES:
                    self.survived.update(kinds)
                    self.log.append(exchange)
                    return exchange
                self.cost.seconds += exchange.elapsed
                last = f"HTTP {response.status_code}"
                kinds.append(fault_kind(None, response.status_code))
                # A gateway may have passed the request on before it gave up.
                maybe_delivered = True
            if attempt <= self.config.retries:
                delay = self.strain.wait(self.config.backoff, attempt)
                self.cost.wait(delay)
                await asyncio.sleep(delay)
        message = (
            f"{request.method} {request.target}: {last} after {self.config.retries + 1} attempts"
        )
        self.faults.append(message)
        self.exhausted.update(kinds)
        raise TransportFault(message, kind=kinds[-1] if kinds else "")

    async def _until_done(
        self, send: Callable[[], Awaitable[httpx.Response]], response: httpx.Response
    ) -> httpx.Response:
        """The answer to a keyed write sent again after an attempt that may have arrived
        (timed out, reset, a gateway's 502): while the server answers 409
        ``idempotency_key_in_use``, that attempt is still running, and its answer is replayed
        once it ends (the key's promise); so it is asked again after a wait, a few times, and
        only then is the 409 the answer. A check that sends two copies at once on purpose
        (IDEM-CONCURRENT) sends first attempts, which never wait here."""
        for pause in _IN_USE_WAITS:
            in_use = problem_code(_json_of(response.content)) == "idempotency_key_in_use"
            if response.status_code != 409 or not in_use:
                break
            self.cost.wait(pause)
            await asyncio.sleep(pause)
            self.requests += 1
            response = await send()
        return response

    async def _hedged(
        self, send: Callable[[], Awaitable[httpx.Response]], hedge: float | None, started: float
    ) -> tuple[httpx.Response, float]:
        """One attempt; with ``hedge``, a copy is sent when the first has not been answered
        after that many seconds, and the first answer of the two wins (the other is cancelled).
        Returns the answer and when its request was sent; raises the last copy's error when
        neither was answered."""
        first = asyncio.ensure_future(send())
        if hedge is None:
            return await first, started
        answered, _ = await asyncio.wait({first}, timeout=hedge)
        if answered:
            return first.result(), started
        self.requests += 1
        self.cost.hedged += 1
        sent = {first: started, asyncio.ensure_future(send()): time.monotonic()}
        pending = set(sent)
        error: BaseException | None = None
        try:
            while pending:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    error = task.exception()
                    if error is None:
                        return task.result(), sent[task]
        finally:
            for other in pending:
                other.cancel()
        assert error is not None
        raise error

    def _with_request_id(self, request: Request) -> Request:
        name = self.request_id_header
        if name is None or not request.request_id:
            return request
        if any(k.lower() == name.lower() for k, _ in request.headers):
            return request
        return dataclasses.replace(request, headers=(*request.headers, (name, str(uuid.uuid4()))))

    def _guard(self, request: Request) -> None:
        if request.method in _SAFE or self.config.app is not None:
            return
        host = (urlsplit(self.config.url).hostname or "").lower()
        if not is_loopback(host) and host not in self.config.allow_hosts:  # pragma: no cover
            raise AssertionError(f"refusing to send {request.method} to {host!r}: not allowed")


def _json_of(content: bytes) -> Any:
    """An answer's body as JSON, or ``None`` when it is empty or not JSON."""
    try:
        return json.loads(content) if content else None
    except ValueError:
        return None


def retry_after(headers: httpx.Headers, *, default: float, cap: float) -> float:
    """The seconds a ``Retry-After`` header asks for (delay-seconds or an HTTP-date), at most
    ``cap``; ``default`` when it is absent or unreadable."""
    value = headers.get("retry-after", "").strip()
    if value.isdigit():
        return min(float(value), cap)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    if when.tzinfo is None:
        return default
    return min(max(0.0, when.timestamp() - time.time()), cap)


class _Lifespan:
    """Runs an ASGI app's lifespan protocol around in-process use.

    Hand-written (about 30 lines) because httpx.ASGITransport does not run lifespan and the
    asgi-lifespan package is not a dependency.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.inbox: asyncio.Queue[Mapping[str, Any]] = asyncio.Queue()
        self.outbox: asyncio.Queue[Mapping[str, Any]] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None
        self.supported = True

    async def _run(self) -> None:
        try:
            await self.app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}},
                           self.inbox.get, self.outbox.put)  # fmt: skip
        except BaseException:  # an app without lifespan support raises or returns at once
            self.supported = False
        await self.outbox.put({"type": "lifespan.done"})

    async def startup(self) -> None:
        self.task = asyncio.ensure_future(self._run())
        await self.inbox.put({"type": "lifespan.startup"})
        message = await self.outbox.get()
        if message["type"] == "lifespan.startup.failed":
            raise RuntimeError(f"the app's startup failed: {message.get('message', '')}")
        if message["type"] == "lifespan.done":
            self.supported = False

    async def shutdown(self) -> None:
        if self.supported and self.task is not None and not self.task.done():
            await self.inbox.put({"type": "lifespan.shutdown"})
            await self.outbox.get()
        if self.task is not None:
            await asyncio.wait([self.task], timeout=5)
