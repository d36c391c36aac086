"""The invariant catalogue: one entry per invariant, in the documented order, decided by the contracts."""

from __future__ import annotations

import synth
from synth.catalogue import BY_ID, CATALOGUE, FAMILIES, applicable

from .conftest import ROOT

PREFIXES = {"idempotency": "IDEM-", "pagination": "PAGE-", "tenancy": "TEN-", "errors": "ERR-",
            "caching": "CACHE-"}  # fmt: skip


def test_ids_are_unique_and_indexed() -> None:
    assert len({entry.id for entry in CATALOGUE}) == len(CATALOGUE)
    assert list(BY_ID) == [entry.id for entry in CATALOGUE]
    assert all(BY_ID[entry.id] is entry for entry in CATALOGUE)


def test_families_come_in_the_documented_order_each_in_one_run() -> None:
    assert FAMILIES == ("idempotency", "pagination", "tenancy", "errors", "caching")
    runs = [entry.family for i, entry in enumerate(CATALOGUE)
            if i == 0 or CATALOGUE[i - 1].family != entry.family]  # fmt: skip
    assert tuple(runs) == FAMILIES
    for entry in CATALOGUE:
        assert entry.id.startswith(PREFIXES[entry.family]), entry.id


def test_entries_say_what_a_check_needs() -> None:
    for entry in CATALOGUE:
        assert entry.summary.endswith("."), entry.id
        assert entry.tenants in (1, 2), entry.id
        assert 0 < entry.weight <= 1, entry.id
    two = {entry.id for entry in CATALOGUE if entry.tenants == 2}
    assert {entry.id for entry in CATALOGUE if entry.family == "tenancy"} <= two
    assert "IDEM-TENANT-SCOPE" in two


def test_every_invariant_applies_somewhere_in_the_example_contracts() -> None:
    pairs = applicable(synth.load(ROOT / "contracts"))
    assert {entry.id for _, entry in pairs} == set(BY_ID)
    order = [entry.id for entry in CATALOGUE]
    for op in {id(op): op for op, _ in pairs}.values():
        ids = [entry.id for o, entry in pairs if o is op]
        assert ids == sorted(ids, key=order.index), op.operation_id
