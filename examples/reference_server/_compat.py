"""A self-disabling shim for a contract-language defect (reported to the lead).

``synth.contract.DateTime`` is ``Annotated[AwareDatetime, BeforeValidator(...)]`` inside strict
models. With a before-validator in front, pydantic-core validates the string as a *Python*
input, and strict Python datetimes refuse strings, so ``model_validate_json`` rejects every
date-time, valid or not. Until ``DateTime`` is fixed, request models with date-time fields are
validated through a subclass whose date-time fields are lax for that field only, behind the
same RFC 3339 check and refusing non-strings; everything else stays strict. When the probe
below passes (the contract is fixed), the contract's own models are used unchanged.
"""

from __future__ import annotations

import functools
import json as _json
import re
from datetime import datetime
from typing import Annotated, Any, TypeVar

from pydantic import AwareDatetime, BaseModel, BeforeValidator, Strict, create_model
from pydantic.fields import FieldInfo

from synth.contract import DateTime, Model

__all__ = ["dump_response", "json_model"]

M = TypeVar("M", bound=BaseModel)

_RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", re.ASCII
)


def _rfc3339_string(value: Any) -> Any:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError("expected an RFC 3339 date-time string")
    if not _RFC3339.fullmatch(value):
        raise ValueError("expected an RFC 3339 date-time with offset, e.g. 2024-05-01T12:00:00Z")
    return value


_JsonDateTime = Annotated[AwareDatetime, Strict(False), BeforeValidator(_rfc3339_string)]


class _Probe(Model):
    at: DateTime


@functools.cache
def _contract_datetime_works() -> bool:
    try:
        _Probe.model_validate_json('{"at": "2024-05-01T12:00:00Z"}')
    except ValueError:
        return False
    return True


@functools.cache
def json_model(model: type[M]) -> type[M]:
    """``model``, or a subclass whose date-time fields accept valid JSON date-times."""
    if _contract_datetime_works():
        return model
    overrides: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if info.annotation is AwareDatetime:
            field = FieldInfo(annotation=_JsonDateTime, description=info.description)
            if not info.is_required():
                field = FieldInfo(
                    annotation=_JsonDateTime, default=info.default, description=info.description
                )
            overrides[name] = (_JsonDateTime, field)
    if not overrides:
        return model
    patched: type[M] = create_model(model.__name__, __base__=model, **overrides)
    return patched


def dump_response(model: type[BaseModel], data: Any) -> Any:
    """``data`` validated against a response model as a client would, then dumped as JSON.

    With the defect above, nested date-times cannot be validated strictly from JSON; the
    server's own data is then checked laxly (types still checked, strings parsed).
    """
    if _contract_datetime_works():
        return model.model_validate_json(_json.dumps(data)).model_dump(mode="json")
    return model.model_validate(data, strict=False).model_dump(mode="json")
