"""Load contract modules and build the one immutable ``ApiSpec``.

Every contract mistake is collected as a ``Problem`` with the file and line it was made on;
all of them are raised together as one ``ContractError``. Nothing here raises a bare Python
exception for a user's mistake.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import importlib.util
import inspect
import re
import sys
import traceback
import types
import typing
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, TypeAdapter
from pydantic.errors import (
    PydanticInvalidForJsonSchema,
    PydanticSchemaGenerationError,
    PydanticUserError,
)
from pydantic.fields import FieldInfo

from ._errors import ContractError, Location, Problem
from ._jsonschema import SynthJsonSchema, admits_null
from .contract import Api, Body, ErrorCode, Header, OperationDecl, Page, Query, RawParam
from .contract import Path as PathMarker
from .contract import Problem as ProblemModel
from .contract._semantics import Conditional, Filter, Idempotency
from .spec import (
    ApiSpec,
    CacheSpec,
    FilterSpec,
    IdempotencySpec,
    OperationSpec,
    OrderKey,
    PaginationSpec,
    ParamSpec,
)

__all__ = ["load"]

REF_TEMPLATE = "#/components/schemas/{model}"
_CODE = re.compile(r"[a-z][a-z0-9_]*")
_PATH_PARAM = re.compile(r"\{([^{}]*)\}")
_IMPLIED = {
    "idempotent": ("idempotency_key_missing", "idempotency_key_reused", "idempotency_key_in_use"),
    "paginated": ("invalid_cursor",),
    "tenant": ("unauthenticated",),
    "lookup": ("not_found",),
    "input": ("validation_failed",),
    "body": ("invalid_request",),
    "if_match": ("precondition_failed",),
    "always": ("internal_error",),
}


def load(contracts_dir: str | Path) -> ApiSpec:
    """Import the contract modules under ``contracts_dir`` and build the ``ApiSpec``."""
    root = Path(contracts_dir)
    modules = _import_contracts(root)
    api = _find_api(root, modules)
    return _Builder(api, root).build()


# -- importing -------------------------------------------------------------------------------


def _import_contracts(root: Path) -> list[types.ModuleType]:
    if not root.is_dir():
        raise ContractError(
            [Problem(None, f"contracts directory {str(root)!r} does not exist",
                     "pass --contracts DIR pointing at the folder of contract modules")]
        )  # fmt: skip
    files = sorted(p for p in root.glob("*.py") if p.name != "__init__.py")
    if not files:
        raise ContractError(
            [Problem(None, f"no contract modules (*.py) in {str(root)!r}",
                     "put the modules that declare the API in this folder")]
        )  # fmt: skip
    digest = hashlib.sha1(str(root.resolve()).encode()).hexdigest()[:10]
    package = f"_synth_contracts_{digest}"
    for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
        del sys.modules[name]
    init = root / "__init__.py"
    spec = importlib.util.spec_from_file_location(
        package, init, submodule_search_locations=[str(root)]
    )
    assert spec is not None  # always, for a .py location
    assert spec.loader is not None
    pkg = importlib.util.module_from_spec(spec)
    sys.modules[package] = pkg
    modules: list[types.ModuleType] = []
    try:
        if init.exists():  # a folder without __init__.py is a namespace package: fine
            spec.loader.exec_module(pkg)
        for file in files:
            modules.append(importlib.import_module(f"{package}.{file.stem}"))
    except ContractError:
        raise
    except BaseException as exc:  # a contract module's import failed: point at its line
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise ContractError([_import_problem(root, exc)]) from None
    return modules


def _import_problem(root: Path, exc: BaseException) -> Problem:
    resolved = root.resolve()
    if isinstance(exc, SyntaxError) and exc.filename:
        where = Location(exc.filename, exc.lineno or 1)
        return Problem(where, f"syntax error: {exc.msg}", "correct the Python syntax here")
    location = None
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        try:
            Path(frame.filename).resolve().relative_to(resolved)
        except ValueError:
            continue
        location = Location(frame.filename, frame.lineno or 1)
        break
    message = f"importing the contracts failed: {type(exc).__name__}: {_first_line(exc)}"
    hint = "fix this line so the module imports"
    if isinstance(exc, TypeError) and "unexpected keyword argument" in str(exc):
        hint = ("this option does not apply to this method (GET takes no idempotent=, for "
                "example); api.route(method, path, ...) takes every option and the loader "
                "says why one does not apply")  # fmt: skip
    return Problem(location, message, hint)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _find_api(root: Path, modules: Iterable[types.ModuleType]) -> Api:
    found: dict[int, Api] = {}
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, Api):
                found[id(value)] = value
    if len(found) == 1:
        return next(iter(found.values()))
    if not found:
        raise ContractError(
            [Problem(None, f"no `Api(...)` object in the modules of {str(root)!r}",
                     "declare `api = Api(title, version)` in one module and import it elsewhere")]
        )  # fmt: skip
    apis = list(found.values())
    raise ContractError(
        [Problem(a.location, "more than one `Api(...)` object in the contracts",
                 "declare one Api and import it in every contract module") for a in apis[1:]]
    )  # fmt: skip


# -- building --------------------------------------------------------------------------------


@dataclass
class _Op:
    """An operation being resolved: what the signature and declaration said."""

    decl: OperationDecl
    params: list[tuple[RawParam, ParamSpec]] = field(default_factory=list)
    body: type[BaseModel] | None = None
    response: type[BaseModel] | None = None


class _Builder:
    def __init__(self, api: Api, root: Path) -> None:
        self.api = api
        self.root = root
        self.problems: list[Problem] = []
        self.missing: set[str] = set()
        self.components: dict[str, Any] = {}

    def problem(self, where: Location | None, message: str, hint: str = "") -> None:
        self.problems.append(Problem(where, message, hint))

    def build(self) -> ApiSpec:
        taxonomy = self.check_taxonomy()
        ops = [op for decl in self.api.operations if (op := self.resolve(decl)) is not None]
        self.check_unique(ops)
        schemas, refs = self.schemas(ops)
        self.components = schemas
        self.check_patterns(schemas, refs, ops)
        specs = [self.operation(op, taxonomy, refs) for op in ops]
        if self.problems:
            raise ContractError(self.problems)
        api = self.api
        return ApiSpec(
            title=api.title,
            version=api.version,
            description=api.description,
            base_path=api.base_path,
            servers=api.servers,
            contact=_mapping(api.contact),
            license=_mapping(api.license),
            security_scheme=api.auth.scheme_name,
            security_description=api.auth.description,
            bearer_format=api.auth.bearer_format,
            error_type_base=api.error_type_base,
            tags=types.MappingProxyType(dict(api.tags)),
            errors=tuple(sorted(taxonomy.values(), key=lambda e: (e.status, e.code))),
            operations=tuple(s for s in specs if s is not None),
            schemas=types.MappingProxyType(schemas),
            source=str(self.root),
        )

    # taxonomy

    def check_taxonomy(self) -> dict[str, ErrorCode]:
        taxonomy: dict[str, ErrorCode] = {}
        for entry in self.api.errors:
            if not _CODE.fullmatch(entry.code):
                self.problem(entry.location, f"error code {entry.code!r} is not snake_case",
                             "use lower-case letters, digits and underscores, e.g. 'email_taken'")  # fmt: skip
            if not 400 <= entry.status <= 599:
                self.problem(entry.location, f"error code {entry.code!r} has status "
                             f"{entry.status}; an error status is 400..599", "use a 4xx or 5xx status")  # fmt: skip
            first = taxonomy.get(entry.code)
            if first is None:
                taxonomy[entry.code] = entry
            elif first.status != entry.status:
                self.problem(entry.location, f"error code {entry.code!r} is declared with two "
                             f"statuses: {first.status} at {first.location} and {entry.status} here",
                             "a code has exactly one status; rename one of them")  # fmt: skip
            else:
                self.problem(entry.location, f"error code {entry.code!r} is declared twice "
                             f"(first at {first.location})", "declare it once and import it")  # fmt: skip
        return taxonomy

    # signatures

    def resolve(self, decl: OperationDecl) -> _Op | None:
        op = _Op(decl)
        where = decl.location
        if decl.func is not None:
            raw = self.signature(decl)
            if raw is None:
                return None
            params, returns = raw
        else:
            params, returns = list(decl.params or ()), decl.returns
            op.body = decl.body
        template = _PATH_PARAM.findall(decl.path)
        for name in template:
            if not name.isidentifier():
                self.problem(where, f"path {decl.path!r} has a malformed parameter {{{name}}}",
                             "path parameters are Python identifiers in braces: {contact_id}")  # fmt: skip
        for param in params:
            annotation, markers = _split(param.annotation)
            is_body = param.name == "body" or any(isinstance(m, Body) for m in markers)
            if is_body:
                if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
                    self.problem(where, f"{decl.name}: the body parameter {param.name!r} is "
                                 f"{_type_name(annotation)}, not a Pydantic model",
                                 "annotate the body with a BaseModel subclass")  # fmt: skip
                else:
                    op.body = annotation
                continue
            spec = self.param(decl, param, annotation, markers, template)
            if spec is not None:
                op.params.append((param, spec))
        declared = {s.name for _, s in op.params if s.location == "path"}
        for name in template:
            if name.isidentifier() and name not in declared:
                self.problem(where, f"{decl.name}: path {decl.path!r} has {{{name}}} but the "
                             "operation has no parameter of that name",
                             f"add a parameter `{name}: <type>` to the function")  # fmt: skip
        if returns is None or returns is type(None):
            op.response = None
        elif isinstance(returns, type) and issubclass(returns, BaseModel):
            op.response = returns
        else:
            self.problem(where, f"{decl.name}: the response type {_type_name(returns)} is not a "
                         "Pydantic model", "return a BaseModel subclass, or None for no body")  # fmt: skip
            return None
        return op

    def signature(self, decl: OperationDecl) -> tuple[list[RawParam], Any] | None:
        func = decl.func
        assert func is not None
        try:
            hints = typing.get_type_hints(func, include_extras=True)
        except Exception as exc:  # an unresolvable forward reference in the user's annotations
            self.problem(decl.location, f"{decl.name}: cannot resolve its annotations: "
                         f"{type(exc).__name__}: {exc}", "import every type the signature names")  # fmt: skip
            return None
        if "return" not in hints:
            self.problem(decl.location, f"{decl.name}: no return annotation",
                         "annotate the response model (`-> Contact`), or `-> None` for no body")  # fmt: skip
            return None
        params = []
        for p in inspect.signature(func).parameters.values():
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                self.problem(decl.location, f"{decl.name}: *{p.name} parameters are not allowed",
                             "declare each parameter by name")  # fmt: skip
                continue
            if p.name not in hints:
                self.problem(decl.location, f"{decl.name}: parameter {p.name!r} has no annotation",
                             f"annotate it, e.g. `{p.name}: str`")  # fmt: skip
                continue
            default = p.default if p.default is not p.empty else _REQUIRED
            params.append(RawParam(p.name, hints[p.name], default))
        return params, hints["return"]

    def param(
        self,
        decl: OperationDecl,
        param: RawParam,
        annotation: Any,
        markers: list[Any],
        template: list[str],
    ) -> ParamSpec | None:
        header = next((m for m in markers if isinstance(m, Header)), None)
        query = next((m for m in markers if isinstance(m, Query)), None)
        path = next((m for m in markers if isinstance(m, PathMarker)), None)
        in_path = param.name in map(_identifier, template)
        if path is not None and not in_path:
            self.problem(decl.location, f"{decl.name}: parameter {param.name!r} is marked Path() "
                         f"but {decl.path!r} has no {{{param.name}}}",
                         f"add {{{param.name}}} to the path or drop Path()")  # fmt: skip
            return None
        location: Any = "path" if in_path else "header" if header else "query"
        name = header.name if header else (query.alias if query and query.alias else param.name)
        if in_path:  # the path's own spelling, which Python may have normalised in the signature
            name = next(t for t in template if _identifier(t) == param.name)
        description = next((m.description for m in (header, query, path) if m), "")
        info = next((m for m in markers if isinstance(m, FieldInfo)), None)
        if info is not None and info.description:
            description = description or info.description
        no_default = param.default is _REQUIRED or param.default is inspect.Parameter.empty
        required = in_path or no_default
        if in_path and not no_default:
            self.problem(decl.location, f"{decl.name}: path parameter {param.name!r} has a default",
                         "path parameters are always required; remove the default")  # fmt: skip
        return ParamSpec(
            name=name,
            location=location,
            required=required,
            schema={},
            description=description,
            annotation=_strip(param.annotation),
            python_name=param.name,
        )

    def check_unique(self, ops: list[_Op]) -> None:
        ids: dict[str, _Op] = {}
        routes: dict[tuple[str, str], _Op] = {}
        for op in ops:
            d = op.decl
            oid = _camel(d.name)
            if oid in ids:
                self.problem(d.location, f"duplicate operation id {oid!r} (first at "
                             f"{ids[oid].decl.location})", "rename one of the functions")  # fmt: skip
            ids.setdefault(oid, op)
            route = (d.method, _PATH_PARAM.sub("{}", d.path.rstrip("/") or "/"))
            if route in routes:
                self.problem(d.location, f"duplicate route {d.method} {d.path} (first at "
                             f"{routes[route].decl.location})",
                             "each method and path is declared once")  # fmt: skip
            routes.setdefault(route, op)

    # schemas

    def schemas(self, ops: list[_Op]) -> tuple[dict[str, Any], dict[tuple[str, str], Any]]:
        inputs: list[tuple[tuple[str, str], Any, TypeAdapter[Any]]] = [
            (("model", "Problem"), "serialization", TypeAdapter(ProblemModel))
        ]
        owners: dict[tuple[str, str], Location] = {}
        for op in ops:
            where, name = op.decl.location, op.decl.name
            items: list[tuple[tuple[str, str], Any, Any]] = []
            if op.body is not None:
                items.append(((name, "body"), "validation", op.body))
            if op.response is not None:
                items.append(((name, "response"), "serialization", op.response))
            items += [((name, f"param:{s.python_name}"), "validation", s.annotation)
                      for _, s in op.params]  # fmt: skip
            for key, mode, tp in items:
                adapter = self.adapter(where, name, tp)
                if adapter is not None:
                    inputs.append((key, mode, adapter))
                    owners[key] = where
        try:
            refs, defs = TypeAdapter.json_schemas(
                inputs, ref_template=REF_TEMPLATE, schema_generator=SynthJsonSchema
            )
        except (PydanticInvalidForJsonSchema, PydanticUserError) as exc:
            self.no_json_schema(inputs, owners, exc)
            return {}, {}
        by_key = {key: schema for (key, _mode), schema in refs.items()}
        return dict(sorted(defs.get("$defs", {}).items())), by_key

    def adapter(self, where: Location, name: str, tp: Any) -> TypeAdapter[Any] | None:
        try:
            return TypeAdapter(tp)
        except (PydanticSchemaGenerationError, PydanticUserError) as exc:
            self.problem(where, f"{name}: type {_type_name(tp)} cannot be validated by Pydantic: "
                         f"{_first_line(exc)}", "use types Pydantic supports")  # fmt: skip
            return None

    def no_json_schema(
        self,
        inputs: list[tuple[tuple[str, str], Any, TypeAdapter[Any]]],
        owners: Mapping[tuple[str, str], Location],
        exc: Exception,
    ) -> None:
        """Find which input, and which model field, has no JSON Schema, and say where."""
        for key, mode, adapter in inputs:
            try:
                adapter.json_schema(mode=mode, schema_generator=SynthJsonSchema)
            except (PydanticInvalidForJsonSchema, PydanticUserError) as inner:
                where, detail = owners.get(key), _first_line(inner)
                culprit = _field_without_schema(adapter)
                if culprit is not None:
                    where, detail = culprit
                self.problem(where, f"{key[0]}: {key[1]} has a type with no JSON Schema: {detail}",
                             "use a JSON-compatible type, or give the type a JSON Schema with "
                             "WithJsonSchema")  # fmt: skip
                return
        self.problem(None, f"JSON Schema generation failed: {_first_line(exc)}")

    def check_patterns(
        self, schemas: dict[str, Any], refs: dict[tuple[str, str], Any], ops: list[_Op]
    ) -> None:
        """Give every ``pattern`` the form the document should carry, or report it.

        Pydantic checks patterns with Rust's regex engine, JSON Schema readers use ECMA-262,
        and openapi-spec-validator compiles them with Python's ``re``. The document carries the
        pattern as written when Python accepts it (``\\d`` means Unicode digits in Rust and
        Python alike; the Zod emitter translates it exactly), else its ECMA-262 translation when
        Python accepts that (``\\z`` becomes ``$``), else nothing can carry it and the
        contract is refused here.
        """
        models = _models_by_name(t for op in ops for t in (op.body, op.response) if t)
        # Component names are the class names with what JSON pointers cannot hold replaced.
        models |= {re.sub(r"[^a-zA-Z0-9.\-_]", "_", name): m for name, m in models.items()}
        cache: dict[str, str | None] = {}
        where_of = {name: f"#/components/schemas/{name}" for name in schemas}
        nodes = [(where_of[n], s) for n, s in schemas.items()]
        nodes += [(f"#/operations/{k[0]}/{k[1]}", s) for k, s in refs.items()]
        for base, schema in nodes:
            for pointer, node in _pattern_nodes(schema, base):
                pattern = node["pattern"]
                if pattern not in cache:
                    cache[pattern] = self.document_pattern(pattern, pointer, models)
                if cache[pattern] is not None:
                    node["pattern"] = cache[pattern]

    def document_pattern(
        self, pattern: str, pointer: str, models: Mapping[str, type[BaseModel]]
    ) -> str | None:
        from .regex import RegexTranslationError, translate_regex

        parts = pointer.removeprefix("#/components/schemas/").split("/")
        field_name = pointer.split("/properties/", 1)[-1].split("/", 1)[0]
        owner = parts[0]
        model = models.get(owner.removesuffix("-Input").removesuffix("-Output"))
        where = _model_location(model)
        try:
            ecma = translate_regex(pattern, pointer)
        except RegexTranslationError as exc:
            self.problem(where, f"{owner}.{field_name}: {exc.message}",
                         "write the pattern with syntax both Rust's regex and JavaScript "
                         "share (no look-around, no class set operations such as &&)")  # fmt: skip
            return None
        for candidate in [pattern] + ([ecma.source] if ecma.flags == "u" else []):
            try:
                re.compile(candidate)
            except re.error:
                continue
            return candidate
        self.problem(where, f"{owner}.{field_name}: pattern {pattern!r} has no form that "
                     "OpenAPI tools accept: they check patterns with Python's re, which lacks "
                     f"this syntax (its ECMA-262 form is {ecma.literal()})",
                     "spell Unicode properties such as \\p{L} out as character ranges, or drop "
                     "the pattern")  # fmt: skip
        return None

    # operations

    def operation(
        self, op: _Op, taxonomy: Mapping[str, ErrorCode], refs: Mapping[tuple[str, str], Any]
    ) -> OperationSpec | None:
        d, where = op.decl, op.decl.location
        tenant = self.api.tenant_scoped if d.tenant_scoped is None else d.tenant_scoped
        if d.idempotent is not None and d.method in ("GET", "HEAD"):
            self.problem(where, f"{d.name}: idempotent=... on {d.method}, which is idempotent by "
                         "definition", "drop idempotent=; Idempotency-Key is for unsafe methods")  # fmt: skip
        if d.status < 100 or d.status > 399:
            self.problem(where, f"{d.name}: success status {d.status} is not 1xx-3xx",
                         "declare errors through errors=[...], not status=")  # fmt: skip
        if d.status == 204 and op.response is not None:
            self.problem(where, f"{d.name}: status 204 has no body, but the function returns "
                         f"{op.response.__name__}", "return None, or use status 200")  # fmt: skip
        if op.body is not None:
            self.check_names_only(op.body, where)
        pagination = self.pagination(op)
        if pagination is not None:
            page = _ref_name(refs.get((d.name, "response")))
            items = self.components.get(page or "", {}).get("properties", {}).get("items", {})
            item_schema = _ref_name(items.get("items"))
            if item_schema is not None:  # the variant the page really holds: Item or Item-Output
                pagination = dataclasses.replace(pagination, item_schema=item_schema)
        cache = self.cache(op)
        implied = ["always"]
        if tenant:
            implied.append("tenant")
        if any(s.location == "path" for _, s in op.params):
            implied.append("lookup")
        if op.body is not None or op.params or pagination is not None:
            implied.append("input")
        if op.body is not None:
            implied.append("body")
        if d.idempotent is not None:
            implied.append("idempotent")
        if pagination is not None:
            implied.append("paginated")
        if cache is not None and cache.if_match is not None:
            implied.append("if_match")
        codes: dict[str, ErrorCode] = {}
        for reason in implied:
            for code in _IMPLIED[reason]:
                if code in taxonomy:
                    codes[code] = taxonomy[code]
                elif code not in self.missing:
                    self.missing.add(code)
                    self.problem(where, f"{d.name}: {_REASON[reason]} implies error code "
                                 f"{code!r}, which the taxonomy lacks (reported once)",
                                 f"declare it: api.error({code!r}, <status>, <title>, <description>)")  # fmt: skip
        for entry in d.errors:
            known = taxonomy.get(entry.code)
            if known is None or known != entry:
                self.problem(where, f"{d.name}: error code {entry.code!r} is not in the taxonomy",
                             f"declare it with api.error({entry.code!r}, ...) and use that object")  # fmt: skip
            else:
                codes[entry.code] = entry
        params = tuple(self.param_schema(op, raw, s, refs) for raw, s in op.params)
        if pagination is not None:
            params += _pagination_params(pagination)
        if d.idempotent is not None:
            params += (_header_param("Idempotency-Key", d.idempotent is Idempotency.REQUIRED,
                       "A unique key (a UUID, say) that makes retries of this request safe: a "
                       "retry with the same key and body replays the first answer.",
                       {"type": "string", "minLength": 1, "maxLength": 255}),)  # fmt: skip
        if cache is not None and cache.etag:
            params += (_header_param("If-None-Match", False, "An ETag from an earlier read: "
                       "304 Not Modified when it still matches.", {"type": "string"}),)  # fmt: skip
        if cache is not None and cache.if_match is not None:
            params += (_header_param("If-Match", cache.if_match == "required", "The ETag you "
                       "read: the change is refused with 412 if the object changed since.",
                       {"type": "string"}),)  # fmt: skip
        names = [(p.location, p.name.lower()) for p in params]
        if len(set(names)) != len(names):
            self.problem(where, f"{d.name}: two parameters share a name: {sorted(names)}",
                         "rename one; pagination and header parameters are added by synth")  # fmt: skip
        summary = d.summary or d.name.replace("_", " ").capitalize()
        return OperationSpec(
            operation_id=_camel(d.name),
            name=d.name,
            method=d.method,
            path=d.path,
            summary=summary,
            description=d.description or "",
            tags=d.tags,
            deprecated=d.deprecated,
            params=params,
            body=op.body,
            body_schema=_ref_name(refs.get((d.name, "body"))),
            status=d.status,
            response=op.response,
            response_schema=_ref_name(refs.get((d.name, "response"))),
            errors=tuple(sorted(codes.values(), key=lambda e: (e.status, e.code))),
            tenant_scoped=tenant,
            idempotency=None
            if d.idempotent is None
            else IdempotencySpec(required=d.idempotent is Idempotency.REQUIRED),
            pagination=pagination,
            cache=cache,
            location=where,
        )

    def param_schema(
        self, op: _Op, raw: RawParam, spec: ParamSpec, refs: Mapping[tuple[str, str], Any]
    ) -> ParamSpec:
        schema = dict(refs.get((op.decl.name, f"param:{spec.python_name}"), {}))
        if not spec.required:
            schema = _drop_null(schema)
        description = spec.description or schema.pop("description", "")
        schema.pop("description", None)
        return ParamSpec(spec.name, spec.location, spec.required, schema, description,
                         spec.annotation, spec.python_name)  # fmt: skip

    def pagination(self, op: _Op) -> PaginationSpec | None:
        d, where, cursor = op.decl, op.decl.location, op.decl.paginated
        if cursor is None:
            return None
        if d.method != "GET":
            self.problem(where, f"{d.name}: paginated=... on {d.method}",
                         "only GET list operations are paginated")  # fmt: skip
        response = op.response
        if response is None or not issubclass(response, Page):
            self.problem(where, f"{d.name}: paginated, but the response "
                         f"{_type_name(response)} is not a page",
                         "return a subclass of synth.contract.Page[Item], e.g. "
                         "`class ContactPage(Page[Contact])`")  # fmt: skip
            return None
        item = _page_item(response)
        if item is None:
            self.problem(where, f"{d.name}: the page {response.__name__} has no item model",
                         "subclass Page[Item] with a Pydantic model as Item")  # fmt: skip
            return None
        fields = item.model_fields
        order = []
        for key in cursor.order:
            name = _identifier(key.lstrip("-+"))
            if name not in fields:
                self.problem(where, f"{d.name}: order key {key!r} names no field of "
                             f"{item.__name__} (fields: {', '.join(fields)})",
                             "order by fields the items have, e.g. ('-created_at', '-id')")  # fmt: skip
            order.append(OrderKey(name, key.startswith("-")))
        if not order:
            self.problem(where, f"{d.name}: Cursor(order=()) is empty",
                         "give the order keys, the last one unique, e.g. ('-created_at', '-id')")  # fmt: skip
        limit = cursor.limit
        if not 1 <= limit.min <= limit.default <= limit.max:
            self.problem(where, f"{d.name}: Limit(min={limit.min}, default={limit.default}, "
                         f"max={limit.max}) is inconsistent", "need 1 <= min <= default <= max")  # fmt: skip
        filters = []
        for raw, spec in op.params:
            _, markers = _split(raw.annotation)
            flt = next((m for m in markers if isinstance(m, Filter)), None)
            if flt is None:
                continue
            self.check_filter(d, item, spec.name, flt)
            filters.append(FilterSpec(spec.name, _identifier(flt.field), flt.op))
        return PaginationSpec(
            cursor_param=cursor.cursor_param,
            limit_param=cursor.limit_param,
            limit=limit,
            order=tuple(order),
            filters=tuple(filters),
            item=item,
            item_schema=item.__name__,
        )

    def check_filter(
        self, d: OperationDecl, item: type[BaseModel], param: str, flt: Filter
    ) -> None:
        info = item.model_fields.get(_identifier(flt.field))
        if info is None:
            self.problem(d.location, f"{d.name}: filter {param!r} tests field {flt.field!r}, "
                         f"which {item.__name__} lacks (fields: {', '.join(item.model_fields)})",
                         "name a field of the page's items")  # fmt: skip
            return
        if flt.op == "contains" and get_origin(_strip(info.annotation)) not in (list, set, tuple):
            self.problem(d.location, f"{d.name}: filter {param!r} uses 'contains' on "
                         f"{item.__name__}.{flt.field}, which is not a list",
                         "use 'eq' for scalar fields, 'icontains' for substrings")  # fmt: skip

    def check_names_only(self, body: type[BaseModel], where: Location) -> None:
        """A body must not accept field names besides the aliases its schema documents."""
        for model in _models_by_name([body]).values():
            config = model.model_config
            by_name = config.get("validate_by_name") or config.get("populate_by_name")
            aliased = [n for n, f in model.model_fields.items() if f.alias and f.alias != n]
            if by_name and aliased:
                self.problem(_model_location(model) or where, f"{model.__name__} accepts "
                             f"{aliased[0]!r} as well as its alias {model.model_fields[aliased[0]].alias!r} "
                             "(validate_by_name): the schema can document only the alias",
                             "drop validate_by_name/populate_by_name from the request model")  # fmt: skip

    def cache(self, op: _Op) -> CacheSpec | None:
        d = op.decl
        if d.cacheable is False:
            return None
        if d.method == "GET":
            return CacheSpec(etag=True, if_match=None)
        if d.method == "POST":
            self.problem(d.location, f"{d.name}: cacheable=... on POST",
                         "conditional requests apply to GET (ETag) and PATCH/PUT/DELETE (If-Match)")  # fmt: skip
            return None
        required = d.cacheable is Conditional.REQUIRED
        return CacheSpec(etag=False, if_match="required" if required else "optional")


# -- helpers ---------------------------------------------------------------------------------

_REQUIRED: Any = inspect.Parameter.empty
_REASON = {
    "idempotent": "idempotent=...",
    "paginated": "paginated=...",
    "tenant": "tenant scoping",
    "lookup": "a path parameter",
    "input": "taking input",
    "body": "a request body",
    "if_match": "cacheable writes (If-Match)",
    "always": "every operation",
}


def _identifier(name: str) -> str:
    """A name as Python spells identifiers: NFKC-normalised (``ǅ`` is ``Dž`` in source)."""
    return unicodedata.normalize("NFKC", name)


def _split(annotation: Any) -> tuple[Any, list[Any]]:
    """``Annotated[T, m1, m2]`` → ``(T, [m1, m2])``, looking through ``T | None``."""
    markers: list[Any] = []
    if get_origin(annotation) is Annotated:
        base, *meta = get_args(annotation)
        markers.extend(meta)
        annotation = base
    return annotation, markers


def _strip(annotation: Any) -> Any:
    """Drop synth's markers from ``Annotated`` metadata, keeping Pydantic's."""
    if get_origin(annotation) is not Annotated:
        return annotation
    base, *meta = get_args(annotation)
    keep = [m for m in meta if not isinstance(m, (Body, Header, PathMarker, Query, Filter))]
    return Annotated[(base, *keep)] if keep else base


def _drop_null(schema: dict[str, Any]) -> dict[str, Any]:
    """An optional query parameter's ``T | None`` is documented as ``T``: absent means None."""
    branches = schema.get("anyOf")
    if isinstance(branches, list) and admits_null(schema):
        rest = [b for b in branches if b != {"type": "null"}]
        if len(rest) == 1:
            merged = {k: v for k, v in schema.items() if k not in ("anyOf", "default")}
            merged.update(rest[0])
            return merged
    if schema.get("default", ...) is None:
        del schema["default"]
    return schema


