"""What the schema walker and the ``unevaluated*`` analysis share.

``Expr`` and ``Node`` are the walker's values; ``Compiler`` is the part of ``SchemaEmitter``
that ``_unevaluated`` calls back into. ``_emitter`` imports ``_unevaluated``, which needs only
this module: the two do not import each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from synth.zod._refs import Resolver, Target

__all__ = ["NEVER", "UNKNOWN", "Compiler", "Expr", "Node"]


@dataclass(frozen=True, slots=True)
class Expr:
    """A compiled schema: Zod code, its TypeScript output type and how it treats absence."""

    code: str
    ts: str
    loose: bool = False  # accepts an absent value (z.unknown()-based): required needs a check
    trivial: bool = False  # z.unknown() with no constraint at all


UNKNOWN = Expr("z.unknown()", "unknown", loose=True, trivial=True)
NEVER = Expr("z.never()", "never")


@dataclass(slots=True)
class Node:
    """What the keywords of one schema object asked for, before assembly."""

    node: Mapping[str, Any]
    ptr: str
    base: str
    types: list[str] | None = None
    values: list[Any] | None = None  # enum / const
    string: list[str] = field(default_factory=list)
    number: list[str] = field(default_factory=list)
    bounds: list[float] = field(default_factory=list)
    array: dict[str, Any] = field(default_factory=dict)
    obj: dict[str, Any] = field(default_factory=dict)
    checks: list[str] = field(default_factory=list)  # on the whole value, any type
    refs: list[Expr] = field(default_factory=list)  # $ref / $dynamicRef / allOf members
    union: tuple[str, list[Expr]] | None = None  # ("anyOf"|"oneOf", options)
    unions: list[tuple[str, list[Expr]]] = field(default_factory=list)


class Compiler(Protocol):
    """What the ``unevaluated*`` analysis needs from the emitter that calls it."""

    resolver: Resolver

    def compile(self, node: Any, ptr: str, base: str, *, top: bool = False) -> Expr: ...

    def use(self, helper: str) -> str: ...

    def dynamic_target(self, ref: str, base: str, ptr: str) -> Target: ...

    def ev_function(self, kind: str, target: Target) -> str: ...
