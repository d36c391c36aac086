"""The OpenAPI 3.1 document synth writes for an ``ApiSpec``, as a plain dict.

Built here once per run and read by everything downstream: the ``openapi.json`` renderer,
the Zod and Python SDK emitters, and the test runtime. It sits below them, so it imports
none of them.

Key order follows the OpenAPI specification's own order (``openapi``, ``info``, ...) and the
declaration order of operations; schema components are sorted by name, and each schema keeps
Pydantic's property order, which follows the model's fields.
"""

from __future__ import annotations

from collections import defaultdict
from http import HTTPStatus
from typing import Any

from ._provenance import PROVENANCE
from .relations import Graph
from .spec import ApiSpec, OperationSpec, OrderKey, PaginationSpec, RateLimitSpec, RequestIdSpec

__all__ = ["build"]

PROBLEM_JSON = "application/problem+json"
_ETAG_HEADER = {
    "description": "The representation's entity tag; send it back in `If-None-Match` or "
    "`If-Match`.",
    "schema": {"type": "string"},
}
_LINK_HEADER = {
    "description": 'RFC 8288 links; `rel="next"` is the URL of the next page, absent on the '
    "last page.",
    "schema": {"type": "string"},
}
_REPLAYED_HEADER = {
    "description": "`true` when this response is the stored answer to an earlier request "
    "with the same `Idempotency-Key`.",
    "schema": {"type": "string", "enum": ["true"]},
}


def build(spec: ApiSpec) -> dict[str, Any]:
    """The OpenAPI 3.1 document as a dict."""
    info: dict[str, Any] = {"title": spec.title, "version": spec.version}
    if spec.description:
        info["description"] = spec.description
    if spec.contact:
        info["contact"] = dict(spec.contact)
    if spec.license:
        info["license"] = dict(spec.license)
    servers = [{"url": url} for url in spec.servers] or [{"url": spec.base_path or "/"}]
    used_tags = sorted({t for op in spec.operations for t in op.tags})
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": info,
        "servers": servers,
        "security": [{spec.security_scheme: []}],
        "tags": [_tag(spec, t) for t in used_tags],
        "paths": _paths(spec),
        "components": {
            "schemas": {name: dict(schema) for name, schema in spec.schemas.items()},
            "securitySchemes": {spec.security_scheme: _security(spec)},
        },
        "x-synth-errors": [_error(spec, e.code) for e in spec.errors],
        "x-synth-provenance": PROVENANCE,
    }
    if spec.request_id is not None:
        _add_request_id(spec.request_id, doc)
    return doc


def _add_request_id(rid: RequestIdSpec, doc: dict[str, Any]) -> None:
    """The declared request id on every operation: an optional request header, a header on
    every response, the member of every problem body, and ``x-synth-semantics.requestId``."""
    schema = {"type": "string", "pattern": rid.js_pattern}
    # Any value is accepted: one not matching the pattern is replaced, never refused.
    param = {
        "name": rid.header,
        "in": "header",
        "description": "An id for this request, echoed in the response and in its logs. One "
        f"not matching `{rid.js_pattern}` is replaced by one the server makes, not refused.",
        "required": False,
        "schema": {"type": "string"},
    }
    header = {
        "description": f"This request's id: the `{rid.header}` sent when it matches the pattern, "
        f"else one the server made. Problem bodies repeat it in `{rid.member}`.",
        "required": True,
        "schema": schema,
    }
    for item in doc["paths"].values():
        for operation in item.values():
            operation.setdefault("parameters", []).append(dict(param))
            for response in operation["responses"].values():
                response.setdefault("headers", {})[rid.header] = dict(header)
            operation["x-synth-semantics"]["requestId"] = {
                "header": rid.header, "member": rid.member, "pattern": rid.js_pattern,
            }  # fmt: skip
    problem = dict(doc["components"]["schemas"]["Problem"])
    properties = dict(problem["properties"])
    if rid.member == "instance":
        properties["instance"] = {**properties["instance"],
                                  "description": f"This occurrence: the `{rid.header}`."}  # fmt: skip
    else:
        properties[rid.member] = {**schema, "description": f"The `{rid.header}` of the request."}
    problem["properties"] = properties
    doc["components"]["schemas"]["Problem"] = problem


def _tag(spec: ApiSpec, name: str) -> dict[str, str]:
    tag = {"name": name}
    if name in spec.tags:
        tag["description"] = spec.tags[name]
    return tag


