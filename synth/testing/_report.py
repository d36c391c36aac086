"""Reports of a run: the terminal summary and the markdown report (also the CI step summary).

Everything here is built from ``Finding`` objects whose text was redacted when it was made;
the target's redactor runs once more over the whole report as a last guard.
"""

from __future__ import annotations

from ._target import Target
from ._violation import Finding

__all__ = ["markdown", "summary_lines"]


def _by(findings: list[Finding], *outcomes: str) -> list[Finding]:
    return [f for f in findings if f.outcome in outcomes]


def summary_lines(target: Target) -> list[str]:
    """A few plain lines for the end of the terminal output."""
    f = target.findings
    violations = _by(f, "violation")
    unconfirmed = [x for x in f if x.outcome == "passed" and not x.confirmed]
    lines = [
        f"synth: {len(f)} checks, {len(violations)} violations, {len(_by(f, 'fault'))} transport "
        f"faults, {len(unconfirmed)} unconfirmed, {len(_by(f, 'skipped'))} skipped, "
        f"{target._client.requests if target._client else target.requests} requests; run id {target.run_id}",
    ]
    lines += [f"  VIOLATION {x.invariant} {x.operation}: expected {x.expected}" for x in violations]
    lines += [
        f"  unconfirmed {x.invariant} {x.operation} (not reported as a violation)"
        for x in unconfirmed
    ]
    if target.config.seed is not None:
        lines.append(f"  reproduce with --seed {target.config.seed}")
    return [target.redact(line) for line in lines]


def markdown(target: Target) -> str:
    """The whole run as markdown: a table, then each violation with its curl sequence."""
    f = target.findings
    violations = _by(f, "violation")
    faults = _by(f, "fault", "error")
    unconfirmed = [x for x in f if x.outcome == "passed" and not x.confirmed]
    verdict = "no violations" if not violations else f"{len(violations)} violation(s)"
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
        outcome = x.outcome if x.confirmed else "unconfirmed"
        out.append(
            f"| {x.invariant} | `{x.operation}` | {outcome} | {x.seconds:.2f} | {x.requests} |"
        )
    for x in violations:
        out += ["", f"### {x.invariant} on `{x.operation}`", "", f"- expected: {x.expected}",
                f"- got: {x.actual}", "", "```sh", x.curl, "```"]  # fmt: skip
    if faults:
        out += ["", "### Transport faults and check errors (not contract violations)", ""]
        out += [f"- {x.invariant} `{x.operation}`: {x.message.splitlines()[0]}" for x in faults]
    if unconfirmed:
        out += ["", "### Unconfirmed (did not reproduce on replay; not reported as violations)", ""]
        out += [f"- {x.invariant} `{x.operation}`: expected {x.expected}" for x in unconfirmed]
    return target.redact("\n".join(out) + "\n")
