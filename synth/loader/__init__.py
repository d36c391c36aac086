"""Load contract modules and build the one immutable ``ApiSpec``.

Every contract mistake is collected as a ``Problem`` with the file and line it was made on;
all of them are raised together as one ``ContractError``. Nothing here raises a bare Python
exception for a user's mistake.

The loading runs in phases, one module each, all reporting to one ``Problems`` collector:

    _imports      import the contract modules, find the ``Api``   (stops at the first failure)
    _taxonomy     the error codes
    _signatures   each operation's parameters, body and response; unique ids and routes
    _schemas      every JSON Schema in one pass, the components named once
    _patterns     each ``pattern`` in a form every reader of the document accepts
    _operations   each ``OperationSpec``, with _semantics (idempotency, pagination, cache),
                  _forms (what a form or multipart body may carry, its file parts) and
                  _examples (the declared examples, validated against the models)
"""

from __future__ import annotations

import dataclasses
import inspect
import types
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..contract import Api, ApiKey, Bearer, Cookie, OperationDecl, RawParam
from ..contract._models import Unique, ref_fields
from ..relations import Relations, declared_resources, relations
from ..spec import ApiSpec, AuthStyle, OperationSpec
from ._common import TOKEN
from ._defaults import check_defaults
from ._imports import find_api, import_contracts
from ._observability import check_request_id, with_slo
from ._operations import OperationBuilder
from ._patterns import document_patterns
from ._problems import Problems
from ._schemas import build_schemas
from ._signatures import check_unique, resolve
from ._taxonomy import check_taxonomy

__all__ = ["load"]


def load(contracts_dir: str | Path) -> ApiSpec:
    """Import the contract modules under ``contracts_dir`` and build the ``ApiSpec``."""
    root = Path(contracts_dir)
    problems = Problems()
    api = find_api(root, import_contracts(root, problems), problems)
    problems.found.extend(api.mistakes)  # the arguments refused where they were written
    taxonomy = check_taxonomy(api.errors, problems)
    decls = _with_tenant_param(api)
    ops = [op for decl in decls if (op := resolve(decl, problems)) is not None]
    check_unique(ops, problems)
    check_defaults(ops, problems)
    schemas, refs = build_schemas(ops, problems)
    document_patterns(schemas, refs, ops, problems)
    builder = OperationBuilder(api, taxonomy, schemas, refs, problems)
    operations = tuple(builder.operation(op) for op in ops)
    operations = tuple(
        with_slo(op.decl, spec, problems) for op, spec in zip(ops, operations, strict=True)
    )
    _check_resources(api, problems)
    _check_auth(api, problems)
    _check_tenant_param(api, operations, problems)
    related = relations(operations, declared_resources(api), api.tenant_param)
    _check_relations(api, operations, related, problems)
    _check_tiebreakers(operations, related, problems)
    request_id = check_request_id(api, operations, problems)
    problems.check()
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
        bearer_format=api.auth.bearer_format if isinstance(api.auth, Bearer) else None,
        error_type_base=api.error_type_base,
        tags=types.MappingProxyType(dict(api.tags)),
        errors=tuple(sorted(taxonomy.values(), key=lambda e: (e.status, e.code))),
        operations=operations,
        schemas=types.MappingProxyType(schemas),
        source=str(root),
        relations=related,
        auth_style=_style(api),
        auth_name=_auth_name(api),
        tenant_param=api.tenant_param,
        request_id=request_id,
    )


def _with_tenant_param(api: Api) -> list[OperationDecl]:
    """The declarations, with the tenant path parameter added where ``api.resource()`` made
    an operation under it (``/orgs/{org_id}/notes``): typed as a decorated operation types
    it, else as text."""
    name = api.tenant_param
    if name is None:
        return list(api.operations)
    annotation: Any = str
    for decl in api.operations:
        if decl.func is not None and "{" + name + "}" in decl.path:
            try:
                hints = typing.get_type_hints(decl.func, include_extras=True)
            except Exception:  # an unresolvable hint is reported by _signatures
                continue
            if name in hints:
                annotation = hints[name]
                break
    tenant = RawParam(name, annotation, inspect.Parameter.empty)
    out = []
    for decl in api.operations:
        made = decl.func is None and decl.params is not None
        missing = all(p.name != name for p in decl.params or ())
        if made and missing and "{" + name + "}" in decl.path:
            out.append(dataclasses.replace(decl, params=(tenant, *(decl.params or ()))))
        else:
            out.append(decl)
    return out


def _style(api: Api) -> AuthStyle:
    if isinstance(api.auth, ApiKey):
        return "header"
    if isinstance(api.auth, Cookie):
        return "cookie"
    return "bearer"


def _auth_name(api: Api) -> str:
    if isinstance(api.auth, ApiKey):
        return api.auth.header
    if isinstance(api.auth, Cookie):
        return api.auth.name
    return "Authorization"


# Headers the checks set themselves; an API key there would be overwritten or misread.
_RESERVED = {"authorization", "cookie", "content-type", "idempotency-key", "if-match",
             "if-none-match", "accept", "host", "content-length"}  # fmt: skip


