"""JSON pointers, ``$ref`` resolution and the normal form a schema is compared in."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .._errors import InputError
from .._pointer import join, unescape

__all__ = ["Joined", "Node", "Resolver", "Sameness", "Shape", "canonical", "pointer", "shape"]

# Keys that only annotate a schema; they travel with the node a `$ref` or a nullable `anyOf`
# wraps, so a description written next to a `$ref` is not lost.
_ANNOTATIONS = ("title", "description", "default", "deprecated", "examples", "example")
_VARIANT_SUFFIXES = ("-Input", "-Output")


def pointer(*tokens: str | int) -> str:
    """A pointer from the document's root, one token per argument."""
    return join("", *tokens)


def canonical(value: Any) -> str:
    """A stable text for a JSON value, to compare and sort enum members and defaults."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class Node:
    """A value in a document and the JSON pointer it lives at."""

    value: Any
    ptr: str

    def child(self, *tokens: str | int) -> Node:
        value = self.value
        for token in tokens:
            value = value[token]
        return Node(value, self.ptr + pointer(*tokens))

    def get(self, key: str) -> Node | None:
        if isinstance(self.value, Mapping) and key in self.value:
            return Node(self.value[key], self.ptr + pointer(key))
        return None


@dataclass(frozen=True, slots=True)
class Joined(Node):
    """Several schemas that all apply at one place (a property declared by more than one
    ``allOf`` member): compared as their merge. ``ptr`` is the first one's."""

    parts: tuple[Node, ...] = ()


class Resolver:
    """Follows local ``$ref``s in one document; every bad reference is an ``InputError``."""

    def __init__(self, document: Mapping[str, Any], label: str) -> None:
        self.document = document
        self.label = label
        self._found: dict[str, Node] = {}
        self.shapes: dict[tuple[int, str], tuple[Any, Shape]] = {}

    def lookup(self, ref: str, where: str) -> Node:
        found = self._found.get(ref)
        if found is None:
            found = self._found[ref] = self._lookup(ref, where)
        return found

    def _lookup(self, ref: str, where: str) -> Node:
        if not ref.startswith("#"):
            raise InputError(
                f"{self.label}: {where}: external $ref {ref!r} is not supported; "
                "bundle the document into one file first (e.g. `redocly bundle`)"
            )
        value: Any = self.document
        for token in (unescape(t) for t in ref[1:].split("/")[1:]):
            if isinstance(value, Mapping) and token in value:
                value = value[token]
            elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
                value = value[int(token)]
            else:
                raise InputError(
                    f"{self.label}: {where}: $ref {ref!r} points at nothing; "
                    "fix the reference or add the component it names"
                )
        return Node(value, ref[1:])

    def resolve(self, node: Node) -> tuple[Node, str | None]:
        """The node a chain of ``$ref``s ends at, with sibling annotations merged in, and the
        name of the last component it went through (``None`` for an inline node)."""
        seen: set[str] = set()
        name: str | None = None
        extra: dict[str, Any] = {}
        while isinstance(node.value, Mapping) and isinstance(node.value.get("$ref"), str):
            ref = node.value["$ref"]
            if ref in seen:
                raise InputError(f"{self.label}: {node.ptr}: $ref {ref!r} refers to itself")
            seen.add(ref)
            for key, value in node.value.items():
                if key != "$ref":
                    extra.setdefault(key, value)
            node = self.lookup(ref, node.ptr)
            name = ref.rsplit("/", 1)[-1]
        if extra and isinstance(node.value, Mapping):
            node = Node({**node.value, **extra}, node.ptr)
        return node, name


def component_key(name: str | None) -> str | None:
    """``Contact-Output`` and ``Contact`` are one model: Pydantic splits it only when its
    validation and serialization schemas differ."""
    if name is None:
        return None
    for suffix in _VARIANT_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


