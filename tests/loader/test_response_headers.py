"""Response headers a contract declares (``headers=[ResponseHeader(...)]``): carried in the
spec, documented on their responses, and every misuse a located message with exit 2."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from synth import ContractError, load
from synth.cli import main
from synth.document import build

HEADER = """\
import enum
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from synth.contract import Api, Cursor, LinkHeader, Model, RequestModel, ResponseHeader

api = Api("Things", "1", base_path="/v1")
api.error("unauthenticated", 401, "Unauthenticated", "Who are you?")
api.error("validation_failed", 422, "Invalid", "Bad input.")
api.error("invalid_request", 400, "Bad JSON", "Unparseable.")
api.error("internal_error", 500, "Oops", "Server failed.")
api.error("invalid_cursor", 400, "Bad cursor", "Tampered.")
api.error("not_found", 404, "Not found", "No such thing.")
api.error("idempotency_key_missing", 400, "No key", "Send one.")
api.error("idempotency_key_reused", 422, "Reused", "Other body.")
api.error("idempotency_key_in_use", 409, "In use", "Retry later.")
api.error("precondition_failed", 412, "Stale", "Changed since.")
SLOW_DOWN = api.error("rate_limited", 429, "Slow down", "Too many requests.", retryable=True)


class Thing(Model):
    id: UUID
    name: str


class ThingCreate(RequestModel):
    name: str


class Tier(enum.Enum):
    FREE = "free"
    PAID = "paid"
