"""Read the broken constructs of a foreign OpenAPI 3.1 document as their authors meant them.

Real documents carry mistakes a validator reports and every tool reads the same way anyway.
Each reading here is the one its author clearly meant, and each is reported as a located note
(``#/pointer: what is wrong; how synth read it``):

- a boolean ``exclusiveMinimum``/``exclusiveMaximum`` (OpenAPI 3.0, JSON Schema draft 4) in a
  3.1 schema: ``true`` makes its bound exclusive, ``false`` says nothing;
- a name listed twice in ``required``: required once;
- a ``$schema`` naming another draft of JSON Schema, or 2020-12 with a trailing ``#``: read as
  2020-12 (the schema's boolean bounds read as above; a list in ``items`` as ``prefixItems``),
  since a 3.1 document's schemas are;
- ``properties: {$ref: ...}`` pointing at a map of properties (a ``$ref`` where a schema
  cannot be): those properties.

3.0 documents get the first reading through the 3.0 -> 3.1 upgrade (``synth._upgrade``), after
this. Hand-written: these are readings of mistakes, which no library makes.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from ._pointer import escape, unescape

__all__ = ["repair"]

_DATA = frozenset({"example", "examples", "default", "enum", "const", "value"})
_SINGLE = ("items", "additionalProperties", "not", "contains", "propertyNames", "if", "then",
           "else", "unevaluatedItems", "unevaluatedProperties", "contentSchema")  # fmt: skip
_LIST = ("allOf", "anyOf", "oneOf", "prefixItems")
_MAP = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def repair(document: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """``document``, changed in place (the caller's own parse: a copy of a large document
    costs more than the rest of this), with each construct above read as meant; a note for
    each."""
    is_30 = str(document.get("openapi", "")).startswith("3.0")
    _Repair(document, notes, is_30=is_30).walk(document, "#")
    return document


class _Repair:
    def __init__(self, root: dict[str, Any], notes: list[str], is_30: bool) -> None:
        self.root = root
        self.notes = notes
        self.is_30 = is_30

    def note(self, pointer: str, message: str) -> None:
        self.notes.append(f"{pointer}: {message}")

    def walk(self, node: Any, where: str) -> None:
        """Find every Schema Object outside a schema (``schema`` keys, ``components.schemas``)."""
        if isinstance(node, list):
            for i, item in enumerate(node):
                self.walk(item, f"{where}/{i}")
            return
        if not isinstance(node, dict):
            return
        for key, value in node.items():
            if key in _DATA or key.startswith("x-"):
                continue
            here = f"{where}/{escape(key)}"
            if key == "schema":
                self.schema(value, here)
            elif key == "schemas" and isinstance(value, dict):
                for name, schema in value.items():
                    self.schema(schema, f"{here}/{escape(name)}")
            else:
                self.walk(value, here)

    def schema(self, node: Any, where: str, tuples: bool = False) -> None:
        """``tuples``: inside a schema of a draft before 2020-12, where an ``items`` list is
        what 2020-12 calls ``prefixItems`` and ``additionalItems`` is its ``items``."""
        if not isinstance(node, dict):
            return
        tuples = tuples or self.older_draft(node)
        if tuples:
            self.tuple_items(node, where)
        self.properties_ref(node, where)
        for key in _SINGLE:
            if isinstance(node.get(key), dict):
                self.schema(node[key], f"{where}/{key}", tuples)
        for key in _LIST:
            if isinstance(node.get(key), list):
                for i, sub in enumerate(node[key]):
                    self.schema(sub, f"{where}/{key}/{i}", tuples)
        for key in _MAP:
            if isinstance(node.get(key), dict):
                for name, sub in node[key].items():
                    self.schema(sub, f"{where}/{escape(key)}/{escape(str(name))}", tuples)
        self.dialect(node, where)
        required = node.get("required")
        if isinstance(required, list) and len(set(map(repr, required))) < len(required):
            once = list(dict.fromkeys(required))
            twice = sorted({r for r in required if required.count(r) > 1}, key=str)
            node["required"] = once
            self.note(
                f"{where}/required",
                f"{', '.join(map(repr, twice))} listed more than once in `required` (its items "
                "must be unique); read as required once",
            )
        if not self.is_30:
            self.bounds(node, where)

    def bounds(self, node: dict[str, Any], where: str) -> None:
        for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
            flag = node.get(exclusive)
            if not isinstance(flag, bool):
                continue
            del node[exclusive]
            if flag and isinstance(node.get(bound), int | float):
                node[exclusive] = node.pop(bound)
                reading = (
                    f"read as `{exclusive}: {node[exclusive]!r}`, the exclusive bound it means"
                )
            elif flag:
                reading = f"ignored: there is no `{bound}` for it to make exclusive"
            else:
                reading = f"ignored: `false` leaves `{bound}` inclusive, as it is anyway"
            self.note(
                f"{where}/{exclusive}",
                f"`{exclusive}: {str(flag).lower()}` is OpenAPI 3.0's boolean form, a number in "
                f"3.1; {reading}",
            )

    def tuple_items(self, node: dict[str, Any], where: str) -> None:
        if isinstance(node.get("items"), list) and "prefixItems" not in node:
            node["prefixItems"] = node.pop("items")
            if "additionalItems" in node:
                node["items"] = node.pop("additionalItems")
            self.note(
                f"{where}/items",
                "a list of schemas in `items` (JSON Schema before 2020-12); read as "
                "`prefixItems`, and `additionalItems` as `items`, as 2020-12 writes them",
            )

    def older_draft(self, node: dict[str, Any]) -> bool:
        declared = node.get("$schema")
        return (
            not self.is_30
            and isinstance(declared, str)
            and ("draft-0" in declared or "2019-09" in declared)
        )

    def dialect(self, node: dict[str, Any], where: str) -> None:
        declared = node.get("$schema")
        if self.is_30 or not isinstance(declared, str) or declared == _DIALECT:
            return
        if "spec.openapis.org/oas/3.1/dialect" in declared:
            return
        node["$schema"] = _DIALECT
        self.note(
            f"{where}/$schema",
            f"`$schema: {declared}` is not a JSON Schema dialect OpenAPI 3.1 reads; read as "
            "JSON Schema 2020-12, as every schema of a 3.1 document is by default",
        )

    def properties_ref(self, node: dict[str, Any], where: str) -> None:
        properties = node.get("properties")
        if not isinstance(properties, dict) or not isinstance(properties.get("$ref"), str):
            return
        ref = properties["$ref"]
        target = self.resolve(ref)
        if not isinstance(target, Mapping) or not all(
            isinstance(v, Mapping | bool) for v in target.values()
        ):
            return
        merged = {k: v for k, v in properties.items() if k != "$ref"}
        for name, schema in target.items():
            merged.setdefault(name, copy.deepcopy(schema))
        node["properties"] = merged
        self.note(
            f"{where}/properties/$ref",
            f"`properties` holds a `$ref` ({ref}), which is not a schema, to a map of "
            f"properties; read as those properties ({', '.join(map(str, target))})",
        )

    def resolve(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            return None
        node: Any = self.root
        for token in ref[2:].split("/"):
            key = unescape(token)
            if not isinstance(node, Mapping) or key not in node:
                return None
            node = node[key]
        return node
