"""The contract language: declare an API's operations, errors and semantics in Pydantic."""

from ._api import (
    Api,
    ApiKey,
    Bearer,
    Contact,
    Cookie,
    ErrorCode,
    License,
    OperationDecl,
    RawParam,
    Resource,
)
from ._examples import Example
from ._forms import File, Form, Multipart
from ._limits import RateLimit, RateLimitKey
from ._models import UUID, DateTime, Model, Page, Ref, RequestModel, Unique, UniqueItems
from ._observability import Latency, RequestId
from ._params import Body, Header, Path, Query
from ._problem import FieldError, Problem
from ._responses import ResponseHeader
from ._semantics import (
    Conditional,
    Cursor,
    Filter,
    FilterOp,
    Idempotency,
    Limit,
    LinkHeader,
    Offset,
    PageNumber,
    PageToken,
    Sort,
    StartingAfter,
)

__all__ = [
    "UUID",
    "Api",
    "ApiKey",
    "Bearer",
    "Body",
    "Conditional",
    "Contact",
    "Cookie",
    "Cursor",
    "DateTime",
    "ErrorCode",
    "Example",
    "FieldError",
    "File",
    "Filter",
    "FilterOp",
    "Form",
    "Header",
    "Idempotency",
    "Latency",
    "License",
    "Limit",
    "LinkHeader",
    "Model",
    "Multipart",
    "Offset",
    "OperationDecl",
    "Page",
    "PageNumber",
    "PageToken",
    "Path",
    "Problem",
    "Query",
    "RateLimit",
    "RateLimitKey",
    "RawParam",
    "Ref",
    "RequestId",
    "RequestModel",
    "Resource",
    "ResponseHeader",
    "Sort",
    "StartingAfter",
    "Unique",
    "UniqueItems",
]
