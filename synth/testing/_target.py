"""A test run against one target: the loaded contracts, the HTTP client and run-wide state."""

from __future__ import annotations

import contextlib
import functools
import json
import re
import secrets
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote, unquote

from .. import loader
from .._errors import UsageError
from .._paths import param_names
from ..document import build
from ..relations import Graph
from ..spec import ApiSpec, OperationSpec
from ._config import Credential, TargetConfig, check_tenant_ids
from ._curl import Redactor
from ._data import Schemas
from ._edges import SharedEdges
from ._first import FirstExamples
from ._http import Client, Exchange, FaultCost, LimitWaits, Request, TransportFault
from ._lock import ANY_TENANT, RunLock
from ._nowhere import Nowhere
from ._twins import Twins
from ._unique import Fresh
from ._violation import Finding, Violation

if TYPE_CHECKING:  # they import this module
    from ._authorization import Standby
    from ._context import LockParts

T = TypeVar("T")

__all__ = ["MARKER_END", "Target", "check_tenant_values"]

# The last character of every run marker (``Target.marker``), and nowhere else in one.
MARKER_END = "z"


def check_tenant_values(api: ApiSpec, config: TargetConfig, nowhere: Nowhere | None = None) -> None:
    """Each ``--tenant-id`` must be a value the tenant path parameter's schema accepts: any
    other would be refused as invalid input on every request, and nothing tested."""
    name = api.tenant_param
    param = next((p for op in api.operations for p in op.path_params if p.name == name), None)
    if param is None:
        return
    nowhere = nowhere if nowhere is not None else Nowhere(Schemas(api))
    for tenant in config.tenants:
        if tenant.tenant_id is not None and not nowhere.accepts(param, tenant.tenant_id):
            raise UsageError(
                f"--tenant-id={tenant.name}={tenant.tenant_id}: the contracts' {{{name}}} does "
                f"not accept it (schema {json.dumps(dict(param.schema))}); give tenant "
                f"{tenant.name}'s own {name} as the server knows it"
            )


# Deletes in flight at once when a run cleans up (``Target._delete``).
_CLEANUP_AT_ONCE = 8


