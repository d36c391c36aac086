"""The order checks run in, and how ``--shard I/N`` splits them.

Cheap single-request checks go first, so that a broken server is reported within seconds and
``--fail-fast`` stops early. Shards are balanced by cost: the measured seconds of each check
in an earlier run (``--costs``, a ``--results`` file) where given, else the static table.
Both are pure functions of the selected tests and the costs, so every process of a run (each
worker, each CI shard) computes the same order and the same split.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from .._errors import UsageError

__all__ = [
    "CHAINED",
    "COSTS",
    "OBJECT_LEVEL",
    "Chains",
    "cost_of",
    "generated_name",
    "load_costs",
    "order",
    "parse_shard",
    "shard",
    "test_key",
    "with_firsts",
]

T = TypeVar("T")

# The object-level check's id (schemathesis's ``object_level_authorization``, not in the
# catalogue): here, where the runner's light modules read it without importing the module
# that runs it (``_authorization``, which brings schemathesis in).
OBJECT_LEVEL = "OBJECT-LEVEL-AUTHORIZATION"

# Mean seconds per check on the default profile against the reference server on loopback
# (one worker, `scripts/verify --seed 7 --report`), rounded; a check not listed costs _UNKNOWN.
# Only the relative sizes matter: they order the run and balance the shards.
COSTS: Mapping[str, float] = {
    # One request, or one per example: the cheap witnesses.
    "IDEM-MISSING": 0.3,
    "ERR-VALIDATION": 0.7,
    "ERR-DECLARED": 1.1,
    "TEN-READ": 1.3,
    "ERR-PROBLEM": 2.2,
    # A few requests per example.
    "IDEM-CONCURRENT": 0.6,
    "VAL-BOUND": 0.7,
    "IDEM-REPLAY": 0.7,
    "IDEM-MISMATCH": 0.8,
    "TEN-ASSIGN": 1.0,
    "TEN-CHILD": 1.1,
    "PATCH-PARTIAL": 1.1,
    "TEN-WRITE": 1.2,
    "IDEM-TENANT-SCOPE": 1.2,
    "CONFORMANCE": 1.2,
    "CACHE-ETAG": 1.3,
    "PAGE-END": 1.3,
    # Walks through lists, two worlds, every tenant's reads replayed.
    "TEN-LIST": 2.1,
    "TEN-NONINTERFERENCE": 2.2,
    "PAGE-COMPLETE": 2.6,
    "PAGE-ORDER": 2.7,
    "PAGE-CONCURRENT": 2.9,
    "PAGE-CURSOR": 3.3,
    "PAGE-FILTER": 4.3,
    "PAGE-LIMIT": 6.6,
    # A burst (`synth test -k __RATE_ --workers 1 --seed 7`): RATE-TENANT waits out a quiet
    # window first (the reference server's is 5 s), RATE-RETRY-AFTER the announced Retry-After
    # after it (``invariants.limits``).
    "RATE-TENANT": 5.6,
    "RATE-LIMIT": 0.3,
    "RATE-RETRY-AFTER": 3.5,
    OBJECT_LEVEL: 33.3,
}
# What a check in a part's chain costs where it walks a whole list no scope can isolate (the
# page checks, and the idempotency checks counting in it): ``_parallel.lanes`` deals them
# between the tenants by these. Such a walk pages through every item of the tenant, whatever
# the check seeds, a round trip a page; the two lanes are the run's longest path where each
# request waits a round trip (at loopback the run is bound by the CPUs instead, and they run
# beside the rest), so the lanes are dealt by what the checks cost there: mean seconds at a
# 50 ms round trip over six runs of the CRM's jobs chain, the searches walking the whole list
# at half their examples (``_parallel.walks_whole_list``; `python -m bench.latency --delays
# 0.05 --timeline DIR`, then `python -m bench.timeline DIR`). They include the waits for a
# quota a check spends as its tenant (`createJob`'s idempotency checks read each job back
# through `getJob`). Dealt by the loopback seconds, the CRM's lanes came to 18.6 and 10.7 s of
# those costs (one lane ended 12 s after the other in a run), by these to 14.2 and 15.1 s
# (`python -m bench.lanes` deals them both ways and sums the lanes). The
# fleet example's chain, weighed by its own costs at 50 ms (one run): 52.4 and 20.9 s, 46.3
# and 27.0 s by these. Its trips list is longer than its vehicles list and costs more a walk,
# which no table of checks sees; ``--costs`` (seconds measured per test) does.
CHAINED: Mapping[str, float] = {
    "PAGE-COMPLETE": 5.0,
    "PAGE-END": 4.7,
    "PAGE-CURSOR": 3.1,
    "IDEM-MISMATCH": 3.0,
    "PAGE-LIMIT": 2.9,
    "IDEM-REPLAY": 2.8,
    "PAGE-FILTER": 1.9,
    "PAGE-CONCURRENT": 1.8,
    "IDEM-CONCURRENT": 1.6,
    "PAGE-ORDER": 1.5,
    "IDEM-MISSING": 1.0,
}
# The checks that send one request per example (their witness is a single request) run first,
# whatever their measured seconds: a broken server is reported before any walk starts.
_SINGLE = frozenset({"IDEM-MISSING", "ERR-VALIDATION", "ERR-DECLARED", "TEN-READ", "ERR-PROBLEM"})
_UNKNOWN = 1.0
_SHARD = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


def generated_name(invariant: str, operation: str) -> str:
    """The name of the generated test of ``invariant`` on ``operation`` (``test_key``'s
    inverse): ``test_getJob__TEN_READ``."""
    return f"test_{operation}__{invariant.replace('-', '_')}"


def test_key(name: str) -> tuple[str, str]:
    """``(invariant, operation)`` of a generated test's name (``test_getJob__TEN_READ``)."""
    operation, _, slug = name.removeprefix("test_").partition("__")
    return slug.replace("_", "-"), operation


