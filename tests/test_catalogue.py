"""The invariant catalogue: one entry per invariant, in the documented order, decided by the contracts."""

from __future__ import annotations

from pathlib import Path

import synth
from synth.catalogue import BY_ID, CATALOGUE, FAMILIES, applicable
from synth.testing._coverage import describe_quiet

from .conftest import ROOT

PREFIXES: dict[str, str | tuple[str, ...]] = {
    "idempotency": "IDEM-", "pagination": "PAGE-", "tenancy": "TEN-",
    "errors": ("ERR-", "VAL-"), "caching": "CACHE-", "updates": ("PATCH-", "UPSERT-"),
    "limits": "RATE-",
    "observability": "OBS-",
}  # fmt: skip


def test_ids_are_unique_and_indexed() -> None:
    assert len({entry.id for entry in CATALOGUE}) == len(CATALOGUE)
    assert list(BY_ID) == [entry.id for entry in CATALOGUE]
    assert all(BY_ID[entry.id] is entry for entry in CATALOGUE)


def test_families_come_in_the_documented_order_each_in_one_run() -> None:
    assert FAMILIES == (
        "idempotency",
        "pagination",
        "tenancy",
        "errors",
        "caching",
        "updates",
        "limits",
        "observability",
    )
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


# The CRM has no upsert (every item id is the server's): the warehouse example's products are.
ELSEWHERE = {"UPSERT-STATUS": "warehouse"}


def test_every_invariant_applies_somewhere_in_the_example_contracts() -> None:
    pairs = applicable(synth.load(ROOT / "contracts"))
    assert {entry.id for _, entry in pairs} == set(BY_ID) - set(ELSEWHERE)
    for invariant, example in ELSEWHERE.items():
        found = applicable(synth.load(ROOT / "examples" / example / "contracts"))
        assert invariant in {entry.id for _, entry in found}, invariant
    order = [entry.id for entry in CATALOGUE]
    for op in {id(op): op for op, _ in pairs}.values():
        ids = [entry.id for o, entry in pairs if o is op]
        assert ids == sorted(ids, key=order.index), op.operation_id


def test_error_checks_need_a_request_that_can_draw_an_error(tmp_path: Path) -> None:
    """A public operation without input answers every request alike: ERR-PROBLEM and
    ERR-DECLARED are not planned there (they would pass having judged nothing), and the
    dry run says so; a public one with a checked query parameter keeps them."""
    folder = tmp_path / "contracts"
    folder.mkdir()
    (folder / "api.py").write_text(
        "from typing import Annotated\n"
        "from pydantic import Field\n"
        "from synth.contract import Api, Model\n"
        "api = Api('T', '1')\n"
        "api.error('unauthenticated', 401, 'Unauthenticated', 'No token.')\n"
        "api.error('validation_failed', 422, 'Invalid', 'Invalid input.')\n"
        "api.error('internal_error', 500, 'Internal', 'Internal error.')\n"
        "class Health(Model):\n    ok: bool\n"
        "@api.get('/health', tenant_scoped=False)\n"
        "def get_health() -> Health:\n    '''Up?'''\n"
        "@api.get('/search', tenant_scoped=False)\n"
        "def search(q: Annotated[str, Field(min_length=2)]) -> Health:\n    '''Search.'''\n"
    )
    api = synth.load(folder)
    planned = {(op.operation_id, e.id) for op, e in applicable(api) if e.family == "errors"}
    assert ("getHealth", "ERR-PROBLEM") not in planned
    assert ("getHealth", "ERR-DECLARED") not in planned
    assert {("search", "ERR-PROBLEM"), ("search", "ERR-DECLARED")} <= planned
    (line,) = describe_quiet(api)
    assert line.startswith("no ERR-PROBLEM or ERR-DECLARED on getHealth:"), line


def test_docs_invariants_is_the_catalogue() -> None:
    """docs/invariants.md is written from the catalogue: a rule changed in one is changed in
    both (``python -m synth.catalogue > docs/invariants.md``)."""
    from synth.catalogue import markdown

    assert (ROOT / "docs" / "invariants.md").read_text(encoding="utf-8") == markdown(), (
        "docs/invariants.md is stale: python -m synth.catalogue > docs/invariants.md"
    )
