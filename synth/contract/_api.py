"""``Api``: the object that contract modules declare errors, operations and resources on.

Declarations are only recorded here, with the file and line they were made on; the loader
(``synth.loader``) checks them and builds the immutable ``ApiSpec``. Keeping the checks in one
place lets every mistake be reported together, each with its location.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, TypeVar, get_args, get_origin

from pydantic import BaseModel

from .._errors import Location
from ._examples import Example
from ._semantics import Conditional, Cursor, Filter, Idempotency, Limit, Paginated

__all__ = [
    "Api",
    "ApiKey",
    "Auth",
    "Bearer",
    "Contact",
    "Cookie",
    "ErrorCode",
    "License",
    "Resource",
]

Method = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]
RoleName = Literal["create", "upsert", "list", "read", "update", "delete"]
F = TypeVar("F", bound=Callable[..., Any])


def _caller(depth: int = 2) -> Location:
    frame = sys._getframe(depth)
    return Location(frame.f_code.co_filename, frame.f_lineno)


@dataclass(frozen=True, slots=True)
class ErrorCode:
    """One entry of the error taxonomy: a stable snake_case code and its HTTP status."""

    code: str
    status: int
    title: str
    description: str
    retryable: bool = False
    location: Location | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Bearer:
    """``Authorization: Bearer <token>``; each token belongs to one tenant."""

    scheme_name: str = "bearerAuth"
    description: str = "A bearer token; each token belongs to exactly one tenant."
    bearer_format: str | None = None


@dataclass(frozen=True, slots=True)
class ApiKey:
    """An API key in a request header (``X-Api-Key: <key>``); each key belongs to one tenant."""

    header: str = "X-Api-Key"
    scheme_name: str = "apiKeyAuth"
    description: str = "An API key; each key belongs to exactly one tenant."


@dataclass(frozen=True, slots=True)
class Cookie:
    """A session cookie (``Cookie: session=<value>``); each session belongs to one tenant."""

    name: str = "session"
    scheme_name: str = "cookieAuth"
    description: str = "A session cookie; each session belongs to exactly one tenant."


Auth = Bearer | ApiKey | Cookie


@dataclass(frozen=True, slots=True)
class Contact:
    """Who maintains the API (OpenAPI ``info.contact``)."""

    name: str
    url: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class License:
    """The API's licence (OpenAPI ``info.license``), by SPDX identifier."""

    name: str
    identifier: str


@dataclass(frozen=True, slots=True)
class RawParam:
    """A parameter as declared: name, annotation (``Annotated`` allowed), default."""

    name: str
    annotation: Any
    default: Any


_NO_DEFAULT: Any = inspect.Parameter.empty  # the loader reads it as "required"
_ITEM: Any = object()  # ``Resource.action(returns=...)`` left out: the resource's item


@dataclass(frozen=True, slots=True)
class OperationDecl:
    """An operation as declared, before the loader checks and resolves it."""

    method: Method
    path: str
    name: str
    location: Location
    status: int
    errors: tuple[ErrorCode, ...]
    idempotent: Idempotency | None
    paginated: Paginated | None
    cacheable: bool | Conditional
    tenant_scoped: bool | None
    tags: tuple[str, ...]
    summary: str | None
    description: str | None
    deprecated: bool
    func: Callable[..., Any] | None = None
    params: tuple[RawParam, ...] | None = None
    body: type[BaseModel] | None = None
    returns: Any = None
    upsert: bool = False
    examples: tuple[Example, ...] = ()


def _idempotency(value: bool | Idempotency) -> Idempotency | None:
    if isinstance(value, Idempotency):
        return value
    return Idempotency.REQUIRED if value else None


