"""The generated clients page through every pagination style against a running server.

A contract set with one list per style (``CONTRACTS``), the server in ``paging_server.py``
serving each style correctly as a real process, and the generated Python client (sync and
async) and the compiled TypeScript client (run by node): each iterator, with a page size
smaller than the list, yields every item exactly once and in order, with the caller's filter
kept on every page (the server filters, so a dropped filter shows as foreign items).
"""

from __future__ import annotations

import asyncio
import importlib
import itertools
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from examples.reference_server.process import started
from synth.document import build
from synth.emit import sdk_python, sdk_typescript
from synth.emit._sdk.naming import package_name
from synth.loader import load
from synth.spec import ApiSpec

from ._typescript import run_scenario
from .paging_server import ordered

SCENARIO = Path(__file__).parent / "typescript" / "paging.ts"

CONTRACTS = '''\
"""One list per pagination style, over the same items."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict

from synth.contract import (
    Api,
    Bearer,
    Cursor,
    Filter,
    Limit,
    LinkHeader,
    Offset,
    PageNumber,
    PageToken,
    Sort,
    StartingAfter,
)

api = Api("Paging styles", "1.0.0", base_path="/v1", auth=Bearer())
UNAUTHENTICATED = api.error("unauthenticated", 401, "Unauthenticated", "No token.")
VALIDATION_FAILED = api.error("validation_failed", 422, "Validation failed", "Bad request.")
INVALID_CURSOR = api.error("invalid_cursor", 400, "Invalid cursor", "A bad cursor.")
INTERNAL_ERROR = api.error("internal_error", 500, "Internal error", "Broken.", retryable=True)

Colour = Literal["red", "blue"]


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    colour: Colour
    rank: int


class CursorPage(BaseModel):
    items: list[Item]
    next_cursor: str | None


class TokenPage(BaseModel):
    items: list[Item]
    next_page_token: str | None


class AfterPage(BaseModel):
    data: list[Item]
    has_more: bool


class OffsetPage(BaseModel):
    items: list[Item]
    total: int


class NumberPage(BaseModel):
    items: list[Item]


ORDER = ("rank", "id")
SORT = Sort(orders={"rank": ORDER, "-rank": ("-rank", "id")}, default="rank")
LIMIT = Limit(default=3, max=10)
ColourFilter = Annotated[Colour | None, Filter("colour", "eq")]


@api.get("/cursor", paginated=Cursor(ORDER, limit=LIMIT, sort=SORT))
def list_cursor(colour: ColourFilter = None) -> CursorPage:
    """Keyset cursor; next_cursor is null on the last page."""


@api.get("/token", paginated=PageToken(ORDER, limit=LIMIT, sort=SORT))
def list_token(colour: ColourFilter = None) -> TokenPage:
    """Page token; the server ends with an empty token, as Google's APIs do."""


@api.get("/after", paginated=StartingAfter(ORDER, limit=LIMIT, sort=SORT))
def list_after(colour: ColourFilter = None) -> AfterPage:
    """Stripe style: starting_after the last id while has_more."""


@api.get("/link", paginated=LinkHeader(ORDER, limit=LIMIT, sort=SORT))
def list_link(colour: ColourFilter = None) -> list[Item]:
    """GitHub style: the next page is the Link header's rel="next"."""


@api.get("/offset", paginated=Offset(ORDER, limit=LIMIT, sort=SORT, total_field="total"))
def list_offset(colour: ColourFilter = None) -> OffsetPage:
    """Offset and limit, with a total."""


@api.get("/page", paginated=PageNumber(ORDER, limit=LIMIT, sort=SORT))
def list_page(colour: ColourFilter = None) -> NumberPage:
    """Page numbers from 1, no total: the walk ends at a short or empty page."""
'''

# (style, iterator, page-size parameter) of each list.
STYLES = [
    ("cursor", "iter_cursor", "limit"),
    ("token", "iter_token", "page_size"),
    ("after", "iter_after", "limit"),
    ("link", "iter_link", "per_page"),
    ("offset", "iter_offset", "limit"),
    ("page", "iter_page", "per_page"),
]
# The caller's filter and sort of each walk, which every page must keep.
WALKS: dict[str, dict[str, str]] = {
    "all": {},
    "red": {"colour": "red"},
    "red-desc": {"colour": "red", "sort": "-rank"},
}
PAGE_SIZE = 2
# A walk is cut off after this many items, so a client that loops fails instead of hanging.
BOUND = 50


def expected() -> dict[str, list[str]]:
    """Every walk's ids, as the server orders and filters them."""
    return {
        f"{style}/{key}": [item["id"] for item in ordered(**query)]
        for style, _, _ in STYLES
        for key, query in WALKS.items()
    }


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> ApiSpec:
    folder = tmp_path_factory.mktemp("contracts") / "paging_styles"
    folder.mkdir()
    (folder / "__init__.py").write_text('"""Paging styles."""\n', encoding="utf-8")
    (folder / "api.py").write_text(CONTRACTS, encoding="utf-8")
    return load(folder)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    command = [sys.executable, "-m", "tests.sdk.paging_server", "--port", "0"]
    with started(command, "the paging server") as url:
        yield url


