"""The mutation suite: every planted bug is caught by its invariant; the correct server is clean.

Each run goes through ``run_suite`` (what ``synth test`` runs) against the reference server
in-process, default profile. A bug's run selects the generated tests of the invariant the bug
should trip and stops at the first failure (the time to first report); the clean runs run
every generated test under ten seeds (one outside ``make test-thorough``, with getJob's
rate-limit window cut to 2 s).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from examples.reference_server.app import create_app
from examples.reference_server.bugs import BUGS
from examples.reference_server.process import serve
from synth.spec import ApiSpec
from synth.testing import config_from_options
from synth.testing.cli import run_suite

from .conftest import TOKENS

# A short work delay keeps the run fast and still opens the race IDEM-CONCURRENT looks for.
WORK_DELAY = 0.002


def _run(
    tmp_path: Path, generated: Path, bugs: str, seed: int, select: str | None,
    *, enforce_slo: bool = False, contracts: Path | None = None,
) -> tuple[int, str]:  # fmt: skip
    """``contracts``: the contracts ``generated`` was written from, when not contracts/."""
    app = create_app(bugs=bugs, work_delay=WORK_DELAY,
                     contracts_dir=None if contracts is None else str(contracts))  # fmt: skip
    config = config_from_options(app=app, tenants=TOKENS, seed=seed, env={}, contracts=contracts)
    report = tmp_path / "report.md"
    code = run_suite(
        config,
        generated,
        select=select,
        report=report,
        enforce_slo=enforce_slo,
        extra=["-x", "-p", "no:randomly"] if select and not enforce_slo else [],
    )
    return code, report.read_text(encoding="utf-8") if report.exists() else ""


# The rate-limit bugs are each caught by their own check in `make test` (tests/testing/
# test_limits.py, straight through the check, with a 2 s window: about 7 s each); through the
# whole suite with the contract's 5 s window (about 20 s each), in `make test-thorough`.
_BY_LIMITS_TESTS = {b for b in BUGS if BUGS[b].invariant.startswith("RATE-")}


@pytest.mark.parametrize(
    "bug",
    [pytest.param(b, marks=[pytest.mark.thorough] if b in _BY_LIMITS_TESTS else [])
     for b in sorted(b for b in BUGS if BUGS[b].invariant != "SLO")],
)  # fmt: skip
def test_planted_bug_is_caught(bug: str, tmp_path: Path, generated: Path) -> None:
    expected = BUGS[bug].invariant
    code, report = _run(tmp_path, generated, bug, seed=1, select=f"__{expected.replace('-', '_')}")
    assert code == 1, report
    assert f"### {expected} on" in report, report
    # The contracts declare a request id: every reproduced request shows the one synth sent.
    assert "-H 'X-Request-Id: " in report, report
    assert "token-a" not in report
    assert "token-b" not in report


@pytest.mark.slow
def test_slow_operation_fails_the_run_with_enforce_slo(tmp_path: Path, generated: Path) -> None:
    # getContact stalls 250 ms per answer with the switch on; its contract's p95 is 200 ms.
    # ERR-PROBLEM alone sends it enough requests to judge (48 answers on seed 1, 20 needed).
    select = "getContact and ERR_PROBLEM"
    code, report = _run(tmp_path, generated, "slow-operation", 1, select, enforce_slo=True)
    assert code == 1, report
    row = next(line for line in report.splitlines() if line.startswith("| `getContact` |"))
    assert "BREACHED (p95" in row, report
    assert int(row.split("|")[2]) >= 20, row  # the sample it was judged over, shown
    # Without --enforce-slo the same breach is reported, not failed.
    code, report = _run(tmp_path, generated, "slow-operation", 1, select)
    assert code == 0, report
    assert "BREACHED (p95" in report, report


# Ten seeds for the bar "clean on 10 seeds"; one in `make test`, all ten in `make
# test-thorough`. `make test`'s seed runs the example API with getJob's rate-limit window cut
# from 5 s to 2 s (``short_window``, the server and synth both): the getJob checks wait out
# windows and 429s, a third of the run at 5 s (about 75 s -> 55 s); seeds 1-9 run contracts/.
@pytest.mark.slow
@pytest.mark.parametrize(
    ("seed", "window"),
    [pytest.param(0, "2s", id="0"),
     *(pytest.param(s, "5s", id=str(s), marks=pytest.mark.thorough) for s in range(1, 10))],
)  # fmt: skip
def test_correct_server_is_clean(
    seed: int, window: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if window == "2s":
        contracts: Path | None = request.getfixturevalue("short_window")
        generated: Path = request.getfixturevalue("short_generated")
    else:
        contracts, generated = None, request.getfixturevalue("generated")
    code, report = _run(tmp_path, generated, "", seed=seed, select=None, contracts=contracts)
    assert code == 0, report
    assert "no violations" in report


@pytest.fixture
def server() -> Iterator[str]:
    """The reference server as a real process on a free loopback port."""
    with serve() as url:
        yield url


# `make test` runs the checks on two operations; `make test-thorough` every generated test.
@pytest.mark.slow
@pytest.mark.parametrize(
    "select",
    [pytest.param("getContact or listContacts", id="two-operations"),
     pytest.param(None, id="every-check", marks=pytest.mark.thorough)],
)  # fmt: skip
def test_loopback_process(server: str, tmp_path: Path, generated: Path, select: str | None) -> None:
    config = config_from_options(base_url=server, tenants=TOKENS, profile="quick", seed=3, env={})
    report = tmp_path / "report.md"
    code = run_suite(config, generated, select=select, report=report, junit=tmp_path / "junit.xml")
    text = report.read_text(encoding="utf-8")
    assert code == 0, text
    junit = (tmp_path / "junit.xml").read_text(encoding="utf-8")
    assert "token-a" not in text + junit
    # Each operation's response times as properties of the JUnit report.
    props = {p.get("name"): p.get("value", "") for p in ET.fromstring(junit).iter("property")}
    assert int(props["synth.latency.getContact.answers"]) > 0, props
    assert float(props["synth.latency.getContact.p95_ms"]) > 0


@pytest.mark.slow
def test_base_url_may_end_with_the_base_path(server: str, tmp_path: Path, generated: Path) -> None:
    """DESIGN.md's form, `--base-url https://host/api/v1`, sends every request once to it."""
    config = config_from_options(base_url=server + "/api/v1", tenants=TOKENS, profile="quick",
                                 seed=5, env={})  # fmt: skip
    report = tmp_path / "report.md"
    code = run_suite(config, generated, report=report, select="CONFORMANCE or TEN_READ")
    assert code == 0, report.read_text(encoding="utf-8")


