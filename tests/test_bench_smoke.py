"""A smoke run of the benchmark scripts on the smallest size (the real runs are `make bench`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench import (
    bugs,
    documents,
    generation,
    lanes,
    latency,
    latency_bugs,
    object_level,
    report,
    throughput,
    timeline,
)
from bench._server import ROOT
from examples.reference_server.bugs import BUGS

pytestmark = pytest.mark.slow


def test_generation_benchmark_runs_on_the_smallest_size(tmp_path: Path) -> None:
    out = tmp_path / "generation.json"
    generation.main(["--sizes", "2", "--repeat", "1", "--out", str(out)])
    data = json.loads(out.read_text())
    row = data["rows"][0]
    assert row["operations"] == 10
    for peer in ("synth", "fastapi", "floor"):
        assert row[peer]["total"] > 0
    assert "openapi" in row["synth"]["emitters"]


def test_lanes_are_dealt_and_summed_both_ways() -> None:
    """``bench.lanes``: the CRM's jobs chain dealt between two lanes by the far costs and by the
    loopback ones, every walk of it in one lane either way, and the far sums as
    ``_order.CHAINED``'s comment quotes them (it cites this command)."""
    found = lanes.dealt(ROOT / "contracts")
    assert list(found) == ["createJob"]
    ways = found["createJob"]
    assert [n for n, _ in ways["far"]] == [n for n, _ in ways["loopback"]]
    assert {"test_listJobs__PAGE_COMPLETE", "test_createJob__IDEM_REPLAY"} <= {
        n for n, _ in ways["far"]
    }
    assert {lane for _, lane in ways["far"]} == {0, 1}
    text = "\n".join(lanes.render(found))
    assert "dealt by the far costs: lanes 14.2 and 15.1 s" in text, text
    assert "dealt by the loopback costs: lanes 18.6 and 10.7 s" in text, text
    comment = (ROOT / "synth" / "testing" / "_order.py").read_text()
    assert "18.6 and 10.7 s" in comment
    assert "14.2 and 15.1 s" in comment


