"""The scheduler's CPU: ``PartScheduling`` against pytest-xdist's own ``LoadScheduling`` over
the same collection and simulated workers (``bench._scheduling``), each run to the end.

The controller process that schedules shares the machine's CPUs with the workers, so its time
is taken from theirs. ``--twenty``: the 20x API (2,400 tests; ``bench._twenty``), else the CRM.
Not run by ``make bench``; the 20x API takes about a minute.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._scheduling import emitted, run_to_end, workers
from bench._server import ROOT
from synth.testing._order import order
from synth.testing._parallel import chains, shape_of


def measure(contracts: Path, count: int, folder: Path) -> dict[str, Any]:
    """CPU seconds of each scheduler over ``count`` workers, to the end of the run."""
    api, names = emitted(contracts)
    shape = shape_of(api)
    found = chains(names, shape, 2)
    collected = [f"t.py::{names[i]}"
                 for i in order(names, spread=True, chains=found, workers=count)]  # fmt: skip
    row: dict[str, Any] = {"tests": len(names), "workers": count}
    for label, peer in (("synth", False), ("xdist", True)):
        began = time.process_time()
        scheduler, *nodes = workers(shape, collected, count, folder, peer=peer)
        ran = run_to_end(scheduler, nodes)
        row[f"{label}_cpu_seconds"] = time.process_time() - began
        assert sorted(i for _, i in ran) == list(range(len(names))), label  # each test once
    row["ratio"] = row["synth_cpu_seconds"] / row["xdist_cpu_seconds"]
    return row


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--twenty", action="store_true", help="the 20x API, not the CRM")
    parser.add_argument("--workers", type=int, default=12)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.twenty:
            from bench._twenty import build

            contracts, _ = build(folder / "api")
        else:
            contracts = ROOT / "contracts"
        (folder / "run").mkdir()
        row = measure(contracts, args.workers, folder / "run")
    print(json.dumps(row, indent=2))


if __name__ == "__main__":
    main()
