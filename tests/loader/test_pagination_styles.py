"""Pagination styles and client-chosen sorts: what the loader builds for each, what it refuses
(located, exit 2, nothing written), and what the document says."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openapi_spec_validator import validate

from synth import ApiSpec, ContractError, load
from synth.cli import main
from synth.document import build

HEADER = """\
from typing import Annotated
from uuid import UUID

from synth.contract import (
    Api, Cursor, DateTime, Filter, Limit, LinkHeader, Model, Offset, Page, PageNumber, PageToken,
    Sort, StartingAfter, Unique,
)

api = Api("T", "1")
VALIDATION = api.error("validation_failed", 422, "Invalid", "Bad input.")
INTERNAL = api.error("internal_error", 500, "Oops", "Server failed.")
UNAUTHENTICATED = api.error("unauthenticated", 401, "Unauthenticated", "Who are you?")
INVALID_CURSOR = api.error("invalid_cursor", 400, "Bad cursor", "Tampered.")


class Thing(Model):
    id: UUID
    name: str
    slug: Annotated[str, Unique()]
    created_at: DateTime


class ThingPage(Page[Thing]):
    pass


class TokenPage(Model):
    items: list[Thing]
    next_page_token: str | None


class StripeList(Model):
    data: list[Thing]
    has_more: bool


class CountedPage(Model):
    items: list[Thing]
    total: int
"""

GOOD = """
SORT = Sort(orders={"name": ("name", "id"), "-created_at": ("-created_at", "slug")}, default="name")

@api.get("/cursor", paginated=Cursor(order=("-created_at", "-id")))
def list_cursor() -> ThingPage: ...

@api.get("/tokens", paginated=PageToken(sort=SORT))
def list_tokens() -> TokenPage: ...

@api.get("/after", paginated=StartingAfter(order=("-created_at", "id")))
def list_after() -> StripeList: ...

@api.get("/links", paginated=LinkHeader(order=("id",), keyset=True))
def list_links() -> list[Thing]: ...

@api.get("/numbered", paginated=LinkHeader(order=("id",)))
def list_numbered() -> list[Thing]: ...

@api.get("/offset", paginated=Offset(order=("name", "id"), total_field="total"))
def list_offset() -> CountedPage: ...

