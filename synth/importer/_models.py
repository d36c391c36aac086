"""``models.py`` of the imported package: datamodel-code-generator over the component schemas,
then the few touches that make its output a contract (synth's bases and exact types).

What datamodel-code-generator cannot carry as a contract says so: ``Notes`` collects each
construct left out, per schema, for the command's output and the package's comments.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

from .._errors import InputError
from ._format import format_module

__all__ = ["Models", "Notes", "models_source", "request_schemas", "response_schemas"]

_LINE = 99
# Long enough that no field is wrapped before the touches below, which work line by line.
_UNWRAPPED = 100_000
# Schemas every synth document defines itself (``synth.contract.Problem``): never imported.
SYNTH_OWN = ("Problem", "FieldError")


@dataclass
class Notes:
    """What could not be carried, and what was inferred, each with where it is."""

    lost: list[tuple[str, str]] = field(default_factory=list)  # (where, what)
    inferred: list[tuple[str, str]] = field(default_factory=list)
    # Breaking changes between the document and the one the package generates (synth diff).
    changed: list[tuple[str, str]] = field(default_factory=list)

    def lose(self, where: str, what: str) -> None:
        if (where, what) not in self.lost:
            self.lost.append((where, what))

    def change(self, where: str, what: str) -> None:
        if (where, what) not in self.changed:
            self.changed.append((where, what))

    def infer(self, where: str, what: str) -> None:
        if (where, what) not in self.inferred:
            self.inferred.append((where, what))


@dataclass(frozen=True)
class Models:
    """The module's text and the class names it defines (by component name); a component
    that is an array of another (``LoanList``) is named by what synth declares for it,
    ``list[Loan]``, so an operation answering it answers the same document."""

    source: str
    names: dict[str, str]
    classes: set[str] = field(default_factory=set)  # the names that are Pydantic models


def _refs(node: Any) -> Iterable[str]:
    """The local ``$ref``s under ``node``, as written."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/"):
            yield ref
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def request_schemas(document: Mapping[str, Any]) -> set[str]:
    """Component schemas a request body reaches, at any depth: they become ``RequestModel``s."""
    return _reached(document, ("requestBody",))


def response_schemas(document: Mapping[str, Any]) -> set[str]:
    """Component schemas an answer reaches, at any depth: where a request model is one of them,
    a field that may be left out stays ``T | MISSING`` (not required in the answer either)."""
    return _reached(document, ("responses", "callbacks"))


def _reached(document: Mapping[str, Any], parts: tuple[str, ...]) -> set[str]:
    """The component schemas ``parts`` of the operations reach, through any local ``$ref``
    (a shared request body or response in ``components`` too)."""
    components = document.get("components") or {}
    schemas = components.get("schemas") or {}
    todo = [
        ref
        for section in ("paths", "webhooks")
        for item in (document.get(section) or {}).values()
        if isinstance(item, dict)
        for op in item.values()
        if isinstance(op, dict)
        for part in parts
        for ref in _refs(op.get(part))
    ]
    seen: set[str] = set()
    followed: set[str] = set()
    while todo:
        ref = todo.pop()
        kind, _, escaped = ref.removeprefix("#/components/").partition("/")
        name = _unescape(escaped)
        if kind == "schemas":
            if name not in seen and name in schemas:
                seen.add(name)
                todo.extend(_refs(schemas[name]))
        elif ref not in followed and isinstance(components.get(kind), dict):
            followed.add(ref)
            todo.extend(_refs(components[kind].get(name)))
    return seen


# The property markers synth's contract language carries as ``Annotated`` metadata.
def _markers(prop: Mapping[str, Any]) -> list[str]:
    out = []
    fmt, kind = prop.get("format"), prop.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if fmt in _NUMERIC_FORMATS and {"integer", "number"} & set(kinds):
        # datamodel-code-generator writes int or float; the size is said outright, since a
        # client may type an int64 differently from an int.
        out.append(f"Field(json_schema_extra={{{'format'!r}: {fmt!r}}})")
    if prop.get("uniqueItems") is True and prop.get("type") == "array":
        out.append("UniqueItems()")
    if prop.get("x-synth-unique") is True:
        across = prop.get("x-synth-unique-across-tenants") is True
        out.append("Unique(across_tenants=True)" if across else "Unique()")
    file = prop.get("x-synth-file")
    if isinstance(file, dict) or "contentMediaType" in prop or prop.get("format") == "binary":
        file = file if isinstance(file, dict) else {}
        args = []
        if file.get("mediaTypes"):
            args.append(f"media_types={tuple(file['mediaTypes'])!r}")
        if isinstance(file.get("maxSize"), int):
            args.append(f"max_size={file['maxSize']!r}")
        out.append(f"File({', '.join(args)})")
    ref = prop.get("x-synth-ref")
    if isinstance(ref, str) and ref.startswith("/"):
        out.append(f"Ref({ref!r})")
    return out