def _security(spec: ApiSpec) -> dict[str, Any]:
    scheme: dict[str, Any]
    if spec.auth_style == "bearer":
        scheme = {"type": "http", "scheme": "bearer"}
        if spec.bearer_format:
            scheme["bearerFormat"] = spec.bearer_format
    else:
        where = "header" if spec.auth_style == "header" else "cookie"
        scheme = {"type": "apiKey", "name": spec.auth_name, "in": where}
    scheme["description"] = spec.security_description
    return scheme


def _error(spec: ApiSpec, code: str) -> dict[str, Any]:
    entry = spec.error(code)
    return {
        "code": entry.code,
        "status": entry.status,
        "title": entry.title,
        "description": entry.description,
        "retryable": entry.retryable,
        "type": spec.error_type(entry.code),
    }


def _paths(spec: ApiSpec) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    links = _links(spec)
    for op in spec.operations:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(
            spec, op, links.get(op.operation_id, {})
        )
    return paths


def _links(spec: ApiSpec) -> dict[str, dict[str, Any]]:
    """OpenAPI ``links`` from each creator's success answer, by the creator's operation id.

    From the relations: every operation one of whose path parameters names an item the
    creator makes (its read, update, delete, actions; its child collections' operations) is
    linked, the item's id taken from ``$response.body#/<id field>`` and the parameters before
    it (the parents of an id unique within its parent) from the creator's own request path.
    An operation that needs a parameter after that one (a child's own id) is not linked.
    """
    graph = Graph(spec)
    out: dict[str, dict[str, Any]] = {}
    for op in spec.operations:
        parents = graph.parents(op)
        if not parents or parents[-1].create is op:
            continue
        *outer, last = parents
        creator = last.create
        own = graph.parents(creator) or []
        if creator.upsert:
            own = own[:-1]  # its own id: the link takes it from the body, as for a POST
        if len(own) != len(outer):
            continue
        values = {p.param: f"$request.path.{mine.param}"
                  for p, mine in zip(outer, own, strict=True)}  # fmt: skip
        values[last.param] = f"$response.body#/{last.id_field}"
        out.setdefault(creator.operation_id, {})[op.operation_id] = {
            "operationId": op.operation_id,
            "parameters": values,
        }
    return out


def _operation(spec: ApiSpec, op: OperationSpec, links: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"operationId": op.operation_id, "summary": op.summary}
    out["description"] = "\n\n".join(filter(None, [op.description, _notes(op)]))
    if op.tags:
        out["tags"] = list(op.tags)
    if op.deprecated:
        out["deprecated"] = True
    if op.params:
        out["parameters"] = [_parameter(p, p.name == spec.tenant_param) for p in op.params]
        for param in out["parameters"]:
            values = {e.key: {"summary": e.summary, "value": e.params[param["name"]]}
                      for e in op.examples if param["name"] in e.params}  # fmt: skip
            if values:
                param["examples"] = values
    if op.body_schema is not None:
        media: dict[str, Any] = {"schema": _ref(op.body_schema)}
        if op.files:
            # Each file part's accepted media types (its schema says only "binary").
            media["encoding"] = {
                f.field: {"contentType": ", ".join(f.media_types) or "application/octet-stream"}
                for f in op.files
            }
        bodies = {e.key: {"summary": e.summary, "value": e.body}
                  for e in op.examples if e.body is not None}  # fmt: skip
        if bodies:
            media["examples"] = bodies
        out["requestBody"] = {"required": True, "content": {op.body_media_type: media}}
    out["responses"] = _responses(spec, op, links)
    if not op.tenant_scoped:
        out["security"] = [{}]
    out["x-synth-semantics"] = _semantics(op)
    if spec.tenant_param is not None and any(p.name == spec.tenant_param for p in op.path_params):
        out["x-synth-semantics"]["tenantParam"] = spec.tenant_param
    return out


def _parameter(p: Any, tenant: bool = False) -> dict[str, Any]:
    param: dict[str, Any] = {"name": p.name, "in": p.location}
    if tenant and not p.description:
        param["description"] = (
            "The caller's own tenant; any other tenant's id is answered as one that exists nowhere."
        )
    elif p.description:
        param["description"] = p.description
    param["required"] = p.required
    param["schema"] = dict(p.schema)
    if p.location == "query" and p.schema.get("type") == "array":
        # The repeated parameter (``?status=a&status=b``), said outright for readers and tools.
        param["style"] = "form"
        param["explode"] = True
    return param


