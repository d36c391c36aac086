"""Hypothesis strategies for whole random contract packages, as source text.

A drawn contract goes through the same path as a user's: written to a folder, imported by the
loader, emitted. Names are TypeScript and Python reserved words and unicode identifiers;
descriptions carry comment terminators, backticks and template-literal openers; models nest,
recurse, and carry large enums and constrained fields; there are many operations.
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

TS_RESERVED = [
    "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete",
    "do", "else", "enum", "export", "extends", "false", "finally", "for", "function", "if",
    "import", "in", "instanceof", "new", "null", "return", "super", "switch", "this", "throw",
    "true", "try", "typeof", "var", "void", "while", "with", "yield", "let", "static",
    "implements", "interface", "package", "private", "protected", "public", "await", "any",
    "string", "number", "type", "object", "constructor", "__proto__", "prototype", "z",
]  # fmt: skip
PY_RESERVED = ["from", "class", "def", "lambda", "None", "True", "global", "pass", "async"]
UNICODE_NAMES = ["café", "naïve", "数量", "größe", "ñandú", "μ", "ǅemal"]
PLAIN = ["name", "count", "value", "label", "amount", "kind", "items", "note", "model_id"]

NASTY_TEXT = [
    "ends a comment */ here", "a `backtick` and ${template}", "quote ' and \" both",
    "back\\slash", "line\nbreak", "</script>", "emoji 🎉 and nul-ish \\u0000", "*/ /* */",
]  # fmt: skip

PATTERNS = [
    r"^[a-z0-9-]{1,32}$", r"^\+[1-9][0-9]{6,14}$", r"^\d{3}$", r"^\w+$", r"^[A-Z]{2}\d{2}$",
    r"(?i)^abc$", r"^[^\s]+$", r"^\S+@\S+$", r"^a|b$", r"^(foo|bar)+\z",
]  # fmt: skip
# Look-around has no equivalent in pydantic's Rust engine, and Unicode properties have no form
# that Python-based OpenAPI tools accept: such a contract must be refused cleanly at load,
# naming the place, never crash anything.
BAD_PATTERNS = [r"^(?=.*\d)\w+$", r"^(?!x)\w+$", r"^\p{L}+$"]


@dataclass
class Field:
    py_name: str
    wire_name: str
    annotation: str
    default: str | None
    description: str


@dataclass
class ModelDef:
    name: str
    fields: list[Field]
    description: str
    request: bool
    recursive: bool = False


@dataclass
class ContractDef:
    models: list[ModelDef]
    enums: dict[str, list[str]]
    operations: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, model, noun)
    expect_error: bool = False


def _py_name(wire: str) -> str:
    if keyword.iskeyword(wire) or keyword.issoftkeyword(wire) or wire in ("None", "True"):
        return wire + "_"
    if wire.startswith("__") or wire.startswith("model_"):
        return "f_" + wire.strip("_")
    return wire


@st.composite
def field_names(draw: st.DrawFn, count: int) -> list[str]:
    pool = st.sampled_from(TS_RESERVED + PY_RESERVED + UNICODE_NAMES + PLAIN)
    names = draw(st.lists(pool, min_size=count, max_size=count, unique=True))
    return names


@st.composite
def scalar_annotation(  # noqa: PLR0911 (a return per kind drawn)
    draw: st.DrawFn, enums: dict[str, list[str]]
) -> tuple[str, bool]:
    """An annotation and whether it uses a pattern from BAD_PATTERNS."""
    kind = draw(st.sampled_from(["str", "int", "float", "bool", "enum", "literal", "uuid", "dt"]))
    if kind == "str":
        lo = draw(st.integers(0, 5))
        hi = draw(st.integers(lo, lo + 50))
        bad = draw(st.integers(0, 30)) == 0
        pattern = draw(st.sampled_from(BAD_PATTERNS if bad else [*PATTERNS, None]))
        parts = [f"min_length={lo}", f"max_length={hi}"]
        if pattern is not None:
            parts.append(f"pattern={pattern!r}")
        return f"Annotated[str, StringConstraints({', '.join(parts)})]", bad
    if kind == "int":
        lo = draw(st.integers(-(2**40), 100))
        mult = draw(st.sampled_from(["", ", multiple_of=3"]))
        hi = draw(st.integers(lo + (3 if mult else 0), lo + 10**6))  # never an empty range
        return f"Annotated[int, Field(ge={lo}, le={hi}{mult})]", False
    if kind == "float":
        low = draw(st.sampled_from([-1.5, 0.0, 0.5]))
        high = draw(st.sampled_from([10.0, 100.25, 1e6]))
        excl = draw(st.booleans())
        bounds = f"gt={low}, lt={high}" if excl else f"ge={low}, le={high}"
        mult = draw(st.sampled_from(["", ", multiple_of=0.25"]))
        return f"Annotated[float, Field({bounds}{mult})]", False
    if kind == "bool":
        return "bool", False
    if kind == "enum":
        name = f"Enum{len(enums)}"
        size = draw(st.sampled_from([1, 2, 5, 60]))
        members = [f"v{i}_{draw(st.sampled_from(['a', 'b', 'é']))}" for i in range(size)]
        enums[name] = sorted(set(members))
        return name, False
    if kind == "literal":
        values = draw(
            st.lists(
                st.sampled_from(["a", "b", "c-d", "class", "*/"]),
                min_size=1,
                max_size=3,
                unique=True,
            )
        )
        return f"Literal[{', '.join(repr(v) for v in values)}]", False
    if kind == "uuid":
        return "UUID", False
    return "DateTime", False


@st.composite
def contracts(draw: st.DrawFn) -> ContractDef:
    enums: dict[str, list[str]] = {}
    models: list[ModelDef] = []
    expect_error = False
    n_models = draw(st.integers(1, 4))
    for m in range(n_models):
        names = draw(field_names(draw(st.integers(1, 6))))
        fields = []
        for wire in names:
            annotation, bad = draw(scalar_annotation(enums))
            shape = draw(
                st.sampled_from(["plain", "nullable", "list", "dict", "nested", "optional"])
            )
            default = None
            if shape == "nullable":
                annotation = f"{annotation} | None"
            elif shape == "list":
                annotation = (
                    f"Annotated[list[{annotation}], Field(max_length={draw(st.integers(1, 5))})]"
                )
            elif shape == "dict":
                annotation = f"dict[str, {annotation}]"
            elif shape == "nested" and models:
                annotation = draw(st.sampled_from([d.name for d in models if not d.request]))
                bad = False  # the drawn scalar, and its pattern, are not used
            elif shape == "optional":
                annotation = f"{annotation} | None"
                default = "None"
            expect_error |= bad
            fields.append(
                Field(_py_name(wire), wire, annotation, default, draw(st.sampled_from(NASTY_TEXT)))
            )
        recursive = draw(st.booleans())
        name = draw(
            st.sampled_from(["Thing", "Delete", "Class", "Größe", "Yield", "Item", "Model"])
        )
        name = f"{name}{m}"
        if recursive:
            fields.append(Field("children", "children", f"list[{name}]", "[]", "Sub-items."))
        models.append(
            ModelDef(
                name, fields, draw(st.sampled_from(NASTY_TEXT)), request=False, recursive=recursive
            )
        )
    ops = []
    for i, model in enumerate(models):
        noun = f"res{i}"
        kinds = draw(
            st.lists(
                st.sampled_from(["create", "get", "list", "update", "delete"]),
                min_size=1,
                unique=True,
            )
        )
        ops += [(k, model.name, noun) for k in kinds]
    return ContractDef(models, enums, ops, expect_error)


HEADER = '''\
"""A generated contract. {doc}"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from synth.contract import UUID, Api, Cursor, DateTime, Model, Page, RequestModel, Unique

