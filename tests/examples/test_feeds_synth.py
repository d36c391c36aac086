"""synth test on the feeds example (examples/feeds) in process: a create whose body names
another collection's item by an integer id (``EventCreate.playlist_id``, ``Ref("/playlists")``)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from examples.feeds import server
from examples.feeds.example import CONTRACTS, TENANTS
from synth import load
from synth.testing import config_from_options
from synth.testing.cli import run_suite
from tests._generated import write_tests


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tests(load(CONTRACTS), tmp_path_factory.mktemp("feeds"))


def test_an_integer_id_named_in_a_body_is_sent_as_an_integer(
    generated: Path, tmp_path: Path
) -> None:
    """The playlist an event names is created first and its id sent as the answer gave it, a
    JSON integer: the contract's strict model, and the server, refuse "26". Sent as text, every
    check of recordEvent that makes an event saw a 422 (a false VAL-BOUND report among them)."""
    server.STORE = server.Store()
    config = config_from_options(app=server.app, tenants=[f"{k}={v}" for k, v in TENANTS.items()],
                                 seed=1, profile="quick", env={}, contracts=CONTRACTS)  # fmt: skip
    report = tmp_path / "report.md"
    code = run_suite(config, generated, select="recordEvent", report=report,
                     extra=["-p", "no:randomly"])  # fmt: skip
    text = report.read_text(encoding="utf-8")
    assert code == 0, text
    assert "| VAL-BOUND | `recordEvent` | passed |" in text, text
    events = list(server.STORE.events.values())
    assert any(isinstance(e["playlist_id"], int) for e in events), events


def test_the_server_refuses_another_workspace_s_playlist_and_a_text_id() -> None:
    """The correct server: an event names a playlist of its own workspace, by its integer id."""
    server.STORE = server.Store()
    a = {"Authorization": f"Bearer {TENANTS['a']}"}
    b = {"Authorization": f"Bearer {TENANTS['b']}"}
    event = {"kind": "play", "episode_id": "ep_0123456789ab", "position_s": 0,
             "occurred_at": "2024-03-01T08:00:00Z"}  # fmt: skip
    transport = httpx.ASGITransport(app=server.app)

    async def scenario() -> list[int]:
        async with httpx.AsyncClient(transport=transport, base_url="http://feeds/v1") as http:
            made = await http.post("/playlists", json={"name": "Mine"}, headers=a)
            playlist = made.json()["id"]
            return [
                (await http.post("/events", json={**event, "playlist_id": playlist}, headers=a)).status_code,
                (await http.post("/events", json={**event, "playlist_id": str(playlist)}, headers=a)).status_code,
                (await http.post("/events", json={**event, "playlist_id": playlist}, headers=b)).status_code,
            ]  # fmt: skip

    import asyncio

    assert asyncio.run(scenario()) == [201, 422, 422]
