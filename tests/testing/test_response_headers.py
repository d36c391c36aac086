"""Conformance checks the response headers a contract declares: a required one missing, or
one whose text does not match its schema, is a violation; a server sending them right passes."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import Any

import pytest

from examples.library import example
from examples.library.server import app as library
from synth import load
from synth.testing import Outcome, Target, config_from_options, conformance

Asgi = Callable[..., Any]
TENANTS = [f"{name}={secret}" for name, secret in example.TENANTS.items()]


def _rewriting(app: Asgi, name: bytes, value: bytes | None) -> Asgi:
    """``app``, with the response header ``name`` set to ``value`` (left out for None)."""

    async def wrapped(scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        async def sending(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message["headers"] if k.lower() != name]
                had = len(headers) != len(message["headers"])
                if had and value is not None:
                    headers.append((name, value))
                message["headers"] = headers
            await send(message)

        await app(scope, receive, sending)

    return wrapped


def _run(app: Asgi) -> tuple[Target, str]:
    config = config_from_options(app=app, tenants=TENANTS, profile="quick", seed=1, env={})
    target = Target(config, load(example.CONTRACTS))
    message = ""
    try:
        conformance("searchCatalogue", target)
    except pytest.fail.Exception as failed:
        message = str(failed)
    finally:
        target.close()
    return target, message


def test_the_declared_headers_sent_right_pass() -> None:
    target, message = _run(library)
    assert message == ""
    assert target.findings[-1].outcome is Outcome.PASSED


def test_a_required_header_left_out_is_a_violation() -> None:
    target, message = _run(_rewriting(library, b"ratelimit-remaining", None))
    assert target.findings[-1].outcome is Outcome.VIOLATION
    assert "CONFORMANCE violated by searchCatalogue" in message
    assert "RateLimit-Remaining" in message
    assert "missing" in message


def test_a_header_not_matching_its_schema_is_a_violation() -> None:
    target, message = _run(_rewriting(library, b"ratelimit-remaining", b"lots"))
    assert target.findings[-1].outcome is Outcome.VIOLATION
    assert "Response header does not conform to the schema" in message
