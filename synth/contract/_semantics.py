"""The semantics an operation declares, which drive test synthesis and documentation."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "Conditional",
    "Cursor",
    "Filter",
    "FilterOp",
    "Idempotency",
    "Limit",
]


class Idempotency(enum.Enum):
    """Whether an operation takes an ``Idempotency-Key`` header, and whether it must."""

    REQUIRED = "required"
    OPTIONAL = "optional"


class Conditional(enum.Enum):
    """How a write treats ``If-Match``: optional (lost-update check when sent) or required."""

    OPTIONAL = "optional"
    REQUIRED = "required"


@dataclass(frozen=True, slots=True)
class Limit:
    """The page-size parameter: default, bounds, and what an out-of-range value gets.

    ``out_of_range="reject"`` answers 422 ``validation_failed``; ``"clamp"`` serves the nearest
    bound instead.
    """

    default: int = 20
    min: int = 1
    max: int = 100
    out_of_range: Literal["reject", "clamp"] = "reject"


FilterOp = Literal["eq", "contains", "icontains"]
"""``eq``: the item field equals the value; ``contains``: the item's list field holds the value;
``icontains``: the item's string field holds the value as a case-insensitive substring."""


@dataclass(frozen=True, slots=True)
class Filter:
    """Marks a query parameter of a paginated list as a filter on one field of the items."""

    field: str
    op: FilterOp = "eq"


@dataclass(frozen=True, slots=True)
class Cursor:
    """Cursor (keyset) pagination.

    ``order`` lists item fields, ``-`` for descending; the last key breaks ties and must be
    unique per item (``id``, say).
    """

    order: tuple[str, ...]
    limit: Limit = field(default_factory=Limit)
    cursor_param: str = "cursor"
    limit_param: str = "limit"
