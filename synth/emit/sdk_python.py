"""Python SDK → ``sdk/python/``: models by datamodel-code-generator, a thin httpx client by us.

Everything here is derived from the ``ApiSpec`` generically: parameters, bodies, the
taxonomy's error classes, idempotency, pagination and conditional requests. The models come
from the OpenAPI document (``synth.document.build``, handed in by the caller) through
datamodel-code-generator with options chosen so they validate as strictly as the contracts
(see ``models_source``).
"""

from __future__ import annotations

import inspect
import json
import mimetypes
import re
import tempfile
import textwrap
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._provenance import PROVENANCE
from .._template import render
from ..contract._forms import FILE_KEYWORD
from ..spec import ApiSpec, OperationSpec, PaginationSpec, ParamSpec
from ._sdk import python_templates as T
from ._sdk.naming import iterator_name, package_name, pascal, python_identifier, snake

__all__ = ["emit", "models_source"]

_LINE = 100
_RESERVED_ERRORS = {"ApiError", "SdkError", "NotModified", "UnexpectedResponse", "ERRORS"}


def emit(spec: ApiSpec, document: Mapping[str, Any]) -> dict[str, str]:
    """``{"sdk/python/<package>/<module>.py": text, ...}``; ``document`` is the spec's OpenAPI."""
    pkg = package_name(spec.title)
    models = models_source(spec, document, pkg)
    classes = set(re.findall(r"^class (\w+)\(", models, re.MULTILINE))
    errors = _error_classes(spec)
    root = f"sdk/python/{pkg}"
    files = {
        f"{root}/__init__.py": _init(spec, errors),
        f"{root}/_base.py": render(T.BASE, provenance=PROVENANCE, unique_items=_unique_items(spec)),
        f"{root}/_runtime.py": render(
            T.RUNTIME,
            provenance=PROVENANCE,
            base_path=_repr(spec.base_path),
            # The slot sits inside the file's string literal: the literal's body, quotes aside.
            idempotency_header=_repr(_idempotency_header(spec))[1:-1],
            auth_style=_repr(spec.auth_style),
            auth_name=_repr(spec.auth_name),
        ),
        f"{root}/client.py": _client(spec, classes),
        f"{root}/errors.py": _errors(spec, errors),
        f"{root}/models.py": models,
        f"{root}/py.typed": f"# {PROVENANCE}\n",
        **_headers_module(spec, root),
        "sdk/python/pyproject.toml": render(
            T.PYPROJECT,
            provenance=PROVENANCE,
            dist_name=pkg.replace("_", "-"),
            version=spec.version,
            title=spec.title,
            package=pkg,
        ),
    }
    return files


# --- models ---------------------------------------------------------------------------------