api = Api("Fuzzed API", "1.0.0", base_path="/api", description={doc!r})
for _code, _status in [
    ("unauthenticated", 401), ("not_found", 404), ("validation_failed", 422),
    ("invalid_request", 400), ("invalid_cursor", 400), ("idempotency_key_missing", 400),
    ("idempotency_key_reused", 422), ("idempotency_key_in_use", 409),
    ("precondition_failed", 412), ("internal_error", 500),
]:
    api.error(_code, _status, _code.replace("_", " "), "Described: `x` */ ${{y}}")
'''


def _field(f: Field, annotation: str) -> str:
    alias = f", alias={f.wire_name!r}" if f.py_name != f.wire_name else ""
    default = f"default={f.default}, " if f.default is not None else ""
    return f"    {f.py_name}: {annotation} = Field({default}description={f.description!r}{alias})"


def render(contract: ContractDef) -> str:
    out = [HEADER.format(doc="Names: class, delete, ${x}, */")]
    names = {m.name for m in contract.models}
    for name, members in contract.enums.items():
        out.append(f"\nclass {name}(StrEnum):")
        out += [f"    {m} = {m!r}" for m in members]
    # A list is ordered by its item's first field, which it declares unique (the order's
    # last key must be: the tie-breaker).
    listed = {model for kind, model, _ in contract.operations if kind == "list"}
    for model in contract.models:
        out.append(f"\n\nclass {model.name}(Model):")
        out.append(f"    {model.description!r}")
        for i, f in enumerate(model.fields):
            unique = i == 0 and model.name in listed
            out.append(
                _field(f, f"Annotated[{f.annotation}, Unique()]" if unique else f.annotation)
            )
        out.append(f"\n\nclass {model.name}Page(Page[{model.name}]):")
        out.append(f"    {'A page of ' + model.name!r}")
        out.append(f"\n\nclass {model.name}Create(RequestModel):")
        for f in model.fields:
            annotation = f.annotation.replace(f"list[{model.name}]", f"list[{model.name}Create]")
            if annotation in names:  # a nested model: its request twin, closed like the body
                annotation = f"{annotation}Create"
            out.append(_field(f, annotation))
    for kind, model_name, noun in contract.operations:
        item = f"/{noun}/{{{noun}_id}}"
        if kind == "create":
            out.append(
                f'\n\n@api.post("/{noun}", idempotent=True)\ndef create_{noun}(body: {model_name}Create) -> {model_name}: ...'
            )
        elif kind == "get":
            out.append(
                f'\n\n@api.get("{item}", cacheable=True)\ndef get_{noun}({noun}_id: UUID) -> {model_name}: ...'
            )
        elif kind == "list" and any(f.py_name == "id" for m in contract.models for f in m.fields):
            pass
        elif kind == "list":
            out.append(
                f'\n\n@api.get("/{noun}", paginated=Cursor(order=("-{_first_scalar(contract, model_name)}",)))\ndef list_{noun}() -> {model_name}Page: ...'
            )
        elif kind == "update":
            out.append(
                f'\n\n@api.patch("{item}", cacheable=True)\ndef update_{noun}({noun}_id: UUID, body: {model_name}Create) -> {model_name}: ...'
            )
        elif kind == "delete":
            out.append(
                f'\n\n@api.delete("{item}")\ndef delete_{noun}({noun}_id: UUID) -> None: ...'
            )
    return "\n".join(out) + "\n"


def _first_scalar(contract: ContractDef, model: str) -> str:
    m = next(m for m in contract.models if m.name == model)
    return m.fields[0].py_name


def write(folder: Path, contract: ContractDef) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "api.py").write_text(render(contract), encoding="utf-8")
    return folder