class Api:
    """An API: its metadata, auth, error taxonomy and operations.

    >>> api = Api("Contacts", "1.0.0", base_path="/api/v1")
    >>> NOT_FOUND = api.error("not_found", 404, "Not found", "No such object in your tenant.")
    >>> @api.get("/contacts/{contact_id}", cacheable=True)
    ... def get_contact(contact_id: UUID) -> Contact: ...
    """

    def __init__(
        self,
        title: str,
        version: str,
        *,
        base_path: str = "",
        description: str = "",
        auth: Auth | None = None,
        tenant_scoped: bool = True,
        tenant_param: str | None = None,
        contact: Contact | None = None,
        license: License | None = None,
        servers: Sequence[str] = (),
        error_type_base: str = "about:blank#",
        tags: dict[str, str] | None = None,
    ) -> None:
        self.title = title
        self.version = version
        self.base_path = base_path
        self.description = description
        self.auth = auth if auth is not None else Bearer()
        self.tenant_scoped = tenant_scoped
        # The path parameter that carries the caller's tenant (``/orgs/{org_id}/...``).
        self.tenant_param = tenant_param
        self.contact = contact
        self.license = license
        self.servers = tuple(servers)
        self.error_type_base = error_type_base
        self.tags = dict(tags or {})
        self.location = _caller()
        self.errors: list[ErrorCode] = []
        self.operations: list[OperationDecl] = []
        self.resources: list[Resource] = []

    def error(
        self, code: str, status: int, title: str, description: str, *, retryable: bool = False
    ) -> ErrorCode:
        """Declare a taxonomy entry; use the returned object in operations' ``errors=``."""
        entry = ErrorCode(code, status, title, description, retryable, _caller())
        self.errors.append(entry)
        return entry

    def _route(self, method: Method, path: str, **options: Any) -> Callable[[F], F]:
        location = _caller(3)

        def decorate(func: F) -> F:
            doc = (func.__doc__ or "").strip()
            summary, _, description = doc.partition("\n")
            self.operations.append(
                _decl(
                    method,
                    path,
                    func.__name__,
                    location,
                    func=func,
                    summary=options.pop("summary", None) or summary.strip() or None,
                    description=options.pop("description", None) or description.strip() or None,
                    **options,
                )
            )
            return func

        return decorate

    def route(
        self,
        method: Method,
        path: str,
        *,
        status: int = 200,
        errors: Sequence[ErrorCode] = (),
        idempotent: bool | Idempotency = False,
        paginated: Paginated | None = None,
        cacheable: bool | Conditional = False,
        tenant_scoped: bool | None = None,
        tags: Sequence[str] = (),
        summary: str | None = None,
        deprecated: bool = False,
        upsert: bool = False,
        examples: Sequence[Example] = (),
    ) -> Callable[[F], F]:
        """Declare any operation with every option; ``get``/``post``/... are the usual forms.

        Options that make no sense for the method (``idempotent`` on GET, ``upsert`` on
        anything but PUT, say) are reported by the loader with this line.
        """
        return self._route(
            method, path, status=status, errors=errors, idempotent=idempotent,
            paginated=paginated, cacheable=cacheable, tenant_scoped=tenant_scoped, tags=tags,
            summary=summary, deprecated=deprecated, upsert=upsert, examples=examples,
        )  # fmt: skip

    def get(
        self,
        path: str,
        *,
        status: int = 200,
        errors: Sequence[ErrorCode] = (),
        paginated: Paginated | None = None,
        cacheable: bool = False,
        tenant_scoped: bool | None = None,
        tags: Sequence[str] = (),
        summary: str | None = None,
        deprecated: bool = False,
        examples: Sequence[Example] = (),
    ) -> Callable[[F], F]:
        """Declare a GET operation on the decorated function (its name is the operation id)."""
        return self._route(
            "GET", path, status=status, errors=errors, paginated=paginated, cacheable=cacheable,
            tenant_scoped=tenant_scoped, tags=tags, summary=summary, deprecated=deprecated,
            examples=examples,
        )  # fmt: skip

    def post(
        self,
        path: str,
        *,
        status: int = 201,
        errors: Sequence[ErrorCode] = (),
        idempotent: bool | Idempotency = False,
        paginated: Paginated | None = None,
        tenant_scoped: bool | None = None,
        tags: Sequence[str] = (),
        summary: str | None = None,
        deprecated: bool = False,
        examples: Sequence[Example] = (),
    ) -> Callable[[F], F]:
        """Declare a POST operation; ``idempotent=True`` requires an ``Idempotency-Key``.

        ``examples``: worked examples (``Example("a small contact", body={...},
        response={...})``), checked against the models, shown in the document and the SDKs,
        and tried first by ``synth test``.
        """
        return self._route(
            "POST", path, status=status, errors=errors, idempotent=idempotent,
            paginated=paginated, tenant_scoped=tenant_scoped, tags=tags, summary=summary,
            deprecated=deprecated, examples=examples,
        )  # fmt: skip

    def put(self, path: str, *, upsert: bool = False, **options: Any) -> Callable[[F], F]:
        """Declare a PUT operation; options as for ``patch``.

        ``upsert=True``: a PUT on an item path that creates the item when its id is new
        (201) and replaces it otherwise (200); the client chooses the id.
        """
        return self._route("PUT", path, **{"status": 200, **options, "upsert": upsert})

    def patch(
        self,
        path: str,
        *,
        status: int = 200,
        errors: Sequence[ErrorCode] = (),
        idempotent: bool | Idempotency = False,
        cacheable: bool | Conditional = False,
        tenant_scoped: bool | None = None,
        tags: Sequence[str] = (),
        summary: str | None = None,
        deprecated: bool = False,
        examples: Sequence[Example] = (),
    ) -> Callable[[F], F]:
        """Declare a PATCH operation; ``cacheable=True`` takes an optional ``If-Match``."""
        return self._route(
            "PATCH", path, status=status, errors=errors, idempotent=idempotent,
            cacheable=cacheable, tenant_scoped=tenant_scoped, tags=tags, summary=summary,
            deprecated=deprecated, examples=examples,
        )  # fmt: skip

    def delete(
        self,
        path: str,
        *,
        status: int = 204,
        errors: Sequence[ErrorCode] = (),
        cacheable: bool | Conditional = False,
        tenant_scoped: bool | None = None,
        tags: Sequence[str] = (),
        summary: str | None = None,
        deprecated: bool = False,
        examples: Sequence[Example] = (),
    ) -> Callable[[F], F]:
        """Declare a DELETE operation (204 with no body unless the function returns a model)."""
        return self._route(
            "DELETE", path, status=status, errors=errors, cacheable=cacheable,
            tenant_scoped=tenant_scoped, tags=tags, summary=summary, deprecated=deprecated,
            examples=examples,
        )  # fmt: skip

    def resource(
        self,
        path: str,
        item: type[BaseModel],
        *,
        id_param: str,
        id_field: str | None = None,
        tag: str | None = None,
        created_by: str | None = None,
    ) -> Resource:
        """Helpers for the common CRUD shapes of one collection (``/jobs``, ``/jobs/{job_id}``).

        ``id_field`` is the item field whose value ``id_param`` takes (inferred when left
        out: the field named like the parameter, or without the item's noun, else ``id``).
        The resource is recorded too, so the relations between its operations are known as
        declared rather than guessed from their paths.

        ``created_by`` names the operation (its function name, ``create_loan``) that creates
        the items when it lives at another path: loans made by ``POST
        /books/{book_id}/copies/{copy_no}/loans`` and read at ``/loans/{loan_id}``. Left out, a
        POST elsewhere answering the item model is inferred to create them, where nothing at
        the collection's own path does.
        """
        resource = Resource(self, path, item, id_param, tag, id_field)
        if created_by is not None:
            resource.roles["create"] = created_by
        self.resources.append(resource)
        return resource


