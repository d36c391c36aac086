"""The schema walker: JSON Schema 2020-12 nodes to Zod 4 expressions.

One method per keyword, ``kw_<keyword>`` (``$`` dropped), looked up by name; the class
refuses to be defined if a keyword in ``KEYWORDS`` has no method (pydantic's
``GenerateJsonSchema`` does the same per core-schema kind). Keyword methods record what the
keyword asks for on a ``Node``; ``_assemble`` then writes the idiomatic Zod for the
common shapes (``z.object``, ``z.enum``, ``.nullable()``, ``z.discriminatedUnion``) and
falls back to named checks from ``_runtime`` for what Zod has no combinator for.

References become named constants. After every constant is compiled, the reference graph is
split into strongly connected components: a reference inside a cycle (or forward) becomes
``z.lazy(() => X)`` and every member of a cycle gets an explicit TypeScript type, which is
what ``tsc --strict`` needs to type a recursive schema.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from synth._pointer import unescape
from synth.zod import _ts
from synth.zod._errors import UnsupportedSchemaError
from synth.zod._expr import NEVER, UNKNOWN, Expr, Node
from synth.zod._refs import Resolver, Target, pointer_join, subschemas
from synth.zod._regex import ecma_regex, translate_regex
from synth.zod._unevaluated import items_ev, props_ev, unevaluated_check

__all__ = ["KEYWORDS", "Definition", "Expr", "SchemaEmitter"]

# Every keyword the emitter understands, by vocabulary. Anything else in a schema (other than
# ``x-`` extensions) is an error naming its location.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "core": ("$schema", "$id", "$anchor", "$dynamicAnchor", "$ref", "$dynamicRef", "$defs",
             "definitions", "$comment", "$vocabulary"),
    "annotation": ("title", "description", "default", "examples", "deprecated", "readOnly",
                   "writeOnly", "contentMediaType", "contentEncoding", "contentSchema",
                   "example", "externalDocs", "xml", "discriminator"),
    "any": ("type", "enum", "const", "allOf", "anyOf", "oneOf", "not", "if", "then", "else"),
    "number": ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"),
    "string": ("minLength", "maxLength", "pattern", "format"),
    "array": ("items", "prefixItems", "contains", "minContains", "maxContains", "minItems",
              "maxItems", "uniqueItems", "unevaluatedItems"),
    "object": ("properties", "patternProperties", "additionalProperties", "propertyNames",
               "required", "minProperties", "maxProperties", "dependentRequired",
               "dependentSchemas", "unevaluatedProperties"),
}  # fmt: skip
_TYPE_OF_KEYWORD = {
    kw: vocab for vocab in ("number", "string", "array", "object") for kw in KEYWORDS[vocab]
}
JSON_TYPES = ("null", "boolean", "object", "array", "number", "integer", "string")
SAFE = 2**53 - 1

# Formats pydantic emits, with the runtime check that matches what pydantic accepts.
FORMAT_CHECKS = {
    "date-time": "isDateTime",
    "date": "isDate",
    "time": "isTime",
    "duration": "isDuration",
    "uuid": "isUuid",
    "email": "isEmail",
    "uri": "isUri",
    "ipv4": "isIpv4",
    "ipv6": "isIpv6",
}
# Formats that are annotations only (pydantic's and OpenAPI's; they do not restrict strings).
ANNOTATION_FORMATS = frozenset({"binary", "password", "byte", "int32", "int64", "float", "double"})
# Pattern dialects: "ecma" reads ``pattern`` as ECMA-262, as OpenAPI 3.1 and JSON Schema say;
# "pydantic" reads it in the Rust dialect pydantic checks it in (synth's own contracts).
PATTERN_DIALECTS = ("ecma", "pydantic")


def _file(rules: Mapping[str, Any]) -> Expr:
    """A multipart file part (synth's ``x-synth-file``): Zod's ``z.file()``, which a server
    gets from ``request.formData()`` (``File`` is a global from Node 20), with its limits."""
    code = "z.file()"
    if isinstance(rules.get("maxSize"), int):
        code += f".max({rules['maxSize']})"
    kinds = [m for m in rules.get("mediaTypes", ()) if isinstance(m, str)]
    if kinds:
        code += f".mime({_ts.literal(kinds)})"
    return Expr(code, "File")


@dataclass(slots=True)
class Definition:
    """A named constant: an exported root or the target of a reference."""

    index: int
    name: str
    target: Target
    exported: bool
    description: str | None = None
    expr: Expr | None = None
    deps: set[int] = field(default_factory=set)
    # The schema resources entered on the way to this constant, outermost first: the
    # dynamic scope a `$dynamicRef` inside it is resolved in.
    scope: tuple[str, ...] = ()


class SchemaEmitter:
    """Compile the schemas of one document into named Zod constants."""

    _dispatch: ClassVar[dict[str, Callable[[SchemaEmitter, Node, Any], None]]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._build_dispatch()

    @classmethod
    def _build_dispatch(cls) -> None:
        table = {}
        for vocab in KEYWORDS.values():
            for keyword in vocab:
                method = getattr(cls, "kw_" + keyword.lstrip("$"), None)
                if method is None:
                    raise TypeError(f"{cls.__name__} has no method kw_{keyword.lstrip('$')}")
                table[keyword] = method
        cls._dispatch = table

    def __init__(
        self,
        resolver: Resolver,
        *,
        assert_formats: bool = True,
        pydantic: bool = True,
        patterns: str | None = None,
    ) -> None:
        self.resolver = resolver
        self.assert_formats = assert_formats
        self.pydantic = pydantic
        self.patterns = patterns or ("pydantic" if pydantic else "ecma")
        if self.patterns not in PATTERN_DIALECTS:
            raise ValueError(f"patterns={self.patterns!r}: expected one of {PATTERN_DIALECTS}")
        # What the output does not enforce though the document says it (unknown formats),
        # one line each with its location, for the command to report.
        self.notes: list[str] = []
        self.helpers: set[str] = set()
        self.defs: list[Definition] = []
        # A constant per schema node and per dynamic scope it is reached in (the resources
        # in scope that declare a `$dynamicAnchor`: none in most documents, so one per node).
        self._by_node: dict[tuple[int, tuple[str, ...]], Definition] = {}
        self._dynamic_bases = {t.base for t in resolver.dynamic_anchors.values()}
        self._names: set[str] = set()
        self._pending: list[Definition] = []
        self._entered: list[str] = [resolver.base_of(resolver.root, "")]
        self.ev_defs: dict[tuple[str, int], tuple[str, str]] = {}  # (kind, node) -> (name, code)

    # -- definitions -------------------------------------------------------------------------
    def define(self, name: str, target: Target, *, exported: bool) -> Definition:
        """Register a named constant for ``target`` (compiled by ``compile_all``)."""
        scope = tuple(dict.fromkeys([*self._entered, target.base]))
        key = (id(target.node), tuple(b for b in scope if b in self._dynamic_bases))
        found = self._by_node.get(key)
        if found is not None:
            if exported and not found.exported:
                found.exported = True
            return found
        ident = _ts.identifier(name)
        candidate, n = ident, 2
        while candidate in self._names:
            candidate, n = f"{ident}{n}", n + 1
        self._names.add(candidate)
        desc = target.node.get("description") if isinstance(target.node, Mapping) else None
        definition = Definition(len(self.defs), candidate, target, exported, desc, scope=scope)
        self.defs.append(definition)
        self._by_node[key] = definition
        self._pending.append(definition)
        return definition

    def reserve(self, name: str) -> None:
        self._names.add(name)

    def compile_all(self) -> None:
        while self._pending:
            definition = self._pending.pop(0)
            self._current = definition
            # Each constant is compiled in its own dynamic scope, so that one root's
            # `$dynamicAnchor`s do not leak into another's in a document with many.
            self._entered = list(definition.scope)
            target = definition.target
            definition.expr = self.compile(target.node, target.ptr, target.base, top=True)

    def ev_function(self, kind: str, target: Target) -> str:
        """The name of the module-level ``Ev`` function for ``target`` (see _unevaluated)."""
        key = (kind, id(target.node))
        if key not in self.ev_defs:
            name = _ts.identifier(f"ev{kind.title()}_{_ref_name(target.ptr)}")
            candidate, n = name, 2
            while candidate in self._names:
                candidate, n = f"{name}{n}", n + 1
            self._names.add(candidate)
            self.ev_defs[key] = (candidate, "")
            walk = props_ev if kind == "props" else items_ev
            self.ev_defs[key] = (candidate, walk(self, target.node, target.ptr, target.base))
            self.use("Ev")
        return self.ev_defs[key][0]

    def _ref_expr(self, target: Target) -> Expr:
        if target.base not in self._entered:
            self._entered.append(target.base)
        name = _ref_name(target.ptr)
        definition = self.define(name, target, exported=False)
        self._current.deps.add(definition.index)
        return Expr(f"\x00{definition.index}\x00", f"\x01{definition.index}\x01")

    # -- walking -----------------------------------------------------------------------------
    def compile(self, node: Any, ptr: str, base: str, *, top: bool = False) -> Expr:
        """The Zod expression for one schema (``top``: the body of a named constant)."""
        if node is True:
            return UNKNOWN
        if node is False:
            return NEVER
        if not isinstance(node, Mapping):
            raise UnsupportedSchemaError(
                ptr, f"a schema must be an object or boolean, not {node!r}"
            )
        if not top and node.get("$id") is not None:
            # A nested resource is its own constant so that references into it resolve.
            found = self.resolver.located.get(id(node))
            if found is not None:
                return self._ref_expr(found)
        file = node.get("x-synth-file")
        if isinstance(file, Mapping) and node.get("type") == "string":
            return _file(file)
        base = self.resolver.base_of(node, base)
        n = Node(node, ptr, base)
        for keyword, value in node.items():
            method = self._dispatch.get(keyword)
            if method is not None:
                method(self, n, value)
            elif not keyword.startswith("x-"):
                self._unknown_keyword(pointer_join(ptr, keyword), keyword)
        return self._assemble(n)

    def _unknown_keyword(self, where: str, keyword: str) -> None:
        """An unknown keyword: JSON Schema 2020-12 makes it an annotation, so a document's is
        reported and ignored; a contract's (``pydantic``) is a mistake."""
        if keyword == "nullable":
            meaning = (
                "`nullable` is OpenAPI 3.0 and means nothing in 3.1: write type: [..., 'null'], "
                "or declare the document openapi: 3.0.x, which synth reads through an upgrade"
            )
        else:
            meaning = f"unknown keyword {keyword!r}"
        if self.patterns == "pydantic" or not self.pydantic:
            hint = "remove it, or prefix it with 'x-' if it is an annotation"
            if keyword == "nullable":
                meaning, hint = "unknown keyword 'nullable' (OpenAPI 3.0)", meaning
            raise UnsupportedSchemaError(where, meaning, hint)
        self.notes.append(f"{where}: {meaning}; ignored, as JSON Schema 2020-12 says")

    def sub(self, n: Node, value: Any, *parts: str | int) -> Expr:
        return self.compile(value, pointer_join(n.ptr, *parts), n.base)

    def use(self, helper: str) -> str:
        self.helpers.add(helper)
        return helper

    # -- keywords: core and annotations ------------------------------------------------------
    def kw_schema(self, n: Node, value: Any) -> None:
        if isinstance(value, str) and "2020-12" not in value and "3.1" not in value:
            raise UnsupportedSchemaError(
                pointer_join(n.ptr, "$schema"), f"$schema {value!r} is not JSON Schema 2020-12"
            )

    def _annotation(self, n: Node, value: Any) -> None:
        """Annotations do not change what validates; descriptions become doc comments."""

    kw_id = kw_anchor = kw_dynamicAnchor = kw_comment = kw_vocabulary = _annotation
    kw_title = kw_description = kw_examples = kw_deprecated = kw_readOnly = _annotation
    kw_writeOnly = kw_contentMediaType = kw_contentEncoding = kw_contentSchema = _annotation
    kw_example = kw_externalDocs = kw_xml = kw_default = kw_discriminator = _annotation

    def kw_defs(self, n: Node, value: Any) -> None:
        """Definitions compile when referenced (unreferenced ones are dead code)."""

    kw_definitions = kw_defs

    def kw_ref(self, n: Node, value: Any) -> None:
        n.refs.append(self._ref_expr(self.resolver.resolve(value, n.base, n.ptr)))

    def kw_dynamicRef(self, n: Node, value: Any) -> None:
        n.refs.append(self._ref_expr(self.dynamic_target(value, n.base, n.ptr)))

    def dynamic_target(self, ref: str, base: str, ptr: str) -> Target:
        """Resolve ``$dynamicRef`` statically: when the initial target has the dynamic anchor,
        the anchor of that name in the resource entered first (the outermost scope) wins."""
        target = self.resolver.resolve(ref, base, ptr)
        fragment = ref.partition("#")[2]
        if not (isinstance(target.node, Mapping) and target.node.get("$dynamicAnchor") == fragment):
            return target
        order = {uri: i for i, uri in enumerate(self._entered)}
        candidates = [
            t
            for k, t in self.resolver.dynamic_anchors.items()
            if k.endswith("#" + fragment) and t.base in order
        ]
        return min(candidates, key=lambda t: order[t.base], default=target)

    # -- keywords: any type ------------------------------------------------------------------
    def kw_type(self, n: Node, value: Any) -> None:
        types = [value] if isinstance(value, str) else value
        if not isinstance(types, list) or not all(t in JSON_TYPES for t in types):
            raise UnsupportedSchemaError(pointer_join(n.ptr, "type"), f"invalid type {value!r}")
        n.types = list(dict.fromkeys(types))

    def kw_enum(self, n: Node, value: Any) -> None:
        if not isinstance(value, list):
            raise UnsupportedSchemaError(pointer_join(n.ptr, "enum"), "enum must be an array")
        n.values = value if n.values is None else [v for v in n.values if _in(v, value)]

    def kw_const(self, n: Node, value: Any) -> None:
        self.kw_enum(n, [value])

    def kw_allOf(self, n: Node, value: Any) -> None:
        n.refs.extend(self.sub(n, s, "allOf", i) for i, s in enumerate(value))

    def kw_anyOf(self, n: Node, value: Any) -> None:
        n.unions.append(("anyOf", [self.sub(n, s, "anyOf", i) for i, s in enumerate(value)]))

    def kw_oneOf(self, n: Node, value: Any) -> None:
        n.unions.append(("oneOf", [self.sub(n, s, "oneOf", i) for i, s in enumerate(value)]))

    def kw_not(self, n: Node, value: Any) -> None:
        n.checks.append(f"{self.use('not')}({self.sub(n, value, 'not').code})")

    def kw_if(self, n: Node, value: Any) -> None:
        then = self.sub(n, n.node["then"], "then").code if "then" in n.node else "undefined"
        other = self.sub(n, n.node["else"], "else").code if "else" in n.node else "undefined"
        if then == other == "undefined":
            return
        cond = self.sub(n, value, "if").code
        n.checks.append(f"{self.use('ifThenElse')}({cond}, {then}, {other})")

    def kw_then(self, n: Node, value: Any) -> None:
        """Handled by ``kw_if``; without ``if`` it has no effect."""

    kw_else = kw_then

    # -- keywords: numbers -------------------------------------------------------------------
    def _number(self, n: Node, keyword: str, value: Any, method: str) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise UnsupportedSchemaError(
                pointer_join(n.ptr, keyword), f"{keyword} must be a number"
            )
        n.number.append(f".{method}({_ts.literal(value)})")
        n.bounds.append(float(value))

    def kw_minimum(self, n: Node, value: Any) -> None:
        self._number(n, "minimum", value, "gte")

    def kw_maximum(self, n: Node, value: Any) -> None:
        self._number(n, "maximum", value, "lte")

    def kw_exclusiveMinimum(self, n: Node, value: Any) -> None:
        self._number(n, "exclusiveMinimum", value, "gt")

    def kw_exclusiveMaximum(self, n: Node, value: Any) -> None:
        self._number(n, "exclusiveMaximum", value, "lt")

    def kw_multipleOf(self, n: Node, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise UnsupportedSchemaError(pointer_join(n.ptr, "multipleOf"), "must be > 0")
        # Float fields use pydantic's tolerance; integers and JSON Schema use exact decimals.
        lenient = ", true" if self.pydantic and n.node.get("type") == "number" else ""
        n.number.append(f".check({self.use('multipleOf')}({_ts.literal(value)}{lenient}))")

    # -- keywords: strings -------------------------------------------------------------------
    def kw_minLength(self, n: Node, value: Any) -> None:
        if value > 0:
            n.string.append(f".check({self.use('minLength')}({int(value)}))")

    def kw_maxLength(self, n: Node, value: Any) -> None:
        n.string.append(f".check({self.use('maxLength')}({int(value)}))")

    def regex(self, pattern: Any, location: str) -> str:
        """A pattern as JavaScript code for a ``RegExp``, in the emitter's dialect."""
        if not isinstance(pattern, str):
            raise UnsupportedSchemaError(location, f"a pattern is a string, not {pattern!r}")
        if self.patterns == "pydantic":
            return translate_regex(pattern, location).literal()
        return ecma_regex(pattern, location)

    def kw_pattern(self, n: Node, value: Any) -> None:
        n.string.append(f".regex({self.regex(value, pointer_join(n.ptr, 'pattern'))})")

    def kw_format(self, n: Node, value: Any) -> None:
        if not self.assert_formats or value in ANNOTATION_FORMATS:
            return
        check = FORMAT_CHECKS.get(value)
        if check is None:
            # OpenAPI 3.1 makes `format` an open set (JSON Schema 2020-12: an annotation unless
            # the format is known): an unknown one is kept as a comment and reported, not refused.
            where = pointer_join(n.ptr, "format")
            self.notes.append(f"{where}: format {value!r} is an annotation (not checked)")
            shown = _ts.string(str(value)).replace("*/", "*\\/")
            comment = f" /* format: {shown} (not checked) */"
            n.string.append(comment)
            n.number.append(comment)
            return
        if value == "uri" and self.patterns == "ecma":
            # A document's `uri` is RFC 3986's; pydantic's (and WHATWG's) parser is kinder.
            check = "isRfc3986Uri"
        n.string.append(f".check({self.use('format')}({_ts.string(value)}, {self.use(check)}))")

    # -- keywords: arrays --------------------------------------------------------------------
    def kw_items(self, n: Node, value: Any) -> None:
        n.array["items"] = self.sub(n, value, "items")

    def kw_prefixItems(self, n: Node, value: Any) -> None:
        n.array["prefix"] = [self.sub(n, s, "prefixItems", i) for i, s in enumerate(value)]

    def kw_contains(self, n: Node, value: Any) -> None:
        lo = n.node.get("minContains", 1)
        hi = n.node.get("maxContains")
        schema = self.sub(n, value, "contains").code
        bound = "Infinity" if hi is None else str(int(hi))
        n.array.setdefault("checks", []).append(
            f".check({self.use('contains')}({schema}, {int(lo)}, {bound}))"
        )

    def kw_minContains(self, n: Node, value: Any) -> None:
        """Handled by ``kw_contains``."""

    kw_maxContains = kw_minContains

    def kw_minItems(self, n: Node, value: Any) -> None:
        n.array["min"] = int(value)

    def kw_maxItems(self, n: Node, value: Any) -> None:
        n.array["max"] = int(value)

    def kw_uniqueItems(self, n: Node, value: Any) -> None:
        if value is True:
            n.array.setdefault("checks", []).append(f".check({self.use('uniqueItems')}())")

    def kw_unevaluatedItems(self, n: Node, value: Any) -> None:
        n.array["unevaluated"] = self.sub(n, value, "unevaluatedItems")

    # -- keywords: objects -------------------------------------------------------------------
    def kw_properties(self, n: Node, value: Any) -> None:
        n.obj["properties"] = {
            key: (self.sub(n, s, "properties", key), s) for key, s in value.items()
        }

    def kw_patternProperties(self, n: Node, value: Any) -> None:
        n.obj["patterns"] = [
            (self.regex(p, pointer_join(n.ptr, "patternProperties", p)),
             self.sub(n, s, "patternProperties", p))
            for p, s in value.items()
        ]  # fmt: skip

    def kw_additionalProperties(self, n: Node, value: Any) -> None:
        n.obj["additional"] = self.sub(n, value, "additionalProperties")

    def kw_propertyNames(self, n: Node, value: Any) -> None:
        if isinstance(value, Mapping) and "type" not in value:
            value = {**value, "type": "string"}  # keys are strings; lets it compile typed
        n.obj["names"] = self.sub(n, value, "propertyNames")

    def kw_required(self, n: Node, value: Any) -> None:
        n.obj["required"] = list(value)

    def kw_minProperties(self, n: Node, value: Any) -> None:
        n.obj["minProps"] = int(value)

    def kw_maxProperties(self, n: Node, value: Any) -> None:
        n.obj["maxProps"] = int(value)

    def kw_dependentRequired(self, n: Node, value: Any) -> None:
        deps = _ts.literal({k: list(v) for k, v in value.items()})
        n.obj.setdefault("checks", []).append(f"{self.use('dependentRequired')}({deps})")

    def kw_dependentSchemas(self, n: Node, value: Any) -> None:
        items = ", ".join(
            f"{_ts.property_key(k)}: {self.sub(n, s, 'dependentSchemas', k).code}"
            for k, s in value.items()
        )
        n.obj.setdefault("checks", []).append(f"{self.use('dependentSchemas')}({{ {items} }})")

    def kw_unevaluatedProperties(self, n: Node, value: Any) -> None:
        n.obj["unevaluated"] = self.sub(n, value, "unevaluatedProperties")

    # -- assembly ----------------------------------------------------------------------------
    def _assemble(self, n: Node) -> Expr:
        if "unevaluated" in n.obj or "unevaluated" in n.array:
            n.checks.extend(unevaluated_check(self, n))
        base = self._typed(n)
        # Applicators: the common single-applicator shapes stay idiomatic.
        for kind, options in n.unions:
            if base.trivial and not n.checks and len(n.unions) == 1 and not n.refs:
                base = self._union(n, kind, options)
            else:
                codes = ", ".join(o.code for o in options)
                n.checks.append(f"{self.use(kind)}([{codes}])")
        refs = n.refs
        if refs and base.trivial and not n.checks:
            base, refs = refs[0], refs[1:]
        if refs:
            n.checks.append(f"{self.use('allOf')}([{', '.join(r.code for r in refs)}])")
        return _with_checks(base, n.checks)

    def _typed(self, n: Node) -> Expr:
        """The expression for ``type``, ``enum``/``const`` and the type-specific keywords."""
        present = {_TYPE_OF_KEYWORD[k] for k in n.node if k in _TYPE_OF_KEYWORD}
        if n.values is not None:
            return self._enum(n, present)
        if n.types is None:
            if not present:
                return UNKNOWN
            branches = []
            for t in ("null", "boolean", "number", "string", "array", "object"):
                if t in present:
                    branches.append(f"{t}: {_ts.indent(self._for_type(n, t).code)}")
            body = ",\n  ".join(branches)
            return Expr(f"{self.use('byType')}({{\n  {body},\n}})", "unknown", loose=True)
        options = [self._for_type(n, t) for t in n.types]
        if "integer" in n.types and "number" in n.types:
            options = [o for t, o in zip(n.types, options, strict=True) if t != "integer"]
        return _union_of(options)

    def _for_type(self, n: Node, t: str) -> Expr:
        return {
            "null": lambda: Expr("z.null()", "null"),
            "boolean": lambda: Expr("z.boolean()", "boolean"),
            "number": lambda: self._numeric(n, integer=False),
            "integer": lambda: self._numeric(n, integer=True),
            "string": lambda: Expr("z.string()" + "".join(n.string), "string"),
            "array": lambda: self._array(n),
            "object": lambda: self._object(n),
        }[t]()

    def _numeric(self, n: Node, *, integer: bool) -> Expr:
        if not integer:
            return Expr("z.number()" + "".join(n.number), "number")
        lo = n.node.get("minimum", n.node.get("exclusiveMinimum"))
        hi = n.node.get("maximum", n.node.get("exclusiveMaximum"))
        safe = lo is not None and hi is not None and lo >= -SAFE and hi <= SAFE
        head = "z.int()" if safe else f"z.number().check({self.use('integer')}())"
        return Expr(head + "".join(n.number), "number")

    def _enum(self, n: Node, present: set[str]) -> Expr:
        values = n.values or []
        if n.types is not None:
            values = [v for v in values if _json_type(v, n.types)]
        if not values:
            return NEVER
        others = present - {"string"} if all(isinstance(v, str) for v in values) else present
        if all(v is None or isinstance(v, str | int | float | bool) for v in values) and not others:
            nulls = [v for v in values if v is None]
            rest = [v for v in values if v is not None]
            string_checks = (
                "".join(n.string) if rest and all(isinstance(v, str) for v in rest) else ""
            )
            expr: Expr | None = None
            if rest and all(isinstance(v, str) for v in rest) and len(rest) > 1:
                expr = Expr(
                    f"z.enum({_ts.literal(rest)})", " | ".join(_ts.literal(v) for v in rest)
                )
            elif len(rest) == 1:
                expr = Expr(f"z.literal({_ts.literal(rest[0])})", _ts.literal(rest[0]))
            elif rest:
                expr = Expr(
                    f"z.literal({_ts.literal(rest)})", " | ".join(_ts.literal(v) for v in rest)
                )
            if expr is not None and string_checks:
                expr = Expr(f"z.string(){string_checks}.pipe({expr.code})", expr.ts)
            if expr is None:
                return Expr("z.null()", "null")
            return Expr(expr.code + ".nullable()", f"{expr.ts} | null") if nulls else expr
        # Structured values (or extra constraints): deep equality on top of the type.
        saved, n.values = n.values, None
        base = self._typed(n)
        n.values = saved
        check = f".check({self.use('oneOfValues')}({_ts.literal(values)}))"
        return Expr(base.code + check, base.ts, loose=base.loose)

    def _union(self, n: Node, kind: str, options: list[Expr]) -> Expr:
        disc = n.node.get("discriminator")
        if (
            kind == "oneOf"
            and isinstance(disc, Mapping)
            and isinstance(disc.get("propertyName"), str)
        ):
            # z.discriminatedUnion needs options whose static type exposes the tag; a
            # recursive option is annotated z.ZodType<T>, which hides it: use z.union then.
            tag = disc["propertyName"]
            direct = all(
                _discriminable(o.code, tag)
                if not o.code.startswith("\x00")
                else not self._recursive(o) and self._is_object_def(o, tag)
                for o in options
            )
            inner = ",\n  ".join(_ts.indent(o.code) for o in options)
            ts = " | ".join(o.ts for o in options)
            if direct and self._tagged(options, disc["propertyName"]):
                prop = _ts.string(disc["propertyName"])
                return Expr(f"z.discriminatedUnion({prop}, [\n  {inner},\n])", ts)
            if direct or not self._tagged(options, disc["propertyName"]):
                # The discriminator is an annotation: without a distinct required tag in every
                # option, what validates is `oneOf` alone (Zod's discriminatedUnion would throw).
                return self._one_of(options)
            return Expr(f"z.union([\n  {inner},\n])", ts)
        if kind == "oneOf":
            return self._one_of(options)
        return _union_of(options)

    def _one_of(self, options: list[Expr]) -> Expr:
        union = _union_of(options)
        if len(options) < 2:
            return union
        # Judged on the value as sent: the union's output has the first option's defaults
        # filled in, which another option may then refuse.
        return _with_checks(union, [f"{self.use('oneOf')}([{', '.join(o.code for o in options)}])"])

    def _tagged(self, options: list[Expr], prop: str) -> bool:
        """Whether every option is an object constant that requires ``prop`` with its own
        constant value(s), none shared: then the tag picks the one option that can match, and a
        discriminated union means exactly ``oneOf``."""
        seen: list[Any] = []
        for o in options:
            if not o.code.startswith("\x00"):
                return False
            node = self.defs[int(o.code.strip("\x00"))].target.node
            if not isinstance(node, Mapping) or node.get("type") != "object":
                return False
            if "allOf" in node or "anyOf" in node or "oneOf" in node or "$ref" in node:
                return False
            tag = (node.get("properties") or {}).get(prop)
            if prop not in (node.get("required") or []) or not isinstance(tag, Mapping):
                return False
            values = [tag["const"]] if "const" in tag else tag.get("enum")
            if not isinstance(values, list) or not values or any(_in(v, seen) for v in values):
                return False
            seen.extend(values)
        return True

    def _recursive(self, expr: Expr) -> bool:
        """Whether the definition ``expr`` names can reach itself through references."""
        start = self.defs[int(expr.code.strip("\x00"))].target
        seen: set[int] = set()
        stack = [(start.node, start.base, start.ptr)]
        while stack:
            node, base, ptr = stack.pop()
            if not isinstance(node, Mapping):
                continue
            base = self.resolver.base_of(node, base)
            for key in ("$ref", "$dynamicRef"):
                if isinstance(node.get(key), str):
                    target = self.resolver.resolve(node[key], base, ptr)
                    if target.node is start.node:
                        return True
                    if id(target.node) not in seen:
                        seen.add(id(target.node))
                        stack.append((target.node, target.base, target.ptr))
            stack.extend((sub, base, sub_ptr) for sub, sub_ptr in subschemas(node, ptr))
        return False

    def _is_object_def(self, expr: Expr, tag: str) -> bool:
        """Whether the definition ``expr`` names compiles to an object tagged by ``tag``."""
        definition = self.defs[int(expr.code.strip("\x00"))]
        if definition.expr is None and definition in self._pending:
            # Not compiled yet (it is defined further on): compile it now, since its code,
            # not its schema, says whether Zod sees an object (a required property that may
            # be absent makes it a pipe). The caller has checked it is not recursive.
            self._pending.remove(definition)
            saved = self._current
            self._current = definition
            target = definition.target
            definition.expr = self.compile(target.node, target.ptr, target.base, top=True)
            self._current = saved
        return definition.expr is not None and _discriminable(definition.expr.code, tag)

    def _array(self, n: Node) -> Expr:
        a = n.array
        items: Expr | None = a.get("items")
        prefix: list[Expr] = a.get("prefix", [])
        lo, hi = a.get("min", 0), a.get("max")
        checks = list(a.get("checks", []))
        if prefix and lo >= len(prefix):
            parts = ", ".join(p.code for p in prefix)
            ts_parts = [p.ts for p in prefix]
            if items is None and hi is not None and hi <= len(prefix):
                code = f"z.tuple([{parts}])"
            else:
                rest = items or UNKNOWN
                code = f"z.tuple([{parts}], {rest.code})"
                ts_parts.append(f"...{_paren(rest.ts)}[]")
                if lo > len(prefix) or hi is not None:
                    bound = "Infinity" if hi is None else str(hi)
                    checks.insert(0, f".check({self.use('itemCount')}({lo}, {bound}))")
            if hi is not None and hi < len(prefix):
                checks.insert(0, f".check({self.use('itemCount')}({lo}, {hi}))")
            ts = "[" + ", ".join(ts_parts) + "]"
        elif prefix:
            rest_code = "undefined" if items is None else items.code
            parts = ", ".join(p.code for p in prefix)
            code = "z.array(z.unknown())"
            checks.insert(0, f".check({self.use('prefixItems')}([{parts}], {rest_code}))")
            code += f".min({lo})" if lo else ""
            code += f".max({hi})" if hi is not None else ""
            ts = "unknown[]"
        else:
            element = items or UNKNOWN
            code = f"z.array({element.code})"
            code += f".min({lo})" if lo else ""
            code += f".max({hi})" if hi is not None else ""
            ts = f"{_paren(element.ts)}[]"
        return Expr(code + "".join(checks), ts)

    def _object(self, n: Node) -> Expr:
        o = n.obj
        props: dict[str, tuple[Expr, Any]] = o.get("properties", {})
        required: list[str] = o.get("required", [])
        additional: Expr | None = o.get("additional")
        patterns: list[tuple[str, Expr]] = o.get("patterns", [])
        names: Expr | None = o.get("names")
        # Key-level checks run on the input, before z.object strips keys or fills defaults.
        key_checks: list[str] = list(o.get("checks", []))
        if self.patterns == "pydantic" and len(patterns) == 1 and not props and additional is None:
            # pydantic emits patternProperties only for dict[constrained str, V], whose keys
            # it *validates*: a key that does not match is an error, not an ignored key.
            ((pattern, value_expr),) = patterns
            code = f"z.record(z.string().regex({pattern}), {value_expr.code})"
            return _with_checks(Expr(code, _record_ts(value_expr.ts)), key_checks)
        if (
            not props
            and not required
            and not patterns
            and (additional is None or not additional.trivial)
        ):
            value = additional or UNKNOWN
            key = "z.string()"
            if names is not None and names.ts == "string" and not names.loose:
                key, names = names.code, None
            code = f"z.record({key}, {value.code})"
            ts = _record_ts(value.ts)
        else:
            code, ts = self._object_shape(props, required, additional, patterns, key_checks)
        if names is not None:
            key_checks.append(f"{self.use('propertyNames')}({names.code})")
        lo, hi = o.get("minProps"), o.get("maxProps")
        if lo is not None or hi is not None:
            bound = "Infinity" if hi is None else str(hi)
            key_checks.append(f"{self.use('propertyCount')}({lo or 0}, {bound})")
        return _with_checks(Expr(code, ts), key_checks)

    def _object_shape(
        self,
        props: dict[str, tuple[Expr, Any]],
        required: list[str],
        additional: Expr | None,
        patterns: list[tuple[str, Expr]],
        key_checks: list[str],
    ) -> tuple[str, str]:
        """An object with a shape: its Zod code and TypeScript type; what the shape cannot say
        is appended to ``key_checks``."""
        inherited = {k: v for k, v in props.items() if k in _PROTOTYPE_KEYS}
        shape_props = {k: v for k, v in props.items() if k not in _PROTOTYPE_KEYS}
        lines, ts_lines, presence = self._shape_lines(shape_props, required)
        presence += [k for k in required if k not in shape_props]
        shape = "{}" if not lines else "{\n  " + _ts.indent("\n".join(lines)) + "\n}"
        ts_shape = " ".join(ts_lines)
        if inherited:
            # Zod reads input[key], which finds Object.prototype's members; check own keys.
            own = ", ".join(f"{_ts.property_key(k)}: {e.code}" for k, (e, _) in inherited.items())
            key_checks.append(f"{self.use('ownProperties')}({{ {own} }})")
        fn, open_ts, rest = self._object_kind(
            props, additional, patterns, bool(inherited), key_checks
        )
        ts = "{ " + ts_shape + (" [key: string]: unknown;" if open_ts else "") + " }"
        ts = ts.replace("{  }", "{}")
        code = f"{fn}({shape}){rest}"
        if presence:
            key_checks.append(f"{self.use('requiredKeys')}({_ts.literal(presence)})")
        return code, ts

    def _shape_lines(
        self, shape_props: dict[str, tuple[Expr, Any]], required: list[str]
    ) -> tuple[list[str], list[str], list[str]]:
        """The shape's Zod lines, its TypeScript members, and the required keys whose value
        schema accepts ``undefined`` (Zod would not notice them missing)."""
        lines, ts_lines, presence = [], [], []
        for key, (expr, raw) in shape_props.items():
            doc = _ts.doc_comment(raw.get("description") if isinstance(raw, Mapping) else None)
            value_code = expr.code
            optional = key not in required
            suffix = self._default_or_optional(raw, expr) if optional else ""
            if not optional and expr.loose:
                presence.append(key)
            prop = _ts.property_key(key)
            lines.append(f"{doc}{prop}: {value_code}{suffix},")
            # `.optional()` outputs `T | undefined`: say so, or the annotation fails under
            # `exactOptionalPropertyTypes`.
            if suffix == ".optional()":
                ts_lines.append(f"{prop}?: {expr.ts} | undefined;")
            else:
                ts_lines.append(f"{prop}: {expr.ts};")
        return lines, ts_lines, presence

    def _object_kind(
        self,
        props: dict[str, tuple[Expr, Any]],
        additional: Expr | None,
        patterns: list[tuple[str, Expr]],
        inherited: bool,
        key_checks: list[str],
    ) -> tuple[str, bool, str]:
        """The object function, whether the TypeScript type is open, and a ``.catchall``."""
        if patterns or (inherited and additional is not None and not additional.trivial):
            known = _ts.literal(list(props))
            pats = ", ".join(f"[{p}, {e.code}]" for p, e in patterns)
            extra = "undefined" if additional is None else additional.code
            key_checks.append(f"{self.use('patternProperties')}({known}, [{pats}], {extra})")
            return "z.looseObject", True, ""
        if additional is None:
            return ("z.object" if self.pydantic else "z.looseObject"), not self.pydantic, ""
        if additional.code == "z.never()":
            return "z.strictObject", False, ""
        if additional.trivial:
            return "z.looseObject", True, ""
        return "z.object", True, f".catchall({additional.code})"

    def _default_or_optional(self, raw: Any, expr: Expr) -> str:
        if not isinstance(raw, Mapping) or "default" not in raw:
            return ".optional()"
        value = raw["default"]
        if not (_default_fits(self, raw, value, expr) or self._default_valid(raw, value, expr)):
            return ".optional()"
        if isinstance(value, list | dict):
            # `.default` is overloaded (a value or a function), so the arrow is not typed by
            # the schema's output and `["segment"]` widens to string[] (TS2769): give its
            # return type. An empty literal fits any array or record as it is.
            typed = f"(): {expr.ts} => " if value and "\x01" not in expr.ts else "() => "
            return f".default({typed}({_ts.literal(value)}))"
        return f".default({_ts.literal(value)})"

    def _default_valid(self, raw: Mapping[str, Any], value: Any, expr: Expr) -> bool:
        """A pydantic default the schema accepts is filled in as pydantic fills it, at any depth.

        ``.default(...)`` is contextually typed by the schema's output, so a value the schema
        accepts (``["mon", "tue"]`` for an array of an enum) type-checks too.
        """
        if not self.pydantic or value is None or expr.ts in ("unknown", "never"):
            return False
        root = self.resolver.root
        schema = dict(raw)
        for where in ("components", "$defs"):  # what "#/components/..." and "#/$defs/..." name
            if isinstance(root, Mapping) and where in root and where not in schema:
                schema[where] = root[where]
        # jsonschema, not jsonschema_rs: generating must not load the test runtime's libraries.
        from jsonschema import Draft202012Validator
        from jsonschema.exceptions import SchemaError
        from referencing.exceptions import Unresolvable

        try:
            return bool(Draft202012Validator(schema).is_valid(value))
        except (SchemaError, Unresolvable):  # a reference it cannot follow
            return False


SchemaEmitter._build_dispatch()


# Keys that Zod's object parser would find on Object.prototype when the input lacks them.
_PROTOTYPE_KEYS = frozenset(
    [
        "__proto__",
        "constructor",
        "toString",
        "toLocaleString",
        "valueOf",
        "hasOwnProperty",
        "isPrototypeOf",
        "propertyIsEnumerable",
        "__defineGetter__",
        "__defineSetter__",
        "__lookupGetter__",
        "__lookupSetter__",
    ]
)


def _with_checks(base: Expr, checks: list[str]) -> Expr:
    """Apply whole-value checks: chained on values Zod passes through unchanged, and on the
    raw input (``z.unknown().check(...).pipe(base)``) where parsing may strip keys or fill
    defaults, since JSON Schema keywords judge the value as sent."""
    if not checks:
        return base
    listed = "".join(f"\n  .check({c})" for c in checks)
    if base.trivial:
        return Expr(f"z.unknown(){listed}", "unknown", loose=True)
    if _SIMPLE_TS.match(base.ts) or (base.ts.endswith("[]") and "{" not in base.ts):
        return Expr(base.code + listed, base.ts, loose=base.loose)
    return Expr(f"z.unknown(){listed}\n  .pipe({_ts.indent(base.code)})", base.ts, loose=base.loose)


def _ref_name(ptr: str) -> str:
    last = unescape(ptr.rsplit("/", 1)[-1])
    return last if last and last != "#" else "Schema"


def _paren(ts: str) -> str:
    return f"({ts})" if any(c in ts for c in "|&") else ts


def _union_of(options: list[Expr]) -> Expr:
    if len(options) == 1:
        return options[0]
    nulls = [o for o in options if o.code == "z.null()"]
    rest = [o for o in options if o.code != "z.null()"]
    if len(nulls) == 1 and len(rest) == 1:
        inner = rest[0]
        code = inner.code
        if "\n" in code and not code.endswith(")"):
            code = f"({code})"
        return Expr(f"{code}.nullable()", f"{_paren(inner.ts)} | null", loose=inner.loose)
    if not options:
        return NEVER
    listed = ",\n  ".join(_ts.indent(o.code) for o in options)
    ts = " | ".join(_paren(o.ts) for o in options)
    return Expr(f"z.union([\n  {listed},\n])", ts, loose=any(o.loose for o in options))


def _in(value: Any, values: list[Any]) -> bool:
    return any(_json_equal(value, v) for v in values)


def _json_equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_json_equal(a[k], b[k]) for k in a)
    return (
        bool(a == b)
        and type(a) in (int, float, str, type(None))
        and type(b) in (int, float, str, type(None))
    )


def _json_type(value: Any, types: list[str]) -> bool:
    if value is None:
        return "null" in types
    if isinstance(value, bool):
        return "boolean" in types
    if isinstance(value, int | float):
        return "number" in types or ("integer" in types and float(value).is_integer())
    if isinstance(value, str):
        return "string" in types
    if isinstance(value, list):
        return "array" in types
    return "object" in types


_SIMPLE_TS = re.compile(
    r'^(string|number|boolean|null|"[^"]*"|-?[0-9.e+]+|true|false)( \| (string|number|boolean|null|"[^"]*"|-?[0-9.e+]+|true|false))*$'
)


def _default_fits(emitter: SchemaEmitter, raw: Mapping[str, Any], value: Any, expr: Expr) -> bool:
    """Emit ``.default()`` only where the value type-checks against the schema's output."""
    if expr.ts in ("unknown", "never") or "\x01" in expr.ts:
        return False
    if isinstance(value, list):
        return value == [] and expr.ts.endswith("[]")
    if isinstance(value, dict):
        return value == {} and expr.ts.startswith("{ [key: string]: ")
    if not _SIMPLE_TS.match(expr.ts):
        return False
    allowed = expr.ts.split(" | ")
    literal = _ts.literal(value)
    kind = (
        "null"
        if value is None
        else "boolean"
        if isinstance(value, bool)
        else (
            "number"
            if isinstance(value, int | float)
            else "string"
            if isinstance(value, str)
            else ""
        )
    )
    return literal in allowed or kind in allowed


def _record_ts(value_ts: str) -> str:
    """A record's TypeScript type as an index signature: unlike ``Record<string, T>`` (a type
    alias, which a recursive alias may not name: TS2456), an object type defers ``T``."""
    return f"{{ [key: string]: {value_ts} }}"


_OBJECTS = ("z.object(", "z.strictObject(", "z.looseObject(")
_RETYPING = (".pipe(", ".and(", ".or(", ".nullable(", ".optional(", ".transform(", ".default(")


def _discriminable(code: str, tag: str) -> bool:
    """Whether ``code`` is a Zod object whose static type shows its properties, as an option
    of ``z.discriminatedUnion`` must be: an object, perhaps with ``.check``s or a
    ``.catchall``, not a pipe, an intersection or an ``unknown`` (TS2345 otherwise). Reads the
    chain after the object's closing ``})``, at the start of a line once the object spans
    lines; a nested schema in a ``.check`` may make it say no, and ``z.union`` is then used."""
    if not code.startswith(_OBJECTS):
        return False
    lines = code.split("\n")
    if len(lines) == 1:
        tail = code[code.find("})") + 2 :] if "})" in code else code
    else:
        closing = next((i for i, line in enumerate(lines) if line.startswith("})")), None)
        if closing is None:
            return False
        tail = "\n".join(lines[closing:])[2:]
    key = _ts.property_key(tag)
    # The tag must be a literal or an enum in the option's shape itself.
    tagged = any(line.startswith((f"  {key}: z.literal(", f"  {key}: z.enum(")) for line in lines)
    return tagged and not any(marker in tail for marker in _RETYPING)
