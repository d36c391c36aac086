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
    if any(op.pagination is not None and op.pagination.style == "link" for op in spec.operations):
        methods += T.LINKED
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
        params.append(f"options: {options}{_no_options(op, skip=())}")
    returns = f"schemas.{op.response_schema}" if op.response_schema else "void"
    # A Link-paged list's body is the items themselves; the next page is in its Link header.
    linked = op.pagination is not None and op.pagination.style == "link"
    if op.pagination is not None and linked:
        returns = f"{{ items: Array<schemas.{op.pagination.item_schema}>; next: string | null }}"
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
        fields.append(f"body: checked(schemas.{op.body_schema}, body)" + _form(op))
    call = "{ " + ", ".join(fields) + " }"
    if op.pagination is not None and linked:
        send = f"return this.linked({call}, schemas.{op.pagination.item_schema});"
    elif op.response_schema is not None:
        send = f"return this.send({call}, schemas.{op.response_schema});"
    else:
        send = f"return this.sendEmpty({call});"
    return (
        f"\n{_doc(op)}  async {camel(op.name)}({', '.join(params)}): Promise<{returns}> {{\n"
        f"    {send}\n  }}\n"
    )


def _iterator(op: OperationSpec) -> str:
    """``iter*``: every item of a paginated list, walking its pages as its style says."""
    assert op.pagination is not None
    p = op.pagination
    params = [f"{_ident(q)}: {_ts_type(q.schema)}" for q in op.path_params]
    # The position is the iterator's to keep; every other option (filters, sort, page size)
    # goes unchanged to every page.
    walked = tuple(n for n in (p.cursor_param, p.before_param) if n)
    options = _options(op, skip=walked)
    params.append(f"options: {options}{_no_options(op, skip=walked)}")
    path_args = [_ident(q) for q in op.path_params]
    position = f", {_key(p.cursor_param)}: cursor" if p.cursor_param else ""
    args = ", ".join([*path_args, f"{{ ...options{position} }}"])
    fetch = f"await this.{camel(op.name)}({args})"
    items = f"page.{p.items_field}"
    if p.style == "cursor":
        body = (
            "    let cursor: string | undefined = undefined;\n"
            "    for (;;) {\n"
            f"      const page = {fetch};\n"
            f"      yield* {items};\n"
            f"      if (page.{p.next_field} === null) return;\n"
            f"      cursor = page.{p.next_field};\n"
            "    }\n"
        )
    elif p.style == "page_token":
        # Google's APIs end with an empty token, others with null: either is the end.
        body = (
            "    let cursor: string | undefined = undefined;\n"
            "    for (;;) {\n"
            f"      const page = {fetch};\n"
            f"      yield* {items};\n"
            f"      if (!page.{p.next_field}) return;\n"
            f"      cursor = page.{p.next_field};\n"
            "    }\n"
        )
    elif p.style == "starting_after":
        kind = _ts_type(_param(op, p.cursor_param).schema)
        last = f"last.{p.tiebreaker.field}"
        if kind == "string":
            last = f"String({last})"
        body = (
            f"    let cursor: {kind} | undefined = undefined;\n"
            "    for (;;) {\n"
            f"      const page = {fetch};\n"
            f"      yield* {items};\n"
            f"      const last = {items}[{items}.length - 1];\n"
            f"      if (!page.{p.has_more_field} || last === undefined) return;\n"
            f"      cursor = {last};\n"
            "    }\n"
        )
    elif p.style == "link":
        body = (
            f"    let page = {fetch};\n"
            "    for (;;) {\n"
            "      yield* page.items;\n"
            "      if (page.next === null) return;\n"
            f'      page = await this.linked({{ method: "GET", path: page.next, status: {op.status} }}, '
            f"schemas.{p.item_schema});\n"
            "    }\n"
        )
    else:  # offset, page
        start = "0" if p.style == "offset" else str(p.first_page)
        limit = p.limit
        size = f"{limit.default}"
        if any(q.location == "query" and q.name == p.limit_param for q in op.params):
            # An out-of-range size is refused (an error) or clamped to the nearest bound.
            asked = f"options.{_key(p.limit_param)} ?? {limit.default}"
            size = f"Math.min(Math.max({asked}, {limit.min}), {limit.max})"
        seen = "cursor" if p.style == "offset" else "seen"
        done = f"{items}.length < size"
        if p.total_field:
            done += f" || {seen} >= page.{p.total_field}"
        step = (
            f"      cursor += {items}.length;\n"
            if p.style == "offset"
            else (f"      seen += {items}.length;\n" if p.total_field else "")
        )
        body = (
            f"    const size = {size};\n"
            + ("    let seen = 0;\n" if p.style == "page" and p.total_field else "")
            + f"    let cursor = {start};\n"
            "    for (;;) {\n"
            f"      const page = {fetch};\n"
            f"      yield* {items};\n"
            + step
            + f"      if ({done}) return;\n"
            + ("      cursor += 1;\n" if p.style == "page" else "")
            + "    }\n"
        )
    doc = (
        f"following `{p.next_field}` across pages"
        if p.style == "cursor"
        else _WALKS[p.style].format(p=p)
    )
    return (
        f"\n  /** Every item of `{camel(op.name)}`, {doc}. */\n"
        f"  async *{camel(iterator_name(op.name))}({', '.join(params)}): "
        f"AsyncGenerator<schemas.{p.item_schema}, void, undefined> {{\n"
        f"{body}"
        "  }\n"
    )


