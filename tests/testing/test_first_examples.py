"""Every check's first example runs before any check's search (``synth/testing/_first.py``).

A check that searches four examples or more is two tests: ``test_op__INV[first]`` (its first
example alone, placed with the others' first examples where the single-request checks open
the run) and ``test_op__INV`` (the check as before). A violation its first example shows is
reported at once and the search's test is skipped, saying so; with worker processes the two
tests may run in different processes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from click.testing import CliRunner

from examples.reference_server.app import create_app
from examples.reference_server.process import ROOT, serve
from synth.spec import ApiSpec
from synth.testing import Target, check, config_from_options, plugin
from synth.testing._first import FIRST, FirstExamples, staged
from synth.testing._order import order, with_firsts
from synth.testing._twins import Twins
from synth.testing._violation import Finding, Outcome
from synth.testing.cli import run_suite
from synth.testing.cli import test_command as command

from .conftest import TOKENS


def test_first_examples_go_where_the_single_request_checks_start() -> None:
    names = ["test_listJobs__PAGE_LIMIT", "test_getJob__TEN_READ", "test_createJob__IDEM_REPLAY",
             "test_listJobs__PAGE_END", "test_createJob__ERR_PROBLEM"]  # fmt: skip
    ordered = order(names)
    placed = with_firsts(names, ordered, lambda name: "ERR_PROBLEM" not in name)
    shown = [names[i] + (FIRST if first else "") for i, first in placed]
    # The first examples first, cheapest first; then every search in its usual order.
    assert shown[:4] == ["test_getJob__TEN_READ[first]", "test_createJob__IDEM_REPLAY[first]",
                         "test_listJobs__PAGE_END[first]", "test_listJobs__PAGE_LIMIT[first]"]  # fmt: skip
    assert shown[4:] == [names[i] for i in ordered]
    # What the order puts before the first single-request check (a far target's longest chain
    # and its part's checks) stays whole: its first example would come after it.
    early = [names.index("test_listJobs__PAGE_LIMIT"), *(i for i in ordered if "PAGE_LIMIT" not in names[i])]  # fmt: skip
    placed = with_firsts(names, early, lambda name: True)
    assert placed[0] == (names.index("test_listJobs__PAGE_LIMIT"), False)
    assert (names.index("test_listJobs__PAGE_LIMIT"), True) not in placed
    assert sum(first for _, first in placed) == len(names) - 1
    # Nothing to split: the order as it was.
    assert with_firsts(names, ordered, lambda name: False) == [(i, False) for i in ordered]


def _finding(outcome: Outcome, examples: int, requests: int) -> Finding:
    return Finding("PAGE-END", "listJobs", outcome, 0.5, requests, examples=examples, exercised=1)


def test_what_a_first_example_found_reaches_another_process(tmp_path: Path) -> None:
    mine, theirs = FirstExamples(tmp_path), FirstExamples(tmp_path)
    # The first of a check's two tests to start claims it, whichever process it runs in.
    assert mine.claim("PAGE-END listJobs")
    assert not theirs.claim("PAGE-END listJobs")
    assert not mine.claim("PAGE-END listJobs")
    settler = threading.Timer(0.3, mine.settle,
                              ("PAGE-END listJobs", _finding(Outcome.PASSED, 1, 4)))  # fmt: skip
    started = time.monotonic()
    settler.start()
    found = theirs.found("PAGE-END listJobs")  # waits for the other process's answer
    assert time.monotonic() - started >= 0.25
    assert found == {"violation": False, "passed": True, "edges": False, "examples": 1,
                     "exercised": 1, "requests": 4, "seconds": 0.5}  # fmt: skip
    # Its counts join the search's finding.
    search = _finding(Outcome.PASSED, 4, 30)
    FirstExamples.carry(found, search)
    assert (search.examples, search.requests, search.exercised, search.seconds) == (5, 34, 2, 1.0)
    # A violation is said so; a first example that stopped on an error decides nothing.
    mine.claim("TEN-LIST listJobs")
    mine.settle("TEN-LIST listJobs", _finding(Outcome.VIOLATION, 1, 3))
    assert theirs.found("TEN-LIST listJobs", wait=0.1)["violation"] is True  # type: ignore[index]
    mine.claim("TEN-READ getJob")
    mine.settle("TEN-READ getJob", None)
    assert theirs.found("TEN-READ getJob", wait=0.1) == {"violation": False}
    # Claimed and never settled (its process died): the search runs after the wait.
    mine.claim("CACHE-ETAG getJob")
    assert theirs.found("CACHE-ETAG getJob", wait=0.1) is None
    # In one process, the same without files.
    alone = FirstExamples()
    assert alone.claim("PAGE-END listJobs")
    assert not alone.claim("PAGE-END listJobs")
    alone.settle("PAGE-END listJobs", _finding(Outcome.VIOLATION, 1, 3))
    assert alone.found("PAGE-END listJobs") == {"violation": True, "passed": False,
                                                "edges": False, "examples": 1, "exercised": 1,
                                                "requests": 3, "seconds": 0.5}  # fmt: skip


def test_a_search_in_another_process_does_not_judge_the_edges_again(
    tmp_path: Path, api: ApiSpec
) -> None:
    """The edges of a list (its largest page and one more item) are judged once in the run for
    each check: where the first example's test judged them and passed, the search's test in
    another process does not make the list's edge fixture again (``limit.max + 1`` creates),
    as it does not in one process."""
    app = create_app(work_delay=0.0)
    config = config_from_options(app=app, tenants=TOKENS, profile="default", seed=3, env={})
    first, search = Target(config, api), Target(config, api)  # two processes of one run
    first.firsts, search.firsts = FirstExamples(tmp_path), FirstExamples(tmp_path)
    first.stage, search.stage = "first", "rest"
    limit = api.operation("listContacts").pagination.limit  # type: ignore[union-attr]

    def creates(target: Target) -> int:
        return sum(e.request.method == "POST" and e.request.path.endswith("/contacts")
                   for e in target.client.log)  # fmt: skip

    try:
        check("PAGE-END", "listContacts", first)
        assert ("PAGE-END", "listContacts") in first.edges_judged
        assert creates(first) > limit.max  # it made the edge fixture
        check("PAGE-END", "listContacts", search)
        assert ("PAGE-END", "listContacts") in search.edges_judged
        assert 0 < creates(search) < limit.max, creates(search)
    finally:
        first.close()
        search.close()


def _cases(junit: Path) -> list[ET.Element]:
    return list(ET.parse(junit).getroot().iter("testcase"))


def test_a_first_example_reports_before_any_search(tmp_path: Path, generated: Path) -> None:
    """ten-list-tag: tenant b's list filtered by a tag shows tenant a's item, which TEN-LIST's
    first example shows. Its report comes before the search of any check, and its own search
    is not run; PAGE-END, split too, runs its first example, then its search."""
    app = create_app(bugs="ten-list-tag", work_delay=0.0)
    config = config_from_options(app=app, tenants=TOKENS, profile="default", seed=3, env={})
    junit, report = tmp_path / "junit.xml", tmp_path / "report.md"
    code = run_suite(config, generated, select="listContacts and (TEN_LIST or PAGE_END)",
                     junit=junit, report=report, extra=["-p", "no:randomly"])  # fmt: skip
    assert code == 1
    cases = _cases(junit)
    names = [case.get("name") for case in cases]
    # The first examples, cheapest check first (PAGE-END), then the searches in that order.
    assert names == ["test_listContacts__PAGE_END[first]", "test_listContacts__TEN_LIST[first]",
                     "test_listContacts__PAGE_END", "test_listContacts__TEN_LIST"]  # fmt: skip
    by_name = dict(zip(names, cases, strict=True))
    assert by_name["test_listContacts__TEN_LIST[first]"].find("failure") is not None
    skipped = by_name["test_listContacts__TEN_LIST"].find("skipped")
    assert skipped is not None
    assert "reported by its first example" in (skipped.get("message") or ""), skipped.attrib
    for name in ("test_listContacts__PAGE_END[first]", "test_listContacts__PAGE_END"):
        assert len(by_name[name]) == 0, name  # passed
    text = report.read_text(encoding="utf-8")
    assert text.count("### TEN-LIST on `listContacts`") == 1, text


@pytest.mark.slow
def test_workers_share_what_first_examples_found(tmp_path: Path, generated: Path) -> None:
    """Over HTTP with two worker processes: the search's test of a check whose first example
    was reported elsewhere is skipped, and each check is one finding."""
    results = tmp_path / "results.json"
    with serve("ten-list-tag") as url:
        args = ["--base-url", url, "--tests", str(generated), "--profile", "default",
                "--seed", "5", "--workers", "2", "--results", str(results),
                "--junit", str(tmp_path / "junit.xml"), "-k",
                "(listContacts or getContact) and (TEN_LIST or PAGE_END or TEN_READ or CACHE_ETAG)"]  # fmt: skip
        for token in TOKENS:
            args += ["--tenant", token]
        outcome = CliRunner().invoke(command, args, env={})
    assert outcome.exit_code == 1, outcome.output
    findings = json.loads(results.read_text(encoding="utf-8"))["findings"]
    keys = [(f["invariant"], f["operation"]) for f in findings]
    assert sorted(keys) == sorted(set(keys)), keys  # one finding per check
    assert {k for k, f in zip(keys, findings, strict=True) if f["outcome"] == "violation"} == {
        ("TEN-LIST", "listContacts")
    }
    # One of TEN-LIST's two tests reports it, the other is skipped saying why: mostly the
    # first example's test, unless the search's test started first in the other process.
    cases = {c.get("name"): c for c in _cases(tmp_path / "junit.xml")}
    pair = [cases["test_listContacts__TEN_LIST[first]"], cases["test_listContacts__TEN_LIST"]]
    failed = [case for case in pair if case.find("failure") is not None]
    skipped = [case.find("skipped") for case in pair if case.find("skipped") is not None]
    assert len(failed) == 1, [case.attrib for case in pair]
    assert len(skipped) == 1, [case.attrib for case in pair]
    reason = skipped[0].get("message") or ""  # type: ignore[union-attr]
    assert "reported by its first example" in reason or "started first" in reason, reason
    assert "test_getContact__CACHE_ETAG[first]" in cases


def _conformance_run(
    tmp_path: Path, generated: Path, bugs: str
) -> tuple[int, dict[str, ET.Element], dict[str, Any]]:
    app = create_app(bugs=bugs, work_delay=0.0)
    config = config_from_options(app=app, tenants=TOKENS, profile="quick", seed=2, env={})
    junit, results = tmp_path / "junit.xml", tmp_path / "results.json"
    code = run_suite(config, generated, select="createContact and CONFORMANCE", junit=junit,
                     results=results, extra=["-p", "no:randomly"])  # fmt: skip
    findings = json.loads(results.read_text(encoding="utf-8"))["findings"]
    assert len(findings) == 1, findings
    return code, {str(c.get("name")): c for c in _cases(junit)}, findings[0]


def test_conformance_sends_the_declared_examples_first_and_each_request_once(
    tmp_path: Path, generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """location-missing: a 201 without its Location header, which createContact's declared
    examples show. Conformance's first test sends those alone, under any profile."""
    code, cases, finding = _conformance_run(tmp_path / "bug", generated, "location-missing")
    assert code == 1
    assert list(cases) == ["test_createContact__CONFORMANCE[first]",
                           "test_createContact__CONFORMANCE"]  # fmt: skip
    assert cases["test_createContact__CONFORMANCE[first]"].find("failure") is not None
    assert cases["test_createContact__CONFORMANCE"].find("skipped") is not None
    assert finding["outcome"] == "violation"
    # Against a correct server the two tests together send what the one test sends unsplit:
    # the declared examples in the first, the drawn cases in the other.
    code, cases, split = _conformance_run(tmp_path / "split", generated, "")
    assert code == 0
    assert len(cases) == 2
    monkeypatch.setattr(plugin, "_splits", lambda config, shape, found: lambda name: False)
    code, cases, whole = _conformance_run(tmp_path / "whole", generated, "")
    assert code == 0
    assert list(cases) == ["test_createContact__CONFORMANCE"]
    assert split["requests"] == whole["requests"] > 2


