"""TypeScript client → ``sdk/typescript/``, on the generated Zod contracts (``zod/``).

Why on our Zod rather than openapi-fetch with openapi-typescript: those give compile-time
types only, so a response that breaks the contract flows on unchecked, and they know nothing
of idempotency keys, cursors or the error taxonomy. The Zod contracts already carry the exact
runtime rules (strict objects, formats, ECMA-262 patterns with parity to Pydantic proven by
their tests), so the client checks bodies and parses responses with the same schemas a
Next.js route handler uses, and adds no dependency beyond zod.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .._provenance import PROVENANCE
from .._template import render
from ..spec import ApiSpec, OperationSpec, ParamSpec
from ._sdk import typescript_templates as T
from ._sdk.naming import camel, iterator_name, pascal

__all__ = ["ZOD_DIR", "emit"]

ZOD_DIR = "../../zod"
"""Where ``zod/`` is, seen from ``sdk/typescript/`` (both under ``generated/``)."""

_RESERVED = {"ApiError", "SdkError", "NotModified", "UnexpectedResponse", "InvalidBody", "Client"}


def emit(spec: ApiSpec) -> dict[str, str]:
    """``{"sdk/typescript/client.ts": text, "sdk/typescript/index.ts": text}``."""
    names = _error_names(spec)
    classes = "\n\n".join(
        render(
            T.ERROR_CLASS,
            name=names[e.code],
            code=e.code,
            code_literal=_str(e.code),
            status=e.status,
            title=e.title.rstrip("."),
            retryable=str(e.retryable).lower(),
        )
        for e in spec.errors
    )
    # A line slot: the value brings its own line break.
    table = "".join(f"  {e.code}: {names[e.code]},\n" for e in spec.errors) or "\n"
    methods = "".join(
        _method(op) + (_iterator(op) if op.pagination else "") for op in spec.operations
    )
    client = render(
        T.CLIENT, provenance=PROVENANCE, title=spec.title, zod=ZOD_DIR, base_path=_str(spec.base_path),
        error_classes=classes, error_table=table, methods=methods,
        idempotency_header=_str(_idempotency_header(spec))[1:-1],  # inside the file's string
        auth_style=_str(spec.auth_style), auth_name=_str(spec.auth_name),
    )  # fmt: skip
    return {
        "sdk/typescript/client.ts": client,
        "sdk/typescript/index.ts": render(T.INDEX, provenance=PROVENANCE),
    }


def _error_names(spec: ApiSpec) -> dict[str, str]:
    names: dict[str, str] = {}
    for entry in spec.errors:
        name = pascal(entry.code)
        if name in _RESERVED or name in names.values():
            name = f"{name}Error"
        names[entry.code] = name
    return names


def _method(op: OperationSpec) -> str:
    params = [f"{_ident(p)}: {_ts_type(p.schema)}" for p in op.path_params]
    if op.body_schema is not None:
        params.append(f"body: Body<typeof schemas.{op.body_schema}>")
    options = _options(op, skip=())
    if options:
        params.append(f"options: {options} = {{}}")
    returns = f"schemas.{op.response_schema}" if op.response_schema else "void"
    path = op.path
    for p in op.path_params:
        path = path.replace("{" + p.name + "}", "${encodeURIComponent(" + _ident(p) + ")}")
    fields = [f"method: {_str(op.method.upper())}", f"path: `{path}`", f"status: {op.status}"]
    queries = [p for p in op.params if p.location == "query"]
    if queries:
        fields.append("query: { " + ", ".join(f"{_key(p.name)}: options.{_option(p)}"
                                              for p in queries) + " }")  # fmt: skip
    headers = [p for p in op.params if p.location == "header"]
    if headers:
        entries = []
        for p in headers:
            value = f"options.{_option(p)}"
            if op.idempotency is not None and p.name.lower() == op.idempotency.header.lower():
                value += " ?? newIdempotencyKey()"
            entries.append(f"{_str(p.name)}: {value}")
        fields.append("headers: { " + ", ".join(entries) + " }")
    if op.body_schema is not None:
        fields.append(f"body: checked(schemas.{op.body_schema}, body)")
    call = "{ " + ", ".join(fields) + " }"
    if op.response_schema is not None:
        send = f"return this.send({call}, schemas.{op.response_schema});"
    else:
        send = f"return this.sendEmpty({call});"
    return (
        f"\n{_doc(op)}  async {camel(op.name)}({', '.join(params)}): Promise<{returns}> {{\n"
        f"    {send}\n  }}\n"
    )


def _iterator(op: OperationSpec) -> str:
    assert op.pagination is not None
    p = op.pagination
    params = [f"{_ident(q)}: {_ts_type(q.schema)}" for q in op.path_params]
    options = _options(op, skip=(p.cursor_param,))
    params.append(f"options: {options} = {{}}")
    args = [_ident(q) for q in op.path_params] + [
        f"{{ ...options, {_key(p.cursor_param)}: cursor }}"
    ]
    return (
        f"\n  /** Every item of `{camel(op.name)}`, following `{p.next_field}` across pages. */\n"
        f"  async *{camel(iterator_name(op.name))}({', '.join(params)}): "
        f"AsyncGenerator<schemas.{p.item_schema}, void, undefined> {{\n"
        "    let cursor: string | undefined = undefined;\n"
        "    for (;;) {\n"
        f"      const page = await this.{camel(op.name)}({', '.join(args)});\n"
        f"      yield* page.{p.items_field};\n"
        f"      if (page.{p.next_field} === null) return;\n"
        f"      cursor = page.{p.next_field};\n"
        "    }\n"
        "  }\n"
    )


def _options(op: OperationSpec, skip: tuple[str, ...]) -> str:
    fields = []
    for p in op.params:
        if p.location == "path" or p.name in skip:
            continue
        generated = op.idempotency is not None and p.name.lower() == op.idempotency.header.lower()
        optional = "?" if not p.required or generated else ""
        fields.append(f"{_key(_option(p))}{optional}: {_ts_type(p.schema)}")
    return "{ " + "; ".join(fields) + " }" if fields else ""


def _option(p: ParamSpec) -> str:
    """Query parameters keep the API's name; headers become camelCase (``ifNoneMatch``)."""
    return p.name if p.location == "query" else camel(p.name)


