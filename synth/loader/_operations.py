"""Each resolved operation as an ``OperationSpec``, its semantics and errors checked."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from .._errors import Location
from .._paths import PATH_PARAM
from ..contract import Api, ErrorCode, Idempotency, OperationDecl
from ..contract._models import ACROSS_TENANTS_KEYWORD, UNIQUE_KEYWORD
from ..spec import OperationSpec
from . import _semantics as semantics
from ._common import Op, camel, model_location, models_by_name, ref_name
from ._examples import examples
from ._forms import form_files
from ._headers import response_headers
from ._limits import rate_limit
from ._problems import Problems
from ._schemas import Refs, param_schema
from ._taxonomy import KEY_MISSING, implied_by, implied_codes

__all__ = ["OperationBuilder", "check_closed", "check_names_only"]


class OperationBuilder:
    """Builds the operations of one ``Api``; a missing implied code is reported only once."""

    def __init__(
        self,
        api: Api,
        taxonomy: dict[str, ErrorCode],
        components: dict[str, Any],
        refs: Refs,
        problems: Problems,
    ) -> None:
        self.api = api
        self.taxonomy = taxonomy
        self.components = components
        self.refs = refs
        self.problems = problems
        self.missing: set[str] = set()
        self.open_models: set[type[BaseModel]] = set()
        self.limits_reported: set[int] = set()  # a wrong RateLimit is reported once

    def operation(self, op: Op) -> OperationSpec:
        d, where, problems = op.decl, op.decl.location, self.problems
        tenant = self.api.tenant_scoped if d.tenant_scoped is None else d.tenant_scoped
        semantics.check_idempotency(d, problems)
        if d.status < 100 or d.status > 399:
            problems.add(
                where,
                f"{d.name}: success status {d.status} is not 1xx-3xx",
                "declare errors through errors=[...], not status=",
            )
        if d.status == 204 and op.response is not None:
            problems.add(
                where,
                f"{d.name}: status 204 has no body, but the function returns "
                f"{op.response.__name__}",
                "return None, or use status 200",
            )
        if d.upsert:
            _check_upsert(d, problems)
        if op.body is not None:
            check_names_only(op.body, where, problems)
            check_closed(op.body, d.name, problems, self.open_models)
        pagination = semantics.pagination(op, problems)
        if d.paginated is None:
            semantics.check_no_filters(op, problems)
        if pagination is not None:
            page = self.refs.get((d.name, "response"))
            pagination = semantics.with_item_schema(pagination, page, self.components)
        cache = semantics.cache(d, problems)
        limit = rate_limit(d, self.api, tenant, problems, self.limits_reported)
        implied = implied_by(
            op,
            tenant=tenant,
            paginated=pagination is not None,
            numbered=pagination is not None and pagination.style in ("link", "offset", "page"),
            if_match=cache.if_match if cache is not None else None,
            limited=limit is not None,
        )
        codes = implied_codes(
            d.name, where, implied, self.taxonomy, missing=self.missing, problems=problems
        )
        for entry in d.errors:
            known = self.taxonomy.get(entry.code)
            if known is None or known != entry:
                problems.add(
                    where,
                    f"{d.name}: error code {entry.code!r} is not in the taxonomy",
                    f"declare it with api.error({entry.code!r}, ...) and use that object",
                )
            elif entry.code == KEY_MISSING and d.idempotent is not Idempotency.REQUIRED:
                taken = "optional" if d.idempotent is Idempotency.OPTIONAL else "not taken"
                problems.add(
                    where,
                    f"{d.name}: errors=[...] lists {KEY_MISSING!r}, but the operation's "
                    f"Idempotency-Key is {taken}, so a request without one is never refused",
                    "drop it from errors=, or require the key with idempotent=True",
                )
            else:
                codes[entry.code] = entry
        params = tuple(param_schema(op, s, self.refs) for _, s in op.params)
        params += semantics.semantic_params(d, pagination, cache)
        names = [(p.location, p.name.lower()) for p in params]
        if len(set(names)) != len(names):
            problems.add(
                where,
                f"{d.name}: two parameters share a name: {sorted(names)}",
                "rename one; pagination and header parameters are added by synth",
            )
        body_schema = ref_name(self.refs.get((d.name, "body")))
        files = form_files(op, body_schema, self.components, problems)
        unique = self.unique(body_schema)
        duplicate = [
            e for e in codes.values() if e.status == 409 and e.code != "idempotency_key_in_use"
        ]
        if unique and not duplicate:
            problems.add(
                where,
                f"{d.name}: the body's field(s) {', '.join(unique)} are declared Unique(), but "
                "no 409 is declared for a duplicate",
                "declare the server's answer to a duplicate, e.g. errors=[api.error("
                "'key_taken', 409, ...)], or take Unique() off",
            )
        return OperationSpec(
            operation_id=camel(d.name),
            name=d.name,
            method=d.method,
            path=d.path,
            summary=d.summary or d.name.replace("_", " ").capitalize(),
            description=d.description or "",
            tags=d.tags,
            deprecated=d.deprecated,
            params=params,
            body=op.body,
            body_schema=body_schema,
            status=d.status,
            response=op.response,
            response_schema=ref_name(self.refs.get((d.name, "response"))),
            errors=tuple(sorted(codes.values(), key=lambda e: (e.status, e.code))),
            tenant_scoped=tenant,
            idempotency=semantics.idempotency(d),
            pagination=pagination,
            cache=cache,
            location=where,
            unique=unique,
            unique_across_tenants=self.unique(body_schema, ACROSS_TENANTS_KEYWORD),
            upsert=d.upsert,
            response_item=self.response_item(ref_name(self.refs.get((d.name, "response")))),
            response_headers=response_headers(
                d, tuple(codes.values()), pagination, cache, self.refs, self.components, problems
            ),
            body_media_type=op.media_type,
            files=files,
            examples=examples(op, params, problems),
            rate_limit=limit,
        )

    def response_item(self, response_schema: str | None) -> str | None:
        """The items' component when the response is a bare JSON array of them."""
        schema = self.components.get(response_schema or "", {})
        return ref_name(schema.get("items")) if schema.get("type") == "array" else None

    def unique(self, body_schema: str | None, keyword: str = UNIQUE_KEYWORD) -> tuple[str, ...]:
        """The body's properties declared ``Unique()`` (``x-synth-unique`` in their schema);
        with ``keyword=ACROSS_TENANTS_KEYWORD``, those declared unique across tenants."""
        if body_schema is None:
            return ()
        props = self.components.get(body_schema, {}).get("properties", {})
        return tuple(name for name, schema in props.items() if _is_unique(schema, keyword))


