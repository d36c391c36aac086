"""The invariant registry: each check once, with the rule that says which operations it applies to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ...relations import Graph
from ...spec import ApiSpec, OperationSpec
from .._context import Context

__all__ = ["REGISTRY", "Invariant", "applicable", "invariant"]

Applies = Callable[[ApiSpec, Graph, OperationSpec], bool]
Run = Callable[[Context], None]


@dataclass(frozen=True, slots=True)
class Invariant:
    """One invariant of the catalogue: its id, what it says, where it applies, its check."""

    id: str
    summary: str
    applies: Applies
    run: Run
    tenants: int = 1
    weight: float = 1.0


REGISTRY: dict[str, Invariant] = {}


def invariant(
    id: str, summary: str, *, applies: Applies, tenants: int = 1, weight: float = 1.0
) -> Callable[[Run], Run]:
    """Register a check; ids are unique and the registry is complete at import."""

    def register(run: Run) -> Run:
        if id in REGISTRY:
            raise RuntimeError(f"invariant {id} registered twice")
        REGISTRY[id] = Invariant(id, summary, applies, run, tenants, weight)
        return run

    return register


def applicable(api: ApiSpec) -> list[tuple[OperationSpec, Invariant]]:
    """Every (operation, invariant) pair the API's declared semantics call for, in order."""
    graph = Graph(api)
    return [
        (op, inv)
        for op in api.operations
        for inv in REGISTRY.values()
        if inv.applies(api, graph, op)
    ]
