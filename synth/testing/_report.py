"""Reports of a run: the terminal summary and the markdown report (also the CI step summary).

Everything here is built from ``Finding`` objects whose text was redacted when it was made;
the target's redactor runs once more over the whole report as a last guard.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ._config import TargetConfig
from ._coverage import Gap
from ._http import FaultCost, LimitWaits
from ._latency import latency_lines, latency_markdown, latency_rows
from ._order import OBJECT_LEVEL
from ._target import Target
from ._violation import Finding, Outcome

__all__ = ["Merged", "limits_line", "markdown", "summary_lines", "transport_line"]


@dataclass(slots=True)
class Merged:
    """A run read back from ``--results`` files (``synth test merge``): what a report needs
    of a ``Target``, already redacted where it was made."""

    config: TargetConfig
    run_id: str = ""
    findings: list[Finding] = field(default_factory=list)
    requests: int = 0
    faults_survived: Counter[str] = field(default_factory=Counter)
    faults_exhausted: Counter[str] = field(default_factory=Counter)
    fault_cost: FaultCost = field(default_factory=FaultCost)
    limit_waits: LimitWaits = field(default_factory=LimitWaits)
    set_aside: int = 0
    edges: dict[tuple[str, str], Any] = field(default_factory=dict)
    unsent_bounds: dict[str, dict[str, str]] = field(default_factory=dict)
    edges_unconfirmed: dict[tuple[str, str], str] = field(default_factory=dict)
    # Each operation's response times from every shard; objectives are judged by each shard's
    # own run (``--enforce-slo``), which has the contracts.
    latencies: dict[str, list[float]] = field(default_factory=dict)
    api: None = None
    enforce_slo: bool = False

    @property
    def requests_sent(self) -> int:
        return self.requests

    @property
    def redact(self) -> Callable[[str], str]:
        return str


Run = Target | Merged

# Checks whose outcome, seen while the API's other parts ran, was not a pass or a confirmed
# violation, run again with the run to themselves (``_runner``): the later outcome counts.
_BESIDE = (
    "seen while other checks ran, so run again with the run to itself (the server may tie "
    "what they do together in ways the contract does not say; an outcome the same both times "
    "was not the other checks' doing)"
)


def _first_then(x: Finding) -> str:
    """A check run again alone: what it was the first time (and what it saw), then now."""
    saw = x.extra.get("beside_saw", "")
    return f"first {x.extra['beside']}" + (f" ({saw})" if saw else "") + f", then {x.outcome}"


# A search passed on the answers its twin's search got (``_twins``).
_TWINNED = (
    "checks that sent no probes of their own: ERR-PROBLEM and ERR-DECLARED send the same "
    "probes (requests that should draw errors), so the other's search was judged by both "
    "rules, and this one held on every answer"
)


def _by(findings: list[Finding], *outcomes: Outcome) -> list[Finding]:
    return [f for f in findings if f.outcome in outcomes]


def _kinds(counts: Counter[str]) -> str:
    return ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items())) or "none"


def transport_line(target: Run) -> str:
    """Transport faults apart from violations: retried and survived, outlasting every retry."""
    survived, exhausted = target.faults_survived, target.faults_exhausted
    cost = target.fault_cost
    cut_short = len(_by(target.findings, Outcome.FAULT))
    if not (sum(survived.values()) or sum(exhausted.values()) or cut_short or target.set_aside
            or cost.seconds or cost.hedged):  # fmt: skip
        return "transport faults (not violations): none (no request failed or was sent again)"
    return (
        f"transport faults (not violations): {sum(survived.values())} retried and survived "
        f"({_kinds(survived)}); {sum(exhausted.values())} in requests that outlasted every retry "
        f"({_kinds(exhausted)}); {cut_short} checks cut short; "
        f"{target.set_aside} examples set aside (a write retried after it may have arrived, "
        "or a request that outlasted every retry); "
        f"{cost.seconds:.1f} s spent on them ({cost.seconds - cost.waited:.1f} s in attempts "
        f"that failed, {cost.waited:.1f} s waiting before retries; summed over workers); "
        f"{cost.hedged} slow safe requests (GET, HEAD) sent a second time while the first still "
        "waited (hedged: the first answer to come is used)"
    )


def limits_line(target: Run) -> str:
    """The 429 answers waited out (the server's rate limits: not violations, not faults)."""
    waits = target.limit_waits
    if not waits.answers:
        return "rate limits: no 429 answer waited out"
    return (f"rate limits: {waits.answers} answers of 429 waited out before sending again, "
            f"{waits.seconds:.1f} s in all (as Retry-After asked; summed over workers)")  # fmt: skip


def summary_lines(target: Run, not_planned: int = 0) -> list[str]:
    """A few plain lines for the end of the terminal output.

    What was not exercised is said once, in two parts that add up to the coverage line's
    count (and to pytest's skipped tests): the checks that ran and were skipped, each with
    its reason, and the ``not_planned`` declared checks synth cannot run here.
    """
    f = target.findings
    violations = _by(f, Outcome.VIOLATION)
    unconfirmed = _by(f, Outcome.UNCONFIRMED)
    skipped = len(_by(f, Outcome.SKIPPED))
    requests = target.requests_sent
    lines = [
        f"synth: {len(f)} checks, {len(violations)} violations, {len(_by(f, Outcome.FAULT))} cut short "
        f"by transport faults, {len(unconfirmed)} unconfirmed, {len(_by(f, Outcome.ERROR))} "
        f"errors, {requests} requests; run id {target.run_id}",
        f"  not exercised: {skipped} skipped at run time (no usable example, or too few "
        f"tenants; each with the reason), {not_planned} not planned (synth cannot run them "
        f"here; each with the reason): {skipped + not_planned} in all",
        f"  {transport_line(target)}",
    ]
    if target.limit_waits.answers:
        lines.append(f"  {limits_line(target)}")
    # Lists whose edge fixture could not be made: judged by their drawn examples only.
    lines += [
        f"  not judged at the declared edges (PAGE-LIMIT, PAGE-END, PAGE-COMPLETE) {op}: {why}"
        for (_, op), why in sorted(target.edges.items())
        if isinstance(why, str)
    ]
    lines += [
        f"  not sent at the bound (VAL-BOUND) {op} {bound}: {why}"
        for op, bounds in sorted(target.unsent_bounds.items())
        for bound, why in sorted(bounds.items())
        if why
    ]
    lines += [
        f"  not reproduced at the declared edges {inv} {op} (a failure a re-check at once did "
        f"not show again; not reported as a violation): {what}"
        for (inv, op), what in sorted(target.edges_unconfirmed.items())
    ]
    lines += [f"  VIOLATION {x.invariant} {x.operation}: expected {x.expected}" for x in violations]
    lines += [
        f"  unconfirmed {x.invariant} {x.operation} (not reported as a violation)"
        for x in unconfirmed
    ]
    lines += [f"  {_BESIDE}: {x.invariant} {x.operation} ({_first_then(x)})"
              for x in f if "beside" in x.extra]  # fmt: skip
    twinned = [x for x in f if "judged_by" in x.extra]
    if twinned:
        lines.append(f"  {_TWINNED}: " + ", ".join(f"{x.invariant} {x.operation}" for x in twinned))
    lines += latency_lines(latency_rows(target.api, target.latencies), target.enforce_slo)
    if target.config.seed is not None:
        lines.append(f"  reproduce with --seed {target.config.seed}")
    return [target.redact(line) for line in lines]


def markdown(target: Run, gaps: list[Gap] | None = None, coverage: str = "") -> str:
    """The whole run as markdown: a table, each violation with its curl sequence, then the
    declared checks not exercised (``gaps``) under the ``coverage`` headline."""
    f = target.findings
    violations = _by(f, Outcome.VIOLATION)
    faults = _by(f, Outcome.FAULT, Outcome.ERROR)
    unconfirmed = _by(f, Outcome.UNCONFIRMED)
    verdict = "no violations" if not violations else f"{len(violations)} violation(s)"
    # Errors and faults fail the run too (exit 1): the headline says so, not the table alone.
    if errors := _by(f, Outcome.ERROR):
        verdict += f"; {len(errors)} check error(s), a bug in synth, not in the server (exit 1)"
    if cut := _by(f, Outcome.FAULT):
        verdict += f"; {len(cut)} check(s) cut short by transport faults (exit 1)"
    out = [
        f"## synth test: {verdict}",
        "",
        f"Target `{target.config.url}`, profile `{target.config.profile.name}`, "
        f"seed `{target.config.seed if target.config.seed is not None else 'random'}`, "
        f"run id `{target.run_id}`.",
        "",
        "| invariant | operation | outcome | seconds | requests |",
        "|---|---|---|---:|---:|",
    ]
    for x in f:
        out.append(
            f"| {x.invariant} | `{x.operation}` | {x.outcome} | {x.seconds:.2f} | {x.requests} |"
        )
    for x in violations:
        # The object-level check runs once per part of the API, named by its first operation
        # id: the operation that leaked is the one its "got" line and requests name.
        on = (f"the part of the API named `{x.operation}`" if x.invariant == OBJECT_LEVEL
              else f"`{x.operation}`")  # fmt: skip
        out += ["", f"### {x.invariant} on {on}", "", f"- expected: {x.expected}",
                f"- got: {x.actual}", "", "```sh", x.curl, "```"]  # fmt: skip
    out += latency_markdown(latency_rows(target.api, target.latencies), target.enforce_slo)
    out += ["", "### Transport faults and check errors (not contract violations)", "",
            transport_line(target).capitalize() + ".", "",
            limits_line(target).capitalize() + "."]  # fmt: skip
    if faults:
        out.append("")
        out += [f"- {x.invariant} `{x.operation}`: {x.message.splitlines()[0]}" for x in faults]
    if unconfirmed:
        out += ["", "### Unconfirmed (did not reproduce on replay; not reported as violations)", ""]
        out += [f"- {x.invariant} `{x.operation}`: expected {x.expected}"
                + (f"; got {x.actual}" if x.actual else "") for x in unconfirmed]  # fmt: skip
    if target.edges_unconfirmed:
        out += ["", "### Not reproduced at the declared edges (a re-check at once passed; not "
                "reported as violations)", ""]  # fmt: skip
        out += [f"- {inv} `{op}`: {what}"
                for (inv, op), what in sorted(target.edges_unconfirmed.items())]  # fmt: skip
    beside = [x for x in f if "beside" in x.extra]
    if beside:
        out += ["", f"### Run again alone ({_BESIDE})", ""]
        out += [f"- {x.invariant} `{x.operation}`: {_first_then(x)}" for x in beside]
    twinned = [x for x in f if "judged_by" in x.extra]
    if twinned:
        out += ["", f"### Judged on another check's answers ({_TWINNED})", ""]
        out += [f"- {x.invariant} `{x.operation}`: by `{x.extra['judged_by']}`, "
                f"{x.examples} examples" for x in twinned]  # fmt: skip
    if coverage:
        out += [
            "",
            "### Coverage of the declared semantics",
            "",
            coverage[:1].upper() + coverage[1:] + ".",
        ]
    if gaps:
        out += ["", "| invariant | operation | not exercised because |", "|---|---|---|"]
        out += [f"| {g.invariant} | `{g.operation}` | {_cell(g.reason)} |" for g in gaps]
    return target.redact("\n".join(out) + "\n")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