def models_source(spec: ApiSpec, document: Mapping[str, Any], package: str) -> str:
    """``models.py``: datamodel-code-generator over the document's component schemas.

    Options, and why: strict scalar types and a strict base (the contracts are strict);
    ``strict_nullable`` (a required nullable field stays required); constraints as ``Field``
    arguments; type aliases instead of root models (``list[str]``-compatible tags, not
    ``list[Tag]`` wrappers); tuples for ``prefixItems``; the builtin formatter and no
    timestamp, so output is byte-identical and needs no external tool; date-time and uuid
    redirected to the base module's format-exact types.
    """
    # Imported here: it takes a third of a second, and only this emitter needs it.
    from datamodel_code_generator import InputFileType, PythonVersion, generate
    from datamodel_code_generator.enums import DataModelType, StrictTypes, TargetPydanticVersion
    from datamodel_code_generator.format import Formatter

    models_only = {
        "openapi": "3.1.0",
        "info": {"title": spec.title, "version": spec.version},
        "paths": {},
        "components": {"schemas": _nullable_as_type_list(document["components"]["schemas"])},
    }
    # The system's temporary folder: no project's pyproject.toml lies above it.
    with tempfile.TemporaryDirectory(prefix="synth-sdk-") as settings, warnings.catch_warnings():
        # Its note that a `uri` field is written without min_length is about its own output,
        # which the SDK's tests check; a user of `synth generate` can do nothing with it.
        warnings.filterwarnings("ignore", "fields holding AnyUrl", UserWarning)
        out = generate(
            models_only,
            input_file_type=InputFileType.OpenAPI,
            output_model_type=DataModelType.PydanticV2BaseModel,
            target_python_version=PythonVersion.PY_311,
            base_class=f"{package}._base.Model",
            import_overrides={
                "AwareDatetime": f"{package}._base",
                "UUID": f"{package}._base",
                # Enums take their values as well as their members (``_base.StrEnum``).
                "StrEnum": f"{package}._base",
                "IntEnum": f"{package}._base",
            },
            custom_file_header=f"# {PROVENANCE}",
            disable_timestamp=True,
            formatters=[Formatter.BUILTIN],
            # datamodel-code-generator takes formatting settings from the pyproject.toml of the
            # folder it runs in (and its parents); synth's output must not depend on where it
            # runs, so the line length is given and the settings folder is an empty one.
            builtin_format_line_length=_LINE,
            settings_path=Path(settings),
            strict_types=list(StrictTypes),
            strict_nullable=True,
            # A field that may be omitted defaults to pydantic's MISSING, never to None: the
            # body is the fields the caller gave (`email=None` sends null, no `email` sends
            # nothing), and `name=None` for a field that refuses null is a type error.
            use_missing_sentinel=True,
            target_pydantic_version=TargetPydanticVersion.V2_14,
            field_constraints=True,
            use_annotated=True,
            use_type_alias=True,
            collapse_root_models=True,
            use_tuple_for_fixed_items=True,
            use_standard_collections=True,
            use_union_operator=True,
            use_double_quotes=True,
            use_schema_description=True,
            use_field_description=True,
            keep_model_order=True,
        )
    if not isinstance(out, str):
        raise AssertionError(f"datamodel-code-generator returned {type(out).__name__}, not text")
    return out.rstrip("\n") + "\n"


def _nullable_as_type_list(node: Any) -> Any:
    """``anyOf: [scalar, {type: null}]`` → ``type: [scalar, "null"]``: the same schema.

    datamodel-code-generator makes a root model of a constrained branch inside ``anyOf``
    (``phone: Phone1 | None``), which callers could not pass a plain ``str`` to.
    A file part (``x-synth-file``) becomes ``format: binary``: the model takes its bytes.
    """
    if isinstance(node, list):
        return [_nullable_as_type_list(item) for item in node]
    if not isinstance(node, dict):
        return node
    if isinstance(node.get(FILE_KEYWORD), dict):
        # A multipart file part: its bytes (the client sends them with a media type and name).
        return {"type": "string", "format": "binary"}
    out = {key: _nullable_as_type_list(value) for key, value in node.items()}
    branches = out.get("anyOf")
    if isinstance(branches, list) and len(branches) == 2 and {"type": "null"} in branches:
        other = next(b for b in branches if b != {"type": "null"})
        if isinstance(other.get("type"), str) and other["type"] not in ("object", "array"):
            merged = {k: v for k, v in out.items() if k != "anyOf"}
            merged.update(other)
            merged["type"] = [other["type"], "null"]
            return merged
    return out


def _unique_items(spec: ApiSpec) -> str:
    table: dict[str, tuple[str, ...]] = {}
    for name, schema in sorted(spec.schemas.items()):
        fields = tuple(
            prop for prop, sub in (schema.get("properties") or {}).items() if _any_unique(sub)
        )
        if fields:
            table[_class_name(name)] = fields
    if not table:
        return "{}"
    rows = "".join(f"    {_repr(k)}: {_tuple(v)},\n" for k, v in table.items())
    return "{\n" + rows + "}"


def _any_unique(schema: Mapping[str, Any]) -> bool:
    if schema.get("uniqueItems") is True:
        return True
    return any(_any_unique(b) for b in schema.get("anyOf", ()) if isinstance(b, Mapping))


def _class_name(schema_name: str) -> str:
    """The class datamodel-code-generator writes for a component (``Contact-Output`` → ``ContactOutput``)."""
    parts = re.split(r"[^0-9A-Za-z]+", schema_name)
    return "".join(p[:1].upper() + p[1:] for p in parts if p)


# --- declared response headers ---------------------------------------------------------------


