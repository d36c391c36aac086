"""Run every emitter over one ``ApiSpec`` and gather ``{relative path: text}``.

Two kinds of emitter: those that read the ``ApiSpec`` and those that read the OpenAPI
document (the Zod emitter serves any OpenAPI 3.1 document, not only ours). The document is
built once and shared.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .emit import openapi, sdk_python, sdk_typescript, taxonomy, tests
from .spec import ApiSpec
from .zod import emit_zod

__all__ = ["EMITTERS", "generate"]

Emitter = Callable[[ApiSpec, Mapping[str, Any]], dict[str, str]]


def _zod(_: ApiSpec, document: Mapping[str, Any]) -> dict[str, str]:
    files = emit_zod(document, source="openapi.json")
    return {f"zod/{path}": text for path, text in files.items()}


EMITTERS: dict[str, Emitter] = {
    "openapi": lambda _, document: openapi.render(document),
    "taxonomy": lambda spec, _: taxonomy.emit(spec),
    "zod": _zod,
    "tests": lambda spec, _: tests.emit(spec),
    "sdk-python": lambda spec, _: sdk_python.emit(spec),
    "sdk-typescript": lambda spec, _: sdk_typescript.emit(spec),
}


def generate(spec: ApiSpec, only: tuple[str, ...] = ()) -> dict[str, str]:
    """All generated files, keyed by their path under ``generated/``."""
    document = openapi.build(spec)
    files: dict[str, str] = {}
    for name, emitter in EMITTERS.items():
        if only and name not in only:
            continue
        for path, text in emitter(spec, document).items():
            if path in files:
                raise AssertionError(f"emitters {name!r} and another both write {path}")
            files[path] = text
    return files
