"""PAGE-* and TEN-LIST page through every pagination style (tests/testing/shelves.py).

One list per style: the correct server passes every PAGE-* check planned for its style, and
one planted bug per style is reported by the invariant meant to catch it. A check a style
does not promise is not planned for it, so a correct offset server, whose walks may skip or
repeat rows while items come and go, is never reported for that.
"""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

import synth
from synth.catalogue import applicable
from synth.testing import config_from_options
from synth.testing._context import next_link
from synth.testing._http import Exchange, Request
from synth.testing._runner import _undrawn
from synth.testing._violation import Finding, Outcome
from synth.testing.cli import run_suite
from tests._generated import write_tests
from tests.testing.shelves import (
    LIST_IDS,
    ORDERS,
    STYLES,
    TENANTS,
    Shelves,
    app,
    preload,
    write_contracts,
)

# The checks each style promises (DESIGN: guarantees per style), besides PAGE-FILTER and
# TEN-LIST, which every style gets.
_EVERY = {"PAGE-COMPLETE", "PAGE-ORDER", "PAGE-LIMIT", "PAGE-END", "PAGE-FILTER", "TEN-LIST"}
PLANNED = {
    "cursor": _EVERY | {"PAGE-CONCURRENT", "PAGE-CURSOR"},
    "token": _EVERY | {"PAGE-CONCURRENT", "PAGE-CURSOR"},
    "after": _EVERY | {"PAGE-CONCURRENT"},
    "link": set(_EVERY),
    "offset": set(_EVERY),
    "page": set(_EVERY),
}


