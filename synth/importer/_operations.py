"""Each operation of the document as a decorated function of synth's contract language.

The semantics come from the operation's ``x-synth-semantics`` where the document has them (a
document synth wrote); otherwise the few that the document shows are inferred and marked for
review (``# synth import: inferred ...``). What a contract cannot say is a note, per operation.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..loader._common import camel
from ._models import Notes
from ._types import annotation

__all__ = ["IMPLIED_CODES", "Operation", "operation", "snake"]

METHODS = ("get", "post", "put", "patch", "delete")
# Error codes synth declares on an operation by itself, from what the operation does.
IMPLIED_CODES = frozenset({
    "idempotency_key_reused", "idempotency_key_in_use", "idempotency_key_missing",
    "invalid_cursor", "unauthenticated", "not_found", "validation_failed", "invalid_request",
    "precondition_failed", "precondition_required", "internal_error",
})  # fmt: skip
# Headers synth writes itself for the semantics it is told.
_IMPLIED_HEADERS = {"idempotency-key", "if-match", "if-none-match"}
_OWN_RESPONSE_HEADERS = {"etag", "link", "idempotent-replayed"}
# What synth writes itself on the 429 of an operation with ``x-synth-semantics.rateLimit``.
_LIMIT_HEADERS = {"retry-after", "ratelimit", "ratelimit-policy"}
_NOTE_PREFIXES = (
    "Upsert:", "Tenant-scoped:", "Idempotent:", "Cursor-paginated", "Paginated by",
    "Offset-paginated", "Returns an `ETag`", "`If-Match` (",
)  # fmt: skip
_MEDIA = {
    "application/json": None,
    "application/x-www-form-urlencoded": "Form()",
    "multipart/form-data": "Multipart()",
}


@dataclass(eq=False)
class Operation:
    """One operation, rendered: its function's text and the names it needs imported."""

    name: str
    text: str
    used: set[str] = field(default_factory=set)
    errors: set[str] = field(default_factory=set)  # taxonomy codes it declares
    plain: str = ""  # the text without its worked examples, should the loader refuse them
    # The operation without its inferred pagination, should the loader refuse that.
    unpaged: Operation | None = None
    where: str = ""  # "METHOD /path", as synth diff names it


def snake(operation_id: str) -> str:
    """``createContact`` -> ``create_contact``: synth camel-cases it back to the same id."""
    name = re.sub(r"[^0-9A-Za-z]+", "_", operation_id)
    name = re.sub(r"(?<=[0-9a-z_])(?=[A-Z])|(?<=[A-Z])(?=[A-Z])", "_", name).lower().strip("_")
    if not name or name[0].isdigit() or keyword.iskeyword(name):
        name = f"op_{name}"
    return re.sub(r"_+", "_", name)


def _identifier(name: str) -> str | None:
    return name if name.isidentifier() and not keyword.iskeyword(name) else None


def _py_name(name: str) -> str:
    out = re.sub(r"\W+", "_", name).strip("_").lower() or "param"
    if out[0].isdigit() or keyword.iskeyword(out):
        out = f"{out}_"
    return out


def _success(responses: Mapping[str, Any]) -> str | None:
    twos = sorted(s for s in responses if str(s).startswith("2"))
    return twos[0] if twos else None


def _schema_of(content: Mapping[str, Any], media: str) -> Any:
    return (content.get(media) or {}).get("schema")


def _docstring(op: Mapping[str, Any], semantics: bool) -> str:
    """The function's docstring: the summary line, then the description.

    synth reads a description from the docstring as written (its lines after the first keep
    their indentation), so the description's lines are written as they are: the document
    comes back the same.
    """
    summary = str(op.get("summary") or "").strip().replace("\n", " ")
    description = str(op.get("description") or "").strip()
    if semantics and description:
        paragraphs = description.split("\n\n")
        if paragraphs[-1].startswith(_NOTE_PREFIXES):
            paragraphs = paragraphs[:-1]
        description = "\n\n".join(paragraphs).strip()
    if not summary:
        summary, _, description = description.partition("\n")
        summary = summary.strip() or "(no summary in the document)"
        description = description.strip()
    text = summary + ("\n\n    " + description if description else "")
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return f'    """{text}"""' if "\n" not in text else f'    """{text}\n    """'


