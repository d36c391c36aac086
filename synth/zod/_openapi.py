"""An OpenAPI 3.1 document to the Zod modules a Next.js route handler imports.

runtime.ts     the checks the schemas call (code-point lengths, formats, applicators)
schemas.ts     every component schema: `export const Contact = ...; export type Contact`
errors.ts      the error taxonomy (`x-synth-errors`), the `ErrorCode` union, `Problem`
operations.ts  per operation: method, path, params, query, headers, body, responses, errors;
               and per webhook the same, with `webhook` (its name) instead of `path`
index.ts       re-exports the three public modules

Relative imports name no extension, which bundlers resolve (Next.js's Turbopack only so);
with ``esm=True`` they name the `.js` file, which an ESM `nodenext` project needs and `tsc`
resolves to the `.ts` source. An OpenAPI 3.0 document is read as the 3.1
document that means the same (``synth._upgrade``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from synth._pointer import unescape
from synth._provenance import zod_header
from synth._template import Template, render
from synth._upgrade import upgrade_30
from synth.zod import _ts
from synth.zod._emitter import Definition, Expr, SchemaEmitter
from synth.zod._errors import InvalidDocumentError
from synth.zod._module import _PLACEHOLDER, render_definitions
from synth.zod._refs import DEFAULT_BASE, Resolver, Target, pointer_join
from synth.zod._runtime import helpers, render_helpers

__all__ = ["emit_zod"]

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

OPERATION = Template("""\
${doc}export const $name = {
  operationId: $operation_id,
  method: $method,
  $where,
  bodyContentType: $body_content_type,
  pathParams: $path_params,
  query: $query,
  headers: $headers,
  body: $body,
  bodyRequired: $body_required,
  responses: {
$responses
  },
  errors: $errors,
  semantics: $semantics,
} as const;""")


PROBLEM = Template("""import { z } from "zod";

/** RFC 9457 problem details with a `code` from the taxonomy. */
export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int().gte(100).lte(599),
  detail: z.string().nullable().optional(),
  instance: z.string().nullable().optional(),
  code: $code,
  errors: z.array(z.object({ loc: z.array(z.union([z.string(), z.int()])), msg: z.string(), type: z.string() })).nullable().optional(),
});
""")

ERRORS_MODULE = Template("""\
$header

$problem
/** The error taxonomy: every code an operation of this API may return. */
export const ERRORS = $table as const;

/** A stable, machine-readable error code. */
export type ErrorCode = $codes;

