"""Each pagination style is planned the checks it promises (DESIGN14 §4), and --dry-run names
the ones it leaves out, and why."""

from __future__ import annotations

from pathlib import Path

import pytest

import synth
from synth.catalogue import applicable, coverage
from synth.testing._coverage import describe_styles

from .loader.test_pagination_styles import GOOD, _write

# Each list gets a POST that creates its items, so every check it declares is also planned.
CREATORS = (
    'TAKEN = api.error("slug_taken", 409, "Taken", "Slug in use.")\n'
    'BAD_JSON = api.error("invalid_request", 400, "Bad JSON", "Unparseable.")\n'
) + "".join(
    f'\n@api.post("/{path}", errors=[TAKEN])\ndef create_{path}(body: Thing) -> Thing: ...\n'
    for path in ("cursor", "tokens", "after", "links", "numbered", "offset", "pages")
)
PAGING = ("PAGE-COMPLETE", "PAGE-ORDER", "PAGE-LIMIT", "PAGE-END", "PAGE-CONCURRENT",
          "PAGE-CURSOR")  # fmt: skip


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> synth.ApiSpec:
    contracts, _ = _write(tmp_path_factory.mktemp("styles"), GOOD + CREATORS)
    return synth.load(contracts)


@pytest.mark.parametrize(
    ("operation", "left_out"),
    [
        ("listCursor", set()),
        ("listTokens", set()),
        ("listAfter", {"PAGE-CURSOR"}),
        ("listLinks", {"PAGE-CURSOR"}),
        ("listNumbered", {"PAGE-CONCURRENT", "PAGE-CURSOR"}),
        ("listOffset", {"PAGE-CONCURRENT", "PAGE-CURSOR"}),
        ("listPages", {"PAGE-CONCURRENT", "PAGE-CURSOR"}),
    ],
)
def test_each_style_is_planned_what_it_promises(
    api: synth.ApiSpec, operation: str, left_out: set[str]
) -> None:
    planned = {e.id for op, e in applicable(api) if op.operation_id == operation}
    declared = {c.entry.id for c in coverage(api) if c.operation.operation_id == operation}
    assert planned & set(PAGING) == set(PAGING) - left_out
    assert declared & set(PAGING) == set(PAGING) - left_out, "a check left out is not declared"


def test_dry_run_names_what_each_style_leaves_out(api: synth.ApiSpec) -> None:
    lines = describe_styles(api)
    by_op = {line.split(" on ")[1].split(":")[0]: line for line in lines}
    assert set(by_op) == {"listAfter", "listLinks", "listNumbered", "listOffset", "listPages"}
    assert by_op["listOffset"].startswith(
        "no PAGE-CONCURRENT or PAGE-CURSOR on listOffset: its offset pagination does not "
        "promise them (PAGE-CONCURRENT: an offset walk shifts"
    ), by_op["listOffset"]
    assert "declare LinkHeader(keyset=True)" in by_op["listNumbered"]
    assert by_op["listAfter"].startswith("no PAGE-CURSOR on listAfter: its starting-after")


def test_the_crm_leaves_nothing_out(tmp_path: Path) -> None:
    assert describe_styles(synth.load(Path(__file__).resolve().parents[1] / "contracts")) == []
