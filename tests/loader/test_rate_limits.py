"""``rate_limit=``: where it may be declared, what it implies, and each mistake located."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from synth import ContractError, load
from synth.cli import main
from synth.document import build

HEADER = """\
from uuid import UUID

from synth.contract import Api, Model, Page, RateLimit, RequestModel

api = Api("T", "1"{api_limit})
NOT_FOUND = api.error("not_found", 404, "Not found", "No such thing.")
UNAUTHENTICATED = api.error("unauthenticated", 401, "Unauthenticated", "Who are you?")
VALIDATION = api.error("validation_failed", 422, "Invalid", "Bad input.")
INVALID_REQUEST = api.error("invalid_request", 400, "Bad JSON", "Unparseable.")
INTERNAL = api.error("internal_error", 500, "Oops", "Server failed.")
INVALID_CURSOR = api.error("invalid_cursor", 400, "Bad cursor", "Tampered.")
{limited}

class Thing(Model):
    id: UUID
    name: str


class ThingCreate(RequestModel):
    name: str


class ThingPage(Page[Thing]):
    pass
"""
LIMITED = 'RATE_LIMITED = api.error("rate_limited", 429, "Slow down", "Too many.", retryable=True)'


def _write(
    tmp_path: Path, body: str, *, api_limit: str = "", limited: bool = True
) -> tuple[Path, int]:
    header = HEADER.format(api_limit=api_limit, limited=LIMITED if limited else "")
    source = header + textwrap.dedent(body)
    marked = [i for i, text in enumerate(source.splitlines(), 1) if "# <-" in text]
    contracts = tmp_path / "contracts"
    contracts.mkdir()
    (contracts / "__init__.py").write_text("")
    (contracts / "things.py").write_text(source)
    return contracts, marked[0] if marked else 0


def test_route_limit_is_carried_with_its_429(tmp_path: Path) -> None:
    contracts, _ = _write(tmp_path, """
        @api.get("/things/{thing_id}", rate_limit=RateLimit(limit=5, window="1m", key="token"))
        def get_thing(thing_id: UUID) -> Thing: ...

        @api.post("/things")
        def create_thing(body: ThingCreate) -> Thing: ...
        """)  # fmt: skip
    spec = load(contracts)
    get, create = spec.operation("getThing"), spec.operation("createThing")
    assert get.rate_limit is not None
    assert (get.rate_limit.limit, get.rate_limit.window, get.rate_limit.key) == (5, 60, "token")
    assert get.rate_limit.policy == '"5-per-60s";q=5;w=60'
    assert "rate_limited" in get.error_codes
    assert create.rate_limit is None
    assert "rate_limited" not in create.error_codes
    doc = build(spec)
    op = doc["paths"]["/things/{thing_id}"]["get"]
    assert op["x-synth-semantics"]["rateLimit"] == {
        "limit": 5, "window": 60, "key": "token", "name": "5-per-60s",
    }  # fmt: skip
    headers = op["responses"]["429"]["headers"]
    assert set(headers) == {"Retry-After", "RateLimit", "RateLimit-Policy"}
    assert all(h["required"] for h in headers.values())
    assert "429" not in doc["paths"]["/things"]["post"]["responses"]


def test_nearest_declaration_wins(tmp_path: Path) -> None:
    contracts, _ = _write(
        tmp_path,
        """
        things = api.resource("/things", Thing, id_param="thing_id",
                              rate_limit=RateLimit(limit=50, window=10))
        things.create(ThingCreate)
        things.get(rate_limit=RateLimit(limit=5, window=1, name="reads"))

        @api.get("/health", tenant_scoped=False)
        def get_health() -> Thing: ...
        """,
        api_limit=', rate_limit=RateLimit(limit=100, window="1h", key="ip")',
    )
    spec = load(contracts)
    limits = {op.operation_id: op.rate_limit for op in spec.operations}
    shown = {k: (v.limit, v.window, v.key, v.name) if v else None for k, v in limits.items()}
    assert shown == {
        "createThing": (50, 10, "tenant", "50-per-10s"),
        "getThing": (5, 1, "tenant", "reads"),
        "getHealth": (100, 3600, "ip", "100-per-3600s"),
    }


CASES = [
    ("limit zero", 'RateLimit(limit=0, window="1s")', "limit=0 is not a whole number"),
    ("window unit", 'RateLimit(limit=5, window="1 day")', "window='1 day' is not a whole number"),
    ("fractional window", "RateLimit(limit=5, window=0.5)", "window=0.5 is not a whole number"),
    ("unknown key", 'RateLimit(limit=5, window=1, key="user")', "key='user' is not one of"),
    ("quoted name", "RateLimit(limit=5, window=1, name='a\"b')", "is not printable ASCII"),
]


@pytest.mark.parametrize(("name", "limit", "expected"), CASES, ids=[c[0] for c in CASES])
def test_wrong_limit_is_located_and_exits_2(
    tmp_path: Path, name: str, limit: str, expected: str
) -> None:
    contracts, line = _write(tmp_path, f"""
        LIMIT = {limit}  # <-

        @api.get("/things/{{thing_id}}", rate_limit=LIMIT)
        def get_thing(thing_id: UUID) -> Thing: ...

        @api.get("/others/{{thing_id}}", rate_limit=LIMIT)
        def get_other(thing_id: UUID) -> Thing: ...
        """)  # fmt: skip
    with pytest.raises(ContractError) as info:
        load(contracts)
    text = str(info.value)
    assert expected in text
    assert f"things.py:{line}:" in text
    assert text.count(expected) == 1, "one declaration, reported once however many use it"
    result = CliRunner().invoke(main, ["generate", "--contracts", str(contracts),
                                       "--out", str(tmp_path / "out")])  # fmt: skip
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_not_a_rate_limit(tmp_path: Path) -> None:
    contracts, line = _write(tmp_path, """
        @api.get("/things/{thing_id}", rate_limit=20)  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """)  # fmt: skip
    with pytest.raises(ContractError) as info:
        load(contracts)
    assert f"things.py:{line}: get_thing: rate_limit=20 is the int 20, not a RateLimit" in str(
        info.value
    )


def test_tenant_key_needs_a_tenant(tmp_path: Path) -> None:
    contracts, line = _write(tmp_path, """
        @api.get("/health", tenant_scoped=False, rate_limit=RateLimit(limit=5, window=1))  # <-
        def get_health() -> Thing: ...
        """)  # fmt: skip
    with pytest.raises(ContractError) as info:
        load(contracts)
    assert f"things.py:{line}: get_health: a rate limit keyed by tenant" in str(info.value)


def test_limit_implies_rate_limited(tmp_path: Path) -> None:
    contracts, line = _write(tmp_path, """
        @api.get("/things/{thing_id}", rate_limit=RateLimit(limit=5, window=1))  # <-
        def get_thing(thing_id: UUID) -> Thing: ...
        """, limited=False)  # fmt: skip
    with pytest.raises(ContractError) as info:
        load(contracts)
    text = str(info.value)
    assert f"things.py:{line}: get_thing: rate_limit=... implies error code 'rate_limited'" in text
    assert "api.error('rate_limited', 429," in text
