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
    _operations   each ``OperationSpec``, with _semantics (idempotency, pagination, cache)
"""

from __future__ import annotations

import types
from pathlib import Path
from typing import Any

from ..contract import Api
from ..relations import declared_resources, relations
from ..spec import ApiSpec
from ._imports import find_api, import_contracts
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
    taxonomy = check_taxonomy(api.errors, problems)
    ops = [op for decl in api.operations if (op := resolve(decl, problems)) is not None]
    check_unique(ops, problems)
    schemas, refs = build_schemas(ops, problems)
    document_patterns(schemas, refs, ops, problems)
    builder = OperationBuilder(api, taxonomy, schemas, refs, problems)
    operations = tuple(builder.operation(op) for op in ops)
    _check_resources(api, problems)
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
        bearer_format=api.auth.bearer_format,
        error_type_base=api.error_type_base,
        tags=types.MappingProxyType(dict(api.tags)),
        errors=tuple(sorted(taxonomy.values(), key=lambda e: (e.status, e.code))),
        operations=operations,
        schemas=types.MappingProxyType(schemas),
        source=str(root),
        relations=relations(operations, declared_resources(api)),
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


def _mapping(obj: Any) -> types.MappingProxyType[str, str] | None:
    if obj is None:
        return None
    values = {k: getattr(obj, k) for k in obj.__dataclass_fields__}
    return types.MappingProxyType({k: v for k, v in values.items() if v is not None})
