"""What one check example works with: requests as a tenant, fresh fixtures, isolated scopes.

A ``Context`` lives for one Hypothesis example. It records every exchange, so that when an
invariant fails the request sequence that shows it is at hand.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
import functools
import hashlib
import json
import random
import uuid
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NoReturn, TypedDict, TypeVar, Unpack
from urllib.parse import parse_qsl, urljoin, urlsplit

import httpx
from hypothesis import strategies as st
from hypothesis.errors import StopTest, UnsatisfiedAssumption

# Hypothesis's own engine drawing from a private source (``Context.edge_scope``): internal
# API, as schemathesis's strategies are (``_data``).
from hypothesis.internal.conjecture.data import ConjectureData
from hypothesis.strategies._internal.core import DataObject

from .._paths import PATH_PARAM
from ..relations import Graph, Parent, Reference
from ..spec import ApiSpec, FilterSpec, OperationSpec, OrderKey, PaginationSpec
from ._config import is_far
from ._data import Schemas, accepts
from ._http import Exchange, Request
from ._target import Target
from ._unique import fixed_reason
from ._violation import CannotCheck, NoExample, Violation

__all__ = [
    "NO_BODY", "Alike", "Context", "Refused", "Scope", "Walk", "end_marker", "items_of", "next_link",
]  # fmt: skip

T = TypeVar("T")
NO_BODY: Any = object()
_AUTO: Any = object()
# The If-Match of a required precondition when no ETag can be read: it matches no item.
_NO_ETAG = '"synth-no-etag"'
# Idempotency's own conflicts, which a fresh body does not resolve.
_IDEMPOTENCY_CODES = frozenset(
    {"idempotency_key_in_use", "idempotency_key_reused", "idempotency_key_missing"}
)
# Retries, each with a fresh body, of a fixture's create answered with a declared 409.
_CONFLICT_RETRIES = 3
# Other new ids an upsert goes to where it answered as replacing an item (``_upsert_anew``).
_UPSERT_TRIES = 2
# Pages of an offset or page-number walk sent together at most (``Context._ahead``): a walk
# of about ``pagination._PAGES`` pages takes three round trips after its first page, not nine.
_AHEAD = 4


# The characters a marker takes at most (``Target.marker``: "s", 8 hex digits, "-", the
# counter in hex, "z"), with room for a million markers in a run.
_MARKER_ROOM = 17

# What the private source of an edge fixture may draw at most (``Context.edge_scope``).
_EDGE_CHOICES = 100_000


class Refused(NoExample):
    """A fixture's create kept getting a declared 409 that fresh values did not avoid."""


@dataclass(slots=True)
class Scope:
    """Where a list's items are tested: one tenant, path parameters, an isolating filter.

    An isolated scope holds only what the check seeds into it (a fresh parent, or a run-unique
    marker matched by a filter); otherwise ``baseline`` holds the ids that were there before.
    """

    tenant: str
    lister: OperationSpec
    create: OperationSpec | None
    params: dict[str, str]
    query: dict[str, str]
    marker: str
    isolated: bool
    overrides: dict[str, Any] = field(default_factory=dict)
    baseline: set[str] = field(default_factory=set)
    # Whether ``baseline`` is still to be taken (``Context.settle``), and the fields of the
    # list's items that carry ``marker`` in what the check sends: where there are some, the
    # list is walked beside the other checks of its part and only items carrying them count.
    unsettled: bool = False
    marked: tuple[str, ...] = ()
    # Whether the whole list is walked beside the other checks of its part (``Context.beside``).
    beside: bool = False
    # The filter on a fresh item's id that isolates it (``Context._item_scope``), if one does.
    item_filter: FilterSpec | None = None
    # Every item ``Context.seed`` made in the scope, in order, kept up to date by ``unblock``.
    seeded: list[dict[str, Any]] = field(default_factory=list)
    # (item id, field) for each text field of a seeded item the server printed exactly as it
    # was sent: the stored value is the sent one, no finer (a date-time at a filter's bound).
    echoed: set[tuple[str, str]] = field(default_factory=set)


def _a(noun: object) -> str:
    """``noun`` with its indefinite article, by its first letter: "an Appointment"."""
    text = str(noun)
    return f"{'an' if text[:1].lower() in 'aeiou' else 'a'} {text}"


def isolating_filters(
    schemas: Schemas, create: OperationSpec | None, lister: OperationSpec
) -> Iterator[tuple[FilterSpec, bool]]:
    """The filters of ``lister`` that can keep a check's items apart from every other item of
    the tenant's list, in the order ``Context.scope`` tries them, each with whether it is a
    free-text one: an ``icontains`` filter on a plain string field of the create's body (the
    scope's marker in it), then a ``prefix`` filter on one (``Context.mark`` puts the marker
    first), then a ``contains`` filter on an array of strings (the marker as an element,
    which the drawn body must then be able to hold)."""
    if create is None or create.body_schema is None or lister.pagination is None:
        return
    props = schemas.properties(create.body_schema)
    for op in ("icontains", "prefix"):
        for flt in lister.pagination.filters:
            schema = props.get(flt.field)
            text = schemas.string_branch(schema) if schema is not None else None
            if (
                flt.op == op
                and text is not None
                and not ({"pattern", "enum", "format"} & set(text))
                # Room for the whole marker: cut short, it begins no value.
                and (op == "icontains" or text.get("maxLength", _MARKER_ROOM) >= _MARKER_ROOM)
            ):
                yield flt, True
    for flt in lister.pagination.filters:
        schema = props.get(flt.field)
        if (
            flt.op == "contains"
            and schema is not None
            and schema.get("type") == "array"
            and schemas.resolve(schema.get("items", {})).get("type") == "string"
        ):
            yield flt, False


def parent_filter(
    api: ApiSpec, graph: Graph, create: OperationSpec | None, lister: OperationSpec
) -> tuple[str, FilterSpec] | None:
    """The path parameter naming the parent ``create`` makes each item under, and the filter of
    ``lister``, a list at the top of those items (``GET /enrolments`` of enrolments made at
    ``POST /courses/{course_id}/enrolments``), that keeps one parent's items: an ``eq`` filter
    on the items' field named like that parameter (``course_id``), the field by which a
    parent the list's path lacks is read (``Context.item_params``). Under a fresh parent with
    the filter set to its id, the list holds only what the check made there. None where
    there is none, or where a parent's state may refuse a second item (``_state_conflicts``:
    a vehicle with a trip open takes no other), which would give each item a parent of its
    own."""
    found = _parent_filtered(api, graph, create, lister)
    return (
        found if found is not None and create is not None and not _state_conflicts(create) else None
    )


def _parent_filtered(
    api: ApiSpec, graph: Graph, create: OperationSpec | None, lister: OperationSpec
) -> tuple[str, FilterSpec] | None:
    """``parent_filter`` by the shape of the contract alone, whatever a parent's state may
    refuse."""
    parents = (graph.parents(create) or []) if create is not None else []
    last = parents[-1] if parents else None
    if (
        create is None
        or lister.pagination is None
        or any(p.name != api.tenant_param for p in lister.path_params)
        or last is None
        or last.create is create
        or last.param == api.tenant_param
        or last.param not in lister.pagination.item.model_fields
    ):
        return None
    found = (f for f in lister.pagination.filters if f.op == "eq" and f.path == (last.param,))
    flt = next(found, None)
    return (last.param, flt) if flt is not None else None


def _state_conflicts(create: OperationSpec) -> bool:
    """Whether ``create`` declares a 409 that its ``Unique()`` fields do not account for, one
    code each (``serial_taken``, which fresh values avoid): a refusal by the state of what it
    is made under (``trip_in_progress``: a vehicle takes one open trip)."""
    codes = {e.code for e in create.errors if e.status == 409 and e.code not in _IDEMPOTENCY_CODES}
    return len(codes) > len(create.unique)


def reference_filter(
    api: ApiSpec, graph: Graph, create: OperationSpec | None, lister: OperationSpec
) -> tuple[Reference, FilterSpec] | None:
    """The body field of ``create`` naming another collection's item and the filter of
    ``lister``, a list at the top, that keeps the items naming one of them: an ``eq`` filter
    on that field (``GET /trips?driver_id=`` of trips whose body names a driver). With a
    fresh item named in every item the check makes and the filter set to its id, the list
    holds only what the check made. None where there is none."""
    if (
        create is None
        or lister.pagination is None
        or any(p.name != api.tenant_param for p in lister.path_params)
    ):
        return None
    refs = {r.field: r for r in graph.references(create) if r.create is not create}
    for flt in lister.pagination.filters:
        ref = refs.get(flt.field)
        if (
            ref is not None
            and flt.op == "eq"
            and flt.path == (ref.field,)
            and ref.field in lister.pagination.item.model_fields
            and graph.parents(ref.create) is not None
        ):
            return ref, flt
    return None


def may_isolate(api: ApiSpec, schemas: Schemas, graph: Graph, lister: OperationSpec) -> bool:
    """Whether ``Context.scope`` can give a check of ``lister`` a list of its own (a fresh
    parent, in the list's path or named by a filter; an isolating filter; a filter on a fresh
    referenced item), as far as the contract tells: without it, every walk goes through the
    tenant's whole list and keeps its part of the API to itself."""
    if any(p.name != api.tenant_param for p in lister.path_params):
        return True
    create = graph.creator_of_items(lister)
    return (
        next(isolating_filters(schemas, create, lister), None) is not None
        or parent_filter(api, graph, create, lister) is not None
        or reference_filter(api, graph, create, lister) is not None
    )


def describe_isolation(api: ApiSpec, schemas: Schemas, graph: Graph) -> list[str]:
    """Plain lines: how a check keeps each paginated list's items of its own apart from the
    tenant's others (``Context.scope``), or why it walks the whole list, keeping its part
    of the API from the other checks of it meanwhile (slow at a far target)."""
    lines = ["lists (how a check keeps its own items apart in each):"]
    for op in api.operations:
        if op.pagination is None:
            continue
        create = graph.creator_of_items(op)
        named = [p.name for p in op.path_params if p.name != api.tenant_param]
        free = next(isolating_filters(schemas, create, op), None)
        by_parent = parent_filter(api, graph, create, op)
        by_ref = reference_filter(api, graph, create, op)
        if named:
            how = f"under a fresh parent ({', '.join('{' + n + '}' for n in named)})"
        elif free is not None:
            how = f"by the check's marker in its {free[0].param} filter ({free[0].op} {free[0].field})"
        elif by_parent is not None:
            how = f"under a fresh parent named by its {by_parent[1].param} filter"
        elif by_ref is not None:
            how = f"naming a fresh {by_ref[0].collection} item, by its {by_ref[1].param} filter"
        elif create is None:
            how = (
                "walked whole (every item the tenant has), every other check waiting "
                "meanwhile: no create of its items is known"
            )
        else:
            how = (
                "walked whole (every item the tenant has), the other checks of its part of "
                "the API waiting meanwhile: "
            ) + _why_whole(api, graph, create, op)
        lines.append(f"  {op.operation_id}: {how}")
    return lines if len(lines) > 1 else []


def _why_whole(api: ApiSpec, graph: Graph, create: OperationSpec, lister: OperationSpec) -> str:
    """Why no scope isolates ``lister``, a list at the top of ``create``'s items."""
    by_parent = _parent_filtered(api, graph, create, lister)
    if by_parent is not None and _state_conflicts(create):
        return (f"its {by_parent[1].param} filter names a parent, but {create.operation_id} declares a "
                "409 its Unique() fields do not account for, which may refuse a parent's "
                "second item")  # fmt: skip
    return ("no filter of it can show a check's own items alone (one that can: free text or "
            "a prefix holding the check's marker, an array of strings, the id of a parent its "
            "items are made under or of an item their body names)")  # fmt: skip


