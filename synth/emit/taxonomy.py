"""Error taxonomy → ``errors.md`` (for people) and ``errors.json`` (the same, as data)."""

from __future__ import annotations

from typing import Any

from .._provenance import PROVENANCE
from ..spec import ApiSpec
from ._json import dumps

__all__ = ["emit", "table"]


def table(spec: ApiSpec) -> list[dict[str, Any]]:
    """One row per code, ordered by status then code, with the operations that may return it."""
    rows = []
    for entry in spec.errors:
        ops = [op.operation_id for op in spec.operations if entry.code in op.error_codes]
        rows.append({
            "code": entry.code,
            "status": entry.status,
            "title": entry.title,
            "retryable": entry.retryable,
            "description": entry.description,
            "type": spec.error_type(entry.code),
            "operations": ops,
        })  # fmt: skip
    return rows


def emit(spec: ApiSpec) -> dict[str, str]:
    """``{"errors.md": ..., "errors.json": ...}``."""
    rows = table(spec)
    lines = [
        f"<!-- {PROVENANCE} -->",
        f"# Error codes of {spec.title} {spec.version}",
        "",
        "Every error is an RFC 9457 `application/problem+json` body: "
        "`{type, title, status, detail?, instance?, code, errors?}`. "
        "Match on `code`: it is stable across versions.",
        "",
        "| code | HTTP status | title | retryable | description | operations |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        ops = ", ".join(f"`{o}`" for o in row["operations"]) or "none"
        cells = [f"`{row['code']}`", str(row["status"]), row["title"],
                 "yes" if row["retryable"] else "no", row["description"], ops]  # fmt: skip
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    data = {"$comment": PROVENANCE, "api": spec.title, "version": spec.version, "errors": rows}
    return {"errors.md": "\n".join(lines) + "\n", "errors.json": dumps(data)}