class _Op:
    """One operation being written: its document parts, notes and the names it uses."""

    def __init__(  # noqa: PLR0917 (one call site, in operation())
        self,
        method: str,
        path: str,
        op: Mapping[str, Any],
        item_params: list[Any],
        names: Mapping[str, str],
        notes: Notes,
        taxonomy: Mapping[str, str],
        base_path: str,
    ) -> None:
        self.method, self.path, self.op, self.names, self.notes = method, path, op, names, notes
        self.taxonomy = taxonomy
        self.base_path = base_path
        self.classes: set[str] = set()
        self.sem: dict[str, Any] | None = op.get("x-synth-semantics")
        self.upsert = bool((self.sem or {}).get("upsert"))
        self.used: set[str] = set()
        self.comments: list[str] = []
        self.where = f"{method.upper()} {path}"
        params = {(p.get("name"), p.get("in")): p for p in item_params if isinstance(p, dict)}
        params.update({(p.get("name"), p.get("in")): p for p in op.get("parameters") or []
                       if isinstance(p, dict)})  # fmt: skip
        self.params = list(params.values())

    def lose(self, what: str) -> None:
        self.notes.lose(self.where, what)
        self.comments.append(f"# synth import: not carried: {what}")

    def infer(self, what: str) -> None:
        self.notes.infer(self.where, what)
        self.comments.append(f"# synth import: inferred {what}; review")


def operation(  # noqa: PLR0912, PLR0915, PLR0917 (each part of an operation, in its order)
    method: str,
    path: str,
    op: Mapping[str, Any],
    item_params: list[Any],
    names: Mapping[str, str],
    notes: Notes,
    taxonomy: Mapping[str, str],
    *,
    secured: bool,
    classes: set[str],
    components: Mapping[str, Any] | None = None,
    base_path: str = "",
) -> Operation | None:
    """The operation as contract code, or None when nothing usable can be written for it.

    ``classes``: the names in ``names`` that are Pydantic models (a body or an answer must be
    one, or a list of one)."""
    o = _Op(method, path, op, item_params, names, notes, taxonomy, base_path)
    o.classes = classes
    paging = _infer_paging(o, components or {}) if o.sem is None and method == "get" else None
    if paging is not None:
        unpaged = operation(
            method, path, op, item_params, names, Notes(), taxonomy,
            secured=secured, classes=classes, components=None, base_path=base_path,
        )  # fmt: skip
        o.infer(f"{paging['style']} pagination from its parameters and its page; declare its "
                "order (the last key unique per item)")  # fmt: skip
    operation_id = op.get("operationId")
    if isinstance(operation_id, str) and operation_id:
        name = snake(operation_id)
        if camel(name) != operation_id:
            o.lose(f"operationId {operation_id!r}: a contract's operation id is its function's "
                   f"name in camelCase, here {camel(name)!r}")  # fmt: skip
    else:
        name = snake(f"{method}_{path}")
        o.lose(f"no operationId: a contract names every operation, here {camel(name)!r} (from "
               f"the function name {name})")  # fmt: skip
    if op.get("callbacks"):
        o.lose("its callbacks (a contract declares no callbacks)")
    sem = o.sem or ({"pagination": paging} if paging else {})
    options: list[str] = []
    statuses = set(map(str, op.get("responses") or {}))
    if o.sem is None and method == "put" and {"200", "201"} <= statuses:
        sem = {**sem, "upsert": True}
        options.append("upsert=True")
        o.infer("upsert=True from its 200 (replaced) and 201 (created) answers")
    o.upsert = bool(sem.get("upsert"))
    # Semantics first: they decide which parameters synth writes by itself.
    implied_params = _semantics(o, sem, options, secured=secured)
    found = _parameters(o, sem, implied_params)
    if found is None:
        return None
    params, optional = found
    body = _body(o)
    if body is False:
        return None
    status, returns = _response(o, sem)
    if status is None:
        return None
    codes = _errors(o)
    decorator = [repr(method.upper()), repr(path), f"status={status}", *options]
    if codes:
        decorator.append("errors=[" + ", ".join(taxonomy[c] for c in sorted(codes)) + "]")
        o.used.update(f"api.{taxonomy[c]}" for c in codes)
    tags = [t for t in op.get("tags") or [] if isinstance(t, str)]
    if tags:
        decorator.append(f"tags={tags!r}")
    if op.get("deprecated") is True:
        decorator.append("deprecated=True")
    headers = _response_headers(o, status)
    if headers:
        decorator.append("headers=[" + ", ".join(headers) + "]")
    if not (op.get("summary") or "").strip() and (op.get("description") or "").strip():
        pass
    args = list(params)
    if body:
        args.append(f"body: {body}")
    args += optional  # parameters with defaults last, as Python wants
    signature = ", ".join(args)
    examples = _examples(o, status)

    def text(with_examples: bool) -> str:
        options = decorator + ([f"examples=[{', '.join(examples)}]"] if with_examples else [])
        lines = [*o.comments, f"@api.route({', '.join(options)})"]
        lines.append(f"def {name}({signature}) -> {returns}:")
        lines.append(_docstring(op, o.sem is not None))
        return "\n".join(lines)

    if examples:
        o.used.add("synth.contract.Example")
    built = Operation(
        name, text(bool(examples)), o.used, set(codes), text(False) if examples else ""
    )
    built.where = o.where
    if paging is not None:
        built.unpaged = unpaged
    return built


