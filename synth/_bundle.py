"""Bundle a multi-file OpenAPI document: every ``$ref`` to another file becomes a local one.

A schema from another file (``./schemas/pet.yaml#/Pet``) becomes a component schema
(``#/components/schemas/Pet``, a suffix where the name is taken) so that recursion and names
survive; anything else (a parameter, response, path item) is inlined where it is used. The
refs inside a file are read relative to that file, as RFC 3986 says.

Hand-written: the libraries at hand resolve rather than bundle. prance (a development
dependency) inlines every reference, which cannot represent a recursive schema, and
``referencing``/``jsonschema_path`` (under openapi-spec-validator) look targets up lazily but
do not rewrite a document.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlparse

from ._errors import InputError
from ._pointer import unescape

__all__ = ["bundle", "has_external_refs"]

_DATA = frozenset({"example", "examples", "default", "enum", "const"})
# Maps whose keys are names a user chose, not OpenAPI or JSON Schema keywords.
_NAMED = frozenset({"headers", "properties", "patternProperties", "$defs", "definitions",
                    "schemas", "responses", "parameters", "requestBodies", "securitySchemes",
                    "links", "callbacks", "pathItems", "paths", "webhooks", "content",
                    "encoding", "dependentSchemas"})  # fmt: skip


def has_external_refs(node: Any, uri: str = "") -> bool:
    """Whether any ``$ref`` in ``node`` (read from ``uri``) names another document: not
    itself, nor a schema resource it holds (a schema's ``$id``)."""
    resources = _resources(node, uri)
    return _external(node, uri, resources | {urldefrag(uri).url})


def _external(node: Any, base: str, resources: set[str]) -> bool:
    if isinstance(node, Mapping):
        base = _rebase(node, base)
        ref = node.get("$ref")
        if isinstance(ref, str) and urldefrag(_join(base, ref)).url not in resources:
            return True
        return any(_external(v, base, resources) for k, v in node.items() if k not in _DATA)
    if isinstance(node, list):
        return any(_external(v, base, resources) for v in node)
    return False


@functools.lru_cache(maxsize=65536)
def _join(base: str, ref: str) -> str:
    """``urljoin``, which also joins a fragment to a URN (JSON Schema's ``$id`` may be one).
    Cached: a large multi-file document names the same few files thousands of times
    (DigitalOcean's: 17,000 references), and urllib's parsing is most of the bundling time."""
    if ref.startswith("#"):
        return urldefrag(base).url + ref
    if ":" in ref.split("/", 1)[0]:
        return ref
    return urljoin(base, ref)


def _rebase(node: Mapping[str, Any], base: str) -> str:
    """The base URI inside ``node``: its ``$id`` (JSON Schema 2020-12), resolved against
    ``base``, where it has one."""
    found = node.get("$id")
    return urldefrag(_join(base, found)).url if isinstance(found, str) else base


def _resources(node: Any, base: str) -> set[str]:
    """The URI of every schema resource (``$id``) in ``node``: ``$ref``s to them stay."""
    found: set[str] = set()
    if isinstance(node, Mapping):
        if isinstance(node.get("$id"), str):
            base = _rebase(node, base)
            found.add(base)
        for key, value in node.items():
            if key not in _DATA:
                found |= _resources(value, base)
    elif isinstance(node, list):
        for value in node:
            found |= _resources(value, base)
    return found


def bundle(
    document: Mapping[str, Any],
    uri: str,
    load: Callable[[str], Any],
    label: str,
    *,
    notes: list[str] | None = None,
) -> dict[str, Any]:
    """``document`` (read from ``uri``) with other files' content brought in.

    ``load(file_uri)`` returns a parsed file; ``label`` names the document in messages.
    ``notes``: a ``$ref`` whose ``#`` is part of a file's name (``flows#clone.yaml``, not the
    file ``flows`` at the fragment ``clone.yaml``, which is not a JSON pointer) is read as that
    file, with a note; without it, the reference is read as RFC 3986 says.
    """
    bundler = _Bundler(document, uri, load, label)
    bundler.notes = notes
    return bundler.run()


class _Bundler:
    def __init__(
        self, document: Mapping[str, Any], uri: str, load: Callable[[str], Any], label: str
    ) -> None:
        self.root: dict[str, Any] = copy.deepcopy(dict(document))
        self.uri = uri
        self.load = load
        self.label = label
        self.files: dict[str, Any] = {uri: self.root}
        self.names: dict[str, str] = {}  # absolute ref -> local component name
        self.schemas: dict[str, Any] = {}
        self.inlining: list[str] = []
        self.resources = _resources(self.root, uri)
        self.notes: list[str] | None = None
        self.resolved: dict[str, Any] = {}

    def run(self) -> dict[str, Any]:
        components = self.root.get("components")
        existing = components.get("schemas", {}) if isinstance(components, Mapping) else {}
        self.taken = set(existing) if isinstance(existing, Mapping) else set()
        self.root = self._walk(self.root, self.uri, schema=False)
        if self.schemas:
            components = self.root.setdefault("components", {})
            components.setdefault("schemas", {}).update(self.schemas)
        return self.root

    def _walk(self, node: Any, base: str, *, schema: bool, named: bool = False) -> Any:
        """``named``: ``node`` is a map of names (headers, properties...), where a key that
        starts with ``x-`` is a name (``x-request-id``), not an extension."""
        if isinstance(node, list):
            return [self._walk(v, base, schema=schema) for v in node]
        if not isinstance(node, dict):
            return node
        if schema:
            base = _rebase(node, base)
        ref = node.get("$ref")
        internal = isinstance(ref, str) and urldefrag(_join(base, ref)).url in self.resources
        if isinstance(ref, str) and not internal and not (ref.startswith("#") and base == self.uri):
            target = self._literal_hash(base, ref) or _join(base, ref)
            file_uri, fragment = _defrag(target)
            if file_uri == self.uri:  # back into the document itself: a local reference
                return self._walk({**node, "$ref": "#" + fragment}, self.uri, schema=schema)
            if schema:
                node = {**node, "$ref": "#/components/schemas/" + self._component(target)}
            else:
                return self._inline(target, node)
        out = {}
        for key, value in node.items():
            # Outside a schema, `default` is a Response Object and `examples` a map of Example
            # Objects, which may be references; `example` is data everywhere.
            data = key in _DATA and (schema or key not in ("default", "examples")) and not named
            if data or (key.startswith("x-") and not named):
                out[key] = value
            else:
                inner = schema or key in ("schema", "schemas")
                out[key] = self._walk(value, base, schema=inner, named=key in _NAMED and not named)
        return out

    def _literal_hash(self, base: str, ref: str) -> str | None:
        """The file named by all of ``ref`` when its fragment is no JSON pointer but that file
        exists (only when reading as meant: ``notes`` is set)."""
        fragment = urldefrag(ref).fragment
        if self.notes is None or ref.startswith("#") or not fragment or fragment[0] == "/":
            return None
        literal = urljoin(base, ref.replace("#", "%23"))
        if literal not in self.files:
            try:
                self.files[literal] = self.load(literal)
            except InputError:
                return None
            self.notes.append(
                f"$ref {ref!r}: its fragment {fragment!r} is not a JSON pointer, and a file "
                f"of that whole name exists; read as that file (write `#` as `%23` in a $ref)"
            )
        return literal

    def _component(self, target: str) -> str:
        if target in self.names:
            return self.names[target]
        file_uri, fragment = urldefrag(target)
        last = unescape(fragment.rsplit("/", 1)[-1]) if fragment.strip("/") else ""
        stem = last or Path(urlparse(file_uri).path).stem or "Schema"
        name, n = stem, 2
        while name in self.taken:
            name, n = f"{stem}{n}", n + 1
        self.taken.add(name)
        self.names[target] = name
        self.schemas[name] = self._walk(self._resolve(target), file_uri, schema=True)
        return name

    def _inline(self, target: str, node: Mapping[str, Any]) -> Any:
        if target in self.inlining:
            raise InputError(
                f"{self.label}: $ref {node['$ref']!r} refers back to itself through other "
                "files (outside a schema, where it cannot become a component); fix the document"
            )
        self.inlining.append(target)
        file_uri = _defrag(target)[0]
        # The walk builds new containers, so the file's own objects are never changed; values
        # under data keys (examples) are shared between the places that inline them.
        found = self._walk(self._resolve(target), file_uri, schema=False)
        self.inlining.pop()
        return found

    def _resolve(self, target: str) -> Any:
        if target in self.resolved:
            return self.resolved[target]
        self.resolved[target] = found = self._find(target)
        return found

    def _find(self, target: str) -> Any:
        file_uri, fragment = _defrag(target)
        if file_uri not in self.files:
            self.files[file_uri] = self.load(file_uri)
        node = self.files[file_uri]
        for raw in fragment.split("/")[1:] if fragment else []:
            part = unescape(unquote(raw))
            if isinstance(node, Mapping) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                raise InputError(
                    f"{self.label}: $ref {target!r} points to nothing in that file; "
                    "fix the reference"
                )
        return node


@functools.lru_cache(maxsize=65536)
def _defrag(target: str) -> tuple[str, str]:
    file_uri, fragment = urldefrag(target)
    return file_uri, fragment