@pytest.mark.slow
def test_schemathesis_object_level_authorization_with_the_tenants(
    tmp_path: Path, generated: Path
) -> None:
    """schemathesis's own check, configured with our tenants as peers, catches a leaking read."""
    # The contacts part's check, where the leak is (GET /contacts/{id}): one check, one
    # process. The jobs part's check runs on a correct server in the test below.
    select = "createContact__OBJECT_LEVEL_AUTHORIZATION"
    with serve("ten-read-leak") as url:
        config = config_from_options(base_url=url, tenants=TOKENS, profile="quick", seed=2,
                                     env={})  # fmt: skip
        report = tmp_path / "report.md"
        code = run_suite(config, generated, report=report, select=select)
    text = report.read_text(encoding="utf-8")
    assert code == 1, text
    assert "OBJECT-LEVEL-AUTHORIZATION" in text
    assert "token-a" not in text
    # schemathesis's reproduction of the leak, its curl commands, not an empty block (a new
    # user found one under the finding).
    heading = "### OBJECT-LEVEL-AUTHORIZATION on the part of the API named `createContact`"
    section = text[text.index(heading) :]
    assert "```sh\n\n```" not in section, section
    shown = section.split("```sh", 1)[1].split("```", 1)[0]
    # The owner's read, then the peer's: each tenant's credential left for the shell.
    assert '"Authorization: Bearer $TOKEN_A"' in shown, shown
    assert shown.index("$TOKEN_A") < shown.index("$TOKEN_B"), shown


@pytest.mark.slow
def test_object_level_authorization_passes_a_correct_server(server: str, tmp_path: Path,
                                                           generated: Path) -> None:  # fmt: skip
    config = config_from_options(base_url=server, tenants=TOKENS, profile="quick", seed=2, env={})
    report = tmp_path / "report.md"
    code = run_suite(config, generated, report=report, select="OBJECT_LEVEL_AUTHORIZATION")
    assert code == 0, report.read_text(encoding="utf-8")


