"""Each operation's signature (or explicit declaration) as parameters, body, response.

Also checks the path template against the parameters, and that operation ids and routes are
unique. Schemas are not looked at yet: a parameter's ``ParamSpec`` leaves ``schema`` empty.
"""

from __future__ import annotations

import inspect
import typing
from types import UnionType
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .._paths import param_names, route_shape
from ..contract import Body, Header, OperationDecl, Query, RawParam
from ..contract import Path as PathMarker
from ..spec import ParamSpec
from ._common import TOKEN, Op, camel, identifier, list_model, split, strip, type_name
from ._problems import Problems

__all__ = ["check_unique", "resolve"]

_REQUIRED: Any = inspect.Parameter.empty


def resolve(decl: OperationDecl, problems: Problems) -> Op | None:
    """The operation's parameters, body and response; None when it cannot be used at all."""
    op = Op(decl)
    if decl.func is not None:
        raw = _signature(decl, problems)
        if raw is None:
            return None
        params, returns = raw
    else:
        params, returns = list(decl.params or ()), decl.returns
        if decl.body is None or (isinstance(decl.body, type) and issubclass(decl.body, BaseModel)):
            op.body = decl.body
        else:
            problems.add(
                decl.location,
                f"{decl.name}: the body {type_name(decl.body)} is not a Pydantic model",
                "pass the request model's class, e.g. create(NewThing)",
            )
    template = param_names(decl.path)
    _check_template(decl, template, problems)
    _add_params(op, params, template, problems)
    _check_path_declared(op, template, problems)
    if op.body is not None and decl.method == "GET":
        problems.add(
            decl.location,
            f"{decl.name}: GET with a request body ({op.body.__name__}): a GET's body has no "
            "meaning in HTTP, and browsers, proxies and caches drop it",
            "take the values as query parameters, or declare the operation as a POST",
        )
    if not _set_response(op, returns, problems):
        return None
    return op


def _check_template(decl: OperationDecl, template: list[str], problems: Problems) -> None:
    path = decl.path
    if not path.startswith("/"):
        problems.add(
            decl.location,
            f"{decl.name}: path {path!r} does not start with '/'",
            f"write it from the API's base path: {'/' + path!r}",
        )
    if any(c in path for c in "?#") or any(c.isspace() for c in path):
        problems.add(
            decl.location,
            f"{decl.name}: path {path!r} holds a query string, a fragment or a space",
            "declare only the path; query parameters are the function's other parameters",
        )
    repeated = sorted({name for name in template if template.count(name) > 1})
    if repeated:
        problems.add(
            decl.location,
            f"{decl.name}: path {path!r} names {{{repeated[0]}}} twice",
            "give each path parameter its own name, e.g. {parent_id} and {child_id}",
        )
    for name in template:
        if not name.isidentifier():
            problems.add(
                decl.location,
                f"path {decl.path!r} has a malformed parameter {{{name}}}",
                "path parameters are Python identifiers in braces: {contact_id}",
            )


def _add_params(op: Op, params: list[RawParam], template: list[str], problems: Problems) -> None:
    """The body parameter becomes ``op.body``; every other one a ``ParamSpec`` in ``op.params``."""
    decl = op.decl
    for param in params:
        annotation, markers = split(param.annotation)
        is_body = param.name == "body" or any(isinstance(m, Body) for m in markers)
        if is_body:
            if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
                problems.add(
                    decl.location,
                    f"{decl.name}: the body parameter {param.name!r} is "
                    f"{type_name(annotation)}, not a Pydantic model",
                    "annotate the body with a BaseModel subclass",
                )
            else:
                op.body = annotation
                marker = next((m for m in markers if isinstance(m, Body)), None)
                op.media_type = getattr(marker, "media_type", op.media_type)
            continue
        spec = _param(decl, param, markers, template, problems)
        if spec is not None:
            op.params.append((param, spec))


def _check_path_declared(op: Op, template: list[str], problems: Problems) -> None:
    decl = op.decl
    declared = {s.name for _, s in op.params if s.location == "path"}
    for name in template:
        if name.isidentifier() and name not in declared:
            problems.add(
                decl.location,
                f"{decl.name}: path {decl.path!r} has {{{name}}} but the "
                "operation has no parameter of that name",
                f"add a parameter `{name}: <type>` to the function",
            )


def _set_response(op: Op, returns: Any, problems: Problems) -> bool:
    """False when the return type is neither a Pydantic model, a list of one, nor None: the
    operation is unusable."""
    if returns is None or returns is type(None):
        op.response = None
    elif isinstance(returns, type) and issubclass(returns, BaseModel):
        op.response = returns
    elif _model_list(returns):
        # A bare JSON array of items (``-> list[Plan]``, or a LinkHeader list's page): a named
        # root model of it (``PlanList``) keeps one component per response, as every other
        # response has, and the document says ``type: array`` with ``$ref`` items.
        op.response = list_model(get_args(returns)[0])
    else:
        problems.add(
            op.decl.location,
            f"{op.decl.name}: the response type {type_name(returns)} is not a Pydantic model",
            "return a BaseModel subclass, a list of one (`-> list[Item]`), or None for no body",
        )
        return False
    return True


def _model_list(tp: Any) -> bool:
    args = get_args(tp)
    return (
        get_origin(tp) is list
        and len(args) == 1
        and isinstance(args[0], type)
        and issubclass(args[0], BaseModel)
    )