class Target:
    """The server under test, as every check sees it. One per run; ``close`` cleans up."""

    def __init__(self, config: TargetConfig, api: ApiSpec | None = None) -> None:
        self.config = config
        self.api = api if api is not None else loader.load(config.contracts)
        check_tenant_ids(config, self.api.tenant_param)
        self.graph = Graph(self.api)
        self.schemas = Schemas(self.api)
        self.nowhere = Nowhere(self.schemas)
        # A run id in every name and tag the run writes makes its data recognisable.
        self.run_id = "s" + secrets.token_hex(4)
        self.fresh = Fresh(self.schemas, config.seed, self.run_id)
        check_tenant_values(self.api, config, self.nowhere)
        self.redact = Redactor(config.secrets)
        self.findings: list[Finding] = []
        self.created: list[tuple[str, str]] = []
        # Each tenant's parent items that examples share (``Context.provision``), by tenant,
        # creating operation, path parameter and the parameters above it: their ids.
        self.shared: dict[tuple[Any, ...], str] = {}
        # The exchanges that made each shared parent (and the shared parents above it).
        self.shared_origin: dict[tuple[Any, ...], tuple[Exchange, ...]] = {}
        # Creates whose declared 409 an action on an earlier item resolved (``Context.seed``).
        self.unblocked: set[str] = set()
        # Creates whose items each need a parent of their own (``Context.fixture``).
        self.unshared: set[str] = set()
        # Creates whose items refused to share the fresh parent or referenced item a list's
        # filter isolated their scope by (``Context._item_scope``).
        self.unfiltered: set[str] = set()
        # Upserts that answered a PUT to an id new to the run as if it replaced an item (not
        # 201): their answer says nothing of whether an id was in use (``Context.create``).
        self.upserts_not_saying: set[str] = set()
        # Each list's edge fixture (``Context.edge_scope``), by tenant and operation: the scope
        # holding more items than the largest page and the exchanges that made it, or the
        # reason it could not be made.
        self.edges: dict[tuple[str, str], tuple[Any, tuple[Exchange, ...]] | str] = {}
        # (invariant, operation) whose checks at the declared edges passed in this run.
        self.edges_judged: set[tuple[str, str]] = set()
        # (invariant, operation) whose failure at the declared edges a re-check at once
        # confirmed (``Context.at_the_edges``): the violation, raised again by later examples.
        self.edge_violations: dict[tuple[str, str], Violation] = {}
        # Of those, the ones judged while the API's other parts ran (``RunLock.partial``):
        # judged again once the run is to itself (``Context.at_the_edges``).
        self.edges_beside: set[tuple[str, str]] = set()
        # (invariant, operation) whose failure at the declared edges a re-check at once did
        # not reproduce: what it was, for the run's summary (not reported as a violation).
        self.edges_unconfirmed: dict[tuple[str, str], str] = {}
        # By operation, each declared bound VAL-BOUND met: why no value was made at it, or ""
        # once one was.
        self.unsent_bounds: dict[str, dict[str, str]] = {}
        self._counter = 0
        self._lock = threading.Lock()
        # DELETE operations' paths as request-path patterns, with their parts (cleanup).
        self._deleters: list[tuple[re.Pattern[str], str]] | None = None
        self._kept_parts: LockParts | None = None  # ``part``'s, once
        self._quotas: list[tuple[str, re.Pattern[str], str]] | None = None
        # GET and HEAD operations' paths as request-path patterns, and whether each reads one
        # item (``reads_one``).
        self._reads: list[tuple[str, re.Pattern[str], bool]] | None = None
        # Writing operations' methods and paths as request-path patterns, with their parts
        # (``writes_to``).
        self._writers: list[tuple[str, re.Pattern[str], str]] | None = None
        self._client: Client | None = None
        self.requests = 0
        # Examples set aside because a write in them was retried after it may have arrived.
        self.set_aside = 0
        self._survived: Counter[str] = Counter()
        self._exhausted: Counter[str] = Counter()
        self._fault_cost = FaultCost()
        self._limit_waits = LimitWaits()
        # Shared with the run's other worker processes (``synth test --workers``), else None.
        self.lock: RunLock | None = None
        # Which test of a check split in two runs (``_first``): "first", "rest" or "".
        self.stage = ""
        # The tenant the running test acts as, by index, where a part's chain deals its walks
        # between two (``_parallel.LANED``); None: the first.
        self.lane: int | None = None
        self.firsts = FirstExamples()
        # Which search of each operation's ERR-PROBLEM and ERR-DECLARED judges both (``_twins``),
        # and the (invariant, operation) whose rule a twin judging it saw fail in this process.
        self.twins = Twins()
        self.twin_failed: set[tuple[str, str]] = set()
        # The edge fixtures shared with the run's other worker processes (``_edges``), else None.
        self.edge_store: SharedEdges | None = None
        # The lock's count of spoilt reuse (``RunLock.spoil``) when this process last dropped
        # what it keeps for reuse.
        self._epoch: dict[str, int] = {}
        # Each operation's response times in seconds, one per answer (``_latency``), and
        # whether a breach of a latency objective fails the run (``--enforce-slo``).
        self.latencies: dict[str, list[float]] = {}
        self.enforce_slo = False
        # The object-level check of a part started ahead of its test, by part
        # (``_authorization.standby``); any not taken is stopped by ``close``.
        self.standby: dict[str, Standby] = {}
        # The ids each list held when last walked whole at its largest limit (``Context.walk``),
        # by ``Context.list_key``, with this process's writes and lock releases then
        # (``seen_list``); forgotten at each test's start.
        self.seen_lists: dict[tuple[object, ...], tuple[frozenset[str], int, int]] = {}

    @property
    def client(self) -> Client:
        if self._client is None:
            keyed = [op.idempotency.header for op in self.api.operations if op.idempotency]
            rid = self.api.request_id
            self._client = Client(self.config, keyed, self.credential,
                                  rid.header if rid is not None else None)  # fmt: skip
            if self.lock is not None:
                self._client.lock = self.lock
                self._client.spoilt = self.sync_shared
                self._client.reads_one = self.reads_one
                self._client.writes_to = self.writes_to
            if self._limited():
                self._client.quota_of = self.quota_of
        return self._client

    def _limited(self) -> list[tuple[str, re.Pattern[str], str]]:
        """``(method, request-path pattern, quota)`` of each operation declaring a rate limit."""
        if self._quotas is None:
            self._quotas = self._routes(lambda op: op.rate_limit.quota if op.rate_limit else None)
        return self._quotas

    def _routes(
        self, value: Callable[[OperationSpec], T | None]
    ) -> list[tuple[str, re.Pattern[str], T]]:
        """``(method, request-path pattern, value)`` of each operation ``value`` gives one
        (not None) for: what ``quota_of``, ``reads_one`` and ``writes_to`` match requests
        against (``_matching``)."""
        return [(op.method, self._path_pattern(op.path), found) for op in self.api.operations
                if (found := value(op)) is not None]  # fmt: skip

    @staticmethod
    def _matching(routes: list[tuple[str, re.Pattern[str], T]], request: Request) -> list[T]:
        """The values of ``routes`` (``_routes``) whose method and path ``request`` has."""
        return [value for method, pattern, value in routes
                if method == request.method and pattern.fullmatch(request.path)]  # fmt: skip

    def reads_one(self, request: Request) -> bool:
        """Whether ``request`` reads one item: a GET or HEAD whose path only operations that
        read an item match (``Graph.is_item_op``, no pagination), never a list's."""
        if request.method not in {"GET", "HEAD"}:
            return False
        if self._reads is None:
            self._reads = self._routes(
                lambda op: (op.pagination is None and self.graph.is_item_op(op))
                if op.method in {"GET", "HEAD"} else None
            )  # fmt: skip
        matched = self._matching(self._reads, request)
        return bool(matched) and all(matched)

    def writes_to(self, request: Request) -> tuple[str, ...]:
        """The parts of the API (``part``) whose writes lock ``request`` holds while it is in
        flight (``RunLock.try_writes``): those of the operations it may be, by method and path,
        where it writes (none for GET, HEAD, OPTIONS) and the locks split parts that way
        (``LockParts.gated``)."""
        if request.method in {"GET", "HEAD", "OPTIONS"} or not self._lock_parts().gated:
            return ()
        if self._writers is None:
            parts = self._lock_parts().of
            self._writers = self._routes(
                lambda op: None if op.method in {"GET", "HEAD", "OPTIONS"}
                else parts[op.operation_id]
            )  # fmt: skip
        return tuple(sorted(set(self._matching(self._writers, request))))

    def quota_of(self, request: Request) -> str:
        """The rate-limit quota ``request`` counts against (``RateLimitSpec.quota``), "" for
        none: that of the first limited operation whose method and path it matches."""
        return next(iter(self._matching(self._limited(), request)), "")

    def keep_quota(self, op: OperationSpec) -> None:
        """Keep ``op``'s rate-limit quota to this test until it ends, and let its part of the
        API go (a rate-limit check, from its quiet window on: ``RunLock.exclusive_quota``)."""
        if self.lock is not None and op.rate_limit is not None:
            self.lock.exclusive_quota(op.rate_limit.quota)

    def last_spent(self, quota: str, tenant: str) -> float:
        """When (``time.time()``) a request of the run that counts against ``quota`` as
        ``tenant``, or as any tenant (``ANY_TENANT``), was last answered or given up (``Client.
        note_spent``), in any of its processes; 0.0 for never."""
        spent = self.client.spent
        last = max(spent.get((quota, tenant), 0.0), spent.get((quota, ANY_TENANT), 0.0))
        if self.lock is not None:
            last = max(last, self.lock.last_spent(quota, tenant),
                       self.lock.last_spent(quota, ANY_TENANT))  # fmt: skip
        return last

    def spent_by_engine(self, operations: Iterable[str]) -> None:
        """Note that the quotas of ``operations`` (by id) were spent just now, as any tenant:
        schemathesis's engine sent requests to them itself, not through the client."""
        named = set(operations)
        for op in self.api.operations:
            if op.rate_limit is not None and op.operation_id in named:
                self.client.note_spent(op.rate_limit.quota, ANY_TENANT)

    def make_for_quota(self, op: OperationSpec) -> None:
        """Before a rate-limit check's example makes what its burst reads: its part of the API
        held shared again where an earlier example kept the quota (``keep_quota``)."""
        if self.lock is not None:
            self.lock.back_to_part(self.part(op.operation_id))

    def quotas_of_part(self, operation_id: str) -> list[str]:
        """The rate-limit quotas of the operations in the part of the API (``Graph.parts``)
        ``operation_id`` is in."""
        parts = self.graph.parts()
        part = parts.get(operation_id)
        return sorted({op.rate_limit.quota for op in self.api.operations
                       if op.rate_limit is not None and parts.get(op.operation_id) == part})  # fmt: skip

    @property
    def credential(self) -> Credential:
        """How each tenant's secret is sent, as the contracts declare it."""
        return Credential(self.api.auth_style, self.api.auth_name)

    def tenant_id(self, tenant: str | None) -> str | None:
        """``tenant``'s value of the tenant path parameter (the first tenant's for none)."""
        chosen = self.config.tenant(tenant) if tenant is not None else self.config.tenants[0]
        return chosen.tenant_id

    @functools.cached_property
    def document(self) -> str:
        """The OpenAPI document of the contracts under test, as JSON text, built once per run.

        Conformance reads it for every operation; emitting it each time cost more than the
        requests of a quick profile (bench/throughput.py).
        """
        return json.dumps(build(self.api), ensure_ascii=False)

    @property
    def url(self) -> str:
        """Base URL plus the API's base path (unless the base URL already ends with it)."""
        base = self.config.url
        path = self.api.base_path.rstrip("/")
        return base if not path or base.endswith(path) else base + path

    @property
    def tenants(self) -> list[str]:
        return [t.name for t in self.config.tenants]

    def actors(self) -> tuple[str, str]:
        """The tenant the running test acts as and the other it plays against: the first two,
        swapped for a test that acts as the second (``lane`` 1); one tenant plays both."""
        names = self.tenants
        if len(names) < 2:
            return names[0], names[0]
        return (names[1], names[0]) if self.lane == 1 else (names[0], names[1])

    def marker(self) -> str:
        """A fresh run-unique marker: lower-case letters, digits and '-', ending in ``z``.

        No marker is a substring of another: ``z`` appears in none but as its last character
        (the run id and the counter are hexadecimal), and ``s`` only as its first. Without the
        terminator the 2nd marker was a prefix of the 32nd: a filter on one, or a test of
        which items carry it, also matched the other's items, so a finding on an edge
        fixture did not reproduce once the run had made more.
        """
        with self._lock:
            self._counter += 1
            return f"{self.run_id}-{self._counter:x}{MARKER_END}"

    def spoil_shared(self, operations: Iterable[str]) -> None:
        """Drop every item of the parts of the API ``operations`` are in that is kept for reuse
        across checks (shared parents, edge fixtures), in this process and, at their next
        test, in the run's other worker processes: a check just wrote with those operations to
        items it did not make (schemathesis's engine deletes and updates the objects it finds
        in lists), so any of them may be gone or changed. A check that reuses one made before
        would judge a list or a parent someone else changed: a false report. What checks
        already judged stands; the other parts' items, which those operations cannot reach
        (``Graph.parts``), are kept."""
        parts = {self.part(operation) for operation in operations}
        self._forget_shared(parts)
        if self.lock is not None:
            self.lock.spoil(parts)
            self._epoch = self.lock.epoch()

    def sync_shared(self) -> None:
        """At the start of a test in a worker process: drop what this process keeps for reuse
        of the parts another process spoilt since (``spoil_shared``)."""
        if self.lock is None:
            return
        now = self.lock.epoch()
        spoilt = {part for part in now.keys() | self._epoch.keys()
                  if now.get(part) != self._epoch.get(part)}  # fmt: skip
        if spoilt:
            self._epoch = now
            self._forget_shared(spoilt)

    def _forget_shared(self, parts: set[str]) -> None:
        """Drop the shared parents (kept by their create) and edge fixtures (by their list) of
        ``parts``."""
        with self._lock:
            for key in [k for k in self.shared if self.part(k[1]) in parts]:
                del self.shared[key]
                self.shared_origin.pop(key, None)
            for edge in [k for k in self.edges if self.part(k[1]) in parts]:
                del self.edges[edge]

    def part(self, operation_id: str) -> str:
        """The part of the API ``operation_id`` is in (``_context.lock_parts``): the lock a
        test of it holds shared, and a walk of its list exclusive; "" for a name that is no
        operation of the API (``test_api__OBJECT_LEVEL_AUTHORIZATION``)."""
        return self._lock_parts().of.get(operation_id, "")

    def reach(self, operation_id: str) -> list[str]:
        """The parts (``part``) of the ``Graph.parts`` part ``operation_id`` is in, sorted:
        what a check writing to items it did not make there may touch (the object-level
        check), and what deleting that part's items may change; [] for no operation."""
        return list(self._lock_parts().reach.get(operation_id, ()))

    def _lock_parts(self) -> LockParts:
        if self._kept_parts is None:
            from ._context import lock_parts  # ``_context`` builds on this module

            self._kept_parts = lock_parts(self.api, self.schemas, self.graph)
        return self._kept_parts

    def alone(self, lister: OperationSpec) -> None:
        """Keep ``lister``'s part of the API to this test until it ends: what it does next must
        not see other checks' writes (a walk of a list it cannot isolate). Where the list's
        items are made by a create of its own collection, the checks of the API's other parts
        go on meanwhile (``RunLock.exclusive_part``); a violation seen so is confirmed with
        the run to itself (``_runner``). Other lists (made elsewhere, or by the server itself)
        take the run's lock exclusive, as does, on an API whose parts keep no writes locks
        (``LockParts.gated``), a list whose items other parts' checks make without holding
        its part (``LockParts.apart``), walked whole all the same (its isolating filter
        refused the marker). Keeping a part keeps its writes lock: another part's test making
        a parent or a referenced item there waits for the walk (``RunLock.try_writes``)."""
        if self.lock is None:
            return
        create = self.graph.creator_of_items(lister)
        if create is not None and create.operation_id not in self._lock_parts().apart:
            # A walk acting as one tenant of two keeps that tenant's lane (``_parallel.LANED``).
            self.lock.exclusive_part(self.part(lister.operation_id), lane=self.lane)
        else:
            self.lock.exclusive()

    def remember_list(self, key: tuple[object, ...], ids: Iterable[str]) -> None:
        """The ids list ``key`` holds now, walked whole at its largest limit."""
        releases = self.lock.releases if self.lock is not None else 0
        self.seen_lists[key] = (frozenset(ids), self.client.writes, releases)

    def seen_list(self, key: tuple[object, ...], lister: OperationSpec) -> frozenset[str] | None:
        """The ids list ``key`` (of ``lister``) held when last walked whole, where nothing
        since can have changed it: this process sent no write since (``Client.writes``) and has
        kept the list's part to itself all along (``RunLock.keeps``, nothing let go since).
        Without a lock one process runs one test at a time, and the lists are forgotten at
        each test's start. None: walk it again."""
        seen = self.seen_lists.get(key)
        if seen is None or seen[1] != self.client.writes:
            return None
        if self.lock is not None and (
            seen[2] != self.lock.releases
            or not self.lock.keeps(self.part(lister.operation_id), self.lane)
        ):
            return None
        return seen[0]

    def grow_list(self, key: tuple[object, ...], writes: int, made: Sequence[str]) -> None:
        """Add ``made`` to what list ``key`` holds, where it was known when this process had
        sent ``writes`` writes and the only writes since made those items, one each (a
        check's seeded items, each made by a create that answered it); else it is walked again
        when next needed. The counts are compared, not the answers: ``Context.seed`` stops at a
        create that made no item."""
        seen = self.seen_lists.get(key)
        if seen is None or seen[1] != writes or self.client.writes != writes + len(made):
            self.seen_lists.pop(key, None)
            return
        self.seen_lists[key] = (seen[0] | frozenset(made), self.client.writes, seen[2])

    def beside(self) -> bool:
        """Walk a list that cannot be isolated beside the other checks of its part, counting
        only the items that carry the check's marker (``Context.settle``); whether the run
        lets it (``RunLock.beside``). Run in one process, or already keeping its part, the
        walk is judged alone as any other (``alone``)."""
        return self.lock is not None and self.lock.beside()

    def note_created(self, tenant: str, path: str) -> None:
        """Note an item ``tenant`` created at ``path``, for deletion when the run closes."""
        with self._lock:
            self.created.append((tenant, path))

    def note_latency(self, operation_id: str, exchange: Exchange) -> None:
        """Record how long ``exchange``'s answer took: the attempt that got it, not its retries.

        Concurrent sends (``Context.gather``) are not recorded: they measure the server under
        a burst the check made, not the operation.
        """
        with self._lock:
            self.latencies.setdefault(operation_id, []).append(exchange.elapsed)

    def note_set_aside(self) -> None:
        """Count an example set aside (a write in it was retried after it may have arrived)."""
        with self._lock:
            self.set_aside += 1

    @property
    def requests_sent(self) -> int:
        """Requests sent so far in the run, retries included (also after ``close``)."""
        return self._client.requests if self._client is not None else self.requests

    def path(self, template: str, params: dict[str, str]) -> str:
        """``template`` with ``params`` filled in, the target's base path first. A parameter
        left unfilled is synth's own bug: never sent as a literal ``{name}``."""
        path = template
        for name, value in params.items():
            path = path.replace("{" + name + "}", quote(str(value), safe=""))
        unfilled = param_names(path)
        if unfilled:
            raise RuntimeError(
                f"no value for the path parameter(s) {', '.join(unfilled)} of {template} "
                f"(given: {', '.join(sorted(params)) or 'none'})"
            )
        prefix = self.url[len(self.config.url) :]
        return prefix + path

    @property
    def faults_survived(self) -> Counter[str]:
        """Transport faults a retry got past, by kind (timeout, reset, truncated, 502, ...)."""
        return self._client.survived if self._client is not None else self._survived

    @property
    def faults_exhausted(self) -> Counter[str]:
        """The faults of requests that outlasted every retry, by kind."""
        return self._client.exhausted if self._client is not None else self._exhausted

    @property
    def fault_cost(self) -> FaultCost:
        """What transport faults cost (seconds, hedged requests); merged into in place."""
        return self._client.cost if self._client is not None else self._fault_cost

    @property
    def limit_waits(self) -> LimitWaits:
        """The 429 answers waited out and the seconds waited; merged into in place."""
        return self._client.limited if self._client is not None else self._limit_waits

    def close(self) -> None:
        """Delete what the run created (where the API allows it), then close the client.

        What the checks noted is deleted, and so is every item the request log shows a create
        answering with (schemathesis's positive cases create too), newest first.
        """
        for waiting in self.standby.values():
            waiting.stop()
        self.standby.clear()
        if self._client is None:
            if self.edge_store is None or not self.edge_store.holding:
                return
            _ = self.client  # a shared edge fixture to let go of, and delete if last (``_edges``)
        assert self._client is not None
        self._delete_created()
        self.requests = self._client.requests
        self._survived, self._exhausted = self._client.survived, self._client.exhausted
        self._fault_cost = self._client.cost
        self._limit_waits = self._client.limited
        self._client.close()
        self._client = None

    def _delete_created(self) -> None:
        """Newest first, part by part of the API (``Graph.parts``: an item's parents and the
        items it references are in its part, so a trip is deleted before its vehicle, in one
        batch). Other workers may still run checks that walk a whole list, and deleting under
        their feet would change what they count: each part's deletes hold that part's locks
        shared (``reach``), and only those, so a check of another part waiting to keep its own
        goes on meanwhile; an item whose part is not known holds them all."""
        assert self._client is not None
        if not self.config.cleanup:
            return
        noted = list(self.created)
        known = set(noted)  # once: a set built for each item made the cleanup quadratic
        noted += [c for c in self._created_in(self._client.log) if c not in known]
        if self.edge_store is not None:
            # Shared edge fixtures: another process's last use deletes those it still uses,
            # and this one deletes those it used last, whoever made them (``_edges``).
            others, last = self.edge_store.release()
            noted = [c for c in noted if c not in others]
            known = set(noted)
            noted += [c for c in last if c not in known]
        every = tuple(sorted(set(self._lock_parts().of.values())))
        by_part: dict[tuple[str, ...], list[tuple[str, str]]] = {}
        for tenant, path in dict.fromkeys(reversed(noted)):
            part = self._part_of_item(path)
            by_part.setdefault(tuple(self.reach(part)) if part else every, []).append(
                (tenant, path)
            )
        for parts in sorted(by_part):
            if self.lock is not None:
                self.lock.shared(*parts)
            try:
                self._delete(by_part[parts])
            finally:
                if self.lock is not None:
                    self.lock.release()

    def _delete(self, items: list[tuple[str, str]]) -> None:
        """Delete ``items`` (newest first), ``_CLEANUP_AT_ONCE`` in flight at a time: at a far
        target one by one would take a round trip each (a check of schemathesis's engine
        leaves hundreds), and in batches a held answer kept its whole batch waiting (under 10%
        transport faults the two workers' cleanups took 26 and 35 s, not 1 to 2 s). Nothing
        judges a delete's answer, so it times out as soon as a read would and is sent again
        (``Request.judged``). A delete the server refused, as it may while a child or an item
        that references this one still exists (one deleted beside it), goes again once the
        others are gone, one by one, newest first; an item already gone (404, 410) is done."""
        assert self._client is not None
        requests = [Request(tenant, "DELETE", path, token=self.config.tenant(tenant).token,
                            judged=False)
                    for tenant, path in items]  # fmt: skip
        again: list[Request] = []
        answers = self._client.settle(requests, at_once=_CLEANUP_AT_ONCE)
        for request, answer in zip(requests, answers, strict=True):
            if answer is None or not (answer.ok or answer.status in (404, 410)):
                again.append(request)
        for request in again:
            with contextlib.suppress(TransportFault):
                self._client.send(request)

    def _part_of_item(self, path: str) -> str:
        """The part of the API (``Graph.parts``) of the DELETE operation at ``path`` (a request
        path), or ""."""
        if self._deleters is None:
            parts = self.graph.parts()
            self._deleters = [(self._path_pattern(op.path), parts[op.operation_id])
                              for op in self.api.operations if op.method == "DELETE"]  # fmt: skip
        return next((part for regex, part in self._deleters if regex.fullmatch(path)), "")

    def _path_pattern(self, path: str, *, named: bool = False) -> re.Pattern[str]:
        """What request paths of the operation at ``path`` look like on this target (its base
        path first); ``named``: each path parameter is a group of its name."""
        prefix = self.url[len(self.config.url) :]
        group = r"(?P<\1>[^/]+)" if named else "[^/]+"
        return re.compile(re.sub(r"\\\{(\w+)\\\}", group, re.escape(prefix + path)))

    def _created_in(self, log: list[Exchange]) -> list[tuple[str, str]]:
        """``(tenant, item path)`` of every item a successful create in ``log`` answered with."""
        patterns = []
        for op in self.api.operations:
            deleter = self.graph.deleter(op)
            id_field = self.graph.id_field(op)
            parents = self.graph.parents(deleter) if deleter is not None else None
            if op.method != "POST" or deleter is None or id_field is None or not parents:
                continue
            patterns.append((self._path_pattern(op.path, named=True), deleter, parents[-1]))
        found = []
        for exchange in log:
            request = exchange.request
            if request.method != "POST" or not exchange.ok or request.tenant is None:
                continue
            item = exchange.json
            for pattern, deleter, last in patterns:
                match = pattern.fullmatch(request.path)
                if match is None or not isinstance(item, dict) or last.id_field not in item:
                    continue
                values = {k: unquote(v) for k, v in match.groupdict().items()}
                values[last.param] = str(item[last.id_field])
                with contextlib.suppress(KeyError):
                    self.config.tenant(request.tenant)
                    found.append((request.tenant, self.path(deleter.path, values)))
                break
        return found