def _decl(
    method: Method,
    path: str,
    name: str,
    location: Location,
    *,
    status: int,
    errors: Sequence[ErrorCode] = (),
    idempotent: bool | Idempotency = False,
    paginated: Paginated | None = None,
    cacheable: bool | Conditional = False,
    tenant_scoped: bool | None = None,
    tags: Sequence[str] = (),
    summary: str | None = None,
    description: str | None = None,
    deprecated: bool = False,
    func: Callable[..., Any] | None = None,
    params: tuple[RawParam, ...] | None = None,
    body: type[BaseModel] | None = None,
    returns: Any = None,
    upsert: bool = False,
    examples: Sequence[Example] = (),
) -> OperationDecl:
    return OperationDecl(
        method=method,
        path=path,
        name=name,
        location=location,
        status=status,
        errors=tuple(errors),
        idempotent=_idempotency(idempotent),
        paginated=paginated,
        cacheable=cacheable,
        tenant_scoped=tenant_scoped,
        tags=tuple(tags),
        summary=summary,
        description=description,
        deprecated=deprecated,
        func=func,
        params=params,
        body=body,
        returns=returns,
        upsert=upsert,
        examples=tuple(examples),
    )


def _action_name(name: str, noun: str) -> str:
    """The operation name of the action ``name`` on a ``noun``: verb, noun, then the rest."""
    words = [_snake(w.replace("-", "_")) for w in name.strip("/").split("/") if w]
    return "_".join([words[-1], noun, *words[:-1]]) if words else noun