def _examples(o: _Op, status: int) -> list[str]:
    """The worked examples: the request body's, the success answer's and the parameters',
    matched by their key."""
    found: dict[str, dict[str, Any]] = {}

    def collect(holder: Any, slot: str, param: str | None = None) -> None:
        if not isinstance(holder, dict):
            return
        for key, ex in (holder.get("examples") or {}).items():
            if not isinstance(ex, dict) or "value" not in ex:
                continue
            entry = found.setdefault(key, {"summary": ex.get("summary") or key, "params": {}})
            if param is None:
                entry[slot] = ex["value"]
            else:
                entry["params"][param] = ex["value"]

    content = (o.op.get("requestBody") or {}).get("content") or {}
    for media in content.values():
        collect(media, "body")
    response = (o.op.get("responses") or {}).get(str(status)) or {}
    collect((response.get("content") or {}).get("application/json"), "response")
    for p in o.params:
        if p.get("in") in ("query", "header") and _identifier(str(p.get("name"))):
            collect(p, "", str(p["name"]))
    out = []
    for entry in found.values():
        args = [repr(str(entry["summary"]))]
        args += [f"{k}={entry[k]!r}" for k in ("body", "response") if k in entry]
        if entry["params"]:
            args.append(f"params={entry['params']!r}")
        out.append(f"Example({', '.join(args)})")
    return out


def _limit(spec: Mapping[str, Any]) -> str:
    return (
        f"Limit(default={spec.get('default', 20)!r}, min={spec.get('min', 1)!r}, "
        f"max={spec.get('max', 100)!r}, out_of_range={spec.get('outOfRange', 'reject')!r})"
    )


