"""Form and multipart request bodies in the emitted Zod: files as ``z.file()`` with their
limits, and the operation's body taking the ``FormData``/``URLSearchParams`` a handler reads.
(``tests/sdk/test_forms.py`` runs them in node against the library example.)"""

from __future__ import annotations

from pathlib import Path

from synth.document import build
from synth.loader import load
from synth.zod import emit_zod
from tests.loader.test_forms_and_examples import GOOD, _write


def test_file_parts_and_form_bodies(tmp_path: Path) -> None:
    contracts, _ = _write(tmp_path, GOOD)
    out = emit_zod(build(load(contracts)))
    schemas, operations = out["schemas.ts"], out["operations.ts"]
    assert 'image: z.file().max(100).mime(["image/png"]),' in schemas
    # Repeated fields are lists; number and boolean fields are read from their text first.
    assert 'body: formBody(schemas.Login, ["scopes"], ["days"]),' in operations
    assert 'bodyContentType: "application/x-www-form-urlencoded",' in operations
    assert "body: formBody(schemas.Upload, [], [])," in operations
    assert 'bodyContentType: "multipart/form-data",' in operations
    assert "export function formBody<" in out["runtime.ts"]
    assert 'import { formBody, format, isUuid } from "./runtime";' in operations


def test_json_bodies_are_unchanged(tmp_path: Path) -> None:
    out = emit_zod(build(load(Path(__file__).resolve().parents[2] / "contracts")))
    assert "formBody" not in out["operations.ts"]
    assert "bodyContentType" not in out["operations.ts"]
    assert "z.file()" not in out["schemas.ts"]
