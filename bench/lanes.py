"""How each part's chain is dealt between the two tenants' lanes (``synth.testing._parallel.
lanes``), and what each lane costs at a far target by ``_order.CHAINED`` (seconds at a 50 ms
round trip): dealt by those far costs, as a run deals them, and for comparison by seconds at
loopback, as runs did before (8e2bb74: ``LOOPBACK`` for the page checks, ``_order.COSTS`` for
the others). Reproduces the lane sums that ``CHAINED``'s comment quotes::

    .venv/bin/python -m bench.lanes [--contracts examples/fleet/contracts]

Static costs only: a run given ``--costs`` deals by the seconds it measured instead.
"""

from __future__ import annotations

import argparse
import functools
from pathlib import Path

from synth import loader
from synth.testing._order import COSTS, cost_of, test_key
from synth.testing._parallel import chained_walks, lanes, shape_of

__all__ = ["dealt", "main"]

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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=Path, default=ROOT / "contracts")
    args = parser.parse_args(argv)
    if not args.contracts.is_dir():
        parser.error(f"--contracts {args.contracts}: no such folder")
    for line in render(dealt(args.contracts)):
        print(line)


if __name__ == "__main__":
    main()