def _headers_module(spec: ApiSpec, root: str) -> dict[str, str]:
    """``headers.py``: one ``ResponseHeaders`` class per response whose contract declares
    headers (the success response's, and an error's such as a 429's ``Retry-After``), when
    any does."""
    imports = _Imports()
    sets = [(op, status) for op in spec.operations for status in _statuses(op)]
    classes = [_headers_class(op, status, imports) for op, status in sets]
    if not classes:
        return {}
    names = sorted(headers_class(op, status) for op, status in sets)
    uses_models = any("models." in c for c in classes)
    first, status = sets[0]
    field = python_identifier(first.headers_of(status)[0].name.lower().replace("-", "_"))
    lines = [
        f"# {PROVENANCE}",
        '"""The response headers each operation\'s contract declares, typed.',
        "",
        *textwrap.wrap(
            f"``{headers_class(first, status)}.of(value).{field}`` reads them from the response "
            "``value`` (what the method returned, or the error it raised) came from.",
            _LINE - 4,
        ),
        '"""',
        "",
        "from __future__ import annotations",
        "",
        *([imports.render(), ""] if imports.modules or imports.names else []),
        "from pydantic import Field" if any("Field(" in c for c in classes) else "",
        "",
        "from . import models" if uses_models else "",
        "from ._base import ResponseHeaders",
        "",
        f"__all__ = {_list(names)}",
        "",
    ]
    text = "\n".join(line for i, line in enumerate(lines) if line or lines[i - 1])
    return {f"{root}/headers.py": text + "\n\n" + "\n\n".join(classes)}


# JSON Schema keywords of a scalar header and the ``Field`` arguments that check the same.
_CONSTRAINTS = (
    ("minimum", "ge"),
    ("maximum", "le"),
    ("exclusiveMinimum", "gt"),
    ("exclusiveMaximum", "lt"),
    ("minLength", "min_length"),
    ("maxLength", "max_length"),
    ("pattern", "pattern"),
)


def _statuses(op: OperationSpec) -> list[int]:
    """The statuses whose responses declare headers, the success status first."""
    declared = {status for h in op.response_headers for status in h.statuses}
    return sorted(declared, key=lambda status: (status != op.status, status))


def headers_class(op: OperationSpec, status: int | None = None) -> str:
    """The class of an operation's declared response headers: ``CreateContactHeaders`` for
    the success response, ``RateThingHeaders429`` for another."""
    suffix = "" if status is None or status == op.status else str(status)
    return f"{pascal(snake(op.operation_id))}Headers{suffix}"


def _headers_class(op: OperationSpec, status: int, imports: _Imports) -> str:
    raised = sorted({e.code for e in op.errors if e.status == status})
    what = f" ({', '.join(raised)}): ``of`` takes the error raised" if raised else ""
    doc = f"The headers of ``{_method_name(op)}``'s {status} response{what}."
    wrapped = textwrap.wrap(doc, _LINE - 10)
    lines = [
        f"class {headers_class(op, status)}(ResponseHeaders):",
        *(
            [f'    """{wrapped[0]}"""']
            if len(wrapped) == 1
            else [f'    """{wrapped[0]}', *(f"    {w}" for w in wrapped[1:]), '    """']
        ),
        "",
    ]
    for h in op.headers_of(status):
        wire = h.name.lower()
        name = python_identifier(wire.replace("-", "_"))
        annotation = _annotation(h.schema, imports)
        field = [f"alias={_repr(wire)}"] if name != wire else []
        field += [
            f"{arg}={_repr(v) if isinstance(v := h.schema[key], str) else repr(v)}"
            for key, arg in _CONSTRAINTS
            if key in h.schema
        ]
        if field:
            annotation = f"Annotated[{annotation}, Field({', '.join(field)})]"
            imports.add("typing", "Annotated")
        if not h.required:
            annotation = f"{annotation} | None"
        default = "" if h.required else " = None"
        lines.append(f"    {name}: {annotation}{default}")
        doc = _docstring_text(h.description)
        wrapped = textwrap.wrap(doc, _LINE - 10) or [""]
        if len(wrapped) == 1:
            lines.append(f'    """{wrapped[0]}"""')
        else:
            lines += [f'    """{wrapped[0]}', *(f"    {w}" for w in wrapped[1:]), '    """']
    return "\n".join(lines) + "\n"


# --- errors ---------------------------------------------------------------------------------


