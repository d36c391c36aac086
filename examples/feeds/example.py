"""How to run the feeds example and what it plants (read by the examples' driver)."""

import sys
from collections.abc import Sequence
from pathlib import Path

from examples._example import Bug

CONTRACTS = Path(__file__).parent / "contracts"
BASE_PATH = "/v1"
TENANTS = {"a": "fd_northwind_5c1e0b7a9d2f", "b": "fd_contoso_8a4d2e6f1b3c"}
TENANT_IDS: dict[str, str] = {}

BUGS = (
    Bug(
        "patch-country-reset",
        "PATCH-PARTIAL",
        "updatePublisher sets `country` to US whenever the body leaves it out: renaming a "
        "publisher moves it.",
    ),
    Bug(
        "idem-key-ignores-body",
        "IDEM-MISMATCH",
        "createPublisher replays the first answer to any request with a known Idempotency-Key, "
        "whatever its body, instead of 422 idempotency_key_reused.",
    ),
    Bug(
        "page-offset-skip",
        "PAGE-COMPLETE",
        "listPublishers starts a page at offset + 1 whenever offset > 0, so the first "
        "publisher of every page after the first is never served.",
    ),
    Bug(
        "page-number-repeat",
        "PAGE-COMPLETE",
        "listPlaylists starts page n > 1 one row early, so each page repeats the last playlist "
        "of the page before.",
    ),
    Bug(
        "page-has-more-early",
        "PAGE-COMPLETE",
        "listSubscribers says has_more false when only one more page is left (it compares the "
        "rows left with two pages), so a walk never sees the last page.",
    ),
    Bug(
        "page-link-next-lost",
        "PAGE-COMPLETE",
        "listEvents counts its pages rounding down, so the page before a partial last page has "
        'no Link rel="next" (rel="last" stays right).',
    ),
    Bug(
        "page-token-unsigned",
        "PAGE-CURSOR",
        "listComments reads a page token without checking its signature: an edited token is "
        "served instead of 400 invalid_cursor.",
    ),
    Bug(
        "filter-lte-as-lt",
        "PAGE-FILTER",
        "listEpisodes serves max_duration (duration_s lte) as lt: an episode exactly "
        "max_duration long is left out.",
    ),
    Bug(
        "filter-in-first-only",
        "PAGE-FILTER",
        "The comma-list parser keeps only the first value: listPublishers' country=FR,DE "
        "serves FR only, listEvents' kind=play,share serves play only.",
    ),
    Bug(
        "count-ignores-country",
        "PAGE-FILTER",
        "listPublishers' count leaves the country filter out (name_prefix still applies): "
        "country=FR over three publishers, one of them French, serves that one with count 3. "
        "Added when PAGE-FILTER came to judge a declared total on filtered pages; PAGE-END "
        "judges it on unfiltered walks only, and missed it.",
    ),
    Bug(
        "ten-subscriber-any-workspace",
        "TEN-READ",
        "getSubscriber finds a subscriber in any workspace: another workspace's subscriber is "
        "served where an id that exists nowhere is 404.",
    ),
    Bug(
        "err-playlist-404-no-code",
        "ERR-PROBLEM",
        "An unknown playlist is answered 404 problem+json without its `code` member.",
    ),
    Bug(
        "cache-no-304",
        "CACHE-ETAG",
        "getPublisher ignores If-None-Match: a matching ETag gets 200 and the body, not 304.",
    ),
)


def command(port: int, bugs: Sequence[str]) -> list[str]:
    """The server's command line on `port` with the planted `bugs` switched on."""
    line = [sys.executable, "-m", "examples.feeds.server", "--port", str(port)]
    for bug in bugs:
        line += ["--bug", bug]
    return line
