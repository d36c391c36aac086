"""Resolve ``$ref`` (and static ``$dynamicRef``) in JSON Schema 2020-12 documents.

The document is indexed once: every schema resource (``$id``), anchor (``$anchor`` and
``$dynamicAnchor``) and the JSON pointer of every schema node. Hand-written rather than
``referencing`` (which pydantic's stack installs) because the emitter needs the *location*
of each node for messages and its identity for naming, which ``referencing`` does not keep.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin

from synth._pointer import join as pointer_join
from synth._pointer import unescape
from synth.zod._errors import UnsupportedSchemaError

__all__ = ["DEFAULT_BASE", "Resolver", "Target", "join_uri", "pointer_join", "subschemas"]

DEFAULT_BASE = "https://synth.invalid/schema.json"

_SINGLE = (
    "additionalProperties", "items", "contains", "propertyNames", "not", "if", "then", "else",
    "unevaluatedItems", "unevaluatedProperties", "contentSchema",
)  # fmt: skip
_LIST = ("allOf", "anyOf", "oneOf", "prefixItems")
_MAP = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")


def subschemas(node: Mapping[str, Any], ptr: str) -> Iterator[tuple[Any, str]]:
    """Every direct subschema of ``node`` with its pointer."""
    for key in _SINGLE:
        if key in node:
            yield node[key], pointer_join(ptr, key)
    for key in _LIST:
        if isinstance(node.get(key), list):
            for i, sub in enumerate(node[key]):
                yield sub, pointer_join(ptr, key, i)
    for key in _MAP:
        if isinstance(node.get(key), Mapping):
            for name, sub in node[key].items():
                yield sub, pointer_join(ptr, key, name)


def join_uri(base: str, ref: str) -> str:
    """``urljoin`` that also handles fragment-only references against URN bases."""
    if ref.startswith("#"):
        return urldefrag(base).url + ref
    if ":" in ref.split("/", 1)[0]:
        return ref
    return urljoin(base, ref)


@dataclass(frozen=True, slots=True)
class Target:
    """A resolved reference: the schema node, its base URI and its pointer in the document."""

    node: Any
    base: str
    ptr: str


class Resolver:
    """An index of one document's resources, anchors and node locations."""

    def __init__(
        self,
        root: Any,
        base: str = DEFAULT_BASE,
        root_ptr: str = "#",
        documents: Mapping[str, Any] | None = None,
    ) -> None:
        self._resolved: dict[tuple[str, str], Target] = {}
        self.root = root
        self.resources: dict[str, Any] = {}
        self.anchors: dict[str, Target] = {}
        self.dynamic_anchors: dict[str, Target] = {}
        self.located: dict[int, Target] = {}
        self.resources[base] = root
        self._index(root, base, root_ptr)
        # Other documents the caller supplies (e.g. the 2020-12 meta-schemas), by URI.
        for uri, document in sorted((documents or {}).items()):
            self.resources.setdefault(uri, document)
            self._index(document, uri, uri + "#")

    def index(self, node: Any, ptr: str) -> None:
        """Index one more schema of the root document that is not under a schema keyword (an
        OpenAPI document's ``components/schemas`` and media-type schemas), so that its ``$id``,
        anchors and the ``$ref``s inside it resolve as JSON Schema says."""
        self._index(node, self.base_of(self.root, DEFAULT_BASE), ptr)

    def _index(self, node: Any, base: str, ptr: str) -> None:
        if not isinstance(node, Mapping):
            if isinstance(node, bool):
                self.located.setdefault(id(node), Target(node, base, ptr))
            return
        if isinstance(node.get("$id"), str):
            base = join_uri(base, node["$id"])
            base = urldefrag(base).url
            self.resources[base] = node
        self.located[id(node)] = Target(node, base, ptr)
        for key in ("$anchor", "$dynamicAnchor"):
            if isinstance(node.get(key), str):
                target = Target(node, base, ptr)
                self.anchors[f"{base}#{node[key]}"] = target
                if key == "$dynamicAnchor":
                    self.dynamic_anchors.setdefault(f"{base}#{node[key]}", target)
        for sub, sub_ptr in subschemas(node, ptr):
            self._index(sub, base, sub_ptr)

    def base_of(self, node: Any, default: str) -> str:
        found = self.located.get(id(node))
        return found.base if found else default

    def resolve(self, ref: str, base: str, ptr: str) -> Target:
        """The node ``ref`` names, relative to ``base``; ``ptr`` is where the ref sits."""
        # Memoised: a large document names the same component thousands of times, and URI
        # joining dominated emitting (the benchmark's profile). Errors are raised afresh.
        found = self._resolved.get((ref, base))
        if found is None:
            found = self._resolved[(ref, base)] = self._resolve(ref, base, ptr)
        return found

    def _resolve(self, ref: str, base: str, ptr: str) -> Target:
        uri = join_uri(base, ref)
        resource_uri, fragment = urldefrag(uri)
        if not fragment or fragment.startswith("/"):
            if resource_uri not in self.resources:
                raise UnsupportedSchemaError(
                    ptr,
                    f"$ref {ref!r} names {resource_uri!r}, which is not in this document",
                    "inline the remote schema under $defs with that $id",
                )
            node = self.resources[resource_uri]
            walked = "#" if node is self.root else self._ptr_of(node, ptr)
            for raw in fragment.split("/")[1:] if fragment else []:
                part = unescape(unquote(raw))
                walked = pointer_join(walked, part)
                if isinstance(node, Mapping) and part in node:
                    node = node[part]
                elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                    node = node[int(part)]
                else:
                    raise UnsupportedSchemaError(
                        ptr,
                        f"$ref {ref!r} points to nothing",
                        "point it at a part of the document or define what it names",
                    )
            known = self.located.get(id(node))
            if known:
                return known
            if isinstance(node, Mapping) and isinstance(node.get("$id"), str):
                return Target(node, urldefrag(join_uri(resource_uri, node["$id"])).url, walked)
            return Target(node, resource_uri, walked)
        key = f"{resource_uri}#{fragment}"
        if key not in self.anchors:
            raise UnsupportedSchemaError(ptr, f"$ref {ref!r}: no anchor {fragment!r}")
        return self.anchors[key]

    def _ptr_of(self, node: Any, fallback: str) -> str:
        found = self.located.get(id(node))
        return found.ptr if found else fallback
