"""The Podcast Host example, as `make verify-examples` drives it."""

from collections.abc import Sequence
from pathlib import Path

from examples._example import Bug, server_command

CONTRACTS = Path(__file__).parent / "contracts"
BASE_PATH = "/v1"
TENANTS = {"a": "key-alpha-111", "b": "key-beta-222"}
TENANT_IDS: dict[str, str] = {}

BUGS = (
    Bug(
        "idem-key-any-tenant",
        "IDEM-TENANT-SCOPE",
        "POST /shows and POST /shows/{show_id}/episodes keep every network's idempotency keys "
        "in one store instead of one per network: B's show sent with a key A already used "
        "replays A's show (201 with Idempotent-Replayed, A's id, nothing created for B), or is "
        "422 idempotency_key_reused when the bodies differ; B's episode sent with A's key is "
        "422 idempotency_key_reused (B's show is another path). The user's own planted bug "
        "(idem_global).",
    ),
    Bug(
        "page-cursor-any-tenant",
        "PAGE-CURSOR",
        "GET /shows and GET /episodes check a cursor's signature and list but not the network "
        "it was made for: network B can page with network A's cursor (served from A's position "
        "in B's list) instead of 400 invalid_cursor. The user's own planted bug "
        "(cursor_any_tenant).",
    ),
    Bug(
        "patch-show-description-cleared",
        "PATCH-PARTIAL",
        "PATCH /shows/{show_id} copies description from the body whether or not it was sent "
        "(it is nullable, so the handler takes the model's None): a PATCH that leaves "
        "description out clears it to null. title, category and explicit are still kept when "
        "left out. The user's own planted bug (patch_nulls).",
    ),
    Bug(
        "rate-episode-one-window",
        "RATE-TENANT",
        "GET /episodes/{episode_id} counts every network's requests in one 5 s window instead "
        "of one per network: once A has sent 20 in a window, B's first request is 429 "
        "rate_limited too. The limit and its headers are otherwise unchanged. The user's own "
        "planted bug (rate_global).",
    ),
    Bug(
        "page-episodes-status-ignored",
        "PAGE-FILTER",
        "GET /episodes validates its status filter and then does not apply it: draft and "
        "published episodes are listed alike (show_id still applies). GET "
        "/shows/{show_id}/episodes still applies its own status filter. The user's own planted "
        "bug (status_filter_ignored).",
    ),
    Bug(
        "ten-sponsorship-any-episode",
        "TEN-ASSIGN",
        "POST /sponsorships looks its episode_id up in every network when the caller's has no "
        "episode of that id: A books a sponsorship on B's episode (201, A's sponsorship naming "
        "B's episode and show) instead of 422 unknown_episode. Reading B's episode is still "
        "404. The user's own planted bug (sponsor_any_tenant).",
    ),
    Bug(
        "page-show-episodes-offset-skip",
        "PAGE-COMPLETE",
        "GET /shows/{show_id}/episodes starts every page with an offset above 0 one episode "
        "late (items[offset + 1 : offset + limit]): the episode at each later page's offset is "
        "never listed, and those pages are one short; total is unchanged. The user's own "
        "planted bug (offset_skip).",
    ),
    Bug(
        "cache-show-etag-static",
        "CACHE-ETAG",
        'The ETag of GET and PATCH /shows/{show_id} is the constant "v1", not made from the '
        "show's state: a PATCH leaves it unchanged, so If-None-Match with the old tag is still "
        "304 and a stale If-Match is accepted instead of 412. The user's own planted bug "
        "(etag_static).",
    ),
    Bug(
        "err-publish-plain-404",
        "ERR-PROBLEM",
        "POST /episodes/{episode_id}/publish answers an episode id that names no episode of the "
        'network with the framework\'s 404 application/json {"detail": "Not Found"} instead of '
        "problem+json not_found; its other errors are problem+json.",
    ),
    Bug(
        "obs-401-no-request-id",
        "OBS-REQUEST-ID",
        "The 401 unauthenticated problem body (a missing or unknown X-Api-Key, on every "
        "operation) carries an empty request_id instead of the request's id; the X-Request-Id "
        "header is still echoed or made, and every other problem body repeats it.",
    ),
)


def command(port: int, bugs: Sequence[str]) -> list[str]:
    """The server's command line on a loopback port, with the named bugs planted."""
    return server_command("examples.podcast.server", port, bugs)
