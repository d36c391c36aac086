"""Form and multipart bodies through both SDKs and the Zod schemas, against the library
example (its cover upload is multipart/form-data with a PNG or JPEG file part)."""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from examples._example import load as load_example
from examples._example import serve
from examples.library.server import app
from synth.document import build
from synth.emit import sdk_python
from synth.emit._sdk.naming import package_name
from synth.loader import load
from synth.spec import ApiSpec

from ._typescript import run_scenario
from .conftest import SyncASGITransport

LIBRARY = Path(__file__).resolve().parents[2] / "examples" / "library"
TOKEN = "tok_northside_5f2c9a71e0"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(40))


@pytest.fixture(scope="module")
def library() -> ApiSpec:
    return load(LIBRARY / "contracts")


@pytest.fixture(scope="module")
def client_module(library: ApiSpec, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    out = tmp_path_factory.mktemp("library-sdk")
    for rel, text in sdk_python.emit(library, build(library)).items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text, encoding="utf-8")
    root = str(out / "sdk" / "python")
    sys.path.insert(0, root)
    try:
        yield importlib.import_module(package_name(library.title))
    finally:
        sys.path.remove(root)


def _models(pkg: ModuleType) -> Any:
    return importlib.import_module(pkg.__name__ + ".models")


def test_python_sdk_uploads_a_file_part_with_its_media_type(client_module: Any) -> None:
    models = _models(client_module)
    seen: list[httpx.Request] = []
    inner = SyncASGITransport(app)

    class Recording(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            request.read()
            seen.append(request)
            return inner.handle_request(request)

    client = client_module.Client("http://library.test", TOKEN, transport=Recording())
    book = client.create_book(models.BookCreate(isbn="9780000000019", title="T", author="A"))
    cover = client.upload_book_cover(
        book.id, models.CoverUpload(image=PNG, caption="front"), image_type="image/png"
    )
    assert (cover.media_type, cover.size, cover.caption) == ("image/png", len(PNG), "front")
    assert cover.sha256 == hashlib.sha256(PNG).hexdigest()
    sent = seen[-1]
    assert sent.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert b'name="image"; filename="image.png"\r\nContent-Type: image/png\r\n\r\n' + PNG in (
        sent.content
    )
    assert b'name="caption"\r\n\r\nfront\r\n' in sent.content
    # A media type the contract does not accept: the server's 422, as the SDK's typed error.
    with pytest.raises(client_module.errors.ValidationFailed):
        client.upload_book_cover(book.id, models.CoverUpload(image=PNG), image_type="text/plain")
    # Left out: the caption was never set, so it is not sent (the server's default applies).
    client.upload_book_cover(book.id, models.CoverUpload(image=PNG))
    assert b'name="caption"' not in seen[-1].content
    client.close()
    inner.close()


@pytest.mark.slow
def test_python_sdk_posts_an_urlencoded_form_to_a_running_server(client_module: Any) -> None:
    """The notify form, repeated field and all, through both clients over a socket (httpx 0.28
    reads a form body only from a mapping: a list of pairs fails as the request is sent)."""
    models = _models(client_module)
    email, post = models.Channel.email, models.Channel.post
    with serve(load_example("library")) as base_url:
        with client_module.Client(base_url, TOKEN, base_path="") as client:
            member = client.create_member(models.MemberCreate(name="Ann", email="ann@example.com"))
            notice = client.notify_member(
                member.id,
                models.NoticeForm(subject="Overdue", channels=[email, post], copies=2),
            )
            assert (notice.subject, notice.channels, notice.copies) == (
                "Overdue",
                ["email", "post"],
                2,
            )
            assert not notice.urgent  # left out: the server's default

        async def notify_async() -> Any:
            async with client_module.AsyncClient(base_url, TOKEN, base_path="") as client:
                form = models.NoticeForm(subject="Again", channels=[post], urgent=True)
                return await client.notify_member(member.id, form)

        notice = asyncio.run(notify_async())
        assert (notice.subject, notice.channels, notice.urgent) == ("Again", ["post"], True)


def test_python_sdk_form_body_repeats_a_list_field(client_module: Any) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        return httpx.Response(500)

    models = _models(client_module)
    client = client_module.Client("http://x", TOKEN, transport=httpx.MockTransport(handler))
    channels = [models.Channel.email, models.Channel.post]
    form = models.NoticeForm(subject="a b&c", channels=channels, urgent=False)
    with pytest.raises(client_module.errors.UnexpectedResponse):
        client.notify_member("m_1", form)
    assert seen[-1].headers["content-type"] == "application/x-www-form-urlencoded"
    assert seen[-1].content == b"subject=a+b%26c&channels=email&channels=post&urgent=false"


def test_python_sdk_enum_fields_take_values_as_the_contract_does(client_module: Any) -> None:
    """The contract's ``Literal["email", "post"]`` takes the string; the SDK's enum field takes
    it too, and the member; what the contract refuses stays refused."""
    models = _models(client_module)
    member = models.Channel.email
    for given in (["email", "post"], [member, "post"]):
        form = models.NoticeForm(subject="s", channels=given)
        assert form.channels == [member, models.Channel.post]
        assert form.channels[0] is member
        assert models.NoticeForm.model_validate({"subject": "s", "channels": given}) == form
    for wrong in ("EMAIL", "fax", b"email", 1, None):
        with pytest.raises(ValueError, match="channels"):
            models.NoticeForm(subject="s", channels=[wrong])


def test_python_sdk_model_takes_bytes_for_a_file(client_module: Any) -> None:
    models = _models(client_module)
    assert models.CoverUpload.model_fields["image"].annotation is bytes
    with pytest.raises(ValueError, match="bytes"):
        models.CoverUpload(image="not bytes")


@pytest.mark.slow
@pytest.mark.node
def test_typescript_client_and_zod_take_form_data(library: ApiSpec, tmp_path: Path) -> None:
    scenario = Path(__file__).parent / "typescript" / "forms.ts"
    with serve(load_example("library")) as base_url:
        result = run_scenario(library, tmp_path, scenario, base_url, timeout=60)
    assert result["cover"] == {"media_type": "image/png", "size": 11, "caption": "The front"}
    assert result["refused"] == "InvalidBody"
    assert result["zod"] == {
        "good": True,
        "goodCaption": "x",
        "wrongType": False,
        "tooBig": False,
        "notAFile": False,
    }


@pytest.mark.slow
@pytest.mark.node
def test_zod_reads_an_urlencoded_form(tmp_path: Path) -> None:
    from tests.loader.test_forms_and_examples import GOOD, _write

    (tmp_path / "src").mkdir()
    contracts, _ = _write(tmp_path / "src", GOOD)
    scenario = Path(__file__).parent / "typescript" / "urlencoded.ts"
    result = run_scenario(load(contracts), tmp_path, scenario, "unused", timeout=60)
    assert result == {
        "full": {"username": "ann", "password": "pw", "days": 3, "scopes": ["read", "write"]},
        "one": {"username": "ann", "password": "pw", "days": 1, "scopes": ["write"]},
        "defaults": {"username": "ann", "password": "pw", "days": 1, "scopes": []},
        "badNumber": None,
        "unknown": None,
        "missing": None,
    }


INTEGER_ENUM = """\
from typing import Literal
from uuid import UUID

from synth.contract import Api, Model, RequestModel

api = Api("Ints", "1")
for code, status in [("not_found", 404), ("unauthenticated", 401), ("validation_failed", 422),
                     ("invalid_request", 400), ("internal_error", 500)]:
    api.error(code, status, code, "Described.")


class Rated(Model):
    id: UUID
    stars: Literal[1, 2, 3]


class Rate(RequestModel):
    stars: Literal[1, 2, 3] = 2


@api.post("/ratings")
def rate(body: Rate) -> Rated: ...
"""


def test_python_sdk_integer_enum_fields_take_their_values(tmp_path: Path) -> None:
    """``Literal[1, 2, 3]`` becomes an IntEnum that takes 3 as the contract does, and refuses
    what the contract's JSON refuses ("3", true, 4)."""
    (tmp_path / "contracts").mkdir()
    (tmp_path / "contracts" / "api.py").write_text(INTEGER_ENUM, encoding="utf-8")
    spec = load(tmp_path / "contracts")
    for rel, text in sdk_python.emit(spec, build(spec)).items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    sys.path.insert(0, str(tmp_path / "sdk" / "python"))
    try:
        models = importlib.import_module(package_name(spec.title) + ".models")
        assert models.Rate(stars=3).stars is models.Stars(3)
        assert models.Rate.model_validate_json('{"stars": 1}').stars is models.Stars(1)
        for wrong in ("3", True, 4, 3.0):
            with pytest.raises(ValueError, match="stars"):
                models.Rate(stars=wrong)
    finally:
        sys.path.remove(str(tmp_path / "sdk" / "python"))
        for name in [m for m in sys.modules if m.startswith(package_name(spec.title))]:
            del sys.modules[name]
