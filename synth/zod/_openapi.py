"""An OpenAPI 3.1 document to the Zod modules a Next.js route handler imports.

runtime.ts     the checks the schemas call (code-point lengths, formats, applicators)
schemas.ts     every component schema: `export const Contact = ...; export type Contact`
errors.ts      the error taxonomy (`x-synth-errors`), the `ErrorCode` union, `Problem`
operations.ts  per operation: method, path, params, query, headers, body, responses, errors
index.ts       re-exports the three public modules
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from synth._pointer import unescape
from synth._provenance import zod_header
from synth._template import Template, render
from synth.zod import _ts
from synth.zod._emitter import Definition, Expr, SchemaEmitter
from synth.zod._errors import InvalidDocumentError
from synth.zod._module import _PLACEHOLDER, render_definitions
from synth.zod._refs import DEFAULT_BASE, Resolver, Target, pointer_join
from synth.zod._runtime import helpers, render_helpers

__all__ = ["emit_zod"]

FORM_MEDIA_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

OPERATION = Template("""\
${doc}export const $name = {
  operationId: $operation_id,
  method: $method,
  path: $path,
  pathParams: $path_params,
  query: $query,
  headers: $headers,
  body: $body,
  bodyRequired: $body_required,${body_media}
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
    openapi: Mapping[str, Any], *, source: str = "an OpenAPI 3.1 document"
) -> dict[str, str]:
    """``{relative path: text}`` for ``generated/zod/`` from an OpenAPI 3.1 document."""
    _validate(openapi)
    resolver = Resolver(openapi, DEFAULT_BASE)
    emitter = SchemaEmitter(resolver, assert_formats=True, pydantic=True)
    for helper in helpers():
        emitter.reserve(helper)
    for reserved in ("schemas", "errors", "operations", "ErrorCode", "ERRORS", "ERROR_CODES"):
        emitter.reserve(reserved)
    components = openapi.get("components", {}).get("schemas", {})
    for name, schema in components.items():
        ptr = pointer_join("#/components/schemas", name)
        emitter.define(name, Target(schema, DEFAULT_BASE, ptr), exported=True)
    emitter.compile_all()
    scratch = Definition(-1, "", Target({}, DEFAULT_BASE, "#"), exported=False)
    emitter._current = scratch
    operations = _operations(emitter, openapi)
    emitter.compile_all()
    for d in emitter.defs:
        d.exported = True
    rendered = render_definitions(emitter)
    header = zod_header(source)

    def imports(names: set[str]) -> str:
        return f'import {{ {", ".join(sorted(names))} }} from "./runtime";\n' if names else ""

    schema_helpers = set(rendered.helpers)
    files = {
        "runtime.ts": f'{header}\n\nimport {{ z }} from "zod";\n\n'
        + render_helpers(set(emitter.helpers) | {"format"}, export=True)
        + "\n",
        "schemas.ts": f'{header}\n\nimport {{ z }} from "zod";\n{imports(schema_helpers)}\n'
        + rendered.body
        + "\n",
        "errors.ts": _errors_module(openapi, header, components),
        "operations.ts": _operations_module(emitter, operations, header),
        "index.ts": f'{header}\n\nexport * from "./errors";\nexport * from "./operations";\n'
        'export * from "./schemas";\n',
    }
    return files


def _validate(openapi: Mapping[str, Any]) -> None:
    if not isinstance(openapi, Mapping):
        raise InvalidDocumentError("#", "an OpenAPI document is a JSON object")
    version = openapi.get("openapi")
    if not isinstance(version, str) or not version.startswith("3.1"):
        raise InvalidDocumentError(
            "#/openapi",
            f"openapi={version!r}: expected an OpenAPI 3.1 document",
            "convert 3.0 documents to 3.1 (nullable becomes type: [..., 'null'])",
        )
    if not isinstance(openapi.get("paths", {}), Mapping):
        raise InvalidDocumentError("#/paths", "paths must be an object")
    schemas = openapi.get("components", {}).get("schemas", {})
    if not isinstance(schemas, Mapping):
        raise InvalidDocumentError("#/components/schemas", "must be an object")


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


