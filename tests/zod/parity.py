"""The differential parity harness: pydantic (JSON mode) versus the emitted Zod, in node.

For each model, Hypothesis draws JSON values from the model's own JSON Schema (valid ones)
and near misses mutated from them (boundary lengths and values, wrong types, missing and
extra keys, bad formats, unicode, nulls). Pydantic judges each text with
``model_validate_json``; the Zod module, loaded once into one node process, judges the same
texts in batches. A disagreement fails the run unless a documented deviation
(``synth/zod/DEVIATIONS.md``, ``DEVIATIONS`` below) explains it.

Hand-written generation: hypothesis-jsonschema does not work with current Hypothesis, and
schemathesis's strategies are internal to it; the subset pydantic emits is small.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

# Strings that probe format checks: valid edges and near misses, for every format pydantic emits.
TRICKY_STRINGS = [
    "", " ", "a", "\u00e9", "\U0001d7d8", "e\u0301", "\u0000", "\n", "abc\n", "ab", "abcd",
    "2024-01-01T00:00:00Z", "2024-01-01T00:00:00+05:30", "2024-01-01t00:00:00z",
    "2024-01-01T00:00:00", "2024-01-01 00:00:00Z", "2024-02-29T23:59:59.123456789-23:59",
    "2023-02-29T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T23:59:60Z", "0000-01-01T00:00:00Z",
    "2024-01-01T00:00:00+24:00", "1700000000", "2024-01-01", "2024-1-1", "2024-13-01", "20240101",
    "12:30", "12:30:59", "12:30:59.5Z", "12:30:59+01:00", "24:00", "12:60",
    "1b4e28ba-2fa1-11d2-883f-0016d3cca427", "1B4E28BA-2FA1-11D2-883F-0016D3CCA427",
    "1b4e28ba2fa111d2883f0016d3cca427", "{1b4e28ba-2fa1-11d2-883f-0016d3cca427}",
    "00000000-0000-0000-0000-000000000000", "1b4e28ba-2fa1-11d2-883f-0016d3cca42",
    "a@example.com", "a.b+c@example.co.uk", "a@b", "@example.com", "a@@example.com",
    "a..b@example.com", "a@example..com", "a@-example.com", "Jo <jo@example.com>",
    "\u00fc@example.com", "a@\u00fcber.de", "a@example.com ", " a@example.com",
    "192.168.0.1", "255.255.255.255", "256.0.0.1", "01.2.3.4", "1.2.3", "::1", "::", "1::",
    "2001:db8::1", "2001:db8:0:0:0:0:2:1", "::ffff:192.168.0.1", "fe80::1%eth0", "1:2:3:4:5:6:7:8:9",
    "k1", "k", "k12345", "abc", "abd", "ABC", "aXc", "a\nc", "a\rc", "a\u2028c", "12", "1234",
    "12345", "\u0661\u0662", "\uff11\uff12", "word_1", "w\u00f6rd", "word-1", "+12345678",
    "+1234567890123456", "+0123456", "fast", "slow", "red", "cat", "dog", "num", "add",
]  # fmt: skip
WRONG_TYPES: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    -1,
    1.5,
    1.0,
    "x",
    "5",
    "true",
    [],
    {},
    [1],
    {"a": 1},
]
NUMBERS: list[Any] = [0, 1, -1, 2, 3, 5, 6, 9, 10, -5, -6, 100, 101, 0.1, 0.3, 0.30000000000000004,
                      0.7, 99.9, 100.0, 1.0, 2.0, 1e-9, 0.5, 0.999999, 2**53, 2**53 + 1, 2**63, 10**30, -(2**70),
                      1e300, 42, 42.0]  # fmt: skip
EXTRA_KEYS = ["extra", "constructor", "toString", "class", "class_", "kind", "op", "__proto__x"]


def resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while isinstance(schema, dict) and "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = {**root["$defs"][name], **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def values_for(schema: Any, root: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values that the JSON Schema (pydantic's subset) accepts, mostly."""
    if (
        schema is True
        or schema == {}
        or (isinstance(schema, dict) and set(schema) <= {"title", "default", "description"})
    ):
        return st.sampled_from(WRONG_TYPES)
    schema = resolve(schema, root)
    if "anyOf" in schema or "oneOf" in schema:
        options = schema.get("anyOf") or schema.get("oneOf")
        if depth > 6:
            options = options[:1]  # recursive schemas: pydantic lists the leaf variant first
        return st.one_of([values_for(o, root, depth + 1) for o in options])
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    generator = _BY_TYPE.get(kind) if isinstance(kind, str) else None
    if generator is None and "properties" in schema:
        generator = _objects
    if generator is None:
        raise NotImplementedError(f"no generator for {schema!r}")
    return generator(schema, root, depth)


