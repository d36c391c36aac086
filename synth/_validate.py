"""openapi-spec-validator's findings on a user's document, as located notes, fast.

A foreign document (``synth zod``, ``synth diff``) is read, not judged: what a validator finds
wrong in it is reported with where it is and how synth read it, and synth goes on. Only what
synth cannot read at all is refused, elsewhere (``synth._input``).

openapi-spec-validator walks a document through jsonschema-path, which takes seconds on a
large one (Stripe's 4 MB: 3 s here, most of ``synth zod``'s time). This module makes the same
checks over the parsed document: the OpenAPI meta-schema (openapi-spec-validator's own
validator, which runs on jsonschema_rs), and its keyword walk (each Schema Object reached
from ``components.schemas``, a parameter or a media type, checked against its dialect's
meta-schema by jsonschema_rs; ``required`` names that no property of an ``allOf`` defines;
``default`` values against their schema; duplicate operation ids, parameters and tag names;
path parameters that the path does not have or that no parameter declares). Its messages
are the library's. A pattern is not judged here: patterns are ECMA-262, and the Zod emitter
has V8 judge each one.

The document must be bundled first (``synth._bundle``): only local ``$ref``s are followed.
"""

from __future__ import annotations

import importlib.util
import json
import re
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ._pointer import escape, unescape

__all__ = ["Finding", "openapi_findings"]

