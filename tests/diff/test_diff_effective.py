"""What a schema means, not how it is written: `allOf` merged, a `$ref` and its inlined form,
a `oneOf` of consts as an enum, numeric formats as ranges, OpenAPI 3.0 read as 3.1; webhooks
and callbacks judged in the direction their data flows."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from synth._upgrade import upgrade_30
from synth.diff import Change, diff_documents
from synth.diff.cli import diff_command

Doc = dict[str, Any]

THING = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {"id": {"type": "string"}, "name": {"type": "string", "maxLength": 50}},
}


def _doc(schema: Any, *, request: Any = None, extra: Doc | None = None) -> Doc:
    op: Doc = {
        "operationId": "getThing",
        "responses": {"200": {"description": "ok",
                              "content": {"application/json": {"schema": schema}}}},
    }  # fmt: skip
    if request is not None:
        op["requestBody"] = {"required": True,
                             "content": {"application/json": {"schema": request}}}  # fmt: skip
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/things": {"post": op}},
        "components": {"schemas": {"Thing": copy.deepcopy(THING), **(extra or {})}},
    }


REF = {"$ref": "#/components/schemas/Thing"}


def _changes(old: Doc, new: Doc) -> list[Change]:
    return [c for c in diff_documents(old, new) if c.rule != "api-schema-added"]


def _rules(old: Doc, new: Doc) -> set[str]:
    return {c.rule for c in _changes(old, new)}


def test_a_ref_and_its_inlined_form_are_equal_both_ways() -> None:
    assert _changes(_doc(REF), _doc(copy.deepcopy(THING))) == []
    assert _changes(_doc(copy.deepcopy(THING)), _doc(REF)) == []


def test_an_allof_wrap_with_one_more_object_is_the_property_it_adds() -> None:
    wrapped = {"allOf": [REF, {"type": "object", "properties": {"rev": {"type": "integer"}}}]}
    (change,) = _changes(_doc(REF), _doc(wrapped))
    assert change.rule == "response-optional-property-added"
    assert "`rev`" in change.message
    assert change.location.endswith("/allOf/1/properties/rev")
    # the way back removes it
    assert _rules(_doc(wrapped), _doc(REF)) == {"response-optional-property-removed"}


def test_allof_members_merge_required_and_bounds() -> None:
    split: Doc = {"allOf": [
        {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
        {"required": ["name"], "properties": {"name": {"type": "string"}}},
        {"properties": {"name": {"maxLength": 50}}},
    ]}  # fmt: skip
    assert _changes(_doc(REF), _doc(split)) == []
    looser = copy.deepcopy(split)
    looser["allOf"][2]["properties"]["name"]["maxLength"] = 80
    (change,) = _changes(_doc(REF), _doc(looser))
    assert change.rule == "response-property-max-length-increased"
    assert "`name`" in change.message


def test_one_union_inside_allof_is_distributed() -> None:
    base = {"type": "object", "properties": {"id": {"type": "string"}}}
    old: Doc = {"allOf": [base, {"oneOf": [
        {"properties": {"kind": {"const": "a"}}}, {"properties": {"kind": {"const": "b"}}}]}]}  # fmt: skip
    new = copy.deepcopy(old)
    new["allOf"][0]["properties"]["id"] = {"type": "integer"}
    rules = _rules(_doc(old), _doc(new))
    assert rules == {"response-property-type-changed"}


def test_a_oneof_of_consts_is_an_enum() -> None:
    def status(*values: str) -> Doc:
        return {"type": "string", "oneOf": [{"const": v, "description": v} for v in values]}

    (change,) = _changes(_doc(status("on", "off")), _doc(status("on", "off", "gone")))
    assert change.rule == "response-body-enum-value-added"
    assert '"gone"' in change.message


def test_numeric_formats_are_ranges() -> None:
    def number(**schema: Any) -> Doc:
        return _doc(None, request={"type": "object", "properties": {"n": schema}})

    assert _rules(number(type="number"), number(type="number", format="double")) == set()
    assert _rules(number(type="integer", format="int32"), number(type="integer",
                  format="int64")) == {"request-property-format-widened"}  # fmt: skip
    assert _rules(number(type="integer"), number(type="number", format="double")) == {
        "request-property-type-generalized"
    }
    assert _rules(number(type="integer"), number(type="string", format="date")) == {
        "request-property-type-changed"
    }


def test_openapi_30_nullable_equals_a_31_type_array() -> None:
    old = _doc({"type": "object", "properties": {"note": {"type": "string", "nullable": True}}})
    old["openapi"] = "3.0.3"
    new = _doc({"type": "object", "properties": {"note": {"type": ["string", "null"]}}})
    assert _changes(upgrade_30(old), new) == []


def _hooks(payload: Any, **extra: Any) -> Doc:
    doc = _doc(REF)
    doc["webhooks"] = {"thingMade": {"post": {
        "operationId": "onThingMade",
        "requestBody": {"content": {"application/json": {"schema": payload}}},
        "responses": {"204": {"description": "received"}},
        **extra,
    }}}  # fmt: skip
    return doc


def test_a_webhook_payload_is_judged_as_a_response() -> None:
    status = {"type": "object", "properties": {"s": {"enum": ["a", "b"]}}}
    wider = {"type": "object", "properties": {"s": {"enum": ["a", "b", "c"]}}}
    (change,) = _changes(_hooks(status), _hooks(wider))
    assert change.rule == "response-property-enum-value-added"
    assert change.breaking
    assert str(change.operation) == "webhook thingMade: POST (onThingMade)"
    assert "payload property `s`" in change.message
    # narrowing what the server sends is safe
    (change,) = _changes(_hooks(wider), _hooks(status))
    assert (change.rule, change.breaking) == ("response-property-enum-value-removed", False)


def test_webhooks_removed_and_added() -> None:
    with_hook, without = _hooks(REF), _doc(REF)
    (change,) = _changes(with_hook, without)
    assert (change.rule, change.breaking) == ("webhook-removed", True)
    assert change.location == "/webhooks/thingMade/post"
    (change,) = _changes(without, with_hook)
    assert (change.rule, change.breaking) == ("webhook-added", False)


def _callback(payload: Any) -> Doc:
    doc = _doc(REF)
    doc["paths"]["/things"]["post"]["callbacks"] = {"onDone": {"{$request.body#/url}": {"post": {
        "requestBody": {"content": {"application/json": {"schema": payload}}},
        "responses": {"200": {"description": "ok"}},
    }}}}  # fmt: skip
    return doc


def test_callbacks_are_compared_both_ways() -> None:
    old = _callback(
        {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
    )
    new = _callback({"type": "object", "properties": {"id": {"type": "string"}}})
    (change,) = _changes(old, new)
    assert (change.rule, change.breaking) == ("response-property-became-optional", True)
    assert "callback onDone {$request.body#/url}: POST" in str(change.operation)
    (change,) = _changes(old, _doc(REF))
    assert (change.rule, change.breaking) == ("callback-removed", True)
    (change,) = _changes(_doc(REF), old)
    assert (change.rule, change.breaking) == ("callback-added", False)


def test_a_multi_file_document_equals_its_bundled_form(tmp_path: Path) -> None:
    from click.testing import CliRunner

    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "thing.yaml").write_text(yaml.safe_dump(THING), encoding="utf-8")
    split = _doc({"$ref": "./schemas/thing.yaml"})
    del split["components"]
    (tmp_path / "split.yaml").write_text(yaml.safe_dump(split), encoding="utf-8")
    (tmp_path / "one.yaml").write_text(yaml.safe_dump(_doc(REF)), encoding="utf-8")
    for args in (("split.yaml", "one.yaml"), ("one.yaml", "split.yaml")):
        result = CliRunner().invoke(
            diff_command, [*(str(tmp_path / a) for a in args), "--contracts", str(tmp_path / "c")]
        )
        assert result.exit_code == 0, result.output
        assert "0 breaking" in result.output


def test_one_property_merged_with_different_members_is_compared_in_each() -> None:
    def doc(a_max: int, b_max: int) -> Doc:
        base = {"type": "object", "properties": {"name": {"type": "string"}}}
        extra = {
            "Base": base,
            "A": {"allOf": [{"$ref": "#/components/schemas/Base"},
                            {"properties": {"name": {"maxLength": a_max}}}]},
            "B": {"allOf": [{"$ref": "#/components/schemas/Base"},
                            {"properties": {"name": {"maxLength": b_max}}}]},
        }  # fmt: skip
        body = {"type": "object", "properties": {
            "a": {"$ref": "#/components/schemas/A"}, "b": {"$ref": "#/components/schemas/B"}}}  # fmt: skip
        return _doc(body, extra=extra)

    changes = _changes(doc(5, 9), doc(6, 20))
    assert {c.rule for c in changes} == {"response-property-max-length-increased"}
    assert sorted(c.message.split("`")[1] for c in changes) == ["a.name", "b.name"]


def _synths(doc: Doc, *, taxonomy: bool, scoped: bool | None) -> Doc:
    """``doc`` with what synth writes beside the schemas: its taxonomy and an operation's
    tenant scoping, and a problem answer naming its code."""
    doc = copy.deepcopy(doc)
    op = doc["paths"]["/things"]["post"]
    op["x-synth-semantics"] = {} if scoped is None else {"tenantScoped": scoped}
    if taxonomy:
        doc["x-synth-errors"] = [{"code": "not_found", "status": 404, "type": "about:blank",
                                  "title": "Not found", "description": "none"}]  # fmt: skip
        op["responses"]["404"] = {"description": "Not found", "content": {
            "application/problem+json": {"schema": {"type": "object"}, "examples": {
                "not_found": {"value": {"code": "not_found", "status": 404}}}}}}  # fmt: skip
    return doc


def test_a_document_without_synths_claims_neither_keeps_nor_breaks_them() -> None:
    # A document synth did not write states no taxonomy and no tenant scoping: neither is
    # added or removed by comparing with one that does; the answer itself still is.
    plain, claimed = (
        _synths(_doc(REF), taxonomy=False, scoped=None),
        _synths(_doc(REF), taxonomy=True, scoped=False),
    )
    assert _rules(plain, claimed) == {"response-non-success-status-added"}
    assert _rules(claimed, plain) == {"response-non-success-status-removed"}
    # Where both state them, they are compared.
    scoped = _synths(_doc(REF), taxonomy=True, scoped=True)
    assert _rules(scoped, claimed) == {"tenant-scoping-changed"}
    fewer = copy.deepcopy(claimed)
    fewer["x-synth-errors"] = []
    assert "error-code-removed" in _rules(claimed, fewer)


def test_a_parameters_style_is_compared_with_openapis_defaults() -> None:
    def listing(**style: Any) -> Doc:
        doc = _doc(REF)
        param = {"name": "tag", "in": "query", "schema": {"type": "array"}, **style}
        doc["paths"]["/things"]["post"]["parameters"] = [param]
        return doc

    # Left out, a query parameter is `form` and explodes: saying so changes nothing.
    assert _changes(listing(), listing(style="form", explode=True)) == []
    assert _changes(listing(style="form", explode=True), listing()) == []
    assert _rules(listing(), listing(explode=False)) == {"request-parameter-style-changed"}
    assert _rules(listing(), listing(style="pipeDelimited")) == {"request-parameter-style-changed"}


def test_semantics_are_compared_only_between_documents_that_state_them() -> None:
    paged = _doc(REF)
    paged["paths"]["/things"]["post"]["x-synth-semantics"] = {"idempotency": {
        "header": "Idempotency-Key", "required": True}}  # fmt: skip
    # A document that states no semantics anywhere promises none: nothing added or removed.
    assert _changes(_doc(REF), paged) == []
    assert _changes(paged, _doc(REF)) == []
    # One that states them elsewhere does: an operation gaining a required key breaks clients.
    other = copy.deepcopy(paged)
    other["paths"]["/others"] = {"get": {"responses": {"200": {"description": "ok"}},
                                         "x-synth-semantics": {"tenantScoped": True}}}  # fmt: skip
    stated = copy.deepcopy(other)
    del stated["paths"]["/things"]["post"]["x-synth-semantics"]
    assert _rules(stated, other) == {"idempotency-key-became-required"}


def test_a_bound_on_a_type_it_does_not_apply_to_is_no_bound() -> None:
    def thing(**uuid: Any) -> Doc:
        schema: Doc = copy.deepcopy(dict(THING))
        schema["properties"] = {
            **schema["properties"],
            "id": {"type": "string", "format": "uuid", **uuid},
        }
        return _doc(schema)

    # `minimum` on a string constrains nothing (JSON Schema ignores it there).
    assert _changes(thing(minimum=1), thing()) == []
    assert _changes(thing(), thing(minimum=1)) == []
    assert _rules(thing(), thing(maxLength=36)) == {"response-property-max-length-set"}