def _paginated(p: Mapping[str, Any]) -> tuple[str, set[str]] | None:
    style = p.get("style")
    order = tuple(p.get("order") or ())
    args = [f"order={order!r}", f"limit={_limit(p.get('limit') or {})}"]
    cursor, limit = p.get("cursorParam"), p.get("limitParam")
    own = {x for x in (cursor, limit, p.get("beforeParam")) if isinstance(x, str)}
    sort = p.get("sort")
    if style == "cursor":
        cls = "Cursor"
        args += [f"cursor_param={cursor!r}", f"limit_param={limit!r}",
                 f"next_field={p.get('nextField')!r}", f"items_field={p.get('itemsField')!r}"]  # fmt: skip
    elif style == "page_token":
        cls = "PageToken"
        args += [f"token_param={cursor!r}", f"size_param={limit!r}",
                 f"next_field={p.get('nextField')!r}", f"items_field={p.get('itemsField')!r}"]  # fmt: skip
    elif style == "starting_after":
        cls = "StartingAfter"
        args += [f"after_param={cursor!r}", f"before_param={p.get('beforeParam')!r}",
                 f"limit_param={limit!r}", f"has_more_field={p.get('hasMoreField')!r}",
                 f"items_field={p.get('itemsField')!r}"]  # fmt: skip
    elif style == "link":
        cls = "LinkHeader"
        args += [f"limit_param={limit!r}", f"keyset={bool(p.get('keyset'))!r}"]
    elif style == "offset":
        cls = "Offset"
        args += [f"offset_param={cursor!r}", f"limit_param={limit!r}",
                 f"items_field={p.get('itemsField')!r}", f"total_field={p.get('totalField')!r}"]  # fmt: skip
    elif style == "page":
        cls = "PageNumber"
        args += [f"page_param={cursor!r}", f"size_param={limit!r}",
                 f"first_page={p.get('firstPage', 1)!r}", f"items_field={p.get('itemsField')!r}",
                 f"total_field={p.get('totalField')!r}"]  # fmt: skip
    else:
        return None
    if isinstance(sort, dict):
        orders = {k: tuple(v) for k, v in (sort.get("orders") or {}).items()}
        args.append(
            f"sort=Sort(param={sort.get('param')!r}, orders={orders!r}, "
            f"default={sort.get('default')!r})"
        )
        own.add(str(sort.get("param")))
    return f"{cls}({', '.join(args)})", own