def _error_classes(spec: ApiSpec) -> dict[str, str]:
    """Error code → exception class name, in taxonomy order."""
    names: dict[str, str] = {}
    for entry in spec.errors:
        name = pascal(entry.code)
        if name in _RESERVED_ERRORS or name in names.values():
            name = f"{name}Error"
        names[entry.code] = name
    return names


def _errors(spec: ApiSpec, names: Mapping[str, str]) -> str:
    classes = []
    for entry in spec.errors:
        classes.append(
            render(
                T.ERROR_CLASS,
                name=names[entry.code],
                status=entry.status,
                code=entry.code,
                code_repr=_repr(entry.code),
                title=_docstring_text(entry.title.rstrip(".")),
                retryable=entry.retryable,
            )
        )
    width = max(len(n) for n in names.values())
    last = len(names) - 1
    tree = "\n".join(
        f"│   {'└' if i == last else '├'}── {name.ljust(width)}  {spec.error(code).status} {code}"
        for i, (code, name) in enumerate(names.items())
    )
    exported = sorted(
        [
            "ApiError",
            "ERRORS",
            "NotModified",
            "SdkError",
            "UnexpectedResponse",
            "error_for",
            *names.values(),
        ]
    )
    # A line slot: the value brings its own line break.
    table = "".join(f"    {_repr(code)}: {name},\n" for code, name in names.items()) or "\n"
    return render(
        T.ERRORS,
        provenance=PROVENANCE,
        tree=tree,
        all=_list(exported),
        classes="\n\n".join(classes),
        table=table,
    )


def _init(spec: ApiSpec, names: Mapping[str, str]) -> str:
    declared = any(op.response_headers for op in spec.operations)
    error_names = sorted(
        ["ApiError", "NotModified", "SdkError", "UnexpectedResponse", *names.values()]
    )
    exported = sorted(
        [
            "AsyncClient",
            "Client",
            "ResponseHeaders",
            "ResponseMeta",
            "errors",
            "models",
            "response_meta",
            *error_names,
            *(["headers"] if declared else []),
        ]
    )
    return render(
        T.INIT,
        provenance=PROVENANCE,
        title=spec.title,
        modules="errors, headers, models" if declared else "errors, models",
        error_imports="\n".join(f"    {n}," for n in error_names),
        all=_list(exported),
    )


# --- client ---------------------------------------------------------------------------------


class _Imports:
    """Standard-library imports of ``client.py``, rendered sorted."""

    def __init__(self) -> None:
        self.modules: set[str] = set()
        self.names: dict[str, set[str]] = {}

    def add(self, module: str, name: str | None = None) -> None:
        if name is None:
            self.modules.add(module)
        else:
            self.names.setdefault(module, set()).add(name)

    def render(self) -> str:
        lines = [f"import {m}" for m in sorted(self.modules)]
        lines += [f"from {m} import {', '.join(sorted(n))}" for m, n in sorted(self.names.items())]
        return "\n".join(lines)


# The client's token, as its docstring describes it.
_AUTH = {
    "bearer": "a bearer token",
    "header": "an API key (sent in the ``{name}`` header)",
    "cookie": "a session (sent as the ``{name}`` cookie)",
}


def _client(spec: ApiSpec, classes: set[str]) -> str:
    imports = _Imports()
    imports.add("collections.abc", "Mapping")
    imports.add("typing", "Self")
    sync_methods: list[str] = []
    async_methods: list[str] = []
    for op in spec.operations:
        for is_async, out in ((False, sync_methods), (True, async_methods)):
            out.append(_method(spec, op, classes, imports, is_async=is_async))
            if op.pagination is not None:
                out.append(_iterator(op, classes, imports, is_async=is_async))
    styles = {op.pagination.style for op in spec.operations if op.pagination is not None}
    linked = "link" in styles
    if linked:
        imports.add("typing", "TypeVar")
    return render(
        T.CLIENT,
        provenance=PROVENANCE,
        title=spec.title,
        base_path=spec.base_path,
        auth=_AUTH[spec.auth_style].format(name=spec.auth_name),
        iterate="follow cursors across pages" if styles <= {"cursor"} else "walk every page",
        imports=imports.render(),
        pydantic_imports="\nfrom pydantic import TypeAdapter, ValidationError" if linked else "",
        local_imports="\nfrom .errors import UnexpectedResponse" if linked else "",
        sync_methods="".join(sync_methods),
        async_methods="".join(async_methods),
        helpers=render(T.LINKED_PAGE) if linked else "",
    )


