"""Conformance of an operation that changes an item it names (PUT, PATCH, DELETE, an action)
sends ids drawn from the parameters' schemas: where ids are small integers they hit items
other checks made. A fresh-eyes user's API numbered its workspaces from 1, and conformance's
`DELETE /workspaces/1` (answered 204, as it should be) deleted tenant a's shared workspace:
every later check needing a board in it then met 404, and 14 declared checks went
unexercised on a correct server. Such a check now drops what the run keeps for reuse in its
part of the API (``Target.spoil_shared``), as the object-level check does."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from examples.reference_server.app import create_app
from synth.spec import ApiSpec
from synth.testing import Target, config_from_options
from synth.testing._conformance import _conformance
from synth.testing._runner import run_check

from .conftest import TOKENS

_CONTACT = re.compile(r"/api/v1/contacts/[^/]+")


def _deleting_anything(app: Any) -> Any:
    """The reference server, but tenant a's DELETE of any contact id is answered 204, as a
    server numbering its items from 1 answers one that names an item it holds."""

    async def wrapped(scope: Any, receive: Any, send: Any) -> None:
        headers = dict(scope.get("headers") or [])
        if (scope["type"] == "http" and scope["method"] == "DELETE"
                and _CONTACT.fullmatch(scope["path"])
                and headers.get(b"authorization") == b"Bearer token-a"):  # fmt: skip
            await send({"type": "http.response.start", "status": 204, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        await app(scope, receive, send)

    return wrapped


def test_a_conformance_write_that_succeeds_drops_the_part_s_shared_items(api: ApiSpec) -> None:
    config = config_from_options(app=_deleting_anything(create_app(work_delay=0.0)),
                                 tenants=TOKENS, profile="quick", seed=1, env={})  # fmt: skip
    target = Target(config, api)
    try:
        # A read of one contact reads tenant a's shared contact, kept for reuse.
        run_check("ERR-VALIDATION", "getContact", target)
        kept = [key for key in target.shared if target.part(key[1]) == target.part("getContact")]
        assert kept, target.shared
        _conformance("deleteContact", target, "whole")
        assert not any(key in target.shared for key in kept), target.shared
        # Reads change nothing: what the run keeps stays.
        run_check("ERR-VALIDATION", "getContact", target)
        kept = [key for key in target.shared if target.part(key[1]) == target.part("getContact")]
        _conformance("getContact", target, "whole")
        assert all(key in target.shared for key in kept)
    finally:
        target.close()


def test_a_confirmation_alone_drops_what_another_process_spoilt_while_it_waited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A check that saw something beside the run's other checks is run again with the run to
    itself (``_runner``). While it waited for that, another process's conformance may have
    deleted a parent this one keeps for reuse (the rooms API's site above a room's bookings):
    the confirmation makes a fresh one instead of judging on the deleted one."""
    import synth
    from synth.testing import _runner
    from synth.testing._lock import RunLock
    from synth.testing._parallel import hold
    from synth.testing._violation import Outcome
    from tests.testing.rooms import TENANTS as ROOM_TENANTS
    from tests.testing.rooms import Rooms, app, write_contracts

    contracts = write_contracts(tmp_path)
    api = synth.load(contracts)
    rooms = Rooms()
    config = config_from_options(app=app(rooms), tenants=ROOM_TENANTS, seed=1,
                                 contracts=contracts, env={}, profile="quick")  # fmt: skip
    mine, other = Target(config, api), Target(config, api)  # two processes of one run
    (tmp_path / "run").mkdir()
    for target in (mine, other):
        target.lock = RunLock(tmp_path / "run", lanes=2)
    assert mine.lock is not None
    check = ("PAGE-END", "listBookings")
    real = _runner._run
    try:
        hold(mine, *check)
        assert run_check(*check, mine, first=True).outcome is Outcome.PASSED
        mine.lock.release()
        (site,) = [v for k, v in mine.shared.items() if k[1] == "createSite"]

        seen: list[bool] = []

        def beside(*args: Any, **kwargs: Any) -> None:
            if seen:
                real(*args, **kwargs)
                return
            # Seen beside the other checks of the run (a skip that may be theirs doing) ...
            seen.append(True)
            args[3].outcome = Outcome.SKIPPED
            mine.lock._partial = True  # type: ignore[union-attr]
            # ... and meanwhile the other process deleted the site and said so.
            del rooms.sites[site]
            other.spoil_shared(["createSite"])

        monkeypatch.setattr(_runner, "_run", beside)
        hold(mine, *check)
        finding = run_check(*check, mine, first=True)
        mine.lock.release()
        assert seen
        assert finding.outcome is Outcome.PASSED, finding.message
        assert finding.extra["beside"] == str(Outcome.SKIPPED)
        assert [v for k, v in mine.shared.items() if k[1] == "createSite"] != [site]
    finally:
        for target in (mine, other):
            target.close()
            if target.lock is not None:
                target.lock.close()
