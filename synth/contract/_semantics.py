"""The semantics an operation declares, which drive test synthesis and documentation."""

from __future__ import annotations

import enum
from dataclasses import KW_ONLY, dataclass, field
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


FilterOp = Literal["eq", "ne", "in", "lt", "lte", "gt", "gte", "prefix", "contains", "icontains"]
"""How a filter compares the item's field with the parameter's value.

``eq`` / ``ne``: the field equals / differs from the value (scalar fields); ``in``: the field
equals one of the values (a comma list, ``?status=open,closed``, or with ``explode=True`` the
repeated parameter, ``?status=open&status=closed``); ``lt`` / ``lte`` / ``gt`` / ``gte``: the
field is below / at most / above / at least the value (numbers, dates compared as dates,
date-times as instants); ``prefix``: the string field starts with the value (case-sensitive);
``contains``: the item's list field holds the value; ``icontains``: the item's string field
holds the value as a case-insensitive substring."""


@dataclass(frozen=True, slots=True)
class Filter:
    """Marks a query parameter of a paginated list as a filter on one field of the items.

    ``field`` may be a dotted path into nested models (``"address.city"``).
    """

    field: str
    op: FilterOp = "eq"
    _: KW_ONLY
    explode: bool = False


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
