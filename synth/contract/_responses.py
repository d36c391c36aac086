"""Response headers an operation declares: ``Location`` on a 201, ``RateLimit-*``,
``Retry-After`` on a 429 or 503, an ``ETag`` on a write."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass
from typing import Any

__all__ = ["ResponseHeader"]


@dataclass(frozen=True, slots=True)
class ResponseHeader:
    """A header the operation's responses carry, as ``@api.post(..., headers=[...])`` takes it.

    ``type`` is the value's type, written as a parameter's is (``str``, ``int``,
    ``Annotated[int, Field(ge=0)]``, a ``Literal`` or an ``Enum``): one scalar, sent as text.
    ``status`` is the response status (or statuses) carrying it: the operation's success
    status when left out; an error status (``Retry-After`` on a 429) must be one the operation
    declares. ``required=False``: the server may leave it out; when sent it matches ``type``.

    >>> ResponseHeader("Location", description="The URL of the created contact.")
    >>> ResponseHeader("Retry-After", int, status=429, description="Seconds to wait.")
    """

    name: str
    type: Any = str
    _: KW_ONLY
    description: str = ""
    required: bool = True
    status: int | Sequence[int] | None = None
