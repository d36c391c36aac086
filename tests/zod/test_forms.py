"""Form and multipart request bodies in the emitted Zod: files as ``z.file()`` with their
limits, and the operation's body taking the ``FormData``/``URLSearchParams`` a handler reads.
(``tests/sdk/test_forms.py`` runs them in node against the library example.)"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from synth.document import build
from synth.loader import load
from synth.zod import emit_zod
from tests.loader.test_forms_and_examples import GOOD, _write
from tests.zod._node import NodeHarness

LIBRARY = Path(__file__).resolve().parents[2] / "examples" / "library"


def test_file_parts_and_form_bodies(tmp_path: Path) -> None:
    contracts, _ = _write(tmp_path, GOOD)
    out = emit_zod(build(load(contracts)))
    schemas, operations = out["schemas.ts"], out["operations.ts"]
    assert 'image: z.file().max(100).mime(["image/png"]),' in schemas
    # The body takes the FormData / URLSearchParams a handler reads (repeated fields are
    # lists) or an object of its fields; number and boolean fields are read from their text.
    assert "  body: formBody(z.strictObject({" in operations
    assert 'days: fromText(z.number().check(integer()), "integer").default(1),' in operations
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


# Number text a form, query, path or header value may carry; what Pydantic (v2, lax: a form or
# query value is validated from its text) makes of it for an int and a float field must be what
# the emitted Zod makes of it. "inf" and "nan" are the one documented difference (DEVIATIONS.md).
NUMBER_TEXTS = [
    *("4", "+4", "-4", " 4", "4 ", "\t4\n", "04", "-0", "00_1", "1_000", "1_0.0", "4.0"),
    *("4.0000", "4.", "4.5", ".5", "+.5", "5.", "4e0", "1E2", "-.5e-3", "4.0e0", "0x4", "0b1"),
    *(
        "0o7",
        "",
        " ",
        "\u0664",
        "\U0001d7d2",
        "\u22124",
        "+-4",
        "-",
        "+",
        ".",
        "1__0",
        "_1",
        "1_",
        "-_4",
        "+_4",
    ),
    *("._5", "4._0", "1_0e1", "1e1_0", "1.5_5", "1e", "e1", "1e+", "4,0", "1 000", "4L"),
    *("true", "\u00a04", "\u20034", "\u20284", "4\u3000", "\x0b4", "\x0c4", "\u00854"),
    *("\ufeff4", "\x1c4", "4\x00", "nan1", "infinit", "12345678901234", "-1e-7", "1e21"),
]
UNSHARED = {"inf", "nan"}  # Pydantic's float takes them; JSON and Zod's number have neither


def _pydantic_number(kind: type, text: str) -> float | None:
    try:
        value: float = TypeAdapter(kind).validate_python(text)
    except ValidationError:
        return None
    return value


def test_zod_reads_number_text_as_pydantic_does(node: NodeHarness) -> None:
    runtime = emit_zod(build(load(LIBRARY / "contracts")))["runtime.ts"]
    check = (
        'import { z } from "zod";\nimport { fromText } from "./runtime";\n'
        'export const integer = fromText(z.int(), "integer");\n'
        "export const number = fromText(z.number());\n"
    )
    node.load("number-text", {"runtime.ts": runtime, "check.ts": check}, "check.ts")
    texts = [json.dumps(t) for t in NUMBER_TEXTS]
    for name, kind in (("integer", int), ("number", float)):
        results = node.parse("number-text", name, texts)
        for text, result in zip(NUMBER_TEXTS, results, strict=True):
            expected = _pydantic_number(kind, text)
            got = json.loads(result["output"]) if result["valid"] else None
            assert got == expected, f"{name} {text!r}: Pydantic {expected!r}, Zod {got!r}"
    for text in UNSHARED:
        assert _pydantic_number(float, text) is not None
        assert not node.parse("number-text", "number", [json.dumps(text)])[0]["valid"]