@dataclass(slots=True)
class Shape:
    """A schema in the normal form the differ compares.

    Nullability is pulled out however it was written (``anyOf: [X, {type: null}]`` as Pydantic
    writes it, ``type: [X, "null"]``, ``nullable: true``, ``null`` in an enum); ``const`` is an
    enum of one; a nullable ``anyOf`` of one other branch collapses to that branch, whose
    pointer is where its value changes are reported.
    """

    node: Node
    name: str | None
    nullable: bool
    annotations: dict[str, Any] = field(default_factory=dict)
    branches: list[Node] | None = None  # a union's non-null branches (anyOf / oneOf)
    origin: str = ""  # where the schema is written, before any `$ref` or collapse
    # Where the subschemas of a merged `allOf` live (`properties` by name, `items`, ...): each
    # in the member that declares it. Empty for a schema read as written.
    props: dict[str, Node] | None = None
    subs: dict[str, Node] = field(default_factory=dict)
    # What the schema is, for telling comparisons apart: its pointer, or the pointers of all
    # the schemas merged into it.
    ident: str = ""

    def __post_init__(self) -> None:
        self.origin = self.origin or self.node.ptr
        self.ident = self.ident or self.node.ptr

    @property
    def value(self) -> Mapping[str, Any]:
        return self.node.value if isinstance(self.node.value, Mapping) else {}

    def properties(self) -> dict[str, Node]:
        """Each property's schema, with the pointer it is written at."""
        if self.props is None:
            listed = self.node.get("properties")
            self.props = (
                {str(name): listed.child(name) for name in listed.value}
                if listed is not None and isinstance(listed.value, Mapping)
                else {}
            )
        return self.props

    def sub(self, key: str) -> Node | None:
        """The subschema under ``key`` (``items``, ``additionalProperties``, ...)."""
        return self.subs[key] if key in self.subs else self.node.get(key)


def shape(resolver: Resolver, node: Node) -> Shape:
    """The normal form of the schema at ``node``; computed once per node and document (every
    operation that reaches a component asks again). Callers must not change it."""
    key = (id(node.value), node.ptr)
    cached = None if isinstance(node, Joined) else resolver.shapes.get(key)
    if cached is not None:
        return cached[1]
    found = _shape(resolver, node)
    found.origin = node.ptr
    if not isinstance(node, Joined):
        resolver.shapes[key] = (node.value, found)  # the value kept alive: its id stays its own
    return found


def _shape(resolver: Resolver, node: Node, depth: int = 0) -> Shape:
    if isinstance(node, Joined):
        merged = _merge(resolver, node.ptr, list(node.parts), depth)
        if merged is not None:
            merged.ident = "&".join(part.ptr for part in node.parts)
        node = Node(node.value, node.ptr)
    else:
        merged = None
    if merged is not None:
        return merged
    node, name = resolver.resolve(node)
    value = node.value
    if value is True or value is None or not isinstance(value, Mapping):
        return Shape(Node({}, node.ptr), name, nullable=value is True)
    annotations = {k: value[k] for k in _ANNOTATIONS if k in value}
    nullable = _says_null(value)
    inner = _all_of(resolver, node, depth)
    if inner is not None:
        inner.nullable = inner.nullable or nullable
        inner.annotations = {**inner.annotations, **annotations}
        return inner
    return _union(resolver, node, name, nullable, annotations)


def _union(
    resolver: Resolver, node: Node, name: str | None, nullable: bool, annotations: dict[str, Any]
) -> Shape:
    """An ``anyOf``/``oneOf`` with its null branches taken out as nullability (one branch
    left: that branch; only ``const``s left: an enum), or a schema with no union."""
    value = node.value
    for keyword in ("anyOf", "oneOf"):
        options = value.get(keyword)
        if not isinstance(options, list):
            continue
        rest: list[Node] = []
        for index, option in enumerate(options):
            child = Node(option, node.ptr + pointer(keyword, index))
            target, _ = resolver.resolve(child)
            if _is_null(target.value):
                nullable = True
            else:
                rest.append(child)
        others = {k: v for k, v in value.items() if k not in (keyword, *_ANNOTATIONS)}
        if len(rest) == 1 and not others:
            inner = _shape(resolver, rest[0])
            inner.nullable = inner.nullable or nullable
            inner.annotations = {**inner.annotations, **annotations}
            return inner
        values = _enum_union(resolver, rest)
        if values is not None:  # `oneOf` of `const`s, each with its description: an enum
            flat = {k: v for k, v in others.items() if k not in ("enum", "const")}
            return Shape(Node({**flat, "enum": values}, node.ptr), name, nullable, annotations)
        return Shape(node, name, nullable, annotations, rest)
    return Shape(node, name, nullable, annotations)


_ENUM_KEYS = frozenset({"type", "const", "enum", *_ANNOTATIONS})


def _enum_union(resolver: Resolver, branches: list[Node]) -> list[Any] | None:
    """The values of a union whose every branch is a ``const`` or ``enum`` and nothing more
    (a ``type`` beside it, annotations), in order; ``None`` for any other union."""
    values: list[Any] = []
    for branch in branches:
        target, _ = resolver.resolve(branch)
        value = target.value
        if not isinstance(value, Mapping) or not set(value) <= _ENUM_KEYS:
            return None
        if "const" in value:
            values.append(value["const"])
        elif isinstance(value.get("enum"), list):
            values += value["enum"]
        else:
            return None
    return values


def _says_null(value: Mapping[str, Any]) -> bool:
    """Whether the schema itself admits null, however it is written."""
    types = value.get("type")
    return (
        bool(value.get("nullable"))
        or (isinstance(types, list) and "null" in types)
        or (isinstance(value.get("enum"), list) and None in value["enum"])
        or ("const" in value and value["const"] is None)
    )