def _header_param(name: str, required: bool, description: str, schema: dict[str, Any]) -> ParamSpec:
    return ParamSpec(
        name, "header", required, schema, description, str, name.lower().replace("-", "_")
    )


def _pagination_params(p: PaginationSpec) -> tuple[ParamSpec, ...]:
    limit: dict[str, Any] = {"type": "integer", "default": p.limit.default}
    if p.limit.out_of_range == "reject":
        limit |= {"minimum": p.limit.min, "maximum": p.limit.max}
        rule = f"{p.limit.min} to {p.limit.max}; out of range gets 422 `validation_failed`"
    else:
        rule = f"clamped to {p.limit.min}..{p.limit.max}"
    return (
        ParamSpec(p.cursor_param, "query", False, {"type": "string", "minLength": 1},
                  "The `next_cursor` of the previous page; omit for the first page.", str,
                  p.cursor_param),
        ParamSpec(p.limit_param, "query", False, limit, f"Items per page, {rule}.", int,
                  p.limit_param),
    )  # fmt: skip


def _page_item(page: type[BaseModel]) -> type[BaseModel] | None:
    info = page.model_fields.get("items")
    if info is None:
        return None
    args = get_args(info.annotation)
    item = args[0] if args else None
    return item if isinstance(item, type) and issubclass(item, BaseModel) else None


