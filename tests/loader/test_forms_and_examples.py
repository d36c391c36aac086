"""Form and multipart bodies and operation examples: what loads, and each mistake located."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from synth import ContractError, load
from synth.cli import main
from synth.document import build
from synth.spec import ExampleSpec, FileSpec

HEADER = """\
from typing import Annotated, Literal
from uuid import UUID

from synth.contract import Api, Example, File, Form, Model, Multipart, RequestModel

api = Api("T", "1")
NOT_FOUND = api.error("not_found", 404, "Not found", "No such thing.")
UNAUTHENTICATED = api.error("unauthenticated", 401, "Unauthenticated", "Who are you?")
VALIDATION = api.error("validation_failed", 422, "Invalid", "Bad input.")
INVALID_REQUEST = api.error("invalid_request", 400, "Bad JSON", "Unparseable.")
INTERNAL = api.error("internal_error", 500, "Oops", "Server failed.")

Png = Annotated[bytes, File(media_types=("image/png",), max_size=100)]


class Thing(Model):
    id: UUID
    name: str


class Login(RequestModel):
    username: str
    password: str
    days: int = 1
    scopes: list[Literal["read", "write"]] = []


class Upload(RequestModel):
    name: str
    image: Png


class Token(Model):
    token: str
"""

GOOD = """
@api.post("/login", status=200, examples=[
    Example("a short session", body={"username": "ann", "password": "pw", "days": 2},
            response={"token": "t0k"}),
])
def login(body: Annotated[Login, Form()]) -> Token: ...

@api.post("/things")
def upload(body: Annotated[Upload, Multipart()]) -> Thing: ...

@api.get("/things/{thing_id}", examples=[Example("a thing", response={
    "id": "0b7e3f2c-6d84-4e5f-9a4c-1d2e3f405162", "name": "x"})])
