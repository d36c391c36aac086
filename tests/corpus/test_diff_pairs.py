"""`synth diff` on every labelled pair of tests/corpus/openapi/diff/PAIRS.json: real documents
from public history (OpenAPI 3.0 and 3.1, one multi-file), two hand-made.

The verdict must equal the label: a breaking pair reports at least one breaking change, a
non-breaking pair none, and the exit code follows (1 for breaking, 0 otherwise; 0 also when
info.version's major part was bumped, which synth's policy allows). Each pair's `reason` names
the change that decides it; ``DECIDING`` lists that change as (where, rule): the report must
contain it, breaking for a breaking pair.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from synth.diff.cli import diff_command

DIFF = Path(__file__).resolve().parent / "openapi" / "diff"
PAIRS: list[dict[str, Any]] = json.loads((DIFF / "PAIRS.json").read_text(encoding="utf-8"))

# Per pair, the changes its label's reason names: (operation or component as the report names
# it, rule id). Read off each reason in PAIRS.json.
DECIDING: dict[str, list[tuple[str, str]]] = {
    "adyen-recurring-forward-removed": [("POST /forward", "endpoint-removed")],
    "museum-post-status-201": [
        ("POST /special-events", "response-success-status-removed"),
        ("POST /tickets", "response-success-status-removed"),
    ],
    "train-cvc-integer-to-string": [
        ("POST /bookings/{bookingId}/payment", "request-property-type-changed"),
    ],
    "train-payment-body-required": [
        ("POST /bookings/{bookingId}/payment", "request-body-became-required"),
    ],
    "train-split-into-files": [
        ("GET /stations", "response-body-type-changed"),
        ("GET /trips", "response-body-type-changed"),
        ("POST /bookings", "request-property-removed"),
    ],
    "twilio-oauth-expires-in-integer": [("POST /v1/token", "response-property-type-changed")],
    "twilio-oauth-well-known-path": [
        ("GET /v1/well-known/openid-configuration", "endpoint-removed"),
    ],
    "xero-app-store-usage-record": [
        (
            "POST /subscriptions/{subscriptionId}/items/{subscriptionItemId}/usage-records",
            "response-required-property-removed",
        ),
        (
            "PUT /subscriptions/{subscriptionId}/items/{subscriptionItemId}/usage-records/"
            "{usageRecordId}",
            "response-required-property-removed",
        ),
    ],
    "xero-files-association-props-removed": [
        ("GET /Associations/{ObjectId}", "response-optional-property-removed"),
        ("GET /Files/{FileId}/Associations", "response-optional-property-removed"),
        ("POST /Files/{FileId}/Associations", "response-optional-property-removed"),
    ],
    "xero-files-count-array-to-object": [
        ("GET /Associations/Count", "response-body-type-changed"),
    ],
    "xero-files-sort-enum-renamed": [
        ("GET /Associations/{ObjectId}", "request-parameter-enum-value-removed"),
    ],
    "xero-projects-estimate-to-integer": [
        ("POST /Projects/{projectId}/Tasks", "request-property-type-changed"),
        ("PUT /Projects/{projectId}/Tasks/{taskId}", "request-property-type-changed"),
    ],
    "xero-projects-task-status-codes": [
        ("POST /Projects/{projectId}/Tasks", "response-success-status-removed"),
        ("PUT /Projects/{projectId}/Tasks/{taskId}", "response-success-status-removed"),
    ],
    "xero-webhooks-credit-note-data-removed": [
        ("webhook creditNotes: POST", "response-optional-property-removed"),
    ],
    "adyen-balance-control-deprecated": [("POST /balanceTransfer", "endpoint-deprecated")],
    "adyen-recurring-transaction-link-id": [
        ("POST /listRecurringDetails", "response-optional-property-added"),
    ],
    "adyen-transfer-webhooks-timestamps-added": [
        ("webhook balancePlatform.transfer.created: POST", "response-optional-property-added"),
        ("webhook balancePlatform.transfer.created: POST", "response-property-deprecated"),
    ],
    "museum-webhook-added": [("webhook publishNewEvent: POST", "webhook-added")],
    "train-bookings-page-param": [("GET /bookings", "new-optional-request-parameter")],
    "twilio-lookups-partner-sub-id": [
        ("GET /v2/PhoneNumbers/{PhoneNumber}", "new-optional-request-parameter"),
    ],
    "twilio-messaging-typing-indicator": [("POST /v3/Indicators/Typing.json", "endpoint-added")],
    # No operation uses the renamed schemas: the report is empty.
    "twilio-messaging-unused-schema-renamed": [],
    "xero-assets-depreciation-props-added": [
        ("GET /Assets/{id}", "response-optional-property-added"),
        ("POST /Assets", "new-optional-request-property"),
    ],
    "xero-files-association-props-restored": [
        ("GET /Associations/{ObjectId}", "response-optional-property-added"),
    ],
    "xero-files-direction-param": [
        ("GET /Associations/{ObjectId}", "new-optional-request-parameter"),
    ],
    "xero-projects-estimate-to-number": [
        ("POST /Projects/{projectId}/Tasks", "request-property-type-generalized"),
    ],
    "xero-projects-minutes-integer-response": [
        ("GET /Projects/{projectId}/Tasks/{taskId}", "response-property-type-specialized"),
    ],
    "xero-projects-task-201-body": [("POST /Projects/{projectId}/Tasks", "response-body-added")],
    "xero-projects-task-operations-added": [
        ("POST /Projects/{projectId}/Tasks", "endpoint-added"),
        ("PUT /Projects/{projectId}/Tasks/{taskId}", "endpoint-added"),
        ("DELETE /Projects/{projectId}/Tasks/{taskId}", "endpoint-added"),
    ],
    "xero-webhooks-credit-notes-added": [("webhook creditNotes: POST", "webhook-added")],
    "handmade-allof-wrap-response-ref": [("GET /things/{id}", "response-optional-property-added")],
    "handmade-webhook-removed": [("webhook thingDeleted: POST", "webhook-removed")],
}

# Where a reason names a property, the report names it too (operation, words in the message).
MESSAGES: dict[str, list[tuple[str, str]]] = {
    "train-cvc-integer-to-string": [
        (
            "POST /bookings/{bookingId}/payment",
            "`source.cvc` (request body): type changed from integer to string",
        ),
    ],
    "twilio-oauth-expires-in-integer": [
        ("POST /v1/token", "`expires_in` (201 response body): type changed from string to integer"),
    ],
    "xero-files-sort-enum-renamed": [
        (
            "GET /Associations/{ObjectId}",
            'query parameter `sort`: enum value "CreatedDateUTC" removed',
        ),
    ],
    "xero-webhooks-credit-note-data-removed": [
        ("webhook creditNotes: POST", "optional payload property `data` removed"),
    ],
    "handmade-allof-wrap-response-ref": [
        ("GET /things/{id}", "new optional response property `revision` (200 response body)"),
    ],
}


def _run(pair: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    folder = DIFF / pair["name"]
    result = CliRunner().invoke(
        diff_command,
        [str(folder / pair["old"]), str(folder / pair["new"]), "--format", "json",
         "--contracts", str(folder / "no-contracts")],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.output)


def _where(change: dict[str, Any]) -> str:
    op = change["operation"]
    if op is None:
        return str(change["component"])
    oid = f" ({op['operationId']})" if op["operationId"] else ""
    if op.get("kind") == "webhook":
        return f"webhook {op['path']}: {op['method']}{oid}"
    return f"{op['method']} {op['path']}{oid}"


def _at(change: dict[str, Any], where: str) -> bool:
    """Whether ``change`` was seen through ``where`` (an operation, its operationId aside)."""
    found = _where(change)
    return found == where or found.startswith(where + " (")


def test_every_pair_has_its_deciding_changes_listed() -> None:
    assert sorted(DECIDING) == sorted(p["name"] for p in PAIRS)
    assert len(PAIRS) >= 22


@pytest.mark.parametrize("pair", PAIRS, ids=[p["name"] for p in PAIRS])
def test_pair_verdict_equals_its_label(pair: dict[str, Any]) -> None:
    code, report = _run(pair)
    breaking = [c for c in report["changes"] if c["level"] == "breaking"]
    shown = "\n".join(f"{c['rule']} {_where(c)}: {c['message']}" for c in report["changes"])
    assert bool(breaking) is pair["breaking"], shown
    expected = 1 if pair["breaking"] and not report["majorVersionBumped"] else 0
    assert code == expected, shown
    pool = breaking if pair["breaking"] else report["changes"]
    for where, rule in DECIDING[pair["name"]]:
        assert any(c["rule"] == rule and _at(c, where) for c in pool), (
            f"{rule} at {where} not reported:\n{shown}"
        )
    if not DECIDING[pair["name"]]:
        assert report["changes"] == [], shown
    for where, words in MESSAGES.get(pair["name"], []):
        assert any(_at(c, where) and words in c["message"] for c in pool), (
            f"{where}: {words!r} not reported:\n{shown}"
        )


def test_a_document_against_itself_has_no_changes() -> None:
    pair = next(p for p in PAIRS if p["name"] == "train-split-into-files")
    same = {**pair, "old": pair["new"]}
    code, report = _run(same)
    assert (code, report["changes"]) == (0, [])
