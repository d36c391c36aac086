"""OpenAPI 3.1 document → ``openapi.json``.

The document itself is built by ``synth.document``; this module only renders it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..document import build
from ..spec import ApiSpec
from ._json import dumps

__all__ = ["emit", "render"]


def emit(spec: ApiSpec) -> dict[str, str]:
    """``{"openapi.json": text}``, building the document first (for callers that have none)."""
    return render(build(spec))


def render(document: Mapping[str, Any]) -> dict[str, str]:
    """``{"openapi.json": text}`` for a document ``synth.document.build`` made."""
    return {"openapi.json": dumps(document)}
