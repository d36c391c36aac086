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
EXAMPLES = (
    "tracker",
    "warehouse",
    "library",
    "feeds",
    "ticketing",
    "boxoffice",
    "kennels",
    "fleet",
    "recipes",
)


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _count(output: str, head: str) -> int:
    """N of ``head (N):`` (or ``head (N, M distinct):``) in the command's output; 0 without."""
    if f"\n{head} (" not in output:
        return 0
    return int(output.split(f"\n{head} (", 1)[1].split(")", 1)[0].split(",", 1)[0])


_METHODS = ("GET ", "POST ", "PUT ", "PATCH ", "DELETE ", "HEAD ", "OPTIONS ", "TRACE ")


def _unexplained(output: str) -> list[str]:
    """The changes on the way back at an operation (or outside every operation) for which the
    output lists nothing as not carried there."""
    section: str | None = None
    lost: set[str] = set()
    changes: list[tuple[str, str]] = []
    for line in output.splitlines():
        if not line.startswith("  "):
            section = line.split(" (", 1)[0]
            continue
        if section == "not carried":
            lost.add(line[2:].split(": ", 1)[0])
        elif section == "changed on the way back":
            wheres, what = line[2:].split(": ", 1)
            changes += [(where, what) for where in wheres.split("; ")]
    return [
        f"{where}: {what}"
        for where, what in changes
        if (where.split(" (", 1)[0] if where.startswith(_METHODS) else "api") not in lost
        and (where.startswith(_METHODS) or not {"api", "document"} & lost)
        # The security schemes a contract cannot declare are listed once, for the api.
        and not ("(api-security-" in what and "api" in lost)
    ]


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


def _without_synths_words(node: Any) -> Any:
    """A document as a team writing its own would have it: no `x-synth-*` anywhere."""
    if isinstance(node, dict):
        return {k: _without_synths_words(v) for k, v in node.items() if not k.startswith("x-synth")}
    if isinstance(node, list):
        return [_without_synths_words(v) for v in node]
    return node


# A document written in synth's conventions (problem answers with codes, an Idempotency-Key,
# If-Match, ETag, a cursor page, a PUT upsert) but without its extensions: the semantics are
# inferred from what the document shows. name -> the breaking changes left on the way back,
# each what inference cannot see: a request id header (RequestId) is not inferred.
PLAIN: dict[str, int] = {
    "contracts": 1,  # the X-Request-Id of a 304
    "examples/library/contracts": 0,
    "examples/warehouse/contracts": 0,
    "examples/feeds/contracts": 0,
    "examples/ticketing/contracts": 0,
    "examples/tracker/contracts": 16,  # its correlation id (RequestId) in headers and problems
    "examples/boxoffice/contracts": 0,
    "examples/kennels/contracts": 0,
    "examples/fleet/contracts": 0,
    "examples/recipes/contracts": 0,
}


@pytest.mark.parametrize("contracts", sorted(PLAIN))
def test_a_document_in_synths_conventions_without_its_extensions(
    contracts: str, tmp_path: Path
) -> None:
    source = _without_synths_words(_document(ROOT / contracts))
    original = tmp_path / "openapi.json"
    original.write_text(json.dumps(source), encoding="utf-8")
    code, output = _run("import", str(original), "--out", str(tmp_path / "pkg"))
    assert code == 0, output
    count = _count(output, "changed on the way back")
    assert count == PLAIN[contracts], output
    if count == 0:
        again = tmp_path / "again.json"
        again.write_text(json.dumps(_document(tmp_path / "pkg")), encoding="utf-8")
        for old, new in ((original, again), (again, original)):
            code, diff = _run("diff", str(old), str(new))
            assert code == 0, diff


def test_the_package_says_where_it_came_from_and_what_it_inferred(tmp_path: Path) -> None:
    document = tmp_path / "api.yaml"
    document.write_text(_FOREIGN, encoding="utf-8")
    code, output = _run("import", str(document), "--out", str(tmp_path / "pkg"))
    assert code == 0, output
    assert "synth import: 3 operations, 4 modules written" in output
    assert "not carried (7):" in output
    assert "POST /things: the headers of its semantics as the document writes them" in output
    assert _unexplained(output) == []
    assert "GET /things: its error answers: a contract answers errors as RFC 9457" in output
    assert "POST /things: a request body open to unknown properties" in output
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

