"""``unevaluatedProperties`` and ``unevaluatedItems``: annotations computed at compile time.

Zod has no notion of annotations, so for a schema with ``unevaluated*`` the emitter builds,
from the schema's structure, a function that returns which keys (or indices) the adjacent
keywords and in-place subschemas evaluate for a given value: ``properties`` the names it
lists, ``patternProperties`` the keys that match, ``anyOf``/``oneOf`` only the branches that
accept the value, ``if`` the ``then`` or ``else`` side, ``$ref`` the target's own function
(named, so recursion works). The check then validates every other key or item against the
``unevaluated*`` schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from synth.zod import _ts
from synth.zod._expr import Compiler, Node
from synth.zod._refs import pointer_join
from synth.zod._regex import translate_regex

__all__ = ["items_ev", "props_ev", "unevaluated_check"]


def unevaluated_check(emitter: Compiler, n: Node) -> list[str]:
    """The checks for ``unevaluatedProperties`` / ``unevaluatedItems`` on node ``n``."""
    checks = []
    if "unevaluated" in n.obj:
        ev = props_ev(emitter, n.node, n.ptr, n.base, own=True)
        checks.append(f"{emitter.use('unevaluatedProperties')}({ev}, {n.obj['unevaluated'].code})")
    if "unevaluated" in n.array:
        ev = items_ev(emitter, n.node, n.ptr, n.base, own=True)
        checks.append(f"{emitter.use('unevaluatedItems')}({ev}, {n.array['unevaluated'].code})")
    return checks


def _common(
    emitter: Compiler, node: Mapping[str, Any], ptr: str, base: str, kind: str
) -> list[str]:
    """The in-place applicators, shared by both kinds."""
    walk = props_ev if kind == "props" else items_ev
    parts: list[str] = []
    for i, sub in enumerate(node.get("allOf", [])):
        parts.append(walk(emitter, sub, pointer_join(ptr, "allOf", i), base))
    for key in ("anyOf", "oneOf"):
        for i, sub in enumerate(node.get(key, [])):
            sub_ptr = pointer_join(ptr, key, i)
            schema = emitter.compile(sub, sub_ptr, base).code
            parts.append(f"{emitter.use('evWhen')}({schema}, {walk(emitter, sub, sub_ptr, base)})")
    if "if" in node:
        cond = emitter.compile(node["if"], pointer_join(ptr, "if"), base).code
        if_ev = walk(emitter, node["if"], pointer_join(ptr, "if"), base)
        then_ev = walk(emitter, node.get("then", True), pointer_join(ptr, "then"), base)
        else_ev = walk(emitter, node.get("else", True), pointer_join(ptr, "else"), base)
        parts.append(
            f"{emitter.use('evIf')}({cond}, {emitter.use('evUnion')}([{if_ev}, {then_ev}]), {else_ev})"
        )
    for key in ("$ref", "$dynamicRef"):
        if isinstance(node.get(key), str):
            parts.append(_ref_ev(emitter, node, key, ptr, base, kind))
    return parts


def _ref_ev(  # noqa: PLR0917
    emitter: Compiler, node: Mapping[str, Any], key: str, ptr: str, base: str, kind: str
) -> str:
    if key == "$dynamicRef":
        target = emitter.dynamic_target(node[key], base, ptr)
    else:
        target = emitter.resolver.resolve(node[key], base, ptr)
    name = emitter.ev_function(kind, target)
    return f"(v) => {name}(v)"


def props_ev(emitter: Compiler, node: Any, ptr: str, base: str, *, own: bool = False) -> str:
    """An ``Ev`` expression: the property names ``node`` evaluates on a value."""
    if not isinstance(node, Mapping):
        return emitter.use("evNone")
    base = emitter.resolver.base_of(node, base)
    parts = []
    if isinstance(node.get("properties"), Mapping):
        parts.append(f"{emitter.use('evNames')}({_ts.literal(list(node['properties']))})")
    if isinstance(node.get("patternProperties"), Mapping):
        regexes = ", ".join(
            translate_regex(p, pointer_join(ptr, "patternProperties", p)).literal()
            for p in node["patternProperties"]
        )
        parts.append(f"{emitter.use('evPatterns')}([{regexes}])")
    if "additionalProperties" in node or (not own and "unevaluatedProperties" in node):
        parts.append(emitter.use("evAll"))
    if isinstance(node.get("dependentSchemas"), Mapping):
        for key, sub in node["dependentSchemas"].items():
            sub_ev = props_ev(emitter, sub, pointer_join(ptr, "dependentSchemas", key), base)
            parts.append(f"{emitter.use('evDependent')}({_ts.string(key)}, {sub_ev})")
    parts += _common(emitter, node, ptr, base, "props")
    return _union(emitter, parts)


def items_ev(emitter: Compiler, node: Any, ptr: str, base: str, *, own: bool = False) -> str:
    """An ``Ev`` expression: the item indices ``node`` evaluates on a value."""
    if not isinstance(node, Mapping):
        return emitter.use("evNone")
    base = emitter.resolver.base_of(node, base)
    parts = []
    if isinstance(node.get("prefixItems"), list):
        parts.append(f"{emitter.use('evPrefix')}({len(node['prefixItems'])})")
    if "items" in node or (not own and "unevaluatedItems" in node):
        parts.append(emitter.use("evAll"))
    if "contains" in node:
        schema = emitter.compile(node["contains"], pointer_join(ptr, "contains"), base).code
        parts.append(f"{emitter.use('evContains')}({schema})")
    parts += _common(emitter, node, ptr, base, "items")
    return _union(emitter, parts)


def _union(emitter: Compiler, parts: list[str]) -> str:
    if not parts:
        return emitter.use("evNone")
    if len(parts) == 1:
        return parts[0]
    return f"{emitter.use('evUnion')}([{', '.join(parts)}])"
