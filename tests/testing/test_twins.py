"""ERR-PROBLEM and ERR-DECLARED send an operation the same probes (``synth/testing/_twins.py``):
the first of their two searches to start judges both, and the other passes on that where both
held, sending nothing; else it runs its own search, as before."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from examples.reference_server.app import create_app
from synth.spec import ApiSpec
from synth.testing import Target, check, config_from_options
from synth.testing._report import markdown, summary_lines
from synth.testing._twins import Twins
from synth.testing._violation import Finding, Outcome

from .conftest import TOKENS


def _targets(api: ApiSpec, folder: Path, bugs: str = "") -> tuple[Target, Target]:
    """Two processes of one run, each with the run's folder of twins' claims."""
    config = config_from_options(app=create_app(bugs=bugs, work_delay=0.0), tenants=TOKENS,
                                 profile="default", seed=4, env={})  # fmt: skip
    mine, theirs = Target(config, api), Target(config, api)
    mine.twins, theirs.twins = Twins(folder), Twins(folder)
    return mine, theirs


def test_the_second_search_of_the_pair_passes_on_the_first_s_answers(
    tmp_path: Path, api: ApiSpec
) -> None:
    mine, theirs = _targets(api, tmp_path)
    try:
        check("ERR-DECLARED", "getContact", mine)
        (declared,) = mine.findings
        assert declared.outcome is Outcome.PASSED
        assert declared.requests > 0
        sent = theirs.client.requests
        check("ERR-PROBLEM", "getContact", theirs)
        (problem,) = theirs.findings
        assert theirs.client.requests == sent  # nothing sent
        assert problem.outcome is Outcome.PASSED
        assert problem.extra["judged_by"] == "test_getContact__ERR_DECLARED"
        assert (problem.examples, problem.exercised) == (declared.examples, declared.exercised)
        assert problem.examples >= 8  # the default profile's search
        # Said in the run's summary and its report.
        assert any("ERR-PROBLEM getContact" in line and "same probes" in line
                   for line in summary_lines(theirs))  # fmt: skip
        assert "by `test_getContact__ERR_DECLARED`" in markdown(theirs)
        # Another operation's pair is its own: claimed afresh.
        check("ERR-PROBLEM", "listContacts", theirs)
        assert theirs.client.requests > sent
        assert "judged_by" not in theirs.findings[-1].extra
    finally:
        mine.close()
        theirs.close()


def test_a_twin_whose_rule_failed_runs_its_own_search_and_reports(
    tmp_path: Path, api: ApiSpec
) -> None:
    """The server answers a request without a token 401 ``unauthorized`` where the contract
    declares ``unauthenticated``: a problem+json of the right shape (ERR-PROBLEM passes) with
    an undeclared code. ERR-PROBLEM's search saw ERR-DECLARED's rule fail, so ERR-DECLARED
    searches for itself and reports it, with its own reproduction."""
    mine, theirs = _targets(api, tmp_path, bugs="err-unauthorized-code")
    try:
        check("ERR-PROBLEM", "getContact", mine)
        assert mine.findings[-1].outcome is Outcome.PASSED
        assert ("ERR-DECLARED", "getContact") in mine.twin_failed
        sent = theirs.client.requests
        with pytest.raises(pytest.fail.Exception, match="unauthorized"):
            check("ERR-DECLARED", "getContact", theirs)
        (declared,) = theirs.findings
        assert declared.outcome is Outcome.VIOLATION
        assert "judged_by" not in declared.extra
        assert theirs.client.requests > sent
    finally:
        mine.close()
        theirs.close()


def test_the_second_waits_for_the_first_and_runs_its_own_where_it_ran_fewer_examples(
    tmp_path: Path, api: ApiSpec
) -> None:
    """What the first search found is waited for (it may be running in another process); a
    first search of fewer examples than the twin's own (a search cut short) is not enough:
    the twin runs its own."""
    first, second = _targets(api, tmp_path)
    ran: list[int] = []
    gate = threading.Event()

    def search(examples: int) -> Finding:
        if examples < 8:
            gate.wait(5)
        ran.append(examples)
        return Finding("ERR-PROBLEM", "getJob", Outcome.PASSED, 0.1, 3, examples=examples,
                       exercised=examples)  # fmt: skip

    claimed = threading.Thread(
        target=lambda: first.twins.search("ERR-PROBLEM", "getJob", first, lambda: search(3))
    )
    claimed.start()
    try:
        time.sleep(0.2)  # it claimed the pair and is searching
        threading.Timer(0.3, gate.set).start()
        started = time.monotonic()
        finding = second.twins.search("ERR-DECLARED", "getJob", second, lambda: search(8))
        assert time.monotonic() - started >= 0.25  # it waited for the first to settle
        assert ran == [3, 8]  # three examples are fewer than its own eight: it ran its own
        assert "judged_by" not in finding.extra
    finally:
        claimed.join(5)
        first.close()
        second.close()


def test_a_search_that_claimed_the_pair_and_was_skipped_lets_the_other_go(tmp_path: Path) -> None:
    """A search's test claims the pair before it takes its locks; skipped then (its first
    example's test reported a violation), it says so at its end, and the other runs its own
    at once instead of waiting for it."""
    mine, theirs = Twins(tmp_path), Twins(tmp_path)
    mine.before_search("ERR-PROBLEM", "getJob")
    mine.after_test("ERR-PROBLEM", "getJob")
    started = time.monotonic()
    theirs.before_search("ERR-DECLARED", "getJob")
    assert time.monotonic() - started < 1
    assert theirs._before[("ERR-DECLARED", "getJob")] == (
        False,
        {"held": False, "by": "test_getJob__ERR_PROBLEM"},
    )


def test_with_two_workers_each_pair_searches_once(tmp_path: Path, generated: Path) -> None:
    """Over HTTP with two worker processes: of each operation's two searches one sends its
    probes, the other passes on its answers, and the report says which."""
    import json

    from click.testing import CliRunner

    from examples.reference_server.process import serve
    from synth.testing.cli import test_command as command

    results = tmp_path / "results.json"
    with serve() as url:
        args = ["--base-url", url, "--tests", str(generated), "--profile", "default",
                "--seed", "3", "--workers", "2", "--results", str(results),
                "--report", str(tmp_path / "report.md"),
                "-k", "(getContact or createJob) and (ERR_PROBLEM or ERR_DECLARED)"]  # fmt: skip
        for token in TOKENS:
            args += ["--tenant", token]
        outcome = CliRunner().invoke(command, args, env={})
    assert outcome.exit_code == 0, outcome.output
    findings = json.loads(results.read_text(encoding="utf-8"))["findings"]
    assert {f["outcome"] for f in findings} == {"passed"}
    for operation in ("getContact", "createJob"):
        pair = [f for f in findings if f["operation"] == operation]
        assert len(pair) == 2, pair
        judged = [f for f in pair if "judged_by" in f["extra"]]
        assert len(judged) == 1, pair
        (other,) = [f for f in pair if f is not judged[0]]
        assert (
            judged[0]["extra"]["judged_by"]
            == f"test_{operation}__{other['invariant'].replace('-', '_')}"
        )
        assert judged[0]["requests"] < other["requests"]
    assert "Judged on another check's answers" in (tmp_path / "report.md").read_text()


def test_the_pair_is_judged_once_on_another_api(tmp_path: Path) -> None:
    """The rooms API (``tests/testing/rooms.py``: ids with prefixes, a room under its site):
    ERR-PROBLEM's search passes on ERR-DECLARED's answers there too."""
    import synth
    from tests.testing.rooms import TENANTS as ROOM_TENANTS
    from tests.testing.rooms import Rooms, app, write_contracts

    contracts = write_contracts(tmp_path)
    api = synth.load(contracts)
    config = config_from_options(app=app(Rooms()), tenants=ROOM_TENANTS, seed=2,
                                 contracts=contracts, env={}, profile="default")  # fmt: skip
    mine, theirs = Target(config, api), Target(config, api)
    (tmp_path / "run").mkdir()
    mine.twins, theirs.twins = Twins(tmp_path / "run"), Twins(tmp_path / "run")
    try:
        check("ERR-DECLARED", "getRoom", mine)
        sent = theirs.client.requests
        check("ERR-PROBLEM", "getRoom", theirs)
        (problem,) = theirs.findings
        assert theirs.client.requests == sent
        assert problem.extra["judged_by"] == "test_getRoom__ERR_DECLARED"
    finally:
        mine.close()
        theirs.close()