def _check_auth(api: Api, problems: Problems) -> None:
    """An ``ApiKey`` header or a ``Cookie`` name must be one HTTP can carry."""
    if isinstance(api.auth, ApiKey):
        what, name, fix = "ApiKey(header=...)", api.auth.header, 'e.g. ApiKey(header="X-Api-Key")'
        if isinstance(name, str) and name.lower() in _RESERVED:
            problems.add(api.location, f"{what}: {name!r} is a header synth and HTTP use "
                         "for something else", f"name the API key's own header; {fix}")  # fmt: skip
            return
    elif isinstance(api.auth, Cookie):
        what, name, fix = "Cookie(name=...)", api.auth.name, 'e.g. Cookie(name="session")'
    else:
        return
    if not isinstance(name, str) or not TOKEN.fullmatch(name):
        problems.add(api.location, f"{what}: {name!r} is not a valid "
                     f"{'header' if what.startswith('ApiKey') else 'cookie'} name",
                     f"use letters, digits and '-' or '_'; {fix}")  # fmt: skip


def _check_tenant_param(
    api: Api, operations: tuple[OperationSpec, ...], problems: Problems
) -> None:
    """``tenant_param`` must be a path parameter of at least one tenant-scoped operation."""
    name = api.tenant_param
    if name is None:
        return
    scoped = [op for op in operations if op.tenant_scoped]
    if any(p.name == name for op in scoped for p in op.path_params):
        return
    shown = sorted({p.name for op in scoped for p in op.path_params})
    problems.add(
        api.location,
        f"tenant_param={name!r} is not a path parameter of any tenant-scoped operation",
        "name the path parameter that carries the caller's tenant (e.g. "
        'tenant_param="org_id" for /orgs/{org_id}/...)'
        + (f"; path parameters declared: {', '.join(shown)}" if shown else "")
        + ", or leave tenant_param out when the tenant comes from the credential alone",
    )


def _check_resources(api: Api, problems: Problems) -> None:
    """A declared ``id_field`` must be a field of the resource's item."""
    for resource in api.resources:
        fields = resource.item.model_fields
        if resource.id_field is not None and resource.id_field not in fields:
            problems.add(
                resource.location,
                f"id_field={resource.id_field!r} is not a field of {resource.item.__name__}",
                f"name the field whose value {{{resource.id_param}}} takes, one of: "
                + ", ".join(fields),
            )


def _check_relations(
    api: Api, operations: Sequence[OperationSpec], related: Relations, problems: Problems
) -> None:
    """``created_by=`` names an operation; ``Ref(path)`` a collection whose items synth can make."""
    names = {op.name for op in operations}
    for resource in api.resources:
        creator = resource.roles.get("create")
        if creator is not None and creator not in names:
            problems.add(
                resource.location,
                f"created_by={creator!r} names no operation",
                "give the function name of the operation that creates the items, one of: "
                + ", ".join(sorted(names)),
            )
    for op in operations:
        if op.body is None:
            continue
        found = {r.field for r in related.refs.get(op.operation_id, ())}
        for name, path in ref_fields(op.body).items():
            if name not in found:
                known = sorted(
                    c.path for c in related.collections if c.create is not None and c.item_path
                )
                problems.add(
                    op.location,
                    f"{op.body.__name__}.{name} is declared Ref({path!r}), but no operation "
                    f"creates items of {path} that a path names",
                    "give the path of a collection whose items an operation creates, one of: "
                    + (", ".join(known) or "(none)"),
                )


def _check_tiebreakers(
    operations: Sequence[OperationSpec], related: Relations, problems: Problems
) -> None:
    """A page order given as ``order=`` ends with a key unique per item, so items that tie on
    the others keep one order across pages.

    Unique: ``id``, a field declared ``Unique()`` (on the item, or on the body that creates
    it, where the README shows it), or the field an item's path parameter takes (``number``
    for ``/tasks/{task_number}``). Known only with the relations, so checked here; ``Sort``
    orders and ``StartingAfter``'s are checked as they are read.
    """
    unique: dict[type[BaseModel], set[str]] = {}
    for c in related.collections:
        if c.item is None:
            continue
        found = unique.setdefault(c.item, set())
        if c.id_field:
            found.add(c.id_field)
        for writer in (c.create, c.upsert):
            if writer is not None and writer.body is not None:
                found.update(_unique_names(writer.body))
    for op in operations:
        p = op.pagination
        if p is None or p.sort is not None or p.style == "starting_after" or not p.order:
            continue
        key = p.tiebreaker.field
        known = {"id", *unique.get(p.item, ()), *_unique_names(p.item)}
        if key not in p.item.model_fields or key in known:
            continue
        keys = tuple(("-" if k.descending else "") + k.field for k in p.order)
        tie = "-id" if p.tiebreaker.descending else "id"
        problems.add(
            op.location,
            f"{op.name}: the order {keys!r} ends with {key!r}, which is not unique per "
            f"{p.item.__name__}: items that tie on it have no defined order, so pages can "
            "repeat or skip them",
            f"end the order with `id` (or a field declared Unique()), e.g. order="
            f"({', '.join(repr(k) for k in (*keys, tie))})",
        )


def _unique_names(model: type[BaseModel]) -> set[str]:
    """The fields of ``model`` declared ``Unique()``, by name and by JSON name."""
    return {
        spelled
        for name, info in model.model_fields.items()
        if any(isinstance(m, Unique) for m in info.metadata)
        for spelled in (name, info.alias or name)
    }


def _mapping(obj: Any) -> types.MappingProxyType[str, str] | None:
    if obj is None:
        return None
    values = {k: getattr(obj, k) for k in obj.__dataclass_fields__}
    return types.MappingProxyType({k: v for k, v in values.items() if v is not None})
