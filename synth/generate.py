"""Run every emitter over one ``ApiSpec`` and gather ``{relative path: text}``.

Two kinds of input: the ``ApiSpec`` itself, and the OpenAPI document built from it (the Zod
emitter serves any OpenAPI 3.1 document, not only ours; the Python SDK's models come from the
document's schemas). The document is built once, by ``synth.document``, and shared.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal, NamedTuple

from . import document
from .emit import openapi, sdk_python, sdk_typescript, security, taxonomy, tests
from .spec import ApiSpec
from .zod import emit_zod

__all__ = ["EMITTERS", "Emitter", "Input", "generate"]


Input = Literal["spec", "document"]


class Emitter(NamedTuple):
    """One target: what it reads, in the order its function takes them, and that function."""

    reads: tuple[Input, ...]
    emit: Callable[..., dict[str, str]]


def _zod(document: Mapping[str, Any]) -> dict[str, str]:
    files = emit_zod(document, source="openapi.json", patterns="pydantic")
    return {f"zod/{path}": text for path, text in files.items()}


def _sdk_typescript(spec: ApiSpec, document: Mapping[str, Any]) -> dict[str, str]:
    # The package carries its own Zod modules, with the `.js` imports Node's ESM loader needs.
    zod = emit_zod(document, source="openapi.json", patterns="pydantic", esm=True)
    return sdk_typescript.emit(spec, zod)


EMITTERS: dict[str, Emitter] = {
    "openapi": Emitter(("document",), openapi.render),
    "taxonomy": Emitter(("spec",), taxonomy.emit),
    "security": Emitter(("spec",), security.emit),
    "zod": Emitter(("document",), _zod),
    "tests": Emitter(("spec",), tests.emit),
    "sdk-python": Emitter(("spec", "document"), sdk_python.emit),
    "sdk-typescript": Emitter(("spec", "document"), _sdk_typescript),
}


def generate(spec: ApiSpec, only: tuple[str, ...] = ()) -> dict[str, str]:
    """All generated files, keyed by their path under ``generated/``."""
    inputs: dict[Input, Any] = {"spec": spec, "document": document.build(spec)}
    files: dict[str, str] = {}
    for name, emitter in EMITTERS.items():
        if only and name not in only:
            continue
        for path, text in emitter.emit(*(inputs[i] for i in emitter.reads)).items():
            if path in files:
                raise AssertionError(f"emitters {name!r} and another both write {path}")
            files[path] = text
    return files
