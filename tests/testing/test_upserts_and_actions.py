"""An API whose only creator is a PUT upsert, with actions on its items (tests/testing/vault.py).

The checks that need an item of the collection run with the upsert as its creator; TEN-WRITE
covers the upsert (another tenant's PUT on an id in use makes its own item, never replaces) and
both actions; an idempotent action's replay is judged on the item's state. The correct server
passes; each planted bug is reported by its invariant.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import synth
from synth.testing import Outcome, config_from_options
from synth.testing.cli import run_suite
from tests._generated import write_tests
from tests.testing.vault import TENANTS, Vault, app, write_contracts

# The checks that need an item of the collection, which only the upsert can make.
CLEAN = [
    ("PAGE-COMPLETE", "listAccounts"), ("PAGE-ORDER", "listAccounts"), ("TEN-LIST", "listAccounts"),
    ("TEN-READ", "getAccount"), ("CACHE-ETAG", "getAccount"), ("TEN-WRITE", "putAccount"), ("TEN-WRITE", "depositAccount"),
    ("TEN-WRITE", "freezeAccount"), ("IDEM-REPLAY", "depositAccount"),
    ("IDEM-MISMATCH", "depositAccount"), ("IDEM-CONCURRENT", "depositAccount"),
    ("IDEM-TENANT-SCOPE", "depositAccount"), ("TEN-ASSIGN", "depositAccount"),
]  # fmt: skip


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The vault's contracts and the tests generated from them."""
    root = tmp_path_factory.mktemp("vault")
    contracts = write_contracts(root)
    write_tests(synth.load(contracts), root / "out")
    return contracts, root / "out" / "tests"


def _run(
    vault: tuple[Path, Path], tmp_path: Path, served: Vault, checks: list[tuple[str, str]] | None
) -> tuple[int, str]:
    """Run ``checks`` (None: every generated test) against ``served``."""
    contracts, tests = vault
    config = config_from_options(
        app=app(served), tenants=TENANTS, seed=1, contracts=contracts, env={}, profile="quick"
    )
    report = tmp_path / "report.md"
    select = None if checks is None else " or ".join(
        f"{op}__{inv.replace('-', '_')}" for inv, op in checks
    )  # fmt: skip
    code = run_suite(config, tests, select=select, report=report, extra=["-p", "no:randomly"])
    return code, report.read_text(encoding="utf-8") if report.exists() else ""


def _outcomes(report: str) -> dict[tuple[str, str], str]:
    rows = re.findall(r"^\| ([A-Z-]+) \| `(\w+)` \| (\w+) \|", report, re.MULTILINE)
    return {(inv, op): outcome for inv, op, outcome in rows}


def test_the_correct_vault_passes_every_check_that_needs_an_upserted_item(
    vault: tuple[Path, Path], tmp_path: Path
) -> None:
    """Every generated test runs (conformance too); none reports, none errors."""
    code, report = _run(vault, tmp_path, Vault(), None)
    assert code == 0, report
    assert "| violation |" not in report, report
    assert "| error |" not in report, report
    outcomes = _outcomes(report)
    assert {pair: outcomes.get(pair) for pair in CLEAN} == dict.fromkeys(CLEAN, "passed"), report


def test_a_replay_that_deposits_again_is_reported_by_idem_replay(
    vault: tuple[Path, Path], tmp_path: Path
) -> None:
    """The replay answers exactly as the first time: only the account read back shows it."""
    code, report = _run(
        vault, tmp_path, Vault(replay_reapplies=True), [("IDEM-REPLAY", "depositAccount")]
    )
    assert code == 1, report
    assert _outcomes(report)[("IDEM-REPLAY", "depositAccount")] == "violation", report
    assert "after the replay, the action applied once" in report, report


def test_a_refused_reuse_of_a_key_that_deposits_anyway_is_reported_by_idem_mismatch(
    vault: tuple[Path, Path], tmp_path: Path
) -> None:
    """The answer is the declared 422: only the account read back shows the deposit."""
    code, report = _run(
        vault, tmp_path, Vault(reuse_applies=True), [("IDEM-MISMATCH", "depositAccount")]
    )
    assert code == 1, report
    assert _outcomes(report)[("IDEM-MISMATCH", "depositAccount")] == "violation", report
    assert "after the refused reuse of the key" in report, report


def test_an_action_on_another_tenants_item_is_reported_by_ten_write(
    vault: tuple[Path, Path], tmp_path: Path
) -> None:
    code, report = _run(vault, tmp_path, Vault(freeze_any=True), [("TEN-WRITE", "freezeAccount")])
    assert code == 1, report
    assert _outcomes(report)[("TEN-WRITE", "freezeAccount")] == "violation", report


def test_an_upsert_that_replaces_another_tenants_item_is_reported_by_ten_write(
    vault: tuple[Path, Path], tmp_path: Path
) -> None:
    code, report = _run(vault, tmp_path, Vault(shared_ids=True), [("TEN-WRITE", "putAccount")])
    assert code == 1, report
    assert _outcomes(report)[("TEN-WRITE", "putAccount")] == "violation", report
    assert "not to replace tenant a's" in report, report


