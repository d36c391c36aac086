"""The Python SDK, generated once per session into a temporary folder and imported from it.

Generating here (not reading ``generated/``) tests the emitter itself, before and after
``synth generate`` writes it; ``synth generate --check`` keeps ``generated/`` equal to it.
"""

from __future__ import annotations

import asyncio
import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest

from synth.document import build
from synth.emit import sdk_python
from synth.emit._sdk.naming import package_name
from synth.loader import load
from synth.spec import ApiSpec

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def spec() -> ApiSpec:
    return load(ROOT / "contracts")


@pytest.fixture(scope="session")
def sdk_files(spec: ApiSpec) -> dict[str, str]:
    return sdk_python.emit(spec, build(spec))


@pytest.fixture(scope="session")
def sdk_root(sdk_files: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder that holds the package (``sdk/python`` of a generated tree)."""
    out = tmp_path_factory.mktemp("generated")
    for rel, text in sdk_files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return out / "sdk" / "python"


@pytest.fixture(scope="session")
def sdk(spec: ApiSpec, sdk_root: Path) -> Iterator[ModuleType]:
    name = package_name(spec.title)
    sys.path.insert(0, str(sdk_root))
    try:
        yield importlib.import_module(name)
    finally:
        sys.path.remove(str(sdk_root))


class SyncASGITransport(httpx.BaseTransport):
    """httpx's sync transport over an ASGI app: one private event loop runs the app.

    httpx has ``ASGITransport`` only for ``AsyncClient``; this lets the sync ``Client`` talk
    to the same in-process server without a socket.
    """

    def __init__(self, app: object) -> None:
        # httpx names its ASGI app type only privately (`_ASGIApp`), so `app` stays `object`.
        self._inner = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        self._loop = asyncio.new_event_loop()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def send() -> httpx.Response:
            response = await self._inner.handle_async_request(request)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=content)

        return self._loop.run_until_complete(send())

    def close(self) -> None:
        self._loop.close()
