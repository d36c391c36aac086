"""`synth diff OLD NEW`: exit codes, table and JSON, acknowledgements, major-version bumps and
bad input reported as one line, never a traceback, with nothing written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from synth.diff.cli import diff_command

from .base import base

Doc = dict[str, Any]


def _write(folder: Path, name: str, doc: Doc) -> Path:
    path = folder / name
    if name.endswith((".yaml", ".yml")):
        path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    else:
        path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _breaking() -> Doc:
    new = base()
    new["components"]["schemas"]["ItemCreate"]["required"].append("count")
    return new


def _run(tmp_path: Path, *args: str) -> Result:
    # --contracts points at an empty folder so no repository acknowledgements are picked up.
    return CliRunner().invoke(
        diff_command, [*args, "--contracts", str(tmp_path / "contracts")], catch_exceptions=False
    )


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_no_change_exits_0(tmp_path: Path) -> None:
    old = _write(tmp_path, "old.json", base())
    result = _run(tmp_path, str(old), str(old))
    assert result.exit_code == 0, result.output
    assert "0 breaking, 0 non-breaking" in result.output


def test_non_breaking_change_exits_0_and_is_listed(tmp_path: Path) -> None:
    new = base()
    new["components"]["schemas"]["Item"]["properties"]["color"] = {"type": "string"}
    result = _run(tmp_path, str(_write(tmp_path, "old.json", base())),
                  str(_write(tmp_path, "new.yaml", new)))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "NON-BREAKING (" in result.output
    assert "response-optional-property-added" in result.output


def test_breaking_change_exits_1_with_table_grouped_breaking_first(tmp_path: Path) -> None:
    new = _breaking()
    new["components"]["schemas"]["Item"]["properties"]["color"] = {"type": "string"}
    result = _run(tmp_path, str(_write(tmp_path, "old.json", base())),
                  str(_write(tmp_path, "new.json", new)))  # fmt: skip
    assert result.exit_code == 1, result.output
    out = result.output
    assert out.index("BREAKING (1)") < out.index("NON-BREAKING") < out.index("FAILED")
    assert "request-property-became-required" in out
    assert "POST /items (createItem)" in out
    assert "at /components/schemas/ItemCreate/properties/count (in NEW)" in out
    # the failure says how to acknowledge it, ready to paste
    assert 'rule = "request-property-became-required"' in out


def test_json_output(tmp_path: Path) -> None:
    result = _run(tmp_path, str(_write(tmp_path, "old.json", base())),
                  str(_write(tmp_path, "new.json", _breaking())), "--format", "json")  # fmt: skip
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["summary"] == {"breaking": 1, "acknowledged": 0, "nonBreaking": 0, "failing": 1}
    (change,) = data["changes"]
    assert change["rule"] == "request-property-became-required"
    assert change["level"] == "breaking"
    assert change["direction"] == "request"
    assert change["operation"] == {"method": "POST", "path": "/items", "operationId": "createItem"}
    assert change["location"] == "/components/schemas/ItemCreate/properties/count"
    assert change["document"] == "new"
    assert data["majorVersionBumped"] is False


def test_acknowledged_change_does_not_fail(tmp_path: Path) -> None:
    ack = tmp_path / "acks.toml"
    ack.write_text(
        "[[acknowledged]]\n"
        'rule = "request-property-became-required"\n'
        'location = "/components/schemas/ItemCreate/properties/count"\n'
        'operation = "createItem"\n'
        'reason = "every client already sends count"\n'
        "\n[[acknowledged]]\n"
        'rule = "endpoint-removed"\n'
        'location = "/paths/~1gone/get"\n'
        'reason = "stale"\n',
        encoding="utf-8",
    )
    result = _run(tmp_path, str(_write(tmp_path, "old.json", base())),
                  str(_write(tmp_path, "new.json", _breaking())), "--ack", str(ack))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "[acknowledged]" in result.output
    assert "matched no change" in result.output
    assert "endpoint-removed at /paths/~1gone/get" in result.output


def test_acknowledgement_for_another_operation_does_not_count(tmp_path: Path) -> None:
    ack = tmp_path / "acks.toml"
    ack.write_text(
        '[[acknowledged]]\nrule = "request-property-became-required"\n'
        'location = "/components/schemas/ItemCreate/properties/count"\n'
        'operation = "listItems"\nreason = "x"\n',
        encoding="utf-8",
    )
    result = _run(tmp_path, str(_write(tmp_path, "old.json", base())),
                  str(_write(tmp_path, "new.json", _breaking())), "--ack", str(ack))  # fmt: skip
    assert result.exit_code == 1


def test_default_acknowledgements_file_is_read_from_contracts(tmp_path: Path) -> None:
    (tmp_path / "contracts").mkdir()
    (tmp_path / "contracts" / "breaking-changes.toml").write_text(
        '[[acknowledged]]\nrule = "request-property-became-required"\n'
        'location = "/components/schemas/ItemCreate/properties/count"\nreason = "agreed"\n',
        encoding="utf-8",
    )
    result = _run(tmp_path, str(_write(tmp_path, "old.json", base())),
                  str(_write(tmp_path, "new.json", _breaking())))  # fmt: skip
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("old", "new", "code"), [
    ("1.2.0", "2.0.0", 0), ("v1", "v2.0.0", 0), ("1.2.0", "1.3.0", 1), ("2.0.0", "1.0.0", 1),
    ("1.2.0", "next", 1),
])  # fmt: skip
def test_major_version_bump_allows_breaking_changes(
    tmp_path: Path, old: str, new: str, code: int
) -> None:
    before, after = base(), _breaking()
    before["info"]["version"], after["info"]["version"] = old, new
    result = _run(tmp_path, str(_write(tmp_path, "old.json", before)),
                  str(_write(tmp_path, "new.json", after)))  # fmt: skip
    assert result.exit_code == code, result.output
    assert "request-property-became-required" in result.output  # still listed
    if code == 0:
        assert "major bump" in result.output


_DANGLING = """openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /a:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Missing'}
"""

BAD_FILES = [
    pytest.param("missing.json", None, "no such file", id="missing"),
    pytest.param("bad.json", "{not json", "not valid JSON", id="not-json"),
    pytest.param("bad.yaml", "a: [unclosed", "not valid JSON or YAML", id="not-yaml"),
    pytest.param("list.json", "[1, 2]", "not an OpenAPI document", id="not-an-object"),
    pytest.param(
        "old.json",
        '{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": []}',
        "`paths` is not an object",
        id="3.0",
    ),
    pytest.param("old.json", '{"openapi": "2.5", "paths": {}}', "not an OpenAPI 3.1", id="2.5"),
    pytest.param("sw.yaml", "swagger: '2.0'\npaths: {}\n", "Swagger 2.0", id="swagger"),
    pytest.param("empty.yaml", "", "not an OpenAPI document", id="empty"),
    pytest.param(
        "other.yaml",
        _DANGLING.replace("#/components/schemas/Missing", "./gone.yaml#/T"),
        "gone.yaml",
        id="missing-other-file",
    ),
    pytest.param("binary.yaml", "\udcff\udcfe\x00", "cannot read it", id="not-utf8"),
]


@pytest.mark.parametrize(("name", "text", "message"), BAD_FILES)
def test_bad_input_exits_2_without_traceback_and_writes_nothing(
    tmp_path: Path, name: str, text: str | None, message: str
) -> None:
    good = _write(tmp_path, "good.json", base())
    if text is not None:  # lone surrogates stand for bytes that are not UTF-8
        (tmp_path / name).write_bytes(text.encode("utf-8", errors="surrogateescape"))
    before = _snapshot(tmp_path)
    for args in ((str(tmp_path / name), str(good)), (str(good), str(tmp_path / name))):
        result = _run(tmp_path, *args)
        assert result.exit_code == 2, result.output
        assert result.output.startswith("InputError: ")
        assert message in result.output
        assert f"{tmp_path / name}" in result.output  # where: the file
        assert "Traceback" not in result.output
    assert _snapshot(tmp_path) == before


def test_a_dangling_ref_is_located_exit_2(tmp_path: Path) -> None:
    """Whether the reader or the differ finds it, a `$ref` to nothing names the file and the
    reference."""
    bad = tmp_path / "dangling.yaml"
    bad.write_text(_DANGLING, encoding="utf-8")
    inline = tmp_path / "inline.yaml"
    inline.write_text(
        _DANGLING.replace("{$ref: '#/components/schemas/Missing'}", "{type: object}"),
        encoding="utf-8",
    )
    before = _snapshot(tmp_path)
    for args in ((bad, inline), (inline, bad)):
        result = _run(tmp_path, *map(str, args))
        assert result.exit_code == 2, result.output
        assert result.output.startswith("InputError: ")
        assert str(bad) in result.output
        assert "components/schemas/Missing" in result.output
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize(("args", "message"), [
    ((), "give two documents"),
    (("only-one.json",), "give two documents"),
    (("a.json", "--against", "HEAD"), "not both"),
])  # fmt: skip
def test_usage_errors_exit_2(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    result = _run(tmp_path, *args)
    assert result.exit_code == 2
    assert result.output.startswith("UsageError: ")
    assert message in result.output


@pytest.mark.parametrize(("text", "message"), [
    ("not toml = = =", "not valid TOML"),
    ('[[acknowledged]]\nrule = "request-property-became-requird"\nlocation = "/x"\nreason = "r"\n',
     "did you mean 'request-property-became-required'"),
    ('[[acknowledged]]\nrule = "endpoint-added"\nlocation = "/x"\nreason = "r"\n', "not breaking"),
    ('[[acknowledged]]\nrule = "endpoint-removed"\nlocation = "/x"\n', "`reason` is missing"),
    ('[[acknowledged]]\nrule = "endpoint-removed"\nlocation = "x"\nreason = "r"\n',
     "not a JSON pointer"),
    ('[[acknowledged]]\nrule = "endpoint-removed"\nlocation = "/x"\nreason = "r"\nwhy = 1\n',
     "unknown key"),
    ("[other]\n", "unknown top-level key"),
])  # fmt: skip
def test_bad_acknowledgements_file_exits_2(tmp_path: Path, text: str, message: str) -> None:
    ack = tmp_path / "acks.toml"
    ack.write_text(text, encoding="utf-8")
    good = str(_write(tmp_path, "good.json", base()))
    result = _run(tmp_path, good, good, "--ack", str(ack))
    assert result.exit_code == 2, result.output
    assert result.output.startswith("InputError: ")
    assert message in result.output


def test_missing_acknowledgements_file_exits_2(tmp_path: Path) -> None:
    good = str(_write(tmp_path, "good.json", base()))
    result = _run(tmp_path, good, good, "--ack", str(tmp_path / "none.toml"))
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_generated_document_against_itself(root: Path, tmp_path: Path) -> None:
    doc = str(root / "generated" / "openapi.json")
    result = _run(tmp_path, doc, doc)
    assert result.exit_code == 0, result.output


def test_help_names_the_modes() -> None:
    result = CliRunner().invoke(diff_command, ["--help"])
    assert result.exit_code == 0
    for text in ("--against", "--format", "--ack", "--ci", "OLD", "NEW"):
        assert text in result.output
