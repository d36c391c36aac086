"""Two checks of an operation that send the same probes: the first search judges both.

ERR-PROBLEM and ERR-DECLARED send an operation the same requests (``invariants.errors``: no
token, unknown and malformed ids, a body that does not validate or parse, ...) and judge each
error answer by itself, one by its shape, the other by its (status, code). With workers their
searches mostly ran in different processes, each sending its own probes: on the CRM at a
50 ms round trip about 500 requests sent twice, three quarters of them in the contacts part,
whose object-level check waits for its part's last test.

So the first of the two searches of an operation to start (in any process) judges its twin's
rule too, on every error answer it gets, without failing on it; where its own search passed,
its twin's rule held on every answer and it ran at least as many examples as the twin's search
would, the twin's search passes on that, sending nothing, and its finding says by which test.
Anything else (a violation of either, a fault, fewer examples, a twin that started first in a
process that died) leaves the twin's search to run whole, as before: a bug is still reported by
its own check, with its own reproduction. A twin's search that starts while the first runs
waits for it, before it takes any of the run's locks (as a search waits for its first
example's test: ``FirstExamples.before_search``).

The first examples' tests (``_first``) run as before: they are the run's quick reports.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._first import FirstExamples, search_examples
from ._order import generated_name
from ._violation import Finding, Outcome

if TYPE_CHECKING:
    from ._target import Target

__all__ = ["TWINS", "Twins"]

TWINS = {"ERR-PROBLEM": "ERR-DECLARED", "ERR-DECLARED": "ERR-PROBLEM"}
# How long a twin's search waits for the first one to settle before it runs its own: the
# first may wait out rate limits or transport faults; a process that died never settles.
_WAIT = 120.0


class Twins:
    """Which search of each operation's twins judges both (claimed ``"op"`` in ``folder``, the
    run's lock folder, when the run has worker processes) and what it found."""

    def __init__(self, folder: str | Path | None = None) -> None:
        self._claims = FirstExamples(folder, kind="twins")
        # What each search learnt before it took its locks: whether it claimed the pair, else
        # what the other found (None: nothing it can take).
        self._before: dict[tuple[str, str], tuple[bool, dict[str, Any] | None]] = {}

    def before_search(self, invariant: str, operation: str) -> None:
        """Before a twin's search takes the run's locks: claim the operation's pair, or wait
        for the search that claimed it to settle."""
        key = (invariant, operation)
        if invariant in TWINS and key not in self._before:
            mine = self._claims.claim(operation)
            self._before[key] = (mine, None if mine else self._claims.found(operation, _WAIT))

    def after_test(self, invariant: str, operation: str) -> None:
        """At the end of a search's test: where it claimed the pair and did not search (its
        first example's test reported a violation, so it was skipped), say so, for the other
        not to wait for it."""
        mine, _ = self._before.pop((invariant, operation), (False, None))
        if mine:
            self._claims.put(operation, {"held": False, "by": generated_name(invariant, operation)})

    def search(
        self, invariant: str, operation: str, target: Target, run: Callable[[], Finding]
    ) -> Finding:
        """The search of check ``invariant`` on ``operation`` (``run``): taken from its twin's
        where that judged both and both held, else run (judging the twin's rule too where this
        one claimed the pair)."""
        twin = TWINS.get(invariant)
        if twin is None:
            return run()
        self.before_search(invariant, operation)
        mine, found = self._before.pop((invariant, operation))
        if not mine:
            wanted = search_examples(target.config.profile, invariant)
            if found is not None and found["held"] and found["examples"] >= wanted:
                return _judged_by(invariant, operation, target, found)
            return run()
        target.twin_failed.discard((twin, operation))
        finding: Finding | None = None
        try:
            finding = run()
        finally:
            held = (finding is not None and finding.outcome is Outcome.PASSED
                    and (twin, operation) not in target.twin_failed)  # fmt: skip
            data = {"held": held, "by": generated_name(invariant, operation)}
            if finding is not None:
                data |= {"examples": finding.examples, "exercised": finding.exercised}
            self._claims.put(operation, data)
        return finding


def _judged_by(invariant: str, operation: str, target: Target, found: dict[str, Any]) -> Finding:
    finding = Finding(invariant, operation, Outcome.PASSED, 0.0, 0)
    finding.examples, finding.exercised = found["examples"], found["exercised"]
    finding.extra["judged_by"] = found["by"]
    finding.message = (
        f"{invariant} on {operation}: judged on the error answers of {found['by']}'s search "
        f"({found['examples']} examples), which sends the same probes; nothing sent again"
    )
    target.findings.append(finding)
    return finding