def _semantics(  # noqa: PLR0912, PLR0915 (a branch per semantic the document can say)
    o: _Op, sem: Mapping[str, Any], options: list[str], *, secured: bool
) -> set[str]:
    """The decorator's semantic options; returns the parameters they imply (synth writes them)."""
    implied: set[str] = set()
    header_names = {str(p.get("name", "")).lower() for p in o.params if p.get("in") == "header"}
    if o.sem is not None:
        options.append(f"tenant_scoped={bool(sem.get('tenantScoped'))!r}")
        idem = sem.get("idempotency")
        if isinstance(idem, dict):
            if idem.get("required", True):
                options.append("idempotent=True")
            else:
                options.append("idempotent=Idempotency.OPTIONAL")
                o.used.add("synth.contract.Idempotency")
        cond = sem.get("conditional")
        if isinstance(cond, dict):
            if cond.get("ifMatch") == "required":
                options.append("cacheable=Conditional.REQUIRED")
                o.used.add("synth.contract.Conditional")
            elif cond.get("etag") or cond.get("ifMatch"):
                options.append("cacheable=True")
        if sem.get("upsert"):
            options.append("upsert=True")
        if (limit := _rate_limit(sem.get("rateLimit"))) is not None:
            options.append(f"rate_limit={limit}")
            o.used.add("synth.contract.RateLimit")
        elif "rateLimit" in sem:
            o.lose(f"rate limit {sem['rateLimit']!r}")
        if (slo := _latency(sem.get("latency"))) is not None:
            options.append(f"slo={slo}")
            o.used.add("synth.contract.Latency")
        elif "latency" in sem:
            o.lose(f"latency objective {sem['latency']!r}")
        pag = sem.get("pagination")
        if isinstance(pag, dict):
            found = _paginated(pag)
            if found is None:
                o.lose(f"pagination style {pag.get('style')!r}")
            else:
                text, own = found
                options.append(f"paginated={text}")
                implied |= own
                o.used.update(f"synth.contract.{c}" for c in
                              re.findall(r"\b(Cursor|PageToken|StartingAfter|LinkHeader|Offset|"
                                         r"PageNumber|Limit|Sort)\(", text))  # fmt: skip
        return implied
    # A document synth did not write: infer what it shows, for review.
    options.append(f"tenant_scoped={secured!r}")
    inferred_paging = sem.get("pagination")
    if isinstance(inferred_paging, dict):
        found = _paginated(inferred_paging)
        if found is not None:
            options.append(f"paginated={found[0]}")
            implied |= found[1]
            o.used.update(f"synth.contract.{c}" for c in
                          re.findall(r"\b(Cursor|PageToken|StartingAfter|Offset|PageNumber|"
                                     r"Limit)\(", found[0]))  # fmt: skip
    o.infer(f"tenant_scoped={secured!r} (from whether the operation requires credentials)")
    if "idempotency-key" in header_names and o.method == "post":
        required = any(p.get("required") for p in o.params
                       if str(p.get("name", "")).lower() == "idempotency-key")  # fmt: skip
        options.append("idempotent=True" if required else "idempotent=Idempotency.OPTIONAL")
        if not required:
            o.used.add("synth.contract.Idempotency")
        o.infer("idempotency from its `Idempotency-Key` header")
    if o.method == "get" and any("ETag" in (r.get("headers") or {}) or "etag" in
                                 {h.lower() for h in r.get("headers") or {}}
                                 for s, r in (o.op.get("responses") or {}).items()
                                 if str(s).startswith("2") and isinstance(r, dict)):  # fmt: skip
        options.append("cacheable=True")
        o.infer("cacheable=True from its `ETag` response header")
    elif o.method in ("put", "patch", "delete") and "if-match" in header_names:
        required = any(p.get("required") for p in o.params
                       if str(p.get("name", "")).lower() == "if-match")  # fmt: skip
        options.append("cacheable=Conditional.REQUIRED" if required else "cacheable=True")
        if required:
            o.used.add("synth.contract.Conditional")
        o.infer(f"{options[-1]} from its `If-Match` header")
    return implied


def _latency(latency: Any) -> str | None:
    """``x-synth-semantics.latency`` (``{"p95Ms": 200}``) as ``Latency(p95="200ms")``; None if
    malformed."""
    if not isinstance(latency, dict) or not latency:
        return None
    args = []
    for key, ms in latency.items():
        name = key.removesuffix("Ms") if isinstance(key, str) else ""
        if name not in ("p50", "p95", "p99") or not isinstance(ms, int | float) or ms <= 0:
            return None
        args.append(f"{name}={f'{ms:g}ms'!r}")
    return f"Latency({', '.join(args)})"


def _request_id_header(o: _Op) -> str:
    """The declared request id's header, lower case ("" when none): the Api declares it once,
    so no operation repeats it as a parameter or a response header."""
    rid = (o.sem or {}).get("requestId")
    return str(rid.get("header", "")).lower() if isinstance(rid, dict) else ""


def _rate_limit(limit: Any) -> str | None:
    """``x-synth-semantics.rateLimit`` as the contract's ``RateLimit(...)``; None if malformed."""
    if not isinstance(limit, dict):
        return None
    count, window, key, name = (limit.get(k) for k in ("limit", "window", "key", "name"))
    if not (
        isinstance(count, int) and isinstance(window, int) and key in ("tenant", "token", "ip")
    ):
        return None
    args = [f"limit={count}", f"window={window}", f"key={key!r}"]
    if isinstance(name, str) and name != f"{count}-per-{window}s":
        args.append(f"name={name!r}")
    return f"RateLimit({', '.join(args)})"


# Query parameter names that position a page, by the style they mean; and that size one.
_POSITION = {
    "cursor": "cursor", "after": "cursor", "page_token": "page_token", "pageToken": "page_token",
    "starting_after": "starting_after", "offset": "offset", "page": "page",
}  # fmt: skip
_SIZE = ("limit", "per_page", "page_size", "pageSize", "count", "size")
_NEXT = ("next_cursor", "next", "next_page_token", "nextPageToken", "cursor", "next_token")


