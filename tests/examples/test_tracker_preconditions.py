"""synth on the tracker's required If-Match (examples/tracker/): no false alarm, no silent skip.

``updateProject`` is a PUT with ``cacheable=Conditional.REQUIRED``. synth must send the current
ETag with every write that is not about the header itself, and CACHE-ETAG must check that a
missing If-Match gets 428 and a stale one 412. Runs go through ``run_suite`` in-process, as the
mutation suite does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from examples.tracker import server
from synth import load
from synth.testing import config_from_options
from synth.testing.cli import run_suite
from tests._generated import write_tests

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / "examples" / "tracker" / "contracts"
TOKENS = ["a=tok_acme_0123456789", "b=tok_globex_9876543210"]
# Before synth sent the required If-Match: CACHE-ETAG errors (every example discarded on 428),
# ERR-VALIDATION reports 428; ERR-DECLARED and TEN-NONINTERFERENCE passed on 428s alone.
CHECKS = [("CACHE-ETAG", "getProject"), ("CACHE-ETAG", "updateProject"),
          ("ERR-VALIDATION", "updateProject"), ("ERR-DECLARED", "updateProject"),
          ("TEN-NONINTERFERENCE", "updateProject")]  # fmt: skip
SELECT = " or ".join(f"{op}__{inv.replace('-', '_')}" for inv, op in CHECKS)

Asgi = Any


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tracker")
    return write_tests(load(CONTRACTS), root)


@pytest.fixture(autouse=True)
def fresh_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty store; project keys may repeat (synth's fixtures draw the same minimal key)."""
    monkeypatch.setattr(server, "STORE", server.Store())
    server.STORE.unique_keys = False


def _if_match_optional(app: Asgi) -> Asgi:
    """The planted bug: a PUT without If-Match is served as if it carried ``If-Match: *``."""

    async def planted(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "PUT":
            headers = list(scope["headers"])
            if not any(name == b"if-match" for name, _ in headers):
                scope = {**scope, "headers": [*headers, (b"if-match", b"*")]}
        await app(scope, receive, send)

    return planted


def _run(app: Asgi, generated: Path, tmp_path: Path, seed: int, select: str) -> tuple[int, str]:
    config = config_from_options(app=app, tenants=TOKENS, seed=seed, contracts=CONTRACTS, env={})
    report = tmp_path / "report.md"
    code = run_suite(config, generated, select=select, report=report, extra=["-p", "no:randomly"])
    return code, report.read_text(encoding="utf-8") if report.exists() else ""


@pytest.mark.parametrize("seed", [1, 2])
def test_correct_server_passes_cache_etag_and_validation(
    seed: int, generated: Path, tmp_path: Path
) -> None:
    code, report = _run(server.app, generated, tmp_path, seed, SELECT)
    assert code == 0, report
    assert "no violations" in report, report
    for invariant, operation in CHECKS:
        assert f"| {invariant} | `{operation}` | passed |" in report, report


def test_a_put_without_if_match_that_succeeds_is_caught(generated: Path, tmp_path: Path) -> None:
    code, report = _run(
        _if_match_optional(server.app), generated, tmp_path, 1, "updateProject__CACHE_ETAG"
    )
    assert code == 1, report
    assert "### CACHE-ETAG on `updateProject`" in report, report
    assert "no If-Match, which is required: 428 'precondition_required'" in report, report


def test_writes_not_about_the_header_carry_the_current_etag(
    generated: Path, tmp_path: Path
) -> None:
    """TEN-NONINTERFERENCE and TEN-WRITE exercise the PUT itself, not its 428."""
    answers: list[tuple[str, int]] = []

    async def recording(scope: Any, receive: Any, send: Any) -> None:
        async def noted(message: Any) -> None:
            if message["type"] == "http.response.start":
                answers.append((scope["method"], message["status"]))
            await send(message)

        await server.app(scope, receive, noted)

    select = "updateProject__TEN_NONINTERFERENCE or updateProject__TEN_WRITE"
    _run(recording, generated, tmp_path, 1, select)
    puts = {status for method, status in answers if method == "PUT"}
    assert 200 in puts, answers
    assert 428 not in puts, answers
