"""Each operation's signature (or explicit declaration) as parameters, body, response.

Also checks the path template against the parameters, and that operation ids and routes are
unique. Schemas are not looked at yet: a parameter's ``ParamSpec`` leaves ``schema`` empty.
"""

from __future__ import annotations

import inspect
import typing
from typing import Any, get_args, get_origin

from pydantic import BaseModel, RootModel
from pydantic.fields import FieldInfo

from .._paths import param_names, route_shape
from ..contract import Body, Header, LinkHeader, OperationDecl, Query, RawParam
from ..contract import Path as PathMarker
from ..spec import ParamSpec
from ._common import Op, camel, identifier, split, strip, type_name
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
        op.body = decl.body
    template = param_names(decl.path)
    _check_template(decl, template, problems)
    _add_params(op, params, template, problems)
    _check_path_declared(op, template, problems)
    if not _set_response(op, returns, problems):
        return None
    return op


def _check_template(decl: OperationDecl, template: list[str], problems: Problems) -> None:
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
    """False when the return type is neither a Pydantic model nor None: the operation is unusable."""
    if returns is None or returns is type(None):
        op.response = None
    elif isinstance(returns, type) and issubclass(returns, BaseModel):
        op.response = returns
    elif isinstance(op.decl.paginated, LinkHeader) and _model_list(returns):
        # A LinkHeader list answers with the bare array of items: a named root model of it
        # (``ContactList``) keeps one component per response, as every other response has.
        item = get_args(returns)[0]
        op.response = type(
            f"{item.__name__}List", (RootModel[returns],), {"__module__": item.__module__}
        )
    else:
        problems.add(
            op.decl.location,
            f"{op.decl.name}: the response type {type_name(returns)} is not a Pydantic model",
            "return a BaseModel subclass, or None for no body",
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
