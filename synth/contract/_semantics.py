"""The semantics an operation declares, which drive test synthesis and documentation."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass, field
from typing import Literal

__all__ = [
    "Conditional",
    "Cursor",
    "Filter",
    "FilterOp",
    "Idempotency",
    "Limit",
    "LinkHeader",
    "Offset",
    "PageNumber",
    "PageToken",
    "Paginated",
    "Sort",
    "StartingAfter",
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
class Sort:
    """A client-chosen order: the query parameter ``param`` takes one of the keys of ``orders``.

    ``orders`` maps each allowed value to the full order it means (item fields, ``-`` for
    descending; the last key unique per item, the tie-breaker); ``default`` is the order served
    without the parameter and must be a key of ``orders``. An unknown value gets 422
    ``validation_failed``.
    """

    param: str = "sort"
    orders: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    default: str = ""

    def __hash__(self) -> int:  # ``orders`` is a dict, which does not hash
        return hash((self.param, tuple(self.orders.items()), self.default))


@dataclass(frozen=True, slots=True)
class Cursor:
    """Cursor (keyset) pagination: the page's ``next_field`` is an opaque token, null at the end.

    ``order`` lists item fields, ``-`` for descending; the last key breaks ties and must be
    unique per item (``id``, say). With ``sort``, ``order`` may be left out: it is the order
    of ``sort.default``.
    """

    order: tuple[str, ...] = ()
    limit: Limit = field(default_factory=Limit)
    cursor_param: str = "cursor"
    limit_param: str = "limit"
    next_field: str = "next_cursor"
    items_field: str = "items"
    sort: Sort | None = None


@dataclass(frozen=True, slots=True)
class PageToken:
    """Google-style page tokens: ``next_field`` holds the next token, null or ``""`` at the end."""

    order: tuple[str, ...] = ()
    limit: Limit = field(default_factory=Limit)
    token_param: str = "page_token"
    size_param: str = "page_size"
    next_field: str = "next_page_token"
    items_field: str = "items"
    sort: Sort | None = None


@dataclass(frozen=True, slots=True)
class StartingAfter:
    """Stripe-style: the next page starts after the id of the last item; ``has_more`` says
    whether there is one. The last ``order`` key must be the item's id."""

    order: tuple[str, ...] = ()
    limit: Limit = field(default_factory=Limit)
    after_param: str = "starting_after"
    before_param: str = "ending_before"
    limit_param: str = "limit"
    has_more_field: str = "has_more"
    items_field: str = "data"
    sort: Sort | None = None


@dataclass(frozen=True, slots=True)
class LinkHeader:
    """RFC 8288 ``Link`` headers (GitHub style): the body is the array of items; the next page's
    URL is the ``rel="next"`` link, absent on the last page.

    ``keyset=True`` declares the links carry a keyset position, so a walk is stable under
    inserts and deletes; the default (page numbers behind the links) promises no such thing.
    """

    order: tuple[str, ...] = ()
    limit: Limit = field(default_factory=Limit)
    limit_param: str = "per_page"
    keyset: bool = False
    sort: Sort | None = None


@dataclass(frozen=True, slots=True)
class Offset:
    """Offset pagination: the next page is ``offset + len(items)``; a short or empty page ends
    the walk (or ``offset >= total`` when ``total_field`` is declared)."""

    order: tuple[str, ...] = ()
    limit: Limit = field(default_factory=Limit)
    offset_param: str = "offset"
    limit_param: str = "limit"
    items_field: str = "items"
    total_field: str | None = None
    sort: Sort | None = None


@dataclass(frozen=True, slots=True)
class PageNumber:
    """Page numbers from ``first_page``, +1 per page; ends as ``Offset`` does."""

    order: tuple[str, ...] = ()
    limit: Limit = field(default_factory=Limit)
    page_param: str = "page"
    size_param: str = "per_page"
    first_page: int = 1
    items_field: str = "items"
    total_field: str | None = None
    sort: Sort | None = None


# What ``paginated=`` takes: one of the pagination styles.
Paginated = Cursor | PageToken | StartingAfter | LinkHeader | Offset | PageNumber