def _snake(name: str) -> str:
    out = [("_" + c.lower()) if c.isupper() and i else c.lower() for i, c in enumerate(name)]
    return "".join(out)


class Resource:
    """CRUD helpers for one collection; each call declares one operation.

    Operation ids follow the item model's name: ``createJob``, ``listJobs``, ``getJob``,
    ``updateJob``, ``deleteJob``. Filter parameters take their type from the item's field.
    """

    def __init__(  # noqa: PLR0917 (what api.resource() passes on)
        self,
        api: Api,
        path: str,
        item: type[BaseModel],
        id_param: str,
        tag: str | None,
        id_field: str | None = None,
    ) -> None:
        self.api = api
        self.path = path.rstrip("/")
        self.item = item
        self.id_param = id_param
        self.id_field = id_field
        self.location = _caller(3)  # the contract line calling api.resource()
        self.tags = (tag,) if tag else ()
        self._noun = _snake(item.__name__)
        # role ("create", "upsert", "list", "read", "update", "delete") -> the operation's name
        self.roles: dict[RoleName, str] = {}
        # action name (``archive``) -> the operation's name
        self.actions: dict[str, str] = {}

    @property
    def item_path(self) -> str:
        return f"{self.path}/{{{self.id_param}}}"

    def _id(self) -> RawParam:
        fields = self.item.model_fields
        info = fields.get(self.id_field or (self.id_param if self.id_param in fields else "id"))
        annotation: Any = info.rebuild_annotation() if info is not None else str
        return RawParam(self.id_param, annotation, _NO_DEFAULT)

    def _add(self, role: RoleName, method: Method, path: str, name: str, **options: Any) -> None:
        options.setdefault("tags", self.tags)
        self.api.operations.append(_decl(method, path, name, _caller(3), **options))
        self.roles.setdefault(role, name)

    def create(
        self,
        body: type[BaseModel],
        *,
        status: int = 201,
        errors: Sequence[ErrorCode] = (),
        idempotent: bool | Idempotency = False,
        summary: str | None = None,
        path: str | None = None,
        examples: Sequence[Example] = (),
    ) -> None:
        """``POST /things``: create one item from ``body`` (``examples`` as for ``Api.post``).

        ``path`` puts the create elsewhere (``/jobs/run``); it still creates this
        collection's items, because it is declared here.
        """
        self._add(
            "create", "POST", path or self.path, f"create_{self._noun}", status=status,
            errors=errors, idempotent=idempotent, params=(), body=body, returns=self.item,
            summary=summary or f"Create a {self._noun.replace('_', ' ')}", examples=examples,
        )  # fmt: skip

    def upsert(
        self,
        body: type[BaseModel],
        *,
        cacheable: bool | Conditional = False,
        errors: Sequence[ErrorCode] = (),
        idempotent: bool | Idempotency = False,
        summary: str | None = None,
    ) -> None:
        """``PUT /things/{id}``: create the item with this id (201) or replace it (200).

        The client chooses the id; this creates the collection's items as ``create`` does.
        """
        self._add(
            "upsert", "PUT", self.item_path, f"put_{self._noun}", status=200, errors=errors,
            idempotent=idempotent, cacheable=cacheable, params=(self._id(),), body=body,
            returns=self.item, upsert=True,
            summary=summary or f"Create or replace a {self._noun.replace('_', ' ')}",
        )  # fmt: skip

    def action(
        self,
        name: str,
        *,
        body: type[BaseModel] | None = None,
        returns: Any = _ITEM,
        status: int = 200,
        idempotent: bool | Idempotency = False,
        errors: Sequence[ErrorCode] = (),
        summary: str | None = None,
    ) -> None:
        """``POST /things/{id}/<name>``: an action on one item (``archive``, ``complete``).

        ``name`` may have several segments (``fines/pay``: ``POST /members/{id}/fines/pay``);
        the operation is named by its last segment, the verb, then the noun, then the other
        segments: ``archive_thing`` (``archiveThing``), ``pay_member_fines`` (``payMemberFines``).

        ``returns`` is the item by default; ``None`` with ``status=204`` answers no body.
        """
        op_name = _action_name(name, self._noun)
        self.api.operations.append(
            _decl(
                "POST", f"{self.item_path}/{name}", op_name, _caller(2),
                status=status, errors=errors, idempotent=idempotent, tags=self.tags,
                params=(self._id(),), body=body,
                returns=self.item if returns is _ITEM else returns,
                summary=summary or f"{name.replace('_', ' ').capitalize()} a "
                f"{self._noun.replace('_', ' ')}",
            )
        )  # fmt: skip
        self.actions.setdefault(name, op_name)

    def list(
        self,
        page: type[BaseModel],
        *,
        order: tuple[str, ...],
        limit: Limit | None = None,
        filters: dict[str, Filter] | None = None,
        errors: Sequence[ErrorCode] = (),
        summary: str | None = None,
    ) -> None:
        """``GET /things``: one page of items, with filters on item fields."""
        params = []
        for name, flt in (filters or {}).items():
            info = self.item.model_fields.get(flt.field)
            annotation: Any = info.rebuild_annotation() if info is not None else str
            if flt.op == "contains":
                annotation = _element(annotation)
            elif flt.op in ("icontains", "prefix") or "." in flt.field:
                annotation = str
            elif flt.op == "in":
                annotation = list[annotation] if flt.explode else str
            params.append(RawParam(name, Annotated[annotation | None, flt], None))
        self._add(
            "list", "GET", self.path, f"list_{self._noun}s", status=200, errors=errors,
            paginated=Cursor(order=order, limit=limit or Limit()), params=tuple(params),
            returns=page, summary=summary or f"List {self._noun.replace('_', ' ')}s",
        )  # fmt: skip

    def get(
        self,
        *,
        cacheable: bool = False,
        errors: Sequence[ErrorCode] = (),
        summary: str | None = None,
    ) -> None:
        """``GET /things/{id}``: one item."""
        self._add(
            "read", "GET", self.item_path, f"get_{self._noun}", status=200, errors=errors,
            cacheable=cacheable, params=(self._id(),), returns=self.item,
            summary=summary or f"Get a {self._noun.replace('_', ' ')}",
        )  # fmt: skip

    def update(
        self,
        body: type[BaseModel],
        *,
        cacheable: bool | Conditional = False,
        errors: Sequence[ErrorCode] = (),
        summary: str | None = None,
        examples: Sequence[Example] = (),
    ) -> None:
        """``PATCH /things/{id}``: change some fields of one item."""
        self._add(
            "update", "PATCH", self.item_path, f"update_{self._noun}", status=200,
            errors=errors, cacheable=cacheable, params=(self._id(),), body=body, returns=self.item,
            summary=summary or f"Update a {self._noun.replace('_', ' ')}", examples=examples,
        )  # fmt: skip

    def delete(self, *, errors: Sequence[ErrorCode] = (), summary: str | None = None) -> None:
        """``DELETE /things/{id}``: remove one item (204)."""
        self._add(
            "delete", "DELETE", self.item_path, f"delete_{self._noun}", status=204,
            errors=errors, params=(self._id(),), returns=None,
            summary=summary or f"Delete a {self._noun.replace('_', ' ')}",
        )  # fmt: skip


def _element(annotation: Any) -> Any:
    """The element type of a list-like annotation (``list[Tag]`` gives ``Tag``)."""
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    args = get_args(annotation)
    if get_origin(annotation) in (list, set, frozenset, tuple) and args:
        return args[0]
    return annotation
