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
    # The body takes the FormData / URLSearchParams a handler reads (repeated fields are
    # lists) or an object of its fields; number and boolean fields are read from their text.
    assert "  body: formBody(z.strictObject({" in operations
    assert "days: fromText(z.number().check(integer())).default(1)," in operations
    assert '}), ["scopes"], []),' in operations
    assert 'bodyContentType: "application/x-www-form-urlencoded",' in operations
    assert 'image: z.file().max(100).mime(["image/png"]),\n  }), [], []),' in operations
    assert 'bodyContentType: "multipart/form-data",' in operations
    assert "export function formBody<" in out["runtime.ts"]


def test_json_bodies_are_unchanged(tmp_path: Path) -> None:
    out = emit_zod(build(load(Path(__file__).resolve().parents[2] / "contracts")))
    assert "formBody" not in out["operations.ts"]
    assert "form-urlencoded" not in out["operations.ts"]
    assert "multipart/form-data" not in out["operations.ts"]
    assert "z.file()" not in out["schemas.ts"]