def _responses(spec: ApiSpec, op: OperationSpec, links: dict[str, Any]) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    success: dict[str, Any] = {"description": HTTPStatus(op.status).phrase}
    headers: dict[str, Any] = {}
    if op.cache is not None and op.cache.etag:
        headers["ETag"] = _ETAG_HEADER
    if op.idempotency is not None:
        headers["Idempotent-Replayed"] = _REPLAYED_HEADER
    if op.pagination is not None and op.pagination.style == "link":
        headers["Link"] = _LINK_HEADER
    managed = dict(headers)  # what the declared semantics document on every success
    headers.update(_declared(op, op.status))
    if headers:
        success["headers"] = headers
    if op.response_schema is not None:
        success["content"] = {"application/json": _success_content(op)}
    if links:
        success["links"] = dict(sorted(links.items()))
    responses[str(op.status)] = success
    if op.upsert:  # created when the id was new; ``op.status`` (200) when it replaced
        created: dict[str, Any] = {"description": HTTPStatus.CREATED.phrase}
        if headers_201 := {**managed, **_declared(op, 201)}:
            created["headers"] = headers_201
        created |= {k: v for k, v in success.items() if k not in ("description", "headers")}
        responses["201"] = created
    if op.cache is not None and op.cache.etag:
        responses["304"] = {
            "description": "Not Modified: the `If-None-Match` ETag still matches; no body.",
            "headers": {"ETag": _ETAG_HEADER, **_declared(op, 304)},
        }
    by_status: dict[int, list[str]] = defaultdict(list)
    for entry in op.errors:
        by_status[entry.status].append(entry.code)
    for status in sorted(by_status):
        codes = by_status[status]
        listed = ", ".join(f"`{c}`" for c in codes)
        examples = {code: {"summary": spec.error(code).title, "value": _example(spec, code)}
                    for code in codes}  # fmt: skip
        responses[str(status)] = {
            "description": f"{HTTPStatus(status).phrase}: {listed}.",
            "content": {PROBLEM_JSON: {"schema": _ref("Problem"), "examples": examples}},
        }
        if headers := _error_headers(op, status):
            responses[str(status)]["headers"] = headers
    return responses


def _error_headers(op: OperationSpec, status: int) -> dict[str, Any]:
    """An error response's headers: a rate limit's on its 429, then the declared ones."""
    limited = _limit_headers(op.rate_limit) if op.rate_limit is not None and status == 429 else {}
    return {**limited, **_declared(op, status)}


def _limit_headers(limit: RateLimitSpec) -> dict[str, Any]:
    """The headers of a 429: ``Retry-After`` and the IETF httpapi draft's rate-limit fields."""
    return {
        "Retry-After": {
            "description": "Seconds to wait before sending the request again.",
            "required": True,
            "schema": {"type": "integer", "minimum": 0},
        },
        "RateLimit": {
            "description": f'The quota left: `"{limit.name}";r=<remaining>;t=<seconds until '
            "the window resets>` (IETF httpapi rate-limit headers, a structured field).",
            "required": True,
            "schema": {"type": "string"},
        },
        "RateLimit-Policy": {
            "description": f"The policy: `{limit.policy}`, {limit.limit} requests per "
            f"{limit.window} s for each {limit.key}.",
            "required": True,
            "schema": {"type": "string"},
        },
    }


def _success_content(op: OperationSpec) -> dict[str, Any]:
    """The success body's schema, with the contract's worked examples of it."""
    assert op.response_schema is not None
    content: dict[str, Any] = {"schema": _ref(op.response_schema)}
    answers = {e.key: {"summary": e.summary, "value": e.response}
               for e in op.examples if e.response is not None}  # fmt: skip
    if answers:
        content["examples"] = answers
    return content


def _declared(op: OperationSpec, status: int) -> dict[str, Any]:
    """The response headers the contract declares for ``status`` (``ResponseHeader``)."""
    return {
        h.name: {"description": h.description, "required": h.required, "schema": dict(h.schema)}
        for h in op.headers_of(status)
    }


def _example(spec: ApiSpec, code: str) -> dict[str, Any]:
    entry = spec.error(code)
    example: dict[str, Any] = {
        "type": spec.error_type(code),
        "title": entry.title,
        "status": entry.status,
        "detail": entry.description,
        "code": code,
    }
    if code == "validation_failed":
        example["errors"] = [{"loc": ["body", "name"], "msg": "Field required", "type": "missing"}]
    return example


