"""The runtime binds exactly one check to each catalogue entry, and refuses anything else."""

from __future__ import annotations

import pytest

from synth.catalogue import BY_ID, CATALOGUE
from synth.spec import ApiSpec
from synth.testing import REGISTRY, applicable
from synth.testing.invariants._registry import IMPLEMENTATIONS, bind, implements


def test_every_catalogue_entry_has_exactly_one_implementation() -> None:
    assert list(REGISTRY) == [entry.id for entry in CATALOGUE]
    assert set(IMPLEMENTATIONS) == set(BY_ID)
    runs = [REGISTRY[entry.id].run for entry in CATALOGUE]
    assert len(set(runs)) == len(runs)  # no check serves two entries
    for entry in CATALOGUE:
        bound = REGISTRY[entry.id]
        assert bound.run is IMPLEMENTATIONS[entry.id]
        assert (bound.summary, bound.applies, bound.tenants, bound.weight) == (
            entry.summary, entry.applies, entry.tenants, entry.weight
        )  # fmt: skip
        # Each family's checks live in the module named after it.
        assert bound.run.__module__ == f"synth.testing.invariants.{entry.family}", entry.id


def test_an_unknown_id_is_refused_when_it_is_bound() -> None:
    with pytest.raises(RuntimeError, match="no invariant IDEM-NOPE in the catalogue"):
        implements("IDEM-NOPE")


def test_a_second_implementation_is_refused() -> None:
    before = dict(IMPLEMENTATIONS)
    with pytest.raises(RuntimeError, match="IDEM-REPLAY implemented twice"):
        implements("IDEM-REPLAY")(lambda ctx: None)
    assert before == IMPLEMENTATIONS


def test_the_runtime_applies_what_the_catalogue_says(api: ApiSpec) -> None:
    from synth.catalogue import applicable as catalogued

    assert [(op, inv.id) for op, inv in applicable(api)] == [
        (op, entry.id) for op, entry in catalogued(api)
    ]


def test_an_entry_without_an_implementation_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(IMPLEMENTATIONS, "CACHE-ETAG")
    with pytest.raises(RuntimeError, match="invariants without an implementation: CACHE-ETAG"):
        bind()
