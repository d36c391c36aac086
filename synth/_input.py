"""Reading an OpenAPI 3.1 document a user names: every way it can be unusable is an InputError.

Shared by ``synth zod`` and ``synth diff``. The document is checked by openapi-spec-validator
before anything reads it, so emitters and differs see only valid OpenAPI 3.1.
"""

from __future__ import annotations

import importlib
import json
import os
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from urllib.request import url2pathname

from ._bundle import bundle as bundle_refs
from ._bundle import has_external_refs
from ._ecma import ecma_flags
from ._errors import InputError
from ._pointer import unescape
from ._repair import repair
from ._upgrade import upgrade_30
from ._validate import Finding, openapi_findings

__all__ = ["check_openapi", "parse_text", "read_openapi", "validate_openapi"]


def read_openapi(
    path: Path,
    label: str | None = None,
    *,
    upgrade: bool = False,
    bundle: bool = False,
    notes: list[str] | None = None,
) -> dict[str, Any]:
    """The OpenAPI 3.1 document in ``path`` (JSON or YAML), parsed and validated.

    ``upgrade``: an OpenAPI 3.0 document is validated as 3.0 and returned as the 3.1 document
    that means the same (``synth._upgrade``). ``bundle``: ``$ref`` to other files, relative to
    ``path``, are brought into the one document (``synth._bundle``).

    ``notes``: read a foreign document rather than judge it. What openapi-spec-validator finds
    wrong is appended to ``notes`` (``#/pointer: what; how synth read it``) instead of refused,
    and the broken constructs whose meaning is clear are read as meant (``synth._repair``).
    Without it, the first finding is an ``InputError``.
    """
    label = label or str(path)
    text = _read(path, label)
    versions = ("3.0", "3.1") if upgrade else ("3.1",)
    document = dict(check_openapi(parse_text(text, label, path.suffix.lower()), label, versions))
    uri = path.resolve().as_uri() if bundle else ""
    if notes is None:
        validate_openapi(document, label, base_uri=uri)
    if bundle and has_external_refs(document, uri):

        def load(file_uri: str) -> Any:
            other = Path(url2pathname(urlparse(file_uri).path))
            shown = os.path.relpath(other, path.resolve().parent)
            return parse_text(_read(other, f"{label}: {shown}"), shown, other.suffix.lower())

        document = bundle_refs(document, uri, load, label, notes=notes)
    if notes is not None:
        document = _read_as_meant(document, label, notes)
    if upgrade and str(document["openapi"]).startswith("3.0"):
        # The document is this function's own parse (or bundle): upgraded where it is.
        document = upgrade_30(document, in_place=True)
    return document


def _read_as_meant(document: dict[str, Any], label: str, notes: list[str]) -> dict[str, Any]:
    """``document`` with its broken constructs read as meant; every finding a note."""
    try:
        findings = openapi_findings(document)
    except RecursionError:
        raise InputError(
            f"{label}: a $ref cycle with no schema in between (a $ref that points at itself); "
            "fix the document"
        ) from None
    readings: list[str] = []
    document = repair(document, readings)
    read = {note.split(": ", 1)[0]: note.split(": ", 1)[1] for note in readings}
    used: set[str] = set()
    version = "3.0" if str(document.get("openapi", "")).startswith("3.0") else "3.1"
    for finding in dict.fromkeys(findings):  # each once, in order
        if _unreadable(finding, read):
            raise InputError(
                f"{label}{finding.pointer}: not valid OpenAPI {version}: {finding.message}; "
                "synth cannot read this as a schema: fix the document"
            )
        notes.append(
            f"{finding.pointer}: not valid OpenAPI {version}: {finding.message}; "
            f"{_reading(finding.pointer, finding.message, read, used)}"
        )
    notes.extend(f"{where}: {how}" for where, how in read.items() if where not in used)
    return document


# Schema keywords whose value the emitter reads as a structure: given the wrong JSON type, no
# reading is faithful (`required: "id"` is not a list of names), so the document is refused.
_STRUCTURAL = frozenset({
    "type", "required", "properties", "items", "prefixItems", "allOf", "anyOf", "oneOf", "not",
    "enum", "additionalProperties", "patternProperties", "$defs", "dependentRequired",
    "dependentSchemas", "if", "then", "else", "contains", "propertyNames", "unevaluatedItems",
    "unevaluatedProperties", "minLength", "maxLength", "minimum", "maximum", "multipleOf",
    "minItems", "maxItems", "minProperties", "maxProperties", "minContains", "maxContains",
    "pattern", "uniqueItems", "$ref", "nullable",
})  # fmt: skip


