"""The way back: the document the imported package generates, diffed against the document
imported with ``synth diff``, both ways. Each breaking change that remains is what the package
does not say as the document did; it is listed, and commented where it concerns."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..diff import diff_documents

__all__ = ["way_back"]


def way_back(
    original: Mapping[str, Any], again: Mapping[str, Any]
) -> list[tuple[str, str, str, str, bool]]:
    """Each breaking change between ``original`` and ``again``, either way, as (where shown,
    what, "METHOD /path" or "" when it is no operation's, its rule, whether it is the way
    to the package). "document → package": a client
    written against the document would find it broken by a server written to the package;
    "package → document", the other way round."""
    out: dict[tuple[str, str], tuple[str, str, bool]] = {}
    sides = (
        (original, again, "document → package"),
        (again, original, "package → document"),
    )
    for old, new, why in sides:
        for change in diff_documents(old, new, "document", "package"):
            if not change.breaking:
                continue
            op = change.operation
            where = (
                f"{op.method.upper()} {op.path}"
                if op is not None and op.kind == "operation"
                else ""
            )
            shown = str(op) if op is not None else (change.component or "document")
            out.setdefault(
                (shown, f"{change.message} ({change.rule}; {why})"),
                (where, change.rule, new is again),
            )
    return [(shown, what, *rest) for (shown, what), rest in out.items()]