def _operation_name(op: Mapping[str, Any], method: str, path: str, taken: set[str]) -> str:
    raw = op.get("operationId") or f"{method}_{path}"
    name = _ts.identifier(str(raw))
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}{n}", n + 1
    taken.add(candidate)
    return candidate


def _operations(emitter: SchemaEmitter, openapi: Mapping[str, Any]) -> list[dict[str, Any]]:
    out = []
    taken = set(emitter._names)
    for path, raw_item in openapi.get("paths", {}).items():
        item = _deref(openapi, raw_item)
        shared = item.get("parameters", [])
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            ptr = pointer_join("#/paths", path, method)
            out.append(_operation(emitter, openapi, op, method, path, ptr, shared, taken))
    return out


def _operation(  # noqa: PLR0917 (one call site; the arguments are the walk's state)
    emitter: SchemaEmitter,
    openapi: Mapping[str, Any],
    op: Mapping[str, Any],
    method: str,
    path: str,
    ptr: str,
    shared: list[Any],
    taken: set[str],
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
    body_media = "application/json" if "requestBody" in op else None
    if "requestBody" in op:
        request = _deref(openapi, op["requestBody"])
        body_required = bool(request.get("required"))
        content = request.get("content", {})
        media = next((m for m in content if "json" in m), None)
        form = next((m for m in content if m in FORM_MEDIA_TYPES), None)
        if media is not None:
            body = emitter.compile(
                content[media].get("schema", True),
                pointer_join(ptr, "requestBody", "content", media, "schema"),
                DEFAULT_BASE,
            )
        elif form is not None:
            body_media = form
            schema = content[form].get("schema", True)
            body = _form_body(emitter, openapi, schema, pointer_join(
                ptr, "requestBody", "content", form, "schema"))  # fmt: skip
    responses = []
    for status, raw in op.get("responses", {}).items():
        response = _deref(openapi, raw)
        content = response.get("content", {})
        media = next((m for m in content if "json" in m), None)
        schema_expr: Expr | None = None
        if media is not None and "schema" in content[media]:
            schema_expr = emitter.compile(
                content[media]["schema"],
                pointer_join(ptr, "responses", status, "content", media, "schema"),
                DEFAULT_BASE,
            )
        responses.append((status, response.get("description"), media, schema_expr))
    return {
        "name": _operation_name(op, method, path, taken),
        "op": op,
        "method": method.upper(),
        "path": path,
        "params": params,
        "body": body,
        "body_required": body_required,
        "body_media": body_media,
        "responses": responses,
        "errors": _error_codes(op),
    }


def _form_body(emitter: SchemaEmitter, openapi: Mapping[str, Any], schema: Any, ptr: str) -> Expr:
    """A form body's schema, taking the ``FormData`` or ``URLSearchParams`` a handler gets:
    repeated fields as lists, the text of number and boolean fields parsed first."""
    expr = emitter.compile(schema, ptr, DEFAULT_BASE)
    resolved = _deref_schema(openapi, schema)
    props = resolved.get("properties", {}) if isinstance(resolved, Mapping) else {}
    lists, parsed = [], []
    for name, prop in props.items():
        kinds = _kinds(_deref_schema(openapi, prop), openapi)
        if "array" in kinds:
            lists.append(name)
            items = [_deref_schema(openapi, b).get("items", {}) for b in _branches(prop, openapi)]
            kinds = set().union(*(_kinds(_deref_schema(openapi, i), openapi) for i in items))
        if kinds & {"integer", "number", "boolean"} and "string" not in kinds:
            parsed.append(name)
    code = f"{emitter.use('formBody')}({expr.code}, {_ts.literal(lists)}, {_ts.literal(parsed)})"
    return Expr(code, expr.ts)


def _deref_schema(openapi: Mapping[str, Any], schema: Any) -> Any:
    for _ in range(32):
        ref = schema.get("$ref") if isinstance(schema, Mapping) else None
        if not (isinstance(ref, str) and ref.startswith("#/components/schemas/")):
            break
        schema = openapi.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[1], {})
    return schema


