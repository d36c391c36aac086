"""Declared response headers in the Zod contracts: each response's ``headers`` object and the
operation's ``<op>ResponseHeaders``, reading numbers from the text headers carry."""

from __future__ import annotations

import json

import pytest

from examples.library import example
from synth import load
from synth.document import build
from synth.zod import emit_zod

from ._node import NodeHarness


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return emit_zod(build(load(example.CONTRACTS)))


def test_each_declared_header_is_in_its_response(files: dict[str, str]) -> None:
    operations = files["operations.ts"]
    assert (
        '"ratelimit-remaining": fromText(z.number().check(integer()).gte(0), "integer"),'
        in operations
    )
    assert '"retry-after": fromText(z.number().check(integer()).gte(0), "integer"),' in operations
    assert (
        "export const searchCatalogueResponseHeaders = searchCatalogue.responses[200].headers;"
        in operations
    )


@pytest.mark.node
def test_the_headers_schema_parses_what_a_server_sends(
    node: NodeHarness, files: dict[str, str]
) -> None:
    node.load("library-operations", files, "operations.ts")
    sent = {"ratelimit-limit": "10000", "ratelimit-remaining": "9999", "ratelimit-reset": "60"}
    texts = [
        json.dumps(sent),
        json.dumps({**sent, "x-other": "ignored"}),
        json.dumps({k: v for k, v in sent.items() if k != "ratelimit-remaining"}),
        json.dumps({**sent, "ratelimit-remaining": "lots"}),
        json.dumps({**sent, "ratelimit-remaining": "-1"}),
    ]
    results = node.validate("library-operations", "searchCatalogueResponseHeaders", texts)
    assert [r["valid"] for r in results] == [True, True, False, False, False]


@pytest.mark.node
def test_an_error_response_s_headers_have_their_own_export(
    node: NodeHarness, files: dict[str, str]
) -> None:
    """The 429's ``Retry-After`` is exported as the success response's headers are."""
    assert (
        "export const searchCatalogueResponseHeaders429 = searchCatalogue.responses[429].headers;"
        in files["operations.ts"]
    )
    node.load("library-operations-429", files, "operations.ts")
    texts = [json.dumps({"retry-after": "7"}), json.dumps({}), json.dumps({"retry-after": "x"})]
    results = node.parse("library-operations-429", "searchCatalogueResponseHeaders429", texts)
    assert [r["valid"] for r in results] == [True, False, False]
    assert json.loads(results[0]["output"]) == {"retry-after": 7}
