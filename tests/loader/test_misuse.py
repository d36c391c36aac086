"""Every misuse of the contract language, as a new user would write it: one row each.

Each row is a small contract with one mistake. ``synth generate`` must refuse it with exit 2,
a message naming the contract file and the line of the mistake (marked ``# <-``), the
offending name and a fix, no traceback, and nothing written: an output folder holding an
earlier good generation is left byte for byte as it was. The mistakes already tabled in
tests/test_loader_errors.py and tests/reliability/test_broken_input.py are not repeated.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner

from synth.cli import main

# ``{api}`` is the Api's arguments; a row that gets them wrong marks that line.
HEADER = """\
from dataclasses import dataclass
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel

from synth.contract import (
    Api, ApiKey, Conditional, Cursor, ErrorCode, Filter, Header, Idempotency, Limit, Model, Page,
    Query, RequestModel, Sort, Unique,
)

api = Api({api})
NOT_FOUND = api.error("not_found", 404, "Not found", "No such thing.")
UNAUTHENTICATED = api.error("unauthenticated", 401, "Unauthenticated", "Who are you?")
VALIDATION = api.error("validation_failed", 422, "Invalid", "Bad input.")
INVALID_REQUEST = api.error("invalid_request", 400, "Bad JSON", "Unparseable.")
INTERNAL = api.error("internal_error", 500, "Oops", "Server failed.")
KEY_MISSING = api.error("idempotency_key_missing", 400, "No key", "Send one.")
KEY_REUSED = api.error("idempotency_key_reused", 422, "Reused", "Other body.")
KEY_IN_USE = api.error("idempotency_key_in_use", 409, "In use", "Retry later.")
INVALID_CURSOR = api.error("invalid_cursor", 400, "Bad cursor", "Tampered.")


class Thing(Model):
    id: UUID
    name: str


class NewThing(RequestModel):
    name: str


class ThingPage(Page[Thing]):
    pass