def _branches(schema: Any, openapi: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    schema = _deref_schema(openapi, schema)
    if not isinstance(schema, Mapping):
        return []
    out = [schema]
    for branch in [*schema.get("anyOf", ()), *schema.get("oneOf", ())]:
        out += _branches(branch, openapi)
    return out


def _kinds(schema: Any, openapi: Mapping[str, Any]) -> set[str]:
    out: set[str] = set()
    for branch in _branches(schema, openapi):
        kind = branch.get("type")
        out.update([kind] if isinstance(kind, str) else kind if isinstance(kind, list) else [])
    return out


def _from_string(emitter: SchemaEmitter, schema: Any, expr: Expr) -> Expr:
    """Path, query and header values arrive as text: numbers and booleans are parsed first."""
    kind = schema.get("type") if isinstance(schema, Mapping) else None
    if kind in ("integer", "number", "boolean"):
        return Expr(f"{emitter.use('fromText')}({expr.code})", expr.ts)
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
    emitter: SchemaEmitter, operations: list[dict[str, Any]], header: str
) -> str:
    defs = emitter.defs

    def resolve(code: str) -> str:
        return _PLACEHOLDER.sub(lambda m: f"schemas.{defs[int(m.group(1))].name}", code)

    blocks = []
    for o in operations:
        op = o["op"]
        responses = []
        for status, desc, media, expr in o["responses"]:
            schema = resolve(_ts.indent(expr.code, "      ")) if expr else "null"
            doc = _ts.doc_comment(desc, "    ")
            key = status if status.isdigit() else _ts.string(status)
            responses.append(
                f"{doc}    {key}: {{ contentType: {_ts.literal(media)}, schema: {schema} }},"
            )
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
                path=_ts.string(o["path"]),
                path_params=resolve(_object_of(o["params"]["path"], "  ")),
                query=resolve(_object_of(o["params"]["query"], "  ")),
                headers=resolve(_object_of(o["params"]["header"], "  ")),
                body=resolve(_ts.indent(o["body"].code)) if o["body"] else "null",
                body_required="true" if o["body_required"] else "false",
                # Said only for a form: JSON is what every other body is.
                body_media=(
                    f"\n  bodyContentType: {_ts.string(o['body_media'])},"
                    if o["body_media"] in FORM_MEDIA_TYPES
                    else ""
                ),
                responses="\n".join(responses),
                errors=_ts.literal(o["errors"]),
                semantics=_ts.literal(semantics.get("x-synth-semantics", semantics)),
            )
        )
    names = ", ".join(o["name"] for o in operations)
    helpers = sorted(h for h in emitter.helpers if h in _used(blocks))
    runtime = f'import {{ {", ".join(helpers)} }} from "./runtime";\n' if helpers else ""
    return (
        f'{header}\n\nimport {{ z }} from "zod";\n{runtime}import * as schemas from "./schemas";\n\n'
        + "\n\n".join(blocks)
        + f"\n\n/** Every operation, by name. */\nexport const operations = {{ {names} }} as const;\n"
        "export type OperationName = keyof typeof operations;\n"
    )


def _used(blocks: list[str]) -> str:
    return "\n".join(blocks)


def _errors_module(openapi: Mapping[str, Any], header: str, components: Mapping[str, Any]) -> str:
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
        problem = 'export { Problem as ProblemSchema } from "./schemas";\n'
    else:
        listed = json.dumps([str(e["code"]) for e in entries])
        problem = render(PROBLEM, code=f"z.enum({listed})" if entries else "z.string()")
    code_list = json.dumps([str(e["code"]) for e in entries])
    return render(
        ERRORS_MODULE, header=header, problem=problem, table=table, codes=codes, code_list=code_list
    )
