"""Fields declared ``Unique()``: carried into the spec and the document, never sent twice.

The tracker keeps project keys unique per tenant (409 ``project_key_taken``). Its correct
server, run in-process with that rule on, passes the checks that create projects over and
over; with ``Unique()`` left out of the contract the fixtures' creates are retried with fresh
values, and where a 409 never ends the check is skipped with the reason, never reported.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response

import synth
from examples.tracker import server
from synth.contract import Unique
from synth.document import build
from synth.generate import generate
from synth.testing import config_from_options
from synth.testing._context import Context
from synth.testing._data import Schemas, accepts
from synth.testing._target import Target
from synth.testing._unique import Fresh, fixed_reason, unique_notes
from synth.testing.cli import run_suite
from tests._generated import write_tests
from tests._taxonomy import STANDARD_ERRORS
from tests.testing._tracker import tracker_with

ROOT = Path(__file__).resolve().parents[2]
TRACKER = ROOT / "examples" / "tracker" / "contracts"
TENANTS = ["a=tok_acme_0123456789", "b=tok_globex_9876543210"]

KINDS = (
    """\
from typing import Annotated, Literal

from pydantic import EmailStr, Field

from synth.contract import Api, Model, RequestModel, Unique

api = Api("Kinds", "1.0.0")
"""
    + STANDARD_ERRORS
    + """
TAKEN = api.error("taken", 409, "Taken", "A unique field repeats a value.")


class Part(RequestModel):
    serial: Annotated[str, Unique()]


class ThingIn(RequestModel):
    parts: list[Part] = []
    code: Annotated[str, Field(pattern=r"^[A-Z]{2}[0-9]{1,3}$"), Unique()]
    slot: Annotated[int, Field(ge=10, le=99), Unique()]
    email: Annotated[EmailStr | None, Unique()] = None
    kind: Annotated[Literal["x", "y"], Unique()] = "x"
    name: str = ""


class Thing(Model):
    id: str


