"""Target configuration: options, environment, and every bad value as a clear UsageError."""

from __future__ import annotations

from typing import Any, TypedDict

import pytest

from synth import UsageError
from synth.testing import PROFILES, config_from_options


class Target(TypedDict):
    """The options every case starts from."""

    base_url: str
    tenants: list[str]
    env: dict[str, str]


OK: Target = {
    "base_url": "http://127.0.0.1:8000/api/v1",
    "tenants": ["a=tok-a", "b=tok-b"],
    "env": {},
}


def test_options() -> None:
    config = config_from_options(**OK, profile="quick", seed="7", headers=["X-Bypass=s3cret"])
    assert [t.name for t in config.tenants] == ["a", "b"]
    assert config.profile is PROFILES["quick"]
    assert config.seed == 7
    assert config.headers == (("X-Bypass", "s3cret"),)


def test_environment() -> None:
    env = {"SYNTH_BASE_URL": "http://localhost:9", "SYNTH_TENANTS": "a=1,b=2", "SYNTH_SEED": "3",
           "SYNTH_PROFILE": "thorough", "SYNTH_HEADERS": "X-A=1\nX-B=2"}  # fmt: skip
    config = config_from_options(env=env)
    assert config.url == "http://localhost:9"
    assert [t.token for t in config.tenants] == ["1", "2"]
    assert config.profile.name == "thorough"
    assert config.seed == 3
    assert len(config.headers) == 2


def test_secrets_stay_out_of_repr() -> None:
    config = config_from_options(**OK, headers=["X-Bypass=s3cret"])
    text = repr(config) + str(config.tenants)
    assert "tok-a" not in text
    assert "s3cret" not in text
    assert config.tenants[0].placeholder == "$TOKEN_A"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"tenants": ["a=1"], "env": {}}, "no target"),
        ({**OK, "tenants": []}, "no tenants"),
        ({**OK, "tenants": ["a"]}, "is not NAME=TOKEN"),
        ({**OK, "tenants": ["a=1", "a=2"]}, "must be unique"),
        ({**OK, "tenants": ["a=1", "b=1"]}, "share one token"),
        ({**OK, "base_url": "ftp://x"}, "not an http(s) URL"),
        ({**OK, "base_url": "https://preview.example.app"}, "--allow-host preview.example.app"),
        ({**OK, "profile": "huge"}, "--profile='huge'"),
        ({**OK, "seed": "x"}, "--seed='x' is not an integer"),
        ({**OK, "timeout": "0"}, "out of range"),
        ({**OK, "headers": ["Authorization=x"]}, "sets a header the checks control"),
        ({**OK, "headers": ["bad header=x"]}, "is not NAME=VALUE"),
    ],
)
def test_bad_configuration(options: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")) as info:
        config_from_options(**options)
    assert info.value.exit_code == 2
    assert "tok-a" not in str(info.value)


def test_named_host_may_receive_writes() -> None:
    preview: Target = {**OK, "base_url": "https://preview.example.app"}
    config = config_from_options(**preview, allow_hosts=["preview.example.app"])
    assert config.url == "https://preview.example.app"