@dataclass(frozen=True)
class LockParts:
    """The parts of the API a run's locks keep (``synth.testing._lock``): ``Graph.parts``,
    where needing an item of another collection (a parent, a referenced item) does not join an
    operation to that collection's part. A check of an enrolment making a course for it, or of
    a trip making a vehicle and a driver, holds that part's writes lock while each such write
    is in flight (``RunLock.try_writes``), and a check keeping a part (a walk of a list no
    scope isolates) takes the part's writes lock exclusive: the courses list's walks wait for
    no enrolment check, nor they for the walks but while they make a course. What a check may
    reach (the object-level check's engine, which deletes and updates what it finds in lists,
    other checks' items included: the parents and referenced items of other parts) is the
    whole ``Graph.parts`` part, a union of these, which that check keeps.

    Where parts so split would need each other's items (a cycle of references), two keepers
    could each wait for the other's writes lock: those are split only where every list of the
    needed items is one a check's scope isolates (``may_isolate``), with no writes locks
    (``gated`` False), and a walk of such a list that is whole all the same keeps the run."""

    # Each operation's part.
    of: Mapping[str, str]
    # Without writes locks (``gated`` False): the creates (by operation id) whose items other
    # parts' checks make without holding their part: every list of those items is one a
    # check's scope isolates, and an operation of another part needs one (a parent, a
    # referenced item). Empty with them.
    apart: frozenset[str]
    # Each operation's ``Graph.parts`` part, as the parts of ``of`` it holds, sorted.
    reach: Mapping[str, tuple[str, ...]]
    # Whether a write to a part from a test of another holds that part's writes lock.
    gated: bool = True


def lock_parts(api: ApiSpec, schemas: Schemas, graph: Graph) -> LockParts:
    """``graph``'s ``LockParts``, computed once: a run asks for each test and request."""
    found = _LOCK_PARTS.get(graph)
    if found is None:
        creates = frozenset(op.operation_id for op in api.operations if graph.is_create(op))
        of, whole = graph.parts(creates), graph.parts()
        apart: frozenset[str] = frozenset()
        gated = _acyclic(graph, of)
        if not gated:
            isolated = frozenset(
                name for name in creates
                if all(lister.pagination is not None and may_isolate(api, schemas, graph, lister)
                       for lister in graph.lists_of(api.operation(name)))
            )  # fmt: skip
            of = graph.parts(isolated)
            # Only those an operation of another part needs are made there: the items of one
            # nothing else needs (an enrolment) are made by its own part's checks, which a
            # whole walk of its list (its scope's parent refused a second item) holds.
            apart = frozenset(
                needed.operation_id for op in api.operations
                for needed in graph.needed(op)
                if needed.operation_id in isolated and of[needed.operation_id] != of[op.operation_id]
            )  # fmt: skip
        held: dict[str, set[str]] = {}
        for op, part in whole.items():
            held.setdefault(part, set()).add(of[op])
        reach = {op: tuple(sorted(held[part])) for op, part in whole.items()}
        found = _LOCK_PARTS[graph] = LockParts(of, apart, reach, gated)
    return found


def _acyclic(graph: Graph, of: Mapping[str, str]) -> bool:
    """Whether no part of ``of`` needs (``Graph.needed``), through other parts, an item of its own."""
    needs: dict[str, set[str]] = {}
    for op in graph.api.operations:
        for needed in graph.needed(op):
            if of[needed.operation_id] != of[op.operation_id]:
                needs.setdefault(of[op.operation_id], set()).add(of[needed.operation_id])
    done: set[str] = set()

    def reaches_back(part: str, path: set[str]) -> bool:
        if part in path:
            return True
        if part in done:
            return False
        found = any(reaches_back(n, path | {part}) for n in sorted(needs.get(part, ())))
        done.add(part)
        return found

    return not any(reaches_back(part, set()) for part in sorted(needs))


_LOCK_PARTS: weakref.WeakKeyDictionary[Graph, LockParts] = weakref.WeakKeyDictionary()


