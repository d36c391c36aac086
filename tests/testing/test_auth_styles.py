"""Auth styles (Bearer, ApiKey, Cookie) and the tenant in the path (``tenant_param``).

From the contract language through the loader, the document, the SDKs and the configuration
to the runtime: in-process notes servers in each style, correct (the TEN family passes) and
with a planted cross-tenant read (TEN-READ reports it).
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from openapi_spec_validator import validate

import synth
from synth import ContractError, UsageError
from synth.catalogue import coverage
from synth.cli import main
from synth.document import build
from synth.emit import sdk_python, sdk_typescript
from synth.relations import Graph
from synth.spec import ApiSpec
from synth.testing import config_from_options
from synth.testing._config import Credential, check_tenant_ids
from synth.testing._curl import Redactor, sequence
from synth.testing._http import Exchange, Request
from synth.testing.cli import run_suite
from tests._generated import write_tests

from ._tenant_apps import KEYS, TENANT_IDS, TENANTS, Style, app, contracts

AUTH: dict[Style, str] = {
    "bearer": "Bearer()",
    "header": 'ApiKey(header="X-Api-Key")',
    "cookie": 'Cookie(name="session")',
}
SCHEMES = {
    "bearer": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
    "header": {"apiKeyAuth": {"type": "apiKey", "name": "X-Api-Key", "in": "header"}},
    "cookie": {"cookieAuth": {"type": "apiKey", "name": "session", "in": "cookie"}},
}
TEN = ("TEN-LIST", "TEN-READ", "TEN-WRITE", "TEN-CHILD", "TEN-ASSIGN", "TEN-NONINTERFERENCE")


def _load(tmp_path: Path, style: Style, in_path: bool) -> ApiSpec:
    return synth.load(contracts(tmp_path, AUTH[style], in_path=in_path))


# -- the contract language, the loader and the document ----------------------------------------


@pytest.mark.parametrize("in_path", [True, False])
@pytest.mark.parametrize("style", ["bearer", "header", "cookie"])
def test_each_style_is_a_valid_security_scheme(tmp_path: Path, style: Style, in_path: bool) -> None:
    api = _load(tmp_path, style, in_path)
    document = build(api)
    validate(document)
    schemes = document["components"]["securitySchemes"]
    assert {k: {f: v for f, v in s.items() if f != "description"} for k, s in schemes.items()} == (
        SCHEMES[style]
    )
    assert document["security"] == [{next(iter(SCHEMES[style])): []}]
    # The public operation asks for no credentials; the tenant's operations for the scheme.
    assert document["paths"]["/catalogue"]["get"]["security"] == [{}]
    assert api.tenant_param == ("org_id" if in_path else None)


def test_the_tenant_parameter_is_described_and_marked(tmp_path: Path) -> None:
    document = build(_load(tmp_path, "header", True))
    get = document["paths"]["/orgs/{org_id}/notes/{note_id}"]["get"]
    org = next(p for p in get["parameters"] if p["name"] == "org_id")
    assert "caller's own tenant" in org["description"]
    assert get["x-synth-semantics"]["tenantParam"] == "org_id"
    assert "tenantParam" not in document["paths"]["/catalogue"]["get"]["x-synth-semantics"]


def test_the_tenant_parameter_is_nobodys_parent(tmp_path: Path) -> None:
    api = _load(tmp_path, "header", True)
    graph = Graph(api)
    get = api.operation("getNote")
    create = api.operation("createNote")
    assert [p.param for p in graph.parents(get) or []] == ["note_id"]
    assert graph.parents(create) == []
    assert graph.item_creator(get) is create
    assert graph.tenant_in_path(create)
    assert not graph.tenant_in_path(api.operation("getCatalogue"))
    # No collection at /orgs, whose POST nothing declares: the tenant is not created.
    assert "/orgs" not in {c.path for c in api.relations.collections}


@pytest.mark.parametrize("in_path", [True, False])
def test_every_declared_tenant_check_is_exercised(tmp_path: Path, in_path: bool) -> None:
    api = _load(tmp_path, "header", in_path)
    gaps = [(c.entry.id, c.operation.operation_id, c.reason) for c in coverage(api)
            if c.entry.family == "tenancy" and not c.exercised]  # fmt: skip
    assert gaps == []
    scoped = {c.operation.operation_id for c in coverage(api) if c.entry.family == "tenancy"}
    assert "getCatalogue" not in scoped


def _broken(tmp_path: Path, api_line: str) -> tuple[Path, int]:
    source = textwrap.dedent(f"""\
        from synth.contract import Api, ApiKey, Cookie

        {api_line}  # <-
        for code, status in [("not_found", 404), ("unauthenticated", 401),
                             ("validation_failed", 422), ("invalid_request", 400),
                             ("internal_error", 500)]:
            api.error(code, status, code, "Described.")


        @api.get("/orgs/{{org_id}}/ping")
        def ping(org_id: str) -> None: ...
        """)
    root = tmp_path / "contracts"
    root.mkdir()
    (root / "__init__.py").write_text("", encoding="utf-8")
    (root / "api.py").write_text(source, encoding="utf-8")
    line = next(i for i, text in enumerate(source.splitlines(), 1) if "# <-" in text)
    return root, line


BROKEN = [
    ('api = Api("T", "1", tenant_param="workspace_id")',
     "tenant_param='workspace_id' is not a path parameter of any tenant-scoped operation"),
    ('api = Api("T", "1", auth=ApiKey(header="X Api Key"))',
     "ApiKey(header=...): 'X Api Key' is not a valid header name"),
    ('api = Api("T", "1", auth=ApiKey(header="Authorization"))',
     "'Authorization' is a header synth and HTTP use for something else"),
    ('api = Api("T", "1", auth=Cookie(name="my session"))',
     "Cookie(name=...): 'my session' is not a valid cookie name"),
]  # fmt: skip


@pytest.mark.parametrize(("api_line", "expected"), BROKEN)
def test_broken_auth_or_tenant_param_is_located(
    tmp_path: Path, api_line: str, expected: str
) -> None:
    root, line = _broken(tmp_path, api_line)
    with pytest.raises(ContractError) as info:
        synth.load(root)
    text = str(info.value)
    assert expected in text
    assert f"api.py:{line}:" in text
    assert "fix:" in text
    result = CliRunner().invoke(main, ["generate", "--contracts", str(root),
                                       "--out", str(tmp_path / "out")])  # fmt: skip
    assert result.exit_code == 2
    assert expected in result.output
    assert "Traceback" not in result.output


def test_tenant_param_in_a_public_path_only_is_refused(tmp_path: Path) -> None:
    root, _ = _broken(tmp_path, 'api = Api("T", "1", tenant_param="org_id", tenant_scoped=False)')
    with pytest.raises(ContractError, match="not a path parameter of any tenant-scoped"):
        synth.load(root)


# -- the SDKs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("style", "python", "typescript"),
    [
        ("header", 'AUTH_STYLE = "header"\nAUTH_NAME = "X-Api-Key"',
         'const AUTH_STYLE: string = "header";\nconst AUTH_NAME: string = "X-Api-Key";'),
        ("cookie", 'AUTH_STYLE = "cookie"\nAUTH_NAME = "session"',
         'const AUTH_STYLE: string = "cookie";\nconst AUTH_NAME: string = "session";'),
    ],
)  # fmt: skip
def test_sdks_send_the_declared_credential(
    tmp_path: Path, style: Style, python: str, typescript: str
) -> None:
    api = _load(tmp_path, style, False)
    files = sdk_python.emit(api, build(api))
    runtime = next(text for name, text in files.items() if name.endswith("/_runtime.py"))
    assert python in runtime
    client = next(text for name, text in files.items() if name.endswith("/client.py"))
    assert ("an API key" if style == "header" else "a session") in client
    assert typescript in sdk_typescript.emit(api, {})["sdk/typescript/src/client.ts"]


def test_the_python_sdk_runtime_puts_the_token_where_declared() -> None:
    from synth.emit._sdk.python import _runtime

    assert _runtime.default_headers("t", None)["Authorization"] == "Bearer t"
    try:
        _runtime.AUTH_STYLE, _runtime.AUTH_NAME = "header", "X-Api-Key"
        headers = _runtime.default_headers("t", None)
        assert headers["X-Api-Key"] == "t"
        assert "Authorization" not in headers
        _runtime.AUTH_STYLE, _runtime.AUTH_NAME = "cookie", "session"
        assert _runtime.default_headers("t", None)["Cookie"] == "session=t"
    finally:
        _runtime.AUTH_STYLE, _runtime.AUTH_NAME = "bearer", "Authorization"


# -- configuration -----------------------------------------------------------------------------


def _config(tenant_ids: list[str], env: dict[str, str] | None = None) -> Any:
    return config_from_options(base_url="http://127.0.0.1:8000/v1", tenants=TENANTS,
                               tenant_ids=tenant_ids, env=env or {})  # fmt: skip


def test_tenant_ids_from_options_and_environment() -> None:
    assert [t.tenant_id for t in _config(TENANT_IDS).tenants] == ["org_aaaaaa", "org_bbbbbb"]
    env = {"SYNTH_TENANT_IDS": "a=org_1,b=org_2"}
    assert [t.tenant_id for t in _config([], env).tenants] == ["org_1", "org_2"]
    assert "org_1" not in repr(_config([], env).tenants[0].token)


BAD_IDS = [
    (["a"], "--tenant-id='a' is not NAME=VALUE"),
    (["a=org/1"], "is not NAME=VALUE"),
    (["c=org_1"], "no --tenant named 'c'"),
    (["a=org_1", "a=org_2"], "is given twice"),
    (["a=org_1", "b=org_1"], "share one value"),
]


@pytest.mark.parametrize(("ids", "message"), BAD_IDS)
def test_bad_tenant_ids(ids: list[str], message: str) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        _config(ids)


def test_tenant_ids_are_required_with_a_tenant_param_and_refused_without() -> None:
    with pytest.raises(UsageError) as info:
        check_tenant_ids(_config(["a=org_1"]), "org_id")
    assert "--tenant-id is missing for tenant(s) b" in str(info.value)
    assert "--tenant-id a=<its org_id> --tenant-id b=<its org_id>" in str(info.value)
    with pytest.raises(UsageError, match="declare no tenant path parameter"):
        check_tenant_ids(_config(TENANT_IDS), None)
    check_tenant_ids(_config(TENANT_IDS), "org_id")
    check_tenant_ids(_config([]), None)


@pytest.mark.parametrize(
    ("in_path", "ids", "message"),
    [(True, ["a=org_aaaaaa"], "--tenant-id is missing for tenant(s) b"),
     (False, TENANT_IDS, "declare no tenant path parameter")],
)  # fmt: skip
def test_synth_test_exits_2_on_tenant_ids(
    tmp_path: Path, in_path: bool, ids: list[str], message: str
) -> None:
    root = contracts(tmp_path, AUTH["header"], in_path=in_path)
    tests = _write_tests(tmp_path, synth.load(root))
    args = ["test", "--contracts", str(root), "--tests", str(tests),
            "--base-url", "http://127.0.0.1:9/v1"]  # fmt: skip
    for tenant in TENANTS:
        args += ["--tenant", tenant]
    for value in ids:
        args += ["--tenant-id", value]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert next(iter(KEYS)) not in result.output


# -- the credential on the wire and in reproductions ---------------------------------------------


def test_credential_is_sent_the_declared_way() -> None:
    headers = {"Cookie": "theme=dark"}
    Credential("cookie", "session").apply(headers, "s3cret")
    assert headers == {"Cookie": "theme=dark; session=s3cret"}
    headers = {"authorization": "Bearer old"}
    Credential().apply(headers, "t")
    assert headers == {"Authorization": "Bearer t"}
    headers = {}
    Credential("header", "X-Api-Key").apply(headers, "k")
    assert headers == {"X-Api-Key": "k"}


@pytest.mark.parametrize(
    ("credential", "shown"),
    [(Credential("header", "X-Api-Key"), '"X-Api-Key: $TOKEN_A"'),
     (Credential("cookie", "session"), '"Cookie: session=$TOKEN_A"')],
)  # fmt: skip
def test_curl_shows_the_placeholder_the_declared_way(credential: Credential, shown: str) -> None:
    request = Request("a", "GET", "/v1/orgs/org_1/notes", token="tok-secret-a")
    exchange = Exchange(request, 200, httpx.Headers(), b'{"echo": "tok-secret-a"}', 0.1)
    text = sequence([exchange], "http://127.0.0.1:1", Redactor([("tok-secret-a", "$TOKEN_A")]),
                    credential=credential)  # fmt: skip
    assert shown in text
    assert "tok-secret-a" not in text
    assert "Authorization" not in text


# -- the runtime against in-process servers ------------------------------------------------------


def _write_tests(folder: Path, api: ApiSpec) -> Path:
    return write_tests(api, folder)


def _run(
    tmp_path: Path,
    style: Style,
    *,
    in_path: bool,
    leak: bool | str,
    select: str,
    foreign: int = 404,
) -> tuple[int, dict[tuple[str, str], str], str, Any]:
    root = contracts(tmp_path, AUTH[style], in_path=in_path)
    tests = _write_tests(tmp_path, synth.load(root))
    server = app(style, in_path=in_path, leak=leak, foreign=foreign)
    config = config_from_options(app=server, tenants=TENANTS,
                                 tenant_ids=TENANT_IDS if in_path else [], seed=1,
                                 profile="quick", contracts=root, env={})  # fmt: skip
    report = tmp_path / "report.md"
    code = run_suite(config, tests, select=select, report=report, extra=["-p", "no:randomly"])
    text = report.read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([A-Z-]+) \| `(\w+)` \| (\w+) \|", text, re.MULTILINE)
    return code, {(inv, op): outcome for inv, op, outcome in rows}, text, server


_TEN_ONLY = "__TEN_"
CASES = [("header", True), ("cookie", False), ("cookie", True), ("bearer", True)]


@pytest.mark.parametrize(("style", "in_path"), CASES)
def test_the_tenant_checks_pass_on_a_correct_server(
    tmp_path: Path, style: Style, in_path: bool
) -> None:
    code, rows, report, _ = _run(tmp_path, style, in_path=in_path, leak=False, select=_TEN_ONLY)
    ten = {key: outcome for key, outcome in rows.items() if key[0] in TEN}
    # Each TEN check that applies ran and passed: TEN-CHILD on the notes under the org only,
    # TEN-READ, TEN-WRITE and TEN-ASSIGN on the org itself (getOrg, updateOrg).
    assert len(ten) == (18 if in_path else 11), report
    assert {("TEN-READ", "getOrg"), ("TEN-WRITE", "updateOrg"), ("TEN-ASSIGN", "updateOrg")} <= (
        set(ten) if in_path else {("TEN-READ", "getOrg"), ("TEN-WRITE", "updateOrg"),
                                  ("TEN-ASSIGN", "updateOrg")}
    )  # fmt: skip
    assert set(ten.values()) == {"passed"}, report
    assert code == 0, report
    assert not any(op == "getCatalogue" for _, op in rows), "a public operation got TEN checks"


@pytest.mark.parametrize(("style", "in_path"), CASES[:2])
def test_a_cross_tenant_read_is_reported_by_ten_read(
    tmp_path: Path, style: Style, in_path: bool
) -> None:
    code, rows, report, _ = _run(tmp_path, style, in_path=in_path, leak=True,
                                 select="getNote__TEN_READ")  # fmt: skip
    assert rows[("TEN-READ", "getNote")] == "violation", report
    assert code == 1
    if in_path:  # B's credentials with A's org id in the path: A's note
        assert "with tenant a's {org_id} in the path" in report
        assert "/orgs/org_aaaaaa/notes/" in report
    assert "$TOKEN_B" in report
    assert all(secret not in report for secret in KEYS)


def test_b_reading_as_org_is_reported_by_ten_read(tmp_path: Path) -> None:
    code, rows, report, _ = _run(tmp_path, "bearer", in_path=True, leak=True,
                                 select="getOrg__TEN_READ")  # fmt: skip
    assert rows[("TEN-READ", "getOrg")] == "violation", report
    assert "tenant b reading /orgs/{org_id}, with tenant a's {org_id} in the path" in report
    assert code == 1


def test_b_listing_with_as_org_id_is_reported_by_ten_list(tmp_path: Path) -> None:
    code, rows, report, _ = _run(tmp_path, "header", in_path=True, leak=True,
                                 select="listNotes__TEN_LIST")  # fmt: skip
    assert rows[("TEN-LIST", "listNotes")] == "violation", report
    assert "tenant b listing, with tenant a's {org_id} in the path" in report
    assert code == 1


@pytest.mark.parametrize("in_path", [True, False])
def test_as_notes_in_bs_own_list_are_reported_by_ten_list(tmp_path: Path, in_path: bool) -> None:
    code, rows, report, _ = _run(tmp_path, "cookie", in_path=in_path, leak="list",
                                 select="listNotes__TEN_LIST")  # fmt: skip
    assert rows[("TEN-LIST", "listNotes")] == "violation", report
    assert "to hold none of tenant a's items" in report
    assert code == 1


@pytest.mark.parametrize("style", ["bearer", "header", "cookie"])
def test_public_operations_are_sent_without_credentials(tmp_path: Path, style: Style) -> None:
    code, rows, report, server = _run(tmp_path, style, in_path=True, leak=False,
                                      select="getCatalogue")  # fmt: skip
    assert rows, report
    assert set(rows.values()) == {"passed"}, report
    assert code == 0, report
    assert server.state.public_credentials, "no request reached the public operation"
    assert not any(server.state.public_credentials), "a tenant's credentials were sent"


def test_a_tenant_id_the_schema_refuses_exits_2(tmp_path: Path) -> None:
    root = contracts(tmp_path, AUTH["header"], in_path=True)
    tests = _write_tests(tmp_path, synth.load(root))
    args = ["test", "--contracts", str(root), "--tests", str(tests),
            "--base-url", "http://127.0.0.1:9/v1", "--tenant", TENANTS[0], "--tenant", TENANTS[1],
            "--tenant-id", "a=org_aaaaaa", "--tenant-id", "b=ORG-2"]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "--tenant-id=b=ORG-2: the contracts' {org_id} does not accept it" in result.output
    assert "^org_[a-z0-9]{6}$" in result.output


def test_the_dry_run_shows_each_tenants_id(tmp_path: Path) -> None:
    root = contracts(tmp_path, AUTH["cookie"], in_path=True)
    tests = _write_tests(tmp_path, synth.load(root))
    config = config_from_options(app=app("cookie", in_path=True), tenants=TENANTS,
                                 tenant_ids=TENANT_IDS, contracts=root, env={})  # fmt: skip
    runner = CliRunner()
    with runner.isolation() as (out, _, _):
        code = run_suite(config, tests, dry_run=True, extra=["-p", "no:randomly"])
    assert code == 0
    assert "the tenant in the path is each acting tenant's own (a: org_aaaaaa, b: org_bbbbbb)" in (
        out.getvalue().decode()
    )


@pytest.mark.parametrize(("foreign", "outcome"), [(404, "passed"), (403, "violation")])
def test_err_declared_probes_another_tenants_org_id(
    tmp_path: Path, foreign: int, outcome: str
) -> None:
    code, rows, report, _ = _run(tmp_path, "header", in_path=True, leak=False,
                                 select="createNote__ERR_DECLARED", foreign=foreign)  # fmt: skip
    assert rows == {("ERR-DECLARED", "createNote"): outcome}, report
    assert code == (0 if foreign == 404 else 1)
    if foreign == 403:
        assert "(403, 'forbidden')" in report
        assert "/orgs/org_bbbbbb/notes" in report


_RESOURCE = """\
from typing import Annotated