def cost_of(
    name: str, measured: Mapping[tuple[str, str], float] | None = None, *, chained: bool = False
) -> float:
    """What a generated test costs: its measured seconds, else its invariant's static cost
    (``CHAINED``'s for a walk in a part's chain, where ``chained``)."""
    key = test_key(name)
    if measured and key in measured:
        return measured[key]
    if chained and key[0] in CHAINED:
        return CHAINED[key[0]]
    return COSTS.get(key[0], _UNKNOWN)


@dataclass(frozen=True)
class Chains:
    """Tests that keep a part of the API to themselves for most of their run
    (``_parallel.chain_of``): each test's part (``of``), each operation's part (``parts``),
    the parts whose chain walks a list no scope can isolate (``walks``): such a chain grows
    with every example, and may be the run's longest path; and the tests that keep a
    rate-limit quota (``quotas``)."""

    of: Mapping[str, str] = field(default_factory=dict)
    parts: Mapping[str, str] = field(default_factory=dict)
    walks: frozenset[str] = frozenset()
    # Tests that keep a rate-limit quota, not their part (``_parallel.KEEPS_QUOTA``).
    quotas: frozenset[str] = frozenset()
    # The lane (the tenant, by index) each of a chain's walks acts as (``_parallel.LANED``).
    lanes: Mapping[str, int] = field(default_factory=dict)
    # The parts of ``walks`` whose walked list holds the parents or the referenced items of
    # other operations: every check of those makes some as fixtures, so the list grows all
    # run long (``_parallel.filled``).
    filled: frozenset[str] = frozenset()
    # The parts of ``walks`` an object-level check (by its own part) keeps besides its own: its
    # ``Graph.parts`` part holds several of the parts the locks keep (``_context.lock_parts``).
    reached: Mapping[str, frozenset[str]] = field(default_factory=dict)


