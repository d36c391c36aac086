"""Coverage of a run: every declared semantic either exercised or listed with the reason why not.

The catalogue says which (operation, invariant) pairs the contracts call for and why synth
cannot run some of them (``synth.catalogue.coverage``). A run adds one skipped pytest item per
pair it cannot run, so JUnit, ``-k`` and the terminal see them like any check, and counts a
check skipped at run time (too few tenants) as not exercised too. ``--require-coverage`` turns
any of them into exit 1.

Before a run, ``match_tests`` refuses generated tests written from other contracts than the
ones loaded (or stale ones): every check would otherwise fail, or pass on the wrong API.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from .._errors import UsageError
from .._paths import param_names
from ..catalogue import BY_ID, applicable, coverage, not_promised, provokes_errors
from ..relations import Graph, Role
from ..spec import ApiSpec, OperationSpec
from ._order import generated_name
from ._violation import Finding, Outcome

__all__ = [
    "Gap",
    "NotExercised",
    "describe",
    "describe_quiet",
    "describe_relations",
    "describe_styles",
    "gaps_of",
    "match_tests",
    "not_exercised_item",
    "tenant_gaps",
]


@dataclass(frozen=True, slots=True)
class Gap:
    """A declared (operation, invariant) that the run does not exercise, and why."""

    invariant: str
    operation: str
    reason: str


def gaps_of(api: ApiSpec) -> list[Gap]:
    """The pairs the contracts call for that synth cannot run, with their reasons."""
    return [
        Gap(c.entry.id, c.operation.operation_id, c.reason)
        for c in coverage(api)
        if c.reason is not None
    ]


class NotExercised(pytest.Item):
    """A declared check synth cannot run: a test that is skipped with the reason."""

    gap: Gap

    def runtest(self) -> None:
        pytest.skip(f"not exercised: {self.gap.reason}")

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, self.name


def not_exercised_item(parent: pytest.Collector | pytest.Session, gap: Gap) -> NotExercised:
    """The skipped item for ``gap``, named as its generated test would be."""
    item = NotExercised.from_parent(parent, name=generated_name(gap.invariant, gap.operation))
    item.gap = gap
    return item


# What the generated tests name: ``check("INV", "op", ...)``, ``conformance("op", ...)`` and
# the title and version in each module's docstring (see synth.emit.tests).
_CHECK = re.compile(r'\bcheck\("([A-Z0-9-]+)", "([^"]+)"')
_CONFORMANCE = re.compile(r'\bconformance\("([^"]+)"')
_TITLE = re.compile(r"^\"\"\"Property tests for the .+? operations of (.+)\.$", re.MULTILINE)


def match_tests(api: ApiSpec, tests: Path, contracts: Path) -> None:
    """Refuse (``UsageError``) tests generated from other contracts than ``api``, or stale."""
    pairs: set[tuple[str, str]] = set()
    operations: set[str] = set()
    titles: set[str] = set()
    for module in sorted(tests.glob("test_*.py")):
        text = module.read_text(encoding="utf-8")
        pairs.update((op, inv) for inv, op in _CHECK.findall(text))
        operations.update(_CONFORMANCE.findall(text))
        titles.update(_TITLE.findall(text))
    known = {op.operation_id for op in api.operations}
    named = operations | {op for op, _ in pairs}
    ours = f"{api.title} {api.version}"
    foreign = sorted(named - known)
    other_title = sorted(t for t in titles if t != ours and not t.startswith(api.title + " "))
    regenerate = f"synth generate --contracts {contracts} --out DIR, then --tests DIR/tests"
    if other_title or (foreign and len(foreign) * 2 >= len(named)):
        what = f"tests for {', '.join(repr(t) for t in other_title)}" if other_title else (
            f"operations {_few(foreign)} that the contracts lack"
        )  # fmt: skip
        raise UsageError(
            f"--tests={str(tests)!r} were generated from other contracts than "
            f"--contracts={str(contracts)!r} ({what}; the contracts are {ours!r}): pass "
            f"--contracts with the contracts they came from, or --tests with tests generated "
            f"from these ({regenerate})"
        )
    expected = {(op.operation_id, entry.id) for op, entry in applicable(api)}
    if foreign or pairs != expected or operations != known:
        drift = sorted({f"{inv} {op}" for op, inv in pairs ^ expected} | set(foreign))
        drift += sorted(f"CONFORMANCE {op}" for op in operations ^ known)
        raise UsageError(
            f"--tests={str(tests)!r} are stale for --contracts={str(contracts)!r} (they differ "
            f"on {_few(drift)}): regenerate them ({regenerate})"
        )


def _few(names: list[str], limit: int = 4) -> str:
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def tenant_gaps(checks: list[tuple[str, str]], tenants: int) -> list[Gap]:
    """The planned ``(invariant, operation)`` checks that need more tenants than given."""
    return [
        Gap(inv, op, f"{inv} needs {BY_ID[inv].tenants} tenants; pass another --tenant NAME=TOKEN")
        for inv, op in checks
        if inv in BY_ID and BY_ID[inv].tenants > tenants
    ]


NOT_RUN = (
    "not run: the run stopped before it (--max-failures or --fail-fast after a failed check, "
    "or an interrupt), or its test failed before the check began"
)


def uncovered(
    gaps: Sequence[Gap], findings: Sequence[Finding], checks: Iterable[tuple[str, str]]
) -> list[Gap]:
    """The declared checks a run did not exercise: ``gaps`` (synth cannot run them), those
    its ``findings`` say were skipped, and the selected ``checks`` with no finding at all
    (``NOT_RUN``): a run stopped early said "all declared checks exercised" after one check
    of 81 (a new user's --max-failures 1), and so would a merge of its shards."""
    ran = {(f.invariant, f.operation) for f in findings}
    skipped = [Gap(f.invariant, f.operation, f.message) for f in findings
               if f.outcome is Outcome.SKIPPED]  # fmt: skip
    unrun = [Gap(invariant, operation, NOT_RUN) for invariant, operation in checks
             if (invariant, operation) not in ran]  # fmt: skip
    return [*gaps, *skipped, *unrun]


def describe(gaps: list[Gap], declared: int, *, planned: bool = False) -> list[str]:
    """Plain lines: how many declared checks ran, then each one that did not and why;
    ``planned`` (a dry run, nothing sent): how many would run."""
    done = "planned (a dry run: nothing sent)" if planned else "exercised"
    if not gaps:
        return [f"coverage: all {declared} declared checks {done}"]
    lines = [
        f"coverage: {declared - len(gaps)} of {declared} declared checks {done}; "
        f"{len(gaps)} not exercised"
    ]
    lines += [f"  not exercised {g.invariant} {g.operation}: {g.reason}" for g in gaps]
    return lines


def describe_relations(api: ApiSpec) -> list[str]:
    """Plain lines: each collection's operations by role, each declared or inferred.

    What the checks rely on to make an item and find it again; a relation inferred wrongly is
    declared with ``api.resource(...)`` (``create``, ``upsert``, ``action``, ``id_field``).
    """
    lines = ["relations (declared with api.resource(...), or inferred from paths and models):"]
    for c in api.relations.collections:
        roles = []
        if c.create is not None:
            role: Role = "upsert" if c.create is c.upsert else "create"
            kind = " (upsert: PUT, the client chooses the id)" if role == "upsert" else ""
            if role == "create" and c.create.path.rstrip("/") != c.path:
                kind = f" (POST {c.create.path})"
            roles.append(f"created by {c.create.operation_id}{kind} [{c.source_of(role)}]")
        others: tuple[tuple[Role, OperationSpec | None], ...] = (
            ("list", c.list), ("read", c.read), ("update", c.update), ("delete", c.delete),
        )  # fmt: skip
        for name, op in others:
            if op is not None and op is not c.create:
                roles.append(f"{name} {op.operation_id} [{c.source_of(name)}]")
        roles += [f"action {a.operation_id} [{c.action_source(a)}]" for a in c.actions]
        if not roles:
            continue
        if c.id_param is not None and c.id_field is not None:
            within = ""
            if c.id_within_parent:
                # Only the caller's tenant before it (``/orgs/{org_id}/things``): no parent item.
                tenant_only = set(param_names(c.path)) == {api.tenant_param}
                within = (
                    ", unique within its tenant" if tenant_only else ", unique within its parent"
                )
            roles.append(f"{{{c.id_param}}} is the item's {c.id_field} [{c.id_source}]{within}")
        lines.append(f"  {c.path}: " + "; ".join(roles))
    for op_id, refs in api.relations.refs.items():
        for ref in refs:
            how = "Ref()" if ref.source == "declared" else "named like its id parameter"
            lines.append(
                f"  {op_id} body: {ref.field} names an item of {ref.collection} ({how}), "
                f"made first by {ref.create.operation_id} as the same tenant [{ref.source}]"
            )
    return lines


_STYLE_NAMES = {"cursor": "cursor", "page_token": "page-token", "starting_after": "starting-after",
                "link": "Link-header", "offset": "offset", "page": "page-number"}  # fmt: skip


def describe_styles(api: ApiSpec) -> list[str]:
    """One plain line per list whose pagination style does not promise some PAGE-* checks:
    which, and why they are not planned there."""
    lines = []
    for op in api.operations:
        left_out = not_promised(op)
        if left_out and op.pagination is not None:
            checks = " or ".join(check for check, _ in left_out)
            why = "; ".join(f"{check}: {reason}" for check, reason in left_out)
            lines.append(
                f"no {checks} on {op.operation_id}: its {_STYLE_NAMES[op.pagination.style]} "
                f"pagination does "
                f"not promise {'them' if len(left_out) > 1 else 'it'} ({why})"
            )
    return lines


def describe_quiet(api: ApiSpec) -> list[str]:
    """A plain line naming the operations no request can draw an error from, if any: they get
    no ERR-PROBLEM or ERR-DECLARED check, which would pass there having judged nothing."""
    graph = Graph(api)
    quiet = [op.operation_id for op in api.operations if not provokes_errors(graph, op)]
    if not quiet:
        return []
    return [
        f"no ERR-PROBLEM or ERR-DECLARED on {', '.join(quiet)}: public and without input, no "
        "request can draw an error the contract declares (CONFORMANCE still runs)"
    ]