def _method(
    spec: ApiSpec, op: OperationSpec, classes: set[str], imports: _Imports, *, is_async: bool
) -> str:
    name = _method_name(op)
    positional = [f"{_ident(p)}: {_annotation(p.schema, imports)}" for p in op.path_params]
    if op.body_schema is not None:
        positional.append(f"body: models.{_model(op.body_schema, classes)}")
    keyword = [_keyword_param(op, p, imports) for p in op.params if p.location != "path"]
    keyword += _file_params(op)
    returns = _returns(op, classes)
    lines = [*_signature(name, positional, keyword, returns, is_async=is_async)]
    lines += _docstring(op)
    idem = op.idempotency
    if idem is not None:
        key = _ident(_header(op, idem.header))
        lines += [
            f"        if {key} is None:",
            f"            {key} = _runtime.new_idempotency_key()",
        ]
    args = [_repr(op.method.upper())]
    if op.path_params:
        values = ", ".join(f"{p.name}={_ident(p)}" for p in op.path_params)
        args.append(f"_runtime.path({_repr(op.path)}, {values})")
    else:
        args.append(_repr(op.path))
    queries = [p for p in op.params if p.location == "query"]
    if queries:
        args.append(_call_dict("params=_runtime.query", queries, 12))
    headers = [p for p in op.params if p.location == "header"]
    if headers:
        args.append(_call_dict("headers=_runtime.headers", headers, 12))
    if op.body_schema is not None:
        args.append(_body_arg(op))
    lines += ["        call = Call(", *(f"            {a}," for a in args), "        )"]
    send = "await self._send(call)" if is_async else "self._send(call)"
    if returns.startswith("LinkedPage["):
        args = [send, str(op.status), f"TypeAdapter(list[{returns[11:-1]}])", "self._http.base_url"]
        lines += _fit(
            f"        return _linked({', '.join(args)})",
            "        return _linked(",
            args,
            "        )",
        )
    elif op.response_item is not None:  # a bare JSON array of items
        item = returns[5:-1]
        lines += _fit(
            f"        return _runtime.parse_list({send}, {op.status}, {item})",
            "        return _runtime.parse_list(",
            [send, str(op.status), item],
            "        )",
        )
    elif op.response_schema is not None:
        lines += _fit(
            f"        return _runtime.parse({send}, {op.status}, {returns})",
            "        return _runtime.parse(",
            [send, str(op.status), returns],
            "        )",
        )
    else:
        lines.append(f"        _runtime.check({send}, {op.status})")
    return "\n" + "\n".join(lines) + "\n"


def _returns(op: OperationSpec, classes: set[str]) -> str:
    """The page method's return type."""
    # A Link-paged list's body is the items themselves; the next page is in its Link header.
    if op.pagination is not None and op.pagination.style == "link":
        return f"LinkedPage[models.{_model(op.pagination.item_schema, classes)}]"
    if op.response_item is not None:  # a bare JSON array of items: datamodel-code-generator
        # writes its component as a type alias, not a class; the method answers a list
        return f"list[models.{_model(op.response_item, classes)}]"
    if op.response_schema is not None:
        return f"models.{_model(op.response_schema, classes)}"
    return "None"


def _iterator(op: OperationSpec, classes: set[str], imports: _Imports, *, is_async: bool) -> str:
    """``iter_*``: every item of a paginated list, walking its pages as its style says."""
    assert op.pagination is not None
    p = op.pagination
    item = f"models.{_model(p.item_schema, classes)}"
    imports.add("collections.abc", "AsyncIterator" if is_async else "Iterator")
    iterator = f"AsyncIterator[{item}]" if is_async else f"Iterator[{item}]"
    positional = [f"{_ident(q)}: {_annotation(q.schema, imports)}" for q in op.path_params]
    # The position is the iterator's to keep; every other parameter (filters, sort, page size)
    # goes unchanged to every page.
    walked = {p.cursor_param, p.before_param} - {""}
    rest = [q for q in op.params if q.location != "path" and q.name not in walked]
    keyword = [_keyword_param(op, q, imports) for q in rest]
    lines = [*_signature(iterator_name(_method_name(op)), positional, keyword, iterator,
                         is_async=is_async)]  # fmt: skip
    lines.append(f'        """{_walk_doc(op)}"""')
    args = [_ident(q) for q in op.path_params] + [f"{_ident(q)}={_ident(q)}" for q in rest]
    position = python_identifier(p.cursor_param) if p.cursor_param else ""
    if position == "page":  # the page variable's name
        position = "number"
    if p.cursor_param:
        args.append(f"{python_identifier(p.cursor_param)}={position}")
    walk = _Walk(op, p, item, position, args, is_async=is_async)
    if p.style in ("cursor", "page_token", "starting_after"):
        body = _keyset_walk(walk, imports)
    elif p.style == "link":
        body = _link_walk(walk)
    else:
        body = _numbered_walk(walk)
    return "\n" + "\n".join(lines + body) + "\n"