def test_lanes_measured_reads_each_walk_s_seconds_from_recorded_runs(tmp_path: Path) -> None:
    """``bench.lanes --measured``: of a run recorded by ``bench.timeline``, each walk of the
    chain with the tenant most of its requests went as (its lane in that run) and the seconds
    its check took (from the lock's grant, not the test's start), each lane's sum, and each
    invariant's median over the runs given; a walk the run did not record is left out."""
    complete, end = "test_listJobs__PAGE_COMPLETE", "test_listJobs__PAGE_END"
    runs = []
    for run, (first, second) in enumerate(((7.0, 2.0), (9.0, 3.0), (8.0, 4.0))):
        folder = tmp_path / str(run)
        folder.mkdir()
        records = [{"worker": "gw0", "test": name, "started": 100.0, "called": 100.5,
                    "ended": 100.5 + took, "outcome": "passed", "requests": 3, "waits": [],
                    "routes": {f"GET /api/v1/jobs {tenant}": 2, f"POST /api/v1/jobs {other}": 1}}
                   for name, took, tenant, other in ((complete, first, "a", "b"),
                                                     (end, second, "b", "a"))]  # fmt: skip
        (folder / "gw0.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
        runs.append((ROOT / "contracts", folder))
    lines, medians = lanes.measured(runs)
    assert medians == {"PAGE-COMPLETE": 8.0, "PAGE-END": 3.0}
    assert lines[0].endswith("part createJob: lanes a 7.0 s, b 2.0 s"), lines
    assert "listJobs__PAGE_COMPLETE [a] 7.0" in lines[1], lines
    assert "listJobs__PAGE_END [b] 2.0" in lines[1], lines
    assert "PAGE-COMPLETE: median 8.00 s over 3 walks" in lines, lines


def test_bug_finding_benchmark_runs_on_one_bug(tmp_path: Path) -> None:
    out = tmp_path / "bugs.json"
    bugs.main(["--bugs", "err-unauthorized-code", "--quick", "--out", str(out)])
    data = json.loads(out.read_text())
    row = data["rows"][0]
    assert row["shortest"] == bugs.SHORTEST["err-unauthorized-code"]
    assert row["synth"]["found"], row["synth"]
    assert row["synth"]["expected_report"]["requests"] > 0
    assert row["schemathesis"]["total_requests"] > 0
    assert set(bugs.SHORTEST) == set(BUGS)
    assert set(BUGS) >= bugs.TARGET_SET
    assert len(bugs.TARGET_SET) == 27


def test_bug_finding_under_faults_runs_on_one_bug(tmp_path: Path) -> None:
    """``--fault-rate``: the proxy in front of the server, its faults counted per row, and the
    row's own section in docs/benchmarks.md."""
    out = tmp_path / "bugs_faults.json"
    bugs.main(["--bugs", "err-unauthorized-code", "--tools", "synth", "--quick",
               "--fault-rate", "0.3", "--out", str(out)])  # fmt: skip
    data = json.loads(out.read_text())
    assert data["fault_rate"] == 0.3
    row = data["rows"][0]
    assert row["synth"]["found"], row["synth"]
    assert sum(row["synth"]["faults"].values()) > 0, row["synth"]
    lines = report.bugs_faults(data)
    assert lines[0] == "## Bug finding under transport faults"
    assert any(line.startswith("| err-unauthorized-code | 1 | found |") for line in lines), lines


def test_a_rerun_of_one_tool_carries_the_other_over_and_says_so() -> None:
    old = {"measured_on": "2026-11-28", "schemathesis": "4.0", "st_phases": "examples",
           "clean": {"schemathesis": {"reported": []}},
           "rows": [{"bug": "a", "synth": {"old": True}, "schemathesis": {"found": True}}]}  # fmt: skip
    new = {"schemathesis": "4.1", "rows": [{"bug": "a", "synth": {"new": True}}, {"bug": "b"}]}
    merged = bugs.carry_over(new, old, {"synth"})
    assert merged["rows"][0] == {
        "bug": "a",
        "synth": {"new": True},
        "schemathesis": {"found": True},
    }
    assert "schemathesis" not in merged["rows"][1]
    assert merged["clean"] == {"schemathesis": {"reported": []}}
    assert (merged["schemathesis"], merged["st_phases"]) == ("4.0", "examples")
    assert merged["carried"] == {"tool": "schemathesis", "measured_on": "2026-11-28", "bugs": ["a"]}
    # Carried again from a file that itself carried them: the date they were measured on.
    again = bugs.carry_over({"rows": [{"bug": "a", "synth": {}}]},
                            {**merged, "measured_on": "2026-12-02"}, {"synth"})  # fmt: skip
    assert again["carried"]["measured_on"] == "2026-11-28"


def test_throughput_benchmark_runs_on_the_quick_profile(tmp_path: Path) -> None:
    out = tmp_path / "throughput.json"
    throughput.main(["--profile", "quick", "--repeat", "1", "--out", str(out)])
    data = json.loads(out.read_text())
    assert data["runs"][0]["replayed"] > 0
    assert data["ratio"] > 0


def test_documents_benchmark_runs_on_a_small_document(tmp_path: Path) -> None:
    out = tmp_path / "documents.json"
    documents.main(["--document", "oai-tictactoe", "--repeat", "1", "--out", str(out)])
    data = json.loads(out.read_text())
    assert data["document"]["name"] == "oai-tictactoe"
    assert data["synth_zod"]["exit"] == [0]
    assert data["synth_zod"]["wall"] > 0
    assert data["synth_diff"]["exit"] == [0]
    if data["hey_api"] is not None:
        assert data["hey_api"]["exit"] == [0]
        assert data["ratio_wall"] > 0
    assert documents.largest()["name"] == "stripe"


# `make test` runs one check (getContact's TEN-READ: `synth test --workers auto` takes one
# process for it) and no st run (`--st-workers none`; st's two runs were a third of the test's
# 45 s); `make test-thorough` TEN-READ on both operations (two checks: auto takes pytest-xdist
# workers, whose output lines the script reads too) and st run with both worker counts the
# benchmark uses.
@pytest.mark.parametrize(
    ("synth_select", "st_workers"),
    [pytest.param("getContact__TEN_READ", [], id="st-none"),
     pytest.param("TEN_READ", list(latency.ST_WORKERS), id="st-workers-all",
                  marks=pytest.mark.thorough)],
)  # fmt: skip
def test_latency_benchmark_runs_on_loopback_with_a_few_checks(
    tmp_path: Path, synth_select: str, st_workers: list[int]
) -> None:
    out = tmp_path / "latency.json"
    # TEN-READ alone: the planted bug's own check, and the clean run's passing tests (what the
    # script reads from either runner's output); `make bench` runs every check.
    latency.main(["--delays", "0,0.01", "--synth-args", f"-k {synth_select}",
                  "--st-max-examples", "2", "--seeds", "2",
                  "--st-workers", ",".join(map(str, st_workers)) or "none",
                  "--timeline", str(tmp_path / "timeline"), "--out", str(out)])  # fmt: skip
    data = json.loads(out.read_text())
    assert [r["delay"] for r in data["rows"]] == [0.0, 0.01]
    # --timeline: each correct-server run's tests, as recorded in its processes.
    for row, folder in zip(data["rows"], ("timeline-0ms", "timeline-10ms"), strict=True):
        assert row["synth"]["timeline"] == str(tmp_path / folder)
        rows = timeline.load(tmp_path / folder)
        assert len(rows) == row["synth"]["tests"]["PASSED"], rows
        assert all(r.outcome == "passed" and r.requests > 0 for r in rows), rows
        assert all(synth_select in r.test for r in rows), rows
        lines = timeline.render(rows, waits=True)
        assert lines[-1].split(":")[1].startswith(f" {len(rows)} tests"), lines
        assert "first test at 0.0 s" in "\n".join(lines), lines  # the first worker's
        # --route: each test's requests (its teardown's too) by method and path, and tenant.
        sent = sum(r.requests + r.teardown_requests for r in rows)
        routed = timeline.routed(rows, r"[A-Z]+ /.*")
        assert routed[-1].startswith(f"{sent} requests matching"), routed
        assert timeline.routed(rows, "NOTHING /x")[-1] == "0 requests matching 'NOTHING /x' (none)"
        # Each worker's first test, from the command's start: after its start-up, within it.
        came_up = row["synth"]["first_tests"]
        assert len(came_up) == len({r.worker for r in rows}), came_up
        assert all(0 < t < row["synth"]["wall_seconds"] for t in came_up), came_up
        # --seeds 2: the second seed's run recorded beside the first's.
        assert [r.test for r in timeline.load(tmp_path / f"{folder}-seed2")] != [], folder
    for row in data["rows"]:
        synth = row["synth"]
        assert synth["exit_code"] == 0, synth  # the correct server: nothing reported
        assert synth["tests"]["PASSED"] > 0
        assert synth["requests"] > 0
        first = row["synth_bug"]["first_report"]
        assert first is not None, row["synth_bug"]  # ten-read-leak is reported by TEN-READ
        assert "TEN_READ" in first["test"]
        assert 0 < first["requests"] <= synth["requests"] * 2
        assert [st["workers"] for st in row["st"]] == st_workers
        assert all(st["requests"] > 0 for st in row["st"])
        # Each st run also run whole (--continue-on-failure), as many workers.
        assert [st["workers"] for st in row.get("st_whole", [])] == st_workers
        assert all(st["requests"] > 0 for st in row.get("st_whole", []))
        # --seeds 2: the run above and one more, neither reporting anything.
        assert [(r["seed"], r["exit_code"], r["failed"]) for r in row["seeds"]] == [
            (data["seed"], 0, 0), (data["seed"] + 1, 0, 0)]  # fmt: skip
    assert set(data["ratios"]) == {"10ms"}
    ratios = data["ratios"]["10ms"]
    assert set(ratios) == {"synth", "synth_median", "seeds", "synth_paired",
                           "synth_paired_median", *(f"st_workers_{n}" for n in st_workers)}  # fmt: skip
    # The ratio of the medians over the two seeds at each delay.
    walls = [sorted(r["wall_seconds"] for r in row["seeds"]) for row in data["rows"]]
    assert ratios["seeds"] == 2
    assert ratios["synth_median"] == pytest.approx(sum(walls[1]) / sum(walls[0]))
    # Each seed's own ratio, its two runs one after the other, and their median.
    seeds = [{r["seed"]: r["wall_seconds"] for r in row["seeds"]} for row in data["rows"]]
    paired = sorted(seeds[1][s] / seeds[0][s] for s in seeds[0])
    assert ratios["synth_paired"] == pytest.approx(paired)
    assert ratios["synth_paired_median"] == pytest.approx(sum(paired) / 2)
    assert report.latency(data)[0] == "## Latency"
    assert any("medians of 2 seeds" in line for line in report.latency(data)), report.latency(data)
    assert any("2 seeds" in line and "no false report" in line
               for line in report.latency_seeds(data)), report.latency_seeds(data)  # fmt: skip


def test_planted_bugs_behind_a_round_trip_on_one_bug(tmp_path: Path) -> None:
    # ERR-VALIDATION's checks only (`make bench`-sized runs take half an hour): the correct
    # server first, then the bug, stopped at its invariant's first failed test.
    out = tmp_path / "latency_bugs.json"
    latency_bugs.main(["--delay", "0.01", "--bugs", "err-unknown-key-ignored",
                       "--synth-args", "-k ERR_VALIDATION", "--out", str(out)])  # fmt: skip
    data = json.loads(out.read_text())
    clean = data["clean"]
    assert (clean["exit_code"], clean["others"], clean["found"]) == (0, [], False), clean
    [row] = data["rows"]
    assert (row["found"], row["stopped"]) == (True, True), row
    assert row["invariant"] == "ERR-VALIDATION"
    assert 0 < row["requests"] <= row["total_requests"], row
    lines = report.latency_bugs(data)
    assert lines[0] == "## Latency: every planted bug behind a round trip", lines
    assert any("1 of 1 planted bugs found" in line for line in lines), lines


def test_a_failed_test_names_its_invariant_as_either_runner_prints_it() -> None:
    assert latency_bugs.key_of(
        "generated/tests/test_contacts.py::test_getContact__TEN_READ[first]"
    ) == ("TEN-READ", "getContact")
    assert latency_bugs.key_of("t.py::test_createJob__OBJECT_LEVEL_AUTHORIZATION") == (
        "OBJECT-LEVEL-AUTHORIZATION", "createJob")  # fmt: skip


def test_latency_runs_each_seed_at_every_delay_one_after_the_other() -> None:
    # The machine's speed drifts over minutes: a seed's runs at every delay go side by side,
    # so each ratio compares runs on the same machine, not all loopback runs then all far ones.
    calls: list[tuple[float, int]] = []

    def run(delay: float, seed: int, recorded: Path | None) -> dict[str, Any]:
        calls.append((delay, seed))
        return {"wall_seconds": 10.0 + seed + 100 * delay, "requests": 1, "exit_code": 0,
                "tests": {"PASSED": 1}}  # fmt: skip

    rows: list[dict[str, Any]] = [{"delay": 0.0, "st": []}, {"delay": 0.05, "st": []}]
    latency._correct_runs(rows, run, seed=3, seeds=3, label="synth", timeline=None)
    assert calls == [(0.0, 3), (0.05, 3), (0.0, 4), (0.05, 4), (0.0, 5), (0.05, 5)]
    assert [r["seed"] for r in rows[1]["seeds"]] == [3, 4, 5]
    ratios = latency._ratios(rows)["50ms"]
    assert ratios["synth_paired"] == pytest.approx(sorted(x / (x - 5) for x in (18.0, 19.0, 20.0)))
    assert ratios["synth_paired_median"] == pytest.approx(19.0 / 14.0)


def _latency_of_fleet(tmp_path: Path, delays: str, check: str, *more: str) -> dict[str, Any]:
    """``bench.latency --example fleet`` at ``delays``, ``check``'s test alone; its results."""
    out = tmp_path / "latency_fleet.json"
    latency.main(["--example", "fleet", "--delays", delays, "--synth-args", f"-k {check}",
                  "--st-workers", "none", "--out", str(out), *more])  # fmt: skip
    data: dict[str, Any] = json.loads(out.read_text())
    return data


def test_latency_benchmark_runs_on_an_example_of_another_shape(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--example fleet``: the fleet API (API keys, a ``/v1`` base path, integer ids) behind
    the proxy with its own tenants, one check at two delays, two seeds; only the correct
    server. Its results file gets a section of docs/benchmarks.md of its own."""
    data = _latency_of_fleet(tmp_path, "0,0.01", "getVehicle__TEN_READ", "--seeds", "2")
    assert data["example"] == "fleet"
    assert data["operations"] == 13  # fleet's, not the CRM's
    assert [r["delay"] for r in data["rows"]] == [0.0, 0.01]
    for row in data["rows"]:
        synth = row["synth"]
        assert synth["exit_code"] == 0, synth  # the correct server: nothing reported
        assert synth["tests"]["PASSED"] > 0, synth
        assert synth["requests"] > 0
        assert row["st"] == []
        assert "synth_bug" not in row
        assert "reference server only" in row["not_measured"]
        assert [(r["seed"], r["exit_code"], r["failed"]) for r in row["seeds"]] == [
            (data["seed"], 0, 0), (data["seed"] + 1, 0, 0)]  # fmt: skip
    assert set(data["ratios"]["10ms"]) == {"synth", "synth_median", "seeds", "synth_paired",
                                           "synth_paired_median"}  # fmt: skip
    lines = report.latency_example(data)
    assert lines[0] == "## Latency: the fleet example"
    assert any(line.startswith("| 10 ms |") for line in lines), lines
    assert any("--seeds 2" in line and "getVehicle__TEN_READ" in line for line in lines), lines
    assert any("2 seeds" in line and "no false report" in line for line in lines), lines
    # Any bench/results/latency_<name>.json an --example run wrote is a section of the report.
    monkeypatch.setattr(report, "RESULTS", tmp_path)
    (tmp_path / "latency_seeds.json").write_text("{}")  # a section of its own, not an example
    assert report._example_sections() == ["latency_fleet"]


def test_latency_measures_an_examples_planted_bug_to_its_first_report(tmp_path: Path) -> None:
    """``--example fleet --example-bug ...``: after the correct server's run, the server with
    that bug, stopped at synth's first report, which names the check that found it."""
    data = _latency_of_fleet(tmp_path, "0.01", "getTrip__TEN_READ",
                             "--example-bug", "ten-trip-read-any-fleet")  # fmt: skip
    assert data["bug"] == "ten-trip-read-any-fleet"
    (row,) = data["rows"]
    assert row["synth"]["exit_code"] == 0, row["synth"]
    first = row["synth_bug"]["first_report"]
    assert first is not None, row["synth_bug"]
    assert "getTrip__TEN_READ" in first["test"]
    assert "first report" not in row["not_measured"]


@pytest.mark.parametrize(
    ("argv", "said"),
    [(["--example", "nowhere"], "is not one of examples/; choose among"),
     (["--example", "fleet", "--twenty"], "not with --twenty"),
     (["--example", "fleet", "--example-bug", "nope"], "is not a bug planted in examples/fleet"),
     (["--example-bug", "ten-trip-read-any-fleet"], "give --example too")],
)  # fmt: skip
def test_latency_example_usage_errors(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        latency.main(argv)
    assert exited.value.code == 2
    assert said in capsys.readouterr().err


@pytest.mark.parametrize(
    "line",
    [
        "generated/tests/test_contacts.py::test_getContact__TEN_READ FAILED",
        "[gw1] [ 50%] FAILED generated/tests/test_contacts.py::test_getContact__TEN_READ",
        "[gw1] [ 5/12] FAILED generated/tests/test_contacts.py::test_getContact__TEN_READ",
    ],
    ids=["one process", "xdist worker", "xdist worker, counted"],
)
def test_latency_reads_a_test_outcome_as_either_runner_prints_it(line: str) -> None:
    found = latency._TEST_LINE.match(line)
    assert found is not None
    assert (found.group("outcome") or found.group("xoutcome")) == "FAILED"
    test = found.group("test") or found.group("xtest")
    assert test == "generated/tests/test_contacts.py::test_getContact__TEN_READ"


def test_object_level_benchmark_times_one_part_at_loopback() -> None:
    """``bench.object_level``: the object-level check's own `st run` over one part, as `synth
    test` builds it, with its requests and the seconds of each schemathesis phase."""
    row = object_level.measure(0.0, "createJob")
    assert row["exit_code"] == 0, row  # the correct server: nothing found
    assert row["operations"] == ["createJob", "getJob", "listJobs"]
    assert row["requests"] > 0
    assert {"coverage", "stateful"} <= set(row["phases"]), row["phases"]


def test_the_1_5x_bar_is_judged_by_the_median_of_each_seed_s_own_ratio() -> None:
    """With several seeds, by the median of each seed's ratio (its two runs side by side),
    saying how many seeds were within it; with one, by that pair of runs; without both
    delays, none."""
    rows = [{"delay": 0.0, "synth": {"wall_seconds": 30.0}},
            {"delay": 0.05, "synth": {"wall_seconds": 48.0}}]  # fmt: skip
    seeds = {"rows": rows,
             "ratios": {"50ms": {"synth_paired": [1.45, 1.48, 1.59], "synth_median": 1.57}}}  # fmt: skip
    assert report._bar_at_50(seeds) == (
        "met by the median of each seed's own ratio, 1.48x: 2 of 3 seeds within it, "
        "the ratio of the medians 1.57x"
    )
    slow = {"rows": rows,
            "ratios": {"50ms": {"synth_paired": [1.4, 1.6, 1.7], "synth_median": 1.6}}}  # fmt: skip
    assert report._bar_at_50(slow).startswith("missed by the median")
    assert "1 of 3 seeds" in report._bar_at_50(slow)
    assert report._bar_at_50({"rows": rows, "ratios": {}}) == "missed: 1.60x"
    even = [rows[0], {"delay": 0.05, "synth": {"wall_seconds": 45.0}}]
    assert report._bar_at_50({"rows": even}) == "met: 1.50x"
    assert report._bar_at_50({"rows": rows[:1]}) == ""


def test_the_seeds_section_gives_each_seed_s_ratio_and_the_bar_s_verdict() -> None:
    def row(delay: float, walls: list[float]) -> dict[str, Any]:
        seeds = [{"seed": 11 + i, "exit_code": 0, "failed": 0, "wall_seconds": w, "requests": 1}
                 for i, w in enumerate(walls)]  # fmt: skip
        return {"delay": delay, "synth": {"wall_seconds": walls[0]}, "seeds": seeds, "st": []}

    rows = [row(0.0, [30.0, 32.0, 34.0]), row(0.05, [42.0, 51.2, 54.4])]
    data = {"commit": "abc1234", "seed": 11, "elapsed_seconds": 300.0, "rows": rows,
            "ratios": latency._ratios(rows)}  # fmt: skip
    lines = report.latency_seeds(data)
    assert any("--seeds 3 --seed 11 --st-workers none" in line for line in lines), lines
    assert any(line.startswith("- Wall time at 50 ms over loopback: synth 1.40x")
               and "each seed's own ratio 1.40, 1.60, 1.60, median 1.60x" in line
               and "missed by the median" in line and "1 of 3 seeds within it" in line
               for line in lines), lines  # fmt: skip


def test_scheduler_benchmark_runs_both_schedulers_to_the_end(tmp_path: Path) -> None:
    """``bench.scheduler`` on the CRM: ``PartScheduling`` and xdist's ``LoadScheduling`` each
    hand out every test once (``measure`` asserts it) and their CPU seconds are given."""
    from bench import scheduler

    row = scheduler.measure(ROOT / "contracts", 3, tmp_path)
    assert row["tests"] > 100
    assert row["workers"] == 3
    assert row["synth_cpu_seconds"] > 0
    assert row["xdist_cpu_seconds"] > 0
    assert row["ratio"] == row["synth_cpu_seconds"] / row["xdist_cpu_seconds"]