/** The codes, for z.enum(ERROR_CODES) or iteration. */
export const ERROR_CODES = $code_list as const;
""")


def emit_zod(
    openapi: Mapping[str, Any],
    *,
    source: str = "an OpenAPI 3.1 document",
    patterns: str = "ecma",
    esm: bool = False,
    notes: list[str] | None = None,
) -> dict[str, str]:
    """``{relative path: text}`` for ``generated/zod/`` from an OpenAPI 3.1 (or 3.0) document.

    ``patterns="pydantic"`` reads ``pattern`` in pydantic's Rust dialect (synth's own
    contracts); the default reads it as ECMA-262, as OpenAPI says. ``esm``: relative imports
    name their ``.js`` file, as an ESM ``nodenext`` project needs; without it they name no
    extension, which bundlers resolve (Next.js's Turbopack resolves no other way). ``notes``, when given,
    receives what the output does not enforce (unknown formats), one located line each.
    """
    if isinstance(openapi, Mapping) and str(openapi.get("openapi", "")).startswith("3.0"):
        openapi = upgrade_30(openapi)
    _validate(openapi)
    ext = ".js" if esm else ""
    resolver = Resolver(openapi, DEFAULT_BASE)
    for schema, ptr in _schema_roots(openapi):
        resolver.index(schema, ptr)
    emitter = SchemaEmitter(resolver, assert_formats=True, pydantic=True, patterns=patterns)
    for helper in helpers():
        emitter.reserve(helper)
    for reserved in (
        "schemas",
        "errors",
        "operations",
        "OperationName",
        "webhooks",
        "WebhookName",
        "ErrorCode",
        "ERRORS",
        "ERROR_CODES",
    ):
        emitter.reserve(reserved)
    components = openapi.get("components", {}).get("schemas", {})
    for name, schema in components.items():
        ptr = pointer_join("#/components/schemas", name)
        base = resolver.base_of(schema, DEFAULT_BASE)
        emitter.define(name, Target(schema, base, ptr), exported=True)
    emitter.compile_all()
    scratch = Definition(-1, "", Target({}, DEFAULT_BASE, "#"), exported=False)
    emitter._current = scratch
    operations = _operations(emitter, openapi, "paths")
    webhooks = _operations(emitter, openapi, "webhooks")
    emitter.compile_all()
    for d in emitter.defs:
        d.exported = True
    rendered = render_definitions(emitter)
    header = zod_header(source)

    def imports(names: set[str]) -> str:
        return f'import {{ {", ".join(sorted(names))} }} from "./runtime{ext}";\n' if names else ""

    schema_helpers = set(rendered.helpers)
    files = {
        "runtime.ts": f'{header}\n\nimport {{ z }} from "zod";\n\n'
        + render_helpers(set(emitter.helpers) | {"format"}, export=True)
        + "\n",
        "schemas.ts": f'{header}\n\nimport {{ z }} from "zod";\n{imports(schema_helpers)}\n'
        + rendered.body
        + "\n",
        "errors.ts": _errors_module(openapi, header, components, ext),
        "operations.ts": _operations_module(emitter, operations, webhooks, header, ext),
        "index.ts": f'{header}\n\nexport * from "./errors{ext}";\n'
        f'export * from "./operations{ext}";\nexport * from "./schemas{ext}";\n',
    }
    if notes is not None:
        notes.extend(dict.fromkeys(emitter.notes))
    return files


def _validate(openapi: Mapping[str, Any]) -> None:
    if not isinstance(openapi, Mapping):
        raise InvalidDocumentError("#", "an OpenAPI document is a JSON object")
    version = openapi.get("openapi")
    if not isinstance(version, str) or not version.startswith("3.1"):
        raise InvalidDocumentError(
            "#/openapi",
            f"openapi={version!r}: expected an OpenAPI 3.1 or 3.0 document",
            "convert a Swagger 2.0 document to OpenAPI 3.1 first",
        )
    if not isinstance(openapi.get("paths", {}), Mapping):
        raise InvalidDocumentError("#/paths", "paths must be an object")
    schemas = openapi.get("components", {}).get("schemas", {})
    if not isinstance(schemas, Mapping):
        raise InvalidDocumentError("#/components/schemas", "must be an object")


def _schema_roots(node: Any, ptr: str = "#") -> list[tuple[Any, str]]:
    """Every schema of an OpenAPI document that no schema contains: each component schema and
    each ``schema`` of a parameter, header or media type (examples are values, not looked in)."""
    found: list[tuple[Any, str]] = []
    if isinstance(node, Mapping):
        for key, value in node.items():
            where = pointer_join(ptr, key)
            named = ptr == "#/webhooks" or (ptr.count("/") == 2 and ptr.startswith("#/components/"))
            if key in ("example", "examples") and not named:
                continue
            if key == "schema" and isinstance(value, Mapping | bool):
                found.append((value, where))
            elif where == "#/components/schemas" and isinstance(value, Mapping):
                found.extend((s, pointer_join(where, k)) for k, s in value.items())
            else:
                found.extend(_schema_roots(value, where))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found.extend(_schema_roots(value, pointer_join(ptr, i)))
    return found


def _deref(openapi: Mapping[str, Any], node: Any) -> Any:
    """Follow a non-schema ``$ref`` (a parameter, response or request body)."""
    seen = 0
    while isinstance(node, Mapping) and isinstance(node.get("$ref"), str) and seen < 20:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise InvalidDocumentError(ref, "only local references are supported here")
        target: Any = openapi
        for raw_part in ref[2:].split("/"):
            part = unescape(raw_part)
            if not isinstance(target, Mapping) or part not in target:
                raise InvalidDocumentError(ref, "reference points to nothing")
            target = target[part]
        node, seen = target, seen + 1
    return node


def _operation_name(op: Mapping[str, Any], fallback: str, taken: set[str]) -> str:
    raw = op.get("operationId") or fallback
    name = _ts.identifier(str(raw))
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}{n}", n + 1
    taken.add(candidate)
    return candidate


def _operations(
    emitter: SchemaEmitter, openapi: Mapping[str, Any], section: str
) -> list[dict[str, Any]]:
    """The operations of ``paths``, or of ``webhooks`` (keyed by webhook name)."""
    out = []
    taken = emitter._names
    for path, raw_item in (openapi.get(section) or {}).items():
        item = _deref(openapi, raw_item)
        shared = item.get("parameters", [])
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            ptr = pointer_join(f"#/{section}", path, method)
            found = _operation(emitter, openapi, op, method, path, ptr, shared)
            webhook = section == "webhooks"
            # A webhook is named by its key (most are POST); an operation by method and path.
            fallback = path if webhook and method == "post" else f"{method}_{path}"
            found["name"] = _operation_name(op, fallback, taken)
            found["webhook"] = webhook
            out.append(found)
    return out


def _operation(  # noqa: PLR0917 (one call site; the arguments are the walk's state)
    emitter: SchemaEmitter,
    openapi: Mapping[str, Any],
    op: Mapping[str, Any],
    method: str,
    path: str,
    ptr: str,
    shared: list[Any],
) -> dict[str, Any]:
    params: dict[str, dict[str, tuple[Expr, bool, str | None]]] = {
        "path": {},
        "query": {},
        "header": {},
    }
    for i, raw in enumerate([*shared, *op.get("parameters", [])]):
        param = _deref(openapi, raw)
        where = param.get("in")
        if where not in params:
            continue  # cookies are not part of the contract object
        name = param["name"].lower() if where == "header" else param["name"]
        schema = param.get("schema", True)
        expr = emitter.compile(schema, pointer_join(ptr, "parameters", i, "schema"), DEFAULT_BASE)
        expr = _from_string(emitter, schema, expr)
        params[where][name] = (
            expr,
            bool(param.get("required")) or where == "path",
            param.get("description"),
        )
    body = None
    body_required = False
    body_media = None
    if "requestBody" in op:
        request = _deref(openapi, op["requestBody"])
        body_required = bool(request.get("required"))
        content = request.get("content", {})
        body_media = _body_media(content)
        if body_media is not None:
            body = _body(
                emitter,
                (content[body_media] or {}).get("schema"),
                body_media,
                pointer_join(ptr, "requestBody", "content", body_media, "schema"),
            )
    responses = []
    for status, raw in op.get("responses", {}).items():
        response = _deref(openapi, raw)
        content = response.get("content", {})
        media = _body_media(content)
        schema_expr: Expr | None = None
        declared = (content[media] or {}).get("schema") if media is not None else None
        if media is not None and (declared is not None or "json" not in media):
            where = pointer_join(ptr, "responses", status, "content", media, "schema")
            schema_expr = _body(emitter, declared, media, where)
        headers: dict[str, tuple[Expr, bool, str | None]] = {}
        for name, raw_header in (response.get("headers") or {}).items():
            header = _deref(openapi, raw_header)
            if name.lower() == "content-type" or not isinstance(header, Mapping):
                continue  # OpenAPI: a Content-Type header definition is ignored
            schema = header.get("schema", True)
            expr = emitter.compile(
                schema, pointer_join(ptr, "responses", status, "headers", name, "schema"),
                DEFAULT_BASE,
            )  # fmt: skip
            headers[name.lower()] = (
                _from_string(emitter, schema, expr),
                bool(header.get("required")),
                header.get("description"),
            )
        responses.append((status, response.get("description"), media, schema_expr, headers))
    return {
        "op": op,
        "method": method.upper(),
        "path": path,
        "params": params,
        "body": body,
        "body_media": body_media,
        "body_required": body_required,
        "responses": responses,
        "errors": _error_codes(op),
    }


FORM = ("application/x-www-form-urlencoded", "multipart/form-data")
BLOB = Expr("z.instanceof(Blob)", "Blob")


def _body_media(content: Mapping[str, Any]) -> str | None:
    """The request body's media type: JSON first, then forms, then the first declared."""
    media = [str(m) for m in content]
    found = next((m for m in media if "json" in m), None)
    found = found or next((m for m in media if m.split(";", 1)[0].strip() in FORM), None)
    return found or (media[0] if media else None)


def _body(emitter: SchemaEmitter, schema: Any, media: str, ptr: str) -> Expr:
    """A JSON body as its schema; a form as a ``z.object`` of its fields as a route handler
    reads them from ``request.formData()`` (text parsed like query values, binary parts
    ``Blob``); any other body as text (``text/*``, its schema or a string) or a ``Blob``.
    ``schema`` is None where the media type declares none."""
    kind = media.split(";", maxsplit=1)[0].strip().lower()
    if schema is None:
        if kind.startswith("text/"):
            return Expr("z.string()", "string")
        schema = True
    if "json" in kind:
        return emitter.compile(schema, ptr, DEFAULT_BASE)
    if kind in FORM:
        target = _object_schema(emitter, schema, ptr)
        if target is not None:
            return _form_object(emitter, *target)
        return emitter.compile(schema, ptr, DEFAULT_BASE)
    if kind.startswith("text/") or kind == "*/*":
        return emitter.compile(schema, ptr, DEFAULT_BASE)
    return BLOB


def _form_object(emitter: SchemaEmitter, node: Mapping[str, Any], ptr: str) -> Expr:
    """A form's fields as an object (strict where the schema closes it, defaults kept) that
    also takes the ``FormData`` / ``URLSearchParams`` itself (runtime ``formBody``): a
    repeated field is a list, and a field declared a list is one even when given once."""
    required = node.get("required", [])
    lines = []
    for name, field_schema in node["properties"].items():
        expr = _form_field(emitter, field_schema, pointer_join(ptr, "properties", name))
        given = field_schema if isinstance(field_schema, Mapping) else {}
        # A default only where it type-checks against the field's output, as in any object.
        suffix = "" if name in required else emitter._default_or_optional(given, expr)
        doc = _ts.doc_comment(given.get("description"))
        lines.append(f"{doc}{_ts.property_key(name)}: {_ts.indent(expr.code)}{suffix},")
    body = _ts.indent("\n".join(lines), "  ")
    closed = "z.strictObject" if node.get("additionalProperties") is False else "z.object"
    lists = [n for n, f in node["properties"].items() if _is_array(f)]
    code = f"{emitter.use('formBody')}({closed}({{\n  {body}\n}}), {_ts.literal(lists)}, [])"
    return Expr(code, "object")


def _object_schema(emitter: SchemaEmitter, schema: Any, ptr: str) -> tuple[Any, str] | None:
    """The object schema (through ``$ref``) whose properties are a form's fields."""
    seen = 0
    while isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str) and seen < 20:
        target = emitter.resolver.resolve(schema["$ref"], DEFAULT_BASE, ptr)
        schema, ptr, seen = target.node, target.ptr, seen + 1
    if isinstance(schema, Mapping) and isinstance(schema.get("properties"), Mapping):
        return schema, ptr
    return None