def _signature(decl: OperationDecl, problems: Problems) -> tuple[list[RawParam], Any] | None:
    func = decl.func
    assert func is not None
    try:
        hints = typing.get_type_hints(func, include_extras=True)
    except Exception as exc:  # an unresolvable forward reference in the user's annotations
        problems.add(
            decl.location,
            f"{decl.name}: cannot resolve its annotations: {type(exc).__name__}: {exc}",
            "import every type the signature names",
        )
        return None
    if "return" not in hints:
        problems.add(
            decl.location,
            f"{decl.name}: no return annotation",
            "annotate the response model (`-> Contact`), or `-> None` for no body",
        )
        return None
    params = []
    for p in inspect.signature(func).parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            problems.add(
                decl.location,
                f"{decl.name}: *{p.name} parameters are not allowed",
                "declare each parameter by name",
            )
            continue
        if p.name not in hints:
            problems.add(
                decl.location,
                f"{decl.name}: parameter {p.name!r} has no annotation",
                f"annotate it, e.g. `{p.name}: str`",
            )
            continue
        default = p.default if p.default is not p.empty else _REQUIRED
        params.append(RawParam(p.name, hints[p.name], default))
    return params, hints["return"]


def _param(
    decl: OperationDecl,
    param: RawParam,
    markers: list[Any],
    template: list[str],
    problems: Problems,
) -> ParamSpec | None:
    header = next((m for m in markers if isinstance(m, Header)), None)
    query = next((m for m in markers if isinstance(m, Query)), None)
    path = next((m for m in markers if isinstance(m, PathMarker)), None)
    in_path = param.name in map(identifier, template)
    if path is not None and not in_path:
        problems.add(
            decl.location,
            f"{decl.name}: parameter {param.name!r} is marked Path() "
            f"but {decl.path!r} has no {{{param.name}}}",
            f"add {{{param.name}}} to the path or drop Path()",
        )
        return None
    location: Any = "path" if in_path else "header" if header else "query"
    if not _wire_name(decl, param, header, query, problems):
        return None
    _carried(decl, param, location, problems)
    name = header.name if header else (query.alias if query and query.alias else param.name)
    if in_path:  # the path's own spelling, which Python may have normalised in the signature
        name = next(t for t in template if identifier(t) == param.name)
    description = next((m.description for m in (header, query, path) if m), "")
    info = next((m for m in markers if isinstance(m, FieldInfo)), None)
    if info is not None and info.description:
        description = description or info.description
    no_default = param.default is _REQUIRED or param.default is inspect.Parameter.empty
    required = in_path or no_default
    if in_path and not no_default:
        problems.add(
            decl.location,
            f"{decl.name}: path parameter {param.name!r} has a default",
            "path parameters are always required; remove the default",
        )
    return ParamSpec(
        name=name,
        location=location,
        required=required,
        schema={},
        description=description,
        annotation=strip(param.annotation),
        python_name=param.name,
    )


def _wire_name(
    decl: OperationDecl,
    param: RawParam,
    header: Header | None,
    query: Query | None,
    problems: Problems,
) -> bool:
    """A ``Header`` name HTTP can carry; a ``Query`` alias that is a non-empty string."""
    what = f"{decl.name}: parameter {param.name!r}"
    if header is not None and not (isinstance(header.name, str) and TOKEN.fullmatch(header.name)):
        problems.add(
            decl.location,
            f"{what}: Header({header.name!r}) is not a header name HTTP can carry",
            'name the header as sent, letters, digits and "-": Header("X-Request-Id")',
        )
        return False
    if (
        query is not None
        and query.alias is not None
        and not (isinstance(query.alias, str) and query.alias)
    ):
        problems.add(
            decl.location,
            f"{what}: Query(alias={query.alias!r}) is not a parameter name",
            'give the name as sent in the query string, e.g. Query(alias="per-page")',
        )
        return False
    return True


def _carried(decl: OperationDecl, param: RawParam, location: str, problems: Problems) -> None:
    """A path segment carries one scalar; no parameter carries a whole model."""
    base = split(strip(param.annotation))[0]
    options = [a for a in get_args(base) if a is not type(None)] if _is_union(base) else [base]
    model = next((o for o in options if isinstance(o, type) and issubclass(o, BaseModel)), None)
    many = any(get_origin(o) in (list, set, frozenset, tuple, dict) or o in (list, dict)
               for o in options)  # fmt: skip
    if model is not None:
        fix = (
            "take the model as the request body (a parameter named body), or its fields as "
            "parameters of their own"
        )
    elif location == "path" and many:
        fix = "a path segment carries one value: take the values as a query parameter"
    else:
        return
    problems.add(
        decl.location,
        f"{decl.name}: the {location} parameter {param.name!r} is "
        f"{type_name(model) if model is not None else type_name(base)}, which a "
        f"{location} parameter cannot carry",
        fix,
    )


def _is_union(tp: Any) -> bool:
    return get_origin(tp) in (Union, UnionType)


def check_unique(ops: list[Op], problems: Problems) -> None:
    """One operation per operation id, and one per method and path."""
    ids: dict[str, Op] = {}
    routes: dict[tuple[str, str], Op] = {}
    for op in ops:
        d = op.decl
        oid = camel(d.name)
        if oid in ids:
            problems.add(
                d.location,
                f"duplicate operation id {oid!r} (first at {ids[oid].decl.location})",
                "rename one of the functions",
            )
        ids.setdefault(oid, op)
        route = (d.method, route_shape(d.path))
        if route in routes:
            problems.add(
                d.location,
                f"duplicate route {d.method} {d.path} (first at {routes[route].decl.location})",
                "each method and path is declared once",
            )
        routes.setdefault(route, op)
