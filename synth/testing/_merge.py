"""``synth test merge``: the ``--results`` files of a sharded run as one JUnit and one report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from .._errors import UsageError
from ._config import PROFILES, TargetConfig
from ._coverage import Gap, uncovered
from ._coverage import describe as describe_coverage
from ._order import parse_shard
from ._parallel import merge_state
from ._report import Merged, markdown, summary_lines
from ._violation import FAILING, Outcome

__all__ = ["merge_results"]


def merge_results(
    files: list[str | Path], *, junit: str | Path | None = None, report: str | Path | None = None
) -> tuple[int, list[str]]:
    """Merge shards' results; returns the exit code (1 when any shard found a violation or a
    check crashed, else 0) and the summary lines."""
    if not files:
        raise UsageError("synth test merge needs one --results file or more; e.g. shard-*.json")
    resolved = [Path(path).resolve() for path in files]
    twice = next((path for n, path in enumerate(files) if resolved[n] in resolved[:n]), None)
    if twice is not None:
        raise UsageError(f"{twice}: given twice; give each shard's --results file once")
    merged: Merged | None = None
    checks: list[tuple[str, str]] = []
    gaps: list[Gap] = []
    ids: list[str] = []
    seen: dict[tuple[str, str], str] = {}
    shards: dict[str, str | None] = {}  # each file's shard ("I/N"; None: a whole run)
    for path in files:
        text, state, config = _read(path)
        if "shard" in state:  # written by a synth that records it
            shards[str(path)] = state["shard"]
        if merged is None:
            merged = Merged(config)
        elif (config.url, config.profile, config.seed) != (
            merged.config.url, merged.config.profile, merged.config.seed,
        ):  # fmt: skip
            raise UsageError(
                f"{path}: a run of {config.url} (profile {config.profile.name}, seed "
                f"{config.seed}), not of {merged.config.url} (profile "
                f"{merged.config.profile.name}, seed {merged.config.seed}) like {files[0]}; "
                "merge the shards of one run"
            )
        before = len(merged.findings)
        their_checks, their_gaps, run_id = merge_state(merged, text)
        for finding in merged.findings[before:]:
            key = (finding.invariant, finding.operation)
            if key in seen:
                raise UsageError(
                    f"{path}: {key[0]} on {key[1]} was also run by {seen[key]}; merge the shards "
                    "of one run, each once"
                )
            seen[key] = str(path)
        checks += their_checks
        gaps += their_gaps
        ids += [run_id] if run_id else []
    assert merged is not None
    unrecorded = _every_shard(shards, [str(path) for path in files])
    merged.run_id = ", ".join(sorted(ids))
    missed = uncovered(gaps, merged.findings, checks)
    coverage = describe_coverage(missed, len(checks) + len(gaps))
    lines = summary_lines(merged, len(gaps)) + coverage + unrecorded
    if report is not None:
        Path(report).write_text(markdown(merged, missed, coverage[0] if coverage else ""),
                                encoding="utf-8")  # fmt: skip
    if junit is not None:
        _junit(merged, gaps, Path(junit))
    failed = any(f.outcome in FAILING - {Outcome.FAULT} for f in merged.findings)
    return (1 if failed else 0), lines


def _read(path: str | Path) -> tuple[str, dict[str, Any], TargetConfig]:
    """A ``--results`` file's text, its JSON and the run it was of; a ``UsageError`` naming
    what is wrong where it is not one."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        state = json.loads(text)
        config = TargetConfig(tenants=(), base_url=state["url"],
                              profile=PROFILES[state["profile"]], seed=state["seed"])  # fmt: skip
    except KeyError as exc:
        raise UsageError(
            f"{path}: not a results file written by `synth test --results` (it has no "
            f"{exc.args[0]!r}); give each shard's --results file"
        ) from None
    except (OSError, ValueError, TypeError) as exc:
        raise UsageError(
            f"{path}: not a results file written by `synth test --results` "
            f"({type(exc).__name__}: {exc}); give each shard's --results file"
        ) from None
    return text, state, config


def _every_shard(shards: dict[str, str | None], files: list[str]) -> list[str]:
    """Every shard of the run is given, once; else a ``UsageError`` naming what is missing. A
    shard job that failed before writing its file would otherwise leave its checks out of a
    merge that passes. ``shards``: the shard each file names. Files written before synth
    recorded it name none, and then nothing is checked: the summary line returned says so."""
    unrecorded = [path for path in files if path not in shards]
    if unrecorded:
        return [f"synth: {', '.join(unrecorded)} name no shard (written by an earlier synth): "
                "whether a shard of the run is missing cannot be told"]  # fmt: skip
    whole = [path for path, shard in shards.items() if shard is None]
    if whole and len(files) > 1:
        raise UsageError(
            f"{whole[0]}: a whole run (no --shard), not a shard of one; merge the --results "
            "files of one sharded run, or give a whole run's file alone"
        )
    if whole:
        return []
    given: dict[tuple[int, int], str] = {}
    for path, shard in shards.items():
        assert shard is not None
        index, count = parse_shard(shard)
        if (index, count) in given:
            raise UsageError(
                f"{path}: shard {shard}, as is {given[index, count]}; merge the shards of one "
                "run, each once"
            )
        given[index, count] = path
    counts = sorted({count for _, count in given})
    if len(counts) > 1:
        named = ", ".join(f"{path} ({i}/{n})" for (i, n), path in sorted(given.items()))
        raise UsageError(
            f"shards of runs split {' and '.join(map(str, counts))} ways: {named}; merge the "
            "shards of one run"
        )
    missing = [f"{i}/{counts[0]}" for i in range(1, counts[0] + 1) if (i, counts[0]) not in given]
    if missing:
        raise UsageError(
            f"shard {', '.join(missing)} of the run missing: given "
            + ", ".join(f"{i}/{n} ({path})" for (i, n), path in sorted(given.items()))
            + "; give every shard's --results file (a shard job that failed before writing "
            "its file is run again, with the same --seed)"
        )
    return []


def _junit(merged: Merged, gaps: list[Gap], path: Path) -> None:
    """One test case per check, as the shards' pytest runs report them: a violation or a
    crashed check fails; a check cut short by transport faults, or not exercised, is skipped."""
    suite = ET.Element("testsuite", name="synth")
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for f in merged.findings:
        case = ET.SubElement(suite, "testcase", classname=f.operation,
                             name=f"{f.invariant} {f.operation}", time=f"{f.seconds:.3f}")  # fmt: skip
        counts["tests"] += 1
        if f.outcome is Outcome.VIOLATION:
            ET.SubElement(case, "failure", message=f"expected {f.expected}").text = f.message
            counts["failures"] += 1
        elif f.outcome is Outcome.ERROR:
            ET.SubElement(case, "error", message=f.message.splitlines()[0]).text = f.message
            counts["errors"] += 1
        elif f.outcome in (Outcome.SKIPPED, Outcome.FAULT):
            ET.SubElement(case, "skipped", message=f.message.splitlines()[0] if f.message else "")
            counts["skipped"] += 1
    for gap in gaps:
        case = ET.SubElement(suite, "testcase", classname=gap.operation,
                             name=f"{gap.invariant} {gap.operation}", time="0.000")  # fmt: skip
        ET.SubElement(case, "skipped", message=gap.reason)
        counts["tests"] += 1
        counts["skipped"] += 1
    for key, value in counts.items():
        suite.set(key, str(value))
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    path.write_text(ET.tostring(root, encoding="unicode") + "\n", encoding="utf-8")