@api.post("/things", status=201, errors=[TAKEN])
def create_thing(body: ThingIn) -> Thing: ...
"""
)


@pytest.fixture(scope="module")
def kinds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("kinds") / "kinds"
    root.mkdir()
    (root / "__init__.py").write_text("")
    (root / "api.py").write_text(KINDS)
    return root


def test_unique_fields_reach_the_spec_and_the_document(kinds: Path) -> None:
    api = synth.load(kinds)
    assert api.operation("createThing").unique == ("code", "slot", "email", "kind")
    document = build(api)
    props = document["components"]["schemas"]["ThingIn"]["properties"]
    assert {name for name, schema in props.items() if "x-synth-unique" in str(schema)} == {
        "code",
        "slot",
        "email",
        "kind",
    }
    assert props["code"]["x-synth-unique"] is True
    assert "x-synth-unique" not in props["name"]
    validate(document)
    assert repr(Unique()) == "Unique()"


def test_fresh_values_are_new_and_valid(kinds: Path) -> None:
    api = synth.load(kinds)
    op = api.operation("createThing")
    assert op.body is not None
    fresh = Fresh(Schemas(api), seed=1)
    body: dict[str, Any] = {"code": "AA1", "slot": 10, "email": "a@example.com", "kind": "x"}
    values: dict[str, list[Any]] = {}
    for field, count in (("code", 300), ("slot", 90), ("email", 50)):
        seen = values[field] = [fresh.value(op.body, "ThingIn", field, body) for _ in range(count)]
        assert None not in seen, field
        assert len(set(seen)) == count, field  # never the same value twice in a run
        assert all(accepts(op.body, {**body, field: v}) for v in seen), field
    assert all(re.fullmatch(r"[A-Z]{2}[0-9]{1,3}", v) for v in values["code"])
    assert sorted(values["slot"]) == list(range(10, 100))
    # 90 integers from 10 to 99: every one is used, then there is none left.
    assert fresh.value(op.body, "ThingIn", "slot", body) is None
    assert fresh.value(op.body, "ThingIn", "kind", body) is None


def test_fresh_values_are_new_across_the_runs_worker_processes(kinds: Path, tmp_path: Path) -> None:
    """Each worker process draws from a seed of its own (``Fresh.reseed``), so two of them
    drew the same short value and the server refused the second as a duplicate (tracker:
    409 ``project_key_taken``, a key tenant B held already); the run's folder keeps the
    values every process sent."""
    api = synth.load(kinds)
    model = api.operation("createThing").body
    assert model is not None
    body: dict[str, Any] = {"code": "AA1", "slot": 10, "email": "a@example.com", "kind": "x"}

    def workers(share: bool) -> list[Fresh]:
        made = [Fresh(Schemas(api), seed=1, salt="run") for _ in range(2)]
        for fresh in made:
            if share:
                fresh.share(tmp_path)
            fresh.reseed("createThing")  # two processes, one check
        return made

    def drawn(made: list[Fresh], field: str, count: int) -> list[Any]:
        return [made[n % 2].value(model, "ThingIn", field, body) for n in range(count)]

    # Without the record, the second process repeats the first's values.
    apart = drawn(workers(share=False), "code", 40)
    assert len(set(apart)) < len(apart)
    together = workers(share=True)
    codes = drawn(together, "code", 300)
    assert len(set(codes)) == len(codes)
    slots = drawn(together, "slot", 90)
    assert sorted(slots) == list(range(10, 100))  # every one once, between them
    assert together[0].value(model, "ThingIn", "slot", body) is None
    assert together[1].value(model, "ThingIn", "slot", body) is None


def test_fields_that_cannot_take_fresh_values_are_listed(kinds: Path) -> None:
    api = synth.load(kinds)
    schemas = Schemas(api)
    props = schemas.properties("ThingIn")
    assert fixed_reason(schemas, props["kind"]) == "it takes only the values listed in its schema"
    assert fixed_reason(schemas, {"type": "boolean"}) == "a boolean has two values only"
    assert fixed_reason(schemas, props["code"]) is None
    assert fixed_reason(schemas, props["email"]) is None
    notes = unique_notes(api, schemas)
    assert len(notes) == 2, notes
    assert "ThingIn.kind of createThing cannot take a fresh value" in notes[0]
    assert "unique field Part.serial in the body of createThing is not varied" in notes[1]


def test_one_body_is_sent_the_same_and_another_gets_new_values(kinds: Path) -> None:
    api = synth.load(kinds)
    op = api.operation("createThing")
    config = config_from_options(app=server.app, tenants=TENANTS, seed=1, contracts=kinds, env={})
    target = Target(config, api)
    data: Any = None  # no draws here
    ctx = Context(target, "IDEM-REPLAY", op, data)
    body = {"code": "AA1", "slot": 10, "name": "n"}
    sent = ctx.unique(op, body)
    assert sent is not body
    assert body == {"code": "AA1", "slot": 10, "name": "n"}  # the drawn body is untouched
    assert ctx.unique(op, body) is sent
    assert ctx.unique(op, sent) is sent
    assert sent["name"] == "n"
    assert (sent["code"], sent["slot"]) != ("AA1", 10)
    again = ctx.unique(op, dict(body))
    assert again["code"] != sent["code"]
    assert again["slot"] != sent["slot"]
    # An invalid body is sent as it is: ERR-VALIDATION's mutations stay what they are.
    invalid = {"code": "not valid", "slot": 10}
    assert ctx.unique(op, invalid) is invalid
    # A new example (a new Context) gets new values for the same drawn body.
    other = Context(target, "IDEM-REPLAY", op, data).unique(op, body)
    assert other["code"] not in {sent["code"], again["code"]}


def _suite(tmp_path: Path, contracts: Path) -> Path:
    root = tmp_path / "generated"
    return write_tests(synth.load(contracts), root)


def _run(
    tmp_path: Path, contracts: Path, select: str, app: Any = None, seed: int = 1
) -> tuple[int, str]:
    config = config_from_options(app=app or server.app, tenants=TENANTS, seed=seed,
                                 contracts=contracts, env={})  # fmt: skip
    report = tmp_path / "report.md"
    code = run_suite(config, _suite(tmp_path, contracts), select=select, report=report,
                     extra=["-p", "no:randomly"])  # fmt: skip
    return code, report.read_text(encoding="utf-8") if report.exists() else ""


def _outcomes(report: str) -> dict[tuple[str, str], str]:
    found = re.findall(r"^\| ([A-Z-]+) \| `(\w+)` \| (\w+) \|", report, re.MULTILINE)
    return {(inv, op): outcome for inv, op, outcome in found}


@pytest.fixture
def unique_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "STORE", server.Store(unique_keys=True))


SENDS_ONE_BODY_TWICE = (
    "createProject__IDEM_REPLAY or createProject__IDEM_MISMATCH or "
    "createProject__IDEM_CONCURRENT or createProject__TEN_NONINTERFERENCE or "
    "listProjects__TEN_NONINTERFERENCE or listTasks__PAGE_COMPLETE"
)


@pytest.mark.usefixtures("unique_keys")
def test_the_tracker_with_unique_keys_passes(tmp_path: Path) -> None:
    code, report = _run(tmp_path, TRACKER, SENDS_ONE_BODY_TWICE)
    outcomes = _outcomes(report)
    assert len(outcomes) == 6, report
    assert set(outcomes.values()) == {"passed"}, report
    assert code == 0, report


def _undeclared(tmp_path: Path) -> Path:
    """The tracker's contracts with ``Unique()`` taken off the project key."""
    copy = tmp_path / "undeclared"
    shutil.copytree(TRACKER, copy, ignore=shutil.ignore_patterns("__pycache__"))
    models = copy / "models.py"
    text = models.read_text(encoding="utf-8")
    assert "Annotated[ProjectKey, Unique()]" in text
    models.write_text(text.replace("Annotated[ProjectKey, Unique()]", "ProjectKey"))
    return copy


