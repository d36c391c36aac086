"""The patterns phase on its own: schemas with ``pattern`` in, the documented form out."""

from __future__ import annotations

import copy
import inspect
from typing import Any

import pytest
from pydantic import BaseModel

from synth.loader._patterns import document_pattern, document_patterns
from synth.loader._problems import Problems


class Code(BaseModel):
    value: str


KEPT = [r"^\d+$", r"^[a-z0-9-]{1,32}$", r"\A\w+"]
# Python's re (which OpenAPI validators use) lacks \z, but it takes the ECMA-262 form.
TRANSLATED = [(r"^a+\z", "^a+$"), (r"^(?P<y>[0-9]{4})\z", r"^([0-9]{4})$")]


@pytest.mark.parametrize("pattern", KEPT)
def test_a_pattern_python_accepts_is_kept_as_written(pattern: str) -> None:
    problems = Problems()
    assert (
        document_pattern(
            pattern, "#/components/schemas/Code/properties/value/pattern", {"Code": Code}, problems
        )
        == pattern
    )
    assert problems.found == []


@pytest.mark.parametrize(("pattern", "documented"), TRANSLATED)
def test_a_pattern_python_rejects_carries_its_translation(pattern: str, documented: str) -> None:
    problems = Problems()
    assert document_pattern(pattern, "#/x", {}, problems) == documented
    assert problems.found == []


def test_an_untranslatable_pattern_is_reported_at_its_model() -> None:
    problems = Problems()
    pointer = "#/components/schemas/Code-Input/properties/value/pattern"
    assert document_pattern(r"(?=a)b", pointer, {"Code": Code}, problems) is None
    [problem] = problems.found
    assert problem.message.startswith("Code-Input.value: pattern '(?=a)b': look-around")
    assert "no look-around" in problem.hint
    assert problem.location is not None
    assert problem.location.line == inspect.getsourcelines(Code)[1]


def test_a_pattern_no_openapi_tool_reads_is_reported() -> None:
    problems = Problems()
    assert (
        document_pattern(
            r"^\p{L}+$", "#/components/schemas/Gone/properties/v/pattern", {}, problems
        )
        is None
    )
    [problem] = problems.found
    assert problem.location is None  # no model of that name to point at
    assert problem.message == (
        "Gone.v: pattern '^\\\\p{L}+$' has no form that OpenAPI tools accept: they check "
        "patterns with Python's re, which lacks this syntax (its ECMA-262 form is /^\\p{L}+$/u)"
    )


def test_every_pattern_in_components_and_operations_is_rewritten_in_place() -> None:
    components: dict[str, Any] = {
        "Code": {"properties": {"value": {"type": "string", "pattern": r"^a+\z"}}},
        "Pair": {"anyOf": [{"pattern": r"^\d+$"}, {"items": {"pattern": r"^a+\z"}}]},
    }
    refs: dict[tuple[str, str], Any] = {
        ("get_code", "param:code"): {"type": "string", "pattern": r"(?=a)"},
        ("get_code", "param:other"): {"type": "string", "pattern": r"(?=a)"},
    }
    before = copy.deepcopy(components)
    problems = Problems()
    document_patterns(components, refs, [], problems)
    assert components["Code"]["properties"]["value"]["pattern"] == "^a+$"
    assert components["Pair"]["anyOf"][0] == before["Pair"]["anyOf"][0]
    assert components["Pair"]["anyOf"][1]["items"]["pattern"] == "^a+$"
    assert refs[("get_code", "param:code")]["pattern"] == "(?=a)"  # refused: left as it was
    # The same pattern is judged once, so reported once.
    [problem] = problems.found
    assert "look-around" in problem.message