_WALKS = {
    "page_token": "following `{p.next_field}` until it is null or empty",
    "starting_after": "`{p.cursor_param}` the last item while `{p.has_more_field}`",
    "link": 'following the `Link` header\'s rel="next"',
    "offset": "moving `{p.cursor_param}` past each page until a short one",
    "page": "counting `{p.cursor_param}` up until a short page",
}


def _param(op: OperationSpec, name: str) -> ParamSpec:
    for q in op.params:
        if q.location == "query" and q.name == name:
            return q
    raise AssertionError(f"{op.operation_id}: no query parameter {name}")


def _options(op: OperationSpec, skip: tuple[str, ...]) -> str:
    fields = []
    for p in op.params:
        if p.location == "path" or p.name in skip:
            continue
        generated = op.idempotency is not None and p.name.lower() == op.idempotency.header.lower()
        optional = "?" if not p.required or generated else ""
        fields.append(f"{_key(_option(p))}{optional}: {_ts_type(p.schema)}")
    return "{ " + "; ".join(fields) + " }" if fields else ""


def _form(op: OperationSpec) -> str:
    """The ``form`` field of a call whose body is a form, not JSON."""
    if not op.form:
        return ""
    return (
        ', form: "multipart"'
        if op.body_media_type == "multipart/form-data"
        else (', form: "urlencoded"')
    )


def _no_options(op: OperationSpec, skip: tuple[str, ...]) -> str:
    """``= {}`` where every option may be left out; a required header or query parameter
    (``If-Match`` on a PUT that demands it) leaves the caller no empty default."""
    for p in op.params:
        if p.location == "path" or p.name in skip:
            continue
        generated = op.idempotency is not None and p.name.lower() == op.idempotency.header.lower()
        if p.required and not generated:
            return ""
    return " = {}"


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
    for example in op.examples:  # the contract's examples, as JSDoc @example blocks
        lines += ["", f"@example {example.summary}".replace("*/", "*\\/")]
        for name, value in example.params.items():
            lines.append(f"// {name}: {_json(value)}".replace("*/", "*\\/"))
        if example.body is not None:
            lines.append(f"// body: {_json(example.body)}".replace("*/", "*\\/"))
        if example.response is not None:
            lines.append(f"// -> {op.status} {_json(example.response)}".replace("*/", "*\\/"))
    if len(lines) == 1:
        return f"  /** {lines[0]} */\n"
    return "  /**\n" + "".join(f"   * {line}".rstrip() + "\n" for line in lines) + "   */\n"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _idempotency_header(spec: ApiSpec) -> str:
    for op in spec.operations:
        if op.idempotency is not None:
            return op.idempotency.header
    return "Idempotency-Key"


def _str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)
