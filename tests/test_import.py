"""`synth import`: an OpenAPI document as a contract package.

Round trips: synth's own document and every example API's are imported, the package is
loaded and generated again, and the document that comes back is the one that went in (every
key but the provenance line), with `synth diff` clean both ways. Foreign documents: what the
package could not carry is listed and pinned per corpus document. Misuse: a located message,
exit 2, nothing written.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from synth.cli import main
from synth.generate import generate
from synth.loader import load

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "openapi"
EXAMPLES = ("tracker", "warehouse", "library", "feeds", "ticketing")


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _document(contracts: Path) -> dict[str, Any]:
    text = generate(load(contracts))["openapi.json"]
    document: dict[str, Any] = json.loads(text)
    return document


def _without_provenance(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "x-synth-provenance"}


def _round_trip(source: dict[str, Any], tmp_path: Path) -> tuple[dict[str, Any], str]:
    original = tmp_path / "openapi.json"
    original.write_text(json.dumps(source), encoding="utf-8")
    package = tmp_path / "contracts"
    code, output = _run("import", str(original), "--out", str(package))
    assert code == 0, output
    again = _document(package)
    regenerated = tmp_path / "again.json"
    regenerated.write_text(json.dumps(again), encoding="utf-8")
    for old, new in ((original, regenerated), (regenerated, original)):
        code, diff = _run("diff", str(old), str(new))
        assert code == 0, diff
        assert "0 breaking, 0 non-breaking" in diff, diff
    return again, output


def test_synths_own_document_round_trips(tmp_path: Path) -> None:
    source = json.loads((ROOT / "generated" / "openapi.json").read_text(encoding="utf-8"))
    again, output = _round_trip(source, tmp_path)
    assert _without_provenance(again) == _without_provenance(source)
    assert output.startswith("synth import: 10 operations, 4 modules written")
    assert "not carried" not in output
    assert "inferred" not in output
    # What the CRM declares in its own words comes back as the contract language.
    ops = (tmp_path / "contracts" / "operations.py").read_text(encoding="utf-8")
    assert "paginated=Cursor(" in ops
    assert 'Filter("tags", "contains")' in ops
    assert "idempotent=True" in ops
    assert 'Example(\n            "A name only",' in ops
    models = (tmp_path / "contracts" / "models.py").read_text(encoding="utf-8")
    assert "class ContactCreate(RequestModel):" in models
    assert "class Contact(Model):" in models
    assert "UniqueItems()" in models
    assert "_minproperties" in models


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_apis_round_trip(name: str, tmp_path: Path) -> None:
    source = _document(ROOT / "examples" / name / "contracts")
    again, output = _round_trip(source, tmp_path)
    assert _without_provenance(again) == _without_provenance(source)
    assert "not carried" not in output, output


def test_the_package_says_where_it_came_from_and_what_it_inferred(tmp_path: Path) -> None:
    document = tmp_path / "api.yaml"
    document.write_text(_FOREIGN, encoding="utf-8")
    code, output = _run("import", str(document), "--out", str(tmp_path / "pkg"))
    assert code == 0, output
    assert "synth import: 3 operations, 4 modules written" in output
    assert "not carried (2):" in output
    assert "GET /things/{thing_id}: the `default` response" in output
    assert "HEAD /things: the HEAD method" in output
    assert "inferred, review" in output
    ops = (tmp_path / "pkg" / "operations.py").read_text(encoding="utf-8")
    assert "# synth import: inferred tenant_scoped=True" in ops
    assert "# synth import: inferred cursor pagination from its parameters" in ops
    assert "# synth import: inferred idempotency from its `Idempotency-Key` header" in ops
    assert "# synth import: not carried: the `default` response" in ops
    api = (tmp_path / "pkg" / "api.py").read_text(encoding="utf-8")
    assert "# synth import: inferred: the error taxonomy" in api
    assert 'ApiKey(header="X-Key"' in api
    # The package is a contract: synth generates from it.
    document_again = _document(tmp_path / "pkg")
    assert set(document_again["paths"]) == {"/things", "/things/{thing_id}"}
    paging = document_again["paths"]["/things"]["get"]["x-synth-semantics"]["pagination"]
    assert paging["style"] == "cursor"
    assert paging["limit"] == {"default": 10, "min": 1, "max": 50, "outOfRange": "reject"}
    post = document_again["paths"]["/things"]["post"]
    assert post["x-synth-semantics"]["idempotency"] == {
        "header": "Idempotency-Key",
        "required": True,
    }


_FOREIGN = """\
openapi: 3.0.3
info: {title: Things, version: 2.1.0}
servers: [{url: "https://api.example.com/v2"}]
security: [{key: []}]
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
  schemas:
    Thing:
      type: object
      required: [id, name]
      properties:
        id: {type: string, format: uuid}
        name: {type: string, maxLength: 50}
        colour: {type: string, enum: [red, green], nullable: true}
    ThingPage:
      type: object
      required: [items, next_cursor]
      properties:
        items: {type: array, items: {$ref: "#/components/schemas/Thing"}}
        next_cursor: {type: string, nullable: true}
