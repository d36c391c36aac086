"""Walks of a whole list that cannot be isolated, beside the other checks of its part
(``Context.beside``), where the check judges only what it recognises as its own: the
idempotency checks count what a request made by the marker in its items (``Context.settle``),
TEN-LIST looks for the ids of tenant A's items in B's list. With other worker processes, such
a walk holds its part shared instead of keeping it to itself, and what is seen so is judged
again with the run to itself before it counts.

The tracker's projects (examples/tracker) can be listed only whole (no free-text filter), and
a project's name, which every listed project carries, holds the marker. The example's jobs
carry no free text: their idempotency checks still keep their part. The tracker's server runs
in process with a run lock of its own (``RunLock`` over a temporary folder), as one worker
would.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import synth
from examples.reference_server.app import create_app
from examples.tracker import server
from synth.testing import config_from_options
from synth.testing._http import Exchange, Request
from synth.testing._lock import RunLock
from synth.testing._parallel import chain_of, hold, shape_of
from synth.testing._runner import run_check
from synth.testing._target import Target
from synth.testing._violation import Finding, Outcome

from ._asgi import Scope, rewriting
from .conftest import TOKENS

ROOT = Path(__file__).resolve().parents[2]
TRACKER = ROOT / "examples" / "tracker" / "contracts"
TENANTS = ["a=tok_acme_0123456789", "b=tok_globex_9876543210"]
_COUNTED = ("IDEM-REPLAY", "IDEM-MISMATCH", "IDEM-CONCURRENT", "IDEM-MISSING")


@pytest.fixture(autouse=True)
def _fresh_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "STORE", server.Store())


def test_only_the_walks_that_must_be_alone_keep_their_part() -> None:
    tracker = shape_of(synth.load(TRACKER))
    example = shape_of(synth.load(ROOT / "contracts"))
    for invariant in _COUNTED:
        assert chain_of(invariant, "createProject", tracker) == ""
        # A job's body has no free text: its list is walked whole, keeping the jobs' part.
        assert chain_of(invariant, "createJob", example) == example.graph.parts()["createJob"]
    # IDEM-TENANT-SCOPE counts nothing: it walks no list; TEN-LIST looks for its own ids.
    assert chain_of("IDEM-TENANT-SCOPE", "createProject", tracker) == ""
    assert chain_of("IDEM-TENANT-SCOPE", "createJob", example) == ""
    assert chain_of("TEN-LIST", "listProjects", tracker) == ""
    assert chain_of("TEN-LIST", "listJobs", example) == ""
    # A page check judges the whole list: it keeps its part.
    assert chain_of("PAGE-COMPLETE", "listJobs", example) == example.graph.parts()["listJobs"]


class _Watched:
    """The run lock's calls a check makes: how it held its part when it walked the list."""

    def __init__(self, lock: RunLock, target: Target, listed: str = "/projects") -> None:
        self.kept: list[str] = []  # "part" or "run", each time the check took one exclusive
        self.walks: list[str] = []  # the run's lock as held at each page of the list
        self.creates: list[str] = []  # and at each create
        part, run = lock.exclusive_part, lock.exclusive

        def exclusive_part(*names: str, lane: int | None = None) -> None:
            self.kept.append("part")
            part(*names, lane=lane)

        def exclusive() -> None:
            self.kept.append("run")
            run()

        lock.exclusive_part = exclusive_part  # type: ignore[method-assign]
        lock.exclusive = exclusive  # type: ignore[method-assign]
        send = target.client.send

        def watched(request: Request) -> Exchange:
            held = lock.held + ("+partial" if lock.partial else "")
            if request.path.endswith(listed):
                (self.walks if request.method == "GET" else self.creates).append(held)
            return send(request)

        target.client.send = watched  # type: ignore[method-assign]


def _run(
    tmp_path: Path,
    invariant: str,
    bugs: frozenset[str] = frozenset(),
    op: str = "createProject",
    contracts: Path = TRACKER,
) -> tuple[Finding, _Watched]:
    server.STORE.bugs = bugs
    api = synth.load(contracts)
    config = config_from_options(app=server.app, tenants=TENANTS, seed=1, contracts=contracts,
                                 env={}, profile="quick")  # fmt: skip
    target = Target(config, api)
    target.lock = RunLock(tmp_path)
    watched = _Watched(target.lock, target)
    try:
        hold(target, invariant, op)  # as the plugin does at the start of the test
        finding = run_check(invariant, op, target)
    finally:
        target.lock.release()
        target.close()
        target.lock.close()
    return finding, watched