# name -> (exit code, operations written, constructs not carried, breaking changes on the way
# back). The small documents run by default; SYNTH_IMPORT_CORPUS=all runs every one (the large
# ones take minutes each). Exit 2: no paths (webhooks only), or no operation a contract can
# declare. A document openapi-spec-validator faults is read as `synth zod` reads it.
CORPUS_COUNTS: dict[str, tuple[int, int, int, int]] = {
    "oai-petstore-expanded": (0, 4, 14, 22),
    "oai-callback-example": (0, 1, 4, 6),
    "oai-link-example": (0, 6, 7, 19),
    "oai-uspto": (0, 3, 12, 25),
    "oai-api-with-examples": (0, 2, 8, 7),
    "oai-tictactoe": (0, 2, 10, 23),
    "oai-webhook-example": (2, 0, 0, 0),
    "oai-non-oauth-scopes": (2, 0, 0, 0),
    "redocly-museum": (0, 7, 20, 96),  # its parameters, bodies and answers by $ref
    "redocly-openapi-starter": (0, 11, 50, 174),  # dates read as YAML 1.2 text: examples kept
    "adyen-binlookup-v54": (0, 2, 6, 37),
    "twilio-messaging-v3": (2, 0, 0, 0),
    "xero-webhooks": (2, 0, 0, 0),
    "swagger-petstore": (0, 17, 55, 136),
    "pingone-split": (0, 48, 251, 1594),  # its files together are large: only with =all
    "readme-discriminators": (0, 3, 22, 39),
    "readme-file-uploads": (0, 2, 11, 17),
    "readme-form-data": (0, 1, 4, 7),
    "readme-schema-circular": (0, 2, 13, 24),
    "readme-webhooks-31": (2, 0, 0, 0),
    "readme-schema-validation-31": (0, 5, 11, 21),  # read as synth zod reads it
}


def _manifest() -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = json.loads((CORPUS / "MANIFEST.json").read_text())
    return entries


def _selected() -> list[dict[str, Any]]:
    every = os.environ.get("SYNTH_IMPORT_CORPUS") == "all"
    return [e for e in _manifest() if every or _size(CORPUS / e["name"]) <= 30_000]


def _size(folder: Path) -> int:
    """The document's bytes with every file it refers to (a multi-file document's folder)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


# synth generate's own note on foreign models: Pydantic on an optional response field's None
# default.
@pytest.mark.filterwarnings("ignore::pydantic.json_schema.PydanticJsonSchemaWarning")
@pytest.mark.parametrize("entry", _selected(), ids=lambda e: str(e["name"]))
def test_corpus_document(entry: dict[str, Any], tmp_path: Path) -> None:
    document = CORPUS / entry["name"] / entry["entry"]
    out = tmp_path / "pkg"
    code, output = _run("import", str(document), "--out", str(out))
    assert "Traceback" not in output
    expected = CORPUS_COUNTS.get(entry["name"])
    if code == 2:
        assert expected is None or expected[0] == 2, output
        assert not out.exists(), "a refused document writes nothing"
        assert output.count("\n") <= 2, output
        assert output.startswith(("InputError", "UsageError")), output
        return
    assert code == 0, output
    written = int(output.split(" operations,", 1)[0].rsplit(" ", 1)[1])
    lost, changed = (_count(output, head) for head in ("not carried", "changed on the way back"))
    if expected is not None:
        assert (code, written, int(lost), int(changed)) == expected, output
    # Every change on the way back is where something is listed as not carried: at its
    # operation, or (a change to no operation's part) at the api or document.
    assert _unexplained(output) == [], output
    # What could not be carried is in the package too, next to what it concerns.
    text = "".join(p.read_text(encoding="utf-8") for p in out.glob("*.py"))
    assert int(lost) == 0 or "# synth import: not carried" in text
    assert int(changed) == 0 or "# synth import: changed on the way back: " in text
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
    assert (
        "GET /things: the pagination its parameters and page suggest, refused by synth's "
        "loader" in output
    )
    # Not both inferred and refused: the inferred note goes, the refusal is in the package.
    assert "GET /things: cursor pagination" not in output
    assert "# synth import: not carried: the pagination its parameters" in (
        tmp_path / "pkg" / "operations.py"
    ).read_text(encoding="utf-8")
    ops = (tmp_path / "pkg" / "operations.py").read_text(encoding="utf-8")
    assert "def list_things(" in ops
    assert "paginated=" not in ops


# --- reading as synth zod reads, parts by $ref, optional answers, the way back ---------------

_PARTS = """\
openapi: 3.1.0
info: {title: Parts, version: "1"}
servers: [{url: /v1}]
security: [{token: []}]
components:
  securitySchemes:
    token: {type: http, scheme: bearer}
  parameters:
    Limit: {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 20}}
    Id: {name: note_id, in: path, required: true, schema: {type: string}}
  requestBodies:
    NoteIn:
      required: true
      content:
        application/json:
          schema: {$ref: "#/components/schemas/NoteIn"}
  responses:
    Note:
      description: A note
      content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}
    Again: {$ref: "#/components/responses/Note"}
  schemas:
    NoteIn:
      type: object
      required: [text]
      properties:
        text: {type: string, pattern: "^(?!x)[a-z]+$"}
    Note:
      type: object
      required: [id, text]
      properties:
        id: {type: string}
        text: {type: string}
        pinned: {type: boolean}
        colour: {type: [string, "null"]}