def get_thing(thing_id: UUID) -> Thing: ...
"""

# name, body (the line marked `# <-` is where the error must point), expected message part
CASES = [
    (
        "File() on a str field",
        """
        class Text(RequestModel):  # <-
            image: Annotated[str, File()]
        """,
        "File() marks a bytes field, not str: write Annotated[bytes, File(...)]",
    ),
    (
        "File() media types as one string",
        """
        Bad = Annotated[bytes, File(media_types="image/png")]  # <-
        """,
        "File(media_types='image/png'): give a tuple of media types",
    ),
    (
        "File() with a size of zero",
        """
        Bad = Annotated[bytes, File(max_size=0)]  # <-
        """,
        "File(max_size=0): give the most bytes accepted",
    ),
    (
        "file in a JSON body",
        """
        @api.post("/things")  # <-
        def upload(body: Upload) -> Thing: ...
        """,
        "upload: Upload.image is a File(), but the body is sent as JSON",
    ),
    (
        "file in an urlencoded form",
        """
        @api.post("/things")  # <-
        def upload(body: Annotated[Upload, Form()]) -> Thing: ...
        """,
        "Upload.image is a File(), which an urlencoded Form() cannot carry",
    ),
    (
        "nested model in a form",
        """
        class Outer(RequestModel):
            inner: Thing

        @api.post("/things")  # <-
        def make(body: Annotated[Outer, Form()]) -> Thing: ...
        """,
        "Outer.inner is not a scalar or a list of scalars, which a Form() body cannot carry",
    ),
    (
        "list of objects in multipart",
        """
        class Outer(RequestModel):
            inner: list[Thing]

        @api.post("/things")  # <-
        def make(body: Annotated[Outer, Multipart()]) -> Thing: ...
        """,
        "Outer.inner is not a scalar or a list of scalars, which a Multipart() body",
    ),
    (
        "required nullable form field",
        """
        class Maybe(RequestModel):
            note: str | None

        @api.post("/things")  # <-
        def make(body: Annotated[Maybe, Form()]) -> Thing: ...
        """,
        "Maybe.note may be null but has no default: a Form() body has no spelling for null",
    ),
    (
        "example body the model refuses",
        """
        @api.post("/login", status=200, examples=[
            Example("bad", body={"username": "ann"}),  # <-
        ])
        def login(body: Annotated[Login, Form()]) -> Token: ...
        """,
        "login: example 'bad': Login refuses its body: password: Field required",
    ),
    (
        "example body with the wrong type",
        """
        @api.post("/login", status=200, examples=[
            Example("bad", body={"username": "a", "password": "b", "days": "two"}),  # <-
        ])
        def login(body: Annotated[Login, Form()]) -> Token: ...
        """,
        "Login refuses its body: days: Input should be a valid integer",
    ),
    (
        "example response the model refuses",
        """
        @api.post("/login", status=200, examples=[
            Example("bad", body={"username": "a", "password": "b"}, response={"tok": 1}),  # <-
        ])
        def login(body: Annotated[Login, Form()]) -> Token: ...
        """,
        "Token refuses its response: token: Field required",
    ),
    (
        "example without the body the operation takes",
        """
        @api.post("/login", status=200, examples=[Example("none")])  # <-
        def login(body: Annotated[Login, Form()]) -> Token: ...
        """,
        "example 'none': gives no body, but the operation takes a Login",
    ),
    (
        "example body for an operation without one",
        """
        @api.get("/things/{thing_id}", examples=[Example("x", body={"a": 1})])  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "example 'x': gives a body, but the operation takes none",
    ),
    (
        "example response for an operation answering no body",
        """
        @api.delete("/things/{thing_id}", examples=[Example("x", response={"a": 1})])  # <-
        def delete_thing(thing_id: UUID) -> None: ...
        """,
        "gives a response, but the operation answers no body",
    ),
    (
        "example parameter that does not exist",
        """
        @api.get("/things/{thing_id}", examples=[Example("x", params={"nope": 1})])  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "params names 'nope', which is no parameter of the operation",
    ),
    (
        "example giving a path parameter",
        """
        @api.get("/things/{thing_id}", examples=[Example("x", params={"thing_id": "a"})])  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "params gives the path parameter 'thing_id'",
    ),
    (
        "example parameter value the type refuses",
        """
        @api.get("/things/{thing_id}", examples=[Example("x", params={"depth": "deep"})])  # <-
        def get_thing(thing_id: UUID, depth: int = 1) -> Thing: ...
        """,
        "parameter 'depth' refuses 'deep'",
    ),
    (
        "two examples with one key",
        """
        @api.get("/things/{thing_id}", examples=[
            Example("A thing"),
            Example("a  thing"),  # <-
        ])
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "another example's summary has the same key 'a-thing'",
    ),
    (
        "example with an empty summary",
        """
        @api.get("/things/{thing_id}", examples=[Example(" ")])  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """,
        "the summary is empty",
    ),
    (
        "example that is not JSON",
        """
        @api.post("/login", status=200, examples=[
            Example("x", body={"username": "a", "password": b"b"}),  # <-
        ])
        def login(body: Annotated[Login, Form()]) -> Token: ...
        """,
        "Login refuses its body: not a JSON value",
    ),
    (
        "example on a resource helper",
        """
        things = api.resource("/things", Thing, id_param="thing_id")
        things.create(Login, examples=[Example("x", body={"username": 1})])  # <-
        """,
        "create_thing: example 'x': Login refuses its body: username: Input should be a valid",
    ),
    (
        "examples holding something else",
        """
        @api.post("/login", status=200, examples=[{"body": {}}])  # <-
        def login(body: Annotated[Login, Form()]) -> Token: ...
        """,
        "examples=[...] holds {'body': {}}, not an Example",
    ),
]


def _write(tmp_path: Path, body: str) -> tuple[Path, int]:
    source = HEADER + textwrap.dedent(body)
    line = next((i for i, t in enumerate(source.splitlines(), 1) if "# <-" in t), 0)
    contracts = tmp_path / "contracts"
    contracts.mkdir()
    (contracts / "__init__.py").write_text("")
    (contracts / "things.py").write_text(source)
    return contracts, line


def test_forms_and_examples_load(tmp_path: Path) -> None:
    contracts, _ = _write(tmp_path, GOOD)
    spec = load(contracts)
    login, upload, get = spec.operations
    assert (login.body_media_type, login.files) == ("application/x-www-form-urlencoded", ())
    assert upload.body_media_type == "multipart/form-data"
    assert upload.files == (FileSpec("image", ("image/png",), 100, True),)
    assert upload.file("image") is upload.files[0]
    assert upload.file("name") is None
    (example,) = login.examples
    assert isinstance(example, ExampleSpec)
    assert (example.key, example.body["days"], example.response) == (
        "a-short-session", 2, {"token": "t0k"},
    )  # fmt: skip
    assert example.location.line == 3 + HEADER.count("\n")
    assert get.examples[0].body is None


def test_document_carries_media_types_encoding_and_examples(tmp_path: Path) -> None:
    contracts, _ = _write(tmp_path, GOOD)
    doc = build(load(contracts))
    login = doc["paths"]["/login"]["post"]
    form = login["requestBody"]["content"]["application/x-www-form-urlencoded"]
    assert form == {
        "schema": {"$ref": "#/components/schemas/Login"},
        "examples": {"a-short-session": {
            "summary": "a short session",
            "value": {"username": "ann", "password": "pw", "days": 2},
        }},
    }  # fmt: skip
    answer = login["responses"]["200"]["content"]["application/json"]
    assert answer["examples"] == {
        "a-short-session": {"summary": "a short session", "value": {"token": "t0k"}}
    }
    upload = doc["paths"]["/things"]["post"]
    multipart = upload["requestBody"]["content"]["multipart/form-data"]
    assert multipart["encoding"] == {"image": {"contentType": "image/png"}}
    assert "examples" not in multipart
    assert "`image` is a file part: image/png, at most 100 bytes." in upload["description"]
    assert doc["components"]["schemas"]["Upload"]["properties"]["image"] == {
        "type": "string",
        "contentMediaType": "application/octet-stream",
        "x-synth-file": {"mediaTypes": ["image/png"], "maxSize": 100},
    }


def test_document_with_forms_validates(tmp_path: Path) -> None:
    from openapi_spec_validator import validate

    contracts, _ = _write(tmp_path, GOOD)
    validate(build(load(contracts)))


@pytest.mark.parametrize(("name", "body", "expected"), CASES, ids=[c[0] for c in CASES])
def test_mistake_is_located(tmp_path: Path, name: str, body: str, expected: str) -> None:
    contracts, line = _write(tmp_path, body)
    with pytest.raises(ContractError) as info:
        load(contracts)
    text = str(info.value)
    assert expected in text
    assert f"things.py:{line}:" in text
    assert "fix:" in text


@pytest.mark.parametrize(("name", "body", "expected"), CASES, ids=[c[0] for c in CASES])
def test_cli_exits_2_and_writes_nothing(
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
    assert not out.exists()