@pytest.mark.parametrize(
    ("invariant", "op"),
    [*((invariant, "createProject") for invariant in _COUNTED), ("TEN-LIST", "listProjects")],
)
def test_a_correct_server_is_walked_beside_the_part(
    tmp_path: Path, invariant: str, op: str
) -> None:
    finding, watched = _run(tmp_path, invariant, op=op)
    assert finding.outcome is Outcome.PASSED, finding.message
    assert watched.walks, "the check walked the projects' list"
    # Every walk went on with the part and the run held shared, judged as seen beside others.
    assert set(watched.walks) == {"shared+partial"}
    assert watched.kept == []


def test_a_violation_seen_beside_the_part_is_confirmed_alone(tmp_path: Path) -> None:
    finding, watched = _run(tmp_path, "IDEM-REPLAY", frozenset({"idem-replay-creates"}))
    assert finding.outcome is Outcome.VIOLATION, finding.message
    # Seen beside the part's other checks (no baseline walked, the part held shared), then
    # replayed with the run to itself, whose scope took its baseline as in one process.
    assert watched.creates[0] == "shared+partial"
    assert watched.kept[0] == "run"
    assert watched.walks
    assert {held.split("+")[0] for held in watched.walks} == {"exclusive"}
    assert watched.creates[-1].startswith("exclusive")


def test_run_in_one_process_the_list_is_counted_by_its_baseline() -> None:
    """No run lock (one worker, an in-process app): nothing else writes meanwhile, and the
    count is what it was before counting by marker (a baseline walk first)."""
    api = synth.load(TRACKER)
    config = config_from_options(app=server.app, tenants=TENANTS, seed=1, contracts=TRACKER,
                                 env={}, profile="quick")  # fmt: skip
    target = Target(config, api)
    try:
        finding = run_check("IDEM-REPLAY", "createProject", target)
        server.STORE.bugs = frozenset({"idem-replay-creates"})
        buggy = run_check("IDEM-REPLAY", "createProject", target)
    finally:
        target.close()
    assert finding.outcome is Outcome.PASSED, finding.message
    assert buggy.outcome is Outcome.VIOLATION, buggy.message


def test_a_leak_seen_beside_the_part_is_confirmed_alone(tmp_path: Path) -> None:
    finding, watched = _run(
        tmp_path, "TEN-LIST", frozenset({"ten-projects-list-all"}), op="listProjects"
    )
    assert finding.outcome is Outcome.VIOLATION, finding.message
    assert "to hold none of tenant a's items" in finding.expected
    assert watched.walks[0] == "shared+partial"  # seen beside the part's other checks,
    assert watched.kept[0] == "run"  # then replayed with the run to itself
    assert watched.walks[-1].startswith("exclusive")


def test_noninterference_on_its_own_items_runs_beside_the_part(tmp_path: Path) -> None:
    """TEN-NONINTERFERENCE on a create: B is shown only the project it made in each world,
    which no other check writes to, so the check holds its part shared, not to itself."""
    tracker = shape_of(synth.load(TRACKER))
    assert chain_of("TEN-NONINTERFERENCE", "createProject", tracker) == ""
    # The projects' list cannot be isolated: TEN-NONINTERFERENCE on it keeps the part.
    assert chain_of("TEN-NONINTERFERENCE", "listProjects", tracker) == "createProject"
    finding, watched = _run(tmp_path, "TEN-NONINTERFERENCE")
    assert finding.outcome is Outcome.PASSED, finding.message
    assert watched.creates
    assert set(watched.creates) == {"shared+partial"}
    assert watched.kept == []


def test_interference_seen_beside_the_part_is_confirmed_alone(tmp_path: Path) -> None:
    """A project key unique across organisations: B's create is refused in the world where A
    made one with that key first. Seen beside the part, replayed with the run to itself."""
    finding, watched = _run(tmp_path, "TEN-NONINTERFERENCE", frozenset({"ten-project-key-global"}))
    assert finding.outcome is Outcome.VIOLATION, finding.message
    assert "project_key_taken" in finding.actual
    assert watched.creates[0] == "shared+partial"
    assert watched.kept[0] == "run"
    assert watched.creates[-1].startswith("exclusive")


def test_a_key_unique_across_tenants_by_design_is_not_sent_by_both(tmp_path: Path) -> None:
    """Declared ``Unique(across_tenants=True)``, the project key is fresh for each tenant:
    the same server (keys unique across organisations) is then correct, and passes, also
    where B sends A's body with A's idempotency key (IDEM-TENANT-SCOPE)."""
    contracts = tmp_path / "contracts"
    shutil.copytree(TRACKER, contracts, ignore=shutil.ignore_patterns("__pycache__"))
    models = contracts / "models.py"
    text = models.read_text(encoding="utf-8")
    declared = "key: Annotated[ProjectKey, Unique()]"
    assert declared in text
    models.write_text(
        text.replace(declared, "key: Annotated[ProjectKey, Unique(across_tenants=True)]"),
        encoding="utf-8",
    )
    for invariant in ("TEN-NONINTERFERENCE", "IDEM-TENANT-SCOPE"):
        folder = tmp_path / invariant
        folder.mkdir()
        finding, _ = _run(
            folder, invariant, frozenset({"ten-project-key-global"}), contracts=contracts
        )
        assert finding.outcome is Outcome.PASSED, (invariant, finding.message)