def order(
    names: Sequence[str],
    measured: Mapping[tuple[str, str], float] | None = None,
    *,
    spread: bool = False,
    chains: Chains | None = None,
    workers: int = 1,
) -> list[int]:
    """Indexes of ``names``: single-request checks first, cheapest first; then the others,
    cheapest first in one process, or dearest first when ``spread`` over several (a long check
    started last would keep one worker busy after the others finished). Equal costs keep their
    collected order.

    Spread over ``workers``, each part's chain (``Chains``) stays together, cheapest first
    within it, and runs on one worker from its start to its end
    (``_parallel.PartScheduling``); a check of that part on another worker meanwhile waits
    for the part's lock, and the chain waits for it. A chain that walks a list and costs more
    than the workers' even share of the whole is the run's longest path: it goes right after
    the other checks of its own part (dearest first, so that the last of them, which the
    chain waits for, ends soonest: a few seconds over the workers), before any other part's
    checks, as the run lasts at least as long as it after it starts. A shorter one takes its
    place among the rest as one test of its whole cost. A chain of checks kept from their
    first request (TEN-NONINTERFERENCE, the object-level one) goes last: while it runs, every
    other check of its part waits, so it runs once they are done, beside the longest chain. A
    rate-limit check (``quotas``) goes after every other check, even in the longest chain's
    part, and right before those chains: it keeps its quota, not its part, for a quiet window
    and a burst, mostly asleep, and every request that counts against the quota waits
    meanwhile, so started late it holds up the fewest checks (a chain's walks of a list do not
    count against it); started after the chains kept from their first request, it waited
    for a worker that a check queued behind such a chain held (the CRM at 50 ms: the
    rate-limit checks began 12 s after the last other check, once the contacts part's
    object-level check ended, and the run ended 7 s after that check).

    A chain walking a list that every check of its part fills (``Chains.filled``: its items
    are the other operations' parents or referenced items) goes first instead, before any
    other test: after the part's other checks it walked the list at its longest, and those
    checks wait less for its short walks than it took over the long ones (the fleet example,
    before its vehicles list was isolated by a prefix filter, and a new user's API at 50 ms,
    bench/notes/latency.md; the tracker's projects). Where the list is filled only by
    its own operation's checks (the CRM's jobs), the chain keeps its place after them."""
    chains = chains if spread and chains is not None else Chains()
    costs = [cost_of(name, measured) for name in names]
    loads: dict[str, float] = {}
    for name, cost in zip(names, costs, strict=True):
        if name in chains.of:
            loads[chains.of[name]] = loads.get(chains.of[name], 0.0) + cost
    total = sum(costs)
    early = {part for part in chains.walks if loads.get(part, 0.0) * max(workers, 1) > total}

    def key(i: int) -> tuple[int, float, str, float, float, int]:
        invariant, operation = test_key(names[i])
        cost = costs[i]
        part = chains.of.get(names[i], "")
        if part:
            tier = (-1 if part in chains.filled else 1 if part in early
                    else 3 if part in chains.walks else 5)  # fmt: skip
            # Dealt over two lanes (``Chains.lanes``), the walks go first, and the checks that
            # keep the whole part (TEN-NONINTERFERENCE, then the object-level one) after them:
            # begun among its lane's walks, such a check waited for the other lane's, which
            # then waited for it (the CRM at 50 ms: `listJobs`' TEN-NONINTERFERENCE waited
            # 11 s, then held the second lane's last walk 9 s).
            whole = bool(chains.lanes) and part in chains.walks and names[i] not in chains.lanes
            return (tier, -loads[part], part, float(whole), cost, i)
        single = invariant in _SINGLE
        if names[i] in chains.quotas:
            return (4, cost, "", 0.0, 0.0, i)
        if chains.parts.get(operation) in early:
            return (0, -cost, "", 0.0, 0.0, i)
        if single:
            return (2, cost, "", 0.0, 0.0, i)
        return (3, -cost if spread else cost, "", 0.0, 0.0, i)

    return sorted(range(len(names)), key=key)