@pytest.mark.slow
def test_object_level_authorization_keeps_to_its_part(server: str, api: ApiSpec) -> None:
    """Over one part of the API, schemathesis's engine calls that part's operations only: the
    objects it makes (logged for cleanup) are all jobs, none a contact, so the checks of the
    contacts part can run meanwhile."""
    from synth.testing import Target, object_level_authorization

    config = config_from_options(base_url=server, tenants=TOKENS, profile="quick", seed=2, env={})
    target = Target(config, api)
    try:
        object_level_authorization(target, "createJob")
        made = [exchange.request.path for exchange in target.client.log]
        assert made
        assert all(path.endswith("/jobs") for path in made), made
        assert target.findings[-1].operation == "createJob"
    finally:
        target.close()


@pytest.mark.slow
def test_object_level_authorization_runs_its_phases_in_processes_side_by_side(
    server: str, api: ApiSpec, tmp_path: Path
) -> None:
    """Against a far target its phases run as `st run` processes at once (``PHASE_GROUPS``,
    three): each leaves its reports in a folder of its own, each ran its own phases and none
    of the others', and ``st_reports`` reads them all."""
    from synth.testing import Target
    from synth.testing._authorization import PHASE_GROUPS, PHASES, phase_groups, st_reports, st_run

    config = config_from_options(base_url=server, tenants=TOKENS, profile="quick", seed=2, env={})
    target = Target(config, api)
    try:
        # At loopback (none timed yet, a loopback host), one process with every phase.
        assert phase_groups(target) == (PHASES,)
        done = st_run(target, ["createJob", "getJob", "listJobs"], tmp_path, PHASE_GROUPS)
    finally:
        target.close()
    assert done.returncode == 0, done.stdout + done.stderr  # a correct server: nothing found
    for index, group in enumerate(PHASE_GROUPS):
        events = [json.loads(line) for path in (tmp_path / "reports" / str(index)).glob("*.ndjson")
                  for line in path.read_text(encoding="utf-8").splitlines()]  # fmt: skip
        enabled = {e["PhaseFinished"]["phase"]["name"] for e in events if "PhaseFinished" in e
                   and e["PhaseFinished"]["phase"]["is_enabled"]}  # fmt: skip
        # The phases it was given, and schemathesis's own (probing, schema analysis...).
        assert enabled & set(PHASES.split(",")) == set(group.split(",")), (group, enabled)
    events, entries = st_reports(tmp_path)
    assert len(PHASE_GROUPS) == 3
    assert len({path.parent.name for path in (tmp_path / "reports").rglob("har*")}) == 3
    assert entries
    assert len(entries) == sum(
        len(json.loads(p.read_text(encoding="utf-8"))["log"]["entries"])
        for p in (tmp_path / "reports").rglob("har*")
    )


def test_the_object_level_check_exit_status_of_its_processes() -> None:
    """Schemathesis's own failure (neither 0 nor 1) in either process wins; else a failed
    check in either; else nothing found."""
    from synth.testing._authorization import exit_status

    assert exit_status([0, 0]) == 0
    assert exit_status([0, 1]) == exit_status([1, 0]) == 1
    assert exit_status([1, 2]) == exit_status([2, 1]) == 2
    assert exit_status([0, 4]) == 4


def test_object_level_authorization_reports_unreadable_reports(
    api: ApiSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    """schemathesis stopped while writing its HAR: the check is an ERROR in the run's findings,
    saying so and how to go on, not a pytest error that leaves no finding behind; and a part
    that the contracts do not have is a usage error naming the fix."""
    import subprocess

    from synth._errors import UsageError
    from synth.testing import Target, object_level_authorization
    from synth.testing._violation import Outcome

    def cut_short(
        target: Target, operations: list[str], folder: Path
    ) -> subprocess.CompletedProcess[str]:
        # The second process's HAR (``st_run`` gives each its own folder under reports/).
        (folder / "reports" / "1").mkdir(parents=True)
        (folder / "reports" / "1" / "har.json").write_text('{"log": {"entr', encoding="utf-8")
        return subprocess.CompletedProcess(["st"], 1, "", "stopped")

    monkeypatch.setattr("synth.testing._authorization.st_run", cut_short)
    config = config_from_options(base_url="http://127.0.0.1:9", tenants=TOKENS, env={})
    target = Target(config, api)
    try:
        with pytest.raises(pytest.fail.Exception, match="ERROR reading schemathesis's reports"):
            object_level_authorization(target, "createJob")
        assert target.findings[-1].outcome is Outcome.ERROR
        assert "run again" in target.findings[-1].message
        with pytest.raises(UsageError, match="regenerate"):
            object_level_authorization(target, "noSuchPart")
    finally:
        target.close()