def models_source(
    document: Mapping[str, Any],
    request: set[str],
    notes: Notes,
    *,
    synth_own: bool,
    response: AbstractSet[str] = frozenset(),
) -> Models:
    # Imported here: it takes a third of a second, and only this command needs it.
    schemas = dict(document.get("components", {}).get("schemas", {}))
    if synth_own:
        for name in SYNTH_OWN:
            schemas.pop(name, None)
    original = dict(schemas)
    schemas = {
        name: _defaults(_formats(_binary(schema), name, notes), name, notes)
        for name, schema in schemas.items()
    }
    for name, schema in schemas.items():
        _check_schema(name, schema, notes)
    if not schemas:
        return Models("from __future__ import annotations\n", {}, set())
    out, metadata = _generate(schemas)
    names: dict[str, str] = {}
    fields: dict[str, dict[str, str]] = {}  # class -> python name -> property name
    for model in metadata:
        ref = str(model.get("source_ref") or "")
        cls = str(model.get("class_name"))
        fields[cls] = {str(f["name"]): str(f.get("original_name") or f["name"])
                       for f in model.get("fields") or []}  # fmt: skip
        if ref.startswith("#/components/schemas/") and ref.count("/") == 3:
            names.setdefault(_unescape(ref.rsplit("/", 1)[1]), cls)
    by_class = {cls: original[n] for n, cls in names.items() if isinstance(original.get(n), dict)}
    text = _touch(
        out,
        by_class,
        fields,
        {names[n] for n in request if n in names},
        {names[n] for n in response if n in names},
    )
    text = _inline_enums(text, set(names.values()))
    text = _property_counts(text, schemas, names)
    if "Annotated[" in text:
        text = _import(text, "typing", "Annotated")
    # A class left with no body (its only line was the config a RequestModel has already).
    text = re.sub(r"^(class \w+\(.*\):\n)(?=\n*(?:\S|\Z))", r"\1    pass\n", text, flags=re.M)
    classes = set(re.findall(r"^class (\w+)\((?:Model|RequestModel)\):", text, re.M))
    text = format_module(text)
    # Only after the text: an operation answering an array component answers ``list[Item]``,
    # which synth names as the component was (``LoanList``).
    for name, schema in schemas.items():
        items = schema.get("items") if isinstance(schema, dict) else None
        if schema.get("type") == "array" and isinstance(items, dict) and "$ref" in items:
            item = _unescape(items["$ref"].rsplit("/", 1)[-1])
            if item in names and set(schema) <= {"type", "items", "title", "description"}:
                names[name] = f"list[{names[item]}]"
    return Models(text, names, classes)


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _generate(schemas: Mapping[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """datamodel-code-generator's module for ``schemas``, and its metadata (each class's name,
    the schema it came from and its fields' original names)."""
    import json
    import warnings

    from datamodel_code_generator import Error, InputFileType, PythonVersion, generate
    from datamodel_code_generator.enums import DataModelType, TargetPydanticVersion
    from datamodel_code_generator.format import Formatter

    models_only = {
        "openapi": "3.1.0",
        "info": {"title": "models", "version": "0"},
        "paths": {},
        "components": {"schemas": schemas},
    }
    # The system's temporary folder: no project's pyproject.toml lies above it.
    with tempfile.TemporaryDirectory(prefix="synth-import-") as settings, \
            warnings.catch_warnings():  # fmt: skip
        # Its notes on formats it does not know are ours to give (per schema), not its.
        warnings.simplefilter("ignore")
        metadata = Path(settings) / "models.json"
        try:
            out = generate(
                models_only,
                input_file_type=InputFileType.OpenAPI,
                output_model_type=DataModelType.PydanticV2BaseModel,
                target_python_version=PythonVersion.PY_311,
                target_pydantic_version=TargetPydanticVersion.V2_14,
                base_class="synth.contract.Model",
                disable_timestamp=True,
                formatters=[Formatter.BUILTIN],
                builtin_format_line_length=_UNWRAPPED,
                settings_path=Path(settings),
                emit_model_metadata=metadata,
                # One module, whatever dots the schema names hold.
                treat_dot_as_module=False,
                # A field that may be left out defaults to MISSING here: a response model
                # keeps `T | MISSING = MISSING` (not required in the document again); a
                # request model's is rewritten below to synth's `= None` (left out, not null).
                use_missing_sentinel=True,
                strict_nullable=True,
                field_constraints=True,
                use_annotated=True,
                use_type_alias=True,
                collapse_root_models=True,
                use_standard_collections=True,
                use_union_operator=True,
                use_double_quotes=True,
                use_schema_description=True,
                # Descriptions as Field(description=...): Pydantic writes those into the schema.
                use_field_description=False,
                # An enum written inline in a property stays inline (a Literal), as it was, and
                # takes no component's name.
                enum_field_as_literal_map=dict.fromkeys(_inline_enum_fields(schemas), "literal"),
                keep_model_order=False,  # definitions before use: the loader reads field types
            )
        except Error as exc:
            raise InputError(
                f"datamodel-code-generator cannot read the component schemas: "
                f"{str(exc).splitlines()[0][:300]}; fix the schema it names"
            ) from None
        meta = json.loads(metadata.read_text(encoding="utf-8")) if metadata.exists() else {}
    if not isinstance(out, str):
        raise InputError(
            "datamodel-code-generator split the models into several modules; synth import "
            "writes one models.py (rename the schemas whose names hold dots)"
        )
    return out, list(meta.get("models") or [])


_NUMERIC_FORMATS = {"int32", "int64", "float", "double"}
# synth.contract's field markers the touches below add to a field's `Annotated[...]`.
_MARKERS = ("File", "Ref", "Unique", "UniqueItems")
# Formats datamodel-code-generator reads as a type of the standard library or Pydantic; any
# other (`ulid`, say) would make it import a package the contracts cannot assume.
_KNOWN_FORMATS = {
    "date-time", "date", "time", "uuid", "email", "uri", "ipv4", "ipv6", "binary", "duration",
    "int32", "int64", "float", "double",
}  # fmt: skip


def _formats(node: Any, where: str, notes: Notes) -> Any:
    """The schema without the formats a model cannot declare, each noted."""
    if isinstance(node, list):
        return [_formats(item, where, notes) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: _formats(v, where, notes) for k, v in node.items()}
    fmt = out.get("format")
    if isinstance(fmt, str) and fmt not in _KNOWN_FORMATS and out.get("type") != "object":
        del out["format"]
        notes.lose(f"schema {where}", f"format {fmt!r} (an annotation a model cannot carry)")
    return out


def _defaults(node: Any, where: str, notes: Notes) -> Any:
    """The schema without the defaults its own schema refuses (`"false"` for a boolean), each
    noted: a contract's default must be a value of its field."""
    if isinstance(node, list):
        return [_defaults(item, where, notes) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: _defaults(v, where, notes) for k, v in node.items()}
    if "default" in out and "$ref" not in json.dumps(out):
        rest = {k: v for k, v in out.items() if k != "default"}
        if not jsonschema.Draft202012Validator(rest).is_valid(out["default"]):
            notes.lose(f"schema {where}",
                       f"default {out['default']!r}, which its own schema refuses")  # fmt: skip
            del out["default"]
    return out


def _binary(schema: Any) -> Any:
    """A file part's property (``contentMediaType``, synth's ``x-synth-file``) as
    ``format: binary``, which datamodel-code-generator reads as ``bytes``; ``File(...)`` is
    added to the field after."""
    if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
        return schema
    props = {}
    for name, prop in schema["properties"].items():
        props[name] = prop
        if isinstance(prop, dict) and ("contentMediaType" in prop or "x-synth-file" in prop):
            described = {"description": prop["description"]} if "description" in prop else {}
            props[name] = {"type": "string", "format": "binary", **described}
    return {**schema, "properties": props}


def _inline_enum_fields(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for name, prop in (node.get("properties") or {}).items():
            if isinstance(prop, dict) and ("enum" in prop or any(
                isinstance(b, dict) and "enum" in b for b in prop.get("anyOf") or ())):  # fmt: skip
                found.add(name)
        for value in node.values():
            found |= _inline_enum_fields(value)
    elif isinstance(node, list):
        for value in node:
            found |= _inline_enum_fields(value)
    return found


def _check_schema(name: str, schema: Any, notes: Notes) -> None:
    """Constructs a Pydantic model cannot declare, and so the package leaves out."""
    if not isinstance(schema, dict):
        return
    for key in ("not", "if", "dependentSchemas", "dependentRequired", "patternProperties",
                "unevaluatedProperties", "propertyNames"):  # fmt: skip
        if key in schema:
            notes.lose(f"schema {name}", f"`{key}`")
    for prop, sub in (schema.get("properties") or {}).items():
        if isinstance(sub, dict) and ("readOnly" in sub or "writeOnly" in sub):
            notes.lose(f"schema {name}.{prop}", "readOnly/writeOnly (synth models requests "
                       "and responses as separate models)")  # fmt: skip


_FIELD = re.compile(r"^    (\w+): (.+)$")


def _field_parts(line: str) -> tuple[str, str, str | None] | None:
    """A field line's name, annotation and default (None without one): the default follows
    the first ` = ` outside brackets and string literals (a description may hold one)."""
    m = _FIELD.match(line)
    if m is None:
        return None
    rest, depth, quote, i = m.group(2), 0, "", 0
    while i < len(rest):
        c = rest[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif depth == 0 and rest.startswith(" = ", i):
            return m.group(1), rest[:i], rest[i + 3 :]
        i += 1
    return m.group(1), rest, None


_CLASS = re.compile(r"^class (\w+)\((\w+(?:\.\w+)*)\):")


def _closure(text: str, roots: set[str]) -> set[str]:
    """``roots`` and the classes they reach through their fields, at any depth (the ones
    datamodel-code-generator made for inline objects too): what a request model reaches must
    be a ``RequestModel`` (closed and strict)."""
    blocks: dict[str, str] = {}
    for m in re.finditer(r"^(?:class (\w+)\(.*\):\n((?:    .*\n|\n)*)|(\w+) = (.*)\n)", text, re.M):
        name = m.group(1) or m.group(3)
        blocks[name] = m.group(2) if m.group(1) else m.group(4)
    words = {name: set(re.findall(r"\b\w+\b", body)) & set(blocks) for name, body in blocks.items()}
    seen: set[str] = set()
    todo = [n for n in roots if n in blocks]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(words.get(name, ()))
    return seen


def _touch(
    text: str,
    by_class: Mapping[str, Any],
    fields: Mapping[str, Mapping[str, str]],
    request: set[str],
    response: set[str],
) -> str:
    closed = _closure(text, request)
    # Request models an answer carries too: a field that may be left out stays
    # ``T | MISSING = MISSING``, which is not required in either direction (``= None`` would be
    # always present, so required, in the answer).
    answered = _closure(text, response)
    lines = text.splitlines()
    out: list[str] = []
    current: str | None = None
    skip_config = False
    for given in lines:
        line = given
        if line.startswith("# generated by datamodel-codegen") or line.startswith("#   filename"):
            continue
        if skip_config:
            skip_config = line.strip() != ")"
            continue
        head = _CLASS.match(line)
        if head:
            current = head.group(1)
            base = "RequestModel" if current in closed else "Model"
            line = re.sub(r"\((?:synth\.contract\.)?Model\):$", f"({base}):", line)
        elif line and not line.startswith(" "):
            current = None
        if re.match(r"^\w+ = TypeAliasType\(", line):
            # A plain alias: Pydantic writes it inline, where the document had it.
            m = re.match(r'^(\w+) = TypeAliasType\("\w+", (.*)\)$', line)
            # A recursive alias stays a TypeAliasType: a plain one cannot name itself.
            if m and not re.search(rf"\b{m.group(1)}\b", m.group(2)):
                line = f"{m.group(1)} = {m.group(2)}"
        if current in closed and line.strip() == "model_config = ConfigDict(":
            skip_config = True  # extra="forbid": a RequestModel already is
            continue
        parts = _field_parts(line) if current else None
        if parts and not line.strip().startswith(('"', "model_config")):
            schema = by_class.get(current or "", {})
            prop_name = (fields.get(current or "") or {}).get(parts[0], parts[0])
            leave_out = current in closed and current not in answered
            line = _touch_field(parts, schema, prop_name, leave_out)
        elif current in closed and current not in answered:
            line = re.sub(r"\bMISSING\b", "None", re.sub(r"( \| MISSING|MISSING \| )", "", line))
        out.append(line)
    text = "\n".join(out) + "\n"
    text = re.sub(r"^(from pydantic import .*)$", _drop_names, text, flags=re.M)
    for module, name in (("pydantic", "Field"), ("typing", "Annotated")):
        text = _with_import(text, module, name)
    text = text.replace("AwareDatetime", "DateTime")
    text = re.sub(r"^from uuid import UUID\n", "", text, flags=re.M)
    text = re.sub(r"^from synth\.contract import .*\n", "", text, flags=re.M)
    if "TypeAliasType(" not in text.split("from typing_extensions import TypeAliasType", 1)[-1]:
        text = re.sub(r"^from typing_extensions import TypeAliasType\n", "", text, flags=re.M)
    return _with_contract_imports(text)


_ENUM = re.compile(r"^class (\w+)\((?:StrEnum|IntEnum|Enum)\):\n((?:    .*\n|\n)*)", re.M)


def _inline_enums(text: str, components: set[str]) -> str:
    """An enum datamodel-code-generator named for a property's inline ``enum`` becomes the
    ``Literal`` it was: Pydantic writes it inline again, not as a new component."""

    def literal(m: re.Match[str]) -> str:
        if m.group(1) in components:
            return m.group(0)
        values = re.findall(r"^    \w+ = (.+)$", m.group(2), flags=re.M)
        if not values:
            return m.group(0)
        members = re.findall(r"^    (\w+) = (.+)$", m.group(2), flags=re.M)
        converted[m.group(1)] = dict(members)
        return f"{m.group(1)} = Literal[{', '.join(values)}]\n"

    converted: dict[str, dict[str, str]] = {}
    text = _ENUM.sub(literal, text)
    for name, members in converted.items():  # a default named a member: now its value

        def value(m: re.Match[str], kept: dict[str, str] = members) -> str:
            return kept.get(m.group(1), m.group(0))

        text = re.sub(rf"\b{name}\.(\w+)\b", value, text)
    return _import(text, "typing", "Literal") if converted else text


def _import(text: str, module: str, name: str) -> str:
    line = re.search(rf"^from {module} import (.*)$", text, re.M)
    if line is None:
        return text.replace("from __future__ import annotations\n",
                            f"from __future__ import annotations\n\nfrom {module} import {name}\n", 1)  # fmt: skip
    names = sorted({*line.group(1).split(", "), name})
    return text[: line.start()] + f"from {module} import {', '.join(names)}" + text[line.end() :]


_SIZE = {"minProperties": ("<", "at least"), "maxProperties": (">", "at most")}


def _property_counts(text: str, schemas: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """``minProperties``/``maxProperties`` of a model: in its schema and checked on the fields
    given (as the CRM's ``ContactUpdate`` declares "at least one field")."""
    for component, schema in schemas.items():
        if not isinstance(schema, dict) or not (set(schema) & set(_SIZE)):
            continue
        cls = names.get(component)
        if cls is None:
            continue
        head = re.search(rf"^class {re.escape(cls)}\((\w+)\):\n((?:    .*\n|\n)*)", text, re.M)
        if head is None:
            continue
        extra = {k: schema[k] for k in _SIZE if isinstance(schema.get(k), int)}
        lines = [f"    model_config = {head.group(1)}.model_config | "
                 f"{{'json_schema_extra': {extra!r}}}", ""]  # fmt: skip
        for key, count in extra.items():
            op, words = _SIZE[key]
            lines += [
                '    @model_validator(mode="after")',
                f"    def _{key.lower()}(self) -> Self:",
                f"        if len(self.model_fields_set) {op} {count}:",
                f'            raise ValueError("give {words} {count} field(s)")',
                "        return self",
                "",
            ]
        body = head.group(2).rstrip("\n") + "\n\n" + "\n".join(lines)
        text = text[: head.start(2)] + body + "\n" + text[head.end(2) :]
        text = _import(_import(text, "typing", "Self"), "pydantic", "model_validator")
    return text


def _with_import(text: str, module: str, name: str) -> str:
    """``text`` importing ``name`` from ``module`` where a touch above brought it in."""
    if not re.search(rf"\b{name}\[|\b{name}\(", text):
        return text
    line = re.search(rf"^from {module} import (.*)$", text, re.M)
    if line is None:
        return re.sub(r"^(from __future__ import annotations\n)", rf"\1\nfrom {module} import {name}\n",
                      text, count=1, flags=re.M)  # fmt: skip
    names = line.group(1).split(", ")
    if name in names:
        return text
    joined = ", ".join(sorted([*names, name]))
    return text[: line.start()] + f"from {module} import {joined}" + text[line.end() :]


def _drop_names(m: re.Match[str]) -> str:
    """The pydantic import without what synth.contract gives (or nothing uses any more)."""
    head, _, names = m.group(1).partition(" import ")
    body = m.string[m.end() :]
    kept = [n for n in names.split(", ") if n != "AwareDatetime" and re.search(rf"\b{n}\b", body)]
    return f"{head} import {', '.join(kept)}" if kept else ""


def _with_contract_imports(text: str) -> str:
    """``text`` with the one import of what it uses from synth.contract, after the others."""
    # A schema named like one of synth's markers (`File`, as Stripe's and OpenAI's have) is a
    # class of this module: the marker is imported under another name, so neither hides the
    # other.
    own = set(re.findall(r"^class (\w+)\(", text, re.M)) | set(re.findall(r"^(\w+) = ", text, re.M))
    renamed = [name for name in _MARKERS if name in own and re.search(rf", {name}\(", text)]
    for name in renamed:
        text = re.sub(rf", {name}\(", f", Synth{name}(", text)
    wanted = sorted(
        name
        for name in ("UUID", "DateTime", "Model", "RequestModel", *_MARKERS)
        if name not in own and re.search(rf"\b{name}\b", text)
    ) + [f"{name} as Synth{name}" for name in renamed]
    imports = f"from synth.contract import {', '.join(wanted)}\n" if wanted else ""
    first, _, rest = text.partition("\n\n\n")
    return first.rstrip("\n") + "\n" + imports + "\n\n" + rest


def _last_class(lines: list[str]) -> str:
    return next((x for x in reversed(lines) if x.startswith("class ")), "")


def _touch_field(
    parts: tuple[str, str, str | None], schema: Mapping[str, Any], prop_name: str, request: bool
) -> str:
    """A field as a contract declares it: in a request model, one that may be left out
    defaults to None (left out is not null there); in a response model it stays
    ``T | MISSING = MISSING``, which synth documents as not required."""
    name, annotation, default = parts
    if request:
        if default is not None:
            default = re.sub(r"\bMISSING\b", "None", default)
        annotation = annotation.replace(" | MISSING", "").replace("MISSING | ", "")
    prop = (schema.get("properties") or {}).get(prop_name)
    markers = _markers(prop) if isinstance(prop, dict) else []
    if markers:
        if any(m.startswith("File(") for m in markers):
            # A multipart file part is there or not; it is never null, and it is only ever
            # sent (a request model's `= None`, whatever else carries the model).
            annotation = annotation.replace("bytes | None", "bytes").replace(" | MISSING", "")
            if default is not None:
                default = re.sub(r"\bMISSING\b", "None", default)
        extra = ", ".join(markers)
        if annotation.startswith("Annotated[") and annotation.endswith("]"):
            annotation = f"{annotation[:-1]}, {extra}]"
        else:
            annotation = f"Annotated[{annotation}, {extra}]"
    return f"    {name}: {annotation}" + (f" = {default}" if default is not None else "")
