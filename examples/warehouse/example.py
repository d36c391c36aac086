"""How to run the warehouse example and what it plants (read by the examples' driver)."""

import sys
from collections.abc import Sequence
from pathlib import Path

from examples._example import Bug

CONTRACTS = Path(__file__).parent / "contracts"
BASE_PATH = "/v1"
TENANTS = {"a": "wk_acme_0123456789abcdef", "b": "wk_globex_9876543210fedcba"}
TENANT_IDS = {"a": "org_acme", "b": "org_globex"}

BUGS = (
    Bug(
        "rate-retry-after-zero",
        "RATE-RETRY-AFTER",
        "listUnits answers its 429 with Retry-After: 0 whatever is left of the window, so a "
        "client that retries at once is refused again.",
    ),
    Bug(
        "upsert-create-200",
        "UPSERT-STATUS",
        "putProduct answers 200 when it creates a product with a new SKU, not 201: a client "
        "cannot tell that it created the product rather than replaced one.",
    ),
    Bug(
        "patch-city-cleared",
        "PATCH-PARTIAL",
        "updateWarehouse writes `-` over the city whenever the body leaves it out.",
    ),
    Bug(
        "idem-retry-reexecutes",
        "IDEM-REPLAY",
        "createWarehouse never consults the idempotency store: a retry runs again and is "
        "answered 409 warehouse_code_taken instead of the first 201.",
    ),
    Bug(
        "idem-global-keys",
        "IDEM-TENANT-SCOPE",
        "Idempotency keys are stored per key only, not per organisation: another "
        "organisation reusing a key gets the first organisation's warehouse replayed.",
    ),
    Bug(
        "page-skip-boundary",
        "PAGE-COMPLETE",
        "listBins mints its cursor from the first bin of the next page instead of the last "
        "bin of this one, so each page boundary skips a bin.",
    ),
    Bug(
        "filter-lte-as-lt",
        "PAGE-FILTER",
        "listStockLines treats max_quantity as exclusive: a line holding exactly the bound is "
        "left out, though the contract says the bounds are inclusive.",
    ),
    Bug(
        "filter-in-first-only",
        "PAGE-FILTER",
        "listStockLines reads only the first SKU of skus=A,B: lines of the other SKUs listed "
        "are left out.",
    ),
    Bug(
        "page-cursor-500",
        "PAGE-CURSOR",
        "A cursor that is not base64 JSON crashes the list handlers: 500 instead of 400 "
        "invalid_cursor.",
    ),
    Bug(
        "ten-org-forbidden",
        "TEN-READ",
        "Another organisation's id is answered 403 forbidden, an org id that exists nowhere "
        "404 org_not_found: the answer tells which organisations exist.",
    ),
    Bug(
        "ten-stock-org-unchecked",
        "TEN-CHILD",
        "listStockLines checks that the key is valid but not that it belongs to the "
        "organisation in the path: another organisation lists its stock lines.",
    ),
    Bug(
        "err-plain-404",
        "ERR-PROBLEM",
        'An unknown bin is answered 404 with a plain JSON body {"error": "not found"}, '
        "not problem+json.",
    ),
    Bug(
        "err-validation-400",
        "ERR-VALIDATION",
        "createBin answers a schema-invalid body 400 invalid_request, not 422 "
        "validation_failed naming the field.",
    ),
    Bug(
        "cache-etag-static",
        "CACHE-ETAG",
        "A warehouse's ETag is derived from its id and creation time only, so it does not "
        "change when the warehouse is updated.",
    ),
    Bug(
        "cache-ifmatch-ignored",
        "CACHE-ETAG",
        "countStockLine requires If-Match but never compares it: a stale ETag overwrites the "
        "count instead of 412 precondition_failed.",
    ),
)


def command(port: int, bugs: Sequence[str]) -> list[str]:
    """The server's command line on `port` with the planted `bugs` switched on."""
    line = [sys.executable, "-m", "examples.warehouse.server", "--port", str(port)]
    for bug in bugs:
        line += ["--bug", bug]
    return line
