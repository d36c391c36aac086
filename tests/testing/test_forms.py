"""Form and multipart bodies on the wire: encoding, what the server sees, invalid bodies,
curl reproductions and schemathesis cases."""

from __future__ import annotations

import email.parser
import email.policy
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synth.loader import load
from synth.spec import ApiSpec, FileSpec, OperationSpec
from synth.testing import _forms
from synth.testing._conformance import _form
from synth.testing._curl import Redactor, sequence
from synth.testing._data import Schemas
from synth.testing._forms import MULTIPART, URLENCODED, Upload, accepts, encode
from synth.testing._http import Exchange, Request
from tests.loader.test_forms_and_examples import GOOD, _write

PNG = (FileSpec("image", ("image/png",), 100, True),)


def _parts(content: bytes, kind: str) -> list[tuple[str, str | None, str, bytes]]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + kind.encode() + b"\r\n\r\n" + content
    )
    out = []
    for part in message.iter_parts():
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        name = part.get_param("name", header="content-disposition")
        assert isinstance(name, str)
        out.append((name, part.get_filename(), part.get_content_type(), payload))
    return out


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> ApiSpec:
    contracts, _ = _write(tmp_path_factory.mktemp("forms"), GOOD)
    return load(contracts)


def test_urlencoded_fields_are_text_lists_repeat_and_none_is_left_out() -> None:
    body = {"username": "a b", "days": 2, "ok": True, "scopes": ["read", "write"], "no": None}
    content, kind = encode(body, URLENCODED, ())
    assert kind == URLENCODED
    assert parse_qsl(content.decode()) == [
        ("username", "a b"), ("days", "2"), ("ok", "true"), ("scopes", "read"),
        ("scopes", "write"),
    ]  # fmt: skip


def test_multipart_sends_a_file_part_with_its_media_type() -> None:
    content, kind = encode({"name": "n", "image": "\u00e9x", "n": 1}, MULTIPART, PNG)
    assert kind.startswith("multipart/form-data; boundary=")
    assert _parts(content, kind) == [
        ("name", None, "text/plain", b"n"),
        ("image", "image.png", "image/png", "\u00e9x".encode()),
        ("n", None, "text/plain", b"1"),
    ]
    upload = Upload(b"GIF89a", "image/gif", "x.gif")
    content, kind = encode({"image": upload}, MULTIPART, PNG)
    assert _parts(content, kind) == [("image", "x.gif", "image/gif", b"GIF89a")]


def test_multipart_without_fields_is_still_multipart() -> None:
    content, kind = encode({}, MULTIPART, PNG)
    assert kind.startswith("multipart/form-data; boundary=")
    assert content.endswith(b"--\r\n")


def test_the_server_sees_text(spec: ApiSpec) -> None:
    login, upload = spec.operation("login"), spec.operation("upload")
    assert login.body is not None
    schemas = Schemas(spec)
    login_props = schemas.properties("Login")
    assert accepts(login.body, login_props, {"username": 12, "password": "p", "days": 3}, ())
    assert not accepts(login.body, login_props, {"username": "u", "password": "p",
                                                 "days": "three"}, ())  # fmt: skip
    assert not accepts(login.body, login_props, {"username": "u", "password": "p",
                                                 "synth": "x"}, ())  # fmt: skip
    props, files = schemas.properties("Upload"), upload.files
    assert upload.body is not None
    assert accepts(upload.body, props, {"name": "n", "image": "png bytes"}, files)
    refused = Upload(b"x", _forms.REFUSED_MEDIA_TYPE)
    assert not accepts(upload.body, props, {"name": "n", "image": refused}, files)
    big = Upload(b"\0" * 101, "image/png")
    assert not accepts(upload.body, props, {"name": "n", "image": big}, files)
    assert not accepts(upload.body, props, {"name": "n", "image": 5}, files)  # text, not a file


def _mutations(spec: ApiSpec, op: OperationSpec, valid: dict[str, Any]) -> dict[str, Any]:
    assert op.body is not None
    assert op.body_schema is not None
    return {m.description: m for m in Schemas(spec).mutations(op.body_schema, op.body, valid, op)}


def test_invalid_form_bodies_are_invalid_on_the_wire(spec: ApiSpec) -> None:
    login = spec.operation("login")
    found = _mutations(spec, login, {"username": "u", "password": "p"})
    # 12345 for a text field is the valid text "12345" once sent: not an invalid body.
    assert "username: a number where the schema has none" not in found
    assert "the body is a JSON array, not an object" not in found
    assert "days: a string where the schema has none" in found
    assert "required field 'password' left out" in found
    assert "an unknown field" in found
    upload = spec.operation("upload")
    found = _mutations(spec, upload, {"name": "n", "image": "abc"})
    wrong_type = found["image: a file of a media type not in image/png"]
    assert wrong_type.field == "image"
    assert wrong_type.body["image"] == Upload(b"abc", _forms.REFUSED_MEDIA_TYPE, "image.png")
    too_big = found["image: a file of 101 bytes, over its 100"]
    assert len(too_big.body["image"].content) == 101


