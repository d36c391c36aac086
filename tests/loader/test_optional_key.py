"""An optional Idempotency-Key: a request without one is served, never refused as missing.

So ``idempotency_key_missing`` belongs to the operations whose key is required only: in the
operation's errors, its OpenAPI responses and the error taxonomy's list of operations; and
a taxonomy may leave the code out when no key is required.
"""

from __future__ import annotations

import json
from pathlib import Path

from synth import load
from synth.generate import generate

CONTRACT = """\
from uuid import UUID

from synth.contract import Api, Idempotency, Model, RequestModel

api = Api("T", "1")
NOT_FOUND = api.error("not_found", 404, "Not found", "No such thing.")
UNAUTHENTICATED = api.error("unauthenticated", 401, "Unauthenticated", "Who are you?")
VALIDATION = api.error("validation_failed", 422, "Invalid", "Bad input.")
INVALID_REQUEST = api.error("invalid_request", 400, "Bad JSON", "Unparseable.")
INTERNAL = api.error("internal_error", 500, "Oops", "Server failed.")
KEY_REUSED = api.error("idempotency_key_reused", 422, "Reused", "Other body.")
KEY_IN_USE = api.error("idempotency_key_in_use", 409, "In use", "Retry later.")
$MISSING

class Thing(Model):
    id: UUID
    name: str


class NewThing(RequestModel):
    name: str


@api.post("/things", idempotent=Idempotency.OPTIONAL)
def create_thing(body: NewThing) -> Thing: ...

$REQUIRED
"""
MISSING = 'KEY_MISSING = api.error("idempotency_key_missing", 400, "No key", "Send one.")'
REQUIRED = """
@api.post("/things/{thing_id}/copies", idempotent=True)
def copy_thing(thing_id: UUID) -> Thing: ...
"""
CODE = "idempotency_key_missing"


def _contracts(tmp_path: Path, *, required: bool) -> Path:
    folder = tmp_path / "contracts"
    folder.mkdir()
    source = CONTRACT.replace("$MISSING", MISSING if required else "")
    (folder / "things.py").write_text(source.replace("$REQUIRED", REQUIRED if required else ""))
    return folder


def test_only_the_operation_requiring_the_key_lists_the_missing_key(tmp_path: Path) -> None:
    spec = load(_contracts(tmp_path, required=True))
    codes = {op.operation_id: {e.code for e in op.errors} for op in spec.operations}
    assert CODE not in codes["createThing"]
    assert {"idempotency_key_reused", "idempotency_key_in_use"} <= codes["createThing"]
    assert CODE in codes["copyThing"]

    files = generate(spec)
    document = json.loads(files["openapi.json"])
    assert CODE not in json.dumps(document["paths"]["/things"]["post"])
    assert CODE in json.dumps(document["paths"]["/things/{thing_id}/copies"]["post"])
    listed = {e["code"]: e["operations"] for e in json.loads(files["errors.json"])["errors"]}
    assert listed[CODE] == ["copyThing"]
    row = next(line for line in files["errors.md"].splitlines() if f"`{CODE}`" in line)
    assert "`copyThing`" in row
    assert "`createThing`" not in row
    tests = "\n".join(text for path, text in files.items() if path.startswith("tests/"))
    assert "test_createThing__IDEM_REPLAY" in tests
    assert "test_createThing__IDEM_MISSING" not in tests


def test_a_taxonomy_needs_no_missing_key_code_when_no_key_is_required(tmp_path: Path) -> None:
    spec = load(_contracts(tmp_path, required=False))
    assert CODE not in {e.code for e in spec.errors}
    (create,) = spec.operations
    assert create.idempotency is not None
    assert not create.idempotency.required
