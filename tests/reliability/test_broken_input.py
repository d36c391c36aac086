"""Broken input: every broken contract and OpenAPI document gives a clear message and exit 2.

No traceback, nothing written. The contract cases here add to the table of
tests/test_loader_errors.py (which checks each message and line); the documents go through
`synth zod` and `synth diff`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from synth.cli import main
from tests.test_loader_errors import CASES as LOADER_CASES
from tests.test_loader_errors import _write

ROOT = Path(__file__).resolve().parents[2]
GOOD = json.loads((ROOT / "generated" / "openapi.json").read_text())

MORE_CONTRACTS = {
    "limit default above max": """
        from synth.contract import Limit
        @api.get("/things", paginated=Cursor(order=("-id",), limit=Limit(default=500, max=100)))
        def list_things() -> ThingPage: ...
        """,
    "empty order": """
        @api.get("/things", paginated=Cursor(order=()))
        def list_things() -> ThingPage: ...
        """,
    "contains on a scalar field": """
        @api.get("/things", paginated=Cursor(order=("-id",)))
        def list_things(name: Annotated[str | None, Filter("name", "contains")] = None) -> ThingPage: ...
        """,
    "paginated POST": """
        @api.post("/things", paginated=Cursor(order=("-id",)))
        def search_things(body: Thing) -> ThingPage: ...
        """,
    "cacheable POST": """
        @api.route("POST", "/things", cacheable=True, status=201)
        def create_thing(body: Thing) -> Thing: ...
        """,
    "204 with a body": """
        @api.delete("/things/{thing_id}", status=204)
        def delete_thing(thing_id: UUID) -> Thing: ...
        """,
    "error status as success": """
        @api.get("/things/{thing_id}", status=404)
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
    "no return annotation": """
        @api.get("/things/{thing_id}")
        def get_thing(thing_id: UUID): ...
        """,
    "star args": """
        @api.get("/things")
        def list_things(*names: str) -> Thing: ...
        """,
    "unannotated parameter": """
        @api.get("/things/{thing_id}")
        def get_thing(thing_id) -> Thing: ...
        """,
    "two Api objects": """
        other = Api("Other", "2")
        """,
    "code not snake_case": """
        BAD = api.error("Bad-Code", 400, "Bad", "Bad.")
        """,
    "error status 200": """
        OK = api.error("not_an_error", 200, "Fine", "Fine.")
        """,
    "same code twice": """
        AGAIN = api.error("not_found", 404, "Not found", "Again.")
        """,
    "path parameter with a default": """
        @api.get("/things/{thing_id}")
        def get_thing(thing_id: UUID = UUID(int=0)) -> Thing: ...
        """,
    "malformed path template": """
        @api.get("/things/{1thing}")
        def get_thing() -> Thing: ...
        """,
    "response is not a model": """
        @api.get("/things/{thing_id}")
        def get_thing(thing_id: UUID) -> int: ...
        """,
    "unresolvable annotation": """
        @api.get("/things/{thing_id}")
        def get_thing(thing_id: "Missing") -> Thing: ...
        """,
    "parameter type pydantic cannot handle": """
        class Opaque:
            pass

        @api.get("/things")
        def list_things(opaque: Opaque) -> Thing: ...
        """,
    "import of a missing module": """
        import no_such_module_anywhere
        """,
    "look-around pattern": """
        from pydantic import StringConstraints

        class Looks(Model):
            word: Annotated[str, StringConstraints(pattern=r"^(?=a)\\w+$")]
        """,
    "exception raised at import": """
        raise RuntimeError("configuration missing")
        """,
}


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _assert_clean_refusal(code: int, output: str) -> None:
    assert code == 2, output
    assert "Traceback" not in output
    first = output.strip().splitlines()[0]
    # Ours print `SomeError: message`; click's usage errors print `Usage: ...` then `Error: ...`.
    assert first.split(":", 1)[0].endswith("Error") or "\nError: " in output, output


CONTRACTS = {name: body for name, body, _ in LOADER_CASES} | MORE_CONTRACTS


def test_corpus_sizes() -> None:
    assert len(CONTRACTS) >= 30
    assert len(DOCUMENTS) >= 20


@pytest.mark.parametrize("name", sorted(CONTRACTS))
def test_broken_contract(tmp_path: Path, name: str) -> None:
    body = CONTRACTS[name]
    if "# <-" not in body:
        body = body.rstrip() + "  # <-\n"
    contracts, _ = _write(tmp_path, body)
    out = tmp_path / "out"
    code, output = _cli("generate", "--contracts", str(contracts), "--out", str(out))
    _assert_clean_refusal(code, output)
    assert "things.py:" in output, "the message names the contract file and line"
    assert not out.exists()


def _doc(**changes: object) -> dict[str, object]:
    doc: dict[str, object] = json.loads(json.dumps(GOOD))
    doc.update(changes)
    return doc


def _with_schema(name: str, schema: object) -> dict[str, object]:
    doc = _doc()
    doc["components"]["schemas"][name] = schema  # type: ignore[index]
    return doc


