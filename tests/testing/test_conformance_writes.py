"""Conformance of an operation that changes an item it names (PUT, PATCH, DELETE, an action)
sends ids drawn from the parameters' schemas: where ids are small integers they hit items
other checks made. A fresh-eyes user's API numbered its workspaces from 1, and conformance's
`DELETE /workspaces/1` (answered 204, as it should be) deleted tenant a's shared workspace:
every later check needing a board in it then met 404, and 14 declared checks went
unexercised on a correct server. Such a check now drops what the run keeps for reuse in its
part of the API (``Target.spoil_shared``), as the object-level check does."""

from __future__ import annotations

import re
from typing import Any

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
