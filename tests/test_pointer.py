"""JSON pointer tokens (RFC 6901), shared by the Zod emitter and the differ."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synth._pointer import escape, join, unescape


@pytest.mark.parametrize(
    ("token", "written"),
    [
        ("plain", "plain"),
        ("a/b", "a~1b"),
        ("m~n", "m~0n"),
        ("~1", "~01"),  # a literal "~1" must not come back as "/"
        ("/~", "~1~0"),
        ("", ""),
        ("/contacts/{contact_id}", "~1contacts~1{contact_id}"),
    ],
)
def test_escape_and_unescape(token: str, written: str) -> None:
    assert escape(token) == written
    assert unescape(written) == token


@given(st.text())
def test_any_token_round_trips_and_escapes_every_slash(token: str) -> None:
    written = escape(token)
    assert "/" not in written
    assert unescape(written) == token


def test_join_escapes_each_token_and_keeps_the_base() -> None:
    assert join("") == ""
    assert join("", "paths", "/a~b", "get") == "/paths/~1a~0b/get"
    assert join("#/components/schemas", "A/B", 0) == "#/components/schemas/A~1B/0"
    ptr = join("#", "properties", "x/y~z")
    assert [unescape(t) for t in ptr.split("/")[1:]] == ["properties", "x/y~z"]