@pytest.fixture(scope="module")
def shelves(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The shelves' contracts and the tests generated from them."""
    root = tmp_path_factory.mktemp("shelves")
    contracts = write_contracts(root)
    write_tests(synth.load(contracts), root / "out")
    return contracts, root / "out" / "tests"


def _run(
    shelves: tuple[Path, Path],
    tmp_path: Path,
    served: Shelves,
    checks: list[tuple[str, str]],
    profile: str = "quick",
    *,
    front: Callable[[Any], Any] | None = None,
) -> tuple[int, str]:
    """Run ``checks`` against ``served`` (behind ``front``, an ASGI app around it, if any)."""
    contracts, tests = shelves
    served_app = app(served) if front is None else front(app(served))
    config = config_from_options(
        app=served_app, tenants=TENANTS, seed=1, contracts=contracts, env={}, profile=profile
    )
    report = tmp_path / "report.md"
    select = " or ".join(f"{op}__{inv.replace('-', '_')}" for inv, op in checks)
    code = run_suite(config, tests, select=select, report=report, extra=["-p", "no:randomly"])
    # pytest imports the generated tests under their file's name (test_cursor, ...), the same
    # for the shelves and the shared shelves: forget this run's, so the next run imports its own.
    for name, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", None) or "").startswith(str(tests)):
            del sys.modules[name]
    return code, report.read_text(encoding="utf-8") if report.exists() else ""


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The shelves without a filter or a DELETE: lists the checks cannot isolate."""
    root = tmp_path_factory.mktemp("shared")
    contracts = write_contracts(root, shared=True)
    write_tests(synth.load(contracts), root / "out")
    return contracts, root / "out" / "tests"


# Notes each tenant's shared list holds before synth runs: more than a walk at the largest
# limit (20) takes in a page, as in a real tenant's list.
_PRELOADED = 310


@pytest.mark.parametrize("style", ["offset", "after"])
def test_a_correct_server_passes_every_planned_check_on_a_list_that_cannot_be_isolated(
    shared: tuple[Path, Path], tmp_path: Path, style: str
) -> None:
    api = synth.load(shared[0])
    ops = {op.operation_id for op in api.operations if op.path.startswith(f"/{style}/")}
    checks = [(e.id, op.operation_id) for op, e in applicable(api) if op.operation_id in ops]
    assert ("PAGE-COMPLETE", LIST_IDS[style]) in checks
    code, report = _run(shared, tmp_path, preload(Shelves(), style, _PRELOADED), checks)
    assert code == 0, report
    assert "| violation |" not in report, report
    assert "| error |" not in report, report
    assert _outcomes(report)["PAGE-COMPLETE", LIST_IDS[style]] == "passed", report


def test_items_a_server_adds_to_a_shared_list_between_two_walks_are_not_counted_lost(
    shared: tuple[Path, Path], tmp_path: Path
) -> None:
    """A list the check cannot isolate that the server itself adds to (a feed's lines of
    actions elsewhere, declared by no contract): an item that comes after the walk at the
    largest limit passed its place is no item that walk lost. Counted so, the correct
    tracker example failed PAGE-COMPLETE's edges at 50 ms until a re-check at once showed
    nothing; with the server adding one after every such walk, the re-check fails too and a
    correct server is reported."""
    checks = [("PAGE-COMPLETE", LIST_IDS["cursor"])]
    # A count at which the edges' walk leaving one item for the last page is taken (about
    # one in five is: ``_one_left`` wants a divisor of the count, at most 40 pages), after
    # the walk at the largest limit; counting the server's lines, 301 to 303 failed there.
    served = preload(Shelves(server_lines=True), "cursor", 302)
    code, report = _run(shared, tmp_path, served, checks)
    assert code == 0, report
    assert _outcomes(report) == dict.fromkeys(checks, "passed"), report
    assert "not reproduced" not in report, report
    lines = [n for n in served.notes["a", "cursor"] if n["title"] == "server line"]
    assert lines, "the server wrote no line of its own: nothing tested"


# Preloaded where the largest page is 300: with the edge fixture (the default page of 5 and one
# more) the list holds 310 notes, and 309 = 3 x 103, so the walk leaving one note for the last
# page takes ``_ONE_LEFT`` a page (``pagination._one_left``). 302 made 308, and 307 is prime:
# no such walk was taken.
_LARGE_PRELOADED = 304
_ONE_LEFT = 103


def test_a_shared_list_whose_largest_page_is_large_is_walked_whole_before_the_one_left_walk(
    tmp_path: Path,
) -> None:
    """Where the largest page is 251 or more, the edge fixture is the default page and one
    more item, and the walk at the default page size is PAGE-COMPLETE's first: it goes to the
    end of a list the check cannot isolate, as the walk leaving one item for the last page is
    sized by its count and compared with it. Stopped at the fixture's last item, it sized
    that walk by part of the list, and the items past the fixture that the later walk showed
    were reported lost on a correct server."""
    root = tmp_path / "large"
    root.mkdir()
    contracts = write_contracts(root, shared=True, largest=300)
    write_tests(synth.load(contracts), root / "out")
    checks = [("PAGE-COMPLETE", LIST_IDS["cursor"])]
    seen: list[str] = []

    def recording(inner: Any) -> Any:
        async def front(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope["type"] == "http" and scope["method"] == "GET":
                seen.append(scope["query_string"].decode())
            await inner(scope, receive, send)

        return front

    served = preload(Shelves(largest=300), "cursor", _LARGE_PRELOADED)
    code, report = _run((contracts, root / "out" / "tests"), tmp_path, served, checks,
                        front=recording)  # fmt: skip
    assert code == 0, report
    assert _outcomes(report) == dict.fromkeys(checks, "passed"), report
    # The one-left walk was taken, to its last page (``_ONE_LEFT``): else nothing here was
    # judged. (The drawn walks' limits, about a tenth of the list, are other than it.)
    assert any(re.search(rf"limit={_ONE_LEFT}(&|$)", q) and "cursor=" in q for q in seen), seen[:20]


def test_a_last_page_of_one_item_lost_is_reported_against_the_walk_it_was_compared_with(
    tmp_path: Path,
) -> None:
    """Where the largest page is 251 or more, PAGE-COMPLETE's edges compare the walk leaving
    one item for the last page with the walk at the default page size (the first, through the
    whole list): a server that loses a last page of one item is reported, and the message
    names that walk, not one at the largest limit that was never taken."""
    root = tmp_path / "large"
    root.mkdir()
    contracts = write_contracts(root, shared=True, largest=300)
    write_tests(synth.load(contracts), root / "out")
    checks = [("PAGE-COMPLETE", LIST_IDS["cursor"])]
    served = preload(Shelves(largest=300, lone_last_lost=True), "cursor", _LARGE_PRELOADED)
    code, report = _run((contracts, root / "out" / "tests"), tmp_path, served, checks)
    assert code == 1, report
    assert _outcomes(report) == dict.fromkeys(checks, "violation"), report
    assert "the walk with no limit (the declared default 5) showed, walking the" in report, report
    assert "limit=300" not in report, report


@pytest.mark.parametrize(
    ("bug", "style", "says"),
    [
        ("offset_skips", "offset", "the list held before and after the walk"),
        # Found on the run's edge fixture first: the walk at the maximum loses its last page.
        (
            "has_more_early",
            "after",
            "seeded items listed once, walking the whole list with limit=20",
        ),
    ],
)
def test_a_walk_that_loses_earlier_items_of_a_shared_list_is_reported_and_confirmed(
    shared: tuple[Path, Path], tmp_path: Path, bug: str, style: str, says: str
) -> None:
    """A row skipped at a page boundary, or a last page lost, is most often an item the
    list held before the check seeded its own: PAGE-COMPLETE reports it, and the replay
    confirms it (an unconfirmed violation would say so in the report)."""
    checks = [("PAGE-COMPLETE", LIST_IDS[style])]
    code, report = _run(shared, tmp_path, preload(_switched(bug), style, _PRELOADED), checks)
    assert code == 1, report
    assert _outcomes(report) == dict.fromkeys(checks, "violation"), report
    assert says in report, report
    assert "unconfirmed" not in report.lower(), report


class _Far:
    """The shelves ``delay`` seconds away, counting the most pages of one list in flight at
    once: 12 ms makes a far target (``_config.is_far``: a round trip of 10 ms or more)."""

    def __init__(self, app: Any, style: str, delay: float) -> None:
        self.app, self.path, self.delay = app, f"/v1/{style}/notes", delay
        self.now = self.most = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        listing = scope["type"] == "http" and scope["method"] == "GET"
        listing = listing and scope["path"] == self.path
        self.now += listing
        self.most = max(self.most, self.now)
        try:
            await asyncio.sleep(self.delay)
            await self.app(scope, receive, send)
        finally:
            self.now -= listing


@pytest.mark.parametrize(
    "case",
    [
        ("offset", None, 0.012, True),
        ("page", None, 0.012, True),
        ("offset", None, 0.0, False),
        # The first example finds these, walking page by page: whether later ones sent pages
        # together is not asserted.
        ("offset", "offset_skips", 0.012, None),
        ("page", "page_repeats", 0.012, None),
    ],
)
def test_a_far_walk_of_offset_or_page_numbers_sends_the_next_pages_together(
    shared: tuple[Path, Path], tmp_path: Path, case: tuple[str, str | None, float, bool | None]
) -> None:
    """Where the target is far, an offset or page-number walk after a check's first example
    sends its next pages together, their queries known from the page size (three round trips
    for ten pages, not nine); on a correct server nothing is reported, and a row skipped or
    repeated at a page boundary still is, confirmed by runs that walk page by page. At
    loopback the pages go one at a time."""
    style, bug, delay, together = case
    checks = [("PAGE-COMPLETE", LIST_IDS[style])]
    served = preload(_switched(bug) if bug else Shelves(), style, _PRELOADED)
    fronts: list[_Far] = []

    def front(inner: Any) -> _Far:
        fronts.append(_Far(inner, style, delay))
        return fronts[-1]

    code, report = _run(shared, tmp_path, served, checks, "default", front=front)
    outcome = "violation" if bug else "passed"
    assert _outcomes(report) == dict.fromkeys(checks, outcome), report
    assert code == (1 if bug else 0), report
    assert "unconfirmed" not in report.lower(), report
    if together is not None:
        assert (fronts[0].most > 1) is together, fronts[0].most


def _switched(name: str) -> Shelves:
    """The shelves with the switch ``name`` on."""
    served = Shelves()
    assert isinstance(getattr(served, name), bool)
    setattr(served, name, True)
    return served


def _outcomes(report: str) -> dict[tuple[str, str], str]:
    rows = re.findall(r"^\| ([A-Z-]+) \| `(\w+)` \| (\w+) \|", report, re.MULTILINE)
    return {(inv, op): outcome for inv, op, outcome in rows}


def test_each_style_is_planned_the_checks_it_promises(shelves: tuple[Path, Path]) -> None:
    """PAGE-CONCURRENT only where the walk is stable, PAGE-CURSOR only for opaque tokens."""
    api = synth.load(shelves[0])
    planned: dict[str, set[str]] = {}
    for op, entry in applicable(api):
        planned.setdefault(op.operation_id, set()).add(entry.id)
    for style in STYLES:
        got = {c for c in planned[LIST_IDS[style]] if c.startswith(("PAGE-", "TEN-LIST"))}
        assert got == PLANNED[style], style


@pytest.mark.parametrize("style", list(STYLES))
def test_the_correct_server_passes_every_check_planned_for_its_style(
    shelves: tuple[Path, Path], tmp_path: Path, style: str
) -> None:
    checks = [(inv, LIST_IDS[style]) for inv in sorted(PLANNED[style])]
    # The default profile: enough examples that every allowed sort order is drawn, and that
    # PAGE-END's seeds are not all empty.
    code, report = _run(shelves, tmp_path, Shelves(), checks, "default")
    assert code == 0, report
    assert _outcomes(report) == dict.fromkeys(checks, "passed"), report


@pytest.mark.parametrize(
    ("variant", "style"), [("empty_token_end", "token"), ("relative_links", "link")]
)
def test_a_correct_variant_of_a_style_passes(
    shelves: tuple[Path, Path], tmp_path: Path, variant: str, style: str
) -> None:
    """page_token ends on "" as well as null; a relative rel="next" is resolved against the
    page's own URL."""
    checks = [(inv, LIST_IDS[style]) for inv in sorted(PLANNED[style])]
    code, report = _run(shelves, tmp_path, _switched(variant), checks, "default")
    assert code == 0, report
    assert _outcomes(report) == dict.fromkeys(checks, "passed"), report


@pytest.mark.parametrize("style", ["cursor", "offset"])
def test_items_that_tie_on_what_b_sent_may_come_in_another_order_in_each_world(
    shelves: tuple[Path, Path], tmp_path: Path, style: str
) -> None:
    """TEN-NONINTERFERENCE compares b's list in a world where a acted first with one where it
    did not. Notes of one rank are ordered by their ids, which the server draws at random: b's
    notes of one rank come in another order in each world, whatever a did, and that is not a's
    doing."""
    checks = [("TEN-NONINTERFERENCE", LIST_IDS[style])]
    code, report = _run(shelves, tmp_path, _switched("random_ids"), checks, "thorough")
    assert code == 0, report
    assert _outcomes(report) == dict.fromkeys(checks, "passed"), report


@pytest.mark.parametrize(
    "case",
    [
        ("offset_skips", "offset", ["PAGE-COMPLETE"], "missing"),
        ("page_repeats", "page", ["PAGE-COMPLETE"], "on more than one page"),
        ("has_more_when_full", "after", ["PAGE-END"], "has_more: true, then an empty page"),
        ("link_lost", "link", ["PAGE-COMPLETE"], "missing"),
        ("token_any_tenant", "token", ["PAGE-CURSOR"], "sent by tenant b"),
        ("sort_ignored", "token", ["PAGE-ORDER"], f"order_by={list(ORDERS)[1]}"),
    ],
)
def test_a_planted_bug_of_each_style_is_reported_by_its_invariant(
    shelves: tuple[Path, Path], tmp_path: Path, case: tuple[str, str, list[str], str]
) -> None:
    bug, style, invariants, says = case
    checks = [(inv, LIST_IDS[style]) for inv in invariants]
    code, report = _run(shelves, tmp_path, _switched(bug), checks, "default")
    assert code == 1, report
    assert _outcomes(report) == dict.fromkeys(checks, "violation"), report
    assert says in report, report


def test_an_unknown_sort_value_served_anyway_is_reported_by_err_validation(
    shelves: tuple[Path, Path], tmp_path: Path
) -> None:
    """The sort parameter is an enum of the allowed values in the document: a value outside
    it must get 422 validation_failed (ERR-VALIDATION draws one invalid input per example,
    hence the thorough profile)."""
    checks = [("ERR-VALIDATION", LIST_IDS["token"])]
    code, report = _run(shelves, tmp_path, _switched("sort_lenient"), checks, "thorough")
    assert code == 1, report
    assert _outcomes(report) == dict.fromkeys(checks, "violation"), report
    assert "order_by: not one of the enum values" in report, report


def test_every_allowed_order_is_walked_in_every_example(
    shelves: tuple[Path, Path], tmp_path: Path
) -> None:
    """PAGE-COMPLETE and PAGE-ORDER walk each allowed sort order (the default also without
    the parameter) in each example, so even the quick profile's few examples exercise all
    three orders of the page_token list: both checks pass, neither ends not exercised."""
    checks = [(inv, LIST_IDS["token"]) for inv in ("PAGE-COMPLETE", "PAGE-ORDER")]
    code, report = _run(shelves, tmp_path, Shelves(), checks, "quick")
    assert code == 0, report
    assert _outcomes(report) == dict.fromkeys(checks, "passed"), report
    code, report = _run(shelves, tmp_path, _switched("sort_ignored"), checks[1:], "quick")
    assert code == 1, report
    assert f"order_by={list(ORDERS)[1]}" in report, report


def test_an_empty_page_token_served_as_the_first_page_is_not_reported(
    shelves: tuple[Path, Path], tmp_path: Path
) -> None:
    """Google APIs take ``page_token=`` as the first page (AIP-158): the document allows the
    empty token, so ERR-VALIDATION does not send it as an invalid input (the thorough
    profile, so that every invalid input the parameters allow is drawn)."""
    checks = [("ERR-VALIDATION", LIST_IDS["token"])]
    code, report = _run(shelves, tmp_path, _switched("empty_token_first"), checks, "thorough")
    assert code == 0, report
    assert _outcomes(report) == dict.fromkeys(checks, "passed"), report


def test_a_correct_offset_server_is_not_reported_while_items_come_and_go(
    shelves: tuple[Path, Path], tmp_path: Path
) -> None:
    """Every check of the offset list, TEN-NONINTERFERENCE (another tenant's inserts) and the
    item operations included: PAGE-CONCURRENT, which would see rows skipped or repeated
    under inserts, is not planned for offset pagination, and nothing is reported."""
    api = synth.load(shelves[0])
    offset_ops = {op.operation_id for op in api.operations if op.path.startswith("/offset/")}
    checks = [(e.id, op.operation_id) for op, e in applicable(api)
              if op.operation_id in offset_ops]  # fmt: skip
    assert ("PAGE-CONCURRENT", LIST_IDS["offset"]) not in checks
    code, report = _run(shelves, tmp_path, Shelves(), checks)
    assert code == 0, report
    assert "| violation |" not in report, report
    assert "| error |" not in report, report


def _page(link: str | None) -> Exchange:
    headers = httpx.Headers({"Link": link} if link is not None else {})
    return Exchange(Request(tenant="a", method="GET", path="/v1/x"), 200, headers, b"[]", 0.0)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            '<https://api.example.com/v1/x?page=2>; rel="next"',
            "https://api.example.com/v1/x?page=2",
        ),
        ('</v1/x?page=1>; rel="prev", </v1/x?page=3>; rel="next"', "/v1/x?page=3"),
        ('<?page=2&per_page=5>; rel="next last"', "?page=2&per_page=5"),
        ('</v1/x?page=9>; rel="last"', None),
        (None, None),
    ],
)
def test_next_link_reads_rel_next_from_the_link_header(
    header: str | None, expected: str | None
) -> None:
    assert next_link(_page(header)) == expected