paths:
  /notes:
    post:
      operationId: createNote
      requestBody: {$ref: "#/components/requestBodies/NoteIn"}
      responses:
        "201": {$ref: "#/components/responses/Note"}
    get:
      operationId: listNotes
      parameters: [{$ref: "#/components/parameters/Limit"}]
      responses:
        "200":
          description: Notes
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Note"}}
  /notes/{note_id}:
    parameters: [{$ref: "#/components/parameters/Id"}]
    get:
      operationId: getNote
      responses:
        "200": {$ref: "#/components/responses/Again"}
"""


def test_parts_by_ref_are_followed_and_optional_answer_fields_stay_optional(
    tmp_path: Path,
) -> None:
    document = tmp_path / "parts.yaml"
    document.write_text(_PARTS, encoding="utf-8")
    code, output = _run("import", str(document), "--out", str(tmp_path / "pkg"))
    assert code == 0, output
    assert "synth import: 3 operations" in output, output
    ops = (tmp_path / "pkg" / "operations.py").read_text(encoding="utf-8")
    assert "def create_note(body: NoteIn) -> Note:" in ops
    assert "limit: Annotated[int, Field(ge=1, le=20)] | None = None" in ops
    assert "def get_note(note_id: str) -> Note:" in ops
    models = (tmp_path / "pkg" / "models.py").read_text(encoding="utf-8")
    assert "pinned: bool | MISSING = MISSING" in models
    assert "colour: str | None | MISSING = MISSING" in models
    # A look-ahead has no form a contract's pattern takes: left out, with where and why.
    assert "schema NoteIn: pattern '^(?!x)[a-z]+$': " in output
    again = _document(tmp_path / "pkg")
    note = again["components"]["schemas"]["Note"]
    assert note["required"] == ["id", "text"]
    assert set(note["properties"]) == {"id", "text", "pinned", "colour"}
    assert again["paths"]["/notes/{note_id}"]["get"]["responses"]["200"]["content"]


def test_breaking_changes_on_the_way_back_are_listed_and_commented(tmp_path: Path) -> None:
    document = tmp_path / "parts.yaml"
    document.write_text(_PARTS, encoding="utf-8")
    code, output = _run("import", str(document), "--out", str(tmp_path / "pkg"))
    assert code == 0, output
    listed = output.split("changed on the way back (", 1)[1]
    groups = int(listed.split(", ", 1)[1].split(" distinct)", 1)[0])
    assert groups <= _count(output, "changed on the way back")
    lines = listed.splitlines()[1 : groups + 1]
    assert all(line.startswith("  ") for line in lines), lines
    assert not listed.splitlines()[groups + 1].startswith("  ")
    # Both ways: the dropped pattern lets the package's server take texts the document's
    # refuses; the semantics synth implies (its errors) answer what the document never did.
    assert (
        "  POST /notes (createNote): request property `text` (request body): pattern "
        "'^(?!x)[a-z]+$' added (request-property-pattern-added; package → document)"
    ) in lines
    assert (
        "  GET /notes/{note_id} (getNote): 404 response added "
        "(response-non-success-status-added; document → package)"
    ) in lines
    # ... and what the contract language cannot say is listed as not carried, where it is.
    assert "\n  GET /notes/{note_id}: its error answers: a contract answers errors" in output
    # Each is a comment in the package: over its operation, or at the head of operations.py.
    ops = (tmp_path / "pkg" / "operations.py").read_text(encoding="utf-8")
    blocks = {
        name: ops.split(f"def {name}(", 1)[0].rsplit('"""\n', 1)[-1]
        for name in ("create_note", "list_notes", "get_note")
    }
    own = {"POST /notes (": "create_note", "GET /notes (": "list_notes",
           "GET /notes/{note_id} (": "get_note"}  # fmt: skip
    for line in lines:
        wheres, what = line.strip().split(": ", 1)
        for where in wheres.split("; "):
            owner = next((name for prefix, name in own.items() if where.startswith(prefix)), None)
            if owner is None:
                assert f"# synth import: changed on the way back: {where}: {what}\n" in ops, line
            else:
                assert f"# synth import: changed on the way back: {what}\n" in blocks[owner], line


