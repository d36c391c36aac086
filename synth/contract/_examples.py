"""``Example``: one worked example of an operation, declared where the operation is.

``@api.post("/contacts", examples=[Example("a small contact", body={...}, response={...})])``.
The loader validates each against the operation's models (an example the model refuses is a
contract mistake); the document shows them as OpenAPI ``examples``, the SDKs in docstrings,
and ``synth test`` sends them before anything it draws.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .._errors import Location

__all__ = ["Example"]


def _caller() -> Location:
    frame = sys._getframe(2)  # the contract line calling Example(...), past __init__
    return Location(frame.f_code.co_filename, frame.f_lineno)


@dataclass(frozen=True, slots=True)
class Example:
    """An example request and its success answer, as JSON values (``None``: not given).

    ``params`` gives path, query and header parameters by their Python names; path parameters
    are left to ``synth test``, which needs items that exist.
    """

    summary: str
    body: Any = None
    response: Any = None
    params: Mapping[str, Any] = field(default_factory=dict)
    location: Location = field(default_factory=_caller, compare=False, repr=False)