def _field_without_schema(adapter: TypeAdapter[Any]) -> tuple[Location, str] | None:
    """Find the model field whose type has no JSON Schema, with the model's file and line."""
    tp = getattr(adapter, "_type", None)
    seen: set[type] = set()

    def walk(model: Any) -> tuple[Location, str] | None:
        if not (isinstance(model, type) and issubclass(model, BaseModel)) or model in seen:
            return None
        seen.add(model)
        for fname, info in model.model_fields.items():
            try:
                TypeAdapter(info.rebuild_annotation()).json_schema(schema_generator=SynthJsonSchema)
            except (PydanticInvalidForJsonSchema, PydanticUserError, PydanticSchemaGenerationError):
                for inner in _types_in(info.annotation):
                    found = walk(inner)
                    if found:
                        return found
                file = inspect.getsourcefile(model) or "?"
                try:
                    line = inspect.getsourcelines(model)[1]
                except (OSError, TypeError):
                    line = 1
                return Location(file, line), (
                    f"field {model.__name__}.{fname} of type {_type_name(info.annotation)}"
                )
        return None

    return walk(tp)


def _pattern_nodes(schema: Any, pointer: str) -> Iterable[tuple[str, dict[str, Any]]]:
    """Every schema node with a ``pattern`` keyword, with its JSON pointer."""
    if isinstance(schema, dict):
        if isinstance(schema.get("pattern"), str):
            yield f"{pointer}/pattern", schema
        for key, value in schema.items():
            if key != "pattern" and isinstance(value, dict | list):
                yield from _pattern_nodes(value, f"{pointer}/{key}")
    elif isinstance(schema, list):
        for i, value in enumerate(schema):
            yield from _pattern_nodes(value, f"{pointer}/{i}")


def _models_by_name(roots: Iterable[Any]) -> dict[str, type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    todo = list(roots)
    while todo:
        tp = todo.pop()
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if tp.__name__ in found:
                continue
            found[tp.__name__] = tp
            todo += [t for f in tp.model_fields.values() for t in _types_in(f.annotation)]
        else:
            todo += list(get_args(tp))
    return found


def _model_location(model: type[BaseModel] | None) -> Location | None:
    if model is None:
        return None
    try:
        return Location(inspect.getsourcefile(model) or "?", inspect.getsourcelines(model)[1])
    except (OSError, TypeError):
        return None


def _types_in(annotation: Any) -> list[Any]:
    out = [annotation]
    for arg in get_args(annotation):
        out.extend(_types_in(arg))
    return out


def _ref_name(schema: Any) -> str | None:
    if isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str):
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    return None


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(w[:1].upper() + w[1:] for w in rest)


def _type_name(tp: Any) -> str:
    return tp.__name__ if isinstance(tp, type) else repr(tp)


def _mapping(obj: Any) -> Mapping[str, str] | None:
    if obj is None:
        return None
    values = {k: getattr(obj, k) for k in obj.__dataclass_fields__}
    return types.MappingProxyType({k: v for k, v in values.items() if v is not None})
