"""`synth zod` on documents synth did not write, each in ``tests/zod/foreign/``: unknown formats,
OpenAPI 3.0, ECMA-262 patterns, webhooks and form bodies, multi-file documents. Each document
was refused or mistranslated before; bad input is a located message, exit 2, nothing written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from synth._input import read_openapi
from synth._upgrade import upgrade_30
from synth.cli import main
from synth.zod import ZodError, emit_zod
from tests.zod._node import NodeHarness

FOREIGN = Path(__file__).parent / "foreign"


def _zod(doc: Path, out: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["zod", str(doc), "--out", str(out)])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def _emit(name: str) -> dict[str, str]:
    return emit_zod(read_openapi(FOREIGN / name, upgrade=True, bundle=True))


def _verdicts(node: NodeHarness, files: dict[str, str], expr: str, values: list[Any]) -> list[bool]:
    """Whether ``expr`` (TypeScript over the modules' exports) accepts each value."""
    probe = 'import * as s from "./schemas.js";\nimport * as o from "./operations.js";\n'
    probe += f"void s; void o;\nexport const probe = {expr};\n"
    module = f"m{abs(hash((expr, tuple(sorted(files)))))}"
    node.load(module, {**files, "probe.ts": probe}, "probe.ts")
    try:
        results = node.validate(module, "probe", [json.dumps(v) for v in values])
    finally:
        node.unload(module)
    return [r["valid"] for r in results]


# -- 1. unknown formats are annotations, with a note ------------------------------------------


def test_unknown_formats_are_annotations_listed_in_the_output(tmp_path: Path) -> None:
    code, output = _zod(FOREIGN / "museum.yaml", tmp_path / "out")
    assert code == 0, output
    assert "note: 2 schema keyword(s) kept as annotations, not checked:" in output
    assert (
        "museum.yaml#/components/schemas/Hours/properties/country/format: "
        "format 'iso-country-code' is an annotation (not checked)" in output
    )
    assert "properties/id/format: format 'uint64'" in output
    schemas = (tmp_path / "out" / "schemas.ts").read_text()
    assert (
        'country: z.string() /* format: "iso-country-code" (not checked) */.optional(),' in schemas
    )


def test_unknown_formats_enforce_nothing(node: NodeHarness) -> None:
    files = _emit("museum.yaml")
    assert _verdicts(node, files, "s.Hours", [
        {"timeOpen": "09:30", "country": "not a country", "id": 2**60},
        {"timeOpen": "09:30", "country": 7},
    ]) == [True, False]  # fmt: skip


# -- 2. OpenAPI 3.0 through the 3.0 -> 3.1 upgrade --------------------------------------------


def test_the_upgrade_rewrites_what_3_1_reads_differently() -> None:
    doc: dict[str, Any] = {
        "openapi": "3.0.3",
        "components": {"schemas": {
            "A": {"type": "string", "nullable": True, "example": "x"},
            "B": {"type": "integer", "minimum": 0, "exclusiveMinimum": True,
                  "maximum": 9, "exclusiveMaximum": False},
            "C": {"type": "string", "enum": ["a"], "nullable": True},
            "D": {"allOf": [{"$ref": "#/components/schemas/A"}], "nullable": True,
                  "description": "d"},
            "E": {"$ref": "#/components/schemas/A", "description": "e", "maxLength": 1},
            "F": {"type": "object", "properties": {"f": {"type": "number", "nullable": False}}},
            "G": {"type": "object", "nullable": True, "default": None,
                  "allOf": [{"$ref": "#/components/schemas/F"}]},
        }},
    }  # fmt: skip
    schemas = upgrade_30(doc)["components"]["schemas"]
    assert schemas["A"] == {"type": ["string", "null"], "examples": ["x"]}
    assert schemas["B"] == {"type": "integer", "exclusiveMinimum": 0, "maximum": 9}
    assert schemas["C"] == {"type": ["string", "null"], "enum": ["a", None]}
    assert schemas["D"] == {
        "description": "d",
        "anyOf": [{"allOf": [{"$ref": "#/components/schemas/A"}]}, {"type": "null"}],
    }
    # 3.0 ignores a $ref's siblings; 3.1 would apply them: only annotations are kept.
    assert schemas["E"] == {"$ref": "#/components/schemas/A", "description": "e"}
    assert schemas["F"] == {"type": "object", "properties": {"f": {"type": "number"}}}
    # null must pass the allOf too: the whole schema or null.
    assert schemas["G"] == {
        "default": None,
        "anyOf": [
            {"type": "object", "allOf": [{"$ref": "#/components/schemas/F"}]},
            {"type": "null"},
        ],
    }
    assert doc["components"]["schemas"]["A"]["nullable"] is True, "the input is not changed"


def test_a_3_0_document_generates_with_its_meaning(tmp_path: Path, node: NodeHarness) -> None:
    code, output = _zod(FOREIGN / "legacy30.yaml", tmp_path / "out")
    assert code == 0, output
    files = _emit("legacy30.yaml")
    pet = {"name": "Rex", "tag": None}
    assert _verdicts(node, files, "s.Pet", [
        pet,
        {**pet, "tag": "t", "kind": None, "owner": None, "weight": 0.5},
        {**pet, "weight": 0},  # exclusiveMinimum: true
        {**pet, "kind": "bird"},
        {"name": "Rex"},  # tag is required, nullable, not optional
    ]) == [True, True, False, False, False]  # fmt: skip


def test_a_nullable_parameter_is_parsed_from_text(node: NodeHarness) -> None:
    files = _emit("legacy30.yaml")
    assert _verdicts(node, files, "o.search.query", [
        {"dryRun": "true"}, {"dryRun": "maybe"}, {},
    ]) == [True, False, True]  # fmt: skip


def test_a_bad_3_0_document_is_located_in_3_0_terms(tmp_path: Path) -> None:
    bad = tmp_path / "api.yaml"
    bad.write_text(
        (FOREIGN / "legacy30.yaml")
        .read_text()
        .replace("tag: {type: string, nullable: true}", "tag: {type: string, nullable: yes-ish}")
    )
    code, output = _zod(bad, tmp_path / "out")
    assert code == 2
    assert (
        "api.yaml#/components/schemas/Pet/properties/tag/nullable: not valid OpenAPI 3.0:" in output
    )
    assert not (tmp_path / "out").exists()


# -- 3. patterns are ECMA-262 -----------------------------------------------------------------


def test_patterns_are_ecma_262(node: NodeHarness) -> None:
    files = _emit("museum.yaml")
    schemas = files["schemas.ts"]
    assert 'timeOpen: z.string().regex(new RegExp("^([01]\\\\d|2[0-3]):[0-5]\\\\d$", "u")),' in (
        schemas
    )
    base = {"timeOpen": "09:30"}
    assert _verdicts(node, files, "s.Hours", [
        base,
        {"timeOpen": "1\u0669:3\u0660"},  # \d is ASCII in ECMA-262, unlike Rust's Unicode \d
        {**base, "name": "Émile"},  # \p{Letter} (the u flag)
        {**base, "name": "R2"},
        {**base, "twice": "aaaa"},  # back-reference
        {**base, "twice": "aaa"},
        {**base, "noDigitsAhead": "a1"},  # look-ahead
        {**base, "noDigitsAhead": "1a"},
    ]) == [True, False, True, False, True, False, True, False]  # fmt: skip


def test_synth_contracts_keep_the_rust_dialect() -> None:
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {"X": {"type": "string", "pattern": r"^\d+$"}}},
    }
    assert "/^\\p{Nd}+$/u" in emit_zod(doc, patterns="pydantic")["schemas.ts"]
    assert 'new RegExp("^\\\\d+$", "u")' in emit_zod(doc)["schemas.ts"]


