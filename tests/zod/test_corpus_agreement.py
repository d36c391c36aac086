"""The Zod ``synth zod`` writes agrees with a JSON Schema 2020-12 validator on the corpus.

Every example each corpus document carries and values drawn from each of its component
schemas are judged by both (``tests/zod/corpus_agree.py``); each disagreement must be a
deviation listed with its reason in ``corpus_deviations.json``. Documents ``synth zod``
refuses today are listed in ``corpus_agree.REFUSED`` and fail here once they generate.

The default profile judges the documents up to 1 MB with 3 draws per component (about 40 s);
``SYNTH_CORPUS_PROFILE=thorough`` judges every document with 25 draws per component.
"""

from __future__ import annotations

from functools import cache

import pytest

from tests.zod import corpus_agree
from tests.zod._node import NodeHarness, node_available

# One xdist worker runs the module: the corpus is judged once (`_results`, cached in the
# process), not once per worker.
pytestmark = [pytest.mark.node, pytest.mark.slow, pytest.mark.xdist_group("zod-corpus-agreement")]

NAMES = [e["name"] for e in corpus_agree.MANIFEST]


@cache
def _results() -> dict[str, corpus_agree.Result]:
    return {r.name: r for r in corpus_agree.run(corpus_agree.documents())}


def _result(name: str) -> corpus_agree.Result:
    reason = node_available()
    if reason:
        pytest.skip(reason)
    judged = _results()
    if name not in judged:
        pytest.skip(f"{name} is over 1 MB: SYNTH_CORPUS_PROFILE=thorough judges it")
    return judged[name]


@pytest.mark.parametrize("name", NAMES)
def test_zod_agrees_with_a_json_schema_validator(name: str) -> None:
    result = _result(name)
    if name in corpus_agree.REFUSED:
        assert result.refused, (
            f"{name} now generates: remove it from corpus_agree.REFUSED so that it is judged"
        )
        return
    assert not result.refused, f"{name}: {result.refused}"
    deviations = corpus_agree.load_deviations()
    unexplained = [
        d for d in result.disagreements if not any(corpus_agree.explains(x, d) for x in deviations)
    ]
    assert not unexplained, "\n".join(
        f"{d.schema} [{d.source}]: Zod {'accepts' if d.zod else 'rejects'}, the validator "
        f"{'accepts' if d.validator else 'rejects'}: {d.value[:200]}"
        for d in unexplained
    )


def test_the_corpus_is_judged() -> None:
    """Not vacuous: the documents judged carry examples, and values are drawn for them."""
    results = [_result(name) for name in ("train-travel", "redocly-museum", "adyen-checkout-v71")]
    assert all(r.examples > 0 and r.drawn > 0 for r in results)
    assert sum(r.examples for r in results) >= 200


def test_every_deviation_has_its_reason_and_still_happens() -> None:
    deviations = corpus_agree.load_deviations()
    assert all(str(x.get("reason", "")).strip() for x in deviations), "a deviation without reason"
    judged = [r for r in (_result(n) for n in NAMES if n in _results()) if not r.refused]
    seen = [d for r in judged for d in r.disagreements]
    for x in deviations:
        if x["document"] == "*" or x["document"] in {r.name for r in judged}:
            assert any(corpus_agree.explains(x, d) for d in seen), f"explains nothing now: {x}"


def test_a_disagreement_is_found_and_only_a_listed_deviation_explains_it() -> None:
    """The harness sees a disagreement where there is one: an address with no dot in its
    domain, which synth's email check refuses and RFC 5321 (the validator) allows."""
    reason = node_available()
    if reason:
        pytest.skip(reason)
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {"Email": {"type": "string", "format": "email", "examples": ["a@b"]}}
        },
    }
    with NodeHarness() as node:
        result = corpus_agree.judge_document(node, "email", document)
    example = [d for d in result.disagreements if d.source.endswith("/examples/0")]
    assert [(d.schema, d.zod, d.validator) for d in example] == [
        ("#/components/schemas/Email", False, True)
    ]
    deviations = corpus_agree.load_deviations()
    assert any(corpus_agree.explains(x, example[0]) for x in deviations)
    other = corpus_agree.Disagreement(
        "email", "#/components/schemas/Email", "", '"a@b"', False, True, ["Too small"]
    )
    assert not any(corpus_agree.explains(x, other) for x in deviations)
