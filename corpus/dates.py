"""Dates from the outside world, made aware UTC (or None when they can't be read)."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

from dateutil import parser as dateparser


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
    else:
        try:
            dt = dateparser.parse(str(value))
        except (ValueError, ArithmeticError):  # dateutil's own errors, overflows, decimal.InvalidOperation
            return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    try:
        return dt.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        # Before year 1 or past 9999 in UTC ("0001-01-01T00:00:00+01:00", a common placeholder),
        # or an offset of a day or more that dateutil let through.
        return None
