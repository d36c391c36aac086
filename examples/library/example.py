"""The lending library example, as `make verify-examples` drives it."""

from collections.abc import Sequence
from pathlib import Path

from examples._example import Bug, server_command

CONTRACTS = Path(__file__).parent / "contracts"
BASE_PATH = "/v1"
TENANTS = {"a": "tok_northside_5f2c9a71e0", "b": "tok_riverbend_83d4b6c2af"}
TENANT_IDS: dict[str, str] = {}

BUGS = (
    Bug(
        "idem-pay-twice",
        "IDEM-REPLAY",
        "POST /members/{member_id}/fines/pay checks its Idempotency-Key only against requests "
        "still running: a retry after the first finished pays again (balance drops twice, no "
        "Idempotent-Replayed).",
    ),
    Bug(
        "idem-book-key-global",
        "IDEM-TENANT-SCOPE",
        "POST /books keeps Idempotency-Keys for all libraries together: another library reusing "
        "a key gets the first library's book replayed (or 422 idempotency_key_reused).",
    ),
    Bug(
        "page-copies-skip",
        "PAGE-COMPLETE",
        "GET /books/{book_id}/copies resumes after the cursor's copy number plus one: the first "
        "copy of every page after the first is skipped.",
    ),
    Bug(
        "page-books-tie-order",
        "PAGE-ORDER",
        "GET /books breaks title ties by id descending instead of the declared ascending id "
        "(consistently, cursors included: nothing is lost, the order is wrong).",
    ),
    Bug(
        "page-email-filter-ignored",
        "PAGE-FILTER",
        "GET /members reads its email filter from a misspelt query parameter (mail): the "
        "declared email filter is ignored and every member is listed.",
    ),
    Bug(
        "page-isbn-filter-ignored",
        "PAGE-FILTER",
        "GET /books validates its isbn filter but never applies it: every book is listed.",
    ),
    Bug(
        "ten-book-read",
        "TEN-READ",
        "GET /books/{book_id} finds the book by id without checking its library.",
    ),
    Bug(
        "ten-copy-child",
        "TEN-CHILD",
        "POST /books/{book_id}/copies adds a copy to another library's book.",
    ),
    Bug(
        "ten-member-list",
        "TEN-LIST",
        "GET /members lists the members of every library.",
    ),
    Bug(
        "ten-loans-every-library",
        "TEN-LIST",
        "GET /loans (every loan of the library, across its copies) lists the loans of every "
        "library: the tenant filter is forgotten.",
    ),
    Bug(
        "ten-pay-any-member",
        "TEN-WRITE",
        "POST /members/{member_id}/fines/pay finds the member by id alone: another library "
        "can pay toward (and so change) a member that is not its own.",
    ),
    Bug(
        "ten-loan-any-member",
        "TEN-ASSIGN",
        "POST /books/{book_id}/copies/{copy_no}/loans takes any library's member_id: a loan of "
        "one library's copy to another library's member (and an answer saying that member "
        "exists).",
    ),
    Bug(
        "err-member-plain-404",
        "ERR-PROBLEM",
        "GET /members/{member_id} answers an unknown member with 404 application/json "
        '{"error": ...} instead of problem+json.',
    ),
    Bug(
        "err-catalogue-needs-token",
        "ERR-DECLARED",
        "GET /catalogue, public in the contract, answers 401 unauthenticated without a token.",
    ),
    Bug(
        "cover-any-media-type",
        "ERR-VALIDATION",
        "POST /books/{book_id}/cover stores a file of any media type as the cover, where the "
        "contract accepts only image/png and image/jpeg (a text file becomes a 'PNG').",
    ),
    Bug(
        "cache-stale-if-match",
        "CACHE-ETAG",
        "PUT /books/{book_id} requires If-Match but never compares it: a stale ETag overwrites "
        "(200 instead of 412 precondition_failed).",
    ),
)


def command(port: int, bugs: Sequence[str]) -> list[str]:
    """The server's command line on a loopback port, with the named bugs planted."""
    return server_command("examples.library.server", port, bugs)
