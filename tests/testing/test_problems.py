"""The problem+json rules, as a table of answers and what each rule says about them."""

from __future__ import annotations

from typing import Any

import pytest

from synth.testing._problems import (
    declared,
    problem_fields,
    problem_media_type,
    problem_object,
    problem_status,
)

GOOD = {"type": "about:blank", "title": "Not found", "status": 404, "code": "not_found"}
JSON = "application/problem+json"


@pytest.mark.parametrize(
    ("rule", "media_type", "body", "expected"),
    [
        (problem_media_type, JSON, GOOD, None),
        (problem_media_type, "text/plain", None, "HTTP 404 as application/problem+json"),
        (problem_media_type, "application/json", GOOD, "HTTP 404 as application/problem+json"),
        (problem_object, JSON, GOOD, None),
        (problem_object, JSON, [GOOD], "a JSON object problem body"),
        (problem_object, JSON, None, "a JSON object problem body"),
        (problem_fields, JSON, GOOD, None),
        (problem_fields, JSON, {**GOOD, "type": ""}, "problem field 'type' as a non-empty string"),
        (problem_fields, JSON, {**GOOD, "title": 3}, "problem field 'title' as a non-empty string"),
        (problem_fields, JSON, {k: v for k, v in GOOD.items() if k != "code"},
         "problem field 'code' as a non-empty string"),
        (problem_status, JSON, GOOD, None),
        (problem_status, JSON, {**GOOD, "status": 400},
         "problem field 'status' equal to the HTTP status 404"),
        (problem_status, JSON, {**GOOD, "status": "404"},
         "problem field 'status' equal to the HTTP status 404"),
        (problem_status, JSON, None, "problem field 'status' equal to the HTTP status 404"),
    ],
)  # fmt: skip
def test_problem_rules(rule: Any, media_type: str, body: Any, expected: str | None) -> None:
    assert rule(404, media_type, body) == expected


def test_a_boolean_status_is_not_a_status() -> None:
    assert problem_status(1, JSON, {"status": True}) is not None


def test_declared() -> None:
    allowed = {(404, "not_found"), (401, "unauthenticated")}
    assert declared(404, "not_found", allowed) is None
    expected = "a declared (status, code): one of 401 unauthenticated, 404 not_found"
    assert declared(404, "missing", allowed) == expected
    assert declared(400, None, allowed) == expected