def _check_upsert(d: OperationDecl, problems: Problems) -> None:
    """An upsert is a PUT on an item path (``/things/{id}``) answering 200 when it replaces."""
    if d.method != "PUT":
        problems.add(
            d.location,
            f"{d.name}: upsert=True on {d.method}",
            "only a PUT on an item path creates or replaces: declare it with @api.put(...)",
        )
    elif not PATH_PARAM.fullmatch(d.path.rstrip("/").rpartition("/")[2]):
        problems.add(
            d.location,
            f"{d.name}: upsert=True on {d.path}, which names no item (its last segment is no "
            "{parameter})",
            "put the upsert on the item path, e.g. /things/{thing_id}",
        )
    elif d.status != 200:
        problems.add(
            d.location,
            f"{d.name}: upsert=True with status={d.status}",
            "leave status at 200: an upsert answers 201 when it creates and 200 when it replaces",
        )


def _is_unique(schema: Any, keyword: str) -> bool:
    """Whether a property's schema, or a branch of its ``anyOf``, carries ``keyword``
    (``x-synth-unique``, ``x-synth-unique-across-tenants``) as true."""
    if not isinstance(schema, dict):
        return False
    if schema.get(keyword) is True:
        return True
    return any(_is_unique(branch, keyword) for branch in schema.get("anyOf", ()))


def check_names_only(body: type[BaseModel], where: Location, problems: Problems) -> None:
    """A body must not accept field names besides the aliases its schema documents."""
    for model in models_by_name([body]).values():
        config = model.model_config
        by_name = config.get("validate_by_name") or config.get("populate_by_name")
        aliased = [n for n, f in model.model_fields.items() if f.alias and f.alias != n]
        if by_name and aliased:
            alias = model.model_fields[aliased[0]].alias
            problems.add(
                model_location(model) or where,
                f"{model.__name__} accepts {aliased[0]!r} as well as its alias {alias!r} "
                "(validate_by_name): the schema can document only the alias",
                "drop validate_by_name/populate_by_name from the request model",
            )


def check_closed(
    body: type[BaseModel], operation: str, problems: Problems, reported: set[type[BaseModel]]
) -> None:
    """A model nested in a body must refuse what the body refuses, at every depth.

    A ``RequestModel`` refuses unknown keys and validates strictly; a ``Model`` (or a plain
    ``BaseModel``) nested in it would take unknown keys (or ``"5"`` for an integer) where the
    OpenAPI document, the Zod schemas and the SDKs could only say one thing for the model.
    """
    config = body.model_config
    closed, strict = config.get("extra") == "forbid", config.get("strict") is True
    for model in models_by_name([body]).values():
        if model is body or model in reported:
            continue
        inner = model.model_config
        lacks = [
            what
            for what, needed, has in (
                ("unknown keys are ignored", closed, inner.get("extra") == "forbid"),
                ("validation is lax", strict, inner.get("strict") is True),
            )
            if needed and not has
        ]
        if lacks:
            reported.add(model)
            problems.add(
                model_location(model),
                f"{model.__name__} is nested in the request body of {operation} "
                f"({body.__name__}), but {' and '.join(lacks)} in it: a request body is "
                "closed and strict at every depth",
                f"derive {model.__name__} from RequestModel (it can serve in responses too, "
                "where unknown keys are ignored at every depth)",
            )
