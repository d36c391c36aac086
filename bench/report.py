"""Write ``docs/benchmarks.md`` from ``bench/results/*.json``.

Run: ``.venv/bin/python -m bench.report`` (``make bench`` runs it after the benchmarks).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "benchmarks.md"


def _load(name: str) -> dict[str, Any] | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def generation(data: dict[str, Any]) -> list[str]:
    rows = data["rows"]
    out = [
        "## Generation",
        "",
        "Same models and routes, each peer in a fresh interpreter with its libraries imported, "
        f"median of {data['repeat']} interleaved runs (Python {data['python']}). synth: `load` "
        f"and every emitter except the SDK ({', '.join(rows[0]['synth']['emitters'])}); "
        "FastAPI: route registration and `app.openapi()`; floor: Pydantic's "
        "`models_json_schema` over the same models in both modes. Times include building the "
        "models; memory is the growth of peak RSS during the work.",
        "",
        "Reproduce: `.venv/bin/python -m bench.generation` (or `make bench`).",
        "",
        "| R | operations | synth s | FastAPI s | floor s | synth / floor | synth / FastAPI | synth MB | FastAPI MB | floor MB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        s, f, p = r["synth"], r["fastapi"], r["floor"]
        out.append(
            f"| {r['resources']} | {r['operations']} | {s['total']:.3f} | {f['total']:.3f} | "
            f"{p['total']:.3f} | {r['ratio_vs_floor']:.2f} | {r['ratio_vs_fastapi']:.2f} | "
            f"{s['mem']:.0f} | {f['mem']:.0f} | {p['mem']:.0f} |"
        )
    exps = data.get("scaling_exponent") or {}
    if exps:
        out += [
            "",
            "Scaling exponent between the two largest sizes (1.0 is linear): "
            + ", ".join(f"{k} {v:.2f}" for k, v in exps.items())
            + ".",
        ]
    big = rows[-1]
    out += [
        "",
        f"Targets at R={big['resources']}: synth within 1.5x the floor "
        f"({'met' if big['ratio_vs_floor'] <= 1.5 else 'missed'}: {big['ratio_vs_floor']:.2f}x) "
        f"and under 0.4x FastAPI ({'met' if big['ratio_vs_fastapi'] < 0.4 else 'missed'}: "
        f"{big['ratio_vs_fastapi']:.2f}x).",
        "",
    ]
    return out


SECTIONS = {"generation": generation}


def main() -> None:
    lines = [
        "<!-- Written by `python -m bench.report` from bench/results/*.json; do not edit. -->",
        "# Benchmarks",
        "",
        "Every figure is a ratio against a named peer measured in the same script on the same "
        "machine. `make bench` reruns everything (not part of `make test`; a smoke run of each "
        "script on the smallest size is).",
        "",
    ]
    for name, section in SECTIONS.items():
        data = _load(name)
        if data is None:
            lines += [f"## {name.capitalize()}", "", "Not measured yet: run `make bench`.", ""]
        else:
            lines += section(data)
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text("\n".join(lines).rstrip() + "\n")
    print(f"wrote {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
