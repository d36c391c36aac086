"""Run every emitter over one ``ApiSpec`` and gather ``{relative path: text}``."""

from __future__ import annotations

from collections.abc import Callable

from .emit import openapi, sdk_python, taxonomy
from .spec import ApiSpec

__all__ = ["EMITTERS", "generate"]

Emitter = Callable[[ApiSpec], dict[str, str]]

EMITTERS: dict[str, Emitter] = {
    "openapi": openapi.emit,
    "taxonomy": taxonomy.emit,
    "sdk-python": sdk_python.emit,
}


def generate(spec: ApiSpec, only: tuple[str, ...] = ()) -> dict[str, str]:
    """All generated files, keyed by their path under ``generated/``."""
    files: dict[str, str] = {}
    for name, emitter in EMITTERS.items():
        if only and name not in only:
            continue
        for path, text in emitter(spec).items():
            if path in files:
                raise AssertionError(f"emitters {name!r} and another both write {path}")
            files[path] = text
    return files
