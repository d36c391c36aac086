"""Each operation's declared ``Example``s, validated against its models as ``ExampleSpec``s.

An example the models refuse would teach readers, SDK users and ``synth test`` something the
server is told to refuse: it is a contract mistake, reported at the ``Example(...)`` line.
"""

from __future__ import annotations

import json
import types
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ..contract import Example
from ..spec import ExampleSpec, ParamSpec, example_key
from ._common import Op
from ._problems import Problems

__all__ = ["examples"]


def _refusal(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "(the value)"
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{where}: {first['msg']}{more}"


def _check(adapter: TypeAdapter[Any], value: Any) -> str | None:
    """Why the model refuses ``value`` as a JSON document, or None when it accepts it."""
    try:
        text = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        return f"not a JSON value ({exc})"
    try:
        adapter.validate_json(text)
    except ValidationError as exc:
        return _refusal(exc)
    return None


def examples(op: Op, params: tuple[ParamSpec, ...], problems: Problems) -> tuple[ExampleSpec, ...]:
    """The operation's examples that its models accept; each refusal a located problem."""
    d = op.decl
    out: list[ExampleSpec] = []
    seen: set[str] = set()
    by_name = {p.python_name: p for p in params if p.python_name}
    for example in d.examples:
        if not isinstance(example, Example):
            problems.add(d.location, f"{d.name}: examples=[...] holds {example!r}, not an "
                         "Example", 'write examples=[Example("a summary", body={...})]')  # fmt: skip
            continue
        found: list[tuple[str, str]] = []
        if not isinstance(example.summary, str) or not example.summary.strip():
            found.append(("the summary is empty", 'name it: Example("a small contact", ...)'))
        elif (key := example_key(example.summary)) in seen:
            found.append((f"another example's summary has the same key {key!r}",
                          "give each example a summary of its own"))  # fmt: skip
        else:
            seen.add(key)
        found += _bodies(op, example)
        values, wrong = _params(example, by_name)
        found += wrong
        for what, fix in found:
            problems.add(example.location, f"{d.name}: example {example.summary!r}: {what}", fix)
        if not found:
            out.append(ExampleSpec(example.summary, types.MappingProxyType(values), example.body,
                                   example.response, example.location))  # fmt: skip
    return tuple(out)


def _bodies(op: Op, example: Example) -> list[tuple[str, str]]:
    """What is wrong with the example's body and response: (what, how to fix) each."""
    out: list[tuple[str, str]] = []
    if op.body is None and example.body is not None:
        out.append(("gives a body, but the operation takes none", "leave body= out"))
    elif op.body is not None and example.body is None:
        out.append((f"gives no body, but the operation takes a {op.body.__name__}",
                    f"give body={{...}}, a {op.body.__name__} as JSON"))  # fmt: skip
    elif op.body is not None and (why := _check(TypeAdapter(op.body), example.body)):
        out.append((f"{op.body.__name__} refuses its body: {why}",
                    "correct the example (or the model): an example is a request the server "
                    "accepts"))  # fmt: skip
    if op.response is None and example.response is not None:
        out.append(("gives a response, but the operation answers no body", "leave response= out"))
    elif op.response is not None and example.response is not None:
        why = _check(TypeAdapter(op.response), example.response)
        if why:
            out.append((f"{op.response.__name__} refuses its response: {why}",
                        "correct the example's response (or the model)"))  # fmt: skip
    return out


def _params(
    example: Example, by_name: dict[str, ParamSpec]
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The example's parameter values by their wire names, and what is wrong with them."""
    values: dict[str, Any] = {}
    out: list[tuple[str, str]] = []
    for key, value in dict(example.params).items():
        param = by_name.get(key)
        if param is None:
            out.append((f"params names {key!r}, which is no parameter of the operation",
                        "use the parameters' Python names: " + (", ".join(sorted(by_name))
                                                                 or "(it has none)")))  # fmt: skip
        elif param.location == "path":
            out.append((f"params gives the path parameter {key!r}",
                        "leave path parameters out: synth test fills them with items that exist"))  # fmt: skip
        elif why := _check(TypeAdapter(param.annotation), value):
            out.append((f"parameter {key!r} refuses {value!r}: {why}",
                        "give a value the parameter's type accepts"))  # fmt: skip
        else:
            values[param.name] = value
    return values, out
