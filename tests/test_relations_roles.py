"""Creators other than POST and actions on an item: declared or inferred, and said which.

``@api.put(item, upsert=True)`` and ``Resource.upsert`` create a collection's items with an id
the client chooses; ``Resource.action`` and a plain ``@api.post("/things/{id}/verb")`` act on
one item. The loader refuses an upsert that is not a PUT on an item path.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from synth import ApiSpec, ContractError, load
from synth.catalogue import applicable, coverage
from synth.relations import Graph, Parent
from synth.testing.cli import test_command as command
from tests._generated import write_tests
from tests._taxonomy import STANDARD_ERRORS
from tests.testing.vault import write_contracts

HEADER = (
    """\
from typing import Annotated

from pydantic import Field

from synth.contract import Api, Cursor, Model, Page, RequestModel

api = Api("T", "1")
"""
    + STANDARD_ERRORS
    + """

Slug = Annotated[str, Field(pattern=r"^[a-z]{3,12}$")]


class Doc(Model):
    slug: Slug
    title: str


class DocIn(RequestModel):
    title: str


class DocPage(Page[Doc]):
    pass
"""
)

# Plain decorators only: the upsert and the actions are inferred from their shapes.
PLAIN = """
@api.put("/docs/{slug}", upsert=True)
def put_doc(slug: Slug, body: DocIn) -> Doc: ...

@api.get("/docs", paginated=Cursor(order=("slug",)))
def list_docs() -> DocPage: ...

@api.get("/docs/{slug}")
def get_doc(slug: Slug) -> Doc: ...

@api.post("/docs/{slug}/publish", status=200)
def publish_doc(slug: Slug) -> Doc: ...

class Comment(Model):
    id: int
    text: str

class CommentIn(RequestModel):
    text: str

@api.post("/docs/{slug}/comments")
def create_comment(slug: Slug, body: CommentIn) -> Comment: ...

@api.get("/docs/{slug}/comments/{comment_id}")
def get_comment(slug: Slug, comment_id: int) -> Comment: ...
"""


def _load(tmp_path: Path, body: str) -> ApiSpec:
    contracts = tmp_path / "contracts"
    contracts.mkdir()
    (contracts / "__init__.py").write_text("")
    (contracts / "api.py").write_text(HEADER + textwrap.dedent(body))
    return load(contracts)


def test_a_plain_upsert_creates_the_collections_items(tmp_path: Path) -> None:
    api = _load(tmp_path, PLAIN)
    graph = Graph(api)
    put, lister, get = (api.operation(i) for i in ("putDoc", "listDocs", "getDoc"))
    assert put.upsert
    (docs,) = [c for c in api.relations.collections if c.path == "/docs"]
    assert docs.create is put
    assert docs.upsert is put
    assert docs.source_of("upsert") == "inferred"
    assert graph.creator_of_items(lister) is put
    assert graph.lister_of(put) is lister
    assert graph.reader(put) is get
    assert graph.parents(get) == [Parent("slug", put, "slug", "inferred")]
    pairs = {(op.operation_id, e.id) for op, e in applicable(api)}
    assert {("listDocs", "PAGE-COMPLETE"), ("listDocs", "TEN-LIST"), ("getDoc", "TEN-READ"),
            ("putDoc", "TEN-WRITE")} <= pairs  # fmt: skip


def test_a_post_on_an_item_is_an_action_unless_a_collection_lives_there(tmp_path: Path) -> None:
    api = _load(tmp_path, PLAIN)
    graph = Graph(api)
    publish, comment = api.operation("publishDoc"), api.operation("createComment")
    assert graph.is_action(publish)
    assert dict(api.relations.actions) == {"publishDoc": "inferred"}
    # ``/docs/{slug}/comments`` has an item below it: a child collection, not an action.
    assert not graph.is_action(comment)
    assert graph.is_child_collection(comment)
    assert graph.item_creator(publish) is api.operation("putDoc")
    (docs,) = [c for c in api.relations.collections if c.path == "/docs"]
    assert docs.actions == (publish,)
    assert docs.action_source(publish) == "inferred"
    found = {(c.operation.operation_id, c.entry.id): c.reason for c in coverage(api)}
    assert found[("publishDoc", "TEN-WRITE")] is None
    assert ("publishDoc", "TEN-CHILD") not in found
    assert found[("createComment", "TEN-CHILD")] is None


def test_declared_upsert_and_action_are_recorded_as_declared(tmp_path: Path) -> None:
    api = load(write_contracts(tmp_path))
    (accounts,) = api.relations.collections
    assert accounts.declared_roles == {"upsert", "list", "read"}
    assert accounts.create is accounts.upsert is api.operation("putAccount")
    deposit, freeze = api.operation("depositAccount"), api.operation("freezeAccount")
    assert accounts.actions == (deposit, freeze)
    assert accounts.action_source(deposit) == "declared"
    assert accounts.action_source(freeze) == "inferred"
    assert deposit.path == "/accounts/{account_id}/deposit"
    assert deposit.idempotency is not None
    assert deposit.response is not None
    assert deposit.response.__name__ == "Account"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('@api.route("POST", "/docs", upsert=True)\ndef make_doc(body: DocIn) -> Doc: ...\n',
         "make_doc: upsert=True on POST"),
        ('@api.put("/docs", upsert=True)\ndef put_docs(body: DocIn) -> Doc: ...\n',
         "put_docs: upsert=True on /docs, which names no item"),
        ('@api.put("/docs/{slug}", upsert=True, status=201)\n'
         "def put_doc(slug: Slug, body: DocIn) -> Doc: ...\n",
         "put_doc: upsert=True with status=201"),
    ],
)  # fmt: skip
def test_an_upsert_that_is_not_a_put_on_an_item_is_refused(
    tmp_path: Path, body: str, message: str
) -> None:
    with pytest.raises(ContractError) as info:
        _load(tmp_path, body)
    assert message in str(info.value)


def test_dry_run_says_which_relations_are_declared_and_which_inferred(tmp_path: Path) -> None:
    contracts = write_contracts(tmp_path)
    write_tests(load(contracts), tmp_path / "out")
    args = ["--contracts", str(contracts), "--tests", str(tmp_path / "out" / "tests"),
            "--base-url", "http://127.0.0.1:9", "--tenant", "a=ta", "--tenant", "b=tb",
            "--dry-run"]  # fmt: skip
    result = CliRunner().invoke(command, args, env={})
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("  /accounts: "))
    assert "created by putAccount (upsert: PUT, the client chooses the id) [declared]" in line
    assert "action depositAccount [declared]" in line
    assert "action freezeAccount [inferred]" in line
    assert "{account_id} is the item's id [inferred]" in line


def test_route_takes_upsert_like_put(tmp_path: Path) -> None:
    api = _load(
        tmp_path,
        '@api.route("PUT", "/docs/{slug}", upsert=True)\n'
        "def put_doc(slug: Slug, body: DocIn) -> Doc: ...\n",
    )
    put = api.operation("putDoc")
    assert put.upsert
    assert put.status == 200
    (docs,) = [c for c in api.relations.collections if c.path == "/docs"]
    assert docs.create is put