def with_firsts(
    names: Sequence[str],
    ordered: Sequence[int],
    split: Callable[[str], bool],
    measured: Mapping[tuple[str, str], float] | None = None,
) -> list[tuple[int, bool]]:
    """``ordered`` (``order``'s indexes of ``names``) as ``(index, first)``, with each test
    that ``split`` accepts also run as its first example alone (``_first``): those (the
    single-request checks', then cheapest first) where the first single-request check stands,
    before any search. A test ordered before that point (the dearer checks of a far target's
    longest chain's part, ``order``'s first tier, which holds that part's single-request
    checks too, so that the chain itself comes after the first examples) is not split: its
    first example would come after it. Putting the first examples after that chain instead
    was measured and not kept (the CRM at 50 ms: the jobs lanes began at 5 s, not 12 s, and
    the contacts part's checks, queued behind, ended the run as late; bench/notes/latency.md)."""
    at = next((position for position, i in enumerate(ordered)
               if test_key(names[i])[0] in _SINGLE), 0)  # fmt: skip
    firsts = sorted((i for i in ordered[at:] if split(names[i])),
                    key=lambda i: (test_key(names[i])[0] not in _SINGLE,
                                   cost_of(names[i], measured), i))  # fmt: skip
    return ([(i, False) for i in ordered[:at]] + [(i, True) for i in firsts]
            + [(i, False) for i in ordered[at:]])  # fmt: skip


def shard(
    names: Sequence[str],
    index: int,
    count: int,
    measured: Mapping[tuple[str, str], float] | None = None,
    parts: Mapping[str, str] | None = None,
) -> set[int]:
    """Indexes of ``names`` that shard ``index`` (1-based) of ``count`` runs: the dearest unit
    first, each to the shard with the least cost so far (ties to the lowest shard).

    A unit is a part of the API's tests (``parts``: each test name's part) where the part
    costs no more than a shard's even share: its fixtures (the shared parents, the large list
    a page-limit check walks) are then made in one shard, not in every one, and the checks
    that keep the part to themselves run one after another in one job. A dearer part, and a
    test of no part, is spread test by test (an API of two parts over four shards).
    """
    costs = [cost_of(name, measured) for name in names]
    share = sum(costs) / count
    grouped: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        part = (parts or {}).get(name, "")
        grouped.setdefault(part or f"\0{i}", []).append(i)
    units: list[list[int]] = []
    for members in grouped.values():
        whole = sum(costs[i] for i in members) <= share
        units += [members] if whole else [[i] for i in members]
    loads = [0.0] * count
    mine: set[int] = set()
    dearest = sorted(units, key=lambda u: (-sum(costs[i] for i in u), names[u[0]], u[0]))
    for unit in dearest:
        chosen = min(range(count), key=lambda s: (loads[s], s))
        loads[chosen] += sum(costs[i] for i in unit)
        if chosen == index - 1:
            mine.update(unit)
    return mine


def parse_shard(text: str) -> tuple[int, int]:
    """``--shard I/N``: shard I (1..N) of N."""
    found = _SHARD.fullmatch(text)
    if found is None:
        raise UsageError(f"--shard={text!r} is not I/N; e.g. --shard 2/4 runs the second of 4")
    index, count = int(found.group(1)), int(found.group(2))
    if not 1 <= index <= count:
        raise UsageError(
            f"--shard={text!r}: I must be between 1 and N; e.g. --shard 1/{count or 4}"
        )
    return index, count


def load_costs(path: str | Path) -> dict[tuple[str, str], float]:
    """Measured seconds per ``(invariant, operation)`` from a ``--results`` file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return {(f["invariant"], f["operation"]): float(f["seconds"]) for f in data["findings"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(
            f"--costs={str(path)!r} is not a results file written by `synth test --results` "
            f"({type(exc).__name__}: {exc}); give one from an earlier run, or leave --costs out"
        ) from None
