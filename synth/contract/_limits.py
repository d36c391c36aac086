"""``RateLimit``: how many requests a caller may send to an operation in a time window."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Literal

from .._errors import Location

__all__ = ["RateLimit", "RateLimitKey"]

# Whose requests a limit counts together: the caller's tenant, its credential (a token or API
# key), or its client address.
RateLimitKey = Literal["tenant", "token", "ip"]


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most ``limit`` requests per ``window`` for each ``key``; past it the server answers
    429 ``rate_limited`` with ``Retry-After`` and the ``RateLimit`` / ``RateLimit-Policy``
    fields of the IETF httpapi rate-limit headers draft.

    ``window`` is whole seconds, as a number (``10``) or text (``"10s"``, ``"1m"``, ``"1h"``).
    ``name`` is the policy's name in those headers (``"<limit>-per-<window>s"`` if left out).
    Declared on an operation (``rate_limit=`` of ``api.get`` and the others), on a resource
    (``api.resource(..., rate_limit=)``, for each of its operations) or on the whole ``Api``;
    the nearest declaration wins.
    """

    limit: int
    window: int | str
    key: RateLimitKey = "tenant"
    name: str | None = None
    # Where it was written, for the loader's messages.
    location: Location = field(default=Location("<unknown>", 0), compare=False, repr=False)

    def __post_init__(self) -> None:
        frame = sys._getframe(2)  # __post_init__ <- __init__ <- the contract's line
        object.__setattr__(self, "location", Location(frame.f_code.co_filename, frame.f_lineno))
