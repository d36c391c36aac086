"""JSON pointers, ``$ref`` resolution and the normal form a schema is compared in."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .._errors import InputError
from .._pointer import join, unescape

__all__ = ["Node", "Resolver", "Shape", "canonical", "pointer", "shape"]

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


class Resolver:
    """Follows local ``$ref``s in one document; every bad reference is an ``InputError``."""

    def __init__(self, document: Mapping[str, Any], label: str) -> None:
        self.document = document
        self.label = label

    def lookup(self, ref: str, where: str) -> Node:
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

    def __post_init__(self) -> None:
        self.origin = self.origin or self.node.ptr

    @property
    def value(self) -> Mapping[str, Any]:
        return self.node.value if isinstance(self.node.value, Mapping) else {}


def shape(resolver: Resolver, node: Node) -> Shape:
    found = _shape(resolver, node)
    found.origin = node.ptr
    return found


def _shape(resolver: Resolver, node: Node) -> Shape:
    node, name = resolver.resolve(node)
    value = node.value
    if value is True or value is None or not isinstance(value, Mapping):
        return Shape(Node({}, node.ptr), name, nullable=value is True)
    annotations = {k: value[k] for k in _ANNOTATIONS if k in value}
    nullable = bool(value.get("nullable"))
    types = value.get("type")
    if isinstance(types, list) and "null" in types:
        nullable = True
    if isinstance(value.get("enum"), list) and None in value["enum"]:
        nullable = True
    if "const" in value and value["const"] is None:
        nullable = True
    all_of = value.get("allOf")
    if isinstance(all_of, list) and len(all_of) == 1 and set(value) <= {"allOf", *_ANNOTATIONS}:
        inner = shape(resolver, Node(all_of[0], node.ptr + pointer("allOf", 0)))
        inner.nullable = inner.nullable or nullable
        inner.annotations = {**inner.annotations, **annotations}
        return inner
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
            inner = shape(resolver, rest[0])
            inner.nullable = inner.nullable or nullable
            inner.annotations = {**inner.annotations, **annotations}
            return inner
        return Shape(node, name, nullable, annotations, rest)
    return Shape(node, name, nullable, annotations)


def _is_null(value: Any) -> bool:
    return isinstance(value, Mapping) and (
        value.get("type") == "null" or ("const" in value and value["const"] is None)
    )
