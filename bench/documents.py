"""Reading a real OpenAPI document: ``synth zod`` against @hey-api/openapi-ts, ``synth diff``.

On the largest document of the corpus (``tests/corpus/openapi/``, by bytes over all its files:
Stripe's 4 MB YAML, OpenAPI 3.0), each command runs as a user runs it, a fresh process from
the shell, and the wall time of the whole command is measured (interpreter or Node start
included), with the CPU time it used (user + system, its children included): the machine is
shared, and CPU time is what a busy neighbour does not inflate. The runs of the two tools are
interleaved; the median of ``--repeat`` runs is reported.

- synth: ``synth zod DOCUMENT --out DIR`` (read, bundle, validate, upgrade 3.0, emit, write);
- @hey-api/openapi-ts: ``openapi-ts -i DOCUMENT -o DIR -p @hey-api/client-fetch -p zod`` (its
  Zod plugin and client, as ``tests/test_consumers.py`` runs it), from ``node/node_modules``;
- ``synth diff DOCUMENT DOCUMENT``: the document against itself (every schema compared).

The bar (issue 15): each synth command under 3 s of wall time on this machine.

Run: ``.venv/bin/python -m bench.documents [--repeat 3] [--document NAME]``; writes
``bench/results/documents.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
CORPUS = ROOT / "tests" / "corpus" / "openapi"
SYNTH = Path(sys.executable).parent / "synth"
OPENAPI_TS = ROOT / "node" / "node_modules" / ".bin" / "openapi-ts"
BAR_SECONDS = 3.0
PLUGINS = ("-p", "@hey-api/client-fetch", "-p", "zod")


def largest() -> dict[str, Any]:
    """The manifest entry of the corpus document with the most bytes over all its files."""
    manifest: list[dict[str, Any]] = json.loads((CORPUS / "MANIFEST.json").read_text("utf-8"))
    return max(manifest, key=lambda e: e.get("total_bytes") or e["bytes"])


def _timed(args: list[str], cwd: Path) -> dict[str, Any]:
    """One run of ``args``: wall and CPU seconds, exit code and the output's last line."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(
        args,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        env={**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0", "CI": "true"},
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = (result.stdout + result.stderr).strip().splitlines()
    return {"wall": wall, "cpu": cpu, "exit": result.returncode, "last": lines[-1] if lines else ""}


def _commands(document: Path, work: Path, run: int) -> dict[str, list[str]]:
    return {
        "synth_zod": [str(SYNTH), "zod", str(document), "--out", str(work / f"zod{run}")],
        "hey_api": [str(OPENAPI_TS), "-i", str(document), "-o", str(work / f"hey{run}"), *PLUGINS],
        "synth_diff": [str(SYNTH), "diff", str(document), str(document)],
    }


def measure(entry: dict[str, Any], repeat: int) -> dict[str, Any]:
    document = (CORPUS / entry["name"] / entry["entry"]).relative_to(ROOT)
    runs: dict[str, list[dict[str, Any]]] = {"synth_zod": [], "hey_api": [], "synth_diff": []}
    with tempfile.TemporaryDirectory(prefix="synth-bench-documents-") as tmp:
        work = Path(tmp)
        for run in range(repeat):
            for tool, args in _commands(document, work, run).items():
                if tool == "hey_api" and not OPENAPI_TS.exists():
                    continue
                runs[tool].append(_timed(args, ROOT))
    out: dict[str, Any] = {}
    for tool, results in runs.items():
        if not results:
            out[tool] = None
            continue
        out[tool] = {
            "wall": statistics.median(r["wall"] for r in results),
            "cpu": statistics.median(r["cpu"] for r in results),
            "exit": [r["exit"] for r in results],
            "last": results[-1]["last"][:300],
        }
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--document", help="a corpus document's name (default: the largest)")
    parser.add_argument("--out", type=Path, default=RESULTS / "documents.json")
    args = parser.parse_args(argv)
    manifest: list[dict[str, Any]] = json.loads((CORPUS / "MANIFEST.json").read_text("utf-8"))
    entry = next(e for e in manifest if e["name"] == args.document) if args.document else largest()
    timings = measure(entry, args.repeat)
    zod, hey = timings["synth_zod"], timings["hey_api"]
    data = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load": os.getloadavg()[0],
        "repeat": args.repeat,
        "document": {k: entry[k] for k in ("name", "entry", "openapi", "bytes")}
        | {"total_bytes": entry.get("total_bytes") or entry["bytes"]},
        "bar_seconds": BAR_SECONDS,
        **timings,
        "ratio_wall": zod["wall"] / hey["wall"] if hey else None,
        "ratio_cpu": zod["cpu"] / hey["cpu"] if hey and hey["cpu"] else None,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(data, indent=2))


if __name__ == "__main__":
    main()