def test_a_pattern_that_is_not_ecma_262_is_located(tmp_path: Path) -> None:
    bad = tmp_path / "museum.yaml"
    bad.write_text((FOREIGN / "museum.yaml").read_text().replace("'^(a+)\\1$'", "'(?P<n>a)'"))
    code, output = _zod(bad, tmp_path / "out")
    assert code == 2, output
    assert "#/components/schemas/Hours/properties/twice/pattern" in output
    assert "pattern '(?P<n>a)' is not an ECMA-262 regular expression" in output
    assert not (tmp_path / "out").exists()


# -- 5. webhooks and form bodies --------------------------------------------------------------


def test_webhooks_are_operations(node: NodeHarness) -> None:
    files = _emit("multi/api.yaml")
    operations = files["operations.ts"]
    assert 'webhook: "newPet",' in operations
    assert "export const webhooks = { newPet } as const;" in operations
    assert _verdicts(node, files, "o.webhooks.newPet.body", [{"name": "x"}, {}]) == [True, False]


def test_form_bodies_are_objects_of_their_fields(node: NodeHarness) -> None:
    files = _emit("legacy30.yaml")
    operations = files["operations.ts"]
    assert 'bodyContentType: "multipart/form-data",' in operations
    assert "photo: z.instanceof(Blob)," in operations
    assert "body: null" not in operations
    # url-encoded fields arrive as text: numbers are parsed, then checked.
    assert _verdicts(node, files, "o.search.body", [
        {"q": "x", "limit": "5"}, {"limit": "500"}, {"limit": "many"},
    ]) == [True, False, False]  # fmt: skip
    assert _verdicts(node, files, "o.addPet.body", [{"name": "x", "photo": "not a file"}]) == [
        False
    ]


