"""The Python SDK's typed response headers (``headers.py``), on the library's RateLimit ones."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import httpx
import pydantic
import pytest

from examples.library import example
from synth import load
from synth.document import build
from synth.emit import sdk_python


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    spec = load(example.CONTRACTS)
    root = tmp_path_factory.mktemp("library-sdk")
    for rel, text in sdk_python.emit(spec, build(spec)).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    sys.path.insert(0, str(root / "sdk/python"))
    try:
        yield importlib.import_module("lending_library_client")
    finally:
        sys.path.remove(str(root / "sdk/python"))
        for name in [m for m in sys.modules if m.startswith("lending_library_client")]:
            del sys.modules[name]


def _meta(sdk: ModuleType, headers: dict[str, str]) -> object:
    request = httpx.Request("GET", "http://api.test/v1/catalogue?q=ab")
    response = httpx.Response(200, headers=headers, request=request)
    return sdk._runtime.meta(response)


def test_declared_headers_are_read_typed(library: ModuleType) -> None:
    meta = _meta(library, {"RateLimit-Limit": "100", "RateLimit-Remaining": "7",
                           "RateLimit-Reset": "30", "X-Other": "kept"})  # fmt: skip
    got = library.headers.SearchCatalogueHeaders.of(meta)
    assert (got.ratelimit_limit, got.ratelimit_remaining, got.ratelimit_reset) == (100, 7, 30)
    assert meta.headers["x-other"] == "kept"  # type: ignore[attr-defined]
    assert issubclass(library.headers.SearchCatalogueHeaders, library.ResponseHeaders)


@pytest.mark.parametrize(
    "headers",
    [
        {"RateLimit-Limit": "100", "RateLimit-Reset": "30"},  # Remaining missing
        {"RateLimit-Limit": "100", "RateLimit-Remaining": "lots", "RateLimit-Reset": "30"},
        {"RateLimit-Limit": "100", "RateLimit-Remaining": "-1", "RateLimit-Reset": "30"},
    ],
    ids=["missing", "not-a-number", "below-minimum"],
)
def test_a_header_breaking_its_contract_is_refused(
    library: ModuleType, headers: dict[str, str]
) -> None:
    with pytest.raises(pydantic.ValidationError):
        library.headers.SearchCatalogueHeaders.of(_meta(library, headers))


def test_a_model_built_here_has_no_headers(library: ModuleType) -> None:
    results = library.models.CatalogueResults(items=[])
    with pytest.raises(ValueError, match="built here, not received"):
        library.headers.SearchCatalogueHeaders.of(results)


def test_an_api_declaring_no_headers_has_no_headers_module(tmp_path: Path) -> None:
    spec = load(example.CONTRACTS.parent.parent / "tracker" / "contracts")
    files = sdk_python.emit(spec, build(spec))
    assert not [f for f in files if f.endswith("/headers.py")]
    init = next(text for f, text in files.items() if f.endswith("/__init__.py"))
    assert "from . import errors, models\n" in init


def test_an_error_response_s_declared_headers_are_read_from_the_error(
    library: ModuleType,
) -> None:
    """The 429's ``Retry-After``: its own class, read from the error the call raised."""

    def answer(request: httpx.Request) -> httpx.Response:
        problem = {"type": "about:blank", "title": "Slow down", "status": 429,
                   "code": "rate_limited", "detail": "Wait."}  # fmt: skip
        headers = {"Retry-After": "7", "Content-Type": "application/problem+json"}
        return httpx.Response(429, headers=headers, json=problem)

    client = library.Client("http://api.test", transport=httpx.MockTransport(answer))
    with pytest.raises(library.errors.ApiError) as raised:
        client.search_catalogue(q="ab")
    assert raised.value.status == 429
    assert library.headers.SearchCatalogueHeaders429.of(raised.value).retry_after == 7
    assert "SearchCatalogueHeaders429" in library.headers.__all__
    with pytest.raises(pydantic.ValidationError):  # the success response's headers, absent
        library.headers.SearchCatalogueHeaders.of(raised.value)
