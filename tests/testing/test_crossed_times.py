"""PAGE-ORDER's seeds put date-times whose text order differs from their instant order in one
list (``Context.seed``'s ties, ``crossed``): a server ordering the text as sent is caught."""

from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st

from synth.testing._context import crossed

_OFFSETS = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda m: datetime.timedelta(minutes=m))


@given(st.datetimes(min_value=datetime.datetime(1, 1, 3), max_value=datetime.datetime(9999, 12, 29)),
       _OFFSETS, st.booleans())  # fmt: skip
def test_a_crossed_date_time_sorts_the_other_way_as_text(
    local: datetime.datetime, offset: datetime.timedelta, zulu: bool
) -> None:
    value = local.replace(tzinfo=datetime.timezone(offset)).isoformat()
    if zulu and not offset:
        value = value.replace("+00:00", "Z")
    other = crossed(value)
    assert other is not None, value
    mine, theirs = datetime.datetime.fromisoformat(value), datetime.datetime.fromisoformat(other)
    assert abs(theirs - mine) == datetime.timedelta(hours=1)
    # The instants one way, the texts the other.
    assert (theirs > mine) == (other < value), (value, other)


def test_what_is_no_date_time_with_an_offset_is_not_crossed() -> None:
    assert crossed("2030-01-01T09:00:00") is None  # no offset: no instant to speak of
    assert crossed("9999-12-31T23:30:00Z") is None  # an hour on is past the year 9999
    assert crossed("not a time") is None
    assert crossed(7) is None
    assert crossed("2030-01-01T09:00:00Z") == "2030-01-01T07:00:00-03:00"