def _semantics(op: OperationSpec) -> dict[str, Any]:
    """What test synthesis reads: carried in the document so any tool can see it."""
    out: dict[str, Any] = {"tenantScoped": op.tenant_scoped}
    if op.upsert:
        out["upsert"] = True
    if op.idempotency is not None:
        out["idempotency"] = {
            "header": op.idempotency.header,
            "required": op.idempotency.required,
        }
    if op.pagination is not None:
        out["pagination"] = _pagination(op.pagination)
    if op.cache is not None:
        out["conditional"] = {"etag": op.cache.etag, "ifMatch": op.cache.if_match}
    if op.rate_limit is not None:
        out["rateLimit"] = {
            "limit": op.rate_limit.limit,
            "window": op.rate_limit.window,
            "key": op.rate_limit.key,
            "name": op.rate_limit.name,
        }
    if op.slo is not None:
        out["latency"] = {f"{name}Ms": ms for name, ms in op.slo.bounds()}
    return out


def _keys(order: tuple[OrderKey, ...]) -> list[str]:
    return [("-" if k.descending else "") + k.field for k in order]


def _pagination(p: PaginationSpec) -> dict[str, Any]:
    """The list's paging as ``x-synth-semantics.pagination``: its style and the names its
    parameters and fields have (only those the style has), its orders and filters."""
    out: dict[str, Any] = {
        "style": p.style,
        "cursorParam": p.cursor_param,
        "limitParam": p.limit_param,
        "limit": {"default": p.limit.default, "min": p.limit.min, "max": p.limit.max,
                  "outOfRange": p.limit.out_of_range},
        "order": _keys(p.order),
        "filters": [
            {"param": f.param, "field": f.field, "op": f.op, "explode": f.explode}
            for f in p.filters
        ],
        "item": p.item_schema,
        "itemsField": p.items_field,
        "nextField": p.next_field,
        "hasMoreField": p.has_more_field,
        "totalField": p.total_field,
        "beforeParam": p.before_param,
    }  # fmt: skip
    out = {k: v for k, v in out.items() if v != ""}
    if p.style == "page":
        out["firstPage"] = p.first_page
    if p.style == "link":
        out["keyset"] = p.link_keyset
    if p.sort is not None:
        out["sort"] = {
            "param": p.sort.param,
            "default": p.sort.default,
            "orders": {value: _keys(order) for value, order in p.sort.orders},
        }
    return out


# How each style says where a list ends, for people reading the document.
_PAGING_NOTES = {
    "cursor": "Cursor-paginated, ordered by {order}; `{next}` is null on the last page.",
    "page_token": "Paginated by page tokens, ordered by {order}; `{next}` is null or empty on "
    "the last page.",
    "starting_after": "Paginated by `{cursor}` (the `{key}` of the last item seen), ordered by "
    "{order}; `{has_more}` is false on the last page.",
    "link": 'Paginated by `Link` headers, ordered by {order}; the `rel="next"` link is absent '
    "on the last page.",
    "offset": "Offset-paginated, ordered by {order}; a page shorter than the limit is the last.",
    "page": "Paginated by page number from {first}, ordered by {order}; a page shorter than the "
    "page size is the last.",
}


def _paging_note(p: PaginationSpec) -> str:
    order = ", ".join(f"`{k.field}` {'desc' if k.descending else 'asc'}" for k in p.order)
    note = _PAGING_NOTES[p.style].format(
        order=order, next=p.next_field, cursor=p.cursor_param, key=p.tiebreaker.field,
        has_more=p.has_more_field, first=p.first_page,
    )  # fmt: skip
    if p.sort is not None:
        note += f" `{p.sort.param}` chooses another order."
    return note


def _notes(op: OperationSpec) -> str:
    """The declared semantics, in words, for people reading the document."""
    notes = []
    if op.upsert:
        notes.append(
            "Upsert: creates the item with this id (201) when there is none, else replaces it "
            "(200)."
        )
    if op.tenant_scoped:
        notes.append("Tenant-scoped: sees and changes only the caller's tenant's objects.")
    if op.idempotency is not None:
        need = "requires" if op.idempotency.required else "accepts"
        notes.append(
            f"Idempotent: {need} an `Idempotency-Key`; a retry with the same key and body "
            "replays the first answer with `Idempotent-Replayed: true`."
        )
    if op.pagination is not None:
        notes.append(_paging_note(op.pagination))
    if op.cache is not None and op.cache.etag:
        notes.append("Returns an `ETag`; `If-None-Match` with it gives 304.")
    if op.cache is not None and op.cache.if_match:
        notes.append(f"`If-Match` ({op.cache.if_match}) refuses a stale change with 412.")
    for f in op.files:
        kinds = " or ".join(f.media_types) or "any media type"
        size = f", at most {f.max_size} bytes" if f.max_size is not None else ""
        notes.append(f"`{f.field}` is a file part: {kinds}{size}.")
    return " ".join(notes)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}
