"""How each part's chain is dealt between the two tenants' lanes (``synth.testing._parallel.
lanes``), and what each lane costs at a far target by ``_order.CHAINED`` (seconds at a 50 ms
round trip): dealt by those far costs, as a run deals them, and for comparison by seconds at
loopback, as runs did before (8e2bb74: ``LOOPBACK`` for the page checks, ``_order.COSTS`` for
the others). Reproduces the lane sums that ``CHAINED``'s comment quotes::

    .venv/bin/python -m bench.lanes [--contracts examples/fleet/contracts]

Static costs only: a run given ``--costs`` deals by the seconds it measured instead.

``--measured CONTRACTS FOLDER`` (repeatable) reads runs recorded by ``bench.timeline`` (the
latency benchmark's ``--timeline``, one folder a run) of the API in ``CONTRACTS`` instead: each
chain's walks with the tenant each acted as (its lane in that run) and the seconds its check
took, the lanes' sums, and each invariant's median over every run given::

    .venv/bin/python -m bench.latency --example campus --delays 0.05 --st-workers none \
        --timeline /tmp/tl-campus
    .venv/bin/python -m bench.lanes --measured examples/campus/contracts /tmp/tl-campus-50ms
"""

from __future__ import annotations

import argparse
import functools
import statistics
from collections.abc import Sequence
from pathlib import Path

from synth import loader
from synth.testing._order import COSTS, cost_of, test_key
from synth.testing._parallel import chained_walks, lanes, shape_of

from . import timeline

__all__ = ["dealt", "main", "measured"]

ROOT = Path(__file__).resolve().parent.parent
# The seconds at loopback of a page check walking a whole list, that dealt the lanes before
# ``_order.CHAINED`` took their place (8e2bb74); the idempotency checks went by ``COSTS``.
LOOPBACK = {"PAGE-COMPLETE": 1.7, "TEN-NONINTERFERENCE": 1.6, "PAGE-LIMIT": 1.6,
            "PAGE-FILTER": 1.5, "PAGE-END": 1.3, "PAGE-CURSOR": 1.3, "PAGE-ORDER": 1.1,
            "PAGE-CONCURRENT": 0.9}  # fmt: skip


def dealt(contracts: Path) -> dict[str, dict[str, list[tuple[str, int]]]]:
    """Each part's walks of its chain with the lane each is dealt, by the far table ("far")
    and by the loopback one ("loopback"): ``{part: {"far"|"loopback": [(test, lane)]}}``."""
    shape = shape_of(loader.load(contracts))
    chained = chained_walks(shape)
    names = [n for tests in chained.values() for n in tests]
    loopback = {(inv, op): LOOPBACK.get(inv, COSTS.get(inv, 1.0))
                for inv, op in map(test_key, names)}  # fmt: skip
    by = {"far": lanes(shape, 2), "loopback": lanes(shape, 2, measured=loopback)}
    return {part: {how: [(n, deal[n]) for n in sorted(tests)] for how, deal in by.items()}
            for part, tests in sorted(chained.items())}  # fmt: skip


def render(found: dict[str, dict[str, list[tuple[str, int]]]]) -> list[str]:
    far = functools.partial(cost_of, chained=True)
    lines = []
    for part, ways in found.items():
        lines.append(f"part {part}:")
        for how, deal in ways.items():
            sums = [sum(far(n) for n, lane in deal if lane == i) for i in (0, 1)]
            lines.append(f"  dealt by the {how} costs: lanes {sums[0]:.1f} and {sums[1]:.1f} s "
                         "of far costs")  # fmt: skip
            for i in (0, 1):
                tests = ", ".join(f"{n.removeprefix('test_')} {far(n):g}" for n, lane in deal
                                  if lane == i)  # fmt: skip
                lines.append(f"    lane {i}: {tests}")
    return lines or ["no part's chain walks a list that its tenants' lanes could share"]


def measured(runs: Sequence[tuple[Path, Path]]) -> tuple[list[str], dict[str, float]]:
    """Of each recorded run (``(contracts, folder)``: ``bench.timeline``'s records of a run of
    the API in ``contracts``), each part's chain's walks with the tenant each acted as (the
    one most of its requests went as: its lane, as the build that ran dealt it) and the
    seconds its check took, and each lane's sum: as lines; and each invariant's median
    seconds over every run (a walk the run did not record is left out)."""
    lines: list[str] = []
    seconds: dict[str, list[float]] = {}
    for contracts, folder in runs:
        rows = {row.test: row for row in timeline.load(folder)}
        for part, tests in sorted(chained_walks(shape_of(loader.load(contracts))).items()):
            sums: dict[str, float] = {}
            shown = []
            for name in sorted(tests):
                row = rows.get(name)
                if row is None:
                    continue
                took = row.ended - (row.called if row.called is not None else row.started)
                sent: dict[str, int] = {}
                for route, count in row.routes:
                    tenant = route.rpartition(" ")[2]
                    sent[tenant] = sent.get(tenant, 0) + count
                tenant = max(sorted(sent), key=lambda t: sent[t]) if sent else "?"
                sums[tenant] = sums.get(tenant, 0.0) + took
                seconds.setdefault(test_key(name)[0], []).append(took)
                shown.append(f"{name.removeprefix('test_')} [{tenant}] {took:.1f}")
            lanes_text = ", ".join(f"{t} {s:.1f} s" for t, s in sorted(sums.items()))
            lines.append(f"{folder} part {part}: lanes {lanes_text}")
            lines.append("    " + ", ".join(shown))
    medians = {inv: statistics.median(s) for inv, s in sorted(seconds.items())}
    for inv, median in medians.items():
        lines.append(f"{inv}: median {median:.2f} s over {len(seconds[inv])} walks")
    return lines, medians


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=Path, default=ROOT / "contracts")
    parser.add_argument("--measured", nargs=2, action="append", type=Path, default=[],
                        metavar=("CONTRACTS", "FOLDER"),
                        help="a run recorded by bench.timeline, of the API in CONTRACTS")  # fmt: skip
    args = parser.parse_args(argv)
    for folder in [args.contracts, *(f for pair in args.measured for f in pair)]:
        if not folder.is_dir():
            parser.error(f"{folder}: no such folder")
    if args.measured:
        for line in measured([(c, f) for c, f in args.measured])[0]:
            print(line)
        return
    for line in render(dealt(args.contracts)):
        print(line)


if __name__ == "__main__":
    main()