def test_other_bodies_are_text_or_blob() -> None:
    operations = _emit("museum.yaml")["operations.ts"]
    assert '200: { contentType: "image/png", schema: z.instanceof(Blob) },' in operations
    assert 'bodyContentType: "text/plain",' in operations
    assert "body: z.string()," in operations
    assert '200: { contentType: "text/plain", schema: z.string().check(maxLength(10)) },' in (
        operations
    )


# -- 6. multi-file documents ------------------------------------------------------------------


def test_a_multi_file_document_is_bundled(tmp_path: Path, node: NodeHarness) -> None:
    code, output = _zod(FOREIGN / "multi" / "api.yaml", tmp_path / "out")
    assert code == 0, output
    files = _emit("multi/api.yaml")
    schemas = files["schemas.ts"]
    assert "export const Pet: z.ZodType<Pet> = z.object({" in schemas
    assert "parent: z.lazy(() => Pet).optional()," in schemas
    assert "export const toy = z.object({" in schemas
    operations = files["operations.ts"]
    assert (
        'limit: fromText(z.number().check(integer()).lte(50), "integer").optional(),' in operations
    )
    # A path item in another file, whose refs are relative to it, one back into the document.
    assert 'path: "/pets/{id}",' in operations
    assert '200: { contentType: "application/json", schema: schemas.Pet },' in operations
    assert '404: { contentType: "application/json", schema: schemas.Problem },' in operations
    assert "Problem2" not in schemas
    assert _verdicts(node, files, "s.Pet", [
        {"name": "a", "parent": {"name": "b"}, "toy": {"label": "ball"}},
        {"name": "a", "parent": {}},
        {"name": "a", "toy": {"label": 1}},
    ]) == [True, False, False]  # fmt: skip


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("schemas/toy.yaml", None), "api.yaml: schemas/toy.yaml: no such file"),
        (("schemas/pet.yaml", "Pet:\n  type: object\n  properties: {x: {$ref: '#/Nope'}}\n"),
         "pet.yaml#/Nope' points to nothing in that file"),
    ],
)  # fmt: skip
def test_a_broken_multi_file_document_is_located(
    tmp_path: Path, edit: tuple[str, str | None], message: str
) -> None:
    folder = tmp_path / "multi"
    shutil.copytree(FOREIGN / "multi", folder)
    name, text = edit
    if text is None:
        (folder / name).unlink()
    else:
        (folder / name).write_text(text)
    code, output = _zod(folder / "api.yaml", tmp_path / "out")
    assert code == 2, output
    assert message in output
    assert not (tmp_path / "out").exists()


# -- unknown keywords in a 3.1 document: annotations, as JSON Schema 2020-12 says -------------

MIXED = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "paths": {},
    "components": {"schemas": {"X": {"type": "string", "nullable": True, "frobnicate": 1}}},
}


def test_unknown_keywords_of_a_document_are_reported_not_refused(tmp_path: Path) -> None:
    doc = tmp_path / "api.json"
    doc.write_text(json.dumps(MIXED))
    code, output = _zod(doc, tmp_path / "out")
    assert code == 0, output
    assert (
        "api.json#/components/schemas/X/nullable: `nullable` is OpenAPI 3.0 and means nothing "
        "in 3.1: write type: [..., 'null'], or declare the document openapi: 3.0.x" in output
    )
    assert "X/frobnicate: unknown keyword 'frobnicate'; ignored" in output
    assert "remove it" not in output
    assert "export const X = z.string();" in (tmp_path / "out" / "schemas.ts").read_text()


