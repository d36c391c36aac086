"""Running checks in several processes: how many, the lock between them, what crosses over.

Checks run in pytest-xdist worker processes, never threads: Hypothesis is not thread-safe.
Each worker has its own ``Target`` (its own client, run id and fixtures); what they found
comes back to the controlling process as JSON (``dump_state``) and is merged into one
``Target`` there (``merge_state``), which the summary and the report read as if one process
had run every check. ``--results`` files hold the same JSON, so shards merge the same way.

Most checks isolate what they judge (a fresh parent, a filter on a run-unique marker) and
run side by side. A check that walks a list it cannot isolate (every item of the tenant,
with a baseline taken first) would see the items other checks create or delete meanwhile,
and TEN-NONINTERFERENCE needs tenant A to be quiet while B acts in its quiet world: those
keep their part of the API to themselves (``_context.lock_parts``: the operations joined by
a collection; a test of another part writing a parent or a referenced item there holds the
part's writes lock while that write is in flight), while the checks of the other parts go on; the object-level check keeps every part its engine may reach
(``Graph.parts``, a union of those: ``Target.reach``). A server
may still tie parts together in ways the contract does not say (a create that also adds to
another part's list): a violation seen while other parts ran is therefore confirmed with the
whole run to itself before it is reported (``_runner``). A rate-limit check keeps its quota
(``KEEPS_QUOTA``), not its part. ``RunLock`` is the reader-writer locks, over files in the
run's temporary folder: every test holds the run's and its part's shared.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, fields
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Protocol

import pytest
from xdist.scheduler import LoadScopeScheduling

from .._errors import UsageError
from ..catalogue import BY_ID, CATALOGUE, applicable
from ..relations import Graph
from ..spec import ApiSpec, OperationSpec
from ._config import PROFILES, TargetConfig, Tenant, is_far
from ._context import counts_by_marker, lock_parts, may_isolate
from ._coverage import Gap
from ._data import Schemas
from ._first import FIRST
from ._lock import part_drained, reserve_end
from ._order import OBJECT_LEVEL, Chains, cost_of, generated_name, test_key
from ._report import Merged
from ._target import Target
from ._violation import Finding, Outcome

__all__ = [
    "ALONE",
    "ALONE_IN_PART",
    "KEEPS_QUOTA",
    "LANED",
    "STAGGER_NICE",
    "PartScheduling",
    "alone",
    "beside",
    "chain_of",
    "chained_walks",
    "chains",
    "config_from_wire",
    "config_to_wire",
    "dealt",
    "dump_state",
    "hold",
    "laned",
    "lanes",
    "light",
    "may_run_long",
    "merge_state",
    "parse_workers",
    "quotas_spent",
    "shape_of",
    "spreads",
    "stays_on",
    "workers_for",
]

# Checks that keep what they test to themselves from their first request, whatever they
# find. OBJECT-LEVEL-AUTHORIZATION runs schemathesis's engine, which deletes and updates the
# objects it finds in lists, other checks' included: a list walked or a parent used meanwhile
# would change under that check (a PAGE-END on a correct server was the symptom); it also
# spoils what the run keeps for reuse (``Target.spoil_shared``). Run over one part of the API,
# it keeps that part; over the whole API, the run.
ALONE = frozenset({OBJECT_LEVEL})
# Checks that keep their operation's part of the API (``Graph.parts``) to themselves from
# their first request, unless what they judge is only what they made (``beside``).
# TEN-NONINTERFERENCE compares what B sees while A is quiet with what B sees after A acted:
# where B is shown state it did not make (a list no scope can isolate, a singleton such as
# ``GET /settings``), a check acting as A or B in that part meanwhile breaks the quiet world.
# Checks of other parts go on; a violation seen so is confirmed with the run to itself
# (``_runner``), as is one that a walk of a list it cannot isolate saw (``Target.alone``).
ALONE_IN_PART = frozenset({"TEN-NONINTERFERENCE"})
# Checks that keep their operation's rate-limit quota to themselves from their quiet window on
# (``Target.keep_quota``). They wait out a window with nothing sent and then count a burst
# against the limit: another check's request in that window to an operation that counts
# against the same quota (one declaring the same policy: its name and key, the name the
# ``RateLimit-Policy`` field carries) spends it, and a correct server's 429 would look like a
# broken limit. Each such request holds the quota shared while it is in flight (``Client``),
# so the check waits for those in flight and the others wait for it. The burst reads what the
# check made before its window, so its part goes on meanwhile (a walk of its list): such a
# check is in no part's chain, and a violation it saw is confirmed with the run to itself.
KEEPS_QUOTA = frozenset(inv.id for inv in CATALOGUE if inv.family == "limits")


# Checks of a read of one item that write only to make the item they read, once in the run
# (the tenant's shared item: ``Context.acted_on``), and judge the answers to reads (``light``).
# Where the item cannot be shared (``Context._shareable``: made by an upsert, as the box office
# and kennels examples' are) they make one each example, and each such write waits for a walk
# of its lane, as the whole test did before; not measured apart. Their requests need their
# part only while a write is in flight (``RunLock.light``), so a
# walk keeping its tenant's lane waits for none of them, and their reads go on beside the
# walk. On the CRM at 50 ms the jobs part's walks waited 10 s for checks holding a lane
# shared while they spent `getJob`'s quota (bench/notes/latency.md). Not the checks that
# write in every example (TEN-READ makes the item another tenant asks for, CACHE-ETAG changes
# its ETag): tried light, each of their writes waited for a walk of the lane, and a 50 ms
# run took 77 to 82 s against 52 to 56 s. Nor a check's first example alone
# (``test_op__INV[first]``: one example, soon over).
LIGHT = frozenset({"CONFORMANCE", "ERR-PROBLEM", "ERR-DECLARED", "ERR-VALIDATION",
                   "OBS-REQUEST-ID"})  # fmt: skip


class Shape(Protocol):
    """What scheduling reads of an API (a ``Target`` has it; so does ``shape_of``'s)."""

    @property
    def api(self) -> ApiSpec: ...
    @property
    def graph(self) -> Graph: ...
    @property
    def schemas(self) -> Schemas: ...


def shape_of(api: ApiSpec) -> Shape:
    """``api``'s shape without a target (collection, the controller's scheduler)."""
    return SimpleNamespace(api=api, graph=Graph(api), schemas=Schemas(api))


def alone(invariant: str, operation: str, target: Shape) -> str:
    """What a test keeps to itself: "run" or "part" from its first request, "quota" from its
    quiet window (a rate-limit check: ``KEEPS_QUOTA``), or ""."""
    parts = target.graph.parts()
    if invariant in ALONE:
        # One test per part of the API keeps its part (``emit.tests``); one over the whole
        # API (as suites generated before that were written) keeps the run.
        return "part" if operation in parts else "run"
    if invariant in KEEPS_QUOTA and operation in parts:
        return "quota" if target.api.operation(operation).rate_limit is not None else ""
    if invariant not in ALONE_IN_PART or operation not in parts:
        return ""
    return "" if beside(invariant, operation, target) else "part"


def beside(invariant: str, operation: str, target: Shape) -> bool:
    """Whether a check of ``ALONE_IN_PART`` runs beside the other checks of its part, holding
    it shared (``RunLock.beside``): B is shown only what the check made in each world (a
    fresh item, a fresh parent's items, a list its marker isolates), which no other check
    writes to, so nothing they do meanwhile changes what it compares. A difference it sees is
    judged again with the run to itself before it counts (``_runner``): a server may still
    tie what the contract keeps apart."""
    if invariant not in ALONE_IN_PART or operation not in target.graph.parts():
        return False
    graph, op = target.graph, target.api.operation(operation)
    if op.pagination is not None:
        return graph.creator_of_items(op) is not None and may_isolate(
            target.api, target.schemas, graph, op
        )
    # An item the check makes (``Context.fixture``), one under a fresh parent
    # (``Context.provision``), or a create's own new item; not a singleton of the tenant.
    return (
        graph.item_creator(op) is not None
        or any(p.name != target.api.tenant_param for p in op.path_params)
        or graph.is_create(op)
    )


def hold(target: Target, invariant: str, operation: str) -> None:
    """Take the run's locks a test of ``invariant`` on ``operation`` holds from its start
    (``target.lock``, let go by ``RunLock.release`` when it ends): the run's and its part
    shared, or what ``alone`` says it keeps to itself. A test acting as a tenant of its own
    (``target.lane``: ``Chains.lanes``) holds that tenant's lane of its part only."""
    lock = target.lock
    assert lock is not None
    keep = alone(invariant, operation, target)
    if keep == "run":
        lock.exclusive()
        return
    arrived = time.time()
    part = target.part(operation)
    # The parts a test holds: its operation's; the object-level check's engine may touch
    # every item of its ``Graph.parts`` part, the parents and referenced items other parts'
    # checks use included (``Target.reach``).
    kept = target.reach(operation) if part and invariant in ALONE else [part] if part else []
    if part and keep == "part" and invariant in ALONE:
        # The object-level check comes after its part's chain (``_order``, ``PartScheduling``):
        # a lane another worker runs one test after the other goes on to its end first, the
        # part being free a moment between two of its tests (``RunLock.stay``). Before taking
        # anything of the part, which that lane's next walk would wait for.
        for name in kept:
            lock.after_stays(name)
        # Nor in between a light test's requests, holding nothing meanwhile (``LIGHT``).
        for name in kept:
            lock.after_lights(name)
    # A test of no lane of its own holds the first lane only, as the first tenant, until it
    # sends as another (``RunLock.narrow``): a chain's walks acting as the second tenant go
    # on beside the checks that act as the first alone (most of those not of tenancy).
    # A check spreading a quota (``spreads``) does so from the lane of the tenant it acts as.
    spread = target.lane is not None and not laned(invariant, operation, target)
    narrow = bool(part) and (target.lane is None or spread) and keep != "part" and lock.lanes > 1
    lane = (target.lane or 0) if narrow else target.lane
    easy = bool(part) and not keep and light(invariant, operation, target)
    if easy:
        lock.light(part, lane=lane)
    else:
        lock.shared(*kept, lane=lane)
    target.client.begin(light=easy)
    if narrow:
        lock.narrow(target.actors()[0])
    if keep == "part":
        # It goes last in its part (``_order``): the tests of the part handed out before it
        # and still waiting for the part (behind a walk keeping it) go first.
        for name in kept:
            lock.after_waiters(name, arrived)
        lock.exclusive_part(*kept)
        if invariant in ALONE:
            # It writes to items it did not make: a test that let the part go while it waited
            # does not read them meanwhile (``RunLock.reading``).
            for name in kept:
                lock.keep_items(name)
            # schemathesis's engine sends its requests itself, not through the client that
            # holds each request's quota (``Client``): the part's, all along.
            lock.hold_quotas(target.quotas_of_part(operation))
    elif beside(invariant, operation, target):
        lock.beside()
    # A rate-limit check ("quota") keeps its quota from its quiet window on
    # (``Target.keep_quota``); until then it makes what it reads, as any test.


# Checks that walk a list: a list operation's own, and a create's idempotency checks, which
# count what a request made in its collection's list (``idempotency._setup``). On a list that
# no scope can isolate (``_context.may_isolate``), every walk goes through the tenant's whole
# list and keeps the list's part to itself while it does (``Target.alone``); the idempotency
# checks' walks need not where their items carry their marker (``counts_by_marker``), nor
# TEN-LIST's, which look for the ids of items the check made (``Context.beside``).
_WALKS_ITS_LIST = frozenset(inv.id for inv in CATALOGUE if inv.family == "pagination")
_WALKS_CREATED = frozenset({"IDEM-MISSING", "IDEM-REPLAY", "IDEM-MISMATCH", "IDEM-CONCURRENT"})
# Walks that write only as the tenant they act as (``Context.a``); PAGE-CURSOR also sends that
# tenant's cursor as the other, a read. In a part's chain, with two tenants or more, half of
# them act as the second tenant (``Chains.lanes``) and keep only their tenant's lane of the
# part (``RunLock.exclusive_part``): the chain runs on two workers, each walking its own
# tenant's list, which a server that keeps tenants apart does not let the other touch. A
# violation one of them sees is judged again with the run to itself (``partial``), as any
# walk beside other parts: a server that mixes the tenants' lists shows it there too.
LANED = _WALKS_ITS_LIST | _WALKS_CREATED


def laned(invariant: str, operation: str, shape: Shape) -> bool:
    """Whether a test of ``invariant`` on ``operation`` may act as either tenant and hold
    only its tenant's lane (``LANED``): not PAGE-CURSOR on a list under a parent, for which
    the other tenant makes a parent of its own (a write in the other lane)."""
    if invariant not in LANED:
        return False
    if invariant != "PAGE-CURSOR":
        return True
    op = _operation(shape, operation)
    return op is not None and all(p.name == shape.api.tenant_param for p in op.path_params)


def light(invariant: str, operation: str, shape: Shape) -> bool:
    """Whether a test of ``invariant`` on ``operation`` holds its part only while a write of
    its own is in flight (``LIGHT``): on a read of one item. Should it read a list all the
    same, it keeps its part from then on (``Client``)."""
    op = _operation(shape, operation) if invariant in LIGHT else None
    return (op is not None and op.method in ("GET", "HEAD") and op.pagination is None
            and shape.graph.is_item_op(op))  # fmt: skip


def _operation(shape: Shape, operation: str) -> OperationSpec | None:
    """The operation named ``operation`` in ``shape``'s API, None where it has none."""
    try:
        return shape.api.operation(operation)
    except KeyError:
        return None


def dealt(invariant: str, operation: str, shape: Shape) -> bool:
    """Whether a test of ``invariant`` on ``operation`` acts as the tenant ``lanes`` deals it
    (a walk: ``laned``; a check spending a quota: ``spreads``)."""
    return laned(invariant, operation, shape) or spreads(invariant, operation, shape)


def spreads(
    invariant: str,
    operation: str,
    shape: Shape,
    per_tenant: Mapping[str, frozenset[str]] | None = None,
) -> bool:
    """Whether a test of ``invariant`` on ``operation`` may act as either tenant to spread a
    rate-limit quota its checks spend (``quotas_spent``) over the tenants' own: a quota
    counted per tenant or per credential (each tenant sends its own), a check of the
    catalogue that is no walk dealt already (``laned``), no chain's and keeps no quota. It
    holds its tenant's lane of its part until it sends as another (``RunLock.narrow``). The
    CRM's `getJob` allows 20 requests per 5 s per tenant; its checks sent 279 as the first
    tenant against 76 as the second in a run, and four of them, side by side at 50 ms, took
    13 to 24 s each, waiting for the first tenant's quota."""
    if invariant not in BY_ID or invariant in KEEPS_QUOTA or laned(invariant, operation, shape):
        return False
    op = _operation(shape, operation)
    if op is None:
        return False
    spent = per_tenant if per_tenant is not None else _per_tenant_quotas(shape)
    if not spent.get(op.operation_id):
        return False
    return chain_of(invariant, operation, shape) == ""


def _per_tenant_quotas(shape: Shape) -> dict[str, frozenset[str]]:
    """``quotas_spent``, of the quotas each tenant has its own of (key tenant or token)."""
    per_tenant = {op.rate_limit.quota for op in shape.api.operations
                  if op.rate_limit is not None and op.rate_limit.key in ("tenant", "token")}  # fmt: skip
    return {op: quotas & per_tenant for op, quotas in quotas_spent(shape).items()}


def chain_of(invariant: str, operation: str, shape: Shape) -> str:
    """The part of the API a test keeps to itself for most of its run, "" for none.

    Such tests run one after another whatever the workers (the part's lock), so the run's
    wall time is at least their sum: the part's chain. ``synth test --workers`` hands each
    chain to one worker as one unit, early, and the other workers run everything else
    beside it (``PartScheduling``), instead of leaving the chain's tests to queue on the lock
    late in the run. A test this misses, or names wrongly, runs as correctly (the lock
    decides), only less well placed.
    """
    parts = lock_parts(shape.api, shape.schemas, shape.graph).of
    keep = alone(invariant, operation, shape)
    if keep != "" or operation not in parts:
        return parts.get(operation, "") if keep == "part" else ""
    op = shape.api.operation(operation)
    if invariant in _WALKS_ITS_LIST:
        lister: OperationSpec | None = op
    elif invariant in _WALKS_CREATED:
        lister = shape.graph.lister_of(op)
        if lister is not None and counts_by_marker(shape.schemas, op, lister):
            lister = None  # walked beside the part's other checks (``Context.settle``)
    else:
        return ""
    whole = _walked_whole(lister, shape) if lister else False
    return parts[operation] if whole else ""


def _walked_whole(lister: OperationSpec, shape: Shape) -> bool:
    """Whether a walk of ``lister`` goes through its tenant's whole list, keeping the list's
    part meanwhile: a list with items made in its part (else its walks keep the whole run,
    ``Target.alone``: no part to chain) that no scope isolates (``may_isolate``)."""
    return (lister.pagination is not None and shape.graph.creator_of_items(lister) is not None
            and not may_isolate(shape.api, shape.schemas, shape.graph, lister))  # fmt: skip


def walks_whole_list(invariant: str, operation: str, shape: Shape) -> bool:
    """Whether a test of ``invariant`` on ``operation`` walks its tenant's whole list, one no
    scope isolates, in every example: a page check in its part's chain (``chain_of``), or
    TEN-NONINTERFERENCE on such a list (each example walks both tenants' lists six times,
    the part kept from every other check meanwhile). Such a search runs half its examples
    (``_first.search_examples``). A page check's examples there differ in little but how many
    items they seed: the limit follows what the list holds (``pagination._limit``: a single
    choice once it holds forty items), the few seeded items sit among hundreds, and the edges
    (the largest page and one more item) are judged once in the run (``Context.at_the_edges``,
    in the first example that passes there). Each example walks the same long list again, a
    round trip a page, and the chain's walks are the run's longest path at a far target (the
    CRM at 50 ms: bench/notes/latency.md)."""
    if invariant in _WALKS_ITS_LIST:
        return bool(chain_of(invariant, operation, shape))
    if invariant != "TEN-NONINTERFERENCE":
        return False
    op = _operation(shape, operation)
    return op is not None and _walked_whole(op, shape)


def chains(
    names: Sequence[str],
    shape: Shape,
    tenants: int = 1,
    measured: Mapping[tuple[str, str], float] | None = None,
) -> Chains:
    """``chain_of`` for each generated test name (``test_op__INV_ID``) that has one; a part is
    in ``walks`` when its chain walks a list, a test in ``quotas`` when it keeps a rate-limit
    quota (``Chains``), and the lane of each ``LANED`` one (``lanes``)."""
    of: dict[str, str] = {}
    walks: set[str] = set()
    quotas: set[str] = set()
    for name in names:
        part = _chain_of_test(name, shape)
        if part:
            of[name] = part
            if test_key(name)[0] in _WALKS_ITS_LIST | _WALKS_CREATED:
                walks.add(part)
        invariant, operation = test_key(name)
        if invariant in KEEPS_QUOTA and alone(invariant, operation, shape) == "quota":
            quotas.add(name)
    walking = _WALKS_ITS_LIST | _WALKS_CREATED
    walked = {(_creator(test_key(name)[1], shape), part) for name, part in of.items()
              if part in walks and test_key(name)[0] in walking}  # fmt: skip
    fills = frozenset(part for creator, part in walked if filled(creator, shape))
    # The walked parts each object-level check reaches besides its own (``Target.reach``):
    # the tracker's tasks part reaches the projects part, whose chain walks the projects list.
    kept = lock_parts(shape.api, shape.schemas, shape.graph)
    reached = {part: frozenset(walks & set(kept.reach[part]) - {part})
               for name, part in of.items() if test_key(name)[0] in ALONE}  # fmt: skip
    return Chains(of, kept.of, frozenset(walks), frozenset(quotas), lanes(shape, tenants, measured),
                  fills, {part: found for part, found in reached.items() if found})  # fmt: skip


def _creator(operation: str, shape: Shape) -> str:
    """The operation making the items of the list a chained walk of ``operation`` walks: the
    list's creator, or the create itself."""
    op = shape.api.operation(operation)
    creator = (shape.graph.creator_of_items(op) if op.pagination is not None else op) or op
    return creator.operation_id


def filled(creator: str, shape: Shape) -> bool:
    """Whether the items ``creator`` makes are another operation's parents or referenced
    items: every check of that operation makes some as its fixtures, so a list of them grows
    with the whole part's checks, not only ``creator``'s own (``Chains.filled``)."""
    graph = shape.graph
    for op in shape.api.operations:
        own = graph.item_creator(op)
        if own is not None and own.operation_id == creator:
            continue  # an operation on those items themselves: its id parameter names one
        if any(made.operation_id == creator for made in graph.needed(op)):
            return True
    return False


def lanes(
    shape: Shape, tenants: int, measured: Mapping[tuple[str, str], float] | None = None
) -> dict[str, int]:
    """With ``tenants`` two or more, the lane (0: the first tenant, 1: the second) of each
    ``laned`` test in a part's chain, by name: each chain's are dealt dearest first to the
    lane with less so far (``measured`` seconds, else the static costs: ``_order.cost_of``),
    about half the chain's cost each. Dealt over every test the contracts generate
    (``catalogue.applicable``), not the ones selected: a test acts as the same tenant in every
    run of the suite, whatever ``-k``, ``--shard`` or the workers. Static costs are those of a
    walk through the whole list (``_order.CHAINED``); the chain's checks that keep the whole
    part end the first lane. The checks that spread a quota over the tenants
    (``spreads``) are dealt too, each quota's the same way."""
    if tenants < 2:
        return {}
    chained = chained_walks(shape)
    dealt: dict[str, int] = {}
    for part in sorted(chained):
        loads = [0.0, 0.0]
        for name in sorted(chained[part], key=lambda n: (-cost_of(n, measured, chained=True), n)):
            lane = 0 if loads[0] <= loads[1] else 1
            dealt[name] = lane
            loads[lane] += cost_of(name, measured, chained=True)
    # The checks spending a quota each tenant has its own of (``spreads``), dealt the same
    # way per operation (a rate-limited operation's checks spend its quota with every
    # request, a create's only where they read back what they made): about half of what
    # they send counts against the second tenant's.
    spending: dict[str, list[str]] = {}
    per_tenant = _per_tenant_quotas(shape)  # once: ``spreads`` reads it for every test
    for op, entry in applicable(shape.api):
        if spreads(entry.id, op.operation_id, shape, per_tenant):
            name = generated_name(entry.id, op.operation_id)
            spending.setdefault(op.operation_id, []).append(name)
    for operation in sorted(spending):
        loads = [0.0, 0.0]
        for name in sorted(spending[operation], key=lambda n: (-cost_of(n, measured), n)):
            lane = 0 if loads[0] <= loads[1] else 1
            dealt[name] = lane
            loads[lane] += cost_of(name, measured)
    return dealt


def chained_walks(shape: Shape) -> dict[str, list[str]]:
    """The tests ``lanes`` deals, by part: each part's chain's walks (``laned``), by name.

    The chain's checks that act as both tenants and keep the whole part (TEN-NONINTERFERENCE
    on a list no scope isolates) are not among them: they run at the end of the first lane's
    unit (``_order.order``, ``PartScheduling``), once both lanes' walks are done, so the walks
    are dealt evenly. (The object-level check, not in the catalogue, runs last, a unit of its
    own.)"""
    chained: dict[str, list[str]] = {}
    for op, entry in applicable(shape.api):
        part = chain_of(entry.id, op.operation_id, shape)
        if part and laned(entry.id, op.operation_id, shape):
            name = generated_name(entry.id, op.operation_id)
            chained.setdefault(part, []).append(name)
    return chained


def _chain_of_test(name: str, shape: Shape) -> str:
    """``chain_of`` for a generated test's name (``test_op__INV_ID``); "" for any other test."""
    invariant, operation = test_key(name)
    known = invariant in BY_ID or invariant in ALONE
    return chain_of(invariant, operation, shape) if known else ""


def quotas_spent(shape: Shape) -> dict[str, frozenset[str]]:
    """The rate-limit quotas (``RateLimitSpec.quota``) each operation's checks spend, for the
    operations that spend one: its own, where it declares a rate limit, and that of the read of
    the items it makes or acts on (a create, an item operation), as its checks read back what
    they made (the CRM's `createJob` IDEM-TENANT-SCOPE, reading each job through the
    rate-limited `getJob`, took 22 s at 50 ms with a jobs chain's lane queued behind it)."""
    graph = shape.graph
    found: dict[str, frozenset[str]] = {}
    for op in shape.api.operations:
        creator = op if graph.is_create(op) else graph.item_creator(op)
        reader = graph.reader(creator) if creator is not None else None
        quotas = {limited.rate_limit.quota for limited in (op, reader)
                  if limited is not None and limited.rate_limit is not None}  # fmt: skip
        if quotas:
            found[op.operation_id] = frozenset(quotas)
    return found


def may_run_long(nodeid: str, spent: Mapping[str, frozenset[str]]) -> bool:
    """Whether a test (node id or name) may take long however fast the target answers: the
    object-level check (schemathesis's engine over a whole part), or any search (not its first
    example alone) of an operation that spends a rate-limit quota (``spent``: ``quotas_spent``),
    whose requests wait for it."""
    invariant, operation = test_key(_test_name(nodeid))
    if invariant in ALONE:
        return True
    if nodeid.endswith(FIRST):
        return False
    return operation in spent


def stays_on(
    current: str,
    following: str | None,
    found: Chains,
    spent: Mapping[str, frozenset[str]],
) -> str:
    """The part a worker says it goes on with (``RunLock.stay``) while it runs test
    ``current`` (a node id or name) with ``following`` next (None: none), "" for none: the
    chain's part where both are of one chain (``found``: a lane), else the part of
    ``following`` (``found.parts``; not an object-level check) where ``current`` may not run
    long (``may_run_long``, ``spent``: ``quotas_spent``). A part's object-level check waits for
    it (``RunLock.after_stays``): handed out while such a test was next on another worker, it
    took the part first, and the test waited for it whole. Behind a test that may run long
    the next one is not waited for (``PartScheduling._next``)."""
    if following is None:
        return ""
    name, after = _test_name(current), _test_name(following)
    chain = found.of.get(name, "")
    if chain:
        # A lane's test goes on to its lane's next, or ends the lane, which may have run long
        # (the CRM's jobs lane ends with TEN-NONINTERFERENCE, 10 s at 50 ms).
        same = test_key(name)[0] not in ALONE and found.of.get(after) == chain
        return chain if same else ""
    invariant, operation = test_key(after)
    if invariant in ALONE or may_run_long(current, spent):
        return ""
    return found.parts.get(operation, "")


_CHAIN = "synth-chain:"  # how ``PartScheduling`` names a chain's lane's unit of work
_KEPT = "kept"  # the lane of a walked part's object-level check, a unit of its own


def lane_of(found: Chains, name: str) -> str:
    """The unit of its part's chain that test ``name`` (in ``found.of``) runs in: its lane's
    (``Chains.lanes``, "0" where it has none), or, for the object-level check of a part whose
    chain walks a list, one of its own (``_KEPT``), last in the order, which waits for both
    lanes' walks (``PartScheduling._place_kept_chains``): at the end of the first lane's unit
    it took the part while the second's were still to run (the CRM at 50 ms: its 11.4 s, then
    two walks of a list its creates had grown to 267 requests, ended the run at 66.2 s). So
    too where it keeps a walked part besides its own (``Chains.reached``)."""
    part = found.of.get(name)
    if test_key(name)[0] in ALONE and (part in found.walks or part in found.reached):
        return _KEPT
    return str(found.lanes.get(name, 0))


def _chain_unit(unit: str) -> tuple[str, str]:
    """The part and the lane of a chain's unit of work (``PartScheduling._split_scope``),
    ("", "") for any other unit."""
    if not unit.startswith(_CHAIN):
        return "", ""
    part, _, lane = unit.removeprefix(_CHAIN).rpartition("@")
    return part, lane


def _test_name(nodeid: str) -> str:
    """A node id's test function name, without its parameters (``test_op__INV_ID``)."""
    return nodeid.rpartition("::")[2].partition("[")[0]


class PartScheduling(LoadScopeScheduling):  # type: ignore[misc]  # xdist has no types
    """pytest-xdist's scheduling by units of work, each lane of each part's chain one unit
    (``chains``: the chain's tests that act as the second tenant one, the rest the other),
    every other test a unit of its own, handed out in the order the workers collected
    (``_order.order``), a chain's lane to one worker whole.

    A unit goes to a worker once it has no test left to run (its workers run a test without
    being sent the next: ``_dispatch``), so nothing waits queued behind a test that turns out
    long, and each unit is placed knowing what every other worker runs. A worker for which
    every unit left would wait (for the checks spending a rate-limit quota, for the tests of
    a part whose object-level check it is) takes none and stays idle, and the queue is offered
    again to the idle workers whenever a test ends (``mark_test_complete``)."""

    def __init__(
        self,
        config: pytest.Config,
        shape: Shape,
        log: Any = None,
        *,
        tenants: int = 1,
        measured: Mapping[tuple[str, str], float] | None = None,
        folder: Path | None = None,
    ) -> None:
        # xdist would sort the units by size, largest first; the collected order is ours.
        config.option.loadscopereorder = False
        super().__init__(config, log)
        self._shape = shape
        self._tenants, self._measured = tenants, measured
        self._found: Chains | None = None
        self._spent = quotas_spent(shape)
        # The parts of the API a part's object-level check keeps (``Graph.parts``, each a
        # union of the parts the run's locks keep: ``lock_parts``), by operation.
        self._parts = shape.graph.parts()
        # Each rate-limited operation's quota, which its rate-limit checks keep.
        self._limits = {op.operation_id: op.rate_limit.quota
                        for op in shape.api.operations if op.rate_limit is not None}  # fmt: skip
        # Rate-limit checks held back for the checks spending their quota (``_place_quota_checks``).
        self._held_back: set[str] = set()
        # The run's folder (``RunLock``'s), where a part's object-level check handed out ahead
        # of its part's end is told when the part is drained (``_reserve``); None: never so.
        self._folder = folder
        self._reserved: set[str] = set()
        self._drained: set[str] = set()
        # What each test (by node id or name) or unit is of, computed once: the queue is
        # scanned for each unit handed out, and on the 20x API (2,400 tests, twelve simulated
        # workers) recomputing these took 100 s of the scheduler's CPU.
        self._parts_of: dict[str, str] = {}
        self._lock_parts_of: dict[str, str] = {}
        self._quotas_of: dict[str, str] = {}
        self._counted: dict[str, str] = {}

    @property
    def collection_is_completed(self) -> bool:
        """Once the first worker has collected, not every worker (xdist's). Each worker is a
        Python process importing synth, Hypothesis and schemathesis and collecting the suite:
        eight starting at once on two CPUs (a far target's ``workers_for``) took 4.3 to 8.1 s
        to all have collected, against 1.4 s for two (bench/notes/latency.md), and no test
        began before the last. Started together they share the CPUs and finish close together
        (the CRM at 50 ms: the first test 5.4 s after the command's start, against 6.0 s), so
        the gain is mostly that a worker slowed by anything else no longer holds up the others.
        Each later worker is handed work as it arrives: its collection is checked against the
        first's by xdist (as for a worker added to replace one that died) and ``schedule``
        hands it out."""
        return bool(self.registered_collections)

    def add_node_collection(self, node: Any, collection: Sequence[str]) -> None:
        """xdist's, which checks a worker's collection against the one scheduled; before
        anything is scheduled (or where nothing was collected) it is kept as it is, to be
        compared by ``schedule`` with the others."""
        if not self.collection:
            assert node in self.assigned_work
            self.registered_collections[node] = list(collection)
            return
        super().add_node_collection(node, collection)

    def schedule(self) -> None:
        """xdist's, over the workers that have collected: one still starting is handed
        nothing (it would be shut down as one too many, or queued work it cannot yet take),
        and takes work when its own collection arrives (``DSession`` calls this again)."""
        starting = {node: work for node, work in self.assigned_work.items()
                    if node not in self.registered_collections}  # fmt: skip
        arrived = [node for node, work in self.assigned_work.items()
                   if node in self.registered_collections and not work]  # fmt: skip
        begun = self.collection is not None
        for node in starting:
            del self.assigned_work[node]
        try:
            super().schedule()  # the first time, a unit each; later, each worker free
            if begun:
                for node in arrived:
                    self._reschedule(node)
        finally:
            self.assigned_work.update(starting)

    def _reschedule(self, node: Any) -> None:
        """A unit for ``node`` if it has collected (one still starting takes work when its
        collection arrives; after a crash xdist hands the crashed worker's tests round) and
        has no test left; stopped once the queue is empty."""
        if node not in self.registered_collections or node.shutting_down:
            return
        if not self.workqueue:
            node.shutdown()
        elif not self._pending_of(self.assigned_work.get(node, {})):
            self._assign_work_unit(node)

    def mark_test_complete(self, node: Any, item_index: int, duration: float = 0) -> None:
        """xdist's, then the queue offered again to the workers left idle: the test that
        ended may be what a unit waited for (its part's, its quota's)."""
        super().mark_test_complete(node, item_index, duration)
        for other in list(self.assigned_work):
            if other is not node:
                self._reschedule(other)
        self._tell_drained()

    def _reserve(self, node: Any) -> bool:
        """Hand ``node`` the object-level check of a part whose walks make no chain (the
        CRM's contacts part) ahead of the part's end, once no more of the part's tests are
        left to hand out than there are other workers busy with nothing long: they will all
        be handed out within about a test's time. It waits, holding nothing, until they are
        (``RunLock.until_drained``), its engine started meanwhile, on CPUs less busy than at the part's end, where both
        parts' engines started side by side (the CRM at 50 ms: the checks 8 to 10 s against 3
        to 5 s alone, ``bench.timeline``). A walked part's check goes behind its
        lanes instead (``_sole_holder``), its engine starting during the last one's test.
        Whether it was handed out."""
        if self._folder is None or self._found is None:
            return False
        # The other workers that will ask again within about a test's time: none busy with a
        # test that may run long, a lane of a chain or an object-level check. At loopback (two
        # workers) the other one ran the jobs part's object-level check while the contacts
        # part's last test waited for it, and the check handed out ahead waited 3.7 s idle.
        soon = [other for other in self.assigned_work if other is not node
                and other in self.registered_collections and not other.shutting_down
                and not self._runs_long(other)]  # fmt: skip
        counts = Counter(self._counted_in(unit) for unit in self.workqueue)
        for scope in self.workqueue:
            part = self._kept_part(scope)
            if not part or part in self._found.walks or part in self._found.reached:
                continue
            # One such worker for each (a worker alone would wait for itself, STAYS_MOST at
            # most).
            left = counts[part] - (self._counted_in(scope) == part)
            if not left or left > len(soon):
                continue
            reserve_end(self._folder, part)
            self._reserved.add(part)
            self.workqueue.move_to_end(scope, last=False)
            super()._assign_work_unit(node)
            return True
        return False

    def _runs_long(self, node: Any) -> bool:
        """Whether ``node`` has a test left that may run long (``_long``), of a chain's lane,
        or that keeps its part from its first request (``ALONE``)."""
        return any(
            not done and (self._long(nodeid) or self._split_scope(nodeid) != nodeid
                          or test_key(_test_name(nodeid))[0] in ALONE)
            for unit in self.assigned_work.get(node, {}).values()
            for nodeid, done in unit.items()
        )  # fmt: skip

    def _tell_drained(self) -> None:
        """Tell each part whose object-level check was handed out ahead (``_reserve``) once no
        other test of it is left to hand out (``part_drained``)."""
        if self._folder is None:
            return
        for part in sorted(self._reserved - self._drained):
            if not self._left_in_queue(part, ""):
                part_drained(self._folder, part)
                self._drained.add(part)

    def _assign_work_unit(self, node: Any) -> None:
        """xdist's, to a worker with no test left, but a unit that would wait goes behind
        one that would not: a rate-limit check held back for the checks spending its quota
        (``_place_quota_checks``), a part's object-level check while tests of its part are
        left (``_place_kept_chains``). Where every unit left would wait, the worker stays idle,
        unless the head is a part's object-level check waiting only for short
        tests of its part that other workers run now (``_waits_briefly``): it goes to the
        worker, whose engine starts meanwhile (``_authorization.standby``), and lets those go
        first (``RunLock.after_stays``)."""
        self._place_quota_checks()
        self._behind_lanes()
        if not self.workqueue:
            node.shutdown()  # the last unit went behind another worker's lanes
            return
        if self._reserve(node):
            return
        self._place_kept_chains(node)
        self._place_behind_walks()
        head = next(iter(self.workqueue), "")
        quota = self._kept_quota(_test_name(head))
        kept = self._kept_part(head)
        waits = (quota and self._spent_besides(node, quota)) or (
            kept and self._queued_besides(node, kept)
        )
        holder = self._sole_holder(kept) if kept and waits and not quota else None
        if holder is not None and not holder.shutting_down:
            # A part's object-level check whose part's tests are left on one other worker
            # alone (the rest of a lane, most often) goes behind them there: it begins the
            # moment they end, and no test of the part can come between. Handed to the worker
            # asking, it waited for the part's lock, which let it in between two tests of the
            # lane (its creates then grew the list the lane's next walk went through)
            # (``test_a_walked_part_s_object_level_check_is_handed_out_after_its_lanes``).
            super()._assign_work_unit(holder)
            if not self.workqueue:
                node.shutdown()
                return
            self._assign_work_unit(node)
            return
        brief = bool(kept) and bool(waits) and not quota and self._waits_briefly(node, kept)
        if kept and waits and not quota and not brief:
            held = next((scope for scope in self.workqueue if scope in self._held_back), None)
            if held is not None:
                # Its part's tests are left on several workers: a rate-limit check held back
                # for its quota goes first, which waits for the checks spending it, not for
                # the part's lanes (fleet's shape: the three `getDriver` rate-limit checks
                # otherwise waited for both lanes of the drivers part to end).
                self.workqueue.move_to_end(held, last=False)
                quota = self._kept_quota(_test_name(held))
                waits = bool(quota) and self._spent_besides(node, quota)
        if waits and not brief:
            # It stays idle, holding no test: what the unit waits for runs on another worker
            # that is not stopping (``_spent_besides``, ``_queued_besides``), and when that
            # test ends the queue is offered again (``mark_test_complete``).
            return
        super()._assign_work_unit(node)

    def _behind_lanes(self) -> None:
        """The object-level check of a part whose walks make a chain goes behind the part's
        lanes on the one worker that still has them as soon as no other unit of the part is
        left to hand out, wherever it stands in the queue: that worker's last test of the
        lanes then has it as its ``nextitem``, and its engine starts during that test
        (``_authorization.standby``). Left last, where ``order`` puts it, it was handed out
        once every other unit was: the CRM at 50 ms queued the jobs part's behind its last
        lane's test under a second before that test ended, and its engine started on the busy
        CPUs of the run's end (7.1 s, beside the contacts part's 5.3 s whose engine had started
        ahead). Tests of the part other workers run meanwhile (a rate-limit check, a read) it
        waits for at the part's lock, as before."""
        if self._found is None:
            return
        walked, reached = self._found.walks, self._found.reached
        ready = [(scope, part) for scope in self.workqueue
                 if (part := self._kept_part(scope)) in walked or part in reached]  # fmt: skip
        if not ready:
            return
        # Once over the queue, not once for each check (``_left_in_queue``): on the 20x API
        # (twelve simulated workers) that doubled the scheduler's CPU time.
        left = self._parts_left()
        for scope, part in ready:
            if self._parts.get(part, part) in left:
                continue
            # Its own part's lanes, and those of the walked parts it keeps besides.
            lanes = tuple(f"{_CHAIN}{p}@" for p in sorted({part, *reached.get(part, ())}))
            holders = [node for node, work in self.assigned_work.items()
                       if any(unit.startswith(lanes) and not all(tests.values())
                              for unit, tests in work.items())]  # fmt: skip
            if len(holders) != 1 or holders[0].shutting_down:
                continue
            self.workqueue.move_to_end(scope, last=False)
            super()._assign_work_unit(holders[0])

    def _place_quota_checks(self) -> None:
        """A rate-limit check (``KEEPS_QUOTA``) waits behind every other unit while a check
        that spends its quota (``quotas_spent``; the object-level check aside, which waits for
        it) is left to run or running, and goes to the head of the queue once none is: it keeps
        the quota for a quiet window and a burst, so started among them it holds them all up,
        and started after the last of them it runs beside the walks of its part's lists,
        which do not spend it, instead of after its part's object-level check (the CRM at
        50 ms: `getJob`'s RATE-TENANT began 51.9 s into the run, waited 7 s for the jobs
        part's object-level check and ended the run at 69.2 s, while the last check spending
        its quota had ended at 42.9 s)."""
        kept = {scope: self._kept_quota(_test_name(scope)) for scope in self.workqueue}
        if not any(kept.values()):
            return
        spending = self._quotas_spending()
        ready = [scope for scope, quota in kept.items()
                 if quota and quota not in spending and scope in self._held_back]  # fmt: skip
        waiting = [scope for scope, quota in kept.items() if quota and quota in spending]
        for scope in reversed(ready):
            self.workqueue.move_to_end(scope, last=False)
            self._held_back.discard(scope)
        if len(waiting) == len(self.workqueue):
            return  # nothing else to hand out: the lock makes them wait
        for scope in waiting:
            self.workqueue.move_to_end(scope)
            self._held_back.add(scope)

    def _place_behind_walks(self) -> None:
        """A test at the head of the queue whose part a chain's first lane keeps on a worker
        now (its walks acting as the first tenant, whose lane every other test of the part
        holds: ``RunLock.narrow``) goes behind the first test of another part: handed out, it
        waited for the lane's walk, holding a worker. At 50 ms the campus example's courses
        checks, next in the queue after the courses chain, took ten workers for 7.6 s each
        while the enrolment checks waited in the queue. Where every test left is of such a
        part, the head goes out as before and waits at the lock.

        Not a rate-limit check (``_place_quota_checks`` put it at the head once nothing left
        spends its quota): it waits for one walk at most (its own create, a write in the
        lane), then for its quiet window and burst, which read and let the lane's walks go
        on; and the part's object-level check, which spends the quota, waits for it. Put
        behind every other part's test, the CRM's at 50 ms began 7 s after the last check
        spending `getJob`'s quota had ended, once the queue held nothing else, and the
        object-level check after them ended the run (bench/notes/latency.md)."""
        if self._found is None or not self._found.walks or not self.workqueue:
            return
        walking = {part for work in self.assigned_work.values()
                   for unit, tests in work.items() if not all(tests.values())
                   for part in (self._first_lane_of(unit),) if part}  # fmt: skip
        if not walking:
            return
        head = next(iter(self.workqueue))
        if head.startswith(_CHAIN) or self._lock_part_of(head) not in walking:
            return
        if self._kept_quota(_test_name(head)):
            return
        spare = next((scope for scope in self.workqueue
                      if not scope.startswith(_CHAIN) and scope not in self._held_back
                      and self._lock_part_of(scope) not in walking), None)  # fmt: skip
        if spare is not None:
            self.workqueue.move_to_end(spare, last=False)

    def _first_lane_of(self, unit: str) -> str:
        """The part whose chain's first lane ``unit`` is (``lane_of``: "0"), "" for any other
        unit."""
        part, lane = _chain_unit(unit)
        return part if lane == "0" else ""

    def _lock_part_of(self, nodeid: str) -> str:
        """The part of the run's locks (``Chains.parts``: ``lock_parts``) of the operation a
        test acts on, "" for none."""
        part = self._lock_parts_of.get(nodeid)
        if part is None:
            assert self._found is not None
            part = self._found.parts.get(test_key(_test_name(nodeid))[1], "")
            self._lock_parts_of[nodeid] = part
        return part

    def _place_kept_chains(self, node: Any) -> None:
        """A chain kept from its first request (the object-level check of a part whose walks
        make no chain: ``order`` puts it last) goes behind the next unit while a test of its
        part is handed out to a worker other than ``node`` (which asks) and not done
        (``_queued_in``): that test would start once the chain holds the part, and wait for it
        whole (the CRM at 50 ms: six checks of the contacts part, handed out just before its
        object-level check, waited 9 to 12 s for it, each on a worker of its own). A rate-limit
        check held back (``_place_quota_checks``) is not the unit that goes before it."""
        head = next(iter(self.workqueue), "")

        def waits(scope: str) -> bool:
            return self._kept_waits(scope, node)

        if not waits(head):
            return
        spare = self._spare(waits)
        if spare is not None:
            self.workqueue.move_to_end(spare, last=False)

    def _kept_waits(self, scope: str, node: Any) -> bool:
        """Whether ``scope`` is a chain kept from its first request (``_kept_part``) that
        would wait for a test of its part handed out to a worker other than ``node`` and not
        done (``_queued_in``), or still to hand out (``_left_in_queue``): ``node`` runs its own
        before the unit it is handed. One whose part is done goes in place of another that
        waits (the CRM at 50 ms: the contacts part's object-level check, ready at 38 s, waited
        behind the jobs part's, whose lanes still ran, until 54 s, and ended the run)."""
        part = self._kept_part(scope)
        return bool(part) and (self._queued_in(part, node) or self._left_in_queue(part, scope) > 0)

    def _part_of(self, nodeid: str) -> str:
        """The part of the API of the operation a test (node id, name, or a unit named so)
        acts on, "" for none (a chain's unit, a test of no operation)."""
        part = self._parts_of.get(nodeid)
        if part is None:
            part = self._parts_of[nodeid] = self._parts.get(test_key(_test_name(nodeid))[1], "")
        return part

    def _spare(self, waits: Callable[[str], Any]) -> str | None:
        """The first unit of the queue that may go in place of the head, which waits: none
        that ``waits`` says waits too, nor a rate-limit check held back for its quota."""
        return next((scope for scope in self.workqueue
                     if not waits(scope) and scope not in self._held_back), None)  # fmt: skip

    def _waits_briefly(self, node: Any, part: str) -> bool:
        """Whether every test of ``part`` yet to finish on a worker other than ``node``, before
        any test that may run long there ends (``_next``), is short: no chain's, none that may
        run long (``_long``), the test that worker runs or the next one, behind no lane's test:
        it says it goes on to a part's test next (``stays_on``)."""
        for other, work in self.assigned_work.items():
            if other is node:
                continue
            pending = self._next(work)
            for index, nodeid in enumerate(pending):
                if self._part_of(nodeid) != part:
                    continue
                # The test it runs or the next one, behind no lane's test (a lane's unit is
                # many tests, and its worker says it goes on only between them).
                if (
                    index > 1
                    or self._long(nodeid)
                    or any(self._split_scope(n) != n for n in pending[: index + 1])
                ):
                    return False
        return True

    def _units(self) -> list[Mapping[str, bool]]:
        """Every unit of work still queued or handed out to a worker: its tests, each with
        whether it is done."""
        handed = [unit for work in self.assigned_work.values() for unit in work.values()]
        return [*self.workqueue.values(), *handed]

    def _kept_part(self, scope: str) -> str:
        """The part of a chain's unit kept from its first request (no walk chain: ``Chains.
        walks``; or the object-level check of a part that has one, a unit of its own: ``_KEPT``),
        "" for any other unit."""
        part, lane = _chain_unit(scope)
        if not part or self._found is None:
            return ""
        return part if lane == _KEPT or part not in self._found.walks else ""

    def _queued_in(self, part: str, node: Any) -> bool:
        """Whether a test of ``part`` is handed out to a worker other than ``node`` and not
        done: queued on a worker behind
        the test it runs, or the first of its tests not done, which a worker that just ended
        one has not begun yet (at 50 ms seven checks of the CRM's contacts part, begun 0 to
        1.4 s after the part's object-level check, waited 10 to 14 s for it whole). A test of
        the part that is running holds it shared, and the check would wait for it anyway; one
        queued behind a test that may run long is not counted (``_next``)."""
        return any(self._part_of(nodeid) == part
                   for other, work in self.assigned_work.items() if other is not node
                   for nodeid in self._next(work))  # fmt: skip

    def _next(self, work: Mapping[str, Mapping[str, bool]]) -> list[str]:
        """The tests of a worker's ``work`` (``assigned_work``) not done that it runs before
        any test that may run long (``_long``) ends: all of them, but where the first is such a
        test, those of its unit alone (itself, or the rest of a chain's lane). Units queued
        behind it begin once it ends; a part's object-level check does not wait for them
        (``_queued_in``, ``_queued_besides``), and they wait for it only if it still holds the
        part then."""
        units = [[n for n, done in unit.items() if not done] for unit in work.values()]
        units = [pending for pending in units if pending]
        if units and self._long(units[0][0]):
            return units[0]
        return [nodeid for pending in units for nodeid in pending]

    def _sole_holder(self, part: str) -> Any:
        """The one worker (stopping or not) with tests of ``part`` yet to finish (``_next``),
        where every test it has yet to finish is of that part (its tests or a unit of its
        chain): the part's object-level check may queue behind them there. None where no
        worker, or several, or one also busy with anything else."""
        holders = [node for node, work in self.assigned_work.items()
                   if any(self._part_of(n) == part for n in self._next(work))]  # fmt: skip
        if len(holders) != 1:
            return None
        (holder,) = holders
        pending = [n for unit in self.assigned_work[holder].values()
                   for n, done in unit.items() if not done]  # fmt: skip
        ours = f"{_CHAIN}{part}@"
        if all(self._part_of(n) == part or self._split_scope(n).startswith(ours) for n in pending):
            return holder
        return None

    def _left_in_queue(self, part: str, scope: str) -> int:
        """How many units of ``part`` other than ``scope`` and the part's object-level check
        (``_kept_part``) are still to hand out (``_counted_in``)."""
        return sum(1 for unit in self.workqueue if unit != scope and self._counted_in(unit) == part)

    def _parts_left(self) -> set[str]:
        """The parts with a unit still to hand out as ``_left_in_queue`` counts them."""
        return {self._counted_in(unit) for unit in self.workqueue} - {""}

    def _counted_in(self, unit: str) -> str:
        """The part a unit of the queue counts for in ``_left_in_queue``, "" for none: a
        chain's lane (not a walked part's object-level check, a unit of its own), or a test of
        the part's operations that is no rate-limit check (which keeps a quota, not the part,
        and waits for the checks spending it: ``_place_quota_checks``)."""
        part = self._counted.get(unit)
        if part is None:
            if unit.startswith(_CHAIN):
                # A chain keeps a part of the run's locks (``lock_parts``), named by one of its
                # operations: counted in the part of the API that operation is in.
                chain = unit.removeprefix(_CHAIN).rpartition("@")[0]
                part = self._parts.get(chain, chain) if self._kept_part(unit) != chain else ""
            else:
                part = "" if self._kept_quota(_test_name(unit)) else self._part_of(unit)
            if self._found is not None:  # what ``_kept_part`` says is known from then on
                self._counted[unit] = part
        return part

    def _kept_quota(self, name: str) -> str:
        """The quota a rate-limit check (``KEEPS_QUOTA``) named ``name`` keeps, "" for any
        other test."""
        quota = self._quotas_of.get(name)
        if quota is None:
            invariant, operation = test_key(name)
            quota = self._limits.get(operation, "") if invariant in KEEPS_QUOTA else ""
            self._quotas_of[name] = quota
        return quota

    def _quotas_spending(self) -> set[str]:
        """The quotas that a check queued or running spends (``quotas_spent``), rate-limit
        checks and the object-level check aside."""
        spending: set[str] = set()
        for unit in self._units():
            for nodeid, done in unit.items():
                name = _test_name(nodeid)
                invariant, operation = test_key(name)
                if not done and not self._kept_quota(name) and invariant not in ALONE:
                    spending |= self._spent.get(operation, frozenset())
        return spending

    def _spent_besides(self, node: Any, quota: str) -> bool:
        """Whether a test spending ``quota`` (``quotas_spent``; no rate-limit check, nor the
        object-level one) is yet to finish on another worker that is not stopping (``_besides``)."""

        def spends(name: str) -> bool:
            invariant, operation = test_key(name)
            return (quota in self._spent.get(operation, frozenset())
                    and not self._kept_quota(name) and invariant not in ALONE)  # fmt: skip

        return self._besides(node, spends)

    def _queued_besides(self, node: Any, part: str) -> bool:
        """Whether a test of ``part`` is yet to finish on another worker that is not stopping
        (``_besides``), before any test that may run long there ends (``_next``)."""
        return self._besides(node, lambda name: self._part_of(name) == part, soon=True)

    def _besides(self, node: Any, wanted: Callable[[str], bool], *, soon: bool = False) -> bool:
        """Whether a test ``wanted`` accepts (by name) is yet to finish on a worker other than
        ``node`` that is not stopping: when its test ends the queue is offered again
        (``mark_test_complete``).
        ``soon``: only a test that worker runs before a test that may run long ends (``_next``)."""
        for other, work in self.assigned_work.items():
            if other is node or other.shutting_down or other not in self.registered_collections:
                continue
            if soon:
                names = self._next(work)
            else:
                names = [n for unit in work.values() for n, done in unit.items() if not done]
            if any(wanted(_test_name(n)) for n in names):
                return True
        return False

    def _long(self, nodeid: str) -> bool:
        return may_run_long(nodeid, self._spent)

    def _split_scope(self, nodeid: str) -> str:
        name = _test_name(nodeid)
        if self._found is None:
            # Every worker computes the same from the same collection (``_order``).
            names = sorted({_test_name(n) for n in self.collection})
            self._found = chains(names, self._shape, self._tenants, self._measured)
        part = self._found.of.get(name, "")
        if not part:
            return nodeid
        return f"{_CHAIN}{part}@{lane_of(self._found, name)}"


_MAX_AUTO = 4
_MAX_FAR = 16
# The priority (``nice``) the workers past the machine's CPUs start at (``plugin``): the
# first ones come up at full speed, the rest in the CPU time those leave.
STAGGER_NICE = 10


def parse_workers(text: str | None) -> int | None:
    """``--workers``: a count from 1 to 64, or ``auto`` (None: chosen by ``workers_for``)."""
    if text is None or text.strip().lower() == "auto":
        return None
    try:
        number = int(text)
    except ValueError:
        raise UsageError(
            f"--workers={text!r} is not a number of worker processes or 'auto'; e.g. --workers 4"
        ) from None
    if not 1 <= number <= 64:
        raise UsageError(f"--workers={text!r} is out of range 1..64; e.g. --workers 4")
    return number


def workers_for(
    config: TargetConfig, checks: int, *, dry_run: bool = False, round_trip: float = 0.0
) -> int:
    """``--workers auto``: one for an in-process app, a dry run or a single check; otherwise
    as many as the machine's CPUs, four at most. A target whose round trip (``round_trip``,
    seconds, measured by the preflight) is long, or that is not on this machine, leaves the
    CPUs idle while each request waits: eight per CPU then, sixteen at most. At 50 ms on two
    CPUs the reference server's run took a median 39.5 s over nine runs with sixteen against
    42.9 s over six with twelve, and 42.7 s over three with twenty (whose workers' start-up
    ran to 11 s); the campus, tracker and fleet examples took as long with sixteen as with
    twelve, within a run's spread (bench/notes/latency.md). Sixteen had been the slower on
    5 December (78.9 s against 71.3 s), when four checks spending one rate-limit quota ran
    side by side; the scheduler has placed those by their quota since."""
    if config.app is not None or dry_run or checks <= 1:
        return 1
    cpus = os.cpu_count() or 1
    if is_far(config.url, round_trip):
        return max(1, min(_MAX_FAR, 8 * cpus, checks))
    return max(1, min(_MAX_AUTO, cpus, checks))


def config_to_wire(config: TargetConfig) -> dict[str, Any]:
    """``config`` as plain data for a worker process (secrets included: the pipe to a local
    child process is no output). An in-process app cannot cross; it runs with one worker."""
    assert config.app is None, "an in-process app runs in one process"
    return {
        "tenants": [[t.name, t.token, t.tenant_id] for t in config.tenants],
        "base_url": config.base_url,
        "allow_hosts": list(config.allow_hosts),
        "profile": config.profile.name,
        "seed": config.seed,
        "timeout": config.timeout,
        "retries": config.retries,
        "backoff": config.backoff,
        "headers": [list(h) for h in config.headers],
        "contracts": str(config.contracts),
        "cleanup": config.cleanup,
    }


def config_from_wire(data: dict[str, Any]) -> TargetConfig:
    return TargetConfig(
        tenants=tuple(Tenant(n, t, i) for n, t, i in data["tenants"]),
        base_url=data["base_url"],
        allow_hosts=tuple(data["allow_hosts"]),
        profile=PROFILES[data["profile"]],
        seed=data["seed"],
        timeout=data["timeout"],
        retries=data["retries"],
        backoff=data["backoff"],
        headers=tuple((n, v) for n, v in data["headers"]),
        contracts=Path(data["contracts"]),
        cleanup=data["cleanup"],
    )


def _finding_to_json(finding: Finding) -> dict[str, Any]:
    data = asdict(finding)
    data["drawn"] = {k: sorted(v) for k, v in finding.drawn.items()}
    data["wanted"] = {k: list(v) for k, v in finding.wanted.items()}
    return data


def _finding_from_json(data: dict[str, Any]) -> Finding:
    known = {f.name for f in fields(Finding)}
    values = {k: v for k, v in data.items() if k in known}
    values["outcome"] = Outcome(values["outcome"])
    values["drawn"] = {k: set(v) for k, v in values.get("drawn", {}).items()}
    values["wanted"] = {k: tuple(v) for k, v in values.get("wanted", {}).items()}
    return Finding(**values)


def dump_state(
    target: Target | None,
    checks: list[tuple[str, str]] | None = None,
    gaps: list[Gap] | None = None,
    *,
    shard: str | None = None,
) -> str:
    """What a process found, as JSON text (already redacted where it was made, and once more
    here): its findings, request and fault counts, and the selection's checks and gaps; for a
    run's ``--results`` file, which shard of the run it was (``"I/N"``; None for a whole run),
    so that ``synth test merge`` can tell when a shard is missing."""
    state: dict[str, Any] = {
        "checks": [list(c) for c in checks or []],
        "gaps": [[g.invariant, g.operation, g.reason] for g in gaps or []],
    }
    if target is not None:
        state |= {
            "shard": shard,
            "url": target.config.url,
            "profile": target.config.profile.name,
            "seed": target.config.seed,
            "run_id": target.run_id,
            "findings": [_finding_to_json(f) for f in target.findings],
            "requests": target.requests_sent,
            "survived": dict(target.faults_survived),
            "exhausted": dict(target.faults_exhausted),
            "fault_seconds": round(target.fault_cost.seconds, 3),
            "hedged": target.fault_cost.hedged,
            "fault_waited": round(target.fault_cost.waited, 3),
            "set_aside": target.set_aside,
            "limited": [target.limit_waits.answers, round(target.limit_waits.seconds, 3)],
            "edges": {
                f"{t}\n{op}": why for (t, op), why in target.edges.items() if isinstance(why, str)
            },
            "unsent_bounds": target.unsent_bounds,
            "latencies": {
                op: [round(t, 6) for t in times] for op, times in target.latencies.items()
            },
            "edges_unconfirmed": {
                f"{inv}\n{op}": what for (inv, op), what in target.edges_unconfirmed.items()
            },
        }
    return target.redact(json.dumps(state, sort_keys=True)) if target else json.dumps(state)


def merge_state(target: Target | Merged, text: str) -> tuple[list[tuple[str, str]], list[Gap], str]:
    """Add one process's ``dump_state`` to ``target`` (which sent nothing itself); returns
    that process's checks, gaps and run id ("" when it made no target)."""
    state = json.loads(text)
    run_id = state.get("run_id", "")
    if run_id:
        target.findings += [_finding_from_json(f) for f in state["findings"]]
        target.requests += state["requests"]
        target.faults_survived.update(Counter(state["survived"]))
        target.faults_exhausted.update(Counter(state["exhausted"]))
        target.fault_cost.seconds += state.get("fault_seconds", 0.0)
        target.fault_cost.hedged += state.get("hedged", 0)
        target.fault_cost.waited += state.get("fault_waited", 0.0)
        target.set_aside += state["set_aside"]
        answers, seconds = state.get("limited", (0, 0.0))
        target.limit_waits.answers += answers
        target.limit_waits.seconds += seconds
        for key, why in state["edges"].items():
            tenant, _, op = key.partition("\n")
            target.edges[(tenant, op)] = why
        for op, times in state.get("latencies", {}).items():
            target.latencies.setdefault(op, []).extend(times)
        for key, what in state.get("edges_unconfirmed", {}).items():
            inv, _, op = key.partition("\n")
            target.edges_unconfirmed[(inv, op)] = what
        for op, bounds in state["unsent_bounds"].items():
            held = target.unsent_bounds.setdefault(op, {})
            for bound, why in bounds.items():
                # A bound sent in any process was sent.
                held[bound] = "" if held.get(bound) == "" or not why else why
    checks = [(i, o) for i, o in state["checks"]]
    gaps = [Gap(i, o, r) for i, o, r in state["gaps"]]
    return checks, gaps, run_id