def _all_of(resolver: Resolver, node: Node, depth: int) -> Shape | None:
    """A schema with ``allOf`` as its effective schema (``_merge``); a one-member ``allOf`` with
    only annotations beside it is the member itself, named as its ``$ref`` names it."""
    value = node.value
    all_of = value.get("allOf")
    if not isinstance(all_of, list) or not all_of or depth >= _MAX_DEPTH:
        return None
    if len(all_of) == 1 and set(value) <= {"allOf", "nullable", *_ANNOTATIONS}:
        return _shape(resolver, Node(all_of[0], node.ptr + pointer("allOf", 0)), depth + 1)
    own = {k: v for k, v in value.items() if k not in ("allOf", "nullable", *_ANNOTATIONS)}
    parts = [Node(own, node.ptr)] if own else []
    parts += [Node(m, node.ptr + pointer("allOf", i)) for i, m in enumerate(all_of)]
    return _merge(resolver, node.ptr, parts, depth)


def _is_null(value: Any) -> bool:
    return isinstance(value, Mapping) and (
        value.get("type") == "null" or ("const" in value and value["const"] is None)
    )


# How deep `allOf` merges may nest before a cycle of them (`A: allOf [B]`, `B: allOf [A]`) is
# read as written instead.
_MAX_DEPTH = 32
_LOWER = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
_UPPER = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
_SUBSCHEMAS = ("items", "additionalProperties", "propertyNames", "contains", "not")


def _merge(resolver: Resolver, ptr: str, parts: list[Node], depth: int) -> Shape | None:
    """The effective schema of ``allOf`` members (and the keywords beside them): a value must
    satisfy every member, so properties and ``required`` are united, types and enums
    intersected, bounds take the tightest, and a property or subschema several members
    declare is their merge in turn. ``None`` when a member is a union (its branches are
    compared as the ``allOf`` is written)."""
    shapes = [_shape(resolver, part, depth + 1) for part in parts]
    unions = [i for i, s in enumerate(shapes) if s.branches is not None]
    if len(unions) > 1:
        return None
    if unions:  # allOf [X, oneOf [A, B]] is oneOf [allOf [X, A], allOf [X, B]]
        union = shapes[unions[0]]
        others = [p for i, p in enumerate(parts) if i != unions[0]]
        branches: list[Node] = [_joined([*others, b]) for b in union.branches or ()]
        return Shape(Node(union.value, ptr), None, union.nullable, union.annotations, branches)
    merger = _Merger()
    for part in shapes:
        merger.add(part)
    return merger.shape(ptr, nullable=all(s.nullable for s in shapes))


_SET_KEYS = frozenset({"properties", "required", "type", "enum", "const", "allOf", "nullable",
                       *_SUBSCHEMAS, *_LOWER, *_UPPER, *_ANNOTATIONS})  # fmt: skip


@dataclass
class _Merger:
    merged: dict[str, Any] = field(default_factory=dict)
    props: dict[str, list[Node]] = field(default_factory=dict)
    subs: dict[str, list[Node]] = field(default_factory=dict)
    required: list[str] = field(default_factory=list)
    annotations: dict[str, Any] = field(default_factory=dict)
    types: frozenset[str] | None = None
    enum: list[Any] | None = None

    def add(self, part: Shape) -> None:
        value = part.value
        for key, found in part.annotations.items():
            self.annotations.setdefault(key, found)
        for name, child in part.properties().items():
            self.props.setdefault(name, []).append(child)
        for key in _SUBSCHEMAS:
            sub = part.sub(key)
            if sub is not None and sub.value is False:
                self.merged[key] = False
            elif sub is not None:
                self.subs.setdefault(key, []).append(sub)
        self.required += [r for r in value.get("required") or () if r not in self.required]
        if "type" in value:
            self.add_types(value["type"])
        listed = [value["const"]] if "const" in value else value.get("enum")
        if isinstance(listed, list):
            keys = {canonical(v) for v in listed}
            self.enum = listed if self.enum is None else [
                v for v in self.enum if canonical(v) in keys
            ]  # fmt: skip
        self.add_bounds(value)
        for key, found in value.items():
            if key in _SET_KEYS:
                continue
            if key == "uniqueItems":
                self.merged[key] = bool(self.merged.get(key)) or bool(found)
            else:
                self.merged.setdefault(key, found)

    def add_types(self, declared: Any) -> None:
        mine = frozenset([declared] if isinstance(declared, str) else declared or ()) - {"null"}
        if self.types is not None:
            both = self.types, mine

            def within(t: str, kinds: frozenset[str]) -> bool:
                return t in kinds or (t == "integer" and "number" in kinds)

            mine = frozenset(
                t for t in both[0] | both[1] if within(t, both[0]) and within(t, both[1])
            )
        self.types = mine

    def add_bounds(self, value: Mapping[str, Any]) -> None:
        for key in _LOWER + _UPPER:
            bound = value.get(key)
            if not isinstance(bound, int | float) or isinstance(bound, bool):
                continue
            if key not in self.merged:
                self.merged[key] = bound
            elif key in _LOWER:
                self.merged[key] = max(self.merged[key], bound)
            else:
                self.merged[key] = min(self.merged[key], bound)

    def shape(self, ptr: str, *, nullable: bool) -> Shape:
        merged = self.merged
        if self.types is not None:
            kinds = sorted(self.types)
            merged["type"] = kinds[0] if len(kinds) == 1 else kinds
        if self.enum is not None:
            merged["enum"] = self.enum
        props = {name: _joined(nodes) for name, nodes in self.props.items()}
        if props:
            merged["properties"] = {name: node.value for name, node in props.items()}
        if self.required:
            merged["required"] = self.required
        subs = {key: _joined(nodes) for key, nodes in self.subs.items() if key not in merged}
        for key, child in subs.items():
            merged[key] = child.value
        return Shape(Node(merged, ptr), None, nullable, self.annotations, props=props, subs=subs)