"""


def _contracts(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "contracts"
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    (folder / "things.py").write_text(HEADER + textwrap.dedent(body))
    return folder


def test_declared_headers_are_carried_and_documented(tmp_path: Path) -> None:
    spec = load(
        _contracts(
            tmp_path,
            """
            @api.post("/things", errors=[SLOW_DOWN], headers=[
                ResponseHeader("Location", description="The new thing."),
                ResponseHeader("RateLimit-Remaining", Annotated[int, Field(ge=0)]),
                ResponseHeader("X-Tier", Tier, required=False),
                ResponseHeader("Retry-After", int, status=429),
            ])
            def create_thing(body: ThingCreate) -> Thing: ...

            @api.put("/things/{thing_id}", upsert=True, headers=[
                ResponseHeader("Location", status=201),
                ResponseHeader("X-Served-By", Literal["a", "b"], status=[200, 201]),
            ])
            def put_thing(thing_id: UUID, body: ThingCreate) -> Thing: ...
            """,
        )
    )
    op = spec.operation("createThing")
    assert [(h.name, h.statuses, h.required) for h in op.response_headers] == [
        ("Location", (201,), True),
        ("RateLimit-Remaining", (201,), True),
        ("X-Tier", (201,), False),
        ("Retry-After", (429,), True),
    ]
    responses = build(spec)["paths"]["/things"]["post"]["responses"]
    assert responses["201"]["headers"]["Location"] == {
        "description": "The new thing.",
        "required": True,
        "schema": {"type": "string"},
    }
    assert responses["201"]["headers"]["RateLimit-Remaining"] == {
        "description": "The requests left in the current window.",
        "required": True,
        "schema": {"minimum": 0, "type": "integer"},
    }
    assert responses["201"]["headers"]["X-Tier"]["schema"] == {"$ref": "#/components/schemas/Tier"}
    assert responses["201"]["headers"]["X-Tier"]["required"] is False
    assert list(responses["201"]["headers"]) == ["Location", "RateLimit-Remaining", "X-Tier"]
    assert responses["429"]["headers"] == {
        "Retry-After": {
            "description": "Seconds to wait (or the HTTP date to wait until) before trying again.",
            "required": True,
            "schema": {"type": "integer"},
        }
    }
    assert "headers" not in responses["422"]
    upsert = build(spec)["paths"]["/things/{thing_id}"]["put"]["responses"]
    assert list(upsert)[:2] == ["200", "201"]
    assert list(upsert["200"]["headers"]) == ["X-Served-By"]
    assert list(upsert["201"]["headers"]) == ["Location", "X-Served-By"]
    assert list(upsert["201"]) == ["description", "headers", "content"]


def test_the_resource_helpers_take_headers(tmp_path: Path) -> None:
    spec = load(
        _contracts(
            tmp_path,
            """
            things = api.resource("/things", Thing, id_param="thing_id")
            things.create(ThingCreate, headers=[ResponseHeader("Location")])
            things.upsert(ThingCreate, headers=[ResponseHeader("Location", status=201)])
            """,
        )
    )
    assert [h.statuses for h in spec.operation("createThing").response_headers] == [(201,)]
    assert [h.statuses for h in spec.operation("putThing").response_headers] == [(201,)]


# name, the operation (the line marked `# <-` is where the message must point), message part
CASES = [
    (
        "a string instead of a ResponseHeader",
        """
        @api.post("/things", headers=["Location"])  # <-
        def create_thing(body: ThingCreate) -> Thing: ...
        """,
        "create_thing: headers=[...] takes ResponseHeader(...) objects, not 'Location' (str)",
    ),
    (
        "one header outside a list",
        """
        @api.post("/things", headers=ResponseHeader("Location", status=200))  # <-
        def create_thing(body: ThingCreate) -> Thing: ...
        """,
        "create_thing: ResponseHeader('Location'): status=200, but create_thing declares no 200 "
        "response",
    ),
    (
        "a name that is not a header name",
        """
        @api.post("/things", headers=[ResponseHeader("Rate Limit")])  # <-
        def create_thing(body: ThingCreate) -> Thing: ...
        """,
        "ResponseHeader('Rate Limit'): not a valid header name",
    ),
    (
        "an empty name",
        """
        @api.post("/things", headers=[ResponseHeader("")])  # <-
        def create_thing(body: ThingCreate) -> Thing: ...
        """,
        "ResponseHeader(''): not a valid header name",
    ),
    (
        "a framing header",
        """
        @api.get("/things/{thing_id}", headers=[ResponseHeader("Content-Type")])  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "HTTP frames every message with Content-Type itself",
    ),
    (
        "an ETag a cacheable read documents already",
        """
        @api.get("/things/{thing_id}", cacheable=True, headers=[ResponseHeader("etag")])  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "ResponseHeader('etag'): already declared by cacheable=True",
    ),
    (
        "a Link header a LinkHeader list documents already",
        """
        @api.get("/things", paginated=LinkHeader(order=("id",)), headers=[ResponseHeader("Link")])  # <-
        def list_things() -> list[Thing]: ...
        """,
        "ResponseHeader('Link'): already declared by paginated=LinkHeader(...)",
    ),
    (
        "Idempotent-Replayed on an idempotent create",
        """
        @api.post("/things", idempotent=True, headers=[ResponseHeader("Idempotent-Replayed")])  # <-
        def create_thing(body: ThingCreate) -> Thing: ...
        """,
        "already declared by idempotent=...",
    ),
    (
        "a status the operation does not answer with",
        """
        @api.get("/things/{thing_id}", headers=[ResponseHeader("Retry-After", int, status=429)])  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "ResponseHeader('Retry-After'): status=429, but get_thing declares no 429 response "
        "(its responses: 200, 401, 404, 422, 500)",
    ),
    (
        "a status that is not a number",
        """
        @api.get("/things/{thing_id}", headers=[ResponseHeader("X-A", status="200")])  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "ResponseHeader('X-A'): status='200' is not a status code or a list of them",
    ),
    (
        "an empty status list",
        """
        @api.get("/things/{thing_id}", headers=[ResponseHeader("X-A", status=[])])  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "ResponseHeader('X-A'): status=[] is not a status code or a list of them",
    ),
    (
        "a 201 on an operation that is no upsert",
        """
        @api.put("/things/{thing_id}", headers=[ResponseHeader("Location", status=201)])  # <-
        def put_thing(thing_id: UUID, body: ThingCreate) -> Thing: ...
        """,
        "put_thing declares no 201 response",
    ),
    (
        "a list type",
        """
        @api.get("/things/{thing_id}", headers=[ResponseHeader("X-Ids", list[int])])  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "ResponseHeader('X-Ids'): its type list[int] is not one scalar value",
    ),
    (
        "a model type",
        """
        @api.get("/things/{thing_id}", headers=[ResponseHeader("X-Thing", Thing)])  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "ResponseHeader('X-Thing'): its type Thing is not one scalar value",
    ),
    (
        "required not a bool",
        """
        @api.get("/things/{thing_id}", headers=[ResponseHeader("X-A", required="yes")])  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "required= takes True or False and description= a string",
    ),
    (
        "the same header twice, in other cases",
        """
        @api.post("/things", headers=[ResponseHeader("Location"), ResponseHeader("location")])  # <-
        def create_thing(body: ThingCreate) -> Thing: ...
        """,
        "ResponseHeader('location'): declared twice for the 201 response",
    ),
    (
        "the same header twice, spelled alike",
        """
        @api.post("/things", headers=[ResponseHeader("Location"), ResponseHeader("Location")])  # <-
        def create_thing(body: ThingCreate) -> Thing: ...
        """,
        "ResponseHeader('Location'): declared twice for the 201 response",
    ),
    (
        "an optional type instead of required=False",
        """
        @api.get("/things/{thing_id}", headers=[ResponseHeader("X-A", int | None)])  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "ResponseHeader('X-A'): its type int | None is not one scalar value",
    ),
    (
        "a type pydantic cannot validate",
        """
        @api.get("/things/{thing_id}", headers=[ResponseHeader("X-A", object())])  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "get_thing: type <object object",
    ),
]


@pytest.mark.parametrize(("name", "body", "expected"), CASES, ids=[c[0] for c in CASES])
def test_a_header_mistake_is_located_and_exits_2(
    tmp_path: Path, name: str, body: str, expected: str
) -> None:
    contracts = _contracts(tmp_path, body)
    source = (contracts / "things.py").read_text().splitlines()
    line = next(i for i, text in enumerate(source, 1) if "# <-" in text)
    with pytest.raises(ContractError) as info:
        load(contracts)
    text = str(info.value)
    assert expected in text
    assert f"things.py:{line}:" in text
    assert "fix:" in text
    assert "_synth_contracts" not in text
    assert len(info.value.problems) == 1, text
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["generate", "--contracts", str(contracts), "--out", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert result.output.startswith("ContractError: ")
    assert "Traceback" not in result.output
    assert not out.exists(), "a failed load must write nothing"