def _integers(schema: dict[str, Any], root: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
    lo = schema.get(
        "minimum",
        schema.get("exclusiveMinimum", -(2**64) - 1) + (1 if "exclusiveMinimum" in schema else 0),
    )
    hi = schema.get(
        "maximum",
        schema.get("exclusiveMaximum", 2**64 + 1) - (1 if "exclusiveMaximum" in schema else 0),
    )
    step = schema.get("multipleOf", 1)
    return st.integers(math.ceil(lo / step), math.floor(hi / step)).map(lambda n: n * step)


def _numbers(schema: dict[str, Any], root: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
    if "multipleOf" in schema:
        step = schema["multipleOf"]
        lo, hi = schema.get("minimum", -1000), schema.get("maximum", 1000)
        return st.integers(math.ceil(lo / step), math.floor(hi / step)).map(lambda n: n * step)
    lo, hi = (
        schema.get("minimum", schema.get("exclusiveMinimum")),
        schema.get("maximum", schema.get("exclusiveMaximum")),
    )
    return st.one_of(
        st.floats(lo, hi, allow_nan=False, allow_infinity=False,
                  exclude_min="exclusiveMinimum" in schema, exclude_max="exclusiveMaximum" in schema),
        st.integers(-(10**6), 10**6).filter(lambda n: (lo is None or n > lo) and (hi is None or n < hi)),
    )  # fmt: skip


def _arrays(schema: dict[str, Any], root: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
    if "prefixItems" in schema:
        return st.tuples(*[values_for(p, root, depth + 1) for p in schema["prefixItems"]]).map(list)
    items = values_for(schema.get("items", True), root, depth + 1)
    hi = 0 if depth > 4 else min(schema.get("maxItems", 4), 4)
    lists = st.lists(
        items, min_size=schema.get("minItems", 0), max_size=max(hi, schema.get("minItems", 0))
    )
    if schema.get("uniqueItems"):
        lists = st.lists(
            items,
            min_size=schema.get("minItems", 0),
            max_size=hi,
            unique_by=lambda v: json.dumps(v, sort_keys=True),
        )
    return lists


def _objects(schema: dict[str, Any], root: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
    props = schema.get("properties", {})
    required = set(schema.get("required", []))
    fixed = {k: values_for(v, root, depth + 1) for k, v in props.items() if k in required}
    optional = {
        k: values_for(v, root, depth + 1)
        for k, v in props.items()
        if k not in required and depth < 4
    }
    base = st.fixed_dictionaries(fixed, optional=optional)
    if not props:
        value_schema = schema.get("additionalProperties", True)
        if "patternProperties" in schema:
            pattern, value_schema = next(iter(schema["patternProperties"].items()))
            keys: st.SearchStrategy[str] = st.from_regex(pattern, fullmatch=True)
        else:
            keys = st.text(max_size=4)
        return st.dictionaries(keys, values_for(value_schema, root, depth + 1), max_size=3)
    return base


def _strings(schema: dict[str, Any]) -> st.SearchStrategy[str]:
    lo, hi = schema.get("minLength", 0), schema.get("maxLength")
    if "pattern" in schema:
        pattern = schema["pattern"].replace("\\z", "\\Z")
        base = st.from_regex(pattern, fullmatch=True)
    elif "format" in schema:
        base = st.sampled_from(_FORMAT_SAMPLES.get(schema["format"], ["x"]))
    else:
        base = st.text(min_size=lo, max_size=hi if hi is not None else 8)
    # Mostly well-formed; the tricky ones mostly come from the mutations.
    tricky = st.sampled_from(TRICKY_STRINGS)
    return st.integers(0, 9).flatmap(lambda i: tricky if i == 0 else base)


_FORMAT_SAMPLES = {
    "uuid": ["1b4e28ba-2fa1-11d2-883f-0016d3cca427", "00000000-0000-0000-0000-000000000000", "ABCDEFAB-1234-5678-9abc-def012345678"],
    "date-time": ["2024-01-01T00:00:00Z", "1999-12-31T23:59:59.999+14:00", "2024-02-29t12:00:00-00:00"],
    "date": ["2024-01-01", "2000-02-29", "0001-01-01", "9999-12-31"],
    "time": ["00:00", "23:59:59", "12:00:00.123456Z", "08:15:00+02:00"],
    "email": ["a@example.com", "first.last+tag@sub.example.org", "x_y@example.io"],
    "ipv4": ["0.0.0.0", "10.1.2.3", "255.255.255.255"],
    "ipv6": ["::1", "2001:db8::8a2e:370:7334", "::ffff:10.0.0.1", "1:2:3:4:5:6:7:8"],
}  # fmt: skip


# A generator per JSON Schema type; an untyped schema with properties is an object too.
_BY_TYPE: dict[str, Callable[[dict[str, Any], dict[str, Any], int], st.SearchStrategy[Any]]] = {
    "null": lambda schema, root, depth: st.none(),
    "boolean": lambda schema, root, depth: st.booleans(),
    "integer": _integers,
    "number": _numbers,
    "string": lambda schema, root, depth: _strings(schema),
    "array": _arrays,
    "object": _objects,
}


@st.composite
def near_misses(draw: st.DrawFn, valid: st.SearchStrategy[Any]) -> Any:
    """A valid value with one mutation somewhere in it."""
    value = draw(valid)
    return _mutate(draw, value)


def _mutate(draw: st.DrawFn, value: Any) -> Any:
    if isinstance(value, dict) and value and draw(st.booleans()):
        return _mutate_dict(draw, value)
    if isinstance(value, list) and value and draw(st.booleans()):
        return _mutate_list(draw, value)
    if isinstance(value, str):
        return draw(st.one_of(
            st.sampled_from(TRICKY_STRINGS),
            st.just(value + "x"), st.just(value[:-1]), st.just(value * 2),
            st.just(value.upper()), st.just(value + "\n"), st.sampled_from(WRONG_TYPES),
            st.text(max_size=6),
        ))  # fmt: skip
    if isinstance(value, bool):
        return draw(st.sampled_from(WRONG_TYPES))
    if isinstance(value, int | float):
        return draw(st.one_of(
            st.sampled_from(NUMBERS), st.just(value + 1), st.just(value - 1), st.just(float(value)),
            st.just(-value), st.sampled_from(WRONG_TYPES), st.just(value + 0.5),
        ))  # fmt: skip
    return draw(st.sampled_from([*WRONG_TYPES, "x", [value], {"value": value}]))


def _mutate_dict(draw: st.DrawFn, value: dict[str, Any]) -> dict[str, Any]:
    key = draw(st.sampled_from(sorted(value)))
    action = draw(st.sampled_from(["descend", "drop", "extra", "null"]))
    copy = dict(value)
    if action == "descend":
        copy[key] = _mutate(draw, value[key])
    elif action == "drop":
        del copy[key]
    elif action == "extra":
        copy[draw(st.sampled_from(EXTRA_KEYS))] = draw(st.sampled_from(WRONG_TYPES))
    else:
        copy[key] = None
    return copy


def _mutate_list(draw: st.DrawFn, value: list[Any]) -> list[Any]:
    i = draw(st.integers(0, len(value) - 1))
    action = draw(st.sampled_from(["descend", "duplicate", "drop", "append"]))
    items = list(value)
    if action == "descend":
        items[i] = _mutate(draw, value[i])
    elif action == "duplicate":
        items.append(value[i])
    elif action == "drop":
        del items[i]
    else:
        items.append(draw(st.sampled_from(WRONG_TYPES)))
    return items


# -- deviations ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Verdict:
    """What one validator said about one text."""

    valid: bool
    details: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Deviation:
    """A documented, tested disagreement: ``explains`` recognises it."""

    name: str
    reason: str
    explains: Callable[[type[BaseModel], Any, Verdict, Verdict], bool]


def _as_javascript_sees_it(value: Any) -> Any:
    """The value after a round trip through a double, written back as pydantic would read it."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(float(value)) if abs(value) < 2**1023 else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_as_javascript_sees_it(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_javascript_sees_it(v) for k, v in value.items()}
    return value


def pydantic_verdict(model: type[BaseModel], text: str) -> Verdict:
    try:
        model.model_validate_json(text)
    except ValidationError as error:
        return Verdict(
            False, [dict(e) for e in error.errors(include_url=False, include_input=False)]
        )
    return Verdict(True)


def _js_number(model: type[BaseModel], value: Any, py: Verdict, zod: Verdict) -> bool:
    """JSON.parse reads every number as a double: 1.0 becomes 1, 1e300 an integer-valued
    double, and integers past 2^53 are rounded. Explained when pydantic, given the numbers
    as JavaScript sees them, agrees with Zod."""
    again = pydantic_verdict(model, json.dumps(_as_javascript_sees_it(value)))
    return again.valid == zod.valid


def _zod_format(name: str) -> Callable[[type[BaseModel], Any, Verdict, Verdict], bool]:
    def explains(model: type[BaseModel], value: Any, py: Verdict, zod: Verdict) -> bool:
        if py.valid and not zod.valid:
            return all(d.get("message") == f"synth:format:{name}" for d in zod.details)
        return False

    return explains


def _pydantic_email(model: type[BaseModel], value: Any, py: Verdict, zod: Verdict) -> bool:
    if zod.valid and not py.valid:
        return all(d["type"] == "value_error" and "email" in d["msg"].lower() for d in py.details)
    return _zod_format("email")(model, value, py, zod)


DEVIATIONS = [
    Deviation(
        "js-number",
        "JSON.parse reads numbers as doubles: 1.0 and 1 are the same, integers past 2^53 are "
        "rounded; strict pydantic rejects a float literal for an int and keeps big ints exact",
        _js_number,
    ),
    Deviation(
        "email-approximate",
        "pydantic's EmailStr runs email-validator (IDNA, special-use domains, quoted local "
        "parts); the Zod check is a syntactic approximation of it",
        _pydantic_email,
    ),
]


def explain(model: type[BaseModel], value: Any, py: Verdict, zod: Verdict) -> str | None:
    for deviation in DEVIATIONS:
        if deviation.explains(model, value, py, zod):
            return deviation.name
    return None