def _ident(p: ParamSpec) -> str:
    return camel(p.name)


def _key(name: str) -> str:
    return name if name.isidentifier() else _str(name)


def _ts_type(schema: Mapping[str, Any]) -> str:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return f"schemas.{ref.rsplit('/', 1)[-1]}"
    if "anyOf" in schema:
        return " | ".join(dict.fromkeys(_ts_type(b) for b in schema["anyOf"]))
    kind = schema.get("type")
    if kind == "string" and "enum" in schema:
        return " | ".join(_str(v) for v in schema["enum"])
    if kind == "array":
        return f"Array<{_ts_type(schema.get('items') or {})}>"
    simple = {"string": "string", "integer": "number", "number": "number", "boolean": "boolean",
              "null": "null"}  # fmt: skip
    return simple.get(kind, "unknown") if isinstance(kind, str) else "unknown"


def _doc(op: OperationSpec) -> str:
    text = "\n\n".join(t.strip() for t in (op.summary, op.description) if t.strip())
    if not text:
        return ""
    lines = [line.strip() for line in text.replace("*/", "*\\/").splitlines()]
    if len(lines) == 1:
        return f"  /** {lines[0]} */\n"
    return "  /**\n" + "".join(f"   * {line}".rstrip() + "\n" for line in lines) + "   */\n"


def _idempotency_header(spec: ApiSpec) -> str:
    for op in spec.operations:
        if op.idempotency is not None:
            return op.idempotency.header
    return "Idempotency-Key"


def _str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)
