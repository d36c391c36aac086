"""ERR-VALIDATION's unknown-key probes: one in each closed object of a body, at any depth.

A server that drops unknown keys (at the top, or inside a nested model, a list's items
included) accepts a body its contract refuses; the probes are what ERR-VALIDATION sends for it
on every example (``Schemas.unknown_keys``).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from synth.loader import load
from synth.spec import ApiSpec
from synth.testing._data import Schemas, accepts
from tests.zod.test_nested_requests import CONTRACT


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> ApiSpec:
    folder = tmp_path_factory.mktemp("unknown-keys") / "contracts"
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    (folder / "api.py").write_text(textwrap.dedent(CONTRACT))
    return load(Path(folder))


def test_an_unknown_key_at_the_top_and_in_each_nested_closed_object(spec: ApiSpec) -> None:
    op = next(o for o in spec.operations if o.operation_id == "createTeam")
    assert op.body is not None
    assert op.body_schema is not None
    valid = {
        "name": "n",
        "schedule": {"slots": [{"start": 1}]},
        "backups": [{"working_days": ["mon"]}],
    }
    assert accepts(op.body, valid)
    probes = Schemas(spec).unknown_keys(op.body_schema, op.body, valid, op)
    where = [(m.description, m.field) for m in probes]
    assert where == [
        ("an unknown field 'synth_unknown_field'", "synth_unknown_field"),
        ("an unknown field 'synth_unknown_field' in schedule", "schedule"),
        ("an unknown field 'synth_unknown_field' in schedule.slots.0", "schedule"),
    ]
    assert probes[2].body["schedule"]["slots"][0] == {"start": 1, "synth_unknown_field": 1}
    assert valid["schedule"] == {"slots": [{"start": 1}]}, "the valid body is left as it was"
    for probe in probes:
        assert not accepts(op.body, probe.body), probe.description


def test_no_probe_where_the_body_holds_no_nested_object(spec: ApiSpec) -> None:
    op = next(o for o in spec.operations if o.operation_id == "createTeam")
    assert op.body is not None
    assert op.body_schema is not None
    probes = Schemas(spec).unknown_keys(op.body_schema, op.body, {"name": "n", "schedule": {}}, op)
    assert [m.field for m in probes] == ["synth_unknown_field", "schedule"]
