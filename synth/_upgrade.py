"""Read an OpenAPI 3.0 document as the OpenAPI 3.1 document that means the same.

The changes are those of the OpenAPI Initiative's 3.0 -> 3.1 migration guide that alter what a
schema accepts: ``nullable: true`` adds ``null`` to the schema's type and ``enum`` (a schema
with no type, or with ``allOf``/``anyOf``/``oneOf``, becomes ``anyOf: [schema, null]``), a
boolean ``exclusiveMinimum``/``exclusiveMaximum`` takes its bound's number, ``example``
becomes ``examples``, and the siblings of a ``$ref`` (ignored in 3.0, applied in 3.1) are
dropped, except annotations. ``nullable`` beside a ``$ref`` is honoured, since that is what
its authors mean and what the common generators do.

Hand-written: PyPI has no maintained 3.0 -> 3.1 upgrader (the known ones are npm tools, and
they convert the other way or rewrite far more than the schemas), and the rules are few.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

__all__ = ["upgrade_30"]

# Keys whose values are data, not schemas or OpenAPI objects: never walked.
_DATA = frozenset({"example", "examples", "default", "enum", "const", "value"})
# Subschema positions in an OpenAPI 3.0 Schema Object.
_SINGLE = ("items", "additionalProperties", "not")
_LIST = ("allOf", "anyOf", "oneOf")
# Annotations a 3.0 ``$ref`` may carry that keep their meaning beside it in 3.1.
_REF_ANNOTATIONS = frozenset({"$ref", "description", "summary", "title", "deprecated",
                              "readOnly", "writeOnly", "examples"})  # fmt: skip


def upgrade_30(document: Mapping[str, Any], *, in_place: bool = False) -> dict[str, Any]:
    """A deep copy of the 3.0 ``document`` as OpenAPI 3.1.0; with ``in_place``, the document
    itself, changed (for a caller that owns it: copying Stripe's costs a third of a second)."""
    out: dict[str, Any] = (
        document if in_place and isinstance(document, dict) else (copy.deepcopy(dict(document)))
    )
    out["openapi"] = "3.1.0"
    _walk(out)
    return out


def _walk(node: Any) -> None:
    """Find every Schema Object outside a schema (``schema`` keys, ``components.schemas``)."""
    if isinstance(node, list):
        for item in node:
            _walk(item)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key in _DATA or key.startswith("x-"):
            continue
        if key == "schema":
            node[key] = _schema(value)
        elif key == "schemas" and isinstance(value, dict):
            for name in value:
                value[name] = _schema(value[name])
        else:
            _walk(value)


def _schema(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    for key in _SINGLE:
        if isinstance(node.get(key), dict):
            node[key] = _schema(node[key])
    for key in _LIST:
        if isinstance(node.get(key), list):
            node[key] = [_schema(s) for s in node[key]]
    if isinstance(node.get("properties"), dict):
        node["properties"] = {k: _schema(v) for k, v in node["properties"].items()}
    if "example" in node:
        node["examples"] = [node.pop("example")]
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        flag = node.get(exclusive)
        if isinstance(flag, bool):
            del node[exclusive]
            if flag and bound in node:
                node[exclusive] = node.pop(bound)
    nullable = node.pop("nullable", False) is True
    if "$ref" in node:
        node = {k: v for k, v in node.items() if k in _REF_ANNOTATIONS}
    if nullable:
        node = _nullable(node)
    return node


def _nullable(node: dict[str, Any]) -> dict[str, Any]:
    kind = node.get("type")
    if isinstance(node.get("enum"), list) and None not in node["enum"]:
        # 3.0's nullable does not add to an enum, but an enum that lists no null would refuse
        # it: the 3.1 reading (the migration guide's) adds null to both.
        node["enum"] = [*node["enum"], None]
    if isinstance(kind, str) and not any(k in node for k in ("allOf", "anyOf", "oneOf")):
        node["type"] = [kind, "null"]
        return node
    if kind is None or isinstance(kind, str):
        # Beside an applicator (`allOf: [$ref]`, the usual way to make a reference
        # nullable), null must pass the applicator too: the whole schema or null.
        annotations: dict[str, Any] = {
            k: node.pop(k) for k in ("description", "title", "default") if k in node
        }
        return {**annotations, "anyOf": [node, {"type": "null"}]}
    return node