def _is_binary(schema: Any) -> bool:
    """A form part sent as a file: ``format: binary`` (3.0's way) or a non-text
    ``contentMediaType`` (3.1's)."""
    if not isinstance(schema, Mapping) or schema.get("type") not in ("string", None):
        return False
    media = str(schema.get("contentMediaType", "text/plain"))
    return schema.get("format") == "binary" or not (media.startswith("text/") or "json" in media)


def _is_array(schema: Any) -> bool:
    kind = schema.get("type") if isinstance(schema, Mapping) else None
    return kind == "array" or (isinstance(kind, list) and "array" in kind)


def _form_field(emitter: SchemaEmitter, schema: Any, ptr: str) -> Expr:
    if isinstance(schema, Mapping) and "x-synth-file" in schema:
        return emitter.compile(schema, ptr, DEFAULT_BASE)  # synth's own: z.file() with limits
    if _is_binary(schema):
        return BLOB
    if (
        isinstance(schema, Mapping)
        and schema.get("type") == "array"
        and _is_binary(schema.get("items"))
    ):
        return Expr("z.array(z.instanceof(Blob))", "Blob[]")
    return _from_string(emitter, schema, emitter.compile(schema, ptr, DEFAULT_BASE))


def _from_string(emitter: SchemaEmitter, schema: Any, expr: Expr) -> Expr:
    """Path, query and header values arrive as text: numbers and booleans are parsed first."""
    kind = schema.get("type") if isinstance(schema, Mapping) else None
    kinds = set(kind) if isinstance(kind, list) else {kind}
    # A nullable number (`type: [integer, "null"]`) arrives as text too; a type that admits
    # strings takes the text as it is.
    if kinds & {"integer", "number", "boolean"} and "string" not in kinds:
        # Number text is read as Pydantic reads it for the field's type (runtime numberText).
        kind = ', "integer"' if "integer" in kinds and "number" not in kinds else ""
        return Expr(f"{emitter.use('fromText')}({expr.code}{kind})", expr.ts)
    return expr