def _markable(schemas: Schemas, schema: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The string branch of a body field ``Context.mark`` puts a marker into (free text, an
    e-mail address), or None."""
    text = schemas.string_branch(schema)
    if text is None:
        return None
    if text.get("format") == "email" or not ({"pattern", "enum", "format", "const"} & set(text)):
        return text
    return None


def counts_by_marker(schemas: Schemas, create: OperationSpec, lister: OperationSpec) -> bool:
    """Whether items ``create`` makes can be told apart in ``lister``'s whole list by the
    marker a check puts in them, as far as the contract tells: a field the marker goes into
    (``Context.mark``) that every listed item carries (``Context.settle``)."""
    return bool(listed_markable(schemas, create, lister))


def listed_markable(
    schemas: Schemas, create: OperationSpec, lister: OperationSpec
) -> tuple[str, ...]:
    """The fields of ``create``'s body that the marker goes into (``Context.mark``) and that
    every item of ``lister`` carries (required in its item schema), sorted."""
    if create.body_schema is None or lister.pagination is None:
        return ()
    listed = set(schemas.required(lister.pagination.item_schema))
    return tuple(sorted(
        name for name, schema in schemas.properties(create.body_schema).items()
        if name in listed and _markable(schemas, schema) is not None
    ))  # fmt: skip


class _Options(TypedDict, total=False):
    """``Context.send``'s keyword arguments, which it hands to ``Context._build`` (defaults
    there)."""

    query: Mapping[str, Any] | Sequence[tuple[str, Any]]
    headers: Mapping[str, str] | None
    body: Any
    raw: bytes | None
    key: str | None
    token: str | None
    if_match: str | None
    tenant_id: str | None
    own_refs: bool
    request_id: bool


@dataclass(slots=True)
class Alike:
    """Steps a check repeats, whose fixtures must not differ by what synth draws
    (``Context.alike``): the bodies drawn for each operation in the first repetition, in
    order. A check comparing two runs of the same steps (TEN-NONINTERFERENCE) keeps one."""

    bodies: dict[str, list[Any]] = field(default_factory=dict)


@dataclass(slots=True)
class Walk:
    """Every page of one walk through a list, the items in the order they came, their ids.

    ``ids`` are the items' identities (``Context.item_id``), in the same order.
    """

    pages: list[Exchange]
    items: list[dict[str, Any]]
    ids: list[str]


class Context:
    """Requests, fixtures and failure reporting for one example of one check."""

    def __init__(
        self, target: Target, invariant: str, op: OperationSpec, data: st.DataObject
    ) -> None:
        self.target = target
        self.api = target.api
        self.graph = target.graph
        self.schemas = target.schemas
        self.invariant = invariant
        self.op = op
        self.data = data
        self.trace: list[Exchange] = []
        self._upserted: set[str] = set()
        # The shared parents (``Target.shared``) this example reused, in the order it did.
        self._shared_used: list[tuple[Any, ...]] = []
        # For each shared parent reused, the body drawn for it (``provision``): a parent made
        # in its place (``fixture``) is made with it, so the example draws the same either way.
        self._pooled_bodies: dict[tuple[Any, ...], Any] = {}
        # The exchanges that made the edge fixture this example used (``edge_scope``), made
        # in an earlier example maybe: a reproduction must make it too.
        self._edge_trace: list[Exchange] = []
        # The tenant the check acts as, and the other (``Target.actors``).
        self.a, self.b = target.actors()
        # Each body with unique fields, by identity, and the body sent for it (kept alive here
        # so an identity is never reused within the example).
        self._sent: dict[int, tuple[Any, Any]] = {}
        # Items a body references (``referenced``), by tenant and creating operation, and the
        # bodies sent with them, by tenant and the identity of the body given.
        self._ref_items: dict[tuple[str, str], Any] = {}
        # More items of a referenced collection (``spread_references``), which a body may name
        # instead of the one ``_ref_items`` holds.
        self._ref_more: dict[tuple[str, str], list[Any]] = {}
        # Items a scope's filter keeps (``_item_scope``), which its items' bodies name.
        self._ref_kept: dict[tuple[str, str], list[Any]] = {}
        self._referenced: dict[tuple[str, int], tuple[Any, Any]] = {}
        # Whether a fixture's create answered with a declared 409 is retried with fresh values
        # (a check comparing two runs of the same steps turns it off: the values would differ).
        self.retry_conflicts = True
        # Set when the example ran without exercising what the check is about (``unexercised``).
        self.vacuous: str | None = None
        # What the example drew among options every one of which must be drawn in some
        # example (``covers``): by what they are, all the options and the one drawn.
        self.drawn: dict[str, tuple[tuple[str, ...], set[str]]] = {}
        # While steps are repeated alike (``alike``): the bodies to give again, how many of
        # each operation's this repetition has used, and the markers it handed out.
        self._alike: Alike | None = None
        self._alike_turns: dict[str, int] = {}
        self._alike_markers: list[str] = []
        # The values of ``Unique()`` fields another repetition handed out, to give again (by
        # operation, field and turn: ``alike``'s ``values``), and how many this one has used.
        self._alike_values: dict[tuple[str, str, int], Any] | None = None
        self._alike_value_turns: dict[tuple[str, str], int] = {}
        # Whether requests that do not depend on each other's answers may go together
        # (``together``): not in a check's first example, which sends them one at a time and
        # stops at the first it refuses, so a bug there is reported in the fewest requests.
        self.at_once = False
        # The check's answers to reads this example may reuse rather than send again
        # (``_Scenario``: a check judging each answer by itself, ``REUSES_ANSWERS``), by the
        # request, with the client's count of writes when each came; None: none reused.
        self.answers: dict[tuple[Any, ...], tuple[Exchange, int]] | None = None

    # -- basics ------------------------------------------------------------------------------

    def draw(self, strategy: st.SearchStrategy[T], label: str | None = None) -> T:
        return self.data.draw(strategy, label=label)

    def choose(self, options: Sequence[T], label: str | None = None) -> T:
        """One of ``options``, which may depend on what the server answered.

        ``sampled_from`` would tell Hypothesis a different choice shape on every replay, which
        it rejects as flaky; an index drawn from a fixed range keeps the shape fixed.
        """
        return options[self.draw(st.integers(0, 2**16), label) % len(options)]

    def fail(self, expected: str, actual: str, upto: Exchange | None = None) -> NoReturn:
        trace = list(self.trace)
        if upto is not None and upto in trace:
            trace = trace[: trace.index(upto) + 1]
        # The requests that made the shared parents this example used (in earlier examples):
        # a reproduction must make them too.
        trace = [e for e in self._shared_trace() if e not in trace] + trace
        trace = [e for e in self._edge_trace if e not in trace] + trace
        raise Violation(self.invariant, self.op.operation_id, expected, actual, trace)

    def _shared_trace(self) -> list[Exchange]:
        """The exchanges that made the shared parents this example used, in order, once each."""
        out: list[Exchange] = []
        for key in self._shared_used:
            out += [e for e in self.target.shared_origin.get(key, ()) if e not in out]
        return out

    def unexercised(self, why: str) -> None:
        """This example passes without having exercised what the check is about (``why``: what
        it lacked, e.g. "seeded no item"); a check no example exercised ends skipped, not passed.
        """
        if self.vacuous is None:
            self.vacuous = why

    def covers(self, what: str, options: Sequence[str], chosen: str) -> None:
        """This example exercised ``chosen`` among ``options`` (``what`` they are: "sort
        orders"; once for each it exercised), each of which the check must exercise in some
        example: a check that passed without every option exercised ends skipped, naming
        those never drawn."""
        self.drawn.setdefault(what, (tuple(options), set()))[1].add(chosen)

    def marker(self) -> str:
        marker = self.target.marker()
        if self._alike is not None:
            self._alike_markers.append(marker)
        return marker

    @contextmanager
    def alike(
        self, steps: Alike, values: dict[tuple[str, str, int], Any] | None = None
    ) -> Iterator[list[str]]:
        """Repeat steps alike: within the block, the n-th body drawn for an operation is the
        n-th one drawn for it in the first block given ``steps``; every fixture, the parents
        ``provision`` makes included, is made from the same body in the same order.

        ``values``: blocks given the same dict also send the same values in fields declared
        ``Unique()`` (the n-th an operation's field is given in each); without it each block
        has fresh ones. Unique within its tenant, a value may be sent once by each tenant.

        Yields the markers handed out in the block (``marker``): what makes its bodies differ
        from another block's, besides the values of fields declared unique (unless shared)
        and the ids the server assigns.
        """
        saved = (self._alike, self._alike_turns, self._alike_markers, self._alike_values,
                 self._alike_value_turns)  # fmt: skip
        markers: list[str] = []
        self._alike, self._alike_turns, self._alike_markers = steps, {}, markers
        self._alike_values, self._alike_value_turns = values, {}
        try:
            yield markers
        finally:
            (self._alike, self._alike_turns, self._alike_markers, self._alike_values,
             self._alike_value_turns) = saved  # fmt: skip

    def send(
        self,
        tenant: str | None,
        op: OperationSpec,
        params: Mapping[str, str] | None = None,
        **options: Unpack[_Options],
    ) -> Exchange:
        """Send ``op`` as ``tenant`` (None: no credentials); a fresh idempotency key by default.

        A body field naming another collection's item gets an item ``tenant`` owns
        (``referenced``) unless ``own_refs`` is False: then it is sent as it is.

        A write that requires ``If-Match`` gets the item's current ETag by default
        (``current_etag``); ``if_match=None`` leaves the header out, ``headers`` may set it.
        The tenant in the path (``Api(tenant_param=...)``) is the acting tenant's own id
        unless ``tenant_id`` names another. ``request_id=False`` sends no request id where
        the client would add one (``Client``).
        """
        return self.sent(op, self.build(tenant, op, params, **options))

    def sent(self, op: OperationSpec, request: Request) -> Exchange:
        """Send ``request`` (``build``) of ``op``, as ``send`` does; a read the check sent
        before is answered as then (``answers``)."""
        exchange = self._reused(request)
        if exchange is None:
            exchange = self.target.client.send(request)
            self.target.note_latency(op.operation_id, exchange)
            self._keep(request, exchange)
        self.trace.append(exchange)
        return exchange

    def _answer_key(self, request: Request) -> tuple[Any, ...] | None:
        """What makes ``request`` the same request as another, for a read (GET or HEAD); None
        for any other method, or where no answer is reused."""
        if self.answers is None or request.method not in {"GET", "HEAD"}:
            return None
        body = (
            json.dumps(request.json_body, sort_keys=True, default=str) if request.has_body else None
        )
        return (request.tenant, request.method, request.path, request.query, request.headers,
                request.token, request.raw_body, body, request.request_id)  # fmt: skip

    def _reused(self, request: Request) -> Exchange | None:
        """The answer the check got to the same read earlier, with no write sent since by this
        process (``Client.writes``); None where there is none to reuse."""
        key = self._answer_key(request)  # None where no answer is reused
        kept = None if key is None or self.answers is None else self.answers.get(key)
        if kept is None or kept[1] != self.target.client.writes:
            return None
        return kept[0]

    def _keep(self, request: Request, exchange: Exchange) -> None:
        """Keep ``exchange`` for a later example sending the same read (``_reused``); never a
        429, which says nothing of the read itself."""
        key = self._answer_key(request)
        if key is not None and self.answers is not None and exchange.status != 429:
            self.answers[key] = (exchange, self.target.client.writes)

    def together(self, requests: Sequence[Callable[[], Request]]) -> Iterator[Exchange]:
        """Each of ``requests`` (built when asked for) answered, in order: where the example
        may send them at once (``at_once``), all are built, then sent together, and the
        answers given out after; otherwise each is built and sent as the caller asks for its
        answer, so a check that stops at one sends none after it."""
        if not self.at_once:
            return (self.sent(self.op, make()) for make in requests)
        return iter(self.gather(requests) if requests else [])

    def build(
        self,
        tenant: str | None,
        op: OperationSpec,
        params: Mapping[str, str] | None = None,
        *,
        query: Mapping[str, Any] | Sequence[tuple[str, Any]] = (),
        headers: Mapping[str, str] | None = None,
        body: Any = NO_BODY,
        raw: bytes | None = None,
        key: str | None = _AUTO,
        token: str | None = _AUTO,
        if_match: str | None = _AUTO,
        tenant_id: str | None = _AUTO,
        own_refs: bool = True,
        request_id: bool = True,
    ) -> Request:
        """The request ``send`` sends with these arguments (``_Options``; see there), not
        sent: ``sent`` sends it, ``together`` and ``gather`` send several at once."""
        params = self.fill_tenant(tenant, op, params, tenant_id)
        hdrs = dict(headers or {})
        if op.idempotency is not None:
            if key is _AUTO:
                key = str(uuid.uuid4())
            if key is not None:
                hdrs[op.idempotency.header] = key
        if _requires_if_match(op) and "if-match" not in {h.lower() for h in hdrs}:
            if if_match is _AUTO:
                if_match = self.current_etag(tenant, op, params or {})
            if if_match is not None:
                hdrs["If-Match"] = if_match
        if token is _AUTO:
            token = self._token(tenant, op)
        body = self.unique(op, self.referenced(tenant, op, body) if own_refs else body)
        items = query.items() if isinstance(query, Mapping) else query
        return Request(
            tenant=tenant,
            method=op.method,
            path=self.target.path(op.path, dict(params or {})),
            # A list value is the repeated parameter (an ``in`` filter with explode).
            query=tuple(
                (k, _text(one))
                for k, v in items
                if v is not None
                for one in (v if isinstance(v, list) else [v])
            ),
            headers=tuple(hdrs.items()),
            json_body=None if body is NO_BODY else body,
            has_body=body is not NO_BODY,
            raw_body=raw,
            token=token,
            media_type=op.body_media_type,
            files=op.files,
            request_id=request_id,
        )

    def gather(self, requests: Sequence[Callable[[], Request]]) -> list[Exchange]:
        """Each of ``requests`` built in order, then sent together (``send_together``)."""
        return self.send_together([make() for make in requests])

    def send_together(self, built: Sequence[Request]) -> list[Exchange]:
        """Send ``built`` (``build``) together; a read the check sent before is answered as
        then (``answers``). The answers in order."""
        answers: list[Exchange | None] = [self._reused(request) for request in built]
        unsent = [index for index, answer in enumerate(answers) if answer is None]
        if unsent:
            sent = self.target.client.gather([built[index] for index in unsent])
            for index, exchange in zip(unsent, sent, strict=True):
                answers[index] = exchange
                self._keep(built[index], exchange)
        given = [answer for answer in answers if answer is not None]
        self.trace.extend(given)
        return given

    def request(self, tenant: str, op: OperationSpec, params: Mapping[str, str], body: Any,
                key: str | None = _AUTO) -> Request:  # fmt: skip
        """A request object for ``gather``: as ``send`` builds it, with idempotency key ``key``
        (None: no key; by default a fresh one, as ``send`` gives)."""
        return self.build(tenant, op, params, body=body, key=key)

    def _token(self, tenant: str | None, op: OperationSpec) -> str | None:
        """``tenant``'s secret for ``op``; none where the document says it needs no auth
        (``tenant_scoped=False``: ``security: [{}]``)."""
        if tenant is None or not op.tenant_scoped:
            return None
        return self.target.config.tenant(tenant).token

    def fill_tenant(
        self,
        tenant: str | None,
        op: OperationSpec,
        params: Mapping[str, str] | None,
        tenant_id: str | None = _AUTO,
    ) -> dict[str, str]:
        """``params`` with the tenant path parameter set: ``tenant_id`` when given, else the
        acting tenant's own id (without credentials: the one ``params`` has, else the first
        tenant's). Parameters of other names are left as they are."""
        values = dict(params or {})
        name = self.api.tenant_param
        if name is None or "{" + name + "}" not in op.path:
            return values
        if tenant_id is _AUTO:
            tenant_id = (
                self.target.tenant_id(tenant)
                if tenant is not None
                else values.get(name) or self.target.tenant_id(None)
            )
        if tenant_id is not None:
            values[name] = tenant_id
        return values

    def current_etag(self, tenant: str | None, op: OperationSpec, params: Mapping[str, str]) -> str:
        """The ETag ``tenant`` reads for the item ``op`` writes, by the item's GET.

        Without one (no credentials, an item this tenant cannot see, a GET without ETag) a
        placeholder that matches nothing: the request still carries the header the contract
        requires, so it is refused for what the probe is about, not for a missing precondition.
        """
        creator = self.graph.item_creator(op)
        reader = self.graph.reader(creator) if creator is not None else None
        if tenant is None or reader is None:
            return _NO_ETAG
        answer = self.send(tenant, reader, params)
        tag = answer.headers.get("etag") if answer.status == 200 else None
        return tag or _NO_ETAG

    def expect_success(self, exchange: Exchange, op: OperationSpec, what: str) -> None:
        """A valid request must succeed; a declared 4xx means this example does not apply."""
        if exchange.status == op.status or (exchange.ok and op.status // 100 == 2):
            return
        declared = {(e.status, e.code) for e in op.errors}
        if 400 <= exchange.status < 500 and (exchange.status, exchange.code) in declared:
            # Set aside with the reason, so a check no example could run says why. A 409 may
            # be the state of a shared parent (a copy on loan): ``fixture`` replaces it.
            raise (Refused if exchange.status == 409 else NoExample)(
                f"{what} was answered {exchange.status} {exchange.code!r}, an error "
                f"{op.operation_id} declares{self._fixed_unique(op, exchange)}"
            )
        self.fail(f"{what} to succeed with {op.status}", _brief(exchange), exchange)

    # -- data --------------------------------------------------------------------------------

    def body(
        self,
        op: OperationSpec,
        marker: str | None = None,
        overrides: Mapping[str, Any] | None = None,
        *,
        fill: Sequence[str] = (),
    ) -> Any:
        """A valid body for ``op``, carrying ``marker`` in its free-text fields; those named in
        ``fill`` carry it where the drawn body leaves them out (``mark``)."""
        if op.body is None or op.body_schema is None:
            return NO_BODY
        return self.mark(op, self.raw_body(op), marker or self.marker(), overrides, fill=fill)

    def raw_body(self, op: OperationSpec) -> Any:
        """A valid body for ``op`` as generated, without a marker.

        The contract's declared examples are not drawn here: conformance sends them first, as
        explicit examples on top of its budget. A check replacing a drawn body with one would
        spend an example of its budget on a body chosen for readers, not for the invariant
        (a declared contact without an e-mail cannot show a uniqueness leak across tenants).
        """
        if op.body is None or op.body_schema is None:
            return NO_BODY
        if self._alike is not None:
            drawn = self._alike.bodies.setdefault(op.operation_id, [])
            turn = self._alike_turns.get(op.operation_id, 0)
            self._alike_turns[op.operation_id] = turn + 1
            if turn < len(drawn):  # a new object: its unique fields get values of their own
                return copy.deepcopy(drawn[turn])
        body = self.draw(self.schemas.body(op.body_schema, op.body, op), f"{op.operation_id} body")
        if self._alike is not None:
            drawn.append(copy.deepcopy(body))
        return body

    def mark(
        self,
        op: OperationSpec,
        body: Any,
        marker: str,
        overrides: Mapping[str, Any] | None = None,
        *,
        fill: Sequence[str] = (),
    ) -> Any:
        """Put ``marker`` into every free-text field and every e-mail address of ``body``.

        Free text gets ``marker`` as a prefix, e-mail addresses become ``marker@example.com``:
        a run's data is recognisable, and two seeded items never collide on a unique field.
        The fields named in ``fill`` that the drawn body leaves out (absent or null) get it too,
        where the model takes it: a check counting its items in a list no scope isolates by
        the marker they carry (``Context.settle``) then does so in every example.
        """
        if not isinstance(body, dict) or op.body is None or op.body_schema is None:
            return body
        marked = dict(body)
        for name, schema in self.schemas.properties(op.body_schema).items():
            text = _markable(self.schemas, schema)
            if text is not None and name in fill and marked.get(name) is None:
                marked[name] = (f"{marker}@example.com" if text.get("format") == "email"
                                else marker[: text.get("maxLength", 200)])  # fmt: skip
                continue
            if text is None or not isinstance(marked.get(name), str):
                continue
            if text.get("format") == "email":
                marked[name] = f"{marker}@example.com"
            else:
                limit = text.get("maxLength", 200)
                marked[name] = f"{marker} {marked[name]}"[:limit]
        marked.update(overrides or {})
        return self.unique(
            op, marked if accepts(op.body, marked) else {**body, **(overrides or {})}
        )

    def unique(self, op: OperationSpec, body: Any) -> Any:
        """The body sent for ``body``: its ``Unique()`` fields hold values new to this run.

        The same body object always gives the same sent body within the example (a replay,
        concurrent requests), a new one new values. A body the model refuses (an invalid
        body, on purpose) is sent as it is; so is a field no fresh value was found for.
        """
        if not op.unique or op.body is None or op.body_schema is None or not isinstance(body, dict):
            return body
        known = self._sent.get(id(body))
        if known is not None and known[0] is body:
            return known[1]
        sent = body
        if accepts(op.body, body):
            sent = self._refreshed(op, body, op.unique)
        self._sent[id(body)] = (body, sent)
        self._sent[id(sent)] = (sent, sent)
        return sent

    def _fresh_value(self, op: OperationSpec, name: str, body: dict[str, Any]) -> Any | None:
        """A value new to this run for ``body``'s ``Unique()`` field ``name``, or the one another
        repetition of the same steps gave it (``alike``'s ``values``)."""
        assert op.body is not None
        assert op.body_schema is not None
        shared = self._alike_values
        if shared is None or name in op.unique_across_tenants:
            return self.target.fresh.value(op.body, op.body_schema, name, body)
        field = (op.operation_id, name)
        turn = self._alike_value_turns.get(field, 0)
        self._alike_value_turns[field] = turn + 1
        if (*field, turn) not in shared:
            shared[(*field, turn)] = self.target.fresh.value(op.body, op.body_schema, name, body)
        return shared[(*field, turn)]

    def for_another_tenant(self, tenant: str, op: OperationSpec, body: Any) -> Any:
        """``body`` as another tenant sends it after ``tenant`` sent it: the same values, but
        in fields declared unique across tenants (``Unique(across_tenants=True)``), which two
        tenants cannot both hold, values new to the run."""
        if not op.unique_across_tenants or op.body is None or op.body_schema is None:
            return body
        sent = self.as_sent(tenant, body)
        if not isinstance(sent, dict):
            return body
        again = self._refreshed(op, sent, op.unique_across_tenants)
        self._sent[id(again)] = (again, again)
        return again

    def _refreshed(self, op: OperationSpec, body: dict[str, Any], names: Sequence[str]) -> Any:
        """A copy of ``body`` whose fields ``names`` (of its ``Unique()`` ones) hold fresh
        values (``_fresh_value``); a field no fresh value was found for keeps its own."""
        sent = dict(body)
        for name in names:
            if name in sent:
                value = self._fresh_value(op, name, sent)
                sent[name] = sent[name] if value is None else value
        return sent

    def as_sent(self, tenant: str, body: Any) -> Any:
        """The body ``send`` sent for ``body`` as ``tenant``: its references set to the
        tenant's items and its ``Unique()`` fields fresh; ``body`` itself if it was not sent."""
        known = self._referenced.get((tenant, id(body)))
        if known is not None and known[0] is body:
            body = known[1]
        sent = self._sent.get(id(body))
        return sent[1] if sent is not None and sent[0] is body else body

    def referenced(self, tenant: str | None, op: OperationSpec, body: Any) -> Any:
        """``body`` with each field naming another collection's item (``Graph.references``)
        set to an item ``tenant`` owns, created once per example and tenant.

        Only a body the model accepts, sent with credentials: an invalid body stays as it
        is, and a request without credentials makes nothing. The same body object gives the
        same sent body (a replay sends the same ids).
        """
        refs = self.graph.references(op)
        if not refs or tenant is None or not isinstance(body, dict) or op.body is None:
            return body
        known = self._referenced.get((tenant, id(body)))
        if known is not None and known[0] is body:
            return known[1]
        sent = body
        if accepts(op.body, body):
            sent = dict(body)
            for ref in refs:
                if ref.field in sent:
                    key = (tenant, ref.create.operation_id)
                    spread = [self.as_field(op, ref.field, v)
                              for v in (*self._ref_more.get(key, ()), *self._ref_kept.get(key, ()))]  # fmt: skip
                    if sent[ref.field] in spread:
                        continue  # made by ``spread_references`` or for a scope: kept
                    if key not in self._ref_items:
                        item = self.create(tenant, ref.create)
                        self._ref_items[key] = item[ref.id_field]
                    sent[ref.field] = self.as_field(op, ref.field, self._ref_items[key])
        self._referenced[(tenant, id(body))] = (body, sent)
        self._referenced[(tenant, id(sent))] = (sent, sent)
        return sent

    def spread_references(
        self, tenant: str, create: OperationSpec, field: str, count: int
    ) -> list[Any]:
        """Ids of ``count`` items ``tenant`` owns in the collection ``create``'s body field
        ``field`` references (the first the one ``referenced`` sends), so that seeded items
        can name different ones, each as the field declares it (``as_field``); empty when
        ``field`` references nothing."""
        ref = next((r for r in self.graph.references(create) if r.field == field), None)
        if ref is None:
            return []
        key = (tenant, ref.create.operation_id)
        if key not in self._ref_items:
            self._ref_items[key] = self.create(tenant, ref.create)[ref.id_field]
        more = self._ref_more.setdefault(key, [self._ref_items[key]])
        while len(more) < count:
            more.append(self.create(tenant, ref.create)[ref.id_field])
        return [self.as_field(create, field, value) for value in more[:count]]

    def as_field(self, op: OperationSpec, field: str, value: Any) -> Any:
        """An item's id as ``op``'s body field ``field`` declares it: the id as the item's
        answer gave it (an integer stays an integer: a strict model refuses ``"26"``), as text
        for a string field, as a number for an integer field given digits."""
        schema = self.schemas.properties(op.body_schema).get(field) if op.body_schema else None
        branches = [self.schemas.resolve(b) for b in (schema or {}).get("anyOf", [schema or {}])]
        types = {b.get("type") for b in branches} - {"null", None}
        if types == {"string"} and not isinstance(value, str):
            return str(value)
        if types == {"integer"} and isinstance(value, str) and value.lstrip("-").isdigit():
            return int(value)
        return value

    def item_id(
        self, op: OperationSpec, item: Mapping[str, Any], params: Mapping[str, str] | None = None
    ) -> str:
        """The identity of ``item``, which ``op`` lists, creates or acts on, as text.

        Its collection's id field (``Graph.identity``); an id unique only within its parent
        is prefixed with the collection's path filled from ``params`` (``/projects/p1/tasks/3``),
        so that items of two parents, or two tenants, never share an identity.
        """
        identity = self.graph.identity(op)
        value = str(item.get(identity.field))
        if identity.path is None:
            return value
        values = dict(params or {})
        path = PATH_PARAM.sub(lambda m: values.get(m.group(1), m.group(0)), identity.path)
        return f"{path}/{value}"

    # -- fixtures ----------------------------------------------------------------------------

    def provision(
        self, tenant: str, op: OperationSpec, upto: int | None = None, *, share_last: bool = False
    ) -> dict[str, str]:
        """Values for ``op``'s path parameters: each parent item, created as ``tenant``.

        The parent nearest to ``op`` is made fresh (the item ``op`` acts on, or the parent of
        a collection a check may seed in isolation) unless ``share_last``; the ones above it
        are the tenant's shared parents (``Target.shared``), made once in the run and reused
        by every later example. A parent that cannot be deleted otherwise piles up example
        after example, and the lists of such parents grow without end.
        """
        parents = self.graph.parents(op)
        if parents is None:
            raise RuntimeError(f"cannot provide the path parameters of {op.operation_id}")
        # The acting tenant's own id in the path: item identities and cleanup paths need it.
        params: dict[str, str] = self.fill_tenant(tenant, op, {})
        chosen = parents[:upto]
        for number, parent in enumerate(chosen, 1):
            if parent.create is op and op.upsert:  # the id an upsert creates: the client's
                params[parent.param] = self.fresh_item_id(op, parent.param)
                continue
            own = {p.name for p in parent.create.path_params} - {self.api.tenant_param}
            key = _shared_key(tenant, parent, params)
            shared = (number < len(chosen) or share_last) and self._shareable(parent, own, params)
            # A parent whose state refused another child gives each child one of its own from
            # then on (``_replace_shared_parent``): a vehicle with a trip open takes no other.
            below = chosen[number].create if number < len(chosen) else None
            shared = shared and (below is None or below.operation_id not in self.target.unshared)
            if shared and key in self.target.shared:
                # The draws creating it would make: an example draws the same whether or
                # not an earlier one made the parent (Hypothesis replays examples by them).
                self._pooled_bodies[key] = self.raw_body(parent.create)
                params[parent.param] = self.target.shared[key]
                if key not in self._shared_used:
                    self._shared_used.append(key)
                continue
            start = len(self.trace)
            # Created elsewhere (a loan read at /loans/{loan_id}, made under its copy): the
            # creator's own path parameters are provisioned for it.
            given = params if own <= params.keys() else None
            item = self._parent_made(
                tenant,
                parent.create,
                params,
                functools.partial(self.create, tenant, parent.create, given),
                replaceable=given is not None,
            )
            params[parent.param] = str(item[parent.id_field])
            if shared:
                self.target.shared[key] = params[parent.param]
                # How it was made, after how the shared parents above it were.
                made = self._shared_trace() + self.trace[start:]
                self.target.shared_origin[key] = tuple(made)
        return params

    def _parent_made(
        self,
        tenant: str,
        create: OperationSpec,
        params: dict[str, str],
        make: Callable[[], dict[str, Any]],
        *,
        replaceable: bool = True,
    ) -> dict[str, Any]:
        """The parent ``make`` creates with ``create`` under ``params`` (the parents above
        it). Where the shared parent above refuses it (a vehicle whose trip an earlier example
        left open), that one is replaced, as a fixture's is, ``params`` updated, and the
        parent made again there (unless not ``replaceable``: it was not made under ``params``)."""
        try:
            return make()
        except Refused:
            replaced = self._replace_shared_parent(tenant, create, params)
            if not replaceable or replaced is None:
                raise
            params.update(replaced)
            return self.create(tenant, create, params)

    def _shareable(self, parent: Parent, own: set[str], params: Mapping[str, str]) -> bool:
        """Whether examples may share ``parent``: creating it draws its body and nothing more
        (no upsert's fresh id, no item its body references, no parents of its own to make),
        so that reusing it can make the same draws without sending anything."""
        create = parent.create
        return not create.upsert and not self.graph.references(create) and own <= params.keys()

    def acted_on(self, tenant: str, op: OperationSpec) -> dict[str, str]:
        """Path parameters for ``op`` as ``tenant``: of a fresh item where it acts on one, its
        parents' otherwise (``provision``). A read of one item (GET, HEAD) reads the tenant's
        shared item instead, made by the first example that needs it and reused by every
        later one, as a shared parent is: a read changes nothing a later example sees, and
        after a wait for a rate-limit quota such a check goes on with reads alone, which a
        walk keeping its part does not hold up (``RunLock.reading``)."""
        if not self.graph.is_item_op(op):
            return self.provision(tenant, op)
        if op.method in ("GET", "HEAD"):
            return self.provision(tenant, op, share_last=True)
        creator = self.graph.item_creator(op)
        assert creator is not None
        parent_params, item = self.fixture(tenant, creator)
        return self.item_params(op, parent_params, item)

    def fixture(
        self, tenant: str, creator: OperationSpec, body: Any = _AUTO
    ) -> tuple[dict[str, str], dict[str, Any]]:
        """A new item for a check to act on, created as ``tenant`` by ``creator`` in one of
        the tenant's shared parents; its creator's path parameters and the item.

        A shared parent whose state refuses another item (a declared 409 that fresh values
        do not avoid, e.g. a copy already on loan) is retired and replaced by a new parent,
        made with the body drawn for it, so that what the example draws does not depend on
        what earlier examples did; from then on each of ``creator``'s items gets a parent of
        its own.
        """
        share = creator.operation_id not in self.target.unshared
        params = self.provision(tenant, creator, share_last=share)
        if body is _AUTO:
            body = self.body(creator)
        try:
            return params, self.create(tenant, creator, params, body)
        except Refused:
            replaced = self._replace_shared_parent(tenant, creator, params) if share else None
            if replaced is None:
                raise
        return replaced, self.create(tenant, creator, replaced, body)

    def _replace_shared_parent(
        self, tenant: str, creator: OperationSpec, params: Mapping[str, str]
    ) -> dict[str, str] | None:
        """After ``creator`` was refused in the shared parent ``params`` name: that parent is
        retired, every later item of ``creator`` gets a parent of its own, and a new one is
        made here with the body drawn for the old (what the example draws must not depend on
        what earlier examples did); the new ``params``, or None when the parent was made in
        this very example (the refusal is not its state) or there is none to replace."""
        parents = self.graph.parents(creator) or []
        last = parents[-1] if parents else None
        if last is None or last.create is creator:
            return None
        before = {k: v for k, v in params.items() if k != last.param}
        key = _shared_key(tenant, last, before)
        self.target.shared.pop(key, None)
        self.target.unshared.add(creator.operation_id)
        if key not in self._pooled_bodies:
            return None
        parent = self.create(tenant, last.create, before, self._pooled_bodies[key])
        return {**before, last.param: str(parent[last.id_field])}

    def fresh_item_id(self, upsert: OperationSpec, name: str) -> str:
        """A new id for the item an upsert creates, made from its path parameter's schema.

        New to the run, for every tenant (``Fresh.path_value``, outside Hypothesis, as
        UPSERT-STATUS makes its ids). Drawn ids shrink to the simplest (`AAA00`) and came again
        example after example, as either tenant: a tenant's item made for a fresh parent was
        one it already held, with children, and tenant B's own item under the id of tenant A's
        looked like A's (five reports against a correct server of client-named kennels, in
        the thorough profile). Where the schema leaves no new value to make (an enum), drawn:
        distinct within the example.
        """
        param = next((p for p in upsert.path_params if p.name == name), None)
        if param is None:
            return str(uuid.uuid4())
        made = self.target.fresh.path_value(
            f"{upsert.operation_id}.{name}", param.schema,
            lambda v: self.target.nowhere.accepts(param, v),
        )  # fmt: skip
        if made is not None and made not in self._upserted:
            self._upserted.add(made)
            return made
        for value in self.target.nowhere.candidates(param, self.draw):
            if value not in self._upserted:
                self._upserted.add(value)
                return value
        raise NoExample(f"{name}: no new id could be drawn for {upsert.operation_id}")

    def create(
        self,
        tenant: str,
        create: OperationSpec,
        params: Mapping[str, str] | None = None,
        body: Any = _AUTO,
        marker: str | None = None,
        *,
        new_id: str | None = None,
        unblock: Callable[[], bool] | None = None,
        sent: Exchange | None = None,
    ) -> dict[str, Any]:
        """Create one item as ``tenant`` and return it; its parents are made as needed.

        An upsert creates it under ``new_id``, else under a fresh id (``fresh_item_id``).
        A declared 409 is retried with fresh values in the body; where that does not avoid
        it, ``unblock`` (if given) may change what refuses it (``seed``: an action on an item
        seeded earlier) and say whether it did; otherwise ``Refused``.

        ``sent``: the answer to this create, already sent (``seed``: with others at once) with
        ``params`` (an upsert's id among them) and ``body``; what follows it is as above.
        """
        if sent is None:
            if params is None:
                params = self.provision(tenant, create)
            elif {p.name for p in create.path_params} - set(params):
                return self._create_lacking_parents(tenant, create, params, body, marker,
                                                    new_id=new_id, unblock=unblock)  # fmt: skip
            params = self._with_new_id(create, params, new_id)
            if body is _AUTO:
                body = self.body(create, marker)
        assert params is not None
        exchange = sent if sent is not None else self.send(tenant, create, params, body=body)
        if sent is None and new_id is None:
            params, exchange = self._upsert_anew(tenant, create, params, body, exchange)
        tries = 0
        # Once an action has let this collection take another item, it goes first.
        learnt = unblock is not None and create.operation_id in self.target.unblocked
        if learnt and self._conflict(create, exchange) and unblock is not None and unblock():
            exchange = self.send(tenant, create, params, body=body)
        while self._conflict(create, exchange) and tries < _CONFLICT_RETRIES:
            assert create.body is not None
            assert create.body_schema is not None
            body = self._kept_references(
                create, body, self.target.fresh.refreshed(create.body, create.body_schema, body)
            )
            exchange = self.send(tenant, create, params, body=body)
            tries += 1
        if self._conflict(create, exchange) and unblock is not None and unblock():
            exchange = self.send(tenant, create, params, body=body)
            if not self._conflict(create, exchange):
                self.target.unblocked.add(create.operation_id)
        if self._conflict(create, exchange) and not self._fixed_unique(create, exchange):
            raise Refused(
                f"creating {_a(create.response_schema)} as tenant {tenant} (a fixture of the "
                f"check) was answered {exchange.status} {exchange.code!r} {tries + 1} times, "
                "with fresh values in every field that takes one: the server keeps a field of "
                f"{create.body_schema} unique that the contract does not say is; declare it "
                "`Annotated[..., Unique()]` (from synth.contract)"
                + (
                    f"; or the state of the item at {create.path} refuses another one "
                    f"({exchange.code!r}), which no contract declaration expresses"
                    if self.graph.parents(create)
                    else ""
                )
            )
        self.expect_success(
            exchange, create, f"creating {_a(create.response_schema)} as tenant {tenant}"
        )
        item = exchange.json
        if not isinstance(item, dict):
            self.fail(
                f"{create.operation_id} to return the created item", _brief(exchange), exchange
            )
        self.remember(tenant, create, params, item)
        return item

    def _upsert_anew(
        self,
        tenant: str,
        create: OperationSpec,
        params: Mapping[str, str],
        body: Any,
        exchange: Exchange,
    ) -> tuple[Mapping[str, str], Exchange]:
        """An upsert to an id this check chose, answered as replacing an item (a success, not
        201): the tenant already held one under that id (made by an earlier run, or another
        process of this one), which a check may count on being new (an empty list of its
        children). It goes again to other new ids, ``_UPSERT_TRIES`` at most; an upsert that
        answers so for an id new to the run too never says 201, and is sent once from then
        on (``Target.upserts_not_saying``)."""
        parents = self.graph.parents(create) or []
        if (
            not create.upsert
            or not parents
            or create.operation_id in self.target.upserts_not_saying
        ):
            return params, exchange
        name = parents[-1].param
        for _ in range(_UPSERT_TRIES):
            if not exchange.ok or exchange.status == 201:
                return params, exchange
            params = {**params, name: self.fresh_item_id(create, name)}
            exchange = self.send(tenant, create, params, body=body)
        if exchange.ok and exchange.status != 201:
            self.target.upserts_not_saying.add(create.operation_id)
        return params, exchange

    def _with_new_id(
        self, create: OperationSpec, params: Mapping[str, str], new_id: str | None = None
    ) -> Mapping[str, str]:
        """``params`` with an upsert's new item id (``new_id``, else a fresh one) in its path:
        the client names the item it creates. Unchanged for other creates."""
        parents = (self.graph.parents(create) or []) if create.upsert else []
        if not parents:
            return params
        name = parents[-1].param
        return {**params, name: new_id or self.fresh_item_id(create, name)}

    def _create_lacking_parents(
        self,
        tenant: str,
        create: OperationSpec,
        given: Mapping[str, str],
        body: Any,
        marker: str | None,
        *,
        new_id: str | None,
        unblock: Callable[[], bool] | None,
    ) -> dict[str, Any]:
        """``create`` for a list's scope whose items are created under a parent the list's
        path does not name (appointments listed at /orgs/{org}/appointments, created under a
        practitioner; a library's loans at /loans, made under a copy): the parents ``given``
        lacks are the tenant's shared ones, as for a fixture, and a shared parent whose state
        refuses another item (a copy on loan) is replaced (``_replace_shared_parent``)."""
        share = create.operation_id not in self.target.unshared
        params = {**self.provision(tenant, create, share_last=share), **given}
        if body is _AUTO:
            body = self.body(create, marker)
        again = functools.partial(self.create, tenant, create, body=body, new_id=new_id,
                                  unblock=unblock)  # fmt: skip
        try:
            return again(params)
        except Refused:
            replaced = self._replace_shared_parent(tenant, create, params) if share else None
            if replaced is None:
                raise
        return again({**replaced, **given})

    def _kept_references(self, create: OperationSpec, body: Any, refreshed: Any) -> Any:
        """``refreshed``, a retry's body, naming the items ``body`` names (``Graph.references``):
        a fresh text there names no item, and was replaced by the example's own (a draw the
        example's replay does not make), or by another than the one a scope's filter keeps."""
        if not isinstance(body, dict) or not isinstance(refreshed, dict):
            return refreshed
        named = {r.field for r in self.graph.references(create)} & body.keys()
        return {**refreshed, **{name: body[name] for name in named}}

    def _fixed_unique(self, op: OperationSpec, exchange: Exchange) -> str:
        """For a 409, the fields declared ``Unique()`` that cannot take fresh values."""
        if exchange.status != 409 or op.body_schema is None:
            return ""
        props = self.schemas.properties(op.body_schema)
        fixed = {f: fixed_reason(self.schemas, props.get(f, {})) for f in op.unique}
        named = [f"{f} ({why})" for f, why in fixed.items() if why is not None]
        if not named:
            return ""
        return (
            f"; its fields declared Unique() that cannot take a fresh value in each example: "
            f"{', '.join(named)}"
        )

    def _conflict(self, create: OperationSpec, exchange: Exchange) -> bool:
        """Whether a fixture's create got a declared 409 that a fresh body may avoid."""
        return (
            self.retry_conflicts
            and exchange.status == 409
            and exchange.code not in _IDEMPOTENCY_CODES
            and (409, exchange.code) in {(e.status, e.code) for e in create.errors}
            and create.body is not None
            and create.body_schema is not None
        )

    def remember(
        self, tenant: str, create: OperationSpec, params: Mapping[str, str], item: Mapping[str, Any]
    ) -> None:
        """Note a created item for deletion at the end of the run."""
        deleter = self.graph.deleter(create)
        id_field = self.graph.id_field(create)
        if deleter is None or id_field is None or id_field not in item:
            return
        # The item path repeats the create path's parameters, then the item's own id.
        values = self.item_params(deleter, params, item)
        self.target.note_created(tenant, self.target.path(deleter.path, values))

    def item_params(
        self, op: OperationSpec, create_params: Mapping[str, str], item: Mapping[str, Any]
    ) -> dict[str, str]:
        """Path parameters of an item operation for an item created with ``create_params``.

        A parent those lack (an item seeded for a top-level list, ``GET /trips``, made under a
        parent the list's path does not name) is the item's field named like its parameter
        (a trip's ``vehicle_id``)."""
        parents = self.graph.parents(op) or []
        values = dict(create_params)
        for parent in parents[:-1]:
            if parent.param not in values and item.get(parent.param) is not None:
                values[parent.param] = str(item[parent.param])
        values[parents[-1].param] = str(item[parents[-1].id_field])
        return values

    # -- lists -------------------------------------------------------------------------------

    def scope(
        self,
        tenant: str,
        lister: OperationSpec,
        params: dict[str, str] | None = None,
        marker: str | None = None,
        *,
        settle: bool = False,
    ) -> Scope:
        """An isolated place to seed items into (a fresh parent, an isolating filter, a filter
        on a fresh parent or referenced item: ``_item_scope``), or the whole list with a
        baseline.

        ``settle``: the whole list's baseline waits for ``settle`` and the body the check will
        send (a check counting what it made, which may count by its marker instead)."""
        assert lister.pagination is not None
        create = self.graph.creator_of_items(lister)
        marker = marker or self.marker()
        if params is None:
            params = self.provision(tenant, lister)
        # A fresh parent isolates the list only where the list's path names it: a list at the
        # top (``GET /trips``) of items made under a parent (``POST /vehicles/{id}/trips``)
        # shows every parent's; its scope is made as any other top-level list's.
        named = {p.name for p in lister.path_params} - {self.api.tenant_param}
        if named and named <= params.keys():  # a fresh parent
            return Scope(tenant, lister, create, params, {}, marker, isolated=True)
        for flt, free_text in isolating_filters(self.schemas, create, lister):
            if free_text:
                return Scope(tenant, lister, create, params, {flt.param: marker}, marker, True)
            assert create is not None
            probe = self.mark(create, {}, marker, {flt.field: [marker]})
            if probe.get(flt.field) == [marker]:
                return Scope(tenant, lister, create, params, {flt.param: marker}, marker,
                             True, overrides={flt.field: [marker]})  # fmt: skip
        made = self._item_scope(tenant, lister, create, params, marker)
        if made is not None:
            return made
        scope = Scope(tenant, lister, create, params, {}, marker, isolated=False)
        if settle:
            scope.unsettled = True
        else:
            scope.baseline = self._baseline(scope)
        return scope

    def _item_scope(
        self,
        tenant: str,
        lister: OperationSpec,
        create: OperationSpec | None,
        params: dict[str, str],
        marker: str,
    ) -> Scope | None:
        """A scope of ``lister``, a list at the top, isolated by a filter on a fresh item every
        item the check makes names: its parent (``parent_filter``: a course's enrolments at
        ``GET /enrolments?course_id=``) or a referenced item (``reference_filter``: a driver's
        trips at ``GET /trips?driver_id=``). None where the contract has no such filter, or
        where such an item has refused to take a second one in this process (``seed``)."""
        if create is None or create.operation_id in self.target.unfiltered:
            return None
        by_parent = parent_filter(self.api, self.graph, create, lister)
        if by_parent is not None and create.operation_id not in self.target.unshared:
            name, flt = by_parent
            if name not in params:  # else the caller's fresh parent (``provision``)
                params = {**params, **self.provision(tenant, create)}
            return Scope(tenant, lister, create, params, {flt.param: params[name]}, marker,
                         isolated=True, item_filter=flt)  # fmt: skip
        by_reference = reference_filter(self.api, self.graph, create, lister)
        if by_reference is None:
            return None
        ref, flt = by_reference
        value = self.create(tenant, ref.create)[ref.id_field]
        # Kept as sent (``referenced`` sets the example's one item of the collection).
        self._ref_kept.setdefault((tenant, ref.create.operation_id), []).append(value)
        return Scope(tenant, lister, create, params, {flt.param: str(value)}, marker,
                     isolated=True, overrides={ref.field: self.as_field(create, ref.field, value)},
                     item_filter=flt)  # fmt: skip

    def item_scope_beside(self, scope: Scope) -> Scope | None:
        """Another scope of ``scope``'s list isolated the same way (``_item_scope``), by a
        second fresh parent or referenced item: PAGE-FILTER seeds there what a walk of
        ``scope`` must leave out. None where ``scope`` is not so isolated."""
        if scope.item_filter is None:
            return None
        own = {p.name for p in scope.lister.path_params}
        params = {name: value for name, value in scope.params.items() if name in own}
        found = self._item_scope(scope.tenant, scope.lister, scope.create, params, scope.marker)
        if found is None or found.query == scope.query:
            return None
        return found

    def list_key(self, scope: Scope) -> tuple[object, ...]:
        """What names ``scope``'s whole list for ``Target.seen_list``."""
        return (scope.tenant, scope.lister.operation_id, tuple(sorted(scope.params.items())),
                tuple(sorted(scope.query.items())))  # fmt: skip

    def rebase(self, scope: Scope) -> None:
        """Take the baseline of ``scope``'s whole list again, after the check itself added to
        it (the edge fixture: the largest page and one more item). A walk's page size grows
        with the baseline (``pagination._limit``): from the one before, the CRM's `listJobs`
        PAGE-COMPLETE walked its 101 edge items and the rest at ``limit=1``, over 100 round
        trips where about ten would do."""
        if not scope.isolated and not scope.unsettled:
            scope.baseline = self._baseline(scope)

    def _baseline(self, scope: Scope) -> set[str]:
        """The ids ``scope``'s whole list holds now (it keeps the list's part from here on,
        as a walk does): as the last walk of it at its largest limit showed, plus the items
        seeded since, where nothing else may have changed it (``Target.seen_list``: no other
        write by this process, and the part kept all along); else walked at its largest limit.
        At a far target a walk of a long list is several round trips, and a check walks it
        for every example."""
        assert scope.lister.pagination is not None
        self.target.alone(scope.lister)
        seen = self.target.seen_list(self.list_key(scope), scope.lister)
        if seen is not None:
            return set(seen)
        return set(self.walk(scope, limit=scope.lister.pagination.limit.max).ids)

    def settle(self, scope: Scope, body: Any) -> None:
        """Make ready to count, in a scope that cannot be isolated, the items ``body`` will
        make: where fields every item of the list carries (required by its schema) will hold
        the scope's marker, those count, and the list is walked beside the other checks of its
        part (``Target.beside``: another check's item never carries this marker, and what is
        seen so is judged again with the run to itself before it counts); otherwise, or run
        alone, the list's baseline is taken now, keeping the part (``walk``)."""
        if not scope.unsettled:
            return
        scope.unsettled = False
        assert scope.lister.pagination is not None
        marked = self._marked_fields(scope, body)
        if marked and self.beside(scope):
            scope.marked = marked
            return
        scope.baseline = self._baseline(scope)

    def beside(self, scope: Scope) -> bool:
        """Walk ``scope``, a whole list that cannot be isolated, beside the other checks of its
        part, where what the check judges there is only what it can recognise as its own (its
        items' ids, its marker) and other checks' items change nothing of it; whether the run
        lets it (``Target.beside``: what is seen so is judged again with the run to itself
        before it counts). Otherwise each walk keeps the part (``walk``)."""
        if not scope.isolated and self.target.beside():
            scope.beside = True
        return scope.beside

    def _marked_fields(self, scope: Scope, body: Any) -> tuple[str, ...]:
        """The fields of ``body`` as it will be sent that hold ``scope``'s marker and that
        every item of its list carries."""
        if scope.create is None or not isinstance(body, dict):
            return ()
        assert scope.lister.pagination is not None
        sent = self.unique(scope.create, body)
        if not isinstance(sent, dict):
            return ()
        listed = set(self.schemas.required(scope.lister.pagination.item_schema))
        return tuple(
            sorted(
                name
                for name, value in sent.items()
                if name in listed and isinstance(value, str) and scope.marker in value
            )
        )

    def edge_scope(self, lister: OperationSpec, most: int) -> Scope | str:
        """A scope of tenant A's holding ``most`` items of ``lister``'s of its own (with what a
        shared list held before), made once in the run and shared by every check and example
        that judges the list at its declared edges (the largest page, the default page); or
        why it cannot be made. With worker processes, the first to need it makes it and the
        others take it (``_edges``), but where it depends on a shared parent its maker made
        before (each process then makes its own).

        Its items are made from one body (``Unique()`` fields fresh in each), drawn like
        everything else the making draws from a source of its own, seeded by the run's seed
        and the list: what an example draws from Hypothesis does not depend on whether it is
        the one that made the fixture (Hypothesis refuses examples whose draws depend on
        external state).
        """
        key = (self.a, lister.operation_id)
        held = self.target.edges.get(key)
        if held is None:
            held = self._shared_edges(lister, most)
            self.target.edges[key] = held
        if isinstance(held, str):
            return held
        scope, made = held
        self._edge_trace = [e for e in made if e not in self._edge_trace] + self._edge_trace
        assert isinstance(scope, Scope)
        return scope

    def _shared_edges(
        self, lister: OperationSpec, most: int
    ) -> tuple[Scope, tuple[Exchange, ...]] | str:
        """``lister``'s edge fixture as another worker process of the run made it, or made
        here (and shared, where it depends on nothing this process made before): ``_edges``.
        Without workers, made here."""
        target = self.target
        store = target.edge_store
        if store is None or target.lock is None:
            return self._make_edges(lister, most)[0]
        epoch = target.lock.epoch().get(target.part(lister.operation_id), 0)
        name = store.name(self.a, lister.operation_id, most, epoch)
        how, state = store.take(name)
        if how == "loaded":
            return self._edges_from(state)
        shared = False
        try:
            held, items = self._make_edges(lister, most)
            if how == "make" and items is not None and not isinstance(held, str):
                store.put(name, _edge_state(*held), items)
                shared = True
        finally:
            if how == "make" and not shared:
                store.drop(name)
        return held

    def _make_edges(
        self, lister: OperationSpec, most: int
    ) -> tuple[tuple[Scope, tuple[Exchange, ...]] | str, list[tuple[str, str]] | None]:
        """Make ``lister``'s edge fixture (``edge_scope``): it, or why it cannot be made; and
        the items made for it (tenant, path), None where it depends on a shared parent this
        process made before (whose cleanup is its own)."""
        start, data = len(self.trace), self.data
        made_before, shared_before = len(self.target.created), set(self.target.shared.values())
        seed = f"{self.target.config.seed}:{lister.operation_id}".encode()
        own = random.Random(int.from_bytes(hashlib.sha256(seed).digest()[:8], "big"))
        self.data = DataObject(ConjectureData(random=own, max_choices=_EDGE_CHOICES))
        held: tuple[Scope, tuple[Exchange, ...]] | str
        try:
            scope = self.scope(self.a, lister)
            if scope.create is None:
                held = f"nothing creates the items {lister.operation_id} lists"
            else:
                template = self.body(scope.create, scope.marker, scope.overrides)
                bodies = [copy.deepcopy(template) for _ in range(most)]
                self.seed(scope, most, bodies=bodies)
                held = (scope, tuple(self._shared_trace() + self.trace[start:]))
        except NoExample as refused:
            held = f"{most} items could not be made in one scope: {refused}"
        except (StopTest, UnsatisfiedAssumption):
            held = f"no valid body could be drawn for the {most} items"
        finally:
            self.data = data
        if isinstance(held, str) or set(held[0].params.values()) & shared_before:
            return held, None
        return held, self.target.created[made_before:]

    def _edges_from(self, state: dict[str, Any]) -> tuple[Scope, tuple[Exchange, ...]]:
        """An edge fixture as another process put it (``_edge_state``)."""
        fields = dict(state["scope"])
        fields["lister"] = self.api.operation(fields["lister"])
        if fields["create"] is not None:
            fields["create"] = self.api.operation(fields["create"])
        return Scope(**fields), state["trace"]

    def at_the_edges(self, judge: Callable[[], None]) -> bool:
        """Judge this check at the declared edges (``judge``, on the run's edge fixtures) once
        in the run: every example does it until one passes. Whether it judged anything.

        A failure there is re-checked at once, on the same fixture: confirmed, it is kept and
        raised again by every later example of the check (the search's shrinking and the
        runner's replay included), so its report does not hang on a fixture the run's other
        examples keep changing; but one judged while the API's other parts ran is judged again
        by the replay with the run to itself (``_runner``), and that judgement is the one kept. One the re-check does not reproduce is not reported as a
        violation, and the run's summary says so (``Target.edges_unconfirmed``).
        """
        target = self.target
        key = (self.invariant, self.op.operation_id)
        kept = target.edge_violations.get(key)
        lock = target.lock
        if kept is not None and key in target.edges_beside and lock and lock.held == "exclusive":
            # Judged while the API's other parts ran, which may write to this list in ways the
            # contract does not say (a feed other operations add to): the confirmation with
            # the run to itself judges the fixture again, not what was kept then.
            del target.edge_violations[key]
            target.edges_beside.discard(key)
            kept = None
        if kept is None:
            if key in target.edges_judged:
                return False
            kept = self._judge_twice(judge)
            if kept is None:
                target.edges_judged.add(key)
                return True
            target.edge_violations[key] = kept
            if lock is not None and lock.partial and lock.held != "exclusive":
                target.edges_beside.add(key)
        # One place raises it, outside any handler, in the example that found it and in every
        # later one: Hypothesis tells failures apart by where they were raised and from what,
        # and calls one that moves flaky (its replay then has no blob to confirm it with).
        raise Violation(kept.invariant, kept.operation, kept.expected, kept.actual,
                        list(kept.exchanges))  # fmt: skip

    def _judge_twice(self, judge: Callable[[], None]) -> Violation | None:
        """The failure of ``judge`` that a second run at once shows again, or None (one it does
        not show again is noted for the run's summary)."""
        try:
            judge()
        except Violation as failed:
            first = failed
        else:
            return None
        start = len(self.trace)
        try:
            judge()
        except Violation as again:
            # The reproduction: what made the fixture, then the re-check's own requests.
            mine = {id(e) for e in self._edge_trace + self._shared_trace() + self.trace[start:]}
            shown = [e for e in again.exchanges if id(e) in mine]
            return Violation(again.invariant, again.operation, again.expected, again.actual, shown)
        what = f"expected {first.expected}; got {first.actual}"
        self.target.edges_unconfirmed[(self.invariant, self.op.operation_id)] = shorten(
            self.target.redact(what)
        )
        return None

    def seed(
        self,
        scope: Scope,
        count: int,
        ties: bool = False,
        order: Sequence[OrderKey] = (),
        each: Sequence[Mapping[str, Any]] = (),
        *,
        bodies: Sequence[Any] = (),
    ) -> list[dict[str, Any]]:
        """Create ``count`` items in ``scope``; with ``ties``, the keys of ``order`` (the
        list's default order unless given) but its tie-breaker repeat on purpose.

        ``each[i]``: values for the i-th item's body (where the body's model accepts them).
        ``bodies``: the bodies of the first items, drawn beforehand (else each is drawn here).
        """
        if scope.create is None:
            return []
        assert scope.lister.pagination is not None
        keys = order or scope.lister.pagination.order
        order_fields = [k.field for k in keys[:-1]]
        given = list(bodies)
        sent: list[Any] = []
        for number in range(count):
            body = given.pop(0) if given else self.body(scope.create, scope.marker, scope.overrides)
            if number < len(each) and isinstance(body, dict) and scope.create.body is not None:
                varied = {**body, **each[number]}
                body = varied if accepts(scope.create.body, varied) else body
            if ties and sent and isinstance(body, dict):
                for name in order_fields:
                    # Three times in four: tie groups long enough to straddle a page.
                    if name in body and self.draw(st.integers(0, 3), f"repeat {name}") > 0:
                        source = sent[self.draw(st.integers(0, len(sent) - 1))]
                        if isinstance(source, dict) and name in source:
                            body[name] = source[name]
                    body = self._cross(scope, sent, body, name)
            sent.append(body)
        items = []
        writes = self.target.client.writes
        try:
            for body, item in zip(sent, self._create_each(scope, sent), strict=True):
                items.append(item)
                sent_body = self.as_sent(scope.tenant, body)
                if isinstance(sent_body, dict) and isinstance(item, dict):
                    key = self.item_id(scope.lister, item, scope.params)
                    scope.echoed.update((key, name) for name, value in sent_body.items()
                                        if isinstance(value, str) and item.get(name) == value)  # fmt: skip
        except Refused:
            if scope.item_filter is not None and scope.create is not None:
                # The fresh parent or referenced item refused another item, which no declared
                # 409 foretold: from now on this process isolates the list's scopes no such
                # way (``_item_scope``), and Hypothesis draws another example.
                self.target.unfiltered.add(scope.create.operation_id)
            raise
        if not scope.isolated and not scope.beside:
            made = [self.item_id(scope.lister, i, scope.params) for i in items]
            self.target.grow_list(self.list_key(scope), writes, made)
        return items

    def _cross(self, scope: Scope, sent: list[Any], body: dict[str, Any], name: str) -> Any:
        """``body`` with its date-time order key ``name``, one time in four, an hour off an
        earlier item's and written in an offset three hours away (``crossed``), so that the
        two texts sort the other way round from the two instants: a server ordering the text
        as sent, not the instant, lists them out of order. Drawn date-times, with offsets of
        their own, almost never make such a pair in one list (the box office example's
        ``order-as-text``, a known miss until this)."""
        create = scope.create
        value = body.get(name)
        if create is None or create.body is None or not isinstance(value, str):
            return body
        if crossed(value) is None or self.draw(st.integers(0, 3), f"cross {name}") < 3:
            return body
        source = sent[self.draw(st.integers(0, len(sent) - 1), f"{name} to cross")]
        other = crossed(source.get(name)) if isinstance(source, dict) else None
        varied = {**body, name: other}
        return varied if other is not None and accepts(create.body, varied) else body

    def _create_each(self, scope: Scope, bodies: list[Any]) -> Iterator[dict[str, Any]]:
        """Create an item of ``scope`` from each of ``bodies``, yielding each as it is made
        (also in ``scope.seeded``). At a far target a create costs a round trip, and a page
        check seeds up to ``max_seed`` items (an edge fixture, the largest page and one more):
        so they are sent ``profile.concurrency`` at a time, each answer then taken as ``create``
        takes it (a 409 retried alone). Nothing judges the order they were made in: a list's
        order is judged on the fields the server answers. One at a time where an item's
        parents are still to be made, and where this collection has needed an action on an
        earlier item to take another (``_unblock``: a copy lent once at a time)."""
        create = scope.create
        assert create is not None

        def unblock() -> bool:
            return self._unblock(scope)

        missing = {p.name for p in create.path_params} - set(scope.params)
        step = max(1, self.target.config.profile.concurrency)
        start = 0
        while start < len(bodies):
            if missing and create.operation_id not in self.target.unblocked:
                made = self._parent_each(scope, bodies[start : start + step], unblock)
                if made is not None:
                    start += len(made)
                    for item in made:
                        scope.seeded.append(item)
                        yield item
                    continue
            alone = missing or create.operation_id in self.target.unblocked
            chunk = bodies[start : start + (1 if alone else step)]
            start += len(chunk)
            each: list[tuple[Mapping[str, str], Any]] = [(scope.params, chunk[0])]
            answers: list[Exchange | None] = [None]  # ``create`` sends it
            if len(chunk) > 1:
                each = [(self._with_new_id(create, scope.params), body) for body in chunk]
                # Built in order (references, unique values), then sent at once (``gather``).
                answers = list(self.gather([
                    functools.partial(self.request, scope.tenant, create, params, body)
                    for params, body in each
                ]))  # fmt: skip
            # One after another, each in ``scope.seeded`` before the next: an item the next
            # one's 409 needs acted on (``_unblock``) is among them.
            for (params, body), answer in zip(each, answers, strict=True):
                item = self.create(scope.tenant, create, params, body, unblock=unblock,
                                   sent=answer)  # fmt: skip
                scope.seeded.append(item)
                yield item

    def _parent_each(
        self, scope: Scope, bodies: list[Any], unblock: Callable[[], bool]
    ) -> list[dict[str, Any]] | None:
        """Items of ``scope`` from ``bodies``, each under a parent of its own made for it, where
        the list's path does not name the parent and the parent's state has refused a second
        child (``Target.unshared``: a vehicle with a trip open takes no other): the parents
        are sent together, then the items together, two round trips for them all where one at
        a time (``_create_lacking_parents``) took two per item. The parents above those are
        the tenant's shared ones, as one at a time takes them. None where that does not apply
        (one body, a parent made under parents it provisions itself, an upsert's id):
        ``create`` makes them one at a time.

        What the example draws comes in the order one at a time draws it, item after item: the
        shared parents', the parent's body, then the item's request (the items its body
        references). The item's request is built before its parent exists, under a stand-in
        for the parent's id in its path, which the id replaces once the parent is made."""
        create = scope.create
        assert create is not None
        parents = self.graph.parents(create) or []
        if len(bodies) < 2 or not parents or create.operation_id not in self.target.unshared:
            return None
        last = parents[-1]
        missing = {p.name for p in create.path_params} - set(scope.params)
        own = {p.name for p in last.create.path_params} - {self.api.tenant_param}
        if (
            last.create is create
            or last.create.upsert
            or last.param not in missing
            or not own <= {p.param for p in parents[:-1]}
        ):
            return None
        above: list[dict[str, str]] = []
        parent_bodies: list[Any] = []
        parent_requests: list[Request] = []
        requests: list[Request] = []
        for body in bodies:
            above.append(self.provision(scope.tenant, create, len(parents) - 1, share_last=True))
            parent_bodies.append(self.body(last.create, None))
            parent_requests.append(
                self.build(scope.tenant, last.create, above[-1], body=parent_bodies[-1])
            )
            stand_in = {**above[-1], last.param: f"synth-parent-{uuid.uuid4().hex}"}
            requests.append(
                self.build(scope.tenant, create, {**stand_in, **scope.params}, body=body)
            )
        ids: list[str] = []
        answers = self.send_together(parent_requests)
        for params, body, answer in zip(above, parent_bodies, answers, strict=True):
            parent = self._parent_made(
                scope.tenant,
                last.create,
                params,
                functools.partial(
                    self.create, scope.tenant, last.create, params, body, sent=answer
                ),
            )
            ids.append(str(parent[last.id_field]))
        made = [
            {**params, last.param: made_id, **scope.params}
            for params, made_id in zip(above, ids, strict=True)
        ]
        requests = [
            dataclasses.replace(request, path=self.target.path(create.path, params))
            for request, params in zip(requests, made, strict=True)
        ]
        answers = self.send_together(requests)
        return [
            self.create(scope.tenant, create, params, body, unblock=unblock, sent=answer)
            for params, body, answer in zip(made, bodies, answers, strict=True)
        ]

    def act_on(
        self, scope: Scope, item: dict[str, Any], changed: Callable[[dict[str, Any]], bool]
    ) -> bool:
        """Try each action on ``scope``'s items (``_unblock`` finds them) on ``item`` until its
        new state satisfies ``changed``; ``item`` is updated to the state read back.

        For a value an item reaches only by an action (a status another than the one a create
        gives); False when no action got there.
        """
        create = scope.create
        if create is None:
            return False
        actions = [
            op
            for op in self.api.operations
            if self.graph.is_action(op) and self.graph.item_creator(op) is create
        ]
        reader = self.graph.reader(create)
        for action in actions:
            answer = self.send(scope.tenant, action, self.item_params(action, scope.params, item),
                               body=self.body(action, scope.marker))  # fmt: skip
            if not answer.ok:
                continue
            state = answer.json if action.response is create.response else None
            if state is None and reader is not None:
                read = self.send(scope.tenant, reader, self.item_params(reader, scope.params, item))
                state = read.json if read.status == 200 else None
            if isinstance(state, dict):
                item.clear()
                item.update(state)
                if changed(state):
                    return True
        return False

    def _unblock(self, scope: Scope) -> bool:
        """Let ``scope`` take another item: try each action on its items seeded before (the
        newest first) until one succeeds; the item acted on is updated to its new state.

        For a parent whose state refuses a second child while the first is in one state (a
        copy lent once at a time: a loan must be returned first). No contract declaration
        says which action does it, so every action on the collection's items is tried.
        False when none succeeded, when the item's new state cannot be read, or when the
        action moved the item in the list's order (a walk under way would lose track of it).
        """
        create = scope.create
        pagination = scope.lister.pagination
        if create is None or pagination is None:
            return False
        # Only actions without a body: drawing one here, where a 409 decides it, would make
        # the example's draws depend on the server (Hypothesis replays an example by them).
        actions = [
            op
            for op in self.api.operations
            if self.graph.is_action(op)
            and self.graph.item_creator(op) is create
            and op.body is None
        ]
        reader = self.graph.reader(create)
        order = [k.field for k in pagination.order]
        for item in reversed(scope.seeded):
            for action in actions:
                answer = self.send(
                    scope.tenant, action, self.item_params(action, scope.params, item)
                )
                if not answer.ok:
                    continue
                state = answer.json if action.response is create.response else None
                if state is None and reader is not None:
                    read = self.send(
                        scope.tenant, reader, self.item_params(reader, scope.params, item)
                    )
                    state = read.json if read.status == 200 else None
                if not isinstance(state, dict):
                    return False
                if any(state.get(name) != item.get(name) for name in order):
                    raise NoExample(
                        f"{action.operation_id}, which let {create.operation_id} take another "
                        f"item, changed an item's place in the order of "
                        f"{scope.lister.operation_id} ({', '.join(order)})"
                    )
                item.clear()
                item.update(state)
                return True
        return False

    def walk(
        self,
        scope: Scope,
        *,
        tenant: str | None = None,
        limit: int | None = None,
        query: Mapping[str, str | list[str]] | None = None,
        between: Callable[[int], None] | None = None,
        max_pages: int = 2000,
        until: set[str] | None = None,
    ) -> Walk:
        """Page from the first page to the last, as the list's pagination style says
        (``PaginationSpec.style``): the next token (cursor, page_token), ``after_param`` with
        the last item's id while ``has_more`` (starting_after), the ``Link`` header's
        rel="next" URL (link), or ``offset += len(items)`` / ``page += 1`` until a short or
        empty page or the declared total (offset, page).

        ``until``: in a scope that is not isolated, stop one page after every one of these ids
        has been seen; the rest of a long shared list says nothing about them.
        """
        if not scope.isolated and not scope.beside:
            # The whole list of the tenant, which other checks write to: only alone is it
            # the baseline and the items this check made (``_parallel``). A scope where the
            # check judges only what it recognises as its own is walked beside them (``beside``).
            self.target.alone(scope.lister)
        pagination = scope.lister.pagination
        assert pagination is not None
        p = pagination
        tenant = tenant or scope.tenant
        base: dict[str, Any] = {**scope.query, **(query or {})}
        if limit is not None:
            base[p.limit_param] = limit
        size = limit if limit is not None else p.limit.default
        pages: list[Exchange] = []
        items: list[dict[str, Any]] = []
        ids: list[str] = []
        position: Any = None  # what the next page's ``cursor_param`` takes
        follow: tuple[str, tuple[tuple[str, str], ...]] | None = None  # link: the next URL
        walked = 0  # entries of every page so far
        ahead: dict[int, Exchange] = {}  # pages sent before their turn (``_ahead``), by position
        for number in range(max_pages):
            if follow is not None:
                page = self._follow(tenant, scope.lister, *follow)
            else:
                if number and position not in ahead and between is None:
                    ahead = self._ahead(tenant, scope, base, position, size, walked, pages[-1])
                page = self._page(tenant, scope, base, position, ahead)
            pages.append(page)
            page_items = items_of(p, page)
            if page.status != 200 or page_items is None:
                shape = "a JSON array" if p.style == "link" else f"{p.items_field!r}"
                self.fail(f"page {number + 1} of {scope.lister.operation_id} to be 200 with "
                          f"{shape}", _brief(page), page)  # fmt: skip
            fresh = [i for i in page_items if isinstance(i, dict)]
            self._kept_by_filter(scope, base, fresh, page)
            items.extend(fresh)
            ids.extend(self.item_id(scope.lister, i, scope.params) for i in fresh)
            walked += len(page_items)
            done, position, follow = self._next(scope, page, page_items, size, number, walked)
            if done:
                if (not scope.isolated and not scope.beside and tenant == scope.tenant
                        and limit == p.limit.max and not query and between is None):  # fmt: skip
                    # The whole list, as a baseline is taken (``_baseline``).
                    self.target.remember_list(self.list_key(scope), ids)
                return Walk(pages, items, ids)
            if until is not None and not scope.isolated:
                seen = set(ids)
                if until <= seen and until <= set(ids[: -len(fresh) or None]):
                    return Walk(pages, items, ids)
            if between is not None:
                between(number)
        self.fail(f"the walk through {scope.lister.operation_id} to end within {max_pages} pages",
                  f"{end_marker(p)} never came", pages[-1])  # fmt: skip

    def _kept_by_filter(
        self, scope: Scope, query: Mapping[str, Any], items: list[dict[str, Any]], page: Exchange
    ) -> None:
        """In a scope a filter on a fresh item's id isolates (``_item_scope``), every listed
        item holds that id: a server ignoring the filter shows the tenant's whole list, which
        every check of the scope would otherwise walk to its end, a few items a page."""
        flt = scope.item_filter
        value = query.get(flt.param) if flt is not None else None
        if flt is None or not isinstance(value, str):
            return
        other = next((i for i in items if str(i.get(flt.field)) != value), None)
        if other is not None:
            self.fail(f"{flt.param}={value} to keep only items whose {flt.field} equals it",
                      f"an item with {flt.field}={other.get(flt.field)!r}", page)  # fmt: skip

    def _page(
        self, tenant: str, scope: Scope, base: Mapping[str, Any], position: Any,
        ahead: dict[int, Exchange],
    ) -> Exchange:  # fmt: skip
        """The walk's page at ``position`` (None: the first): sent before its turn
        (``_ahead``), else sent now."""
        early = ahead.pop(position, None) if isinstance(position, int) else None
        if early is not None:
            self.trace.append(early)
            return early
        p = scope.lister.pagination
        assert p is not None
        query = dict(base)
        if position is not None:
            query[p.cursor_param] = position
        return self.send(tenant, scope.lister, scope.params, query=query)

    def _ahead(  # noqa: PLR0917 (the state of one walk)
        self, tenant: str, scope: Scope, base: Mapping[str, Any], position: Any, size: int,
        walked: int, last: Exchange,
    ) -> dict[int, Exchange]:  # fmt: skip
        """The next pages of an offset or page-number walk, from ``position`` on, sent together
        before their turn where that saves round trips: their queries follow from the page
        size alone, so a walk of a list nobody else changes meanwhile gets the same pages as
        one page at a time. A page that comes as the walk expects (full) is used in its turn;
        where the walk goes elsewhere (a short page ends it, or a page held more items than
        asked for), what was sent ahead is left unused and the walk goes on one page at a time.

        Only where the example may send requests at once (``at_once``: not in a check's first
        example, nor in the runs that confirm a violation, whose reports show the walk page by
        page) and the target is far (``is_far``): at loopback a round trip saved is worth less
        than a page sent for nothing. With the list's ``total`` the pages left are counted, so
        none is sent past the end; without one, at most ``_AHEAD`` are, and those past the end
        are sent for nothing. Not for a list with a rate limit of its own, whose quota pages
        sent together would spend at once."""
        p = scope.lister.pagination
        assert p is not None
        if (
            p.style not in {"offset", "page"}
            or not isinstance(position, int)
            or not self.at_once
            or scope.lister.rate_limit is not None
            or scope.lister.slo is not None
            or not is_far(self.target.config.url, self.target.client.round_trip)
        ):
            return {}
        count = _AHEAD
        body = last.json
        total = body.get(p.total_field) if p.total_field and isinstance(body, dict) else None
        if isinstance(total, int) and not isinstance(total, bool):
            count = min(count, -(-(total - walked) // max(1, size)))
        if count < 2:
            return {}
        step = size if p.style == "offset" else 1
        positions = [position + i * step for i in range(count)]
        requests = [
            self.build(tenant, scope.lister, scope.params, query={**base, p.cursor_param: at})
            for at in positions
        ]
        answers: list[Exchange | None] = [self._reused(request) for request in requests]
        unsent = [i for i, answer in enumerate(answers) if answer is None]
        sent = self.target.client.settle([requests[i] for i in unsent])
        for i, exchange in zip(unsent, sent, strict=True):
            if exchange is not None:
                self.target.note_latency(scope.lister.operation_id, exchange)
                self._keep(requests[i], exchange)
            answers[i] = exchange
        return {at: a for at, a in zip(positions, answers, strict=True) if a is not None}

    def _next(  # noqa: PLR0917 (the state of one walk)
        self, scope: Scope, page: Exchange, page_items: list[Any], size: int, number: int,
        walked: int,
    ) -> tuple[bool, Any, tuple[str, tuple[tuple[str, str], ...]] | None]:  # fmt: skip
        """After page ``number`` (from 0): whether the walk is done, the next page's
        ``cursor_param`` value, and (link) the next page's path and query."""
        p = scope.lister.pagination
        assert p is not None
        body = page.json
        if p.style in {"cursor", "page_token"}:
            token = body.get(p.next_field)
            return token is None or (p.style == "page_token" and token == ""), token, None
        if p.style == "starting_after":
            more = body.get(p.has_more_field) is True
            fresh = [i for i in page_items if isinstance(i, dict)]
            if more and not fresh:
                self.fail(f"a page saying {p.has_more_field}: true to hold an item the next "
                          f"page starts after ({p.cursor_param})", _brief(page), page)  # fmt: skip
            return not more, self._after(scope, fresh[-1], page) if more else None, None
        if p.style == "link":
            follow = self._next_link(scope.lister, page)
            return follow is None, None, follow
        # offset, page: the next position follows from what the pages held
        total = body.get(p.total_field) if p.total_field else None
        reached = isinstance(total, int) and not isinstance(total, bool) and walked >= total
        done = len(page_items) < size or not page_items or reached
        return done, walked if p.style == "offset" else p.first_page + number + 1, None

    def _after(self, scope: Scope, item: Mapping[str, Any], page: Exchange) -> str:
        """The id a starting_after walk continues after: the last item's tie-breaker (its id)."""
        assert scope.lister.pagination is not None
        key = scope.lister.pagination.order[-1].field
        value = item.get(key)
        if value is None or isinstance(value, dict | list):
            self.fail(f"each item of {scope.lister.operation_id} to carry its {key}, which the "
                      "next page starts after", _brief(page), page)  # fmt: skip
        return _text(value)

    def _next_link(
        self, op: OperationSpec, page: Exchange
    ) -> tuple[str, tuple[tuple[str, str], ...]] | None:
        """The path (after the base URL) and query of the ``Link`` header's rel="next" URL,
        resolved against the page's own URL; None without one.

        A URL outside the base URL is not followed: the tenant's credentials go nowhere else.
        """
        url = next_link(page)
        if url is None:
            return None
        here = self.target.config.url + page.request.target
        resolved = urljoin(here, url)
        base = urlsplit(self.target.config.url)
        split = urlsplit(resolved)
        prefix = base.path.rstrip("/")
        if (split.scheme.lower(), split.netloc.lower()) != (
            base.scheme.lower(),
            base.netloc.lower(),
        ) or not (split.path == prefix or split.path.startswith(prefix + "/")):
            raise CannotCheck(
                f'the Link rel="next" URL of {op.operation_id} ({url}) is outside the base URL '
                f"{self.target.config.url}: synth sends a tenant's credentials to the base URL "
                "only; pass as --base-url the URL the server writes into its links (or have it "
                "write links relative to the request)"
            )
        query = tuple(parse_qsl(split.query, keep_blank_values=True))
        return split.path[len(prefix) :], query

    def _follow(
        self, tenant: str, op: OperationSpec, path: str, query: tuple[tuple[str, str], ...]
    ) -> Exchange:
        """GET ``path`` (after the base URL) with ``query`` as ``tenant``: a link to follow."""
        request = Request(tenant=tenant, method="GET", path=path, query=query,
                          token=self._token(tenant, op))  # fmt: skip
        exchange = self.target.client.send(request)
        self.target.note_latency(op.operation_id, exchange)
        self.trace.append(exchange)
        return exchange


def items_of(p: PaginationSpec, page: Exchange) -> list[Any] | None:
    """A page's items: the body itself for link pagination, else its ``items_field``; None
    when the page holds no list there."""
    body = page.json
    if p.style == "link":
        return body if isinstance(body, list) else None
    if isinstance(body, dict) and isinstance(body.get(p.items_field), list):
        return list(body[p.items_field])
    return None


def next_link(page: Exchange) -> str | None:
    """The URL of the ``Link`` header's rel="next" (RFC 8288), parsed by httpx as clients do
    (``Response.links``); a link whose rel lists several types counts when one is next."""
    links = httpx.Response(page.status, headers=page.headers).links
    for link in links.values():
        if "next" in link.get("rel", "").lower().split() and link.get("url"):
            return link["url"]
    return None


def end_marker(p: PaginationSpec) -> str:
    """What says a page is the last, in the style's words."""
    short = "a short or empty page" + (f", or {p.total_field} reached" if p.total_field else "")
    return {
        "cursor": f"{p.next_field}: null",
        "page_token": f'{p.next_field}: null or ""',
        "starting_after": f"{p.has_more_field}: false",
        "link": 'a Link header without rel="next"',
        "offset": short,
        "page": short,
    }[p.style]


def _requires_if_match(op: OperationSpec) -> bool:
    return op.cache is not None and op.cache.if_match == "required"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _brief(exchange: Exchange) -> str:
    """``HTTP 500 application/json {"code": ...}`` in one line, whole.

    Not cut here: the runner redacts secrets first and shortens afterwards (``shorten``), so
    no cut can go through a secret and leave its head unrecognised.
    """
    body = exchange.content.decode("utf-8", "replace")
    return f"HTTP {exchange.status} {exchange.content_type or '(no content type)'} {body}".rstrip()


def shorten(text: str, limit: int = 400) -> str:
    """``text`` cut to ``limit`` characters; call it only on redacted text."""
    return text if len(text) <= limit else text[:limit] + "…"


brief = _brief


def _shared_key(tenant: str, parent: Parent, params: Mapping[str, str]) -> tuple[Any, ...]:
    """Where ``Target.shared`` keeps ``tenant``'s parent item of this kind under ``params``."""
    return (tenant, parent.create.operation_id, parent.param, tuple(sorted(params.items())))


def crossed(value: Any) -> str | None:
    """The RFC 3339 date-time an hour from ``value`` (a later instant where its offset is
    zero or ahead of UTC, an earlier one where it is behind), written in an offset three hours
    the other way, so that its text sorts before ``value``'s where its instant comes after,
    and after where before; None for anything else (no offset, out of range)."""
    if not isinstance(value, str):
        return None
    try:
        instant = datetime.datetime.fromisoformat(value)
        offset = instant.utcoffset()
        if offset is None:
            return None
        ahead = offset >= datetime.timedelta(0)
        hour, three = datetime.timedelta(hours=1), datetime.timedelta(hours=3)
        moved = instant + (hour if ahead else -hour)
        return moved.astimezone(
            datetime.timezone(offset - three if ahead else offset + three)
        ).isoformat()
    except (ValueError, OverflowError):
        return None


def _edge_state(scope: Scope, trace: tuple[Exchange, ...]) -> dict[str, Any]:
    """An edge fixture as another worker process takes it (``Context._edges_from``): the
    scope with its operations by id, and the exchanges that made it."""
    fields = {f.name: getattr(scope, f.name) for f in dataclasses.fields(scope)}
    fields["lister"] = scope.lister.operation_id
    fields["create"] = scope.create.operation_id if scope.create is not None else None
    return {"scope": fields, "trace": trace}