def test_an_unknown_keyword_in_synth_contracts_is_an_error() -> None:
    with pytest.raises(ZodError) as info:
        emit_zod(MIXED, patterns="pydantic")
    assert info.value.location == "#/components/schemas/X/nullable"
    assert "write type: [..., 'null']" in str(info.value)


# -- what a JSON Schema 2020-12 validator says, where synth once said otherwise ----------------


def _document(schemas: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }


def test_a_document_uri_is_rfc_3986(node: NodeHarness) -> None:
    files = emit_zod(_document({"Link": {"type": "string", "format": "uri"}}))
    assert _verdicts(node, files, "s.Link", [
        "https://example.com/a?b=c#d", "mailto:a@example.com", "urn:isbn:0451450523",
        "https://example.com/a ", "https://example.com/#a#b", "https://exämple.com/", "/a",
    ]) == [True, True, True, False, False, False, False]  # fmt: skip


def test_a_discriminator_without_required_distinct_tags_is_oneof(node: NodeHarness) -> None:
    """Zod's discriminatedUnion threw on options whose tag is optional or inherited; the
    discriminator is an annotation, so oneOf decides, on the value as sent (an option's
    default filled in must not make another option refuse it)."""
    tagged = {
        "A": {"type": "object", "properties": {"kind": {"enum": ["a"], "default": "a"}}},
        "B": {"type": "object", "properties": {"kind": {"enum": ["b"], "default": "b"}}},
        "C": {"type": "object", "allOf": [{"$ref": "#/components/schemas/A"}]},
        "U": {
            "oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}],
            "discriminator": {"propertyName": "kind"},
        },
        "V": {
            "oneOf": [{"$ref": "#/components/schemas/C"}, {"$ref": "#/components/schemas/B"}],
            "discriminator": {"propertyName": "kind"},
        },
    }
    files = emit_zod(_document(tagged))
    assert "z.discriminatedUnion" not in files["schemas.ts"]
    values = [{}, {"kind": "a"}, {"kind": "b"}, {"kind": "c"}]
    assert _verdicts(node, files, "s.U", values) == [False, True, True, False]
    assert _verdicts(node, files, "s.V", values) == [False, True, True, False]


def test_refs_resolve_against_the_id_of_their_resource(tmp_path: Path, node: NodeHarness) -> None:
    """A component with its own `$id` is a resource: `#/$defs/...` and `#anchor` inside it
    name its own parts (openapi-spec-validator resolved them against the document)."""
    document = _document({
        "Tree": {
            "$id": "https://example.com/tree.json",
            "type": "object",
            "properties": {"kids": {"type": "array", "items": {"$ref": "#node"}},
                           "size": {"$ref": "#/$defs/size"}},
            "$defs": {"size": {"type": "integer", "minimum": 0},
                      "node": {"$anchor": "node", "$ref": "tree.json"}},
        },
    })  # fmt: skip
    source = tmp_path / "tree.json"
    source.write_text(json.dumps(document))
    code, output = _zod(source, tmp_path / "out")
    assert code == 0, output
    files = {p.name: p.read_text() for p in (tmp_path / "out").glob("*.ts")}
    assert _verdicts(node, files, "s.Tree", [
        {"size": 1, "kids": [{"size": 2, "kids": []}]},
        {"size": 1, "kids": [{"size": -2}]},
    ]) == [True, False]  # fmt: skip


def test_a_dangling_ref_is_located_in_its_file_with_the_fix(tmp_path: Path) -> None:
    # As synth import and synth diff say it: the file, the JSON pointer, what to do.
    document = tmp_path / "api.json"
    document.write_text(json.dumps({
        "openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {},
        "components": {"schemas": {"A": {"$ref": "#/components/schemas/Nope"}}},
    }))  # fmt: skip
    code, output = _zod(document, tmp_path / "out")
    assert code == 2, output
    assert "api.json#/components/schemas/A: $ref '#/components/schemas/Nope' points to " in output
    assert "fix: point it at a part of the document or define what it names" in output
    assert not (tmp_path / "out").exists()
