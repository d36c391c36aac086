"""How to run the recipes example and what it plants (read by the examples' driver)."""

import sys
from collections.abc import Sequence
from pathlib import Path

from examples._example import Bug

CONTRACTS = Path(__file__).parent / "contracts"
BASE_PATH = "/v1"
TENANTS = {"a": "tok-alpha", "b": "tok-beta"}
TENANT_IDS: dict[str, str] = {}

BUGS = (
    # The user's own planted bugs, with the ids they gave them; synth missed all three then
    # (examples/recipes/FINDINGS.md): PATCH-PARTIAL and the unknown-key probes catch them now.
    Bug(
        "patch-absent-is-null",
        "PATCH-PARTIAL",
        "updateRecipe treats a `note` left out of the body as `note: null`: any PATCH clears the "
        "recipe's note.",
    ),
    Bug(
        "nested-extra-ignored",
        "ERR-VALIDATION",
        "createRecipe and updateRecipe drop unknown keys inside `ingredients[]` (a closed schema) "
        "and accept the body, where the correct server answers 422 naming the key.",
    ),
    Bug(
        "top-extra-ignored",
        "ERR-VALIDATION",
        "createRecipe and updateRecipe drop unknown top-level keys and accept the body, where "
        "the correct server answers 422 naming the key.",
    ),
    # One or more per family, of the kinds the other examples plant.
    Bug(
        "idem-key-not-per-tenant",
        "IDEM-TENANT-SCOPE",
        "createRecipe's idempotency store is keyed by the Idempotency-Key alone, not (household, "
        "key): another household sending the same key gets the first one's stored answer (a 422 "
        "idempotency_key_reused when its body differs).",
    ),
    Bug(
        "ten-ingredients-any-household",
        "TEN-CHILD",
        "listIngredients finds the recipe in any household: another household's recipe's "
        "ingredients are listed where a recipe that exists nowhere is 404.",
    ),
    Bug(
        "page-skip-after-cursor",
        "PAGE-COMPLETE",
        "listRecipes drops the first recipe after the cursor: every page after the first "
        "loses one item.",
    ),
    Bug(
        "page-cursor-drops-filter",
        "PAGE-FILTER",
        "listRecipes forgets the `cuisine` filter on the pages after the first (the signed "
        "cursor still carries it): later pages hold recipes of every cuisine.",
    ),
    Bug(
        "err-get-404-plain",
        "ERR-PROBLEM",
        'getRecipe answers a recipe it does not find 404 with application/json {"error": ...}, '
        "not problem+json with its code.",
    ),
    Bug(
        "cache-etag-static",
        "CACHE-ETAG",
        "getRecipe's ETag is made from the recipe's id alone: it stays the same after a PATCH, so "
        "a stale If-None-Match gets 304 and a stale If-Match is not refused.",
    ),
)


def command(port: int, bugs: Sequence[str]) -> list[str]:
    """The server's command line on `port` with the planted `bugs` switched on."""
    line = [sys.executable, "-m", "examples.recipes.server", "--port", str(port)]
    for bug in bugs:
        line += ["--bug", bug]
    return line