def test_valid_form_bodies_are_valid_on_the_wire(spec: ApiSpec) -> None:
    from hypothesis import given, settings

    login = spec.operation("login")
    assert login.body is not None
    schemas = Schemas(spec)
    props = schemas.properties("Login")

    model = login.body

    @settings(max_examples=50, database=None, deadline=None)
    @given(schemas.body("Login", model, login))
    def check(body: Any) -> None:
        content, _ = encode(body, URLENCODED, ())
        sent: dict[str, Any] = {}
        for key, value in parse_qsl(content.decode(), keep_blank_values=True):
            sent.setdefault(key, []).append(value)
        assert set(sent) <= set(props)
        assert accepts(model, props, body, ())

    check()


def test_curl_builds_the_form_itself() -> None:
    redact = Redactor([])
    multipart = Request("a", "POST", "/things", (), (), {"name": "n's", "image": "abc"}, True,
                        None, None, MULTIPART, PNG)  # fmt: skip
    login = Request("a", "POST", "/login", (), (), {"username": "a b", "days": 2}, True,
                    None, None, URLENCODED)  # fmt: skip
    answer = (httpx.Headers(), b"{}", 0.1)
    text = sequence([Exchange(multipart, 201, *answer), Exchange(login, 200, *answer)],
                    "http://h", redact)  # fmt: skip
    assert "# image.png: 3 bytes of image/png" in text
    assert "-F 'image=@image.png;type=image/png'" in text
    assert "--form-string 'name=n'\"'\"'s'" in text
    assert "--data-urlencode 'username=a b' --data-urlencode days=2" in text
    assert "Content-Type: application/json" not in text


def test_schemathesis_form_cases_become_bytes() -> None:
    raw, kind = _form({"data": {"username": "a", "days": "2"}}) or (b"", "")
    assert (raw, kind) == (b"username=a&days=2", URLENCODED)
    raw, kind = _form({"files": [("image", ("c.png", b"\x89PNG", "image/png"))],
                       "data": {"name": "n"}}) or (b"", "")  # fmt: skip
    assert ("image", "c.png", "image/png", b"\x89PNG") in _parts(raw, kind)
    assert _form({"json": {"a": 1}}) is None


def test_library_upload_is_multipart(tmp_path: Path) -> None:
    library = load(Path(__file__).resolve().parents[2] / "examples" / "library" / "contracts")
    op = library.operation("uploadBookCover")
    assert op.body_media_type == MULTIPART
    assert op.files == (FileSpec("image", ("image/png", "image/jpeg"), 65_536, True),)
    notify = library.operation("notifyMember")
    assert (notify.body_media_type, notify.files) == (URLENCODED, ())
    assert notify.examples[0].body["channels"] == ["email", "post"]


def test_a_generated_case_s_framing_headers_are_left_to_the_client(api: ApiSpec) -> None:
    """A negative case's headers may hold any names; a Transfer-Encoding, Content-Length or
    Host among them is the client's to set (h11 refuses a Transfer-Encoding other than
    chunked before sending anything): they are left out, the other generated ones kept."""
    from types import SimpleNamespace

    import h11

    from synth.testing import Target, config_from_options
    from synth.testing._conformance import _request

    from .conftest import TOKENS

    target = Target(config_from_options(base_url="http://127.0.0.1:9", tenants=TOKENS, env={}), api)
    headers = {"Transfer-Encoding": '^l^1"43`r', "Content-Length": "7", "Host": "elsewhere",
               "u|l": "(?", "Idempotency-Key": "k"}  # fmt: skip
    kwargs = {"method": "POST", "url": f"{target.url}/contacts", "headers": headers,
              "json": {"name": "x"}}  # fmt: skip
    made: list[Request] = []

    @given(st.just(SimpleNamespace(meta=SimpleNamespace(components=None))))
    @settings(max_examples=1, database=None)
    def build(case: Any) -> None:  # ``_request`` assumes, as inside a search
        made.append(_request(case, kwargs, target, "", "token-a"))

    build()
    request = made[0]
    assert dict(request.headers) == {"u|l": "(?", "idempotency-key": "k"}
    with pytest.raises(h11.LocalProtocolError, match="Transfer-Encoding"):
        h11.Request(method="POST", target="/contacts", headers=[("Host", "x"), *headers.items()])
    h11.Request(method="POST", target="/contacts", headers=[("Host", "x"), *request.headers])
