"""The runtime's half of the catalogue: one check implementation bound to each catalogue id.

Which invariants exist, and where each applies, is ``synth.catalogue``; here each check
registers against its id with ``@implements``, and ``bind`` pairs them up once every check
module is imported, failing at import if an id is unknown, bound twice or left unbound.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ...catalogue import BY_ID, CATALOGUE, Applies
from ...catalogue import applicable as _applicable
from ...spec import ApiSpec, OperationSpec
from .._context import Context

__all__ = ["IMPLEMENTATIONS", "Invariant", "applicable", "bind", "implements"]

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


IMPLEMENTATIONS: dict[str, Run] = {}


def implements(id: str) -> Callable[[Run], Run]:
    """Bind the decorated check to catalogue entry ``id``; each entry takes exactly one."""
    if id not in BY_ID:
        raise RuntimeError(f"no invariant {id} in the catalogue (synth/catalogue.py)")

    def register(run: Run) -> Run:
        if id in IMPLEMENTATIONS:
            raise RuntimeError(f"invariant {id} implemented twice")
        IMPLEMENTATIONS[id] = run
        return run

    return register


def bind() -> dict[str, Invariant]:
    """Every catalogue entry with its check, in the catalogue's order."""
    missing = [entry.id for entry in CATALOGUE if entry.id not in IMPLEMENTATIONS]
    if missing:
        raise RuntimeError(f"invariants without an implementation: {', '.join(missing)}")
    return {
        entry.id: Invariant(entry.id, entry.summary, entry.applies, IMPLEMENTATIONS[entry.id],
                            entry.tenants, entry.weight)
        for entry in CATALOGUE
    }  # fmt: skip


def applicable(api: ApiSpec) -> list[tuple[OperationSpec, Invariant]]:
    """Every (operation, invariant) pair the API's declared semantics call for, in order."""
    from . import REGISTRY

    return [(op, REGISTRY[entry.id]) for op, entry in _applicable(api)]