from pydantic import Field

from synth.contract import Api, ApiKey, DateTime, Limit, Model, Page, RequestModel

api = Api("Notes", "1.0.0", base_path="/v1", auth=ApiKey(header="X-Api-Key"),
          tenant_param="org_id")
$errors
OrgId = Annotated[str, Field(pattern=r"^org_[a-z0-9]{6}$$")]


class NoteCreate(RequestModel):
    title: Annotated[str, Field(min_length=1, max_length=100)]


class Note(Model):
    id: Annotated[str, Field(pattern=r"^nte_[a-z0-9]{8}$$")]
    title: str
    created_at: DateTime


class NotePage(Page[Note]):
    pass


class Org(Model):
    id: OrgId
    name: str


# Its own tag: the generated test module's name is unlike the other notes APIs' here, which
# the same process has imported before.
notes = api.resource("/orgs/{org_id}/notes", Note, id_param="note_id", tag="org_notes")
notes.create(NoteCreate)
notes.list(NotePage, order=("created_at", "id"), limit=Limit(max=50))
notes.get()
notes.update(NoteCreate)
notes.delete()
$org_op"""


@pytest.mark.parametrize("typed", [True, False])
def test_resources_under_the_tenant_take_its_parameter(tmp_path: Path, typed: bool) -> None:
    from string import Template

    from tests._taxonomy import STANDARD_ERRORS

    org_op = (
        '\n\n@api.get("/orgs/{org_id}", tags=["org_notes"])\n'
        "def get_org(org_id: OrgId) -> Org: ...\n"
    )
    root = tmp_path / "contracts"
    root.mkdir()
    (root / "__init__.py").write_text("", encoding="utf-8")
    source = Template(_RESOURCE).substitute(errors=STANDARD_ERRORS, org_op=org_op if typed else "")
    (root / "notes.py").write_text(source, encoding="utf-8")
    api = synth.load(root)
    expected = {"type": "string", "pattern": "^org_[a-z0-9]{6}$"} if typed else {"type": "string"}
    for op in api.operations:
        assert op.path_params[0].name == "org_id"
        assert dict(op.path_params[0].schema) == expected
    # The resource's relations are declared ones; the org is nobody's parent.
    graph = Graph(api)
    parents = graph.parents(api.operation("getNote")) or []
    assert [(p.param, p.source) for p in parents] == [("note_id", "declared")]
    if typed:  # and the checks run against a server of that shape, cleanly
        tests = _write_tests(tmp_path, api)
        config = config_from_options(app=app("header", in_path=True), tenants=TENANTS,
                                     tenant_ids=TENANT_IDS, seed=2, profile="quick",
                                     contracts=root, env={})  # fmt: skip
        report = tmp_path / "report.md"
        code = run_suite(config, tests, select="__TEN_", report=report,
                         extra=["-p", "no:randomly"])  # fmt: skip
        text = report.read_text(encoding="utf-8")
        assert code == 0, text
        assert "| TEN-READ | `getNote` | passed |" in text
