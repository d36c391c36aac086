"""Every example API under examples/ has the shape `make verify-examples` relies on
(examples/_example.py, examples/README.md), and its planted bugs are real over HTTP."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest

import synth
from examples._example import Bug, discover, load, serve
from synth.catalogue import BY_ID, applicable

ROOT = Path(__file__).resolve().parents[2]
NAMES = discover()


def test_the_tracker_is_an_example() -> None:
    assert "tracker" in NAMES


@pytest.mark.parametrize("name", NAMES)
def test_example_has_the_shape(name: str) -> None:
    example = load(name)
    assert isinstance(example.CONTRACTS, Path)
    assert (example.CONTRACTS / "__init__.py").is_file()
    assert example.BASE_PATH == "" or example.BASE_PATH.startswith("/")
    assert not example.BASE_PATH.endswith("/")
    assert len(example.TENANTS) >= 2, "TEN-* needs two tenants"
    assert all(isinstance(k, str) and isinstance(v, str) and v for k, v in example.TENANTS.items())
    # A tenant in the path needs a value for every tenant; none at all when it is not in the path.
    assert not example.TENANT_IDS or set(example.TENANT_IDS) == set(example.TENANTS)
    assert isinstance(example.BUGS, tuple)
    assert all(isinstance(b, Bug) for b in example.BUGS)
    ids = [bug.id for bug in example.BUGS]
    assert len(ids) == len(set(ids)), "a bug id appears twice"
    assert all(bug.description.strip() for bug in example.BUGS)
    command = example.command(8123, ids[:2])
    assert all(isinstance(part, str) for part in command)
    assert command[:3] == [sys.executable, "-m", f"examples.{name}.server"]
    assert "8123" in command
    assert all(any(bug in part for part in command) for bug in ids[:2])


@pytest.mark.parametrize("name", NAMES)
def test_every_bug_names_a_catalogued_invariant_and_every_family_has_one(name: str) -> None:
    bugs = load(name).BUGS
    # A known miss may name a check synth does not have yet; it counts for no family.
    unknown = [(b.id, b.invariant) for b in bugs if b.invariant not in BY_ID and not b.missed]
    assert not unknown, f"not an invariant id of synth/catalogue.py: {unknown}"
    families = {BY_ID[bug.invariant].family for bug in bugs if not bug.missed}
    # Every family the example's contracts call for: an API without a partial update (PATCH
    # with fields that may be left out) has no PATCH-PARTIAL to plant a bug for.
    declared = {entry.family for _, entry in applicable(synth.load(load(name).CONTRACTS))}
    assert declared <= families, f"no planted bug for {declared - families}"
    assert {"idempotency", "pagination", "tenancy", "errors"} <= declared


@pytest.mark.slow
def test_a_planted_bug_is_visible_over_http() -> None:
    """ten-task-any-org: B reads A's task, where a project that exists nowhere is 404."""
    tracker = load("tracker")
    a = {"Authorization": f"Bearer {tracker.TENANTS['a']}"}
    b = {"Authorization": f"Bearer {tracker.TENANTS['b']}"}
    with serve(tracker, ["ten-task-any-org"]) as url, httpx.Client(base_url=url) as http:
        created = http.post(
            "/projects",
            json={"key": "WEB", "name": "Web"},
            headers={**a, "Idempotency-Key": "k1"},
        )
        assert created.status_code == 201, created.text
        project = created.json()["id"]
        task = http.post(f"/projects/{project}/tasks", json={"title": "Fix it"}, headers=a)
        assert task.status_code == 201, task.text
        nowhere = http.get("/projects/prj_000000000000/tasks/1", headers=b)
        assert (nowhere.status_code, nowhere.json()["code"]) == (404, "not_found")
        theirs = http.get(f"/projects/{project}/tasks/1", headers=b)
        assert theirs.status_code == 200
        assert theirs.json()["title"] == "Fix it"
        # Only getTask is affected: B still cannot read A's project or list its tasks.
        assert http.get(f"/projects/{project}", headers=b).status_code == 404
        assert http.get(f"/projects/{project}/tasks", headers=b).status_code == 404


@pytest.mark.slow
def test_serve_says_why_a_server_did_not_start() -> None:
    refused = r"(?s)did not answer.*invalid choice: 'no-such-bug'"
    with pytest.raises(RuntimeError, match=refused), serve(load("tracker"), ["no-such-bug"]):
        pass  # pragma: no cover (the server refuses the switch)