def _joined(nodes: list[Node]) -> Node:
    if len(nodes) == 1:
        return nodes[0]
    return Joined({"allOf": [n.value for n in nodes]}, nodes[0].ptr, tuple(nodes))


_SCHEMAS = "#/components/schemas/"
_DATA_KEYS = frozenset({"example", "examples", "default", "enum", "const"})


class Sameness:
    """Which schemas are the same in both documents, so the differ can skip them: most of a
    document does not change between versions, and a large one (Stripe's, 4 MB) compared
    schema by schema, operation by operation, takes minutes.

    Two schemas are the same when they are written alike and every component schema they
    reach through ``$ref``s is written alike in both documents, transitively. That is a
    sufficient condition only: schemas written differently may still mean the same, and the
    full comparison decides those.
    """

    def __init__(self, old: Resolver, new: Resolver) -> None:
        ocomp = _schemas_of(old.document)
        ncomp = _schemas_of(new.document)
        refs: dict[str, set[str] | None] = {}
        bad: set[str] = set(ocomp) ^ set(ncomp)
        for name, value in ocomp.items():
            if name in bad:
                continue
            if value != ncomp[name]:
                bad.add(name)
                continue
            refs[name] = _component_refs(value)
            if refs[name] is None:
                bad.add(name)
        users: dict[str, set[str]] = {}
        for name, targets in refs.items():
            for target in targets or ():
                users.setdefault(target, set()).add(name)
        for target in _targets_missing(refs, ocomp):
            bad.add(target)
        stack = list(bad)
        while stack:  # whatever reaches a changed component is changed
            for user in users.get(stack.pop(), ()):
                if user not in bad:
                    bad.add(user)
                    stack.append(user)
        self.good = frozenset(ocomp) - bad
        self._memo: dict[tuple[int, int], bool] = {}

    def same(self, old: Node, new: Node) -> bool:
        """Whether the two schemas are certainly the same (see the class)."""
        transient = isinstance(old, Joined) or isinstance(new, Joined)
        key = (id(old.value), id(new.value))
        if not transient and key in self._memo:
            return self._memo[key]
        found: bool = old.value == new.value
        if found:
            targets = _component_refs(old.value)
            found = targets is not None and targets <= self.good
        if not transient:
            self._memo[key] = found
        return found


def _targets_missing(refs: dict[str, set[str] | None], components: Mapping[str, Any]) -> set[str]:
    """Components that refer to a component the document does not have."""
    return {
        name for name, targets in refs.items() if any(t not in components for t in targets or ())
    }


def _schemas_of(document: Mapping[str, Any]) -> Mapping[str, Any]:
    components = document.get("components")
    schemas = components.get("schemas") if isinstance(components, Mapping) else None
    return schemas if isinstance(schemas, Mapping) else {}


def _component_refs(value: Any) -> set[str] | None:
    """The component schemas ``value`` refers to; ``None`` if it refers to anything else."""
    found: set[str] = set()
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            ref = node.get("$ref")
            if isinstance(ref, str):
                if not ref.startswith(_SCHEMAS):
                    return None
                found.add(unescape(ref[len(_SCHEMAS) :].split("/", 1)[0]))
            stack.extend(v for k, v in node.items() if k not in _DATA_KEYS)
        elif isinstance(node, list):
            stack.extend(node)
    return found
