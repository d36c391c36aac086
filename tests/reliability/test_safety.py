"""Writes go only where allowed, ``--dry-run`` sends nothing, and a run cleans up after itself.

The leftovers figure of docs/reliability.md comes from ``test_clean_run_leaves_only_what_the_api_
cannot_delete[every-check]`` (``SYNTH_THOROUGH=1``, run with ``-s`` to print the table).
"""

from __future__ import annotations

import contextlib
import socket
import sqlite3
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from click.testing import CliRunner

from synth.testing import config_from_options
from synth.testing.cli import run_suite
from synth.testing.cli import test_command as command
from tests._serving import serving
from tests.reliability._servers import ROOT, TOKENS, reference_server
from tests.testing.conftest import api, generated  # noqa: F401  (fixtures)


class _Counting(BaseHTTPRequestHandler):
    count = 0

    def _any(self) -> None:
        type(self).count += 1
        self.send_response(500)
        self.send_header("content-length", "0")
        self.end_headers()

    do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = do_HEAD = _any

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def _counting_server(host: str) -> Iterator[tuple[str, type[_Counting]]]:
    handler = type("Handler", (_Counting,), {"count": 0})
    with serving(handler, host) as url:
        yield url, handler


def _non_loopback_address() -> str | None:
    """An IPv4 address of this machine that is not loopback, if it has one."""
    with contextlib.suppress(OSError):
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            address = str(info[4][0])
            if not address.startswith("127."):
                return address
    return None


def _invoke(args: list[str], generated: Path) -> tuple[int, str]:  # noqa: F811
    result = CliRunner().invoke(command, [*args, "--tenant", "a=tok-a", "--tenant", "b=tok-b",
                                          "--tests", str(generated),
                                          "--contracts", str(ROOT / "contracts")], env={})  # fmt: skip
    return result.exit_code, result.output


def test_non_loopback_needs_allow_host(generated: Path) -> None:  # noqa: F811
    address = _non_loopback_address()
    if address is None:  # no other address: a name that never resolves shows the same rule
        code, output = _invoke(["--base-url", "http://preview-123.invalid"], generated)
        assert code == 2, output
        assert "--allow-host preview-123.invalid" in output
        return
    with _counting_server(address) as (url, handler):
        code, output = _invoke(["--base-url", url], generated)
        assert code == 2, output
        assert f"--allow-host {address}" in output
        assert handler.count == 0
        code, output = _invoke(["--base-url", url, "--allow-host", address, "--dry-run"],
                               generated)  # fmt: skip
        assert code == 0, output
        assert f"writes allowed to loopback, {address}" in output
        assert handler.count == 0


def test_dry_run_prints_the_plan_and_sends_nothing(generated: Path) -> None:  # noqa: F811
    with _counting_server("127.0.0.1") as (url, handler):
        code, output = _invoke(["--base-url", url, "--dry-run"], generated)
    assert code == 0, output
    assert handler.count == 0
    assert "dry run: no request sent" in output
    assert "IDEM-REPLAY: 3 check(s) on createContact, createInteraction, createJob" in output
    # schemathesis's object-level check once per part of the API: contacts, and jobs.
    assert "OBJECT-LEVEL-AUTHORIZATION: 2 check(s) on createContact, createJob" in output
    assert "total: 120 checks, 30 kinds" in output


def _rows(db: Path) -> dict[tuple[str, str], int]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        out = {}
        for table in ("contacts", "interactions", "jobs", "idempotency"):
            for tenant, n in conn.execute(f"SELECT tenant, count(*) FROM {table} GROUP BY tenant"):
                out[table, tenant] = n
        return out


# `make test` runs the checks on the three operations that create (contacts, their
# interactions, jobs); `make test-thorough` every generated test.
@pytest.mark.slow
@pytest.mark.parametrize(
    "select",
    [pytest.param("createContact or createInteraction or createJob", id="the-creating-operations"),
     pytest.param(None, id="every-check", marks=pytest.mark.thorough)],
)  # fmt: skip
def test_clean_run_leaves_only_what_the_api_cannot_delete(
    tmp_path: Path,
    generated: Path,  # noqa: F811
    select: str | None,
) -> None:
    db = tmp_path / "reference.sqlite"
    with reference_server(db=db) as url:
        config = config_from_options(base_url=url, tenants=TOKENS, profile="quick", seed=11,
                                     env={})  # fmt: skip
        code = run_suite(config, generated, select=select, report=tmp_path / "report.md",
                         extra=["-p", "no:randomly"])  # fmt: skip
    assert code == 0, (tmp_path / "report.md").read_text(encoding="utf-8")
    rows = _rows(db)
    print(f"\nleft behind (table, tenant): {dict(sorted(rows.items()))}")
    # Contacts have a DELETE (and take their interactions with them); jobs and idempotency
    # records have none, so they are all that may remain.
    assert {table for table, _ in rows} <= {"jobs", "idempotency"}, rows
    assert rows.get(("jobs", "a")), rows  # the run did write; it is the cleanup that worked
