"""Latency per operation: percentiles, and objectives judged only over enough answers."""

from __future__ import annotations

from pathlib import Path

import pytest

import synth
from synth.spec import ApiSpec
from synth.testing._latency import (
    MIN_SAMPLE,
    latency_lines,
    latency_markdown,
    latency_rows,
    percentile,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def api() -> ApiSpec:
    return synth.load(ROOT / "contracts")


def test_percentiles_are_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile(values, 99) == 99
    assert percentile([7.0], 99) == 7


def test_the_crm_declares_objectives_on_two_reads(api: ApiSpec) -> None:
    slo = {op.operation_id: op.slo for op in api.operations if op.slo is not None}
    assert {k: v.bounds() for k, v in slo.items() if v is not None} == {
        "listContacts": (("p95", 300.0), ("p99", 1000.0)),
        "getContact": (("p95", 200.0),),
    }


def test_a_breach_over_too_few_answers_is_said_not_judged(api: ApiSpec) -> None:
    slow = [0.25] * (MIN_SAMPLE - 1)  # seconds, each past getContact's 200 ms p95
    (row,) = latency_rows(api, {"getContact": slow})
    assert not row.judged
    assert row.breaches == []
    (line,) = latency_lines([row], enforce=True)[1:]
    assert f"not judged, {MIN_SAMPLE - 1} answers (at least {MIN_SAMPLE} needed)" in line


def test_a_breach_over_enough_answers_is_named_with_its_sample(api: ApiSpec) -> None:
    times = {"getContact": [0.25] * MIN_SAMPLE, "listContacts": [0.01] * 30, "getJob": [0.5]}
    rows = latency_rows(api, times)
    assert [r.operation for r in rows] == ["listContacts", "getContact", "getJob"]
    get = rows[1]
    assert get.breaches == [("p95", 250.0, 200.0)]
    assert rows[0].breaches == []
    assert rows[2].slo is None
    table = latency_markdown(rows, enforce=True)
    assert f"| `getContact` | {MIN_SAMPLE} | 250.0 | 250.0 | 250.0 | p95 ≤ 200 ms: BREACHED" in (
        "\n".join(table)
    )
    assert "met over 30 answers" in "\n".join(table)
    assert "none declared" in "\n".join(table)
