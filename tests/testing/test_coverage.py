"""Coverage, never silence: each declared semantic is exercised or listed with why not.

The mechanism is tested on small contract sets written to ``tmp_path``; the CRM and the
tracker examples only for what holds whatever else changes (every generated test is an
exercised entry, every entry that is not has a reason).
"""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

import synth
from examples.reference_server.app import create_app
from synth.catalogue import CATALOGUE, Coverage, applicable, coverage
from synth.relations import Graph
from synth.spec import ApiSpec, OperationSpec
from synth.testing import config_from_options
from synth.testing.cli import run_suite
from synth.testing.cli import test_command as command
from tests._generated import write_tests
from tests._taxonomy import STANDARD_ERRORS

ROOT = Path(__file__).resolve().parents[2]

HEADER = (
    """\
from typing import Annotated
from uuid import UUID

from pydantic import Field

from synth.contract import Api, Cursor, Model, Page, RequestModel

api = Api("Gaps", "1.0.0")
"""
    + STANDARD_ERRORS
    + """

class NameIn(RequestModel):
    name: str


BoardId = Annotated[str, Field(pattern="^brd_[a-z]{6}$")]


class Board(Model):
    id: BoardId
    name: str


class Card(Model):
    number: int
    name: str


class CardPage(Page[Card]):
    pass


class Widget(Model):
    id: UUID


class WidgetPage(Page[Widget]):
    pass
"""
)

# Boards are created and read; cards are numbered (no field named for {card_ref}, no `id`),
# widgets made by nothing.
GAPS = """
@api.post("/boards", idempotent=True)
def create_board(body: NameIn) -> Board: ...

@api.get("/boards/{board_id}", cacheable=True)
def get_board(board_id: BoardId) -> Board: ...

@api.post("/boards/{board_id}/cards")
def create_card(board_id: BoardId, body: NameIn) -> Card: ...

@api.get("/boards/{board_id}/cards/{card_ref}", cacheable=True)
def get_card(board_id: BoardId, card_ref: int) -> Card: ...

@api.get("/widgets", paginated=Cursor(order=("-id",)))
def list_widgets() -> WidgetPage: ...

@api.get("/gadgets/{gadget_id}")
def get_gadget(gadget_id: UUID) -> Widget: ...
"""


def _contracts(tmp_path: Path, body: str = GAPS) -> Path:
    contracts = tmp_path / "contracts"
    contracts.mkdir()
    (contracts / "__init__.py").write_text("")
    (contracts / "api.py").write_text(HEADER + textwrap.dedent(body))
    return contracts


def _tests(api: ApiSpec, root: Path) -> Path:
    return write_tests(api, root)


def _gaps(entries: list[Coverage]) -> dict[tuple[str, str], str]:
    return {(c.entry.id, c.operation.operation_id): c.reason for c in entries if c.reason}


def test_declared_but_not_runnable_is_listed_with_the_reason(tmp_path: Path) -> None:
    api = synth.load(_contracts(tmp_path))
    gaps = _gaps(coverage(api))
    # No field of a created card fills {card_ref}: every check of getCard is declared, none can run.
    for invariant in ("TEN-READ", "CACHE-ETAG", "ERR-PROBLEM", "ERR-DECLARED"):
        assert (
            "none of the fields that could fill {card_ref} (`card_ref`, `ref`, `id`)"
            in gaps[invariant, "getCard"]
        ), gaps
    # Nothing creates the widgets listed or the gadget read: said so, with the declaration.
    for invariant in ("PAGE-COMPLETE", "PAGE-ORDER", "PAGE-CURSOR", "TEN-LIST"):
        assert (
            "no operation creates the Widget items listWidgets lists"
            in gaps[invariant, "listWidgets"]
        )
        assert "api.resource('/widgets', Widget" in gaps[invariant, "listWidgets"]
    assert gaps["TEN-READ", "getGadget"].startswith(
        "no operation creates the items that {gadget_id} names (no POST /gadgets): "
        "declare it with api.resource('/gadgets', ..., id_param='gadget_id')"
    )
    # The parameter may be the caller's tenant rather than a created item: that way is named too.
    assert (
        "declare Api(..., tenant_param='gadget_id') and give synth test --tenant-id"
        in (gaps["TEN-READ", "getGadget"])
    )
    # What runs is exercised: boards are created, read, replayed, and a constrained path
    # parameter alone is input ERR-VALIDATION varies.
    exercised = {(c.entry.id, c.operation.operation_id) for c in coverage(api) if c.exercised}
    assert {("IDEM-REPLAY", "createBoard"), ("CACHE-ETAG", "getBoard"),
            ("TEN-READ", "getBoard"), ("ERR-VALIDATION", "getBoard")} <= exercised  # fmt: skip
    assert not any(key in exercised for key in gaps)


