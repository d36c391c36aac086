"""The example servers refuse a cursor whose position was edited (PAGE-CURSOR's tampering)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from examples.library import server as library
from examples.tracker import server as tracker
from synth import load
from synth.testing import Outcome, Target, config_from_options
from synth.testing._runner import run_check


def _moved(cursor: str, change: Callable[[dict[str, Any]], None]) -> str:
    """The cursor with its payload edited and re-encoded, the signature kept."""
    token, _, mac = cursor.partition(".")
    data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    change(data)
    edited = base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    return f"{edited}.{mac}"


def test_the_tracker_refuses_an_edited_cursor() -> None:
    cursor = tracker.encode_cursor({"s": "tasks:p", "n": 3})
    assert tracker.decode_cursor(cursor, "tasks:p") == {"s": "tasks:p", "n": 3}
    with pytest.raises(tracker.Problem) as refused:
        tracker.decode_cursor(_moved(cursor, lambda d: d.update(n=1)), "tasks:p")
    assert refused.value.status == 400
    assert refused.value.code == "invalid_cursor"


def test_the_library_refuses_an_edited_cursor() -> None:
    cursor = library.encode_cursor("books", ["Dune", "bk_1"])
    assert library.decode_cursor(cursor, "books")["k"] == ["Dune", "bk_1"]
    with pytest.raises(library.Problem) as refused:
        library.decode_cursor(_moved(cursor, lambda d: d.update(k=["A", "bk_0"])), "books")
    assert refused.value.status == 400


@pytest.mark.parametrize("mac", ["\u00e9" * 16, "", "not-hex"])
def test_a_cursor_with_a_foreign_signature_is_refused_not_a_500(mac: str) -> None:
    token = tracker.encode_cursor({"s": "tasks:p", "n": 3}).partition(".")[0]
    for decode, scope in ((tracker.decode_cursor, "tasks:p"), (library.decode_cursor, "books")):
        with pytest.raises((tracker.Problem, library.Problem)) as refused:
            decode(f"{token}.{mac}", scope)
        assert isinstance(refused.value, tracker.Problem | library.Problem)
        assert refused.value.status == 400


def test_the_warehouse_refuses_a_cursor_with_a_foreign_signature() -> None:
    from examples.warehouse import server as warehouse

    token = warehouse.mint_cursor("bins", [1]).partition(".")[0]
    with pytest.raises(warehouse.Problem) as refused:
        warehouse.read_cursor(warehouse.Store(frozenset()), f"{token}.{'é' * 16}", "bins")
    assert refused.value.status == 400


def test_synth_edits_a_readable_cursor_and_sees_an_unsigned_one_honoured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """PAGE-CURSOR decodes a base64 JSON cursor, edits each value and re-encodes it with the
    signature kept: the tracker's unsigned cursors (``page-cursor-unsigned``) are reported on
    every seed, and the correct tracker passes."""
    contracts = Path(tracker.__file__).parent / "contracts"
    api = load(contracts)
    tenants = ["a=tok_acme_0123456789", "b=tok_globex_9876543210"]
    for bugs, outcome in ((frozenset(), Outcome.PASSED),
                          (frozenset({"page-cursor-unsigned"}), Outcome.VIOLATION)):  # fmt: skip
        for seed in (1, 2, 3):
            monkeypatch.setattr(tracker, "STORE", tracker.Store(bugs=bugs, unique_keys=False))
            config = config_from_options(app=tracker.app, tenants=tenants, seed=seed, env={},
                                         contracts=contracts, profile="quick")  # fmt: skip
            target = Target(config, api)
            try:
                finding = run_check("PAGE-CURSOR", "listTasks", target)
            finally:
                target.close()
            assert finding.outcome is outcome, (bugs, seed, finding.message)
            if bugs:
                assert "whose JSON was edited" in finding.expected, finding.expected