@api.get("/widgets/{widget_id}")
def get_widget(widget_id: UUID) -> Thing: ...
"""
GOOD_API = '"T", "1"'


class Case(NamedTuple):
    id: str
    body: str  # the line marked `# <-` is where the message must point
    expected: str  # a part of the message, naming what is wrong
    api: str = GOOD_API  # the Api's arguments; a row that changes them marks the Api line


CASES = [
    # errors=
    Case(
        "errors-given-as-a-code-string",
        """
        @api.get("/things/{thing_id}", errors=["not_found"])  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "errors=[..., 'not_found', ...] names the error by its code, a string",
    ),
    Case(
        "default-outside-its-literal",
        """
        from typing import Literal


        class Item(RequestModel):
            unit: Literal["g", "ml"] = "kg"  # <-


        @api.post("/items")
        def create_item(body: Item) -> Thing: ...
        """,
        "Item.unit: the default 'kg' is not a value the field takes",
    ),
    Case(
        "default-outside-its-constraint-in-a-response",
        """
        from pydantic import Field


        class Counted(Model):
            id: UUID
            copies: Annotated[int, Field(ge=1)] = 0  # <-


        @api.get("/counted/{counted_id}")
        def get_counted(counted_id: UUID) -> Counted: ...
        """,
        "Counted.copies: the default 0 is not a value the field takes",
    ),
    Case(
        "errors-given-one-error-not-a-list",
        """
        @api.get("/things/{thing_id}", errors=NOT_FOUND)  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "errors= takes a list, but was given the one error 'not_found'",
    ),
    Case(
        "cursor-order-ending-with-a-key-that-ties",
        """
        from synth.contract import DateTime


        class Dated(Model):
            id: UUID
            created_at: DateTime


        class DatedPage(Page[Dated]):
            pass


        @api.get("/dated", paginated=Cursor(order=("-created_at",)))  # <-
        def list_dated() -> DatedPage: ...
        """,
        "list_dated: the order ('-created_at',) ends with 'created_at', which is not unique",
    ),
    Case(
        "errors-holding-none",
        """
        @api.get("/things/{thing_id}", errors=[NOT_FOUND, None])  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "errors=[...] holds None, which is not a declared error",
    ),
    Case(
        "optional-key-declaring-key-missing",
        """
        @api.post("/things", idempotent=Idempotency.OPTIONAL, errors=[KEY_MISSING])  # <-
        def create_thing(body: NewThing) -> Thing: ...
        """,
        "create_thing: errors=[...] lists 'idempotency_key_missing', but the operation's "
        "Idempotency-Key is optional",
    ),
    # the decorators' options, each of the wrong type
    Case(
        "status-as-a-string",
        """
        @api.post("/things", status="201")  # <-
        def create_thing(body: NewThing) -> Thing: ...
        """,
        "api.post(...): status='201' is the str '201', not an HTTP status number",
    ),
    Case(
        "status-as-true",
        """
        @api.get("/things/{thing_id}", status=True)  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "api.get(...): status=True is the bool True, not an HTTP status number",
    ),
    Case(
        "idempotent-as-a-string",
        """
        @api.post("/things", idempotent="yes")  # <-
        def create_thing(body: NewThing) -> Thing: ...
        """,
        "idempotent='yes' is the str 'yes', not True, False or an Idempotency",
    ),
    Case(
        "cacheable-as-a-string",
        """
        @api.get("/things/{thing_id}", cacheable="etag")  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "cacheable='etag' is the str 'etag', not True, False or a Conditional",
    ),
    Case(
        "conditional-on-a-get",
        """
        @api.route("GET", "/things/{thing_id}", cacheable=Conditional.REQUIRED)  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "get_thing: cacheable=Conditional.REQUIRED on GET",
    ),
    Case(
        "tenant-scoped-as-a-string",
        """
        @api.get("/things/{thing_id}", tenant_scoped="no")  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "tenant_scoped='no' is the str 'no', not True or False or None",
    ),
    Case(
        "tags-as-one-string",
        """
        @api.get("/things/{thing_id}", tags="things")  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "tags='things' is one string, not a list of them",
    ),
    Case(
        "summary-as-a-number",
        """
        @api.get("/things/{thing_id}", summary=42)  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "summary=42 is the int 42, not a string or None",
    ),
    Case(
        "deprecated-as-a-string",
        """
        @api.delete("/things/{thing_id}", deprecated="since v2")  # <-
        def delete_thing(thing_id: UUID) -> None: ...
        """,
        "deprecated='since v2' is the str 'since v2', not True or False",
    ),
    Case(
        "misspelt-option-on-get",
        """
        @api.get("/things/{thing_id}", erors=[NOT_FOUND])  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "'erors' is not an option of api.get; its options: api.get(path, *, status=200, errors=(),",
    ),
    Case(
        "unknown-option-on-put",
        """
        @api.put("/things/{thing_id}", replace=True)  # <-
        def put_thing(thing_id: UUID, body: NewThing) -> Thing: ...
        """,
        "'replace' is not an option of api.put; its options: api.put(path, *, upsert=False,",
    ),
    Case(
        "route-method-in-lower-case",
        """
        @api.route("get", "/things/{thing_id}")  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "api.route(...): method 'get' is not one synth declares (GET, POST, PUT, PATCH, DELETE)",
    ),
    Case(
        "route-method-unknown",
        """
        @api.route("FETCH", "/things/{thing_id}")  # <-
        def fetch_thing(thing_id: UUID) -> Thing: ...
        """,
        "api.route(...): method 'FETCH' is not one synth declares",
    ),
    # the decorator itself
    Case(
        "decorator-without-its-path",
        """
        @api.get  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "api.get(...): used on the function get_thing without its path",
    ),
    Case(
        "decorator-on-a-class",
        """
        @api.get("/things/{thing_id}")  # <-
        class GetThing(Model):
            thing_id: UUID
        """,
        "api.get(...): decorates the class GetThing, which is not a function definition",
    ),
    Case(
        "decorator-on-a-lambda",
        """
        get_thing = api.get("/things/{thing_id}")(lambda thing_id: None)  # <-
        """,
        "api.get(...): decorates a lambda, which is not a function definition",
    ),
    # paths and signatures
    Case(
        "path-without-a-leading-slash",
        """
        @api.get("things/{thing_id}")  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "get_thing: path 'things/{thing_id}' does not start with '/'",
    ),
    Case(
        "path-with-a-query-string",
        """
        @api.get("/things?expand=owner")  # <-
        def list_all_things() -> Thing: ...
        """,
        "list_all_things: path '/things?expand=owner' holds a query string",
    ),
    Case(
        "path-naming-a-parameter-twice",
        """
        @api.get("/things/{thing_id}/parts/{thing_id}")  # <-
        def get_part(thing_id: UUID) -> Thing: ...
        """,
        "get_part: path '/things/{thing_id}/parts/{thing_id}' names {thing_id} twice",
    ),
    Case(
        "body-on-a-get",
        """
        @api.get("/things/{thing_id}")  # <-
        def get_thing(thing_id: UUID, body: NewThing) -> Thing: ...
        """,
        "get_thing: GET with a request body (NewThing)",
    ),
    Case(
        "header-name-with-a-space",
        """
        @api.get("/things/{thing_id}")  # <-
        def get_thing(
            thing_id: UUID, trace: Annotated[str | None, Header("X Trace")] = None
        ) -> Thing: ...
        """,
        "get_thing: parameter 'trace': Header('X Trace') is not a header name HTTP can carry",
    ),
    Case(
        "header-name-as-a-number",
        """
        @api.get("/things/{thing_id}")  # <-
        def get_thing(thing_id: UUID, trace: Annotated[str | None, Header(7)] = None) -> Thing: ...
        """,
        "get_thing: parameter 'trace': Header(7) is not a header name HTTP can carry",
    ),
    Case(
        "query-alias-as-a-number",
        """
        @api.get("/things/{thing_id}")  # <-
        def get_thing(
            thing_id: UUID, view: Annotated[str | None, Query(alias=2)] = None
        ) -> Thing: ...
        """,
        "get_thing: parameter 'view': Query(alias=2) is not a parameter name",
    ),
    Case(
        "model-as-a-query-parameter",
        """
        @api.get("/things/{thing_id}")  # <-
        def get_thing(thing_id: UUID, like: NewThing | None = None) -> Thing: ...
        """,
        "get_thing: the query parameter 'like' is NewThing, which a query parameter cannot carry",
    ),
    Case(
        "model-as-a-path-parameter",
        """
        @api.get("/things/{thing_id}")  # <-
        def get_thing(thing_id: NewThing) -> Thing: ...
        """,
        "get_thing: the path parameter 'thing_id' is NewThing, which a path parameter cannot carry",
    ),
    Case(
        "list-as-a-path-parameter",
        """
        @api.get("/things/{thing_ids}")  # <-
        def get_things(thing_ids: list[int]) -> Thing: ...
        """,
        "get_things: the path parameter 'thing_ids' is list[int], which a path parameter "
        "cannot carry",
    ),
    # pagination: the style, its order and its Limit
    Case(
        "paginated-given-the-class",
        """
        @api.get("/things", paginated=Cursor)  # <-
        def list_things() -> ThingPage: ...
        """,
        "list_things: paginated=Cursor is the class, not a pagination style",
    ),
    Case(
        "misspelt-option-of-cursor",
        """
        @api.get("/things", paginated=Cursor(ordr=("-id",)))  # <-
        def list_things() -> ThingPage: ...
        """,
        "'ordr' is not an option of Cursor; its options: Cursor(order=(), limit=...,",
    ),
    Case(
        "order-that-is-a-number",
        """
        @api.get("/things", paginated=Cursor(order=5))  # <-
        def list_things() -> ThingPage: ...
        """,
        "list_things: the order 5 is not a tuple of keys",
    ),
    Case(
        "limit-sizes-as-strings",
        """
        @api.get("/things", paginated=Cursor(order=("-id",), limit=Limit(default="20")))  # <-
        def list_things() -> ThingPage: ...
        """,
        "list_things: Limit(min=1, default='20', max=100) holds something other than whole numbers",
    ),
    Case(
        "limit-out-of-range-unknown",
        """
        @api.get("/things", paginated=Cursor(("id",), Limit(out_of_range="ignore")))  # <-
        def list_things() -> ThingPage: ...
        """,
        "list_things: Limit(out_of_range='ignore') is neither 'reject' nor 'clamp'",
    ),
    # filters
    Case(
        "filter-naming-no-field",
        """
        @api.get("/things", paginated=Cursor(order=("-id",)))
        def list_things(
            name: Annotated[str | None, Filter(3)] = None,  # <-
        ) -> ThingPage: ...
        """,
        "list_things: filter 'name': Filter(3) does not name a field",
    ),
    Case(
        "filter-explode-as-a-string",
        """
        @api.get("/things", paginated=Cursor(order=("-id",)))
        def list_things(
            names: Annotated[list[str] | None, Filter("name", "in", explode="yes")] = None,  # <-
        ) -> ThingPage: ...
        """,
        "list_things: filter 'names': Filter(explode='yes') is not True or False",
    ),
    Case(
        "filter-on-an-operation-that-is-not-a-list",
        """
        @api.get("/things/{thing_id}")
        def get_thing(
            thing_id: UUID,
            name: Annotated[str | None, Filter("name")] = None,  # <-
        ) -> Thing: ...
        """,
        "get_thing: parameter 'name' is a Filter, but the operation is not a paginated list",
    ),
    # models
    Case(
        "two-models-of-one-name",
        """
        def _legacy() -> type[Model]:
            class Thing(Model):  # <-
                legacy_id: int
            return Thing

        LegacyThing = _legacy()

        @api.get("/legacy/{legacy_id}")
        def get_legacy(legacy_id: int) -> LegacyThing: ...
        """,
        "two different models are named Thing",
    ),
    Case(
        "unique-given-an-argument",
        """
        class Named(RequestModel):
            name: Annotated[str, Unique("per tenant")]  # <-
        """,
        "takes 1 positional argument but 2 were given\n"
        "    fix: call it as its signature says: Unique(*, across_tenants=False)",
    ),
    # the error taxonomy
    Case(
        "error-status-as-a-string",
        """
        GONE = api.error("gone", "410", "Gone", "Deleted.")  # <-
        """,
        "api.error('gone', ...): status='410' is the str '410', not an HTTP status number",
    ),
    Case(
        "error-code-not-a-string",
        """
        GONE = api.error(410, 410, "Gone", "Deleted.")  # <-
        """,
        "api.error(410, ...): code=410 is the int 410, not a string",
    ),
    Case(
        "error-retryable-as-a-string",
        """
        BUSY = api.error("busy", 503, "Busy", "Later.", retryable="yes")  # <-
        """,
        "api.error('busy', ...): retryable='yes' is the str 'yes', not True or False",
    ),
    Case(
        "error-without-title-and-description",
        """
        GONE = api.error("gone", 410)  # <-
        """,
        "api.error(code, status, title, description, *, retryable=False)",
    ),
    # the Api itself
    Case(
        "api-title-not-a-string", "", "Api(...): title=3 is the int 3, not a string", api='3, "1"'
    ),
    Case(
        "api-auth-as-a-string",
        "",
        "Api(...): auth='bearer' is the str 'bearer', not Bearer()",
        api='"T", "1", auth="bearer"',
    ),
    Case(
        "api-servers-as-one-string",
        "",
        "servers='https://api.example.com' is one string",
        api='"T", "1", servers="https://api.example.com"',
    ),
    Case(
        "api-tags-as-a-list",
        "",
        "Api(...): tags=['things'] is the list ['things']",
        api='"T", "1", tags=["things"]',
    ),
    Case(
        "api-contact-as-a-string",
        "",
        "Api(...): contact='team@example.com' is the str",
        api='"T", "1", contact="team@example.com"',
    ),
    Case(
        "api-key-header-as-a-number",
        "",
        "ApiKey(header=...): 3 is not a valid header name",
        api='"T", "1", auth=ApiKey(header=3)',
    ),
    Case(
        "api-base-path-without-a-slash",
        "",
        "base_path='v1' must start with '/'",
        api='"T", "1", base_path="v1"',
    ),
    Case(
        "api-misspelt-option",
        "",
        "'basepath' is not an option of Api; its options: Api(title, version, *, base_path=''",
        api='"T", "1", basepath="/v1"',
    ),
    # api.resource and its helpers
    Case(
        "resource-item-not-a-model",
        """
        things = api.resource("/things", dict, id_param="thing_id")  # <-
        things.get()
        """,
        "api.resource(...): item=<class 'dict'> is the class dict, not a Pydantic model",
    ),
    Case(
        "resource-filter-given-as-a-string",
        """
        things = api.resource("/things", Thing, id_param="thing_id")
        things.list(ThingPage, order=("-id",), filters={"name": "name"})  # <-
        """,
        "api.resource('/things').list(...): filters={'name': ...} maps the str 'name' to the "
        "str 'name'",
    ),
    Case(
        "resource-create-with-a-dict-body",
        """
        things = api.resource("/things", Thing, id_param="thing_id")
        things.create(dict)  # <-
        """,
        "create_thing: the body dict is not a Pydantic model",
    ),
    Case(
        "resource-action-name-not-a-string",
        """
        things = api.resource("/things", Thing, id_param="thing_id")
        things.action(3)  # <-
        """,
        "api.resource('/things').action(...): name=3 is the int 3, not a string",
    ),
]


