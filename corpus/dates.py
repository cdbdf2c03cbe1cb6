"""Dates from the outside world, made aware UTC (or None when they can't be read)."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

from dateutil import parser as dateparser

# The zone names RFC 822 defines, as RSS-style dates write them ("Mon, 01 Jan 2024 10:00:00 EST"),
# in seconds east of UTC. dateutil knows none of the US ones by itself.
_RFC822_ZONES = {"UT": 0, "UTC": 0, "GMT": 0, "Z": 0} | {
    name: hours * 3600 for name, hours in {"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7}.items()
}


def _zone(name: str | None, offset: int | None) -> int | None:
    # A written offset wins; an unknown name (CET, IST: ambiguous) leaves the time naive, read as UTC.
    return offset if offset is not None else _RFC822_ZONES.get((name or "").upper())


def to_utc(value: object) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime.combine(value, time(0, 0))
    elif isinstance(value, (int, float)):
        try:
            return datetime.fromtimestamp(value, timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    elif isinstance(value, str):
        try:
            dt = dateparser.parse(value, tzinfos=_zone)
        except (ValueError, ArithmeticError):  # dateutil's own errors, overflows, decimal.InvalidOperation
            return None
    else:
        return None  # a list or a table is no date (and YAML's aliases can make its text endless)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    try:
        return dt.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        # Before year 1 or past 9999 in UTC ("0001-01-01T00:00:00+01:00", a common placeholder),
        # or an offset of a day or more that dateutil let through.
        return None