def _infer_paging(  # noqa: PLR0911 (a return per thing a page must show)
    o: _Op, components: Mapping[str, Any]
) -> dict[str, Any] | None:
    """The pagination a list shows: a position and a size parameter, and a page model with
    the items (each with an ``id``, the order's tie-breaker) and where the next page is."""
    query = {str(p.get("name")): p for p in o.params if p.get("in") == "query"}
    position = next((n for n in _POSITION if n in query), None)
    size = next((n for n in _SIZE if n in query), None)
    if position is None or size is None:
        return None
    style = _POSITION[position]
    response = (o.op.get("responses") or {}).get("200") or {}
    schema = ((response.get("content") or {}).get("application/json") or {}).get("schema") or {}
    page = components.get(str(schema.get("$ref", "")).rsplit("/", 1)[-1])
    if not isinstance(page, dict):
        return None
    props = page.get("properties") or {}
    items = next((k for k, v in props.items() if isinstance(v, dict) and v.get("type") == "array"
                  and "$ref" in (v.get("items") or {})), None)  # fmt: skip
    if items is None:
        return None
    item = components.get(str(props[items]["items"]["$ref"]).rsplit("/", 1)[-1])
    if not isinstance(item, dict) or "id" not in (item.get("properties") or {}):
        return None
    limit_schema = query[size].get("schema") or {}
    limit = {
        "default": limit_schema.get("default", 20),
        "min": limit_schema.get("minimum", 1),
        "max": limit_schema.get("maximum", 100),
        "outOfRange": "reject",
    }
    out: dict[str, Any] = {"style": style, "cursorParam": position, "limitParam": size,
                           "limit": limit, "order": ["id"], "itemsField": items}  # fmt: skip
    if style in ("cursor", "page_token"):
        nxt = next((n for n in _NEXT if n in props), None)
        if nxt is None:
            return None
        out["nextField"] = nxt
    elif style == "starting_after":
        if "has_more" not in props:
            return None
        out.update(hasMoreField="has_more", beforeParam="ending_before")
    else:
        total = next((n for n in ("total", "total_count", "count") if n in props), None)
        out["totalField"] = total
        if style == "page":
            out["firstPage"] = (query[position].get("schema") or {}).get("minimum", 1)
    return out


