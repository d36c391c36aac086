"""Deterministic JSON text for generated files."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["dumps"]


def dumps(data: Any) -> str:
    """Two-space indented JSON with a trailing newline; key order as given (it is meaningful)."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