def _collected(generated: Path, profile: str) -> list[str]:
    """The generated suite's test names in run order, as pytest collects them (no request)."""
    args = [sys.executable, "-m", "pytest", str(generated), "--collect-only", "-q", "-p",
            "no:randomly", "-p", "no:cacheprovider", "--base-url", "http://127.0.0.1:9",
            "--profile", profile, "--contracts", str(ROOT / "contracts")]  # fmt: skip
    for token in TOKENS:
        args += ["--tenant", token]
    out = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    return [line.rpartition("::")[2] for line in out.stdout.splitlines() if "::" in line]


def test_which_checks_are_split(generated: Path) -> None:
    names = _collected(generated, "default")
    firsts = [name.removesuffix(FIRST) for name in names if name.endswith(FIRST)]
    assert firsts
    # Each before any search, and the check's own test still there, once.
    searches = [name for name in names if not name.endswith(FIRST)]
    assert names[: len(firsts)] == [name + FIRST for name in firsts]
    assert set(firsts) <= set(searches)
    assert len(searches) == len(set(searches))
    # Checks that keep their part from their first request, or whose first example is most
    # of their run, are not split; nor the walks of the jobs list, which no scope can isolate
    # (its part's chain: its own page checks, and the create's idempotency checks that count
    # in it). TEN-LIST, which looks for its own jobs' ids, and IDEM-TENANT-SCOPE, which counts
    # nothing, walk beside that chain; so does TEN-NONINTERFERENCE on B's own items (not on
    # the jobs list).
    kept = ("RATE_", "test_listJobs__TEN_NONINTERFERENCE", "OBJECT_LEVEL", "test_listJobs__PAGE_",
            "test_createJob__IDEM_REPLAY", "test_createJob__IDEM_MISMATCH",
            "test_createJob__IDEM_CONCURRENT", "test_createJob__IDEM_MISSING")  # fmt: skip
    assert [name for name in firsts if any(k in name for k in kept)] == []
    assert "test_listJobs__TEN_LIST" in firsts
    assert "test_getContact__TEN_NONINTERFERENCE" in firsts
    assert "test_listContacts__TEN_NONINTERFERENCE" in firsts
    assert "test_createJob__IDEM_TENANT_SCOPE" in firsts
    assert "test_listJobs__ERR_VALIDATION" in firsts  # no walk
    assert "test_getContact__TEN_READ" in firsts
    assert "test_createContact__TEN_ASSIGN" in firsts  # two examples a search under default
    assert "test_createContact__CONFORMANCE" in firsts  # its declared examples
    assert "test_listJobs__CONFORMANCE" not in firsts  # none declared
    # Under quick, a first example sent twice would add a third to a search: only conformance,
    # which sends nothing twice, is split.
    quick = [name for name in _collected(generated, "quick") if name.endswith(FIRST)]
    assert quick == ["test_createContact__CONFORMANCE" + FIRST]