def _parameters(  # noqa: PLR0912, PLR0915 (a parameter's place, name, marks and default)
    o: _Op, sem: Mapping[str, Any], implied: set[str]
) -> tuple[list[str], list[str]] | None:
    filters = {f.get("param"): f for f in (sem.get("pagination") or {}).get("filters") or []
               if isinstance(f, dict)}  # fmt: skip
    tenant_param = sem.get("tenantParam")
    out: list[str] = []
    optional: list[str] = []
    taken = {"body"}
    for p in o.params:
        name, where = str(p.get("name", "")), p.get("in")
        if where == "header" and name.lower() == _request_id_header(o):
            continue
        if (
            where == "header"
            and name.lower() in _IMPLIED_HEADERS
            and (o.sem is not None or name.lower() != "if-none-match" or o.method == "get")
        ):
            continue
        if where == "query" and name in implied:
            continue
        if where == "cookie":
            o.lose(f"cookie parameter {name!r} (a contract declares no cookie parameters)")
            continue
        if where not in ("path", "query", "header"):
            continue
        schema = p.get("schema")
        if schema is None and isinstance(p.get("content"), dict):
            o.lose(f"parameter {name!r} with `content` (a contract's parameters have a schema)")
            continue
        ann = annotation(schema, o.names, o.used)
        if ann is None:
            if where == "path":
                o.lose(f"path parameter {name!r}: its schema is not one a contract parameter "
                       "takes; written as `str`")  # fmt: skip
                ann = "str"
            else:
                o.lose(f"{where} parameter {name!r}: its schema is not one a contract "
                       "parameter takes (a scalar, an enum or a list of them)")  # fmt: skip
                continue
        marks: list[str] = []
        py = _identifier(name)
        if where == "path":
            if py is None:
                o.lose(f"path parameter {name!r}: not a Python identifier, so the package "
                       "cannot declare this operation")  # fmt: skip
                return None
        elif where == "header":
            py = _py_name(name)
            marks.append(f"Header({name!r}" + _desc(p) + ")")
            o.used.add("synth.contract.Header")
        elif py is None:
            py = _py_name(name)
            marks.append(f"Query(alias={name!r}" + _desc(p) + ")")
            o.used.add("synth.contract.Query")
        elif p.get("description"):
            marks.append(f"Query({_desc(p)[2:]})")
            o.used.add("synth.contract.Query")
        if where == "path" and p.get("description"):
            marks.append(f"Path({_desc(p)[2:]})")
            o.used.add("synth.contract.Path")
        if py in taken:
            o.lose(f"{where} parameter {name!r}: its Python name {py!r} is taken by another")
            continue
        taken.add(py)
        filt = filters.get(name)
        if filt is not None:
            explode = ", explode=True" if filt.get("explode") else ""
            marks.append(f"Filter({filt.get('field')!r}, {filt.get('op')!r}{explode})")
            o.used.add("synth.contract.Filter")
        required = bool(p.get("required")) or where == "path"
        if where == "path" and name == tenant_param:
            pass
        default = ""
        if not required:
            if isinstance(schema, dict) and "default" in schema:
                default = f" = {schema['default']!r}"
            else:
                if not ann.endswith("| None"):
                    ann = f"{ann} | None"
                default = " = None"
        if marks:
            o.used.add("typing.Annotated")
            ann = f"Annotated[{ann}, {', '.join(marks)}]"
        (optional if default else out).append(f"{py}: {ann}{default}")
    return out, optional


def _desc(p: Mapping[str, Any]) -> str:
    d = p.get("description")
    return f", description={d!r}" if isinstance(d, str) and d else ""


def _body(o: _Op) -> str | bool | None:
    """The body parameter's annotation, None without a body, False when it cannot be carried."""
    rb = o.op.get("requestBody")
    if not isinstance(rb, dict):
        return None
    content = rb.get("content") or {}
    media = next((m for m in _MEDIA if m in content), None)
    if media is None:
        o.lose(f"request body in {', '.join(content) or 'no media type'} (a contract's body is "
               "JSON, a form or multipart)")  # fmt: skip
        return False
    others = [m for m in content if m != media]
    if others:
        o.lose(f"request body media types {', '.join(others)} besides {media}")
    schema = _schema_of(content, media)
    ann = annotation(schema, o.names, o.used) if isinstance(schema, dict) and "$ref" in schema \
        else None  # fmt: skip
    if ann is None or ann not in o.classes:
        o.lose("a request body that is not one object model (a union or a scalar, say): a "
               "contract's body is a model")  # fmt: skip
        return False
    if not rb.get("required", False):
        o.lose("an optional request body (a contract's body is required)")
    marker = _MEDIA[media]
    if marker:
        o.used.update(("typing.Annotated", f"synth.contract.{marker[:-2]}"))
        return f"Annotated[{ann}, {marker}]"
    return ann


