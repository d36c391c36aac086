"""Relations real APIs need: items created elsewhere, multi-segment actions, body references.

A lending library's shape: loans are made under a book (``POST /books/{book_id}/loans``) but
read and returned at ``/loans/{loan_id}``; ``POST /members/{member_id}/fines/pay`` acts on the
member; a loan's body names a member (``member_id``) that must exist.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from synth import ApiSpec, ContractError, load
from synth.catalogue import applicable, coverage
from synth.document import build
from synth.emit.tests import emit_tests
from synth.relations import Graph, Parent
from synth.testing._coverage import describe_relations
from tests._taxonomy import STANDARD_ERRORS

HEADER = (
    """\
from typing import Annotated

from pydantic import Field

from synth.contract import Api, Cursor, Model, Page, Ref, RequestModel

api = Api("Library", "1")
"""
    + STANDARD_ERRORS
    + """

BookId = Annotated[str, Field(pattern=r"^bk_[a-z]{8}$")]
MemberId = Annotated[str, Field(pattern=r"^mem_[a-z]{8}$")]
LoanId = Annotated[str, Field(pattern=r"^ln_[a-z]{8}$")]


class Book(Model):
    id: BookId
    title: str


class BookIn(RequestModel):
    title: str


class Member(Model):
    id: MemberId
    name: str


class MemberIn(RequestModel):
    name: str


class Payment(RequestModel):
    cents: int


class Loan(Model):
    id: LoanId
    book_id: BookId
    member_id: MemberId


class LoanPage(Page[Loan]):
    pass


@api.post("/books")
def create_book(body: BookIn) -> Book: ...

@api.get("/books/{book_id}")
def get_book(book_id: BookId) -> Book: ...

@api.get("/books/{book_id}/loans", paginated=Cursor(order=("id",)))
def list_loans(book_id: BookId) -> LoanPage: ...

@api.post("/members")
def create_member(body: MemberIn) -> Member: ...

@api.get("/members/{member_id}")
def get_member(member_id: MemberId) -> Member: ...
"""
)

PLAIN = """
class LoanIn(RequestModel):
    member_id: MemberId

@api.post("/books/{book_id}/loans")
def create_loan(book_id: BookId, body: LoanIn) -> Loan: ...

@api.get("/loans/{loan_id}")
def get_loan(loan_id: LoanId) -> Loan: ...

@api.post("/loans/{loan_id}/return", status=200)
def return_loan(loan_id: LoanId) -> Loan: ...

