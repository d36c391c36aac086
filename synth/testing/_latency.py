"""Response times per operation: percentiles, and the latency objectives they meet or breach.

Every answer a check or conformance got is recorded (``Target.note_latency``). A declared
objective (``slo=Latency(p95="200ms")``) is judged only over at least ``MIN_SAMPLE`` answers:
a percentile of a handful says little, and a run that fails on one slow request would cry wolf.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..spec import ApiSpec, LatencySpec

__all__ = ["MIN_SAMPLE", "LatencyRow", "latency_lines", "latency_markdown", "latency_rows"]

MIN_SAMPLE = 20
_NAMES = ("p50", "p95", "p99")


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank ``q``-th percentile (0 < q <= 100) of ``values`` (not empty)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


@dataclass(frozen=True, slots=True)
class LatencyRow:
    """One operation: how many answers were timed, their percentiles in ms, its objective."""

    operation: str
    samples: int
    measured: dict[str, float]
    slo: LatencySpec | None

    @property
    def judged(self) -> bool:
        return self.slo is not None and self.samples >= MIN_SAMPLE

    @property
    def breaches(self) -> list[tuple[str, float, float]]:
        """``(percentile, measured ms, bound ms)`` over its bound; none when not judged."""
        if not self.judged or self.slo is None:
            return []
        return [(name, self.measured[name], bound) for name, bound in self.slo.bounds()
                if self.measured[name] > bound]  # fmt: skip


def latency_rows(api: ApiSpec | None, latencies: dict[str, list[float]]) -> list[LatencyRow]:
    """A row per operation that answered at least once, in declared order; without the
    contracts (``synth test merge``), by name and with no objective judged."""
    declared = (
        [(op.operation_id, op.slo) for op in api.operations]
        if api is not None
        else [(name, None) for name in sorted(latencies)]
    )
    rows = []
    for operation_id, slo in declared:
        times = [t * 1000 for t in latencies.get(operation_id, [])]
        if times:
            measured = {n: percentile(times, float(n[1:])) for n in _NAMES}
            rows.append(LatencyRow(operation_id, len(times), measured, slo))
    return rows


def _objective(row: LatencyRow) -> str:
    if row.slo is None:
        return "none declared"
    declared = ", ".join(f"{n} ≤ {ms:g} ms" for n, ms in row.slo.bounds())
    if not row.judged:
        return f"{declared}: not judged, {row.samples} answers (at least {MIN_SAMPLE} needed)"
    if row.breaches:
        over = ", ".join(f"{n} {got:.1f} ms > {bound:g} ms" for n, got, bound in row.breaches)
        return f"{declared}: BREACHED ({over}) over {row.samples} answers"
    return f"{declared}: met over {row.samples} answers"


def latency_lines(rows: list[LatencyRow], enforce: bool) -> list[str]:
    """The terminal summary's lines: each operation's percentiles and its objective."""
    if not rows:
        return []
    how = "--enforce-slo" if enforce else "objectives reported, not enforced (--enforce-slo)"
    lines = [f"  latency per operation (ms; {how}):"]
    for row in rows:
        m = row.measured
        lines.append(f"    {row.operation}: n={row.samples} p50={m['p50']:.1f} "
                     f"p95={m['p95']:.1f} p99={m['p99']:.1f}; {_objective(row)}")  # fmt: skip
    return lines


def latency_markdown(rows: list[LatencyRow], enforce: bool) -> list[str]:
    """The report's section: one table row per operation."""
    if not rows:
        return []
    how = ("a breach over at least {n} answers fails the run (--enforce-slo)" if enforce
           else "objectives are reported, not enforced (--enforce-slo fails the run on a breach "
           "over at least {n} answers)").format(n=MIN_SAMPLE)  # fmt: skip
    out = ["", "### Latency per operation", "", f"Response times in ms; {how}.", "",
           "| operation | answers | p50 | p95 | p99 | objective |", "|---|---:|---:|---:|---:|---|"]  # fmt: skip
    for row in rows:
        m = row.measured
        out.append(f"| `{row.operation}` | {row.samples} | {m['p50']:.1f} | {m['p95']:.1f} | "
                   f"{m['p99']:.1f} | {_objective(row)} |")  # fmt: skip
    return out
