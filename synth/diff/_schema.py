"""Compare two JSON Schemas in one direction: what a server accepts, or what it may return.

A request schema breaks clients when the set of values it admits shrinks; a response schema
when it grows. Each aspect of a schema (nullability, type, enum, bounds, pattern, format,
object properties, array items, unions) has one method here; the rule ids say which subject
(body, property, parameter, header) and direction the change was seen in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._jsonschema import KEYWORD_TYPES
from ._model import Collector, OpRef
from ._refs import Node, Resolver, Sameness, Shape, canonical, component_key, shape
from ._rules import BOUNDS, Direction, schema_rule_id

__all__ = ["SchemaDiff"]

_ALL_TYPES = frozenset({"string", "number", "integer", "boolean", "array", "object"})


def _types(value: Mapping[str, Any]) -> frozenset[str]:
    declared = value.get("type")
    if isinstance(declared, str):
        return frozenset({declared}) - {"null"}
    if isinstance(declared, list):
        return frozenset(t for t in declared if isinstance(t, str)) - {"null"}
    if "properties" in value or "additionalProperties" in value:
        return frozenset({"object"})
    if "items" in value or "prefixItems" in value:
        return frozenset({"array"})
    values = _enum(value)
    if values is not None:
        return frozenset(_json_type(v) for v in values)
    return _ALL_TYPES


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _covers(wide: frozenset[str], narrow: frozenset[str]) -> bool:
    """Every value of a type in ``narrow`` is a value of a type in ``wide``."""
    return all(t in wide or (t == "integer" and "number" in wide) for t in narrow)


def _enum(value: Mapping[str, Any]) -> list[Any] | None:
    if "const" in value and value["const"] is not None:
        return [value["const"]]
    if isinstance(value.get("enum"), list):
        return [v for v in value["enum"] if v is not None]
    return None


def _number(value: Any) -> float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _openness(value: Mapping[str, Any]) -> int:
    extra = value.get("additionalProperties", True)
    if extra is False:
        return 0
    if isinstance(extra, Mapping) and extra:
        return 1
    return 2


class SchemaDiff:
    """One comparison of an old and a new schema, seen through one operation.

    ``root`` is the subject at the top (``body``, ``parameter`` or ``header``); below the top
    a body's subject is ``property``. ``label`` names the top for people
    (``request body``, ``query parameter `limit```, ``response header `ETag` (200)``).
    """

    def __init__(
        self,
        old: Resolver,
        new: Resolver,
        out: Collector,
        *,
        operation: OpRef | None,
        direction: Direction,
        root: str,
        label: str,
        same: Sameness | None = None,
    ) -> None:
        self.old, self.new, self.out = old, new, out
        self.same = same
        self.operation = operation
        self.direction = direction
        self.root = root
        self.label = label
        # What people call the data in messages: `request`/`response` by default, `payload`
        # for what a webhook sends (judged as a response).
        self.noun = "request" if direction == "request" else "response"
        self._seen: set[tuple[str, str]] = set()

    # -- entry ----------------------------------------------------------------------------------

    def compare(self, old: Node, new: Node, path: str = "") -> None:
        if self.same is not None and self.same.same(old, new):
            return
        o, n = shape(self.old, old), shape(self.new, new)
        key = (o.ident, n.ident)
        if key in self._seen:  # a cycle, or a component already compared for this operation
            return
        self._seen.add(key)
        self.annotations(o, n, path)
        self.nullability(o, n, path)
        if o.branches is not None or n.branches is not None:
            self.union(o, n, path)
            return
        self.all_of(o, n, path)
        if not self.type(o, n, path):
            return
        self.enum(o, n, path)
        self.bounds(o, n, path)
        self.keyword_changes(o, n, path, "pattern")
        self.format(o, n, path)
        self.multiple_of(o, n, path)
        self.unique_items(o, n, path)
        self.properties(o, n, path)
        self.additional_properties(o, n, path)
        self.items(o, n, path)

    # -- reporting ------------------------------------------------------------------------------

    def subject(self, path: str) -> str:
        return self.root if not path or self.root != "body" else "property"

    def what(self, path: str) -> str:
        if not path:
            return self.label
        side = self.noun
        if self.root == "body":
            return f"{side} property `{path}` ({self.label})"
        return f"{self.label}, property `{path}`"

    def emit(
        self, kind: str, path: str, shape_: Shape, detail: str, *, at_origin: bool = False
    ) -> None:
        rid = schema_rule_id(self.direction, self.subject(path), kind)
        ptr = shape_.origin if at_origin else shape_.node.ptr
        self.out.add(rid, ptr, f"{self.what(path)}: {detail}",
                     operation=self.operation)  # fmt: skip

    def emit_at_origin(self, kind: str, path: str, shape_: Shape, detail: str) -> None:
        """Annotations and nullability belong to where the schema is written, not to the
        component or union branch it resolves to."""
        self.emit(kind, path, shape_, detail, at_origin=True)

    def add(self, rid: str, ptr: str, message: str, *, old: bool = False) -> None:
        self.out.add(rid, ptr, message, side="old" if old else "new", operation=self.operation)

    # -- aspects --------------------------------------------------------------------------------

    def annotations(self, o: Shape, n: Shape, path: str) -> None:
        oa, na = o.annotations, n.annotations
        for key in ("description", "title"):
            if oa.get(key) != na.get(key) and (oa.get(key) or na.get(key)):
                self.emit_at_origin("description-changed", path, n, f"{key} changed")
        od, nd = bool(oa.get("deprecated")), bool(na.get("deprecated"))
        if od != nd:
            self.emit_at_origin("deprecated" if nd else "reactivated", path, n,
                      "deprecated" if nd else "no longer deprecated")  # fmt: skip
        if "default" in oa or "default" in na:
            if "default" not in oa:
                self.emit_at_origin(
                    "default-value-added", path, n, f"default {canonical(na['default'])} added"
                )
            elif "default" not in na:
                self.emit_at_origin("default-value-removed", path, n,
                          f"default {canonical(oa['default'])} removed")  # fmt: skip
            elif canonical(oa["default"]) != canonical(na["default"]):
                self.emit_at_origin("default-value-changed", path, n, f"default changed from "
                          f"{canonical(oa['default'])} to {canonical(na['default'])}")  # fmt: skip

    def nullability(self, o: Shape, n: Shape, path: str) -> None:
        if o.nullable and not n.nullable:
            self.emit_at_origin("became-not-nullable", path, n, "null is no longer allowed")
        elif n.nullable and not o.nullable:
            self.emit_at_origin("became-nullable", path, n, "may now be null")

    def type(self, o: Shape, n: Shape, path: str) -> bool:
        """Report a type change; ``False`` when the types share nothing to compare further."""
        ot, nt = _types(o.value), _types(n.value)
        if ot == nt or not ot or not nt:
            return True
        names = f"from {_type_text(ot)} to {_type_text(nt)}"
        if self.direction == "request" and _covers(nt, ot):
            self.emit("type-generalized", path, n, f"type widened {names}")
        elif self.direction == "response" and _covers(ot, nt):
            self.emit("type-specialized", path, n, f"type narrowed {names}")
        else:
            self.emit("type-changed", path, n, f"type changed {names}")
        return bool(ot & nt) or _covers(nt, ot) or _covers(ot, nt)

    def enum(self, o: Shape, n: Shape, path: str) -> None:
        oe, ne = _enum(o.value), _enum(n.value)
        if oe is None and ne is None:
            return
        if oe is None:
            listed = ", ".join(canonical(v) for v in ne or [])
            self.emit("became-enum", path, n, f"restricted to {listed}")
            return
        if ne is None:
            self.emit("enum-dropped", path, n, "no longer restricted to an enum")
            return
        old_keys = {canonical(v) for v in oe}
        new_keys = {canonical(v) for v in ne}
        for value in sorted(old_keys - new_keys):
            self.emit("enum-value-removed", path, n, f"enum value {value} removed")
        for value in sorted(new_keys - old_keys):
            self.emit("enum-value-added", path, n, f"enum value {value} added")

    def bounds(self, o: Shape, n: Shape, path: str) -> None:
        for keyword, name, _upper in BOUNDS:
            ov, nv = _bound(o.value, keyword), _bound(n.value, keyword)
            if ov == nv:
                continue
            if ov is None:
                self.emit(f"{name}-set", path, n, f"{keyword} set to {_num(nv)}")
            elif nv is None:
                self.emit(f"{name}-unset", path, n, f"{keyword} {_num(ov)} removed")
            else:
                event = "decreased" if nv < ov else "increased"
                self.emit(f"{name}-{event}", path, n,
                          f"{keyword} {event} from {_num(ov)} to {_num(nv)}")  # fmt: skip

    def keyword_changes(self, o: Shape, n: Shape, path: str, keyword: str) -> None:
        ov, nv = o.value.get(keyword), n.value.get(keyword)
        if ov == nv:
            return
        if ov is None:
            self.emit(f"{keyword}-added", path, n, f"{keyword} {nv!r} added")
        elif nv is None:
            self.emit(f"{keyword}-removed", path, n, f"{keyword} {ov!r} removed")
        else:
            self.emit(f"{keyword}-changed", path, n, f"{keyword} changed from {ov!r} to {nv!r}")

    def format(self, o: Shape, n: Shape, path: str) -> None:
        """A numeric format is a range: ``int32`` inside ``int64`` inside any integer, ``float``
        inside ``double``, which is any JSON number (every common JSON parser reads numbers as
        doubles). Where the type changes between integer and number, the width format goes with
        the type and the type change says it all."""
        ov, nv = o.value.get("format"), n.value.get("format")
        if ov == nv:
            return
        ow, nw = _width(o.value, ov), _width(n.value, nv)
        if ow is None or nw is None:
            self.keyword_changes(o, n, path, "format")
            return
        if _types(o.value) != _types(n.value) or ow == nw:
            return
        names = f"from {ov or '(none)'!r} to {nv or '(none)'!r}"
        if (ow[0], ow[1]) == (nw[0], nw[1]):
            return
        kind = "format-widened" if nw > ow else "format-narrowed"
        self.emit(kind, path, n, f"numeric format {kind.split('-')[1]} {names}")

    def multiple_of(self, o: Shape, n: Shape, path: str) -> None:
        ov, nv = _number(o.value.get("multipleOf")), _number(n.value.get("multipleOf"))
        if ov == nv:
            return
        if ov is None:
            self.emit("multiple-of-set", path, n, f"multipleOf set to {_num(nv)}")
        elif nv is None:
            self.emit("multiple-of-unset", path, n, f"multipleOf {_num(ov)} removed")
        else:
            self.emit("multiple-of-changed", path, n,
                      f"multipleOf changed from {_num(ov)} to {_num(nv)}")  # fmt: skip

    def unique_items(self, o: Shape, n: Shape, path: str) -> None:
        ov, nv = bool(o.value.get("uniqueItems")), bool(n.value.get("uniqueItems"))
        if ov != nv:
            kind = "unique-items-set" if nv else "unique-items-unset"
            self.emit(kind, path, n, "items must now be unique" if nv else "items may repeat")

    def properties(self, o: Shape, n: Shape, path: str) -> None:
        op, np_ = o.properties(), n.properties()
        if not op and not np_:
            return
        oreq = set(o.value.get("required") or ())
        nreq = set(n.value.get("required") or ())
        request = self.direction == "request"
        for name in op:
            child = _join(path, name)
            optr = op[name].ptr
            if name not in np_:
                if request:
                    self.add("request-property-removed", optr,
                             f"{self.noun} property `{child}` removed ({self.label})", old=True)  # fmt: skip
                else:
                    req = "required" if name in oreq else "optional"
                    self.add(f"response-{req}-property-removed", optr,
                             f"{req} {self.noun} property `{child}` removed ({self.label})", old=True)  # fmt: skip
                continue
            nptr = np_[name].ptr
            was, now = name in oreq, name in nreq
            if was != now:
                became = "required" if now else "optional"
                side = "request" if request else "response"
                self.add(f"{side}-property-became-{became}", nptr,
                         f"{self.noun} property `{child}` became {became} ({self.label})")  # fmt: skip
            self.compare(op[name], np_[name], child)
        for name in np_:
            if name in op:
                continue
            child = _join(path, name)
            nptr = np_[name].ptr
            req = "required" if name in nreq else "optional"
            if request:
                self.add(f"new-{req}-request-property", nptr,
                         f"new {req} {self.noun} property `{child}` ({self.label})")  # fmt: skip
            else:
                self.add(f"response-{req}-property-added", nptr,
                         f"new {req} {self.noun} property `{child}` ({self.label})")  # fmt: skip

    def additional_properties(self, o: Shape, n: Shape, path: str) -> None:
        if "object" not in _types(o.value) or "object" not in _types(n.value):
            return
        ov, nv = _openness(o.value), _openness(n.value)
        if nv < ov:
            self.emit("additional-properties-tightened", path, n,
                      "additionalProperties tightened: fewer extra properties are allowed")  # fmt: skip
        elif nv > ov:
            self.emit("additional-properties-loosened", path, n,
                      "additionalProperties loosened: more extra properties are allowed")  # fmt: skip
        elif ov == nv == 1:
            oa, na = o.sub("additionalProperties"), n.sub("additionalProperties")
            if oa is not None and na is not None:
                self.compare(oa, na, _join(path, "*"))

    def items(self, o: Shape, n: Shape, path: str) -> None:
        oi, ni = o.sub("items"), n.sub("items")
        if oi is not None and ni is not None:
            self.compare(oi, ni, f"{path}[]")
        op, np_ = o.value.get("prefixItems"), n.value.get("prefixItems")
        if isinstance(op, list) and isinstance(np_, list):
            for index in range(min(len(op), len(np_))):
                self.compare(o.node.child("prefixItems", index), n.node.child("prefixItems", index),
                             f"{path}[{index}]")  # fmt: skip

    def union(self, o: Shape, n: Shape, path: str) -> None:
        old = o.branches if o.branches is not None else [o.node]
        new = n.branches if n.branches is not None else [n.node]
        pairs, gone, added = self.match(old, new)
        for ob, nb in pairs:
            self.compare(ob, nb, path)
        for ob in gone:
            self.emit("any-of-removed", path, n,
                      f"union branch {self.describe(self.old, ob)} removed", at_origin=True)  # fmt: skip
        for nb in added:
            self.emit("any-of-added", path, n,
                      f"union branch {self.describe(self.new, nb)} added", at_origin=True)  # fmt: skip

    def all_of(self, o: Shape, n: Shape, path: str) -> None:
        old_list, new_list = o.value.get("allOf"), n.value.get("allOf")
        if not isinstance(old_list, list) and not isinstance(new_list, list):
            return
        old = [o.node.child("allOf", i) for i in range(len(old_list or []))]
        new = [n.node.child("allOf", i) for i in range(len(new_list or []))]
        pairs, gone, added = self.match(old, new)
        for ob, nb in pairs:
            self.compare(ob, nb, path)
        for ob in gone:
            self.emit("all-of-removed", path, n, f"allOf {self.describe(self.old, ob)} removed",
                      at_origin=True)  # fmt: skip
        for nb in added:
            self.emit("all-of-added", path, n, f"allOf {self.describe(self.new, nb)} added",
                      at_origin=True)  # fmt: skip

    # -- union branches -------------------------------------------------------------------------

    def branch_key(self, resolver: Resolver, node: Node) -> str:
        _target, name = resolver.resolve(node)
        if name is not None:
            return f"ref:{component_key(name)}"
        return "type:" + ",".join(sorted(_types(shape(resolver, node).value)))

    def describe(self, resolver: Resolver, node: Node) -> str:
        key = self.branch_key(resolver, node)
        return (
            key.split(":", 1)[1]
            if key.startswith("ref:")
            else _type_text(frozenset(key.split(":", 1)[1].split(",")))
        )

    def match(
        self, old: list[Node], new: list[Node]
    ) -> tuple[list[tuple[Node, Node]], list[Node], list[Node]]:
        pairs: list[tuple[Node, Node]] = []
        remaining = list(new)
        gone: list[Node] = []
        new_keys = [self.branch_key(self.new, nb) for nb in remaining]
        for ob in old:
            key = self.branch_key(self.old, ob)
            if key in new_keys:
                index = new_keys.index(key)
                pairs.append((ob, remaining.pop(index)))
                new_keys.pop(index)
            else:
                gone.append(ob)
        # One inline branch on each side left over: the same branch, changed in place.
        if len(gone) == 1 and len(remaining) == 1:
            ob, nb = gone[0], remaining[0]
            if self.old.resolve(ob)[1] is None and self.new.resolve(nb)[1] is None:
                pairs.append((ob, nb))
                gone, remaining = [], []
        return pairs, gone, remaining


# A numeric format's place in the order of ranges: (bits, unbounded); `None` for another format.
_WIDTHS = {"int32": (32, 0), "int64": (64, 0), "float": (32, 0), "double": (64, 1)}


def _width(value: Mapping[str, Any], fmt: Any) -> tuple[int, int] | None:
    types = _types(value)
    if not types or not types <= {"integer", "number"}:
        return None
    if fmt is None:
        return (64, 1)
    return _WIDTHS.get(fmt) if isinstance(fmt, str) else None


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _type_text(types: frozenset[str]) -> str:
    if types == _ALL_TYPES:
        return "any"
    return " | ".join(sorted(types))


def _num(value: float | None) -> str:
    return "none" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def _bound(schema: Mapping[str, Any], keyword: str) -> float | None:
    """``keyword``'s value where it constrains the schema's values (None where it does not)."""
    kind = schema.get("type")
    kinds = set(kind) if isinstance(kind, list) else {kind} if isinstance(kind, str) else None
    if kinds is not None and not kinds & KEYWORD_TYPES[keyword]:
        return None
    return _number(schema.get(keyword))