def test_synths_own_document_comes_back_unchanged(tmp_path: Path) -> None:
    code, output = _run(
        "import", str(ROOT / "generated" / "openapi.json"), "--out", str(tmp_path / "pkg")
    )
    assert code == 0, output
    assert "changed on the way back" not in output
    text = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "pkg").glob("*.py"))
    assert "changed on the way back" not in text


def test_a_document_the_validator_faults_is_read_as_synth_zod_reads_it(tmp_path: Path) -> None:
    # OpenAPI 3.0's boolean exclusiveMinimum in a 3.1 document: read as the bound it means.
    document = tmp_path / "api.json"
    source = json.loads((ROOT / "generated" / "openapi.json").read_text(encoding="utf-8"))
    limit = next(
        p for p in source["paths"]["/contacts"]["get"]["parameters"] if p["name"] == "limit"
    )
    limit["schema"] = {**limit["schema"], "exclusiveMinimum": True, "minimum": 0}
    document.write_text(json.dumps(source), encoding="utf-8")
    code, output = _run("import", str(document), "--out", str(tmp_path / "pkg"))
    assert code == 0, output
    warning = output.split("warning: ", 1)[1].splitlines()
    assert warning[0] == (
        "1 finding(s) on the document, each read as described (fix the document to silence them):"
    ), output
    assert warning[1].startswith("  api.json#/paths/~1contacts/get/parameters/"), output
    assert "read as `exclusiveMinimum: 0`" in warning[1], output


_FILE_NAMED = """\
openapi: 3.1.0
info: {title: Files, version: "1"}
paths:
  /files:
    post:
      operationId: uploadFile
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [file]
              properties:
                file: {type: string, format: binary}
      responses:
        "201":
          description: Made
          content: {application/json: {schema: {$ref: "#/components/schemas/File"}}}
components:
  schemas:
    File:
      type: object
      required: [id]
      properties:
        id: {type: string}
"""


def test_a_schema_named_like_a_marker_does_not_hide_it(tmp_path: Path) -> None:
    # Stripe and OpenAI have a `File` schema, and file uploads: both are in models.py.
    document = tmp_path / "files.yaml"
    document.write_text(_FILE_NAMED, encoding="utf-8")
    code, output = _run("import", str(document), "--out", str(tmp_path / "pkg"))
    assert code == 0, output
    models = (tmp_path / "pkg" / "models.py").read_text(encoding="utf-8")
    assert "class File(Model):" in models
    assert "file: Annotated[bytes, SynthFile()]" in models
    op = _document(tmp_path / "pkg")["paths"]["/files"]["post"]
    assert "multipart/form-data" in op["requestBody"]["content"]
    assert op["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/File"
    }


def test_a_description_holding_an_equals_sign_keeps_its_field_whole(tmp_path: Path) -> None:
    # `(0 = disabled)` in a description is not where the field's default starts.
    document = tmp_path / "api.json"
    schema = {"type": "object", "properties": {"budget": {
        "type": "integer", "format": "int64", "examples": [1000],
        "description": "The budget (0 = disabled), in tokens"}}}  # fmt: skip
    document.write_text(json.dumps({
        "openapi": "3.1.0", "info": {"title": "t", "version": "1"},
        "paths": {"/runs": {"get": {"operationId": "getRun", "responses": {"200": {
            "description": "ok",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Run"}}},
        }}}}},
        "components": {"schemas": {"Run": schema}},
    }))  # fmt: skip
    code, output = _run("import", str(document), "--out", str(tmp_path / "pkg"))
    assert code == 0, output
    budget = _document(tmp_path / "pkg")["components"]["schemas"]["Run"]["properties"]["budget"]
    assert budget["description"] == "The budget (0 = disabled), in tokens"
    assert budget["format"] == "int64"
    assert "budget" not in _document(tmp_path / "pkg")["components"]["schemas"]["Run"].get(
        "required", []
    )