def _contract(case: Case) -> tuple[str, int]:
    """The contract's source and the line its mistake is on."""
    source = HEADER.replace("{api}", case.api) + textwrap.dedent(case.body)
    lines = source.splitlines()
    if case.api != GOOD_API:
        line = next(i for i, text in enumerate(lines, 1) if text.startswith("api = Api("))
    else:
        line = next(i for i, text in enumerate(lines, 1) if "# <-" in text)
    return source, line


def _generate(contracts: Path, out: Path) -> tuple[int, str, BaseException | None]:
    result = CliRunner().invoke(
        main, ["generate", "--contracts", str(contracts), "--out", str(out)]
    )
    return result.exit_code, result.output, result.exception


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture(scope="module")
def earlier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An output folder holding a good generation, as a project has before its mistake."""
    root = tmp_path_factory.mktemp("good")
    (root / "contracts").mkdir()
    (root / "contracts" / "things.py").write_text(HEADER.replace("{api}", GOOD_API))
    code, output, _ = _generate(root / "contracts", root / "out")
    assert code == 0, output
    return root / "out"


def test_the_table_has_a_row_per_mistake() -> None:
    assert len(CASES) >= 25
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_misuse_is_refused_where_it_was_written(
    tmp_path: Path, earlier: Path, case: Case
) -> None:
    source, line = _contract(case)
    contracts = tmp_path / "contracts"
    contracts.mkdir()
    (contracts / "things.py").write_text(source)
    out = tmp_path / "out"
    shutil.copytree(earlier, out)
    before = _snapshot(out)

    code, output, exception = _generate(contracts, out)

    assert code == 2, output
    assert isinstance(exception, SystemExit), exception  # not a crash
    assert "Traceback" not in output
    assert output.startswith("ContractError: "), output
    assert case.expected in output, output
    assert f"things.py:{line}: " in output, output
    assert "fix: " in output
    assert _snapshot(out) == before, "a refused contract writes nothing"


def test_an_error_named_by_its_code_is_the_one_mistake_reported(
    tmp_path: Path, earlier: Path
) -> None:
    """The header of the 429 it names follows from the refused code string: not a second
    mistake (the error is declared, and the header's status is the operation's)."""
    case = Case(
        "errors-code-string-with-its-header",
        """
        from synth.contract import ResponseHeader

        RATE_LIMITED = api.error("rate_limited", 429, "Slow down", "Too many.")


        @api.get(
            "/things/{thing_id}",
            errors=[NOT_FOUND, "rate_limited"],  # <-
            headers=[ResponseHeader("Retry-After", int, status=429)],
        )
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "errors=[..., 'rate_limited', ...] names the error by its code, a string",
    )
    source, _ = _contract(case)
    contracts = tmp_path / "contracts"
    contracts.mkdir()
    (contracts / "things.py").write_text(source)
    code, output, _ = _generate(contracts, tmp_path / "out")
    assert code == 2, output
    assert case.expected in output, output
    assert output.startswith("ContractError: 1 contract error:"), output
    assert "429" not in output, output


def test_the_good_contract_of_the_table_generates(earlier: Path) -> None:
    assert (earlier / "openapi.json").is_file()
