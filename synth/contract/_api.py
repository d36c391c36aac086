"""``Api``: the object that contract modules declare errors, operations and resources on.

Declarations are only recorded here, with the file and line they were made on; the loader
(``synth.loader``) checks them and builds the immutable ``ApiSpec``. Keeping the checks in one
place lets every mistake be reported together, each with its location.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, TypeVar, get_args, get_origin

from pydantic import BaseModel

from .._errors import Location, Problem
from ._check import Checker, kind
from ._examples import Example
from ._limits import RateLimit
from ._observability import Latency, RequestId
from ._responses import ResponseHeader
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
    # Response headers as declared (``headers=[ResponseHeader(...)]``); the loader checks them.
    headers: tuple[Any, ...] = ()
    # Worked examples (``examples=[Example(...)]``); the loader checks them against the models.
    examples: tuple[Any, ...] = ()
    # ``rate_limit=RateLimit(...)`` as given here or on the resource; the loader checks it.
    rate_limit: Any = None
    # The latency objective (``slo=Latency(p95="200ms")``); the loader checks it.
    slo: Any = None


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
        request_id: RequestId | None = None,
        rate_limit: RateLimit | None = None,
    ) -> None:
        self.location = _caller()
        # Mistakes in the arguments of declarations, each where it was written; the loader
        # reports them with the rest (``synth.contract._check``).
        self.mistakes: list[Problem] = []
        check = Checker(self.mistakes, self.location, "Api(...)")
        self.title = title if check.text("title", title, 'Api("Contacts", "1.0.0")') else "API"
        self.version = (
            version if check.text("version", version, 'Api("Contacts", "1.0.0")') else "0"
        )
        self.base_path = _base_path(check, base_path)
        self.description = (
            description if check.text("description", description, 'description="..."') else ""
        )
        if auth is not None and not isinstance(auth, (Bearer, ApiKey, Cookie)):
            check.wrong("auth", auth, "Bearer(), ApiKey(...) or Cookie(...)",
                        'auth=ApiKey(header="X-Api-Key") (from synth.contract)')  # fmt: skip
            auth = None
        self.auth: Auth = auth if auth is not None else Bearer()
        self.tenant_scoped = tenant_scoped if check.flag("tenant_scoped", tenant_scoped) else True
        # The path parameter that carries the caller's tenant (``/orgs/{org_id}/...``).
        self.tenant_param = (
            tenant_param
            if check.text("tenant_param", tenant_param, 'tenant_param="org_id"', optional=True)
            else None
        )
        if contact is not None and not isinstance(contact, Contact):
            check.wrong("contact", contact, "a Contact", 'contact=Contact("Team", email="t@x.io")')
            contact = None
        self.contact = contact
        if license is not None and not isinstance(license, License):
            check.wrong("license", license, "a License", 'license=License("MIT", "MIT")')
            license = None
        self.license = license
        self.servers = check.names("servers", servers, 'servers=["https://api.example.com"]') or ()
        self.error_type_base = (
            error_type_base
            if check.text("error_type_base", error_type_base, 'error_type_base="https://..."')
            else "about:blank#"
        )
        good_tags = tags is None or check.mapping(
            "tags", tags, 'tags={"contacts": "People you work with"}',
            lambda k, v: isinstance(k, str) and isinstance(v, str),
        )  # fmt: skip
        self.tags = dict(tags or {}) if good_tags else {}
        if request_id is not None and not isinstance(request_id, RequestId):
            check.wrong("request_id", request_id, "a RequestId",
                        'request_id=RequestId(header="X-Request-Id") (from synth.contract)')  # fmt: skip
            request_id = None
        # Its fields are checked by the loader (synth.loader._observability).
        self.request_id = request_id
        # Every operation's limit unless its resource or route declares its own (the loader
        # checks it).
        self.rate_limit = rate_limit
        self.errors: list[ErrorCode] = []
        self.operations: list[OperationDecl] = []
        self.resources: list[Resource] = []

    def error(
        self, code: str, status: int, title: str, description: str, *, retryable: bool = False
    ) -> ErrorCode:
        """Declare a taxonomy entry; use the returned object in operations' ``errors=``."""
        entry = ErrorCode(code, status, title, description, retryable, _caller())
        check = Checker(self.mistakes, _caller(), f"api.error({code!r}, ...)")
        example = 'api.error("not_found", 404, "Not found", "No such contact.")'
        good = check.text("code", code, example)
        good &= check.is_a("status", status, int, "an HTTP status number", example)
        check.text("title", title, example)
        check.text("description", description, example)
        check.flag("retryable", retryable)
        if good:  # the loader reads the code and status of every entry it is given
            self.errors.append(entry)
        return entry

    def _route(self, call: str, method: Method, path: str, **options: Any) -> Callable[[F], F]:
        location = _caller(3)
        check = Checker(self.mistakes, location, f"{call}(...)")
        if not isinstance(path, str):
            if callable(path):  # ``@api.get`` on the function, without ``("/path")``
                check.add(f"used on {kind(path)} without its path",
                          f"call it with the path: @{call}(\"/things/{{thing_id}}\")")  # fmt: skip
            else:
                check.wrong("path", path, "a string", f'@{call}("/things/{{thing_id}}")')
            return _unchanged
        if method not in get_args(Method):
            upper = method.upper() if isinstance(method, str) else ""
            check.add(
                f"method {method!r} is not one synth declares ({', '.join(get_args(Method))})",
                f'write it in capitals: api.route("{upper}", ...)'
                if upper in get_args(Method)
                else "declare one of those; a server answers HEAD and OPTIONS by itself",
            )
            return _unchanged

        def decorate(func: F) -> F:
            if not inspect.isfunction(func) or func.__name__ == "<lambda>":
                what = "a lambda" if inspect.isfunction(func) else kind(func)
                check.add(
                    f"decorates {what}, which is not a function definition",
                    f"put @{call}(...) on a `def` whose name is the operation id and whose "
                    "parameters and return annotation declare the request and response",
                )
                return func
            doc = (func.__doc__ or "").strip()
            summary, _, description = doc.partition("\n")
            given = options.get("summary")
            decl = _decl(
                method,
                path,
                func.__name__,
                location,
                check=check,
                declared=self.errors,
                func=func,
                **{
                    **options,
                    "summary": given
                    if not isinstance(given, str | None)
                    else given or summary.strip() or None,
                    "description": description.strip() or None,
                },
            )
            if decl is not None:
                self.operations.append(decl)
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
        headers: Sequence[ResponseHeader] = (),
        examples: Sequence[Example] = (),
        rate_limit: RateLimit | None = None,
        slo: Latency | None = None,
    ) -> Callable[[F], F]:
        """Declare any operation with every option; ``get``/``post``/... are the usual forms.

        Options that make no sense for the method (``idempotent`` on GET, ``upsert`` on
        anything but PUT, say) are reported by the loader with this line.
        """
        return self._route(
            "api.route", method, path, status=status, errors=errors, idempotent=idempotent,
            paginated=paginated, cacheable=cacheable, tenant_scoped=tenant_scoped, tags=tags,
            summary=summary, deprecated=deprecated, upsert=upsert, headers=headers, examples=examples,
            rate_limit=rate_limit,
            slo=slo,
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
        headers: Sequence[ResponseHeader] = (),
        examples: Sequence[Example] = (),
        rate_limit: RateLimit | None = None,
        slo: Latency | None = None,
    ) -> Callable[[F], F]:
        """Declare a GET operation on the decorated function (its name is the operation id).

        ``headers`` declares the response headers it sends (``ResponseHeader``).
        """
        return self._route(
            "api.get", "GET", path, status=status, errors=errors, paginated=paginated,
            cacheable=cacheable, tenant_scoped=tenant_scoped, tags=tags, summary=summary,
            deprecated=deprecated,
            headers=headers, examples=examples,
            rate_limit=rate_limit,
            slo=slo,
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
        headers: Sequence[ResponseHeader] = (),
        examples: Sequence[Example] = (),
        rate_limit: RateLimit | None = None,
        slo: Latency | None = None,
    ) -> Callable[[F], F]:
        """Declare a POST operation; ``idempotent=True`` requires an ``Idempotency-Key``.

        ``headers`` declares the response headers it sends: ``Location`` on a 201, say.
        """
        return self._route(
            "api.post", "POST", path, status=status, errors=errors, idempotent=idempotent,
            paginated=paginated, tenant_scoped=tenant_scoped, tags=tags, summary=summary,
            deprecated=deprecated, headers=headers, examples=examples,
            rate_limit=rate_limit,
            slo=slo,
        )  # fmt: skip

    def put(
        self,
        path: str,
        *,
        upsert: bool = False,
        status: int = 200,
        errors: Sequence[ErrorCode] = (),
        idempotent: bool | Idempotency = False,
        cacheable: bool | Conditional = False,
        tenant_scoped: bool | None = None,
        tags: Sequence[str] = (),
        summary: str | None = None,
        deprecated: bool = False,
        headers: Sequence[ResponseHeader] = (),
        examples: Sequence[Example] = (),
        rate_limit: RateLimit | None = None,
        slo: Latency | None = None,
    ) -> Callable[[F], F]:
        """Declare a PUT operation; options as for ``patch``.

        ``upsert=True``: a PUT on an item path that creates the item when its id is new
        (201) and replaces it otherwise (200); the client chooses the id.
        """
        return self._route(
            "api.put", "PUT", path, status=status, errors=errors, idempotent=idempotent,
            cacheable=cacheable, tenant_scoped=tenant_scoped, tags=tags, summary=summary,
            deprecated=deprecated, upsert=upsert, headers=headers, examples=examples,
            rate_limit=rate_limit,
            slo=slo,
        )  # fmt: skip

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
        headers: Sequence[ResponseHeader] = (),
        examples: Sequence[Example] = (),
        rate_limit: RateLimit | None = None,
        slo: Latency | None = None,
    ) -> Callable[[F], F]:
        """Declare a PATCH operation; ``cacheable=True`` takes an optional ``If-Match``."""
        return self._route(
            "api.patch", "PATCH", path, status=status, errors=errors, idempotent=idempotent,
            cacheable=cacheable, tenant_scoped=tenant_scoped, tags=tags, summary=summary,
            deprecated=deprecated, headers=headers, examples=examples,
            rate_limit=rate_limit,
            slo=slo,
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
        headers: Sequence[ResponseHeader] = (),
        examples: Sequence[Example] = (),
        rate_limit: RateLimit | None = None,
        slo: Latency | None = None,
    ) -> Callable[[F], F]:
        """Declare a DELETE operation (204 with no body unless the function returns a model)."""
        return self._route(
            "api.delete", "DELETE", path, status=status, errors=errors, cacheable=cacheable,
            tenant_scoped=tenant_scoped, tags=tags, summary=summary, deprecated=deprecated,
            headers=headers, examples=examples,
            rate_limit=rate_limit,
            slo=slo,
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
        rate_limit: RateLimit | None = None,
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
        check = Checker(self.mistakes, _caller(), "api.resource(...)")
        example = 'api.resource("/things", Thing, id_param="thing_id")'
        usable = check.text("path", path, example)
        if not (isinstance(item, type) and issubclass(item, BaseModel)):
            check.wrong("item", item, "a Pydantic model", "the item's model class: " + example)
            usable = False
        usable &= check.text("id_param", id_param, example)
        usable &= check.text("id_field", id_field, 'id_field="id"', optional=True)
        check.text("tag", tag, 'tag="things"', optional=True)
        good_creator = check.text("created_by", created_by, 'created_by="create_thing"',
                                  optional=True)  # fmt: skip
        resource = Resource(self, path if usable else "/", item, id_param, tag, id_field)
        # A resource that is not one declares nothing: its mistakes are reported once, here.
        resource.usable = usable
        resource.rate_limit = rate_limit
        if created_by is not None and good_creator:
            resource.roles["create"] = created_by
        if usable:
            self.resources.append(resource)
        return resource


def _decl(
    method: Method,
    path: str,
    name: str,
    location: Location,
    *,
    check: Checker,
    status: int,
    declared: Sequence[ErrorCode] = (),
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
    headers: Sequence[ResponseHeader] = (),
    examples: Sequence[Example] = (),
    rate_limit: RateLimit | None = None,
    slo: Latency | None = None,
) -> OperationDecl | None:
    """The declaration, each option checked; None when its path is not even a string.

    A wrong option is recorded on ``check`` and replaced by its default, so the loader
    reports it once and goes on without tripping over it.
    """
    if not check.text("path", path, '"/things/{thing_id}"'):
        return None
    if not check.is_a("status", status, int, "an HTTP status number", "status=201"):
        status = 200
    if not isinstance(idempotent, (bool, Idempotency)):
        check.wrong(
            "idempotent", idempotent, "True, False or an Idempotency",
            "idempotent=True (key required) or idempotent=Idempotency.OPTIONAL",
        )  # fmt: skip
        idempotent = False
    if not isinstance(cacheable, (bool, Conditional)):
        check.wrong("cacheable", cacheable, "True, False or a Conditional",
                    "cacheable=True, or cacheable=Conditional.REQUIRED on a write")  # fmt: skip
        cacheable = False
    if not check.flag("tenant_scoped", tenant_scoped, optional=True):
        tenant_scoped = None
    if not check.text("summary", summary, 'summary="Get a thing"', optional=True):
        summary = None
    if not check.flag("deprecated", deprecated):
        deprecated = False
    if not check.flag("upsert", upsert):
        upsert = False
    return OperationDecl(
        method=method,
        path=path,
        name=name,
        location=location,
        status=status,
        errors=_errors(check, errors, declared),
        idempotent=_idempotency(idempotent),
        paginated=paginated,
        cacheable=cacheable,
        tenant_scoped=tenant_scoped,
        tags=check.names("tags", tags, 'tags=["things"]') or (),
        summary=summary,
        description=description,
        deprecated=deprecated,
        func=func,
        params=params,
        body=body,
        returns=returns,
        upsert=upsert,
        # Kept as given (one header outside a list too); the loader says what is wrong.
        headers=tuple(headers) if isinstance(headers, list | tuple) else (headers,),
        examples=tuple(examples) if isinstance(examples, list | tuple) else (examples,),
        rate_limit=rate_limit,
        slo=slo,
    )


def _errors(check: Checker, errors: Any, declared: Sequence[ErrorCode]) -> tuple[ErrorCode, ...]:
    """``errors=``: the objects ``api.error(...)`` returned, in a list.

    A code string is refused, but the error it names (among those ``declared`` so far) is kept,
    so that what follows from it (a header of that error's status) is not reported as well.
    """
    fix = (
        "use the object api.error(...) returned, in a list: NOT_FOUND = api.error("
        '"not_found", 404, ...), then errors=[NOT_FOUND]'
    )
    if isinstance(errors, ErrorCode):
        check.add(f"errors= takes a list, but was given the one error {errors.code!r}",
                  f"wrap it in a list: errors=[<the {errors.code} error>]")  # fmt: skip
        return (errors,)
    if not isinstance(errors, (list, tuple, set, frozenset)):
        check.wrong("errors", errors, "a list of declared errors", "errors=[NOT_FOUND]")
        return ()
    kept = []
    for entry in errors:
        if isinstance(entry, ErrorCode):
            kept.append(entry)
        elif isinstance(entry, str):
            check.add(f"errors=[..., {entry!r}, ...] names the error by its code, a string; "
                      "errors= takes the declared error objects", fix)  # fmt: skip
            kept += [e for e in declared if e.code == entry]
        else:
            check.add(f"errors=[...] holds {kind(entry)}, which is not a declared error", fix)
    return tuple(kept)


def _base_path(check: Checker, base_path: str) -> str:
    """``""`` or ``/v1``: a leading slash and none at the end, since paths are appended."""
    if not check.text("base_path", base_path, 'base_path="/v1"'):
        return ""
    if base_path and (not base_path.startswith("/") or base_path.endswith("/")):
        check.add(f"base_path={base_path!r} must start with '/' and not end with one",
                  f"write base_path={'/' + base_path.strip('/')!r}")  # fmt: skip
        return ""
    return base_path


def _unchanged(func: F) -> F:
    """What a decorator whose declaration was refused does: leave the function as it is."""
    return func


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
        self.tags = (tag,) if isinstance(tag, str) and tag else ()
        self._noun = _snake(getattr(item, "__name__", "item"))
        self.usable = True
        # role ("create", "upsert", "list", "read", "update", "delete") -> the operation's name
        self.roles: dict[RoleName, str] = {}
        # action name (``archive``) -> the operation's name
        self.actions: dict[str, str] = {}
        # ``api.resource(..., rate_limit=)``: each operation's limit unless it declares its own.
        self.rate_limit: RateLimit | None = None

    @property
    def item_path(self) -> str:
        return f"{self.path}/{{{self.id_param}}}"

    def _id(self) -> RawParam:
        fields = self.item.model_fields if self.usable else {}
        info = fields.get(self.id_field or (self.id_param if self.id_param in fields else "id"))
        annotation: Any = info.rebuild_annotation() if info is not None else str
        return RawParam(self.id_param, annotation, _NO_DEFAULT)

    def _add(self, role: RoleName, method: Method, path: str, name: str, **options: Any) -> None:
        if not self.usable:
            return
        options.setdefault("tags", self.tags)
        if options.get("rate_limit") is None:
            options["rate_limit"] = self.rate_limit
        where = _caller(3)
        check = Checker(self.api.mistakes, where, f"api.resource({self.path!r}).{role}(...)")
        decl = _decl(method, path, name, where, check=check, declared=self.api.errors, **options)
        if decl is not None:
            self.api.operations.append(decl)
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
        headers: Sequence[ResponseHeader] = (),
        examples: Sequence[Example] = (),
        rate_limit: RateLimit | None = None,
    ) -> None:
        """``POST /things``: create one item from ``body``.

        ``path`` puts the create elsewhere (``/jobs/run``); it still creates this
        collection's items, because it is declared here.
        """
        self._add(
            "create", "POST", path or self.path, f"create_{self._noun}", status=status,
            errors=errors, idempotent=idempotent, params=(), body=body, returns=self.item,
            summary=summary or f"Create a {self._noun.replace('_', ' ')}", headers=headers, examples=examples,
            rate_limit=rate_limit,
        )  # fmt: skip

    def upsert(
        self,
        body: type[BaseModel],
        *,
        cacheable: bool | Conditional = False,
        errors: Sequence[ErrorCode] = (),
        idempotent: bool | Idempotency = False,
        summary: str | None = None,
        headers: Sequence[ResponseHeader] = (),
        examples: Sequence[Example] = (),
        rate_limit: RateLimit | None = None,
    ) -> None:
        """``PUT /things/{id}``: create the item with this id (201) or replace it (200).

        The client chooses the id; this creates the collection's items as ``create`` does.
        """
        self._add(
            "upsert", "PUT", self.item_path, f"put_{self._noun}", status=200, errors=errors,
            idempotent=idempotent, cacheable=cacheable, params=(self._id(),), body=body,
            returns=self.item, upsert=True, headers=headers, examples=examples,
            summary=summary or f"Create or replace a {self._noun.replace('_', ' ')}",
            rate_limit=rate_limit,
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
        rate_limit: RateLimit | None = None,
    ) -> None:
        """``POST /things/{id}/<name>``: an action on one item (``archive``, ``complete``).

        ``name`` may have several segments (``fines/pay``: ``POST /members/{id}/fines/pay``);
        the operation is named by its last segment, the verb, then the noun, then the other
        segments: ``archive_thing`` (``archiveThing``), ``pay_member_fines`` (``payMemberFines``).

        ``returns`` is the item by default; ``None`` with ``status=204`` answers no body.
        """
        where = _caller(2)
        check = Checker(self.api.mistakes, where, f"api.resource({self.path!r}).action(...)")
        if not self.usable or not check.text("name", name, 'action("archive")'):
            return
        op_name = _action_name(name, self._noun)
        decl = _decl(
            "POST", f"{self.item_path}/{name}", op_name, where, check=check,
            declared=self.api.errors, status=status, errors=errors, idempotent=idempotent, tags=self.tags,
            params=(self._id(),), body=body,
            returns=self.item if returns is _ITEM else returns,
            summary=summary or f"{name.replace('_', ' ').capitalize()} a "
            f"{self._noun.replace('_', ' ')}",
            rate_limit=rate_limit if rate_limit is not None else self.rate_limit,
        )  # fmt: skip
        if decl is not None:
            self.api.operations.append(decl)
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
        rate_limit: RateLimit | None = None,
    ) -> None:
        """``GET /things``: one page of items, with filters on item fields."""
        if not self.usable:
            return
        check = Checker(self.api.mistakes, _caller(), f"api.resource({self.path!r}).list(...)")
        if filters is not None and not isinstance(filters, Mapping):
            check.wrong("filters", filters, "a dict of parameter name to Filter",
                        'filters={"status": Filter("status")}')  # fmt: skip
            filters = None
        params = []
        for name, flt in (filters or {}).items():
            if not isinstance(name, str) or not isinstance(flt, Filter):
                check.add(f"filters={{{name!r}: ...}} maps {kind(name)} to {kind(flt)}; each "
                          "entry maps a query parameter's name to a Filter",
                          'write {"status": Filter("status")}')  # fmt: skip
                continue
            if not isinstance(flt.field, str):
                check.wrong(f"filters[{name!r}].field", flt.field, "a field name",
                            'Filter("status") for the field status')  # fmt: skip
                continue
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
            rate_limit=rate_limit,
        )  # fmt: skip

    def get(
        self,
        *,
        cacheable: bool = False,
        errors: Sequence[ErrorCode] = (),
        summary: str | None = None,
        rate_limit: RateLimit | None = None,
    ) -> None:
        """``GET /things/{id}``: one item."""
        self._add(
            "read", "GET", self.item_path, f"get_{self._noun}", status=200, errors=errors,
            cacheable=cacheable, params=(self._id(),), returns=self.item,
            summary=summary or f"Get a {self._noun.replace('_', ' ')}",
            rate_limit=rate_limit,
        )  # fmt: skip

    def update(
        self,
        body: type[BaseModel],
        *,
        cacheable: bool | Conditional = False,
        errors: Sequence[ErrorCode] = (),
        summary: str | None = None,
        examples: Sequence[Example] = (),
        rate_limit: RateLimit | None = None,
    ) -> None:
        """``PATCH /things/{id}``: change some fields of one item (``examples`` as for
        ``Api.post``)."""
        self._add(
            "update", "PATCH", self.item_path, f"update_{self._noun}", status=200,
            errors=errors, cacheable=cacheable, params=(self._id(),), body=body, returns=self.item,
            summary=summary or f"Update a {self._noun.replace('_', ' ')}", examples=examples,
            rate_limit=rate_limit,
        )  # fmt: skip

    def delete(
        self,
        *,
        errors: Sequence[ErrorCode] = (),
        summary: str | None = None,
        rate_limit: RateLimit | None = None,
    ) -> None:
        """``DELETE /things/{id}``: remove one item (204)."""
        self._add(
            "delete", "DELETE", self.item_path, f"delete_{self._noun}", status=204,
            errors=errors, params=(self._id(),), returns=None,
            summary=summary or f"Delete a {self._noun.replace('_', ' ')}",
            rate_limit=rate_limit,
        )  # fmt: skip


def _element(annotation: Any) -> Any:
    """The element type of a list-like annotation (``list[Tag]`` gives ``Tag``)."""
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    args = get_args(annotation)
    if get_origin(annotation) in (list, set, frozenset, tuple) and args:
        return args[0]
    return annotation