def test_the_search_after_a_first_example_that_did_not_pass_runs_the_whole_check() -> None:
    """Conformance's search leaves out the declared examples its first test sent; where that
    test was cut short by a transport fault they may not all have been judged, so the search
    sends them again. After a first example that passed it leaves them out."""
    given: list[str] = []

    def run(stage: str) -> Finding:
        given.append(stage)
        return _finding(Outcome.PASSED, 4, 10)

    for outcome, expected in ((Outcome.FAULT, "whole"), (Outcome.PASSED, "rest")):
        store = FirstExamples()
        store.claim("CONFORMANCE createContact")
        store.settle("CONFORMANCE createContact", _finding(outcome, 1, 2))
        target = SimpleNamespace(stage="rest", firsts=store)
        finding = staged("CONFORMANCE createContact", target, run)  # type: ignore[arg-type]
        assert given[-1] == expected, outcome
        assert finding is not None
        assert finding.requests == 12  # the first test's requests counted either way


def test_a_search_waits_for_its_first_example_before_it_takes_any_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The search's test of a split check, its first example's test running in another
    process, waits for that one to settle before it takes the run's locks. Waiting while
    holding them, it kept a lane the first example's test may take again mid-test
    (``RunLock.widen`` lets its lane go and takes every lane in order), behind a walk waiting
    to keep that lane, which waited for the search: each waited for the next, up to ten
    minutes."""
    mine, theirs = FirstExamples(tmp_path), FirstExamples(tmp_path)
    key = "ERR-DECLARED getJob"
    assert mine.claim(key)  # the first example's test, in another process, runs it
    events: list[str] = []
    monkeypatch.setattr(plugin, "hold", lambda *args: events.append("hold"))
    lock = SimpleNamespace(stay=lambda part: None, release=lambda: events.append("release"))
    made = SimpleNamespace(lock=lock, firsts=theirs, lane=None, seen_lists=set(),
                           sync_shared=lambda: None, twins=Twins(tmp_path))  # fmt: skip
    item: Any = SimpleNamespace(name="test_getJob__ERR_DECLARED", stash={plugin._STAGE: "rest"},
                                config=SimpleNamespace(stash={plugin._TARGET: made}))  # fmt: skip
    monkeypatch.setattr(plugin, "dealt", lambda *args: False)

    def settle() -> None:
        events.append("settled")
        mine.settle(key, _finding(Outcome.PASSED, 1, 4))

    settler = threading.Timer(0.3, settle)
    settler.start()
    workers: Any = SimpleNamespace()
    call: Any = plugin._Workers.pytest_runtest_call(workers, item)
    next(call)  # up to the test's body
    assert events == ["settled", "hold"]
    with pytest.raises(StopIteration):
        call.send(None)
    assert events == ["settled", "hold", "release"]
    # The body then finds what the first example found without waiting, and does not claim.
    assert not theirs.search_claims(key)
    assert theirs.found(key, wait=0)["passed"] is True  # type: ignore[index]
    # Where no first example's test claimed the check, the search's test claims it (once).
    other = "TEN-READ getJob"
    theirs.before_search(other)
    assert theirs.search_claims(other)
    assert not mine.claim(other)


def test_first_examples_covered_by_their_search_are_counted_apart() -> None:
    """A first example's test skipped because its check's search began first elsewhere and
    ran it (``staged``) is counted for the terminal summary's line saying so: pytest counts
    it skipped, yet no check was left out. Other skips are not counted."""
    from synth.testing._first import COVERED, covered_firsts

    def report(nodeid: str, why: str) -> SimpleNamespace:
        return SimpleNamespace(nodeid=nodeid, longrepr=("t.py", 3, f"Skipped: {why}"))

    skipped = [
        report(f"t.py::test_getJob__TEN_READ{FIRST}", f"TEN-READ on getJob: {COVERED} (...)"),
        report(f"t.py::test_getJob__TEN_LIST{FIRST}", "TEN-LIST needs two or more tenants"),
        report("t.py::test_getJob__TEN_READ", f"TEN-READ on getJob: {COVERED} (...)"),
    ]
    assert covered_firsts(skipped) == 1
    assert covered_firsts([]) == 0