# Every contract set in the repository: the CRM's and each example's.
CONTRACT_SETS = [
    "contracts",
    *sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("examples/*/contracts") if p.is_dir()),
]


@pytest.mark.parametrize("contracts", CONTRACT_SETS)
def test_exercised_is_exactly_what_is_generated(contracts: str) -> None:
    """Every generated check is an exercised entry; every other entry is declared, with why."""
    api = synth.load(ROOT / contracts)
    graph = Graph(api)
    entries = coverage(api)
    exercised = [(c.operation, c.entry) for c in entries if c.exercised]
    assert exercised == applicable(api)
    for c in entries:
        assert c.entry.declares(graph, c.operation) or c.exercised
        assert c.exercised or len(c.reason or "") > 40
    # Nothing declared is left out: each declared pair has an entry.
    listed = {(c.operation.operation_id, c.entry.id) for c in entries}
    declared = {(op.operation_id, e.id) for op in api.operations for e in CATALOGUE
                if e.declares(graph, op)}  # fmt: skip
    assert declared <= listed


# The JSON Schema keywords that leave some value of a parameter invalid.
_LIMITS = {"pattern", "enum", "const", "minLength", "maxLength", "minimum", "maximum",
           "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "$ref"}  # fmt: skip


def _validated_input(op: OperationSpec) -> bool:
    """Told from the contract alone, apart from the catalogue: input the server must check."""
    return op.body is not None or any(
        (p.location == "query" and p.required)
        or (
            p.location in ("query", "path")
            and (
                bool(_LIMITS & set(p.schema))
                or p.schema.get("type") in ("integer", "number", "boolean")
                or p.schema.get("format") in ("uuid", "email")
            )
        )
        for p in op.params
    )


@pytest.mark.parametrize("contracts", CONTRACT_SETS)
def test_every_declared_validation_is_exercised_or_listed(contracts: str) -> None:
    """An operation that declares validation_failed and takes input the server must check
    (a body, a bounded, patterned or enumerated parameter, a required query parameter) has
    ERR-VALIDATION planned or listed with the reason: never silent (the library's search)."""
    api = synth.load(ROOT / contracts)
    listed = {(c.entry.id, c.operation.operation_id) for c in coverage(api)}
    silent = [
        op.operation_id
        for op in api.operations
        if any(e.code == "validation_failed" for e in op.errors)
        and _validated_input(op)
        and ("ERR-VALIDATION", op.operation_id) not in listed
    ]
    assert silent == []


def test_the_library_search_is_validated() -> None:
    """A public search whose only input is a required query parameter of 2 to 100 characters."""
    api = synth.load(ROOT / "examples/library/contracts")
    planned = {(e.id, op.operation_id) for op, e in applicable(api)}
    assert ("ERR-VALIDATION", "searchCatalogue") in planned


def test_crm_runs_everything_it_declares_but_one_smuggling_check() -> None:
    """The CRM's only declared check synth cannot run: TEN-ASSIGN on a create nothing reads."""
    api = synth.load(ROOT / "contracts")
    gaps = _gaps(coverage(api))
    assert list(gaps) == [("TEN-ASSIGN", "createInteraction")], gaps
    assert (
        "nothing reads back what createInteraction writes"
        in gaps["TEN-ASSIGN", "createInteraction"]
    )


def test_tracker_getTask_and_completeTask_are_not_silent() -> None:
    """FINDINGS.md: getTask and completeTask had conformance only and nothing said so."""
    api = synth.load(ROOT / "examples/tracker/contracts")
    listed = {(c.entry.id, c.operation.operation_id) for c in coverage(api)}
    for operation in ("getTask", "completeTask"):
        assert ("ERR-PROBLEM", operation) in listed
        assert ("TEN-NONINTERFERENCE", operation) in listed
    assert ("TEN-READ", "getTask") in listed
    assert ("CACHE-ETAG", "getTask") in listed


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(command, list(args), env={})
    return result.exit_code, result.output


def test_dry_run_lists_what_is_not_exercised_and_require_coverage_fails(tmp_path: Path) -> None:
    contracts = _contracts(tmp_path)
    tests = _tests(synth.load(contracts), tmp_path / "out")
    base = ["--contracts", str(contracts), "--tests", str(tests), "--base-url",
            "http://127.0.0.1:9", "--tenant", "a=ta", "--tenant", "b=tb", "--dry-run"]  # fmt: skip
    code, output = _invoke(*base)
    assert code == 0, output
    # Listed one node id a line, as a test that runs (not pytest's tree with docstrings).
    assert "test_boards.py::test_getCard__TEN_READ\n" in output
    assert "<Module" not in output
    assert "not exercised TEN-READ getCard: createCard creates the items that {card_ref}" in output
    assert "not exercised PAGE-COMPLETE listWidgets: no operation creates" in output
    code, output = _invoke(*base, "--require-coverage")
    assert code == 1, output
    assert "--require-coverage: declared checks would not be exercised" in output
    # Selecting only what runs: nothing missing, exit 0 even with --require-coverage.
    code, output = _invoke(*base, "--require-coverage", "-k", "createBoard and IDEM")
    assert code == 0, output
    # Nothing was sent: the line says what would run, not what ran.
    assert "coverage: all 5 declared checks planned (a dry run: nothing sent)" in output
    assert "exercised" not in output.split("coverage:")[1].splitlines()[0]


def test_too_few_tenants_count_as_not_exercised(generated: Path) -> None:
    base = ["--tests", str(generated), "--base-url", "http://127.0.0.1:9", "--tenant", "a=ta",
            "--dry-run", "-k", "getContact"]  # fmt: skip
    code, output = _invoke(*base)
    assert code == 0, output
    assert "not exercised TEN-READ getContact: TEN-READ needs 2 tenants" in output
    code, output = _invoke(*base, "--require-coverage")
    assert code == 1, output
    code, output = _invoke(*base[:-2], "--tenant", "b=tb", "-k", "getContact", "--require-coverage")
    assert code == 0, output
    assert "coverage: all" in output


def test_tests_of_other_contracts_are_refused(tmp_path: Path, generated: Path) -> None:
    contracts = _contracts(tmp_path)
    tests = _tests(synth.load(contracts), tmp_path / "out")
    target = ["--base-url", "http://127.0.0.1:9", "--tenant", "a=ta", "--tenant", "b=tb"]
    # The CRM's tests against the tmp contracts (what `--tests` left out runs), and back.
    for args in (["--contracts", str(contracts), "--tests", str(generated)],
                 ["--contracts", str(ROOT / "contracts"), "--tests", str(tests)]):  # fmt: skip
        code, output = _invoke(*args, *target)
        assert code == 2, output
        lines = output.strip().splitlines()
        assert len(lines) == 1, output
        assert "were generated from other contracts than --contracts=" in lines[0]
        assert "synth generate --contracts" in lines[0]


def test_stale_tests_are_refused(tmp_path: Path, generated: Path) -> None:
    contracts = _contracts(tmp_path)
    tests = _tests(synth.load(contracts), tmp_path / "out")
    module = tests / "test_boards.py"
    text = module.read_text(encoding="utf-8")
    module.write_text(text.replace('check("IDEM-REPLAY", "createBoard", target)',
                                   'check("IDEM-REPLAY", "getBoard", target)'))  # fmt: skip
    code, output = _invoke("--contracts", str(contracts), "--tests", str(tests), "--base-url",
                           "http://127.0.0.1:9", "--tenant", "a=ta", "--dry-run")  # fmt: skip
    assert code == 2, output
    assert "are stale for --contracts=" in output
    assert "IDEM-REPLAY createBoard, IDEM-REPLAY getBoard" in output


async def _app(scope: object, receive: object, send: object) -> None:  # pragma: no cover
    raise AssertionError("the checks selected here send nothing")


def test_report_and_junit_list_what_is_not_exercised(tmp_path: Path) -> None:
    contracts = _contracts(tmp_path)
    tests = _tests(synth.load(contracts), tmp_path / "out")
    config = config_from_options(app=_app, tenants=["a=ta", "b=tb"], contracts=contracts, env={})
    report, junit = tmp_path / "report.md", tmp_path / "junit.xml"
    # Only getCard's declared checks, none of which can run: nothing reaches the app.
    select = "getCard and not CONFORMANCE"
    code = run_suite(config, tests, select=select, report=report, junit=junit,
                     extra=["-p", "no:randomly"])  # fmt: skip
    assert code == 0
    text = report.read_text(encoding="utf-8")
    assert "### Coverage of the declared semantics" in text
    assert "| TEN-READ | `getCard` | createCard creates the items that {card_ref} names" in text
    cases = {case.get("name"): case for case in ET.parse(junit).getroot().iter("testcase")}
    skipped = cases["test_getCard__CACHE_ETAG"].find("skipped")
    assert skipped is not None
    assert skipped.get("message", "").startswith("not exercised: createCard creates the items")
    code = run_suite(config, tests, select=select, report=report,
                     require_coverage=True, extra=["-p", "no:randomly"])  # fmt: skip
    assert code == 1


def test_a_check_skipped_for_lack_of_tenants_fails_require_coverage(
    tmp_path: Path, generated: Path
) -> None:
    config = config_from_options(app=create_app(), tenants=["a=token-a"], seed=1, env={})
    report = tmp_path / "report.md"
    code = run_suite(config, generated, select="getContact__TEN_READ", report=report,
                     extra=["-p", "no:randomly"])  # fmt: skip
    assert code == 0
    text = report.read_text(encoding="utf-8")
    assert "Coverage: 0 of 1 declared checks exercised; 1 not exercised." in text
    assert "| TEN-READ | `getContact` | TEN-READ needs 2 tenants" in text
    code = run_suite(config, generated, select="getContact__TEN_READ", require_coverage=True,
                     extra=["-p", "no:randomly"])  # fmt: skip
    assert code == 1


# Widgets listed at the top, made under a board: the gap names the create and the arguments
# that tie them (a new user's enrolments, listed at `GET /enrolments`, made under a course).
UNDER_A_PARENT = """
@api.post("/boards", idempotent=True)
def create_board(body: NameIn) -> Board: ...

@api.post("/boards/{board_id}/widgets")
def add_widget(board_id: BoardId, body: NameIn) -> Widget: ...

@api.get("/widgets", paginated=Cursor(order=("-id",)))
def list_widgets() -> WidgetPage: ...
"""


def test_a_list_made_elsewhere_names_its_create_in_the_fix(tmp_path: Path) -> None:
    api = synth.load(_contracts(tmp_path, UNDER_A_PARENT))
    why = _gaps(coverage(api))["PAGE-COMPLETE", "listWidgets"]
    assert "POST /boards/{board_id}/widgets (addWidget) answers Widget" in why, why
    fix = "api.resource('/widgets', Widget, id_param='widget_id', created_by='add_widget')"
    assert fix in why, why
    # The fix as written, and the list's checks can run.
    (tmp_path / "contracts" / "api.py").write_text(
        HEADER + textwrap.dedent(UNDER_A_PARENT) + f"\n{fix.replace('api.', 'widgets = api.')}\n"
    )
    fixed = synth.load(tmp_path / "contracts")
    assert ("PAGE-COMPLETE", "listWidgets") not in _gaps(coverage(fixed))
