"""What a diff finds: ``Change`` records, collected once per rule, place and operation."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

from ._rules import Direction, Level, rule

__all__ = ["Change", "Collector", "OpRef"]

Side = Literal["new", "old"]


@dataclass(frozen=True, slots=True)
class OpRef:
    """An operation as a person names it: ``POST /contacts (createContact)``, ``webhook
    orderPaid: POST (onOrderPaid)``, ``POST /subscribe callback onEvent {$request.body#/url}:
    POST``. For a webhook ``path`` is its name; for a callback, the operation it belongs to,
    the callback's name and its expression."""

    method: str
    path: str
    operation_id: str | None
    kind: Literal["operation", "webhook", "callback"] = "operation"

    def __str__(self) -> str:
        oid = f" ({self.operation_id})" if self.operation_id else ""
        if self.kind == "operation":
            return f"{self.method.upper()} {self.path}{oid}"
        if self.kind == "webhook":
            return f"webhook {self.path}: {self.method.upper()}{oid}"
        return f"{self.path}: {self.method.upper()}{oid}"


@dataclass(frozen=True, slots=True)
class Change:
    """One change between the old and the new document, classified by a rule.

    ``location`` is a JSON pointer into the new document, or into the old one for removals
    (``side`` says which). ``operation`` is set for changes seen through an operation;
    ``component`` for document-level ones (a taxonomy code, a security scheme, a server).
    """

    rule: str
    level: Level
    direction: Direction
    location: str
    side: Side
    message: str
    operation: OpRef | None = None
    component: str | None = None
    acknowledged: bool = False
    ack_reason: str = ""

    @property
    def breaking(self) -> bool:
        return self.level is Level.BREAKING

    @property
    def where(self) -> str:
        return str(self.operation) if self.operation else (self.component or "document")

    def acknowledge(self, reason: str) -> Change:
        return replace(self, acknowledged=True, ack_reason=reason)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "level": self.level.value,
            "direction": self.direction,
            "operation": None,
            "component": self.component,
            "location": self.location,
            "document": self.side,
            "message": self.message,
            "acknowledged": self.acknowledged,
        }
        if self.operation is not None:
            out["operation"] = {
                "method": self.operation.method.upper(),
                "path": self.operation.path,
                "operationId": self.operation.operation_id,
            }
            if self.operation.kind != "operation":
                out["operation"]["kind"] = self.operation.kind
        if self.acknowledged:
            out["ackReason"] = self.ack_reason
        return out

    def sort_key(self) -> tuple[int, str, str, str, str]:
        return (0 if self.breaking else 1, self.where, self.location, self.rule, self.message)


@dataclass
class Collector:
    """Gathers changes; the same rule at the same place for the same operation counts once."""

    changes: list[Change] = field(default_factory=list)
    _keys: set[tuple[str, str, str, OpRef | None, str | None]] = field(default_factory=set)

    def add(
        self,
        rule_id: str,
        location: str,
        message: str,
        *,
        side: Side = "new",
        operation: OpRef | None = None,
        component: str | None = None,
    ) -> None:
        found = rule(rule_id)
        key = (rule_id, location, message, operation, component)
        if key in self._keys:
            return
        self._keys.add(key)
        self.changes.append(
            Change(rule_id, found.level, found.direction, location or "/", side, message,
                   operation, component)
        )  # fmt: skip