@dataclass(frozen=True, slots=True)
class _Walk:
    """What an iterator's body is written from."""

    op: OperationSpec
    p: PaginationSpec
    item: str  # the item's model
    position: str  # the variable holding the page's position
    args: list[str]  # the page method's arguments
    is_async: bool

    @property
    def items(self) -> str:
        return f"page.{self.p.items_field}"

    def fetch(self, indent: str) -> list[str]:
        """``page = self.list_...(...)``."""
        call = f"{'await ' if self.is_async else ''}self.{_method_name(self.op)}"
        head = f"{indent}page = {call}("
        return _fit(f"{head}{', '.join(self.args)})", head, self.args, f"{indent})")

    def emit(self, indent: str, items: str) -> list[str]:
        """Yield each of ``items``."""
        if self.is_async:
            return [f"{indent}for item in {items}:", f"{indent}    yield item"]
        return [f"{indent}yield from {items}"]


def _keyset_walk(w: _Walk, imports: _Imports) -> list[str]:
    """cursor, page_token, starting_after: the next position comes from the page."""
    p, pad = w.p, "            "
    annotation = "str"
    if p.style == "starting_after":
        annotation = _annotation(_param(w.op, p.cursor_param).schema, imports)
    body = [f"        {w.position}: {annotation} | None = None", "        while True:"]
    body += [*w.fetch(pad), *w.emit(pad, w.items)]
    if p.style == "cursor":
        return [*body, f"{pad}if page.{p.next_field} is None:", f"{pad}    return",
                f"{pad}{w.position} = page.{p.next_field}"]  # fmt: skip
    if p.style == "page_token":
        # Google's APIs end with an empty token, others with null: either is the end.
        return [*body, f"{pad}if not page.{p.next_field}:", f"{pad}    return",
                f"{pad}{w.position} = page.{p.next_field}"]  # fmt: skip
    last = f"{w.items}[-1].{python_identifier(p.tiebreaker.field)}"
    if "str" in annotation.split(" | "):
        last = f"str({last})"
    return [*body, f"{pad}if not page.{p.has_more_field} or not {w.items}:", f"{pad}    return",
            f"{pad}{w.position} = {last}"]  # fmt: skip


def _link_walk(w: _Walk) -> list[str]:
    """link: the next page is the URL the Link header names."""
    send = f"{'await ' if w.is_async else ''}self._send(_follow(page.next_url))"
    follow = [send, str(w.op.status), f"TypeAdapter(list[{w.item}])", "self._http.base_url"]
    pad = "            "
    body = [*w.fetch("        "), "        while True:", *w.emit(pad, "page")]
    body += [f"{pad}if page.next_url is None:", f"{pad}    return"]
    return body + _fit(
        f"{pad}page = _linked({', '.join(follow)})", f"{pad}page = _linked(", follow, f"{pad})"
    )


def _numbered_walk(w: _Walk) -> list[str]:
    """offset, page: the position counts up until a short page (or the total)."""
    p, pad = w.p, "            "
    body = _page_size(w.op, p)
    body.append(f"        {w.position} = {0 if p.style == 'offset' else p.first_page}")
    if p.style == "page" and p.total_field:
        body.append("        seen = 0")
    body += ["        while True:", *w.fetch(pad), *w.emit(pad, w.items)]
    done = f"len({w.items}) < size"
    if p.style == "offset":
        body.append(f"{pad}{w.position} += len({w.items})")
        if p.total_field:
            done += f" or {w.position} >= page.{p.total_field}"
    elif p.total_field:
        body.append(f"{pad}seen += len({w.items})")
        done += f" or seen >= page.{p.total_field}"
    body += [f"{pad}if {done}:", f"{pad}    return"]
    if p.style == "page":
        body.append(f"{pad}{w.position} += 1")
    return body