@api.post("/members/{member_id}/fines/pay", status=200)
def pay_fines(member_id: MemberId, body: Payment) -> Member: ...
"""


def _load(tmp_path: Path, body: str) -> ApiSpec:
    contracts = tmp_path / "contracts"
    contracts.mkdir(parents=True)
    (contracts / "__init__.py").write_text("")
    (contracts / "api.py").write_text(HEADER + textwrap.dedent(body))
    return load(contracts)


def _reasons(api: ApiSpec) -> dict[tuple[str, str], str | None]:
    return {(c.operation.operation_id, c.entry.id): c.reason for c in coverage(api)}


# 1. Items created in one place, addressed at a top-level path


def test_a_post_elsewhere_answering_the_item_creates_items_read_at_a_top_level_path(
    tmp_path: Path,
) -> None:
    api = _load(tmp_path, PLAIN)
    graph = Graph(api)
    create, get, ret = (api.operation(i) for i in ("createLoan", "getLoan", "returnLoan"))
    assert graph.parents(get) == [Parent("loan_id", create, "id", "inferred")]
    assert graph.item_creator(ret) is create
    assert graph.is_action(ret)
    assert graph.reader(create) is get
    assert graph.lister_of(create) is api.operation("listLoans")
    (loans,) = [c for c in api.relations.collections if c.path == "/loans"]
    assert loans.create is create
    assert not loans.id_within_parent
    reasons = _reasons(api)
    for pair in [("getLoan", "TEN-READ"), ("returnLoan", "TEN-WRITE"),
                 ("createLoan", "TEN-ASSIGN"), ("getLoan", "ERR-VALIDATION")]:  # fmt: skip
        assert reasons[pair] is None, (pair, reasons[pair])
    lines = describe_relations(api)
    assert any(
        line.startswith("  /loans: created by createLoan (POST /books/{book_id}/loans) [inferred]")
        for line in lines
    ), lines


def test_created_by_declares_the_creator_and_a_wrong_name_is_refused(tmp_path: Path) -> None:
    declared = PLAIN + (
        '\nloans = api.resource("/loans", Loan, id_param="loan_id", created_by="create_loan")\n'
    )
    api = _load(tmp_path, declared)
    (loans,) = [c for c in api.relations.collections if c.path == "/loans"]
    assert loans.create is api.operation("createLoan")
    assert loans.source_of("create") == "declared"
    with pytest.raises(ContractError) as info:
        _load(tmp_path / "bad", declared.replace('created_by="create_loan"', 'created_by="lend"'))
    assert "created_by='lend' names no operation" in str(info.value)
    assert "create_loan" in str(info.value)  # the fix lists the operations


def test_without_any_creator_the_reason_still_says_to_declare_one(tmp_path: Path) -> None:
    api = _load(
        tmp_path,
        """
        class Fee(Model):
            id: LoanId

        @api.get("/fees/{fee_id}")
        def get_fee(fee_id: LoanId) -> Fee: ...
        """,
    )
    reason = _reasons(api)[("getFee", "TEN-READ")]
    assert reason is not None
    assert "no POST /fees" in reason


# 2. Multi-segment actions


def test_a_post_two_segments_below_an_item_is_an_action_on_it(tmp_path: Path) -> None:
    api = _load(tmp_path, PLAIN)
    graph = Graph(api)
    pay = api.operation("payFines")
    assert graph.is_action(pay)
    assert api.relations.actions["payFines"] == "inferred"
    assert graph.item_creator(pay) is api.operation("createMember")
    assert not any(c.path == "/members/{member_id}/fines/pay" for c in api.relations.collections)
    checks = {inv.id for op, inv in applicable(api) if op is pay}
    assert "TEN-WRITE" in checks
    assert "TEN-CHILD" not in checks


def test_a_post_below_a_path_where_something_else_lives_is_no_action(tmp_path: Path) -> None:
    api = _load(
        tmp_path,
        PLAIN
        + textwrap.dedent(
            """
            class Fine(Model):
                id: int

            @api.get("/members/{member_id}/fines", paginated=Cursor(order=("id",)))
            def list_fines(member_id: MemberId) -> Page[Fine]: ...
            """
        ),
    )
    assert not Graph(api).is_action(api.operation("payFines"))


def test_a_declared_multi_segment_action_gets_a_valid_operation_id(tmp_path: Path) -> None:
    api = _load(
        tmp_path,
        """
        members = api.resource("/members", Member, id_param="member_id")
        members.action("fines/pay", body=Payment, returns=Member, status=200, idempotent=True)
        """,
    )
    pay = api.operation("payMemberFines")
    assert pay.path == "/members/{member_id}/fines/pay"
    assert api.relations.actions["payMemberFines"] == "declared"
    for name, text in emit_tests(api).items():
        compile(text, name, "exec")  # the generated tests are valid Python
    assert "def test_payMemberFines__TEN_WRITE" in "".join(emit_tests(api).values())


# 3. Body fields referencing another collection


def test_a_body_field_named_like_an_id_parameter_references_that_collection(
    tmp_path: Path,
) -> None:
    api = _load(tmp_path, PLAIN)
    (ref,) = Graph(api).references(api.operation("createLoan"))
    assert (ref.field, ref.collection, ref.id_field, ref.source) == (
        "member_id", "/members", "id", "inferred"
    )  # fmt: skip
    assert ref.create is api.operation("createMember")
    lines = describe_relations(api)
    assert any("createLoan body: member_id names an item of /members" in x for x in lines)
    assert any("[inferred]" in x for x in lines if "createLoan body" in x)


def test_a_field_of_another_type_is_no_reference(tmp_path: Path) -> None:
    api = _load(tmp_path, PLAIN.replace("    member_id: MemberId\n", "    member_id: int\n", 1))
    assert Graph(api).references(api.operation("createLoan")) == ()


def test_a_declared_ref_is_in_the_document_and_a_ref_to_nothing_is_refused(
    tmp_path: Path,
) -> None:
    declared = PLAIN.replace(
        "    member_id: MemberId\n", '    borrower: Annotated[MemberId, Ref("/members")]\n', 1
    )
    api = _load(tmp_path, declared)
    (ref,) = Graph(api).references(api.operation("createLoan"))
    assert (ref.field, ref.collection, ref.source) == ("borrower", "/members", "declared")
    assert api.schemas["LoanIn"]["properties"]["borrower"]["x-synth-ref"] == "/members"
    assert '"x-synth-ref": "/members"' in json.dumps(build(api))
    with pytest.raises(ContractError) as info:
        _load(tmp_path / "bad", declared.replace('Ref("/members")', 'Ref("/people")'))
    message = str(info.value)
    assert "LoanIn.borrower is declared Ref('/people')" in message
    assert "/members" in message  # the fix lists the collections


def test_an_id_under_the_tenant_alone_is_said_unique_within_its_tenant(root: Path) -> None:
    """``/orgs/{org_id}/products/{sku}`` with the tenant in the path: no parent item, so the
    relations line does not speak of one; bins under a warehouse have a parent."""
    lines = describe_relations(load(root / "examples" / "warehouse" / "contracts"))
    products = next(x for x in lines if x.startswith("  /orgs/{org_id}/products:"))
    assert products.endswith("{sku} is the item's sku [inferred], unique within its tenant")
    bins = next(
        x for x in lines if x.startswith("  /orgs/{org_id}/warehouses/{warehouse_id}/bins:")
    )
    assert bins.endswith("{bin_id} is the item's id [inferred], unique within its parent")