def test_a_check_that_never_drew_an_allowed_order_is_not_exercised() -> None:
    """Passing on some orders says nothing of the others: the check ends skipped, naming them."""
    drawn = Finding("PAGE-ORDER", "listTokenNotes", Outcome.PASSED, 0.0, 0, exercised=3)
    drawn.wanted["allowed orders of order_by"] = tuple(ORDERS)
    drawn.drawn["allowed orders of order_by"] = {"-rank", "id"}
    _undrawn("PAGE-ORDER", "listTokenNotes", drawn)
    assert drawn.outcome is Outcome.SKIPPED
    assert "allowed orders of order_by never drawn: rank in the 3 examples" in drawn.message
    every = Finding("PAGE-ORDER", "listTokenNotes", Outcome.PASSED, 0.0, 0, exercised=3)
    every.wanted["allowed orders of order_by"] = tuple(ORDERS)
    every.drawn["allowed orders of order_by"] = set(ORDERS)
    _undrawn("PAGE-ORDER", "listTokenNotes", every)
    assert every.outcome is Outcome.PASSED


def test_page_complete_s_walk_at_the_default_page_size_stops_after_the_edge_fixture(
    shared: tuple[Path, Path], tmp_path: Path
) -> None:
    """PAGE-COMPLETE's edges on a shared list: the walk at the largest limit goes to the end,
    the one at the default page size a page past the edge fixture's last item only (the rest
    of the list is walked by the drawn examples at their own limits). Walked to the end at the
    default size, it took a round trip per five notes of the whole list here, and the
    tracker's activity feed 22 to 37 pages a walk, a third of a 20 s check at 50 ms."""
    checks = [("PAGE-COMPLETE", LIST_IDS["cursor"])]
    walks: list[list[str]] = []  # each walk's queries: its first page's, then its cursors'

    def recording(inner: Any) -> Any:
        async def front(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope["type"] == "http" and scope["method"] == "GET":
                query = scope["query_string"].decode()
                if "cursor=" in query and walks:
                    walks[-1].append(query)
                else:
                    walks.append([query])
            await inner(scope, receive, send)

        return front

    served = preload(Shelves(), "cursor", _PRELOADED)
    code, report = _run(shared, tmp_path, served, checks, front=recording)
    assert code == 0, report
    default = [walk for walk in walks if "limit=" not in walk[0]]
    assert default, "no walk at the default page size: nothing judged"
    # The declared default page is 5 notes (``shelves.write_contracts``); the fixture is made
    # after the preloaded notes, ahead of some of them in the list's order.
    assert all(len(walk) * 5 < _PRELOADED for walk in default), [len(w) for w in default]