paths:
  /things:
    head:
      responses: {"200": {description: OK}}
    get:
      operationId: listThings
      parameters:
        - {name: cursor, in: query, schema: {type: string}}
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 50, default: 10}}
      responses:
        "200":
          description: A page
          content: {application/json: {schema: {$ref: "#/components/schemas/ThingPage"}}}
    post:
      operationId: createThing
      parameters:
        - {name: Idempotency-Key, in: header, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name]
              properties:
                name: {type: string, maxLength: 50}
      responses:
        "201":
          description: Created
          content: {application/json: {schema: {$ref: "#/components/schemas/Thing"}}}
        "409": {description: Conflict}
  /things/{thing_id}:
    get:
      operationId: getThing
      parameters:
        - {name: thing_id, in: path, required: true, schema: {type: string, format: uuid}}
      responses:
        "200":
          description: OK
          content: {application/json: {schema: {$ref: "#/components/schemas/Thing"}}}
        "404": {description: Not found}
        default: {description: Unexpected}
"""


# --- corpus: real public documents ------------------------------------------------------------

# name -> (exit code, operations written, constructs not carried). The small documents run
# by default; SYNTH_IMPORT_CORPUS=all runs every one (the large ones take a minute each).
# Exit 2: no paths (webhooks only), no operation a contract can declare, or a document that
# openapi-spec-validator refuses (read as `synth zod` reads it).
CORPUS_COUNTS: dict[str, tuple[int, int, int]] = {
    "oai-petstore-expanded": (0, 4, 8),
    "oai-callback-example": (0, 1, 2),
    "oai-link-example": (0, 6, 1),
    "oai-uspto": (0, 3, 5),
    "oai-api-with-examples": (0, 2, 6),
    "oai-tictactoe": (0, 1, 5),
    "oai-webhook-example": (2, 0, 0),
    "oai-non-oauth-scopes": (2, 0, 0),
    "redocly-museum": (0, 3, 8),
    "redocly-openapi-starter": (0, 11, 24),  # its dates read as YAML 1.2 text: examples carried
    "adyen-binlookup-v54": (0, 2, 4),
    "twilio-messaging-v3": (2, 0, 0),
    "xero-webhooks": (2, 0, 0),
    "swagger-petstore": (0, 17, 31),
    "pingone-split": (2, 0, 0),
    "readme-discriminators": (0, 3, 11),
    "readme-file-uploads": (0, 2, 4),
    "readme-form-data": (0, 1, 2),
    "readme-schema-circular": (0, 2, 4),
    "readme-webhooks-31": (2, 0, 0),
    "readme-schema-validation-31": (2, 0, 0),
}


def _manifest() -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = json.loads((CORPUS / "MANIFEST.json").read_text())
    return entries


def _selected() -> list[dict[str, Any]]:
    every = os.environ.get("SYNTH_IMPORT_CORPUS") == "all"
    return [e for e in _manifest() if every or e["bytes"] <= 30_000]


# synth generate's own notes on foreign models: the Python SDK's datamodel-code-generator run
# on a `uri` field, and Pydantic on an optional response field's None default.
@pytest.mark.filterwarnings("ignore:fields holding AnyUrl:UserWarning")
@pytest.mark.filterwarnings("ignore::pydantic.json_schema.PydanticJsonSchemaWarning")
@pytest.mark.parametrize("entry", _selected(), ids=lambda e: str(e["name"]))
def test_corpus_document(entry: dict[str, Any], tmp_path: Path) -> None:
    document = CORPUS / entry["name"] / entry["entry"]
    out = tmp_path / "pkg"
    code, output = _run("import", str(document), "--out", str(out))
    assert "Traceback" not in output
    if code == 2:
        assert not out.exists(), "a refused document writes nothing"
        assert output.count("\n") <= 2, output
        assert output.startswith(("InputError", "UsageError")), output
        return
    assert code == 0, output
    written = int(output.split(" operations,", 1)[0].rsplit(" ", 1)[1])
    lost = (
        output.split("not carried (", 1)[1].split(")", 1)[0] if "not carried (" in output else "0"
    )
    expected = CORPUS_COUNTS.get(entry["name"])
    if expected is not None:
        assert (code, written, int(lost)) == expected, output
    # What could not be carried is in the package too, next to what it concerns.
    text = "".join(p.read_text(encoding="utf-8") for p in out.glob("*.py"))
    assert int(lost) == 0 or "# synth import: not carried" in text
    # Whatever it wrote, synth generates from.
    assert _document(out)["paths"]


# --- misuse ---------------------------------------------------------------------------------

_REF = {
    "openapi": "3.1.0",
    "info": {"title": "x", "version": "1"},
    "paths": {
        "/a": {
            "get": {
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Nope"}}
                        },
                    }
                }
            }
        }
    },
}
_NOTHING = {
    "openapi": "3.1.0",
    "info": {"title": "x", "version": "1"},
    "paths": {"/a": {"head": {"responses": {"200": {"description": "OK"}}}}},
}
MISUSE: dict[str, tuple[Any, str]] = {
    # name: (document text or a marker, a part of the message)
    "a folder": ("<folder>", "is a folder"),
    "no such file": ("<missing>", "no such file"),
    "not JSON": ("openapi: [1,\n", "api.json:1:1: not valid JSON"),
    "an array": ("[1, 2]", "not an OpenAPI document (the top level is list"),
    "Swagger 2.0": ('{"swagger": "2.0", "info": {}, "paths": {}}', "Swagger 2.0"),
    "no paths": (
        '{"openapi": "3.1.0", "info": {"title": "x", "version": "1"}, "paths": {}}',
        "declares no paths",
    ),
    "unresolvable $ref": (json.dumps(_REF), "Nope"),
    "nothing usable": (json.dumps(_NOTHING), "no operation could be written"),
    "--out is a file": ("<out-file>", "is a file, not a folder"),
    "--out not empty": ("<out-full>", "not empty"),
}


@pytest.mark.parametrize("case", sorted(MISUSE))
def test_misuse_is_a_located_message_and_exit_2(case: str, tmp_path: Path) -> None:
    text, message = MISUSE[case]
    document = tmp_path / "api.json"
    out = tmp_path / "out"
    if text == "<folder>":
        document = tmp_path / "folder"
        document.mkdir()
    elif text == "<missing>":
        pass
    else:
        source = ROOT / "generated" / "openapi.json"
        document.write_text(source.read_text() if text.startswith("<out") else text)
    if text == "<out-file>":
        out.write_text("mine")
    if text == "<out-full>":
        out.mkdir()
        (out / "notes.txt").write_text("mine")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    code, output = _run("import", str(document), "--out", str(out))
    assert code == 2, output
    assert message in output, output
    assert "Traceback" not in output
    assert output.startswith(("InputError: ", "UsageError: ")), output
    if text not in ("<folder>", "<missing>", "<out-file>", "<out-full>"):
        assert str(document.name) in output  # where: the document
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing written


def test_force_writes_into_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    out = tmp_path / "contracts"
    out.mkdir()
    (out / "README.md").write_text("ours")
    source = ROOT / "generated" / "openapi.json"
    code, output = _run("import", str(source), "--out", str(out), "--force")
    assert code == 0, output
    assert (out / "README.md").read_text() == "ours"
    assert (out / "operations.py").exists()


def test_inferred_pagination_synth_refuses_is_left_out_with_its_reason(tmp_path: Path) -> None:
    # A page size that may be 0: synth refuses the Limit, not the list.
    document = tmp_path / "api.yaml"
    document.write_text(_FOREIGN.replace("minimum: 1, maximum: 50", "minimum: 0, maximum: 50"))
    code, output = _run("import", str(document), "--out", str(tmp_path / "pkg"))
    assert code == 0, output
    assert "synth import: 3 operations" in output
    assert "list_things: its inferred pagination, refused by synth's loader" in output
    ops = (tmp_path / "pkg" / "operations.py").read_text(encoding="utf-8")
    assert "def list_things(" in ops
    assert "paginated=" not in ops
