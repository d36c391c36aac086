"""Templates of the Python SDK: ``string.Template`` constants with ``$named`` placeholders.

The fixed modules (``_base.py``, ``_runtime.py``, ``errors.py``) are real Python files in
``python/``, read with ``file_template``; the rest is generated around what the API declares.

Generated code is written here already in ``ruff format`` style (a test checks it), so no
formatter has to run when the SDK is generated.
"""

from __future__ import annotations

from ..._template import Template, file_template

__all__ = [
    "BASE",
    "CLIENT",
    "ERRORS",
    "ERROR_CLASS",
    "INIT",
    "LINKED_PAGE",
    "PYPROJECT",
    "RUNTIME",
]

# The fixed modules, real files under python/ (see its __init__ for how they are checked).
BASE = file_template("synth.emit._sdk", "python/_base.py")
RUNTIME = file_template("synth.emit._sdk", "python/_runtime.py")
ERRORS = file_template("synth.emit._sdk", "python/errors.py")

ERROR_CLASS = Template('''\
class $name(ApiError):
    """$status $code: $title."""

    CODE = $code_repr
    STATUS = $status
    RETRYABLE = $retryable
''')

CLIENT = Template('''\
# $provenance
"""$title: typed clients, one method per operation.

``Client`` is synchronous and ``AsyncClient`` asynchronous; both take the server's URL (the
API's base path ``$base_path`` is appended) and $auth. Problem responses raise the
exception of their error code (``errors``); idempotent operations send a fresh
``Idempotency-Key`` unless you give one; ``iter_*`` methods $iterate.
"""

from __future__ import annotations

$imports

import httpx$pydantic_imports

from . import _runtime, models
from ._runtime import BASE_PATH, Call$local_imports

__all__ = ["AsyncClient", "Client"]


class Client:
    """The synchronous client; use it as a context manager or call ``close()``."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        base_path: str = BASE_PATH,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
        rate_limit_retries: int = 2,
    ) -> None:
        # A 429 is sent again after its Retry-After, at most this many times (0: never).
        self._rate_limit_retries = rate_limit_retries
        self._http = httpx.Client(
            base_url=base_url.rstrip("/") + base_path,
            headers=_runtime.default_headers(token, headers),
            timeout=timeout,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _send(self, call: Call) -> httpx.Response:
        for _ in range(self._rate_limit_retries):
            response = self._request(call)
            delay = _runtime.retry_after(response)
            if delay is None:
                return response
            _runtime.pause(delay)
        return self._request(call)

    def _request(self, call: Call) -> httpx.Response:
        return self._http.request(
            call.method,
            call.path,
            params=call.params,
            headers=call.headers,
            json=call.json,
            data=call.data,
            files=call.files,
        )
$sync_methods

class AsyncClient:
    """The asynchronous client; use it as an async context manager or await ``aclose()``."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        base_path: str = BASE_PATH,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
        rate_limit_retries: int = 2,
    ) -> None:
        # A 429 is sent again after its Retry-After, at most this many times (0: never).
        self._rate_limit_retries = rate_limit_retries
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/") + base_path,
            headers=_runtime.default_headers(token, headers),
            timeout=timeout,
            transport=transport,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def _send(self, call: Call) -> httpx.Response:
        for _ in range(self._rate_limit_retries):
            response = await self._request(call)
            delay = _runtime.retry_after(response)
            if delay is None:
                return response
            await _runtime.apause(delay)
        return await self._request(call)

    async def _request(self, call: Call) -> httpx.Response:
        return await self._http.request(
            call.method,
            call.path,
            params=call.params,
            headers=call.headers,
            json=call.json,
            data=call.data,
            files=call.files,
        )
$async_methods$helpers''')

INIT = Template('''\
# $provenance
"""$title: a typed Python client (sync and async) generated from the contracts."""

from . import $modules
from ._base import ResponseHeaders, ResponseMeta, response_meta
from .client import AsyncClient, Client
from .errors import (
$error_imports
)

__all__ = $all
''')

PYPROJECT = Template("""\
# $provenance
[build-system]
requires = ["setuptools>=69"]
build-backend = "setuptools.build_meta"

[project]
name = "$dist_name"
version = "$version"
description = "Typed Python client of $title, generated by synth."
requires-python = ">=3.11"
dependencies = ["httpx>=0.28", "pydantic[email]>=2.14,<3", "typing-extensions>=4.12"]

[tool.setuptools.packages.find]
include = ["$package*"]

[tool.setuptools.package-data]
$package = ["py.typed"]
""")

# Helpers of client.py for lists paged by the ``Link`` header (RFC 8288), emitted only when the
# API has one. httpx parses the header (``Response.links``); a relative target is resolved
# against the request's URL, and a next page outside the client's base URL is refused, so the
# client's credentials never go to another server. (httpx splits parameters at every ";", so a
# quoted parameter value holding one, which RFC 8288 allows and no known API sends, is misread.)
LINKED_PAGE = Template('''

_M = TypeVar("_M")


class LinkedPage(list[_M]):
    """One page of a list whose next page is named by the ``Link`` header (rel="next").

    ``next_url`` is that page's URL, or None on the last page.
    """

    next_url: str | None = None


def _linked(
    response: httpx.Response, status: int, items: TypeAdapter[list[_M]], base: httpx.URL
) -> LinkedPage[_M]:
    _runtime.check(response, status)
    try:
        page = LinkedPage(items.validate_json(response.content))
    except ValidationError as exc:
        raise UnexpectedResponse(response, f"the {status} body does not match: {exc}") from exc
    # A rel value may name several relations ("next last").
    links = response.links.values()
    target = next((x["url"] for x in links if "next" in x.get("rel", "").lower().split()), None)
    if target is not None:
        url = str(response.url.join(target))
        if not url.startswith(str(base)):
            raise UnexpectedResponse(
                response, f"the next page {url} is outside {base}; it is not followed"
            )
        page.next_url = url
    return page


def _follow(url: str) -> Call:
    """The request of a next page's URL (its query as parameters: httpx would drop it)."""
    target = httpx.URL(url)
    return Call("GET", str(target.copy_with(query=None)), params=tuple(target.params.multi_items()))
''')