@pytest.fixture(scope="module")
def sdk_root(spec: ApiSpec, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder that holds the generated Python package."""
    out = tmp_path_factory.mktemp("paging-sdk")
    for rel, text in sdk_python.emit(spec, build(spec)).items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text, encoding="utf-8")
    return out / "sdk" / "python"


@pytest.fixture(scope="module")
def sdk(spec: ApiSpec, sdk_root: Path) -> Iterator[ModuleType]:
    name = package_name(spec.title)
    sys.path.insert(0, str(sdk_root))
    try:
        yield importlib.import_module(name)
    finally:
        sys.path.remove(str(sdk_root))
        for module in [m for m in sys.modules if m == name or m.startswith(f"{name}.")]:
            del sys.modules[module]


def test_every_style_is_planned_and_output_is_deterministic(spec: ApiSpec) -> None:
    styles = [op.pagination.style for op in spec.operations if op.pagination is not None]
    assert styles == ["cursor", "page_token", "starting_after", "link", "offset", "page"]
    assert all(op.pagination and op.pagination.sort for op in spec.operations)
    document = build(spec)
    assert sdk_python.emit(spec, document) == sdk_python.emit(spec, build(spec))
    assert sdk_typescript.emit(spec, {}) == sdk_typescript.emit(spec, {})


@pytest.mark.slow
def test_python_package_is_ruff_formatted_and_mypy_strict_clean(
    spec: ApiSpec, sdk_root: Path, tmp_path: Path
) -> None:
    bin_dir = Path(sys.executable).parent
    formatted = subprocess.run(
        [bin_dir / "ruff", "format", "--isolated", "--line-length", "100", "--check", "--diff", "."],
        cwd=sdk_root, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    # Run from the package's folder, away from the project's own mypy configuration.
    typed = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"),
         "-p", package_name(spec.title)],
        cwd=sdk_root, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert typed.returncode == 0, typed.stdout + typed.stderr


def test_python_clients_walk_every_style(sdk: ModuleType, server: str) -> None:
    walks: dict[str, list[str]] = {}
    with sdk.Client(server, "t") as client:
        for style, method, size in STYLES:
            for key, query in WALKS.items():
                items = getattr(client, method)(**query, **{size: PAGE_SIZE})
                walks[f"{style}/{key}"] = [item.id for item in itertools.islice(items, BOUND)]
        first = client.list_link(colour="red", per_page=PAGE_SIZE)
    assert walks == expected()
    # The page method's page is a list of the items, with the next page's URL.
    assert type(first).__name__ == "LinkedPage"
    assert [item.id for item in first] == expected()["link/red"][:PAGE_SIZE]
    assert first.next_url is not None
    assert first.next_url.startswith(f"{server}/v1/link?")

    async def walk_async() -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        async with sdk.AsyncClient(server, "t") as client:
            for style, method, size in STYLES:
                for key, query in WALKS.items():
                    items = getattr(client, method)(**query, **{size: PAGE_SIZE})
                    out[f"{style}/{key}"] = await _ids(items)
        return out

    assert asyncio.run(walk_async()) == expected()


async def _ids(items: Any) -> list[str]:
    out: list[str] = []
    async for item in items:
        out.append(item.id)
        if len(out) == BOUND:
            break
    return out


def _link_page(sdk: ModuleType, link: str) -> Any:
    """``list_link`` against a server answering one page with this ``Link`` header."""

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[], headers={"Link": link} if link else {})

    transport = httpx.MockTransport(answer)
    with sdk.Client("http://api.test", "t", transport=transport) as client:
        return client.list_link(colour="red")


def test_python_link_header_is_read_as_rfc_8288_says(sdk: ModuleType) -> None:
    page = _link_page(
        sdk, '<https://x.test/first>; rel="first", </v1/link?page=2>; rel="next last"'
    )
    assert page.next_url == "http://api.test/v1/link?page=2"
    assert _link_page(sdk, "").next_url is None
    quoted = '<http://api.test/v1/link?page=3>; title="a, b"; rel=next'
    assert _link_page(sdk, quoted).next_url == "http://api.test/v1/link?page=3"
    assert _link_page(sdk, '<http://api.test/v1/link?page=1>; rel="prev"').next_url is None
    with pytest.raises(sdk.UnexpectedResponse, match="outside"):
        _link_page(sdk, '<https://elsewhere.test/v1/link?page=2>; rel="next"')


@pytest.mark.slow
@pytest.mark.node
def test_typescript_client_walks_every_style(spec: ApiSpec, tmp_path: Path, server: str) -> None:
    result = run_scenario(spec, tmp_path, SCENARIO, server, timeout=60)
    assert result["walks"] == expected()
    assert result["linkPage"]["ids"] == expected()["link/red"][:PAGE_SIZE]
    assert result["linkPage"]["next"].startswith("/link?")
    links = result["links"]
    assert links["absent"] is None
    assert links["severalRels"] == "/link?page=2&a=b"
    assert links["quotedComma"] == "/link?page=3"
    assert links["prevOnly"] is None
    assert links["elsewhere"].startswith("threw: UnexpectedResponse")
    assert "is outside http://api.test/v1; it is not followed" in links["elsewhere"]
