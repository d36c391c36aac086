"""Each contract mistake: one tiny broken contract, the message, its file and line, exit 2."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from synth import ContractError, load
from synth.cli import main

HEADER = """\
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from synth.contract import Api, Cursor, ErrorCode, Filter, Model, Page, Path, RequestModel, Unique

api = Api("T", "1")
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


class ThingPage(Page[Thing]):
    pass
"""

# name, body (the line marked `# <-` is where the error must point), expected message part
CASES = [
    (
        "unique field without a declared 409",
        """
        class Named(RequestModel):
            name: Annotated[str, Unique()]

        @api.post("/things", status=201, idempotent=True)  # <-
        def create_thing(body: Named) -> Thing: ...
        """,
        "the body's field(s) name are declared Unique(), but no 409 is declared for a duplicate",
    ),
    (
        "duplicate operation id",
        """
        @api.get("/things/{thing_id}")
        def get_thing(thing_id: UUID) -> Thing: ...

        @api.get("/other/{thing_id}")  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "duplicate operation id 'getThing'",
    ),
    (
        "duplicate method and path",
        """
        @api.get("/things/{thing_id}")
        def get_thing(thing_id: UUID) -> Thing: ...

        @api.get("/things/{other_id}")  # <-
        def fetch_thing(other_id: UUID) -> Thing: ...
        """,
        "duplicate route GET /things/{other_id}",
    ),
    (
        "path parameter without a function parameter",
        """
        @api.get("/things/{thing_id}")  # <-
        def get_thing() -> Thing: ...
        """,
        "has {thing_id} but the operation has no parameter of that name",
    ),
    (
        "function parameter marked Path() absent from the path",
        """
        @api.get("/things")  # <-
        def get_thing(thing_id: Annotated[UUID, Path()]) -> Thing: ...
        """,
        "is marked Path() but '/things' has no {thing_id}",
    ),
    (
        "idempotent on GET",
        """
        @api.route("GET", "/things/{thing_id}", idempotent=True)  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "idempotent=... on GET",
    ),
    (
        "idempotent on GET through api.get",
        """
        @api.get("/things/{thing_id}", idempotent=True)  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "unexpected keyword argument 'idempotent'",
    ),
    (
        "paginated response that is not a page",
        """
        @api.get("/things", paginated=Cursor(order=("-id",)))  # <-
        def list_things() -> Thing: ...
        """,
        "paginated, but the response Thing is not a page",
    ),
    (
        "order key naming a field the item lacks",
        """
        @api.get("/things", paginated=Cursor(order=("-created_at", "-id")))  # <-
        def list_things() -> ThingPage: ...
        """,
        "order key '-created_at' names no field of Thing",
    ),
    (
        "filter naming a field the item lacks",
        """
        @api.get("/things", paginated=Cursor(order=("-id",)))
        def list_things(colour: Annotated[str | None, Filter("colour")] = None) -> ThingPage: ...  # <-
        """,
        "filter 'colour' tests field 'colour', which Thing lacks",
    ),
    (
        "filter with an unknown operator",
        """
        @api.get("/things", paginated=Cursor(order=("-id",)))
        def list_things(
            name: Annotated[str | None, Filter("name", "like")] = None,  # <-
        ) -> ThingPage: ...
        """,
        "filter 'name' names an unknown operator 'like'",
    ),
    (
        "filter path through a field that is not a nested model",
        """
        @api.get("/things", paginated=Cursor(order=("-id",)))
        def list_things(
            city: Annotated[str | None, Filter("name.city")] = None,  # <-
        ) -> ThingPage: ...
        """,
        "name is not a nested model, so it has no field 'city'",
    ),
    (
        "filter path naming a nested field the model lacks",
        """
        class Address(BaseModel):
            city: str

        class Site(Model):
            id: UUID
            address: Address | None

        class SitePage(Page[Site]):
            pass

        @api.get("/sites", paginated=Cursor(order=("-id",)))
        def list_sites(
            town: Annotated[str | None, Filter("address.town")] = None,  # <-
        ) -> SitePage: ...
        """,
        "filter 'town' tests field 'address.town', which Address lacks",
    ),
    (
        "range operator on a text field",
        """
        @api.get("/things", paginated=Cursor(order=("-id",)))
        def list_things(
            name_from: Annotated[str | None, Filter("name", "gte")] = None,  # <-
        ) -> ThingPage: ...
        """,
        "filter 'name_from' uses 'gte' on Thing.name, which holds str",
    ),
    (
        "explode on an operator other than in",
        """
        @api.get("/things", paginated=Cursor(order=("-id",)))
        def list_things(
            name: Annotated[list[str] | None, Filter("name", "eq", explode=True)] = None,  # <-
        ) -> ThingPage: ...
        """,
        "explode=True on 'eq' ('name'); only 'in' takes several values",
    ),
    (
        "in with explode on a parameter that is not a list",
        """
        @api.get("/things", paginated=Cursor(order=("-id",)))
        def list_things(
            names: Annotated[str | None, Filter("name", "in", explode=True)] = None,  # <-
        ) -> ThingPage: ...
        """,
        "explode=True takes the repeated parameter, but 'names' is annotated str | None, not a list",
    ),
    (
        "in without explode on a list parameter",
        """
        @api.get("/things", paginated=Cursor(order=("-id",)))
        def list_things(
            names: Annotated[list[str] | None, Filter("name", "in")] = None,  # <-
        ) -> ThingPage: ...
        """,
        "'in' takes a comma-separated list in one parameter",
    ),
    (
        "error code not in the taxonomy",
        """
        GONE = ErrorCode("gone", 410, "Gone", "Deleted.")

        @api.get("/things/{thing_id}", errors=[GONE])  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "error code 'gone' is not in the taxonomy",
    ),
    (
        "one code declared with two statuses",
        """
        AGAIN = api.error("not_found", 410, "Gone", "Deleted.")  # <-
        """,
        "error code 'not_found' is declared with two statuses",
    ),
    (
        "semantics implying a code the taxonomy lacks",
        """
        @api.post("/things", idempotent=True, errors=[])  # <-
        def create_thing(body: Thing) -> Thing: ...
        """,
        None,  # replaced below: the header declares every implied code; see the next test
    ),
    (
        "a required If-Match without a 428 in the taxonomy",
        """
        from synth.contract import Conditional

        STALE = api.error("precondition_failed", 412, "Stale", "Read it again.")

        @api.put("/things/{thing_id}", cacheable=Conditional.REQUIRED)  # <-
        def replace_thing(thing_id: UUID, body: Thing) -> Thing: ...
        """,
        "replace_thing: cacheable=Conditional.REQUIRED (If-Match required) implies error code "
        "'precondition_required', which the taxonomy lacks",
    ),
    (
        "a type that has no JSON Schema",
        """
        class Opaque:
            pass

        class Holder(BaseModel):  # <-
            model_config = ConfigDict(arbitrary_types_allowed=True)
            thing: Opaque

        @api.get("/holders/{holder_id}")
        def get_holder(holder_id: UUID) -> Holder: ...
        """,
        "field Holder.thing of type Opaque",
    ),
    (
        "a module that fails to import",
        """
        x = 1
        y = undefined_name + x  # <-
        """,
        "NameError: name 'undefined_name' is not defined",
    ),
    (
        "a syntax error",
        """
        def broken(:  # <-
            pass
        """,
        "syntax error",
    ),
    (
        "a pattern with no ECMA-262 equivalent",
        """
        from typing import Annotated
        from pydantic import StringConstraints

        class Coded(Model):  # <-
            code: Annotated[str, StringConstraints(pattern=r"^[a-z&&[^aeiou]]+$")]

        @api.get("/coded/{coded_id}")
        def get_coded(coded_id: UUID) -> Coded: ...
        """,
        "Coded.code: pattern",
    ),
    (
        "a pattern no OpenAPI tool can carry",
        """
        from typing import Annotated
        from pydantic import StringConstraints

        class Lettered(Model):  # <-
            word: Annotated[str, StringConstraints(pattern=r"^\\p{L}+$")]

        @api.get("/lettered/{lettered_id}")
        def get_lettered(lettered_id: UUID) -> Lettered: ...
        """,
        "has no form that OpenAPI tools accept",
    ),
    (
        "a body that is not a model",
        """
        @api.post("/things")  # <-
        def create_thing(body: int) -> Thing: ...
        """,
        "the body parameter 'body' is int, not a Pydantic model",
    ),
    (
        "a declared id field the item does not have",
        """
        things = api.resource("/things", Thing, id_param="thing_id", id_field="number")  # <-
        things.get()
        """,
        "id_field='number' is not a field of Thing",
    ),
]
CASES = [c for c in CASES if c[2] is not None]


def _write(tmp_path: Path, body: str, header: str = HEADER) -> tuple[Path, int]:
    source = header + textwrap.dedent(body)
    line = next(i for i, text in enumerate(source.splitlines(), 1) if "# <-" in text)
    contracts = tmp_path / "contracts"
    contracts.mkdir()
    (contracts / "__init__.py").write_text("")
    (contracts / "things.py").write_text(source)
    return contracts, line


@pytest.mark.parametrize(("name", "body", "expected"), CASES, ids=[c[0] for c in CASES])
def test_broken_contract_is_reported_with_file_and_line(
    tmp_path: Path, name: str, body: str, expected: str
) -> None:
    contracts, line = _write(tmp_path, body)
    with pytest.raises(ContractError) as info:
        load(contracts)
    text = str(info.value)
    assert expected in text
    assert f"things.py:{line}:" in text
    assert "fix:" in text


@pytest.mark.parametrize(("name", "body", "expected"), CASES, ids=[c[0] for c in CASES])
def test_cli_exits_2_without_traceback(tmp_path: Path, name: str, body: str, expected: str) -> None:
    contracts, _ = _write(tmp_path, body)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["generate", "--contracts", str(contracts), "--out", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert result.output.startswith("ContractError: ")
    assert "Traceback" not in result.output
    assert expected in result.output
    assert not out.exists(), "a failed load must write nothing"


def test_implied_code_missing_from_taxonomy(tmp_path: Path) -> None:
    header = HEADER.replace(
        'KEY_IN_USE = api.error("idempotency_key_in_use", 409, "In use", "Retry later.")\n', ""
    )
    contracts, line = _write(
        tmp_path,
        """
        @api.post("/things", idempotent=True)  # <-
        def create_thing(body: Thing) -> Thing: ...
        """,
        header,
    )
    with pytest.raises(ContractError) as info:
        load(contracts)
    assert f"things.py:{line}: create_thing: idempotent=... implies error code " in str(info.value)
    assert "'idempotency_key_in_use', which the taxonomy lacks" in str(info.value)
    # The fix spells the declaration out, with the code's conventional status.
    assert "api.error('idempotency_key_in_use', 409, 'Idempotency key in use'" in str(info.value)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    contracts, _ = _write(
        tmp_path,
        """
        @api.get("/a", paginated=Cursor(order=("-nope",)))  # <-
        def list_a() -> Thing: ...

        @api.route("GET", "/b/{b_id}", idempotent=True)
        def get_b() -> Thing: ...
        """,
    )
    with pytest.raises(ContractError) as info:
        load(contracts)
    assert len(info.value.problems) == 3
    assert str(info.value).startswith("3 contract errors:")


def test_missing_contracts_directory(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["generate", "--contracts", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_no_api_object(tmp_path: Path) -> None:
    (tmp_path / "empty.py").write_text("X = 1\n")
    with pytest.raises(ContractError, match=r"no `Api\(...\)` object"):
        load(tmp_path)


def test_request_model_accepting_undocumented_names(tmp_path: Path) -> None:
    contracts, line = _write(
        tmp_path,
        """
        from pydantic import Field

        class Aliased(BaseModel):  # <-
            model_config = ConfigDict(populate_by_name=True)
            class_: str = Field(alias="class")

        @api.post("/aliased")
        def create_aliased(body: Aliased) -> Thing: ...
        """,
    )
    with pytest.raises(ContractError) as info:
        load(contracts)
    assert f"things.py:{line}: Aliased accepts 'class_' as well as its alias 'class'" in str(
        info.value
    )