def _walk_doc(op: OperationSpec) -> str:
    """The iterator's docstring: the operation and how its pages are walked."""
    assert op.pagination is not None
    p = op.pagination
    how = {
        "cursor": f"following ``{p.next_field}`` across pages",
        "page_token": f"following ``{p.next_field}`` until it is null or empty",
        "starting_after": f"``{p.cursor_param}`` the last item while ``{p.has_more_field}``",
        "link": 'following the ``Link`` header\'s rel="next"',
        "offset": f"moving ``{p.cursor_param}`` past each page until a short one",
        "page": f"counting ``{p.cursor_param}`` up until a short page",
    }[p.style]
    return f"Every item of ``{_method_name(op)}``, {how}."


def _page_size(op: OperationSpec, p: PaginationSpec) -> list[str]:
    """``size = ...``: the page size the server serves, so a shorter page is the last."""
    limit = p.limit
    found = [q for q in op.params if q.location == "query" and q.name == p.limit_param]
    if not found:
        return [f"        size = {limit.default}"]
    name = _ident(found[0])
    asked = f"{limit.default} if {name} is None else {name}"
    # An out-of-range size is refused (an error) or clamped to the nearest bound.
    return [f"        size = min(max({asked}, {limit.min}), {limit.max})"]


def _param(op: OperationSpec, name: str) -> ParamSpec:
    for q in op.params:
        if q.location == "query" and q.name == name:
            return q
    raise AssertionError(f"{op.operation_id}: no query parameter {name}")


def _method_name(op: OperationSpec) -> str:
    return python_identifier(op.name or snake(op.operation_id))


def _ident(p: ParamSpec) -> str:
    return python_identifier(p.python_name or snake(p.name))


def _header(op: OperationSpec, name: str) -> ParamSpec:
    for p in op.params:
        if p.location == "header" and p.name.lower() == name.lower():
            return p
    raise AssertionError(f"{op.operation_id}: no {name} header parameter")


def _keyword_param(op: OperationSpec, p: ParamSpec, imports: _Imports) -> str:
    annotation = _annotation(p.schema, imports)
    # The SDK makes the idempotency key itself, so callers never have to give one.
    generated = op.idempotency is not None and p.name.lower() == op.idempotency.header.lower()
    if p.required and not generated:
        return f"{_ident(p)}: {annotation}"
    return f"{_ident(p)}: {annotation} | None = None"


def _signature(
    name: str, positional: list[str], keyword: list[str], returns: str, *, is_async: bool
) -> list[str]:
    params = ["self", *positional]
    if keyword:
        params += ["*", *keyword]
    head = f"    {'async ' if is_async else ''}def {name}("
    return _fit(f"{head}{', '.join(params)}) -> {returns}:", head, params, f"    ) -> {returns}:")


def _fit(one_line: str, head: str, items: Iterable[str], tail: str) -> list[str]:
    """One line when it fits, else one item a line with a magic trailing comma (ruff's forms)."""
    if len(one_line) <= _LINE:
        return [one_line]
    indent = " " * (len(head) - len(head.lstrip()) + 4)
    return [head, *(f"{indent}{item}," for item in items), tail]


def _call_dict(prefix: str, params: list[ParamSpec], indent: int) -> str:
    entries = [f"{_repr(p.name)}: {_ident(p)}" for p in params]
    one = f"{prefix}({{{', '.join(entries)}}})"
    if indent + len(one) + 1 <= _LINE:
        return one
    pad = " " * indent
    body = "".join(f"{pad}        {e},\n" for e in entries)
    return f"{prefix}(\n{pad}    {{\n{body}{pad}    }}\n{pad})"


def _annotation(schema: Mapping[str, Any], imports: _Imports) -> str:
    """The Python type a parameter's JSON Schema admits."""
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return f"models.{_class_name(ref.rsplit('/', 1)[-1])}"
    if "anyOf" in schema:
        return " | ".join(dict.fromkeys(_annotation(b, imports) for b in schema["anyOf"]))
    kind = schema.get("type")
    if kind == "string":
        return _string_annotation(schema, imports)
    if kind == "array":
        return f"list[{_annotation(schema.get('items') or {}, imports)}]"
    simple = {"integer": "int", "number": "float", "boolean": "bool", "null": "None"}
    return simple.get(kind, "object") if isinstance(kind, str) else "object"


