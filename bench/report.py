"""Write ``docs/benchmarks.md`` from ``bench/results/*.json``.

Run: ``.venv/bin/python -m bench.report`` (``make bench`` runs it after the benchmarks).
"""

from __future__ import annotations

import json
import shlex
import statistics
from pathlib import Path
from typing import Any

from examples.reference_server.bugs import BUGS

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "benchmarks.md"
NOTES = ROOT / "bench" / "notes"
"""Hand-written notes (profiles, fixes, before/after), appended to the section of that name."""


def _load(name: str) -> dict[str, Any] | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def generation(data: dict[str, Any]) -> list[str]:
    rows = data["rows"]
    out = [
        "## Generation",
        "",
        "Same models and routes, each peer in a fresh interpreter with its libraries imported, "
        f"median of {data['repeat']} interleaved runs (Python {data['python']}). synth: `load` "
        f"and every emitter except the SDK ({', '.join(rows[0]['synth']['emitters'])}); "
        "FastAPI: route registration and `app.openapi()`; floor: Pydantic's "
        "`models_json_schema` over the same models in both modes. Times include building the "
        "models; memory is the growth of peak RSS during the work.",
        "",
        "Reproduce: `.venv/bin/python -m bench.generation` (or `make bench`).",
        "",
        "| R | operations | synth s | FastAPI s | floor s | synth / floor | synth / FastAPI | synth MB | FastAPI MB | floor MB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        s, f, p = r["synth"], r["fastapi"], r["floor"]
        out.append(
            f"| {r['resources']} | {r['operations']} | {s['total']:.3f} | {f['total']:.3f} | "
            f"{p['total']:.3f} | {r['ratio_vs_floor']:.2f} | {r['ratio_vs_fastapi']:.2f} | "
            f"{s['mem']:.0f} | {f['mem']:.0f} | {p['mem']:.0f} |"
        )
    if "sdk" in rows[0]:
        out += [
            "",
            "The SDK step: synth's Python SDK emitter (datamodel-code-generator with synth's "
            "options, then the client, errors and runtime modules) against "
            "datamodel-code-generator alone with its default options, on the same document:",
            "",
            "| R | synth SDK s | datamodel-code-generator alone s | ratio |",
            "|---|---|---|---|",
        ]
        out += [f"| {r['resources']} | {r['sdk']['total']:.3f} | {r['sdk']['alone']:.3f} | "
                f"{r['ratio_sdk_vs_datamodel_codegen']:.2f} |" for r in rows]  # fmt: skip
    exps = data.get("scaling_exponent") or {}
    if exps:
        out += [
            "",
            "Scaling exponent between the two largest sizes (1.0 is linear): "
            + ", ".join(f"{k} {v:.2f}" for k, v in exps.items())
            + ".",
        ]
    big = rows[-1]
    out += [
        "",
        f"Targets at R={big['resources']}: synth within 1.5x the floor "
        f"({'met' if big['ratio_vs_floor'] <= 1.5 else 'missed'}: {big['ratio_vs_floor']:.2f}x) "
        f"and under 0.4x FastAPI ({'met' if big['ratio_vs_fastapi'] < 0.4 else 'missed'}: "
        f"{big['ratio_vs_fastapi']:.2f}x).",
        "",
    ]
    return out


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def bugs(data: dict[str, Any]) -> list[str]:
    rows, summary = data["rows"], data["summary"]
    out = [
        "## Bug finding",
        "",
        "Each planted bug of the reference server (a real process on loopback, work delay "
        f"{data['work_delay']} s, a fresh one per tool and bug), seed {data['seed']}. synth: "
        "`synth test --profile default` over the whole generated suite in its run order (cheap "
        "single-request checks first; one worker, in the benchmark's process), stopped "
        "once the bug's invariant is reported; seconds and requests (retries and confirmation "
        "replays included) are counted from the start of the run to that report, and for the "
        "check that reported it alone. schemathesis "
        f"{data['schemathesis']}: `st run` with `--checks all --phases {data['st_phases']}`, "
        "both tenants as Web Fuzzing Commons users listed as `peers` for "
        "`object_level_authorization`; a bug counts as found when it makes schemathesis report "
        "a (check, operation) that it does not report against the correct server.",
        "",
        "Reproduce: `.venv/bin/python -m bench.bugs` (or `make bench`)"
        + (
            f"; it takes about {data['elapsed_seconds'] / 60:.0f} minutes."
            if "elapsed_seconds" in data
            else "."
        ),
        "",
    ]
    carried = data.get("carried")
    if carried:
        out += [
            f"The {carried['tool']} columns are carried over from its run of "
            f"{carried['measured_on']} (`--keep-other`; {len(carried['bugs'])} bugs, the tool "
            f"unchanged since); the other columns were measured on "
            f"{data.get('measured_on', 'the date of this file')}.",
            "",
        ]
    out += [
        "| bug | invariant | shortest | synth | to report s | to report req | check s "
        "| check req | first report (any) s | schemathesis | its new failures | to first s "
        "| to first req |",
        "|---|---|---:|---|---:|---:|---:|---:|---:|---|---|---:|---:|",
    ]
    for r in rows:
        s, st = r.get("synth"), r.get("schemathesis")
        cells = [r["bug"], r["invariant"], str(r["shortest"])]
        if s is not None:
            hit, first = s["expected_report"], s["first_report"]
            cells += ["found" if hit else "**missed**"]
            cells += [f"{hit['seconds']:.1f}", str(hit["requests"]), f"{hit['check_seconds']:.1f}",
                      str(hit["check_requests"])] if hit else ["-"] * 4  # fmt: skip
            cells.append(_seconds(first["seconds"] if first else None))
        else:
            cells += ["-"] * 6
        if st is not None:
            new = st["first_new"]
            cells += ["found" if st["found"] else "-", ", ".join(st["new"]) or "-"]
            cells += [f"{new['seconds']:.1f}", str(new["requests"])] if new else ["-", "-"]
        else:
            cells += ["-"] * 4
        out.append("| " + " | ".join(cells) + " |")
    clean = data.get("clean", {})
    if "schemathesis" in clean:
        out += ["", "Against the correct server schemathesis reports "
                + (", ".join(clean["schemathesis"]["reported"]) or "nothing")
                + f" ({clean['schemathesis']['total_requests']} requests, "
                f"{clean['schemathesis']['wall_seconds']:.1f} s); synth reports "
                + (", ".join(clean.get("synth", {}).get("reported", [])) or "nothing")
                + (f" ({clean['synth']['total_requests']} requests, "
                   f"{clean['synth']['wall_seconds']:.1f} s for the whole suite)."
                   if "synth" in clean else ".")]  # fmt: skip
    sy, st = summary.get("synth"), summary.get("schemathesis")
    if sy:
        n = summary["bugs"]
        median = sy["median_seconds_to_expected"]
        out += [
            "",
            f"Targets: synth finds every bug ({'met' if sy['found'] == n else 'missed'}: "
            f"{sy['found']}/{n}); median time to first report under 5 s (median to the "
            f"expected invariant's report {_seconds(median)} s, "
            f"{'met' if median is not None and median < 5 else 'missed'}; to the first "
            f"report of any violation {_seconds(sy['median_seconds_to_first_report'])} s; "
            f"the reporting check alone {_seconds(sy['median_check_seconds'])} s); requests "
            "to the report within 3x the shortest sequence, counting the reporting check's "
            f"requests: {sy['within_3x_shortest']}/{n} bugs"
            + (
                f"; of the {sy['target_set']} the target was set on, "
                f"{sy['target_set_within_3x']} (target at least 20 of 27: "
                f"{'met' if sy['target_set_within_3x'] >= 20 else 'missed'})."
                if "target_set" in sy
                else ")."
            ),
        ]
    out += ["", "<details><summary>The shortest sequence per bug (counted in "
            "<code>bench/bugs.py</code> <code>SHORTEST</code>, written in "
            "<code>examples/reference_server/bugs.py</code>)</summary>", ""]  # fmt: skip
    out += [f"- `{r['bug']}` ({r['shortest']}): {BUGS[r['bug']].sequence}" for r in rows]
    out += ["", "</details>"]
    if st:
        out += ["", f"schemathesis finds {st['found']}/{summary['bugs']} (flags something on "
                f"{st['flagged']}, the correct server included); median time to its first new "
                f"failure {_seconds(st['median_seconds_to_first_new'])} s."]  # fmt: skip
    return [*out, ""]


def throughput(data: dict[str, Any]) -> list[str]:
    out = [
        "## Runner throughput",
        "",
        "synth's conformance fuzzing (`conformance` over every operation, profile "
        f"`{data['profile']}`) against the reference server with no work delay, as a real "
        "process; then the same requests (method, URL, query, headers, body, as synth sent "
        "them) from a tight `httpx.Client` loop to a fresh server: the ceiling. "
        f'Median of {data["repeat"]} runs (Python {data["python"]}). "client" is the time '
        "inside synth's HTTP client alone (its event-loop thread, retries and log; the server's "
        "time included), without generating and checking the cases.",
        "",
        f"Reproduce: `.venv/bin/python -m bench.throughput --profile {data['profile']}` "
        "(or `make bench`).",
        "",
        "| | synth req/s | httpx loop req/s | ratio | synth client alone req/s | client ratio |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    history = dict(data.get("history", {}))
    if all(h.get("synth_rps") != data["synth_rps"] for h in history.values()):
        history["this run"] = data
    for label, h in history.items():
        client = (f"{h['client_rps']:.0f} | {h['client_ratio']:.2f}" if "client_rps" in h
                  else "not measured | -")  # fmt: skip
        out.append(f"| {label} | {h['synth_rps']:.0f} | {h['ceiling_rps']:.0f} | "
                   f"{h['ratio']:.2f} | {client} |")  # fmt: skip
    met = "met" if data["ratio"] >= 0.8 else "missed"
    out += ["", f"Target: ratio at least 0.8 ({met}: {data['ratio']:.2f})."]
    return [*out, ""]


def _synth_rows(data: dict[str, Any], title: str, intro: str, reproduce: str) -> list[str]:
    """A synth-only run of ``bench.bugs`` under a condition the main table does not have."""
    rows, n = data["rows"], len(data["rows"])
    faults = data.get("fault_rate", 0.0) > 0
    out = [f"## {title}", "", intro, "", f"Reproduce: `{reproduce}` (not run by `make bench`).", ""]
    head = (
        "| bug | shortest | synth | to report s | to report req | check s | check req | within 3x |"
    )
    rule = "|---|---:|---|---:|---:|---:|---:|---|"
    if faults:
        head, rule = head + " faults met |", rule + "---:|"
    out += [head, rule]
    for r in rows:
        hit = r["synth"]["expected_report"]
        met = [f"{sum(r['synth'].get('faults', {}).values())}"] if faults else []
        if hit is None:
            out.append("| " + " | ".join([r["bug"], str(r["shortest"]), "**missed**",
                                          *["-"] * 5, *met]) + " |")  # fmt: skip
            continue
        within = "yes" if hit["check_requests"] <= 3 * r["shortest"] else "no"
        cells = [r["bug"], str(r["shortest"]), "found", f"{hit['seconds']:.1f}",
                 str(hit["requests"]), f"{hit['check_seconds']:.1f}", str(hit["check_requests"]),
                 within, *met]  # fmt: skip
        out.append("| " + " | ".join(cells) + " |")
    sy = data["summary"]["synth"]
    out += ["", f"Found {sy['found']}/{n}; median to the expected report "
            f"{_seconds(sy['median_seconds_to_expected'])} s, the reporting check alone "
            f"{_seconds(sy['median_check_seconds'])} s; within 3x the shortest sequence: "
            f"{sy['within_3x_shortest']}/{n}."]  # fmt: skip
    clean = data.get("clean", {}).get("synth")
    if clean is not None:
        reported = clean["reported"]
        met = sum(clean.get("faults", {}).values())
        out += ["", f"The correct server's run: {len(reported)} reports"
                + (f" ({', '.join(reported)})" if reported else "")
                + f", {clean['wall_seconds']:.1f} s, {clean['total_requests']} requests"
                + (f", {met} faults met." if faults else ".")]  # fmt: skip
    return [*out, ""]


def bugs_shrink0(data: dict[str, Any]) -> list[str]:
    return _synth_rows(
        data,
        "Bug finding, experiment: shrinking capped",
        f"The synth half of the bug-finding run with the default profile's 4 s shrink budget "
        f"capped at {data['shrink_seconds']} s (not a shipped setting; everything else as above).",
        f".venv/bin/python -m bench.bugs --tools synth --shrink-seconds "
        f"{data['shrink_seconds']:g} --out bench/results/bugs_shrink0.json",
    )


def bugs_faults(data: dict[str, Any]) -> list[str]:
    rate = data["fault_rate"]
    return _synth_rows(
        data,
        "Bug finding under transport faults",
        f"The synth half of the bug-finding run with `bench/_proxy.py` in front of every server "
        f"(no added delay) injecting transport faults into {rate:.0%} of requests: resets, "
        "502 and 503 pages, answers held 15 s, truncated bodies. Target: every bug still found, "
        "nothing reported against the correct server.",
        f".venv/bin/python -m bench.bugs --tools synth --fault-rate {rate:g}",
    )


def documents(data: dict[str, Any]) -> list[str]:
    doc = data["document"]
    zod, hey, diff = data["synth_zod"], data["hey_api"], data["synth_diff"]
    out = [
        "## Reading a real document",
        "",
        f"The largest document of the corpus (`tests/corpus/openapi/{doc['name']}/{doc['entry']}`, "
        f"OpenAPI {doc['openapi']}, {doc['total_bytes'] / 1e6:.1f} MB), each command a fresh "
        "process as a user runs it (interpreter or Node start included), the two generators' "
        f"runs interleaved, median of {data['repeat']} (Python {data['python']}, "
        f"{data['cpus']} CPUs shared, load {data['load']:.1f} when it ran). Wall time, and the "
        "CPU time the command used (user + system), which a busy neighbour does not inflate. "
        "synth: `synth zod DOCUMENT --out DIR`; @hey-api/openapi-ts: `openapi-ts -i DOCUMENT "
        "-o DIR -p @hey-api/client-fetch -p zod`; `synth diff DOCUMENT DOCUMENT`.",
        "",
        "Reproduce: `.venv/bin/python -m bench.documents` (or `make bench`).",
        "",
        "| command | wall s | CPU s | exit |",
        "|---|---:|---:|---|",
    ]
    for label, row in (("synth zod", zod), ("@hey-api/openapi-ts", hey), ("synth diff", diff)):
        if row is None:
            out.append(f"| {label} | not measured | - | - |")
        else:
            exits = ", ".join(str(e) for e in sorted(set(row["exit"])))
            out.append(f"| {label} | {row['wall']:.2f} | {row['cpu']:.2f} | {exits} |")
    if data["ratio_wall"] is not None:
        out += [
            "",
            f"synth zod / @hey-api/openapi-ts: {data['ratio_wall']:.2f} in wall time, "
            f"{data['ratio_cpu']:.2f} in CPU time.",
        ]
    bar = data["bar_seconds"]

    def verdict(label: str, row: dict[str, Any] | None) -> str:
        if row is None:
            return f"{label}: not measured"
        if any(row["exit"]):
            return f"{label}: refused the document (exit {max(row['exit'])}): {row['last']}"
        met = "met" if row["wall"] < bar else "missed"
        return f"{label}: {met}, {row['wall']:.2f} s wall, {row['cpu']:.2f} s CPU"

    out += [
        "",
        f"Target: each synth command under {bar:g} s of wall time; with the machine's load "
        f"at {data['load']:.1f} on {data['cpus']} CPUs, the CPU time is the fairer reading.",
        "",
        f"- {verdict('synth zod', zod)}",
        f"- {verdict('synth diff', diff)}",
    ]
    return [*out, ""]


def _ms(delay: float) -> str:
    return f"{delay * 1000:.0f} ms"


def _seed_lines(rows: list[dict[str, Any]]) -> list[str]:
    """A line per delay run with several seeds (``--seeds``): the runs that reported anything
    against the correct server (each a false report)."""
    out = []
    for r in rows:
        runs = r.get("seeds")
        if not runs:
            continue
        false = [f"seed {x['seed']} ({x['failed']} failed, exit {x['exit_code']})"
                 for x in runs if x["exit_code"] != 0 or x["failed"]]  # fmt: skip
        walls = [x["wall_seconds"] for x in runs]
        out.append(
            f"- The correct server at {_ms(r['delay'])}, {len(runs)} seeds "
            f"({runs[0]['seed']} to {runs[-1]['seed']}): "
            + (f"false reports in {', '.join(false)}" if false else "no false report")
            + f"; {min(walls):.1f} to {max(walls):.1f} s a run."
        )
    return out


def latency_seeds(data: dict[str, Any]) -> list[str]:
    out = [
        "## Latency: the correct server over several seeds",
        "",
        "`synth test --profile default` as in the latency table above, against the correct "
        f"reference server, once per seed (of {data.get('commit', 'the checkout')}).",
        "",
        f"Reproduce: `.venv/bin/python -m bench.latency{_latency_options(data)} --out "
        "bench/results/latency_seeds.json` (not run by `make bench`; about "
        f"{data['elapsed_seconds'] / 60:.0f} minutes).",
        "",
    ]
    out += _seed_lines(data["rows"])
    bar = _bar_at_50(data)
    if bar and "50ms" in data.get("ratios", {}):
        out.append(f"- Wall time at 50 ms over loopback: {_synth_ratio(data['ratios']['50ms'])}; "
                   f"the bar of at most 1.5x {bar}.")  # fmt: skip
    return [*out, ""]


_Pair = tuple[dict[str, Any], dict[str, Any], dict[str, Any]]


def _faster(pairs: list[_Pair]) -> int:
    """How many of ``pairs`` (``_against``: a row, its `st run`, synth's same checks) synth
    took less wall time in."""
    return sum(mine["wall_seconds"] < st["wall_seconds"] for _, st, mine in pairs)


def _against(rows: list[dict[str, Any]], key: str, ops: int, peer: str) -> tuple[list[_Pair], str]:
    """Each ``st run`` of ``key`` ("st", "st_whole") beside synth restricted to the same checks
    with as many workers, and those pairs per operation tested, as a sentence's clauses
    (``peer`` names the ``st run`` in them) and the count synth was faster in."""
    pairs = [(r, st, mine) for r in rows
             for st, mine in zip(r.get(key, []), r.get("same_checks", []), strict=False)]  # fmt: skip
    text = ", ".join(
        f"at {_ms(r['delay'])} with {st['workers']} worker(s) synth "
        f"{mine['wall_seconds'] / ops:.1f} s ({mine['requests']} requests) against "
        f"{peer}{st['wall_seconds'] / ops:.1f} s ({st['requests']})"
        for r, st, mine in pairs
    )
    return pairs, f"{text}; synth faster in {_faster(pairs)} of {len(pairs)}."


def _st_verdict(rows: list[dict[str, Any]], ops: int) -> str:
    """The bar "faster than `st run` at equal workers, per operation tested", read as each
    operation tested to its end: synth's same checks against `st run --continue-on-failure`
    with as many workers (``st_whole``); against `st run` as it stops too, which against the
    correct server stops operations at its own reports."""
    whole, _ = _against(rows, "st_whole", ops, "")
    same, _ = _against(rows, "st", ops, "")
    if not whole and not same:
        return "not measured: `--st-workers none`"
    parts = []
    if whole:
        met = "met" if _faster(whole) == len(whole) else "missed"
        parts.append(f"{met}: synth's same checks faster than `st run` testing each operation "
                     f"to its end in {_faster(whole)} of {len(whole)} pairs")  # fmt: skip
    if same:
        parts.append(f"than `st run` as it stops, which tests the operations it reports on "
                     f"only that far, in {_faster(same)} of {len(same)}; both below")  # fmt: skip
    return "; ".join(parts)


def _same_checks(data: dict[str, Any], rows: list[dict[str, Any]]) -> list[str]:
    """Each `st run` beside synth restricted to the same checks with as many workers; and
    each `st run` run whole (``st_whole``) beside the same."""
    ops = data["operations"]
    same, text = _against(rows, "st", ops, "st run ")
    if not same:
        return []
    out = [
        "",
        f"The same checks at equal workers (synth `-k \"{data.get('same_checks', '')}\"`: the "
        "checks of what `st run --checks all` checks, `SAME_CHECKS` in `bench/latency.py`), per "
        f"operation tested: {text}",
    ]  # fmt: skip
    whole, text = _against(rows, "st_whole", ops, "")
    if whole:
        stopped = sorted({st["exit_code"] for _, st, _ in same})
        out += [
            "",
            "`st run` stops testing an operation at its first failure, and against this correct "
            f"server it reported failures (exit {', '.join(map(str, stopped))}), so the "
            "operations it failed on were tested only that far. Each operation tested to its "
            f"end (`st run --continue-on-failure`), per operation: {text}",
        ]  # fmt: skip
    return out


def _latency_options(data: dict[str, Any]) -> str:
    """The options of a latency run other than ``--quick`` that shaped its table."""
    rows = data.get("rows", [])
    delays = ",".join(f"{r['delay']:g}" for r in rows)
    seeds = len(rows[0].get("seeds", [])) if rows else 0
    workers = ",".join(map(str, data.get("st_workers", []))) or "none"
    return (f" --delays {delays}" + (f" --seeds {seeds}" if seeds > 1 else "")
            + (f" --seed {data['seed']}" if data.get("seed", 1) != 1 else "")
            + f" --st-workers {workers}")  # fmt: skip


def _at_0_and_50(rows: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The loopback row and the 50 ms row of a latency run, None where either is missing."""
    base = next((r for r in rows if r["delay"] == 0), None)
    at50 = next((r for r in rows if abs(r["delay"] - 0.05) < 1e-9), None)
    return (base, at50) if base is not None and at50 is not None else None


def _bar_at_50(data: dict[str, Any]) -> str:
    """The 1.5x bar's verdict: by the median of each seed's own ratio (its two runs one after
    the other) where several seeds ran, saying how many were within it and the ratio of the
    medians; else by the one pair of runs; "" without both delays."""
    pair = _at_0_and_50(data.get("rows", []))
    if pair is None:
        return ""
    base, at50 = pair
    paired = data.get("ratios", {}).get("50ms", {}).get("synth_paired")
    if not paired or len(paired) < 2:
        ratio = at50["synth"]["wall_seconds"] / base["synth"]["wall_seconds"]
        return f"{'met' if ratio <= 1.5 else 'missed'}: {ratio:.2f}x"
    median = statistics.median(paired)
    within = sum(1 for r in paired if r <= 1.5)
    of_medians = data["ratios"]["50ms"].get("synth_median")
    also = f", the ratio of the medians {of_medians:.2f}x" if of_medians else ""
    return (f"{'met' if median <= 1.5 else 'missed'} by the median of each seed's own ratio, "
            f"{median:.2f}x: {within} of {len(paired)} seeds within it{also}")  # fmt: skip


def _synth_ratio(ratios: dict[str, Any]) -> str:
    """synth's ratio of one delay's run over loopback's, and over the seeds where there are."""
    text = f"synth {ratios['synth']:.2f}x"
    if "synth_median" not in ratios:
        return text
    text += f" (medians of {ratios['seeds']} seeds: {ratios['synth_median']:.2f}x"
    if "synth_paired" in ratios:  # each seed's two runs one after the other
        each = ", ".join(f"{x:.2f}" for x in ratios["synth_paired"])
        text += f"; each seed's own ratio {each}, median {ratios['synth_paired_median']:.2f}x"
    return text + ")"


def latency(data: dict[str, Any]) -> list[str]:
    rows = data["rows"]
    st_workers = [st["workers"] for st in rows[0]["st"]] if rows else []
    extra = " ".join(data.get("synth_args") or [])
    out = [
        "## Latency",
        "",
        "The reference server (a real process, work delay "
        f"{data['work_delay']} s) behind `bench/_proxy.py`, a loopback proxy that adds a fixed "
        "delay per round trip (one per request and answer, one per new connection). synth: "
        f"`synth test --profile default --seed {data['seed']}`"
        + (f" `{extra}`" if extra else "")
        + ", the command in a process of its own, over the whole generated suite against the "
        "correct server; its time to first report against the server with the planted bug "
        f"`{data['bug']}` ({data['bug_invariant']}), from the command's start to the first "
        "failing test it prints, the run stopped there. schemathesis "
        f"{data['schemathesis']}: `st run --checks all --phases {data['st_phases']}"
        + (f" --max-examples {data['st_max_examples']}" if data.get("st_max_examples") else "")
        + "` with both "
        "tenants (as in the bug-finding run), `--workers` "
        + " and ".join(str(w) for w in st_workers)
        + ". Requests are those the proxy passed on (retries and confirmations included); "
        + (f"the proxy injected transport faults into {data['fault_rate']:.0%} of them; "
           if data.get("fault_rate") else "")
        + "CPU is the synth command's own user + system time. "
        + (f"Measured of {data['commit']}. " if data.get("commit") else "")
        + f"{data['operations']} operations; {data['cpus']} CPUs, load average "
        f"{data['load_before'][0]:.1f} before and {data['load_after'][0]:.1f} after "
        "(where other work shares the machine, wall times carry it and CPU times do not).",
        "",
        "Reproduce: `.venv/bin/python -m bench.latency"
        + (" --quick` (what `make bench` runs; the full sweep adds 20 and 100 ms)."
           if data["quick"] else _latency_options(data) + "`.")
        + f" This run took {data['elapsed_seconds'] / 60:.0f} minutes.",
        "",
        "| round trip | synth workers | synth s | synth CPU s | synth requests | synth tests (passed/failed/skipped) "
        "| first report s | first report requests | first report test | "
        + " | ".join(f"st run --workers {w} s | its requests" for w in st_workers)
        + " |",
        "|---|---:|---:|---:|---:|---|---:|---:|---|" + "---:|---:|" * len(st_workers),
    ]  # fmt: skip
    for r in rows:
        s, first = r["synth"], r["synth_bug"]["first_report"]
        t = s["tests"]
        cells = [_ms(r["delay"]), str(s.get("workers", 1)), f"{s['wall_seconds']:.1f}",
                 f"{s['cpu_seconds']:.1f}",
                 str(s["requests"]),
                 f"{t.get('PASSED', 0)}/{t.get('FAILED', 0)}/{t.get('SKIPPED', 0)}"]  # fmt: skip
        cells += ([f"{first['seconds']:.1f}", str(first["requests"]), f"`{first['test'].split('::')[-1]}`"]
                  if first else ["none", "-", "-"])  # fmt: skip
        for st in r["st"]:
            crashed = (
                f" ({', '.join(st['errors_in_output'])} in its output)"
                if st["errors_in_output"]
                else ""
            )
            cells += [f"{st['wall_seconds']:.1f}{crashed}", str(st["requests"])]
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
    out += _seed_lines(rows)
    for key, ratios in data.get("ratios", {}).items():
        parts = [_synth_ratio(ratios)]
        parts += [f"st run --workers {w} {ratios[f'st_workers_{w}']:.2f}x" for w in st_workers]
        out.append(f"- Wall time at {key} over loopback: " + ", ".join(parts) + ".")
    pair = _at_0_and_50(rows)
    if pair is not None:
        at50 = pair[1]
        firsts = [r["synth_bug"]["first_report"] for r in rows]
        out += [
            "",
            f"Targets: at 50 ms the default profile's wall time at most 1.5x its loopback time "
            f"({_bar_at_50(data)}); time to first report under "
            f"5 s (at loopback {_seconds(firsts[0]['seconds'] if firsts[0] else None)} s, at 50 ms "
            f"{_seconds(at50['synth_bug']['first_report']['seconds'] if at50['synth_bug']['first_report'] else None)} s; "
            "one bug, not the median over all of them that `bench.bugs` gives); faster than "
            f"`st run` at equal workers, per operation tested ({_st_verdict(rows, data['operations'])}). "
            "The whole default profile (every invariant, far more than `st run` checks; as many "
            "workers as `--workers auto` takes) per operation: "
            + ", ".join(
                f"at {_ms(r['delay'])} synth {r['synth']['wall_seconds'] / data['operations']:.1f} "
                f"s/operation with {r['synth'].get('workers', 1)} worker(s), "
                + "; ".join(f"st run --workers {st['workers']} "
                            f"{st['wall_seconds'] / data['operations']:.1f}" for st in r["st"])
                for r in rows
            )
            + ".",
        ]  # fmt: skip
        out += _same_checks(data, rows)
    twenty = data.get("twenty")
    if twenty is None:
        out += ["", "The 20x API (`--twenty`, about an hour): not measured yet."]
    else:
        whole = twenty["runs"][0]
        out += [
            "",
            f"The 20x API (`bench/_twenty.py`, {twenty['operations']} operations) at "
            f"{_ms(twenty['delay'])}: synth whole {whole['wall_seconds']:.1f} s, "
            f"{whole['requests']} requests ("
            f"{whole['wall_seconds'] / twenty['operations']:.2f} s/operation); "
            + (", ".join(f"st run --workers {st['workers']} {st['wall_seconds']:.1f} s, "
                         f"{st['requests']} requests" for st in twenty["st"])
               or "`st run` not run on it (`--twenty-st-workers none`)")
            + ".",
        ]  # fmt: skip
        if "commit" in twenty:
            load = twenty.get("load_before", [0.0])[0], twenty.get("load_after", [0.0])[0]
            out.append(f"Measured of {twenty['commit']} on {twenty['measured_on']} (load average "
                       f"{load[0]:.1f} before, {load[1]:.1f} after; the sweep above may be of "
                       "another build).")  # fmt: skip
        if "shards_not_measured" in twenty:
            out.append(f"Sharding not measured: {twenty['shards_not_measured']}.")
        else:
            out += ["", "| run | synth workers | wall s | CPU s | requests | tests (passed/failed/skipped) |",
                    "|---|---:|---:|---:|---:|---|"]  # fmt: skip
            for r in twenty["runs"]:
                t = r["tests"]
                name = "whole" if not r["shards"] else f"shard {r['shard']}/{r['shards']}"
                out.append(f"| {name} | {r.get('workers', 1)} | {r['wall_seconds']:.1f} | "
                           f"{r['cpu_seconds']:.1f} | {r['requests']} | "
                           f"{t.get('PASSED', 0)}/{t.get('FAILED', 0)}/{t.get('SKIPPED', 0)} |")  # fmt: skip
            out.append("")
            for n in sorted({r["shards"] for r in twenty["runs"] if r["shards"]}):
                walls = [r["wall_seconds"] for r in twenty["runs"] if r["shards"] == n]
                ratio = whole["wall_seconds"] / max(walls)
                target = (
                    f"; target at least 3x: {'met' if ratio >= 3 else 'missed'}" if n == 4 else ""
                )
                out.append(f"- {n} shards, each run alone: slowest shard {max(walls):.1f} s "
                           f"({ratio:.2f}x less than whole{target}).")  # fmt: skip
    return [*out, ""]


def latency_example(data: dict[str, Any]) -> list[str]:
    """An example API of another shape behind the same proxy (``bench.latency --example``)."""
    name, rows = data["example"], data["rows"]
    delays = ",".join(f"{r['delay']:g}" for r in rows)
    out = [
        f"## Latency: the {name} example",
        "",
        f"`examples/{name}`'s correct server (a fresh one per run, in memory) behind the same "
        f"proxy as above; `synth test --profile default --seed {data['seed']}` with its own "
        "tenants over its whole generated suite, `--workers auto`. Only the correct server's "
        "runs: the time to first report and `st run` are the reference server's. "
        + (f"Measured of {data['commit']}. " if data.get("commit") else "")
        + f"{data['operations']} operations; {data['cpus']} CPUs, load average "
        f"{data['load_before'][0]:.1f} before and {data['load_after'][0]:.1f} after.",
        "",
        f"Reproduce: `.venv/bin/python -m bench.latency --example {name} --delays {delays} "
        + (f"--seeds {len(rows[0]['seeds'])} " if "seeds" in rows[0] else "")
        + (
            f"--synth-args {shlex.quote(' '.join(data['synth_args']))} "
            if data.get("synth_args")
            else ""
        )
        + f"--st-workers none --out bench/results/latency_{name}.json` (not run by `make "
        f"bench`; this run took {data['elapsed_seconds'] / 60:.0f} minutes).",
        "",
        "| round trip | synth workers | synth s | synth CPU s | synth requests | synth tests "
        "(passed/failed/skipped) |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        s, t = r["synth"], r["synth"]["tests"]
        out.append(f"| {_ms(r['delay'])} | {s.get('workers', 1)} | {s['wall_seconds']:.1f} | "
                   f"{s['cpu_seconds']:.1f} | {s['requests']} | {t.get('PASSED', 0)}/"
                   f"{t.get('FAILED', 0)}/{t.get('SKIPPED', 0)} |")  # fmt: skip
    out.append("")
    out += _seed_lines(rows)
    for key, ratios in data.get("ratios", {}).items():
        out.append(f"- Wall time at {key} over loopback: synth {ratios['synth']:.2f}x.")
    return [*out, ""]


def clean_said(clean: dict[str, Any]) -> str:
    """What ``bench.latency_bugs``' correct-server run reported (anything is a false report)."""
    if clean["exit_code"] == 0 and not clean["others"]:
        return "nothing reported"
    return f"exit {clean['exit_code']}, {', '.join(clean['others']) or 'SLO breached'}"


def latency_bugs(data: dict[str, Any]) -> list[str]:
    rows, clean = data["rows"], data["clean"]
    delay = _ms(data["delay"])
    found = [r for r in rows if r["found"]]
    more = f" with `{data['synth_args']}`" if data.get("synth_args") else ""
    out = [
        "## Latency: every planted bug behind a round trip",
        "",
        f"Each planted bug of the reference server (a fresh server per bug, work delay "
        f"{data['work_delay']} s) behind the latency proxy at {delay} per round trip; `synth "
        f"test --profile default --seed {data['seed']}`{more} as a user runs it (its own process, "
        "`--workers auto`), stopped at the first failed test of the bug's invariant; seconds and "
        "requests from the command's start. The latency objective's bug is judged at the run's "
        "end (`--enforce-slo`), as is a correct server's whole run first. Other failed tests "
        f"before the stop are listed. Measured of {data['commit']} on {data['measured_on']}; "
        f"{data['cpus']} CPUs, load average {data['load_before'][0]:.1f} before and "
        f"{data['load_after'][0]:.1f} after.",
        "",
        "Reproduce: `.venv/bin/python -m bench.latency_bugs --delay "
        f"{data['delay']:g}` (not run by `make bench`; this run took "
        f"{data['elapsed_seconds'] / 60:.0f} minutes).",
        "",
        "| bug | invariant | found | s | requests | workers | other failed tests |",
        "|---|---|---|---:|---:|---:|---|",
    ]
    for r in rows:
        out.append(
            f"| {r['bug']} | {r['invariant']} | {'found' if r['found'] else '**missed**'} | "
            + (f"{r['seconds']:.1f} | {r['requests']}" if r["found"] else "- | -")
            + f" | {r['workers']} | {', '.join(r['others']) or '-'} |"
        )
    said = clean_said(clean)
    seconds = sorted(r["seconds"] for r in found)
    median = f"; median time to the report {statistics.median(seconds):.1f} s" if seconds else ""
    out += [
        "",
        f"- {len(found)} of {len(rows)} planted bugs found at {delay}{median}. The correct "
        f"server's whole run (`--enforce-slo`): {said} ({clean['wall_seconds']:.1f} s, "
        f"{clean['total_requests']} requests, {clean['workers']} workers).",
        "",
    ]
    return out


SECTIONS = {
    "generation": generation,
    "bugs": bugs,
    "bugs_shrink0": bugs_shrink0,
    "bugs_faults": bugs_faults,
    "throughput": throughput,
    "documents": documents,
    "latency": latency,
    "latency_seeds": latency_seeds,
    "latency_bugs": latency_bugs,
}


def _example_sections() -> list[str]:
    """The results of ``bench.latency --example NAME --out bench/results/latency_NAME.json``,
    one section each (``latency_example``), after the sections above."""
    return sorted(path.stem for path in RESULTS.glob("latency_*.json")
                  if path.stem not in SECTIONS
                  and "example" in json.loads(path.read_text()))  # fmt: skip


def main() -> None:
    lines = [
        "<!-- Written by `python -m bench.report` from bench/results/*.json; do not edit. -->",
        "# Benchmarks",
        "",
        "Every figure is a ratio against a named peer measured in the same script on the same "
        "machine. `make bench` reruns everything (not part of `make test`; a smoke run of each "
        "script on the smallest size is).",
        "",
    ]
    sections = {**SECTIONS, **dict.fromkeys(_example_sections(), latency_example)}
    for name, section in sections.items():
        notes = NOTES / f"{name}.md"
        data = _load(name)
        if data is None:
            lines += [f"## {name.capitalize()}", "", "Not measured yet: run `make bench`.", ""]
        else:
            lines += section(data)
        if notes.exists():
            lines += [notes.read_text().rstrip(), ""]
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text("\n".join(lines).rstrip() + "\n")
    print(f"wrote {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