_OPERATIONS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# The dialects jsonschema_rs knows, by the ids openapi-spec-validator accepts in `$schema`.
_DRAFTS = {
    "http://json-schema.org/draft-04/schema#": "http://json-schema.org/draft-04/schema#",
    "http://json-schema.org/draft-06/schema#": "http://json-schema.org/draft-06/schema#",
    "http://json-schema.org/draft-07/schema#": "http://json-schema.org/draft-07/schema#",
    "https://json-schema.org/draft/2019-09/schema": "https://json-schema.org/draft/2019-09/schema",
    "https://json-schema.org/draft/2020-12/schema": "https://json-schema.org/draft/2020-12/schema",
    "https://spec.openapis.org/oas/3.1/dialect/base": "https://json-schema.org/draft/2020-12/schema",
    "https://spec.openapis.org/oas/3.1/dialect/2024-11-10": "https://json-schema.org/draft/2020-12/schema",
}
_OAS31_DIALECT = "https://spec.openapis.org/oas/3.1/dialect/base"


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a validator finds wrong: where (a JSON pointer, ``#/...``) and what."""

    pointer: str
    message: str


def openapi_findings(document: Mapping[str, Any]) -> list[Finding]:
    """Every finding of openapi-spec-validator on the (bundled) ``document``, in its order."""
    is_30 = str(document.get("openapi", "")).startswith("3.0")
    out: list[Finding] = []
    for error in _document_validator("3.0" if is_30 else "3.1").iter_errors(document):
        path = list(error.instance_path)
        deeper = (
            _schema_errors(_at(document, path), path) if is_30 and "oneOf" in error.message else []
        )
        out.extend(deeper or [Finding(_pointer(path), _first_line(error.message))])
    out.extend(_Walk(document, is_30).findings())
    return out


def _at(document: Any, path: list[Any]) -> Any:
    node = document
    for token in path:
        try:
            node = node[token]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _schema_errors(instance: Any, path: list[Any], nested: bool = False) -> list[Finding]:
    """What is wrong inside a 3.0 Schema Object that the meta-schema reports only as matching
    neither a Schema nor a Reference (its ``oneOf``): the Schema definition's own errors, down to
    the innermost schema at fault."""
    if not isinstance(instance, Mapping) or "$ref" in instance:
        return []
    if not nested and path[-1:] != ["schema"] and path[-2:-1] != ["schemas"]:
        return []
    out: list[Finding] = []
    for error in _schema_30_validator().iter_errors(instance):
        inner = list(error.instance_path)
        deeper = (
            _schema_errors(_at(instance, inner), [*path, *inner], nested=True)
            if inner and "oneOf" in error.message
            else []
        )
        out.extend(deeper or [Finding(_pointer([*path, *inner]), _first_line(error.message))])
    return out


@cache
def _meta_schema(version: str) -> dict[str, Any]:
    """openapi-spec-validator's OpenAPI meta-schema, read from its package data: importing the
    package loads jsonschema-path and requests, a third of a second for a file."""
    spec = importlib.util.find_spec("openapi_spec_validator")
    assert spec is not None
    assert spec.submodule_search_locations
    folder = Path(next(iter(spec.submodule_search_locations)))
    text = (folder / "resources" / "schemas" / f"v{version}" / "schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _document_validator(version: str) -> Any:
    import jsonschema_rs

    schema = _meta_schema(version)
    return jsonschema_rs.validator_cls_for(schema)(schema)


@cache
def _schema_30_validator() -> Any:
    import jsonschema_rs

    definitions = dict(_meta_schema("3.0")["definitions"])
    return jsonschema_rs.Draft4Validator(
        {"$ref": "#/definitions/Schema", "definitions": definitions}
    )


def _pointer(path: Any) -> str:
    return "#" + "".join("/" + escape(str(token)) for token in path)


def _first_line(message: object) -> str:
    """The message's first line, the value it quotes cut short (the pointer says where it is)."""
    text = str(message).splitlines()[0] if str(message) else "invalid"
    quoted = re.match(r"^([\[{].*[\]}]) (is not|is a|has|does not|is too|is less|is greater)", text)
    if quoted and len(quoted.group(1)) > 60:
        text = quoted.group(1)[:50] + "… " + text[quoted.end(1) + 1 :]
    return text[:300]


class _Walk:
    """openapi-spec-validator's keyword walk (``validation/keywords.py``) over plain data."""

    def __init__(self, document: Mapping[str, Any], is_30: bool) -> None:
        self.document = document
        self.is_30 = is_30
        self.dialect = str(document.get("jsonSchemaDialect") or _OAS31_DIALECT)
        self.meta_checked: set[int] = set()
        self.visited: set[int] = set()
        self.operation_ids: set[Any] = set()
        self.out: list[Finding] = []

    def findings(self) -> list[Finding]:
        doc = self.document
        tags = doc.get("tags")
        if isinstance(tags, list):
            seen: set[Any] = set()
            for i, tag in enumerate(tags):
                name = tag.get("name") if isinstance(tag, Mapping) else None
                if name in seen:
                    self.add(f"#/tags/{i}/name", f"Duplicate tag name '{name}'")
                seen.add(name)
        paths = doc.get("paths")
        if isinstance(paths, Mapping):
            for url, item in paths.items():
                self.path(str(url), f"#/paths/{escape(str(url))}", item)
        components = doc.get("components")
        if isinstance(components, Mapping) and isinstance(components.get("schemas"), Mapping):
            for name, schema in components["schemas"].items():
                self.schema(f"#/components/schemas/{escape(str(name))}", schema)
        return self.out

    def add(self, pointer: str, message: str) -> None:
        self.out.append(Finding(pointer, message))

    def resolve(self, pointer: str, node: Any) -> tuple[str, Any]:
        """``node`` with its local ``$ref``s followed, and the pointer of what it names."""
        seen: set[str] = set()
        while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if not ref.startswith("#"):
                break
            if ref in seen:
                raise RecursionError(ref)
            seen.add(ref)
            target: Any = self.document
            for token in ref[1:].split("/")[1:]:
                key = unescape(token)
                if isinstance(target, Mapping) and key in target:
                    target = target[key]
                elif isinstance(target, list) and key.isdigit() and int(key) < len(target):
                    target = target[int(key)]
                else:
                    return pointer, node
            pointer, node = ref, target
        return pointer, node

    # -- paths, operations, parameters, content ------------------------------------------
    def path(self, url: str, where: str, item: Any) -> None:
        where, item = self.resolve(where, item)
        if not isinstance(item, Mapping):
            return
        shared = self.parameters(f"{where}/parameters", item.get("parameters"))
        for name, operation in item.items():
            if name in _OPERATIONS:
                self.operation(url, str(name), f"{where}/{name}", operation, shared)

    def operation(
        self, url: str, name: str, where: str, operation: Any, shared: list[str] | None
    ) -> None:
        where, operation = self.resolve(where, operation)
        if not isinstance(operation, Mapping):
            return
        if "operationId" in operation:
            op_id = operation["operationId"]
            if op_id is not None and op_id in self.operation_ids:
                self.add(
                    f"{where}/operationId",
                    f"Operation ID '{op_id}' for '{name}' in '{url}' is not unique",
                )
            self.operation_ids.add(op_id)
        responses = operation.get("responses")
        if isinstance(responses, Mapping):
            for code, given in responses.items():
                rwhere, response = self.resolve(f"{where}/responses/{escape(str(code))}", given)
                if isinstance(response, Mapping):
                    self.content(f"{rwhere}/content", response.get("content"))
        names = self.parameters(f"{where}/parameters", operation.get("parameters")) or []
        names += shared or []
        declared = set(names)
        in_url = {field for _, field, _, _ in string.Formatter().parse(url) if field}
        for param in sorted(in_url - declared) + sorted(declared - in_url):
            self.add(
                where,
                f"Path parameter '{param}' for '{name}' operation in '{url}' was not resolved",
            )

    def parameters(self, where: str, parameters: Any) -> list[str] | None:
        """Check ``parameters``; the names of its path parameters (None when there are none)."""
        where, parameters = self.resolve(where, parameters)
        if not isinstance(parameters, list):
            return None
        seen: set[tuple[Any, Any]] = set()
        path_names: list[str] = []
        for i, given in enumerate(parameters):
            pwhere, parameter = self.resolve(f"{where}/{i}", given)
            if not isinstance(parameter, Mapping):
                continue
            if "schema" in parameter:
                self.schema(f"{pwhere}/schema", parameter["schema"])
            key = (parameter.get("name"), parameter.get("in"))
            if key in seen:
                self.add(pwhere, f"Duplicate parameter '{parameter.get('name')}'")
            seen.add(key)
            if parameter.get("in") == "path":
                path_names.append(str(parameter.get("name")))
        return path_names

    def content(self, where: str, content: Any) -> None:
        if not isinstance(content, Mapping):
            return
        for media, given in content.items():
            mwhere, media_type = self.resolve(f"{where}/{escape(str(media))}", given)
            if isinstance(media_type, Mapping) and "schema" in media_type:
                self.schema(f"{mwhere}/schema", media_type["schema"])

    # -- schemas -----------------------------------------------------------------------------
    def schema(self, where: str, schema: Any, top: bool = True) -> None:
        where, schema = self.resolve(where, schema)
        if not isinstance(schema, Mapping | bool):
            self.add(where, f"{schema!r} is not of type 'object', 'boolean'")
            return
        if top and id(schema) not in self.meta_checked:
            self.meta_checked.add(id(schema))
            errors = self.meta_errors(where, schema)
            if errors:
                self.out.append(errors[0])
                return
        if id(schema) in self.visited or not isinstance(schema, Mapping):
            return
        self.visited.add(id(schema))
        nested: set[str] = set()
        for key in ("allOf", "anyOf", "oneOf"):
            if isinstance(schema.get(key), list):
                for i, sub in enumerate(schema[key]):
                    self.schema(f"{where}/{key}/{i}", sub, top=False)
                    if key == "allOf":
                        nested |= self.properties(f"{where}/{key}/{i}", sub, set())
        for key in ("not", "items"):
            if key in schema:
                self.schema(f"{where}/{key}", schema[key], top=False)
        if isinstance(schema.get("properties"), Mapping):
            for name, sub in schema["properties"].items():
                self.schema(f"{where}/properties/{escape(str(name))}", sub, top=False)
        self.required_and_default(where, schema, nested, top)

    def required_and_default(
        self, where: str, schema: Mapping[str, Any], nested: set[str], top: bool
    ) -> None:
        if "allOf" in schema and top:
            required = schema.get("required") or []
            extra = set(required) - set(schema.get("properties") or ()) - nested
            if extra:
                self.add(
                    f"{where}/required",
                    f"Required list has not defined properties: {sorted(extra)}",
                )
        if "default" in schema:
            value = schema["default"]
            if value is not None or schema.get("nullable") is not True:
                self.default(where, schema, value)

    def properties(self, where: str, schema: Any, seen: set[int]) -> set[str]:
        """Every property name reachable from ``schema`` (the library's ``_collect_properties``)."""
        where, schema = self.resolve(where, schema)
        if not isinstance(schema, Mapping) or id(schema) in seen:
            return set()
        seen.add(id(schema))
        names = {str(k) for k in schema.get("properties") or ()}
        for key in ("allOf", "anyOf", "oneOf"):
            for i, sub in enumerate(schema.get(key) or ()):
                names |= self.properties(f"{where}/{key}/{i}", sub, seen)
        for key in ("items", "not"):
            if key in schema:
                names |= self.properties(f"{where}/{key}", schema[key], seen)
        return names

    def meta_errors(self, where: str, schema: Any) -> list[Finding]:
        if self.is_30:
            dialect = "http://json-schema.org/draft-04/schema#"
        else:
            declared = schema.get("$schema", self.dialect) if isinstance(schema, Mapping) else None
            if declared is None:
                declared = self.dialect
            if (
                not isinstance(declared, str)
                or declared.rstrip("#") + ("#" if "draft-0" in declared else "") not in _DRAFTS
            ):
                return [Finding(where, f"Unknown JSON Schema dialect: {declared!r}")]
            dialect = _DRAFTS[declared.rstrip("#") + ("#" if "draft-0" in declared else "")]
        return [
            Finding(where + _pointer(error.instance_path)[1:], _first_line(error.message))
            for error in _meta_validator(dialect).iter_errors(schema)
        ]

    def default(self, where: str, schema: Mapping[str, Any], value: Any) -> None:
        from jsonschema.exceptions import SchemaError
        from openapi_schema_validator import (
            OAS30Validator,
            OAS31Validator,
            oas30_format_checker,
            oas31_format_checker,
        )
        from referencing import Registry, Resource
        from referencing.exceptions import Unresolvable

        cls, formats = (
            (OAS30Validator, oas30_format_checker)
            if self.is_30
            else (OAS31Validator, oas31_format_checker)
        )
        registry: Any = _registry(id(self.document), self.document, Registry, Resource)
        try:
            validator = cls(
                {"$ref": f"urn:synth:document{where}"}, registry=registry, format_checker=formats
            )
            errors: Iterator[Any] = validator.iter_errors(value)
            for error in errors:
                self.add(f"{where}/default", _first_line(error.message))
        except (SchemaError, Unresolvable, RecursionError, re.error):
            # A schema the library cannot compile (a pattern Python's `re` refuses, a $ref
            # it cannot follow): openapi-spec-validator stops there; the emitter judges it.
            return


_REGISTRIES: dict[int, Any] = {}


def _registry(key: int, document: Any, registry: Any, resource: Any) -> Any:
    if key not in _REGISTRIES:
        _REGISTRIES.clear()
        _REGISTRIES[key] = registry().with_resource("urn:synth:document", resource.opaque(document))
    return _REGISTRIES[key]


@cache
def _meta_validator(dialect: str) -> Any:
    # jsonschema_rs checks a schema against its dialect's meta-schema about 100 times faster
    # than jsonschema does (Stripe's 2,000 schemas: 0.05 s, not 4 s).
    import jsonschema_rs

    return jsonschema_rs.validator_for({"$schema": dialect, "$ref": dialect})