def _cut_summaries(
    scope: Scope, status: int, headers: list[tuple[bytes, bytes]], body: bytes
) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """The CRM's timeline lists an interaction's summary one character short where it is
    at its declared maximum (2000), though the create answered it whole."""
    if scope["method"] != "GET" or not scope["path"].endswith("/interactions") or status != 200:
        return headers, body
    page = json.loads(body)
    for item in page["items"]:
        if len(item["summary"]) == 2000:
            item["summary"] = item["summary"][:-1]
    return headers, json.dumps(page).encode()


@pytest.mark.parametrize("cut", [False, True])
def test_a_bound_read_back_from_a_list_is_walked_beside_the_part(tmp_path: Path, cut: bool) -> None:
    """VAL-BOUND on a create whose item has no GET of its own (the CRM's `createInteraction`)
    reads the item back by walking its list until the item's id shows: it judges that item
    alone, so the walk holds the part shared, not to itself; a difference seen so is judged
    again with the run to itself."""
    contracts = ROOT / "contracts"
    app = create_app()
    config = config_from_options(app=rewriting(app, _cut_summaries) if cut else app,
                                 tenants=TOKENS, seed=1, contracts=contracts, env={},
                                 profile="quick")  # fmt: skip
    target = Target(config, synth.load(contracts))
    target.lock = RunLock(tmp_path)
    watched = _Watched(target.lock, target, listed="/interactions")
    try:
        hold(target, "VAL-BOUND", "createInteraction")
        finding = run_check("VAL-BOUND", "createInteraction", target)
    finally:
        target.lock.release()
        target.close()
        target.lock.close()
    assert watched.walks, "the check read its interaction back from the list"
    if not cut:
        assert finding.outcome is Outcome.PASSED, finding.message
        assert set(watched.walks) == {"shared+partial"}
        assert watched.kept == []
        return
    assert finding.outcome is Outcome.VIOLATION, finding.message
    assert "stored as sent (read back by listInteractions)" in finding.expected
    assert watched.walks[0] == "shared+partial"  # seen beside the part's other checks,
    assert watched.kept[0] == "run"  # then replayed with the run to itself
    assert watched.walks[-1].startswith("exclusive")


@pytest.mark.parametrize("invariant", ["IDEM-REPLAY", "IDEM-MISMATCH"])
def test_an_optional_field_holding_the_marker_is_always_sent(
    tmp_path: Path, invariant: str
) -> None:
    """The fleet's trips (examples/fleet) are listed at `GET /trips`, which a fresh driver
    isolates (``Context._item_scope``) unless a driver refused a second trip: then only
    whole, and a trip's optional `purpose`, which every listed trip shows (null or not), holds
    the marker: the idempotency checks send it in every example, and count their trips by it
    beside the part's other checks, never walking the list keeping the part. Before, an
    example whose drawn body left `purpose` out walked the whole list alone, after the part's
    chain."""
    from examples.fleet import server as fleet
    from examples.fleet.example import CONTRACTS as FLEET
    from examples.fleet.example import TENANTS as KEYS

    fleet.S = fleet.Store()
    config = config_from_options(app=fleet.app, tenants=[f"{k}={v}" for k, v in KEYS.items()],
                                 seed=1, contracts=FLEET, env={})  # fmt: skip
    target = Target(config, synth.load(FLEET))
    target.unfiltered.add("startTrip")  # as where a driver refused a second trip
    target.lock = RunLock(tmp_path)
    watched = _Watched(target.lock, target, listed="/trips")
    sent: list[object] = []
    send = target.client.send

    def noted(request: Request) -> Exchange:
        if request.method == "POST" and request.path.endswith("/trips"):
            body = request.json_body if isinstance(request.json_body, dict) else {}
            sent.append(body.get("purpose"))
        return send(request)

    target.client.send = noted  # type: ignore[method-assign]
    try:
        hold(target, invariant, "startTrip")
        finding = run_check(invariant, "startTrip", target)
    finally:
        target.lock.release()
        target.close()
        target.lock.close()
    assert finding.outcome is Outcome.PASSED, finding.message
    assert watched.walks, "the check walked the trips list"
    assert set(watched.walks) == {"shared+partial"}
    assert watched.kept == []
    checked = [purpose for purpose in sent if purpose is not None]
    assert len(checked) > 10, sent
    assert all(isinstance(p, str) and p.startswith("s") for p in checked), checked