def _unreadable(finding: Finding, read: Mapping[str, str]) -> bool:
    """Whether ``finding`` is a structural keyword of the wrong type that nothing repaired."""
    if "is not of type" not in finding.message or finding.pointer in read:
        return False
    return unescape(finding.pointer.rsplit("/", 1)[-1]) in _STRUCTURAL


def _reading(pointer: str, message: str, read: Mapping[str, str], used: set[str]) -> str:
    """How synth read what is at ``pointer``: a repair there or below, else as written."""
    for where, how in read.items():
        if where == pointer or where.startswith(pointer + "/") or pointer.startswith(where + "/"):
            used.add(where)
            return how.split("; ", 1)[-1]
    if message.startswith("Additional properties are not allowed"):
        return "the keys it does not know are ignored, as JSON Schema 2020-12 ignores them"
    if pointer.endswith("/default"):
        return "a default is an annotation: kept as written, never filled in by the output"
    if "/tags/" in pointer or pointer.endswith("/description") or "/info/" in pointer:
        return "documentation only: nothing synth emits depends on it"
    return "read as written"


def _read(path: Path, label: str) -> str:
    if path.is_dir():
        raise InputError(f"{label}: is a folder; pass an OpenAPI 3.1 document (JSON or YAML)")
    if not path.exists():
        raise InputError(f"{label}: no such file; pass an OpenAPI 3.1 document (JSON or YAML)")
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"{label}: cannot read it ({exc}); pass a UTF-8 JSON or YAML file"
        ) from None


def parse_text(text: str, label: str, suffix: str) -> Any:
    """JSON (by suffix, or when it parses as JSON), else YAML 1.2; syntax errors say line:column.

    YAML is read with the YAML 1.2 core schema, as OpenAPI recommends: ``off`` and ``18:00`` stay
    strings and a date stays the string it is (PyYAML's YAML 1.1 reads them as ``False``, the
    number 1080 and a ``date``). fast_yaml (Rust) reads Stripe's 4 MB in a tenth of a second where
    libyaml takes two; what it refuses but libyaml accepts (libyaml is lenient about the
    indentation of a quoted scalar) is read by libyaml with the same 1.2 core schema.
    """
    if suffix == ".json" or text.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            if suffix == ".json":
                raise InputError(
                    f"{label}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); fix the file"
                ) from None
    import fast_yaml

    try:
        return fast_yaml.safe_load(text)
    except ValueError:
        pass
    # PyYAML ships no type information; importing it as a module keeps mypy strict honest.
    yaml = importlib.import_module("yaml")
    try:
        return yaml.load(text, Loader=_core_schema_loader(yaml))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise InputError(
            f"{label}{where}: not valid JSON or YAML ({problem}); fix the file"
        ) from None


# The YAML 1.2 core schema's plain scalars (https://yaml.org/spec/1.2.2/#1032-tag-resolution);
# every other plain scalar is a string.
_CORE_SCHEMA = (
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", "~nN"),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+.0123456789",
    ),
)


@cache
def _core_schema_loader(yaml: Any) -> Any:
    """libyaml's loader resolving plain scalars by the YAML 1.2 core schema, not YAML 1.1."""
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class CoreSchemaLoader(base):  # type: ignore[misc,valid-type]
        yaml_implicit_resolvers: dict[str, Any] = {}

    for tag, pattern, first in _CORE_SCHEMA:
        CoreSchemaLoader.add_implicit_resolver(tag, re.compile(pattern), list(first))
    CoreSchemaLoader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile("^$"), [""])

    def construct_int(loader: Any, node: Any) -> int:
        value = str(loader.construct_scalar(node))
        return int(value, 0) if value[:2] in ("0o", "0x") else int(value)

    CoreSchemaLoader.add_constructor("tag:yaml.org,2002:int", construct_int)
    return CoreSchemaLoader