def _error_codes(op: Mapping[str, Any]) -> list[str]:
    declared = op.get("x-synth-errors")
    if isinstance(declared, list):
        return sorted(str(c if isinstance(c, str) else c.get("code")) for c in declared)
    codes: set[str] = set()
    for response in op.get("responses", {}).values():
        for media, content in (
            response.get("content", {}).items() if isinstance(response, Mapping) else []
        ):
            if "problem" not in media:
                continue
            for name, example in content.get("examples", {}).items():
                value = example.get("value", {}) if isinstance(example, Mapping) else {}
                codes.add(value.get("code", name) if isinstance(value, Mapping) else name)
    return sorted(codes)


def _object_of(fields: dict[str, tuple[Expr, bool, str | None]], placeholder: str) -> str:
    if not fields:
        return "null"
    lines = []
    for name, (expr, required, desc) in fields.items():
        doc = _ts.doc_comment(desc)
        suffix = "" if required else ".optional()"
        lines.append(f"{doc}{_ts.property_key(name)}: {_ts.indent(expr.code)}{suffix},")
    body = _ts.indent("\n".join(lines), "  ")
    # Query strings and headers carry other keys (tracking parameters, proxies): ignore them.
    return f"z.object({{\n  {body}\n}})".replace("\n", "\n" + placeholder)