def _conflicts_first(times: int) -> Starlette:
    """The tracker, answering the first ``times`` project creates 409 project_key_taken."""
    answered = [0]

    async def taken_at_first(request: Request) -> Response:
        answered[0] += 1
        if answered[0] <= times:
            raise server.Problem(409, "project_key_taken", "You already have a project with it.")
        return await server.create_project(request)

    return tracker_with(server.create_project, taken_at_first)


@pytest.mark.usefixtures("unique_keys")
def test_a_fixture_create_is_retried_with_fresh_values(tmp_path: Path) -> None:
    contracts = _undeclared(tmp_path)
    api = synth.load(contracts)
    op = api.operation("createProject")
    assert op.unique == ()
    config = config_from_options(
        app=_conflicts_first(2), tenants=TENANTS, seed=1, contracts=contracts, env={}
    )
    target = Target(config, api)
    data: Any = None  # the retry draws nothing
    ctx = Context(target, "PAGE-COMPLETE", op, data)
    try:
        item = ctx.create("a", op, {}, body={"key": "WEB", "name": "Web"})
    finally:
        target.close()
    posts = [e for e in ctx.trace if e.request.method == "POST"]
    assert [e.status for e in posts] == [409, 409, 201]
    bodies = [e.request.json_body for e in posts]
    assert bodies[0] == {"key": "WEB", "name": "Web"}
    assert len({b["key"] for b in bodies}) == 3
    assert all(b["name"].startswith("Web ") for b in bodies[1:])  # free text keeps its words
    assert item["key"] == bodies[2]["key"]


def test_a_conflict_that_never_ends_sets_the_example_aside(tmp_path: Path) -> None:
    code, report = _run(
        tmp_path, _undeclared(tmp_path), "listTasks__PAGE_COMPLETE", app=_conflicts_first(10**9)
    )
    assert _outcomes(report) == {("PAGE-COMPLETE", "listTasks"): "skipped"}, report
    assert "409 'project_key_taken' 4 times" in report, report
    assert "Unique()" in report, report
    assert code == 0, report


def test_the_run_says_which_unique_fields_cannot_take_fresh_values(
    kinds: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = config_from_options(app=server.app, tenants=TENANTS, contracts=kinds, env={})
    code = run_suite(config, _suite(tmp_path, kinds), dry_run=True, extra=["-p", "no:randomly"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "unique field ThingIn.kind of createThing cannot take a fresh value" in out, out
    assert "ThingIn.code" not in out, out


def test_the_emitters_other_than_the_document_ignore_the_marker(
    kinds: Path, tmp_path: Path
) -> None:
    """Zod and the SDKs read nothing from ``x-synth-unique``: their files are the same with
    and without ``Unique()``."""
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "__init__.py").write_text("")
    (plain / "api.py").write_text(KINDS.replace(", Unique()]", ", Field()]"))
    with_marker, without = generate(synth.load(kinds)), generate(synth.load(plain))
    assert with_marker.keys() == without.keys()
    differing = sorted(path for path in with_marker if with_marker[path] != without[path])
    assert differing == ["openapi.json"]
    assert with_marker["openapi.json"].count('"x-synth-unique": true') == 5


def test_a_field_unique_across_tenants_is_declared_and_imported_so(tmp_path: Path) -> None:
    """``Unique(across_tenants=True)``: the document carries both keywords, the spec names the
    field in both tuples, and ``synth import`` writes the declaration back."""
    from click.testing import CliRunner

    from synth.cli import main

    root = tmp_path / "sites"
    root.mkdir()
    (root / "__init__.py").write_text("")
    (root / "api.py").write_text(
        KINDS.replace('    kind: Annotated[Literal["x", "y"], Unique()] = "x"\n', "").replace(
            '    name: str = ""\n', "    handle: Annotated[str, Unique(across_tenants=True)]\n"
        )
    )
    api = synth.load(root)
    op = api.operation("createThing")
    assert op.unique == ("code", "slot", "email", "handle")
    assert op.unique_across_tenants == ("handle",)
    document = build(api)
    props = document["components"]["schemas"]["ThingIn"]["properties"]
    assert props["handle"]["x-synth-unique"] is True
    assert props["handle"]["x-synth-unique-across-tenants"] is True
    assert "x-synth-unique-across-tenants" not in props["code"]
    validate(document)
    assert repr(Unique(across_tenants=True)) == "Unique(across_tenants=True)"
    source = tmp_path / "openapi.json"
    source.write_text(generate(api)["openapi.json"], encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(source), "--out", str(tmp_path / "back")])
    assert result.exit_code == 0, result.output
    models = (tmp_path / "back" / "models.py").read_text(encoding="utf-8")
    assert "Unique(across_tenants=True)" in models
    again = synth.load(tmp_path / "back").operation("createThing")
    assert again.unique_across_tenants == ("handle",)