DOCUMENTS: dict[str, bytes] = {
    "empty file": b"",
    "garbage": b"{{{ not json or yaml ::",
    "a JSON array": b"[1, 2, 3]",
    "a JSON string": b'"openapi"',
    "not UTF-8": b"\xff\xfe\x00\x01",
    "OpenAPI 3.0": json.dumps(_doc(openapi="3.0.3")).encode(),
    "Swagger 2.0": json.dumps(
        {"swagger": "2.0", "info": {"title": "x", "version": "1"}, "paths": {}}
    ).encode(),
    "no openapi field": json.dumps({k: v for k, v in GOOD.items() if k != "openapi"}).encode(),
    "openapi not a string": json.dumps(_doc(openapi=3.1)).encode(),
    "paths not an object": json.dumps(_doc(paths=[])).encode(),
    "components not an object": json.dumps(_doc(components="x")).encode(),
    "dangling $ref": json.dumps(
        _with_schema("Contact", {"$ref": "#/components/schemas/Nowhere"})
    ).encode(),
    "external $ref": json.dumps(
        _with_schema("Contact", {"$ref": "https://example.com/s.json"})
    ).encode(),
    "self-referencing $ref": json.dumps(
        _with_schema("Contact", {"$ref": "#/components/schemas/Contact"})
    ).encode(),
    "unknown type": json.dumps(_with_schema("Contact", {"type": "bogus"})).encode(),
    "type list with an unknown type": json.dumps(
        _with_schema("Contact", {"type": ["string", "bogus"]})
    ).encode(),
    "invalid regex": json.dumps(
        _with_schema("Contact", {"type": "string", "pattern": "(["})
    ).encode(),
    "enum not a list": json.dumps(_with_schema("Contact", {"enum": "a"})).encode(),
    "required not a list": json.dumps(
        _with_schema("Contact", {"type": "object", "required": "id"})
    ).encode(),
    "negative minLength": json.dumps(
        _with_schema("Contact", {"type": "string", "minLength": -1})
    ).encode(),
    "schema not an object": json.dumps(_with_schema("Contact", 42)).encode(),
    "YAML that is not a mapping": b"- just\n- a list\n",
}


# `synth zod` and `synth diff` read an OpenAPI 3.0 document through the 3.0 -> 3.1 upgrade, and
# read a foreign document the validator finds fault with where the fault has one reading: with a
# located warning (`minLength: -1` holds every string, as every validator reads it).
ZOD_WARNS = {"negative minLength": "broken.json#/components/schemas/Contact/minLength: not valid"}
ZOD_READS = {"OpenAPI 3.0", *ZOD_WARNS}


@pytest.mark.parametrize("name", sorted(ZOD_WARNS))
def test_document_read_with_a_warning(tmp_path: Path, name: str) -> None:
    doc = tmp_path / "broken.json"
    doc.write_bytes(DOCUMENTS[name])
    code, output = _cli("zod", str(doc), "--out", str(tmp_path / "zod"))
    assert code == 0, output
    assert "warning: 1 finding(s) on the document" in output
    assert ZOD_WARNS[name] in output


@pytest.mark.parametrize("name", sorted(set(DOCUMENTS) - ZOD_READS))
def test_broken_document_for_zod(tmp_path: Path, name: str) -> None:
    doc = tmp_path / "broken.json"
    doc.write_bytes(DOCUMENTS[name])
    out = tmp_path / "zod"
    code, output = _cli("zod", str(doc), "--out", str(out))
    _assert_clean_refusal(code, output)
    assert not out.exists()


# `synth diff` needs no more of a schema than its keywords as written: where `synth zod` cannot
# emit one (a pattern no engine compiles, a schema that is a number, a type nobody knows), the
# diff still compares them, after a located warning where the validator found them wrong (it
# does not compile patterns).
DIFF_WARNS = {
    "schema not an object": "broken.json#/components/schemas/Contact: not valid OpenAPI 3.1",
    "type list with an unknown type": "broken.json#/components/schemas/Contact/type: not valid",
    "unknown type": "broken.json#/components/schemas/Contact/type: not valid OpenAPI 3.1",
    "invalid regex": "",
}
DIFF_READS = ZOD_READS | set(DIFF_WARNS)


@pytest.mark.parametrize("name", sorted(DIFF_WARNS))
def test_diff_compares_what_it_can_read(tmp_path: Path, name: str) -> None:
    doc = tmp_path / "broken.json"
    doc.write_bytes(DOCUMENTS[name])
    good = tmp_path / "good.json"
    good.write_text(json.dumps(GOOD))
    code, output = _cli("diff", str(good), str(doc))
    assert code == 1, output  # the schema changed: a breaking change, reported
    assert "Traceback" not in output
    assert DIFF_WARNS[name] in output


@pytest.mark.parametrize("name", sorted(set(DOCUMENTS) - DIFF_READS))
def test_broken_document_for_diff(tmp_path: Path, name: str) -> None:
    doc = tmp_path / "broken.json"
    doc.write_bytes(DOCUMENTS[name])
    good = tmp_path / "good.json"
    good.write_text(json.dumps(GOOD))
    for args in ((str(good), str(doc)), (str(doc), str(good))):
        before = sorted(p.name for p in tmp_path.iterdir())
        code, output = _cli("diff", *args)
        _assert_clean_refusal(code, output)
        assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_missing_and_directory_inputs(tmp_path: Path) -> None:
    for path in (tmp_path / "missing.json", tmp_path):
        code, output = _cli("zod", str(path), "--out", str(tmp_path / "out"))
        _assert_clean_refusal(code, output)
        code, output = _cli("diff", str(path), str(path))
        _assert_clean_refusal(code, output)
