"""A ``Report`` as a table for people or JSON for machines."""

from __future__ import annotations

import json
from typing import Any

from ._model import Change
from ._policy import Report, suggestion

__all__ = ["render_json", "render_table"]


def _summary(report: Report) -> str:
    acked = sum(c.acknowledged for c in report.breaking)
    parts = [f"{len(report.breaking)} breaking"]
    if acked:
        parts[0] += f" ({acked} acknowledged)"
    parts.append(f"{len(report.changes) - len(report.breaking)} non-breaking")
    version = f"info.version {report.old_version} -> {report.new_version}"
    if report.major_bump:
        version += " (major bump: breaking changes are allowed)"
    return f"{', '.join(parts)}; {version}"


def _rows(changes: list[Change]) -> list[str]:
    if not changes:
        return ["  (none)"]
    width_rule = max(len(c.rule) for c in changes)
    width_where = max(len(c.where) for c in changes)
    lines = []
    for change in changes:
        mark = " [acknowledged]" if change.acknowledged else ""
        lines.append(f"  {change.rule:<{width_rule}}  {change.where:<{width_where}}  "
                     f"{change.message}{mark}")  # fmt: skip
        at = "in OLD" if change.side == "old" else "in NEW"
        lines.append(f"  {'':<{width_rule}}  {'':<{width_where}}  at {change.location} ({at})")
    return lines


def render_table(report: Report) -> str:
    """Grouped, breaking first; each change on two lines: what, then where in the document."""
    breaking = [c for c in report.changes if c.breaking]
    other = [c for c in report.changes if not c.breaking]
    out = [f"synth diff {report.old_label} -> {report.new_label}", _summary(report), ""]
    out.append(f"BREAKING ({len(breaking)})")
    out += _rows(breaking)
    out += ["", f"NON-BREAKING ({len(other)})"]
    out += _rows(other)
    if report.unused_acks:
        out += ["", "Acknowledgements that matched no change (remove them):"]
        out += [f"  {a.rule} at {a.location}" for a in report.unused_acks]
    failing = report.failing
    if failing:
        out += [
            "",
            f"FAILED: {len(failing)} breaking change(s) would break existing clients.",
            "Fix: undo the change, bump the major part of info.version (the Api's version), or "
            "acknowledge each change in contracts/breaking-changes.toml:",
            "",
        ]
        out += [suggestion(c).to_toml() + "\n" for c in failing]
    return "\n".join(out).rstrip() + "\n"


def render_json(report: Report) -> str:
    data: dict[str, Any] = {
        "old": {"source": report.old_label, "version": report.old_version},
        "new": {"source": report.new_label, "version": report.new_version},
        "majorVersionBumped": report.major_bump,
        "summary": {
            "breaking": len(report.breaking),
            "acknowledged": sum(c.acknowledged for c in report.breaking),
            "nonBreaking": len(report.changes) - len(report.breaking),
            "failing": len(report.failing),
        },
        "changes": [c.to_json() for c in report.changes],
        "unusedAcknowledgements": [
            {"rule": a.rule, "location": a.location, "operation": a.operation}
            for a in report.unused_acks
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