def test_an_upsert_that_creates_a_second_item_for_an_id_in_use_is_reported(
    vault: tuple[Path, Path], tmp_path: Path
) -> None:
    """PAGE-COMPLETE PUTs one seeded id again: 200, and the walk still shows it once.

    Hypothesis may shrink to an example whose walk meets a twin an earlier example made.
    """
    code, report = _run(
        vault, tmp_path, Vault(duplicates=True), [("PAGE-COMPLETE", "listAccounts")]
    )
    assert code == 1, report
    assert _outcomes(report)[("PAGE-COMPLETE", "listAccounts")] == "violation", report
    assert (
        "to replace the item (200), not create another (201)" in report
        or "on more than one page" in report
    ), report


def _context(vault: tuple[Path, Path], served: Vault) -> Any:
    """A check's context (TEN-READ on `getAccount`) over the vault app serving ``served``."""
    from synth.testing._context import Context
    from synth.testing._target import Target

    contracts, _ = vault
    api = synth.load(contracts)
    config = config_from_options(app=app(served), tenants=TENANTS, seed=1, contracts=contracts,
                                 env={}, profile="quick")  # fmt: skip
    target = Target(config, api)
    data: Any = None  # what these tests call draws nothing
    return Context(target, "TEN-READ", api.operation("getAccount"), data)


def test_an_upserted_fixture_s_id_is_new_to_the_run_for_every_tenant(
    vault: tuple[Path, Path],
) -> None:
    """Ids a client chooses for the items an upsert creates are made new to the run (as for
    UPSERT-STATUS), not drawn: drawn, they shrank to the simplest and came again in later
    examples as either tenant, and against a correct server of client-named kennels tenant B's
    own item under tenant A's id was reported as A's (TEN-WRITE, TEN-CHILD, TEN-LIST, PAGE-END
    and TEN-NONINTERFERENCE, in the thorough profile)."""
    from synth.testing._context import Context

    ctx = _context(vault, Vault())
    put = ctx.target.api.operation("putAccount")
    made = [ctx.fresh_item_id(put, "account_id") for _ in range(200)]
    assert len(set(made)) == len(made)
    assert all(re.fullmatch(r"acc_[a-z0-9]{8}", m) for m in made)
    # Another check's example in the same run (either tenant): none of the same.
    other = Context(ctx.target, "TEN-WRITE", put, ctx.data)
    assert not {other.fresh_item_id(put, "account_id") for _ in range(50)} & set(made)
    ctx.target.close()


def test_an_upsert_to_an_id_its_tenant_holds_goes_again_to_a_new_one(
    vault: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fixture's PUT answered 200 (the tenant held an item under that id: an earlier run's,
    another process's) goes again to a new id, so the item is new; an upsert that answers 200
    to new ids too is then sent once per item."""
    served = Vault()
    held = {"id": "acc_held0001", "name": "earlier", "balance": 7, "frozen": False}
    served.accounts["a", "acc_held0001"] = held
    ctx = _context(vault, served)
    ids = iter(["acc_held0001", "acc_new00001"])
    monkeypatch.setattr(ctx.target.fresh, "path_value", lambda *_: next(ids))
    put = ctx.target.api.operation("putAccount")
    item = ctx.create("a", put, {"account_id": "acc_given000"}, {"name": "fixture"})
    assert item["id"] == "acc_new00001"
    assert item["balance"] == 0
    assert [e.request.path for e in ctx.target.client.log if e.request.method == "PUT"] == [
        "/v1/accounts/acc_held0001", "/v1/accounts/acc_new00001"]  # fmt: skip
    ctx.target.close()

    # A server answering 200 to every PUT: two more ids, then one PUT per item from then on.
    async def always_200(request: Any, tenant: str, vault_: Vault) -> Any:
        from starlette.responses import JSONResponse

        account = {"id": request.path_params["account_id"], "name": "x", "balance": 0,
                   "frozen": False}  # fmt: skip
        vault_.accounts[tenant, account["id"]] = account
        return JSONResponse(account, 200)

    monkeypatch.setattr("tests.testing.vault.put_account", always_200)
    never = _context(vault, Vault())
    put = never.target.api.operation("putAccount")
    for _ in range(2):
        never.create("a", put, {"account_id": "acc_given000"}, {"name": "fixture"})
    puts = [e for e in never.target.client.log if e.request.method == "PUT"]
    assert len(puts) == 3 + 1, [e.request.path for e in puts]
    assert "putAccount" in never.target.upserts_not_saying
    never.target.close()


def test_ten_write_sets_aside_an_id_tenant_b_already_holds_as_its_own(
    vault: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where tenant B already holds an account of its own under the id tenant A's was made
    with (ids are each tenant's own; made by another process or an earlier run), B's PUT
    rightly replaces B's (200): the example is set aside, not reported. Without the read first
    it was reported as replacing A's."""
    from synth.testing._runner import run_check

    served = Vault()
    ids = [f"acc_b{n:07d}" for n in range(400)]
    for account_id in ids:
        served.accounts["b", account_id] = {"id": account_id, "name": "b's own", "balance": 3,
                                            "frozen": False}  # fmt: skip
    ctx = _context(vault, served)
    made = iter(ids)
    monkeypatch.setattr(ctx.target.fresh, "path_value", lambda *_: next(made))
    finding = run_check("TEN-WRITE", "putAccount", ctx.target)
    ctx.target.close()
    assert finding.outcome is not Outcome.VIOLATION, finding.message
    assert "already holds an item of its own" in finding.no_example, finding
