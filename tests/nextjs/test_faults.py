"""The checks that catch planted bugs in the reference server catch the same defects here.

Each test breaks one safeguard of the Next.js example, with the same build, and shows the
property tests (``synth test``, or the smoke check until it exists) failing on the invariant
that safeguard protects, and on nothing else.
"""

from __future__ import annotations

import pytest

from examples.nextjs.checks import run_checks
from examples.nextjs.stack import NextServer, Postgres

# One xdist worker runs the module: `next build` (about a minute in a fresh clone, under a lock)
# then keeps one worker, not both, and two app servers never compete for the two cores.
pytestmark = [pytest.mark.slow, pytest.mark.node, pytest.mark.xdist_group("nextjs")]

APP_ENV = {"NEXTJS_WORKER": "off", "NEXTJS_WORK_DELAY_MS": "20"}
TABLES = ("contacts", "interactions", "jobs", "idempotency_keys")


def _failed_invariants(output: str) -> set[str]:
    import re

    # The summary's VIOLATION lines: the output also names invariants that passed or were not
    # exercised (the coverage lines), which are not failures.
    return set(re.findall(r"VIOLATION ((?:TEN|IDEM|PAGE|ERR|CACHE)-[A-Z-]+[A-Z])\b", output))


# `make test` runs the checks the fault tests below judge (tenancy and idempotency), in one
# process beside pytest's own workers; `make test-thorough` runs every generated test, as
# `make verify-nextjs` does.
@pytest.mark.parametrize(
    ("select", "workers"),
    [pytest.param("__TEN_ or __IDEM_", 1, id="tenancy-and-idempotency"),
     pytest.param(None, None, id="every-check", marks=pytest.mark.thorough)],
)  # fmt: skip
def test_the_correct_app_passes(
    postgres: Postgres, select: str | None, workers: int | None
) -> None:
    """What `make verify-nextjs` checks: the generated tests pass against the real app."""
    with NextServer.start({**postgres.app_env(), **APP_ENV}) as app:
        result = run_checks(app.base_url, select=select, workers=workers)
    assert result.exit_code == 0, result.output[-6000:]
    assert "0 violations" in result.output


def test_without_row_level_security_tenants_leak(postgres: Postgres) -> None:
    # The handlers never filter by tenant: row-level security is the only wall between them.
    # Only the tenancy checks run (the whole suite is test_the_correct_app_passes's, in
    # make test-thorough).
    postgres.psql("".join(f"ALTER TABLE {t} DISABLE ROW LEVEL SECURITY;" for t in TABLES), "synth")
    with NextServer.start({**postgres.app_env(), **APP_ENV}) as app:
        result = run_checks(app.base_url, select="__TEN_")
    assert result.exit_code == 1, result.output
    failed = _failed_invariants(result.output)
    assert {inv for inv in failed if inv.startswith("TEN-")}, result.output


def test_without_the_in_flight_lock_concurrent_retries_duplicate(postgres: Postgres) -> None:
    env = {**postgres.app_env(), **APP_ENV, "NEXTJS_FAULTS": "no-inflight-lock"}
    with NextServer.start(env) as app:
        # IDEM-CONCURRENT, the check this safeguard serves, must fail; the tenancy checks must
        # not. The other idempotency checks send one request at a time, which the lock does not
        # change; the correct app's test runs them (every check: make test-thorough).
        result = run_checks(app.base_url, select="__IDEM_CONCURRENT or __TEN_")
    assert result.exit_code == 1, result.output
    assert "IDEM-CONCURRENT" in _failed_invariants(result.output), result.output
    tenancy = {inv for inv in _failed_invariants(result.output) if inv.startswith("TEN-")}
    assert not tenancy, result.output


def test_the_app_role_cannot_bypass_row_level_security(postgres: Postgres) -> None:
    roles = postgres.psql(
        "SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname LIKE 'synth_%' ORDER BY 1",
    )
    assert "synth_app|f|f" in roles.splitlines()
    owners = postgres.psql(
        "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'", "synth"
    )
    assert owners.split() == ["synth_owner"]
    forced = postgres.psql(
        "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class "
        f"WHERE relname IN ({', '.join(repr(t) for t in TABLES)}) ORDER BY 1",
        "synth",
    )
    assert all(line.endswith("|t|t") for line in forced.split()), forced