def _operations_module(
    emitter: SchemaEmitter,
    operations: list[dict[str, Any]],
    webhooks: list[dict[str, Any]],
    header: str,
    ext: str,
) -> str:
    defs = emitter.defs

    def resolve(code: str) -> str:
        return _PLACEHOLDER.sub(lambda m: f"schemas.{defs[int(m.group(1))].name}", code)

    blocks = []
    for o in [*operations, *webhooks]:
        op = o["op"]
        responses = []
        success = None
        others: list[str] = []  # the other responses declaring headers: an error's Retry-After
        for status, desc, media, expr, headers in o["responses"]:
            schema = resolve(_ts.indent(expr.code, "      ")) if expr else "null"
            doc = _ts.doc_comment(desc, "    ")
            key = status if status.isdigit() else _ts.string(status)
            entry = f"contentType: {_ts.literal(media)}, schema: {schema}"
            if headers:  # the response headers the document declares, by lower-case name
                entry += f", headers: {resolve(_object_of(headers, '    '))}"
                if success is None and status.startswith("2"):
                    success = key
                else:
                    others.append(key)
            responses.append(f"{doc}    {key}: {{ {entry} }},")
        doc_text = "\n\n".join(t for t in (op.get("summary"), op.get("description")) if t)
        semantics = {
            k: v for k, v in op.items() if k.startswith("x-synth-") and k != "x-synth-errors"
        }
        blocks.append(
            render(
                OPERATION,
                doc=_ts.doc_comment(doc_text),
                name=o["name"],
                operation_id=_ts.string(str(op.get("operationId", o["name"]))),
                method=_ts.string(o["method"]),
                where=f"{'webhook' if o['webhook'] else 'path'}: {_ts.string(o['path'])}",
                body_content_type=_ts.literal(o["body_media"]),
                path_params=resolve(_object_of(o["params"]["path"], "  ")),
                query=resolve(_object_of(o["params"]["query"], "  ")),
                headers=resolve(_object_of(o["params"]["header"], "  ")),
                body=resolve(_ts.indent(o["body"].code)) if o["body"] else "null",
                body_required="true" if o["body_required"] else "false",
                responses="\n".join(responses),
                errors=_ts.literal(o["errors"]),
                semantics=_ts.literal(semantics.get("x-synth-semantics", semantics)),
            )
        )
        if success is not None:
            blocks[-1] += (
                f"\n\n/** The headers of {o['name']}'s {success} response: an object of the "
                "received headers, names in lower case. */\n"
                f"export const {o['name']}ResponseHeaders = {o['name']}.responses[{success}]"
                ".headers;"
            )
        for key in others:  # 429 -> rateThingResponseHeaders429; 4XX, default (Default)
            label = key.strip('"')
            if not label.isalnum():
                continue
            blocks[-1] += (
                f"\n\n/** The headers of {o['name']}'s {label} response: an object of the "
                "received headers, names in lower case. */\n"
                f"export const {o['name']}ResponseHeaders{label[:1].upper() + label[1:]} = "
                f"{o['name']}.responses[{key}].headers;"
            )
    names = ", ".join(o["name"] for o in operations)
    helpers = sorted(h for h in emitter.helpers if h in _used(blocks))
    runtime = f'import {{ {", ".join(helpers)} }} from "./runtime{ext}";\n' if helpers else ""
    out = (
        f'{header}\n\nimport {{ z }} from "zod";\n{runtime}import * as schemas from "./schemas{ext}";\n\n'
        + "\n\n".join(blocks)
        + f"\n\n/** Every operation, by name. */\nexport const operations = {{ {names} }} as const;\n"
        "export type OperationName = keyof typeof operations;\n"
    )
    if webhooks:
        hooks = ", ".join(o["name"] for o in webhooks)
        out += (
            f"\n/** Every webhook operation (requests this API sends), by name. */\n"
            f"export const webhooks = {{ {hooks} }} as const;\n"
            "export type WebhookName = keyof typeof webhooks;\n"
        )
    return out


