"""Digest schedules: what people type (`daily 08:00 Europe/Berlin`, `weekdays 07:30`, a cron
expression) turned into a standard 5-field cron expression and an IANA timezone.

Stored crons name their weekdays (`mon-fri`), never number them: standard cron counts 0 as
Sunday, APScheduler 3 counts 0 as Monday, so names keep both readings the same."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from apscheduler.triggers.cron import CronTrigger

from corpus.untrusted import is_number

DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_DAY_WORDS = {
    **{d: d for d in DAYS},
    **{full: full[:3] for full in ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")},
}
_EVERY = {"daily": "*", "everyday": "*", "weekdays": "mon-fri", "weekends": "sat,sun"}
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$", re.IGNORECASE)
EXAMPLES = "daily 08:00, weekdays 07:30 Europe/Berlin, mondays 09:00, '30 7 * * mon-fri', or off"


class ScheduleError(ValueError):
    """A schedule or timezone that can't be used; the message says what would work."""


@dataclass(frozen=True)
class Schedule:
    cron: str
    timezone: str

    def trigger(self) -> CronTrigger:
        return CronTrigger.from_crontab(self.cron, timezone=ZoneInfo(self.timezone))

    def next_runs(self, now: datetime, count: int = 3) -> list[datetime]:
        trigger, runs = self.trigger(), []
        t = trigger.get_next_fire_time(None, now)
        while t is not None and len(runs) < count:
            runs.append(t)
            t = trigger.get_next_fire_time(t, t + timedelta(seconds=1))
        return runs

    def describe(self) -> str:
        minute, hour, day, month, dow = self.cron.split()
        if is_number(minute) and is_number(hour) and day == month == "*":
            at = f"{int(hour):02d}:{int(minute):02d}"
            names = {"*": "every day", "mon-fri": "weekdays", "sat,sun": "weekends"}
            when = names.get(dow) or (f"{dow.capitalize()}s" if dow in DAYS else f"on {dow}")
            return f"{when} at {at} ({self.timezone})"
        return f"cron {self.cron} ({self.timezone})"


@lru_cache(maxsize=1)
def _zones() -> dict[str, str]:
    return {z.lower(): z for z in available_timezones()}


def resolve_timezone(name: str) -> str:
    """The canonical IANA name for `name` (any letter case), or ScheduleError with suggestions."""
    zone = _zones().get(name.strip().lower())
    if zone:
        return zone
    close = difflib.get_close_matches(name.strip().lower(), list(_zones()), n=2, cutoff=0.75)
    hint = f" Did you mean {' or '.join(_zones()[c] for c in close)}?" if close else ""
    raise ScheduleError(f"{name[:64]!r} is not a timezone I know.{hint} Use an IANA name such as Europe/Berlin, America/New_York or UTC.")


def _looks_like_timezone(token: str) -> bool:
    return any(c.isalpha() for c in token) and ("/" in token or token.lower() in _zones())


_NO_QUOTES = str.maketrans("", "", "'\"‘’“”`")


def parse_schedule(text: str, timezone: str | None, default_timezone: str, min_minutes: int) -> Schedule | None:
    """`text` as typed after `/news schedule`; None means "off". A trailing IANA timezone in the
    text wins over `timezone`, which wins over the channel's current one (`default_timezone`).
    Quotation marks are left out: the examples quote cron ('30 7 * * mon-fri'), and no schedule
    or timezone holds one."""
    tokens = text.translate(_NO_QUOTES).split()
    timezone = timezone.translate(_NO_QUOTES) if timezone else timezone
    if tokens and len(tokens) > 1 and _looks_like_timezone(tokens[-1]):
        timezone = tokens.pop()
    tz = resolve_timezone(timezone) if timezone else default_timezone
    if not tokens:
        raise ScheduleError(f"Say when, for example: {EXAMPLES}.")
    if len(tokens) == 1 and tokens[0].lower() in ("off", "none", "stop", "never"):
        return None
    cron = _cron_from_words(tokens) if len(tokens) != 5 else _normalise_cron(tokens)
    schedule = Schedule(cron, tz)
    try:
        runs = schedule.next_runs(datetime.now(ZoneInfo(tz)), count=48)
    except ValueError as exc:
        raise ScheduleError(f"That cron expression doesn't work ({exc}). Cron has five fields, minute hour day month weekday, e.g. '30 7 * * mon-fri'.") from None
    if not runs:
        raise ScheduleError(f"{cron!r} never runs; pick a date that exists, e.g. {EXAMPLES}.")
    # The same wall-clock time twice is a DST change (the scheduler keeps one), not a short gap.
    gaps = [b - a for a, b in zip(runs, runs[1:]) if a.replace(tzinfo=None) != b.replace(tzinfo=None)]
    if gaps and min(gaps) < timedelta(minutes=min_minutes):
        raise ScheduleError(f"That would post more often than every {min_minutes} minutes; a digest needs time to gather news. Try hourly, daily 08:00 or weekdays 07:30.")
    return schedule


def _cron_from_words(tokens: list[str]) -> str:
    words = [t.lower() for t in tokens]
    if words == ["hourly"]:
        return "0 * * * *"
    if len(words) != 2:
        raise ScheduleError(f"I can't read {' '.join(tokens)[:100]!r} as a schedule. Try {EXAMPLES}.")
    days, at = words
    hour, minute = _parse_time(at)
    if days in _EVERY:
        dow = _EVERY[days]
    else:
        names = [_DAY_WORDS.get(d.rstrip("s")) or _DAY_WORDS.get(d) for d in days.split(",")]
        if not all(names):
            raise ScheduleError(f"{tokens[0][:40]!r} is not daily, weekdays, weekends or a day name like mondays. Try {EXAMPLES}.")
        dow = ",".join(dict.fromkeys(names))
    return f"{minute} {hour} * * {dow}"


def _parse_time(at: str) -> tuple[int, int]:
    m = _TIME.match(at)
    if not m:
        raise ScheduleError(f"{at[:20]!r} is not a time; write it as 08:00 or 7:30pm.")
    hour, minute, half = int(m.group(1)), int(m.group(2) or 0), (m.group(3) or "").lower()
    if half:
        if not 1 <= hour <= 12:
            raise ScheduleError(f"{at!r}: with am/pm the hour runs from 1 to 12.")
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ScheduleError(f"{at!r} is not a time of day; hours run 0-23 and minutes 0-59.")
    return hour, minute


def _normalise_cron(fields: list[str]) -> str:
    """Standard cron, weekday numbers (0 or 7 = Sunday) replaced by names."""

    def day(token: str) -> str:
        if is_number(token):
            n = int(token)
            if n > 7:
                raise ScheduleError(f"Weekday {n} doesn't exist; use 0-7 (0 and 7 are Sunday) or mon..sun.")
            return DAYS[n % 7]
        return token.lower()

    items = []
    for item in fields[4].split(","):
        span, slash, step = item.partition("/")
        if span != "*":
            span = "-".join(day(p) for p in span.split("-"))
        items.append(span + slash + step)
    return " ".join([*fields[:4], ",".join(items)])