def check_openapi(
    document: Any, label: str, versions: tuple[str, ...] = ("3.1",)
) -> Mapping[str, Any]:
    """The document if it is OpenAPI 3.1 (or another of ``versions``), else an ``InputError``
    that says what it is."""
    if not isinstance(document, Mapping):
        kind = type(document).__name__ if document is not None else "empty"
        raise InputError(
            f"{label}: not an OpenAPI document (the top level is {kind}, not an object); "
            "pass an OpenAPI 3.1 document in JSON or YAML"
        )
    version = document.get("openapi")
    if not isinstance(version, str) or not version.startswith(versions):
        found = f"openapi: {version!r}" if "openapi" in document else "no `openapi` field"
        hint = (" (Swagger 2.0: convert it to OpenAPI 3.1 first)" if "swagger" in document
                else " (convert it to 3.1 first)" if isinstance(version, str) else "")  # fmt: skip
        raise InputError(f"{label}: not an OpenAPI 3.1 document ({found}){hint}")
    for key in ("paths", "components"):
        if key in document and not isinstance(document[key], Mapping):
            raise InputError(f"{label}: `{key}` is not an object; fix the document")
    return document


def validate_openapi(document: Mapping[str, Any], label: str, base_uri: str = "") -> None:
    """openapi-spec-validator's verdict, as one located ``InputError`` (``base_uri``: where
    references to other files are read from)."""
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
    from openapi_spec_validator.validation.keywords import ValueValidator
    from referencing.exceptions import Unresolvable

    class _Annotation(ValueValidator):
        """JSON Schema 2020-12 makes ``default`` an annotation: a value its schema would not
        accept is allowed (OpenAPI 3.0 says it MUST conform, so 3.0 keeps the check)."""

        def __call__(self, schema: Any, value: Any) -> Any:
            return iter(())

    class _V31(OpenAPIV31SpecValidator):
        keyword_validators = {**OpenAPIV31SpecValidator.keyword_validators, "default": _Annotation}

    is_30 = str(document.get("openapi", "")).startswith("3.0")
    validator = OpenAPIV30SpecValidator if is_30 else _V31
    version = "3.0" if is_30 else "3.1"
    try:
        # The validator compiles a `pattern` with Python's `re`, which is not the
        # specification's verdict: patterns are ECMA-262, so V8 has the last word.
        errors = validator(document, base_uri=base_uri).iter_errors()
        error = next((e for e in errors if not _ecma_pattern(e)), None)
    except RecursionError:
        raise InputError(
            f"{label}: a $ref cycle with no schema in between (a $ref that points at itself); "
            "fix the document"
        ) from None
    except Exception as exc:  # unresolvable $refs and the like surface as library errors
        # The validator resolves every `$ref` against the document, ignoring the `$id` of a
        # schema resource inside it (JSON Schema 2020-12 resolves against that `$id`, and
        # `$anchor`s are found in it): where the document has such resources, the emitter's
        # own resolver is the judge, and it names the `$ref` it cannot follow.
        if isinstance(exc, Unresolvable) and _declares_resources(document):
            return
        detail = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
        raise InputError(
            f"{label}: not a valid OpenAPI {version} document ({type(exc).__name__}: {detail}); "
            "fix the document"
        ) from None
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        message = str(error.message).splitlines()[0][:300]
        raise InputError(
            f"{label}: not a valid OpenAPI {version} document: {message} (at {where}); "
            "fix the document (openapi-spec-validator checks it)"
        )


def _declares_resources(node: Any) -> bool:
    """Whether a schema anywhere in ``node`` has its own ``$id``, ``$anchor`` or
    ``$dynamicAnchor``."""
    if isinstance(node, Mapping):
        if any(isinstance(node.get(k), str) for k in ("$id", "$anchor", "$dynamicAnchor")):
            return True
        return any(_declares_resources(v) for v in node.values())
    if isinstance(node, list):
        return any(_declares_resources(v) for v in node)
    return False


def _ecma_pattern(error: Any) -> bool:
    """Whether ``error`` is the validator refusing a pattern that ECMA-262 accepts."""
    return (
        error.validator == "format"
        and error.validator_value == "regex"
        and isinstance(error.instance, str)
        and not ecma_flags(error.instance).startswith("!")
    )