@api.get("/pages", paginated=PageNumber(order=("id",), first_page=0, limit=Limit(10, 1, 50)))
def list_pages(name: Annotated[str | None, Filter("name")] = None) -> ThingPage: ...
"""


def _write(tmp_path: Path, body: str, header: str = HEADER) -> tuple[Path, int]:
    source = header + textwrap.dedent(body)
    marked = [i for i, text in enumerate(source.splitlines(), 1) if "# <-" in text]
    contracts = tmp_path / "contracts"
    contracts.mkdir()
    (contracts / "__init__.py").write_text("")
    (contracts / "things.py").write_text(source)
    return contracts, marked[0] if marked else 0


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> ApiSpec:
    contracts, _ = _write(tmp_path_factory.mktemp("good"), GOOD)
    return load(contracts)


def _paging(spec: ApiSpec, name: str) -> Any:
    op = next(o for o in spec.operations if o.name == name)
    assert op.pagination is not None
    return op, op.pagination


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("list_cursor", ("cursor", "cursor", "limit", "items", True, True)),
        ("list_tokens", ("page_token", "page_token", "page_size", "items", True, True)),
        ("list_after", ("starting_after", "starting_after", "limit", "data", True, False)),
        ("list_links", ("link", "", "per_page", "", True, False)),
        ("list_numbered", ("link", "", "per_page", "", False, False)),
        ("list_offset", ("offset", "offset", "limit", "items", False, False)),
        ("list_pages", ("page", "page", "per_page", "items", False, False)),
    ],
)
def test_each_style_is_loaded_with_its_names_and_guarantees(
    spec: ApiSpec, name: str, expected: tuple[object, ...]
) -> None:
    """(style, position parameter, limit parameter, items field, stable, opaque)."""
    _, p = _paging(spec, name)
    assert (p.style, p.cursor_param, p.limit_param, p.items_field, p.stable, p.opaque) == expected
    assert p.item.__name__ == "Thing"
    assert p.item_schema == "Thing"


def test_style_specific_fields(spec: ApiSpec) -> None:
    assert _paging(spec, "list_cursor")[1].next_field == "next_cursor"
    assert _paging(spec, "list_tokens")[1].next_field == "next_page_token"
    after = _paging(spec, "list_after")[1]
    assert (after.has_more_field, after.before_param, after.next_field) == (
        "has_more", "ending_before", "",
    )  # fmt: skip
    assert _paging(spec, "list_links")[1].link_keyset is True
    assert _paging(spec, "list_offset")[1].total_field == "total"
    assert _paging(spec, "list_pages")[1].first_page == 0


def test_a_sort_gives_the_default_order_and_every_allowed_one(spec: ApiSpec) -> None:
    op, p = _paging(spec, "list_tokens")
    assert p.sort is not None
    assert p.sort.values == ("name", "-created_at")
    assert p.order == p.sort.order("name")
    assert [(k.field, k.descending) for k in p.sort.order("-created_at")] == [
        ("created_at", True), ("slug", False),
    ]  # fmt: skip
    sort = next(q for q in op.params if q.name == "sort")
    assert dict(sort.schema) == {
        "type": "string", "enum": ["name", "-created_at"], "default": "name",
    }  # fmt: skip
    assert "`-created_at`: -created_at, slug" in sort.description


def test_each_style_documents_its_own_query_parameters(spec: ApiSpec) -> None:
    def query(name: str) -> dict[str, dict[str, Any]]:
        op = next(o for o in spec.operations if o.name == name)
        return {q.name: dict(q.schema) for q in op.params if q.location == "query"}

    assert set(query("list_links")) == {"per_page"}
    assert set(query("list_after")) == {"starting_after", "ending_before", "limit"}
    # an empty page_token is the first page (AIP-158); Stripe's ids take the item id's schema
    assert query("list_tokens")["page_token"] == {"type": "string"}
    assert query("list_cursor")["cursor"] == {"type": "string", "minLength": 1}
    assert query("list_after")["starting_after"] == {"type": "string", "format": "uuid"}
    assert query("list_after")["ending_before"] == {"type": "string", "format": "uuid"}
    assert query("list_offset")["offset"] == {"type": "integer", "minimum": 0, "default": 0}
    assert query("list_pages")["page"] == {"type": "integer", "minimum": 0, "default": 0}
    assert query("list_pages")["per_page"]["maximum"] == 50


def test_numbered_styles_do_not_imply_invalid_cursor(spec: ApiSpec) -> None:
    codes = {o.name: o.error_codes for o in spec.operations}
    assert "invalid_cursor" in codes["list_cursor"]
    assert "invalid_cursor" in codes["list_after"]
    for name in ("list_links", "list_offset", "list_pages"):
        assert "invalid_cursor" not in codes[name], name


def test_the_document_carries_each_style_and_validates(spec: ApiSpec) -> None:
    doc = build(spec)
    validate(doc)
    tokens = doc["paths"]["/tokens"]["get"]
    paging = tokens["x-synth-semantics"]["pagination"]
    assert paging["style"] == "page_token"
    assert (paging["cursorParam"], paging["limitParam"], paging["nextField"]) == (
        "page_token", "page_size", "next_page_token",
    )  # fmt: skip
    assert paging["sort"] == {
        "param": "sort", "default": "name",
        "orders": {"name": ["name", "id"], "-created_at": ["-created_at", "slug"]},
    }  # fmt: skip
    links = doc["paths"]["/links"]["get"]
    assert links["x-synth-semantics"]["pagination"]["keyset"] is True
    assert "itemsField" not in links["x-synth-semantics"]["pagination"]
    ok = links["responses"]["200"]
    assert "Link" in ok["headers"]
    schema = doc["components"]["schemas"][ok["content"]["application/json"]["schema"]["$ref"]
                                          .rpartition("/")[2]]  # fmt: skip
    assert schema["type"] == "array"
    assert schema["items"] == {"$ref": "#/components/schemas/Thing"}
    assert "Link" not in doc["paths"]["/cursor"]["get"]["responses"]["200"].get("headers", {})
    after = doc["paths"]["/after"]["get"]["x-synth-semantics"]["pagination"]
    assert (after["hasMoreField"], after["beforeParam"]) == ("has_more", "ending_before")
    assert "has_more" in doc["paths"]["/after"]["get"]["description"]


# name, body (the line marked `# <-` is where the error must point), expected message part
CASES = [
    (
        "page token page without its next field",
        """
        @api.get("/t", paginated=PageToken(order=("id",)))  # <-
        def list_t() -> ThingPage: ...
        """,
        "the page ThingPage has no field 'next_page_token'",
    ),
    (
        "cursor page whose next field is not nullable",
        """
        class Bad(Model):
            items: list[Thing]
            next_cursor: str

        @api.get("/t", paginated=Cursor(order=("id",)))  # <-
        def list_t() -> Bad: ...
        """,
        "Bad.next_cursor is str, but Cursor's next_field is str | None",
    ),
    (
        "starting after without has_more",
        """
        class Bad(Model):
            data: list[Thing]
            has_more: str

        @api.get("/t", paginated=StartingAfter(order=("id",)))  # <-
        def list_t() -> Bad: ...
        """,
        "Bad.has_more is str, but StartingAfter's has_more_field is bool",
    ),
    (
        "starting after on a page without data",
        """
        @api.get("/t", paginated=StartingAfter(order=("id",)))  # <-
        def list_t() -> ThingPage: ...
        """,
        "paginated, but the response ThingPage is not a page",
    ),
    (
        "offset total that is not an integer",
        """
        @api.get("/t", paginated=Offset(order=("id",), total_field="next_cursor"))  # <-
        def list_t() -> ThingPage: ...
        """,
        "ThingPage.next_cursor is str | None, but Offset's total_field is int",
    ),
    (
        "link header list returning a page",
        """
        @api.get("/t", paginated=LinkHeader(order=("id",)))  # <-
        def list_t() -> ThingPage: ...
        """,
        "paginated with LinkHeader, but the response ThingPage is not a list of items",
    ),
    (
        "starting after ending with a field that is not the id",
        """
        @api.get("/t", paginated=StartingAfter(order=("name",)))  # <-
        def list_t() -> StripeList: ...
        """,
        "StartingAfter's order ends with 'name', which is not Thing's id",
    ),
    (
        "order given as a string",
        """
        @api.get("/t", paginated=Offset(order="id"))  # <-
        def list_t() -> ThingPage: ...
        """,
        "the order 'id' is a string, not a tuple of keys",
    ),
    (
        "sort order key naming no field",
        """
        @api.get("/t", paginated=Cursor(sort=Sort(orders={"c": ("colour", "id")}, default="c")))  # <-
        def list_t() -> ThingPage: ...
        """,
        "order key 'colour' names no field of Thing",
    ),
    (
        "sort order without a unique tie-breaker",
        """
        @api.get("/t", paginated=Cursor(sort=Sort(orders={"n": ("name",)}, default="n")))  # <-
        def list_t() -> ThingPage: ...
        """,
        "Sort value 'n' orders by ('name',), whose last key 'name' is not unique per Thing",
    ),
    (
        "sort default not among its orders",
        """
        @api.get("/t", paginated=Cursor(sort=Sort(orders={"n": ("name", "id")}, default="x")))  # <-
        def list_t() -> ThingPage: ...
        """,
        "Sort(default='x') is not one of its orders ('n')",
    ),
    (
        "sort without orders",
        """
        @api.get("/t", paginated=Cursor(order=("id",), sort=Sort()))  # <-
        def list_t() -> ThingPage: ...
        """,
        "Sort(orders={}) allows no order",
    ),
    (
        "order disagreeing with the sort's default",
        """
        SORT = Sort(orders={"n": ("name", "id")}, default="n")

        @api.get("/t", paginated=Cursor(order=("-id",), sort=SORT))  # <-
        def list_t() -> ThingPage: ...
        """,
        "Cursor(order=('-id',)) disagrees with the Sort's default 'n'",
    ),
    (
        "starting after with a sort ending in another key",
        """
        SORT = Sort(orders={"n": ("name", "id"), "s": ("slug",)}, default="n")

        @api.get("/t", paginated=StartingAfter(sort=SORT))  # <-
        def list_t() -> StripeList: ...
        """,
        "StartingAfter's Sort value 's' ends with 'slug', not 'id'",
    ),
    (
        "sort parameter named like another parameter",
        """
        SORT = Sort(param="limit", orders={"n": ("name", "id")}, default="n")

        @api.get("/t", paginated=Cursor(sort=SORT))  # <-
        def list_t() -> ThingPage: ...
        """,
        "two parameters share a name",
    ),
    (
        "negative first page",
        """
        @api.get("/t", paginated=PageNumber(order=("id",), first_page=-1))  # <-
        def list_t() -> ThingPage: ...
        """,
        "PageNumber(first_page=-1) is not a page number",
    ),
    (
        "order key that is not a string",
        """
        @api.get("/t", paginated=Cursor(sort=Sort(orders={"n": (1, "id")}, default="n")))  # <-
        def list_t() -> ThingPage: ...
        """,
        "order key 1 is not a field name",
    ),
    (
        "sort orders that are not a mapping",
        """
        @api.get("/t", paginated=Cursor(order=("id",), sort=Sort(orders=[("n", ("id",))])))  # <-
        def list_t() -> ThingPage: ...
        """,
        "Sort(orders=[('n', ('id',))]) is not a mapping",
    ),
    (
        "limit given as a number",
        """
        @api.get("/t", paginated=PageToken(order=("id",), limit=50))  # <-
        def list_t() -> TokenPage: ...
        """,
        "PageToken(limit=50) is not a Limit",
    ),
    (
        "empty page size parameter name",
        """
        @api.get("/t", paginated=PageToken(order=("id",), size_param=""))  # <-
        def list_t() -> TokenPage: ...
        """,
        "PageToken's page size parameter name is ''",
    ),
    (
        "inconsistent limit on an offset list",
        """
        @api.get("/t", paginated=Offset(order=("id",), limit=Limit(default=500, max=100)))  # <-
        def list_t() -> ThingPage: ...
        """,
        "Limit(min=1, default=500, max=100) is inconsistent",
    ),
]


@pytest.mark.parametrize(("name", "body", "expected"), CASES, ids=[c[0] for c in CASES])
def test_broken_style_is_reported_with_file_and_line(
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
def test_generate_exits_2_and_writes_nothing(
    tmp_path: Path, name: str, body: str, expected: str
) -> None:
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


def test_the_good_contracts_generate(tmp_path: Path) -> None:
    # Link-header lists are left out: the SDK emitters learn their bare-array responses with
    # the SDK iterators.
    good = "\n\n".join(block for block in GOOD.split("\n\n") if "LinkHeader" not in block)
    assert "list_links" not in good
    assert "list_pages" in good
    contracts, _ = _write(tmp_path, good)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["generate", "--contracts", str(contracts), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert (out / "openapi.json").exists()