def _used(blocks: list[str]) -> str:
    return "\n".join(blocks)


def _errors_module(
    openapi: Mapping[str, Any], header: str, components: Mapping[str, Any], ext: str
) -> str:
    taxonomy = openapi.get("x-synth-errors")
    entries: list[dict[str, Any]] = []
    if isinstance(taxonomy, list):
        entries = [dict(e) for e in taxonomy if isinstance(e, Mapping) and "code" in e]
    else:
        problem = components.get("Problem", {})
        codes = (
            problem.get("properties", {}).get("code", {}).get("enum", [])
            if isinstance(problem, Mapping)
            else []
        )
        entries = [{"code": c} for c in codes]
    entries.sort(key=lambda e: str(e["code"]))
    lines = []
    for e in entries:
        fields = ", ".join(
            f"{k}: {_ts.literal(e[k])}"
            for k in ("code", "status", "title", "description", "retryable", "type")
            if k in e
        )
        lines.append(f"  {_ts.property_key(str(e['code']))}: {{ {fields} }},")
    table = "{\n" + "\n".join(lines) + "\n}" if lines else "{}"
    codes = " | ".join(_ts.string(str(e["code"])) for e in entries) or "never"
    if "Problem" in components:
        problem = f'export {{ Problem as ProblemSchema }} from "./schemas{ext}";\n'
    else:
        listed = json.dumps([str(e["code"]) for e in entries])
        problem = render(PROBLEM, code=f"z.enum({listed})" if entries else "z.string()")
    code_list = json.dumps([str(e["code"]) for e in entries])
    return render(
        ERRORS_MODULE, header=header, problem=problem, table=table, codes=codes, code_list=code_list
    )
