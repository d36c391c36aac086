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
from ._models import UUID, DateTime, Model, Page, Ref, RequestModel, Unique, UniqueItems
from ._params import Body, Header, Path, Query
from ._problem import FieldError, Problem
from ._semantics import Conditional, Cursor, Filter, FilterOp, Idempotency, Limit

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
    "FieldError",
    "Filter",
    "FilterOp",
    "Header",
    "Idempotency",
    "License",
    "Limit",
    "Model",
    "OperationDecl",
    "Page",
    "Path",
    "Problem",
    "Query",
    "RawParam",
    "Ref",
    "RequestModel",
    "Resource",
    "Unique",
    "UniqueItems",
]