def _string_annotation(schema: Mapping[str, Any], imports: _Imports) -> str:
    if "enum" in schema:
        imports.add("typing", "Literal")
        return f"Literal[{', '.join(_repr(v) for v in schema['enum'])}]"
    fmt = schema.get("format")
    if fmt == "uuid":
        imports.add("uuid", "UUID")
        return "UUID | str"
    if fmt == "date-time":
        imports.add("datetime")
        return "datetime.datetime"
    return "str"


def _model(schema_name: str | None, classes: set[str]) -> str:
    assert schema_name is not None
    name = _class_name(schema_name)
    if name not in classes:
        raise AssertionError(f"datamodel-code-generator wrote no class {name} for {schema_name}")
    return name


def _docstring(op: OperationSpec) -> list[str]:
    paragraphs = [inspect.cleandoc(op.summary), inspect.cleandoc(op.description)]
    if op.examples:
        paragraphs.append(_examples_text(op))
    text = "\n\n".join(_docstring_text(p) for p in paragraphs if p)
    if not text:
        return []
    lines = text.splitlines()
    if len(lines) == 1 and len(lines[0]) + 14 <= _LINE:
        return [f'        """{lines[0]}"""']
    body = [f"        {line}" if line else "" for line in lines[1:]]
    return [f'        """{lines[0]}', *body, '        """']


def _body_arg(op: OperationSpec) -> str:
    """The ``Call`` argument sending the body: JSON, urlencoded ``data=`` or multipart ``files=``."""
    if op.body_media_type == "multipart/form-data":
        files = ", ".join(f"{_repr(f.field)}: ({_ident_of(f.field)}_name, {_ident_of(f.field)}_type)"
                          for f in op.files)  # fmt: skip
        return f"files=_runtime.multipart(body, {{{files}}})"
    if op.form:
        return "data=_runtime.urlencoded(body)"
    return "json=_runtime.body(body)"


def _file_params(op: OperationSpec) -> list[str]:
    """Each file part's media type and file name, as keywords defaulting to the first type."""
    out = []
    for f in op.files:
        media = f.media_types[0] if f.media_types else "application/octet-stream"
        ext = mimetypes.guess_extension(media) or ".bin"
        out += [f"{_ident_of(f.field)}_type: str = {_repr(media)}",
                f"{_ident_of(f.field)}_name: str = {_repr(f.field + ext)}"]  # fmt: skip
    return out


def _ident_of(name: str) -> str:
    return python_identifier(snake(name))


def _examples_text(op: OperationSpec) -> str:
    """The contract's examples: what each sends (as JSON) and its success answer."""
    lines = ["Examples:"]
    for example in op.examples:
        lines.append(f"    {example.summary}:")
        for name, value in example.params.items():
            lines.append(f"        {name}: {_json(value)}")
        if example.body is not None:
            lines.append(f"        body: {_json(example.body)}")
        if example.response is not None:
            lines.append(f"        -> {op.status} {_json(example.response)}")
    return "\n".join(lines)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _docstring_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def _idempotency_header(spec: ApiSpec) -> str:
    for op in spec.operations:
        if op.idempotency is not None:
            return op.idempotency.header
    return "Idempotency-Key"


def _repr(value: str) -> str:
    """A double-quoted Python string literal (ruff's quote style)."""
    return json.dumps(value, ensure_ascii=False)


def _tuple(items: tuple[str, ...]) -> str:
    inner = ", ".join(_repr(i) for i in items)
    return f"({inner},)" if len(items) == 1 else f"({inner})"


def _list(items: list[str]) -> str:
    """An ``__all__`` list, sorted as ruff's RUF022 wants: constants, classes, then the rest."""
    items = sorted(items, key=lambda n: (0 if n.isupper() else 1 if n[:1].isupper() else 2, n))
    one = "[" + ", ".join(_repr(i) for i in items) + "]"
    if len(one) + 10 <= _LINE:
        return one
    return "[\n" + "".join(f"    {_repr(i)},\n" for i in items) + "]"