def _response(o: _Op, sem: Mapping[str, Any]) -> tuple[int | None, str]:
    responses = o.op.get("responses") or {}
    status = _success(responses)
    if status is None:
        o.lose("no 2xx response (a contract declares its success answer)")
        return None, ""
    if not str(status).isdigit():
        o.lose(f"success status {status!r} (a range; a contract declares one status)")
        return None, ""
    extra = [s for s in responses if str(s).startswith("2") and s != status]
    if sem.get("upsert"):
        extra = [s for s in extra if s not in ("200", "201")]
    if extra:
        o.lose(f"other success statuses {', '.join(map(str, extra))} (a contract has one)")
    if "default" in responses:
        o.lose("the `default` response")
    response = responses[status] or {}
    content = response.get("content") or {}
    if not content:
        return int(status), "None"
    if "application/json" not in content:
        o.lose(f"success response in {', '.join(content)} (a contract answers JSON)")
        return int(status), "None"
    schema = _schema_of(content, "application/json") or {}
    ann = annotation(schema, o.names, o.used)
    if ann is None or ann.removeprefix("list[").removesuffix("]") not in o.classes:
        o.lose("a success response that is not a named schema or a list of one")
        return int(status), "None"
    return int(status), ann


def problem_examples(response: Any) -> list[dict[str, Any]]:
    """The values of a problem answer's examples (``examples``, or one ``example``)."""
    media = ((response or {}).get("content") or {}).get("application/problem+json") \
        if isinstance(response, dict) else None  # fmt: skip
    if not isinstance(media, dict):
        return []
    values = [e.get("value") for e in (media.get("examples") or {}).values() if isinstance(e, dict)]
    values.append(media.get("example"))
    return [v for v in values if isinstance(v, dict)]


def _errors(o: _Op) -> set[str]:
    codes: set[str] = set()
    for status, response in (o.op.get("responses") or {}).items():
        if str(status)[:1] not in ("4", "5") or not isinstance(response, dict):
            continue
        found = {
            str(v["code"]) for v in problem_examples(response) if isinstance(v.get("code"), str)
        }
        if not found:
            code = o.taxonomy.get(f"status:{status}")
            if code is None:
                o.lose(f"error response {status} (no error code for it in the taxonomy)")
                continue
            found.add(code)
            if o.sem is None:
                o.infer(f"error code {code!r} for its {status} response")
        codes |= {c for c in found if c in o.taxonomy}
    limited = isinstance((o.sem or {}).get("rateLimit"), dict)  # implies rate_limited
    if o.sem is None:
        # Without synth's semantics the package may imply less than the document declares
        # (a list it does not read as paginated answers no `invalid_cursor`): every code the
        # document gives stays declared; the loader does not add one twice.
        return codes
    return {c for c in codes if c not in IMPLIED_CODES and not (limited and c == "rate_limited")}


def _own_headers(o: _Op) -> set[str]:
    """The response headers synth writes itself for what ``o`` declares (lower case)."""
    own = _OWN_RESPONSE_HEADERS | {_request_id_header(o)}
    if ((o.sem or {}).get("pagination") or {}).get("style") != "link":
        own -= {"link"}  # synth writes it for a Link-header page only
    return own


def _response_headers(o: _Op, success: int) -> list[str]:
    out = []
    limited = isinstance((o.sem or {}).get("rateLimit"), dict)
    for status, response in (o.op.get("responses") or {}).items():
        if not isinstance(response, dict) or status == "304":
            continue
        for name, header in (response.get("headers") or {}).items():
            own = _own_headers(o)
            if name.lower() in own or not isinstance(header, dict):
                continue
            if str(status) == "429" and name.lower() in _LIMIT_HEADERS and limited:
                continue
            ann = annotation(header.get("schema") or {"type": "string"}, o.names, o.used)
            if ann is None:
                o.lose(f"response header {name!r} of {status}: not a scalar")
                continue
            args = [repr(name)]
            if ann != "str":
                args.append(ann)
            if header.get("description"):
                args.append(f"description={header['description']!r}")
            if not header.get("required", False):
                args.append("required=False")
            if str(status) != str(success):
                if str(status).startswith("2") and not o.upsert:
                    continue  # a success status the contract does not have (noted)
                if not str(status).isdigit():
                    o.lose(f"response header {name!r} of {status}")
                    continue
                args.append(f"status={int(status)}")
            out.append(f"ResponseHeader({', '.join(args)})")
            o.used.add("synth.contract.ResponseHeader")
    return out
