"""Digest schedules: what people type (`daily 08:00 Europe/Berlin`, `weekdays 07:30`, a cron
expression) turned into a standard 5-field cron expression and an IANA timezone.

Cron means standard (Vixie) cron here, whoever reads it: weekday 0 and 7 are Sunday, `*/2` in the
weekday field is Sunday, Tuesday, Thursday and Saturday, and when both the day of the month and
the weekday are restricted (neither field starts with `*`) a day matching either runs. APScheduler
3 reads weekdays differently (0 = Monday, steps from Monday) and wants both days to match, so
`Schedule.trigger()` never hands it a cron text: it reads the weekday field itself, gives
APScheduler the days by name, and joins two triggers for "either day". What is stored is the
cron as typed with the weekday field rewritten to names (`30 7 * * mon-fri`)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone as dt_timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger

from corpus.untrusted import is_number

DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # standard cron's numbers: sun = 0 (and 7)
_PLURAL = ("Sundays", "Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays")
_DAY_WORDS = {
    **{d: d for d in DAYS},
    **{full: full[:3] for full in ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")},
}
_ALL_DAYS = frozenset(range(7))
_EVERY = {"daily": "*", "everyday": "*", "weekdays": "mon-fri", "weekends": "sat,sun"}
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$", re.IGNORECASE)
EXAMPLES = "daily 08:00, weekdays 07:30 Europe/Berlin, mondays 09:00, '30 7 * * mon-fri', or off"
CRON_HELP = "Cron has five fields, minute hour day month weekday, e.g. '30 7 * * mon-fri'."
# The longest a local time can repeat at a clock change (2 h: Antarctica/Troll), and then some.
_REPEAT_WINDOW = timedelta(hours=3)


class ScheduleError(ValueError):
    """A schedule or timezone that can't be used; the message says what would work."""


@dataclass(frozen=True)
class Schedule:
    cron: str
    timezone: str

    def trigger(self) -> BaseTrigger:
        """The APScheduler trigger that fires at this standard cron's times in the timezone."""
        minute, hour, dom, month, dow = _fields(self.cron)
        days = weekdays(dow)
        zone = ZoneInfo(self.timezone)

        def cron(day: str, day_of_week: frozenset[int]) -> CronTrigger:
            names = "*" if day_of_week == _ALL_DAYS else ",".join(DAYS[d] for d in sorted(day_of_week))
            return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=names, timezone=zone)

        if _either_day(dom, dow):
            if days == _ALL_DAYS:  # "the 1st, or any day": every day
                return cron("*", _ALL_DAYS)
            return OrTrigger([cron(dom, _ALL_DAYS), cron("*", days)])
        return cron(dom, days)

    def fire_times(self, start: datetime) -> Iterator[datetime]:
        """Every time the scheduler's trigger fires at or after `start`, in the schedule's
        timezone. Stepped in UTC (wall-clock steps go backwards on an autumn night), and each time
        given as the instant it fires: a time inside a spring gap (02:30 on the night clocks go
        from 02:00 to 03:00) fires at 03:30. Both 02:30s of an autumn night are given."""
        trigger, zone = self.trigger(), ZoneInfo(self.timezone)
        t = trigger.get_next_fire_time(None, start)
        while t is not None:
            yield t.astimezone(dt_timezone.utc).astimezone(zone)
            t = trigger.get_next_fire_time(t, t.astimezone(dt_timezone.utc) + timedelta(microseconds=1))

    def next_runs(self, now: datetime, count: int = 3) -> list[datetime]:
        """The next `count` slots the scheduler posts, at or after `now`: one per local date and
        time (the scheduler keeps the first of an autumn night's two 02:30s, so a time repeated
        after `now` whose first happened before it is left out too)."""
        runs: list[datetime] = []
        seen: set[str] = set()
        for t in self.fire_times(now - _REPEAT_WINDOW) if count > 0 else ():
            if (key := wall_clock(t)) in seen:
                continue
            seen.add(key)
            if t >= now:
                runs.append(t)
                if len(runs) == count:
                    break
        return runs

    def describe(self) -> str:
        """Plain English for the schedule ("Mondays at 09:00 (Europe/Berlin)"), or the cron text
        when it can't be said simply."""
        try:
            when = _describe(*_fields(self.cron))
        except ValueError:
            when = None
        return f"{when or f'cron {self.cron}'} ({self.timezone})"


def wall_clock(t: datetime) -> str:
    """A fire time's local date and time to the minute, as bot.scheduler.slot_key keys a slot."""
    return f"{t:%Y-%m-%dT%H:%M}"


def _fields(cron: str) -> list[str]:
    fields = cron.split()
    if len(fields) != 5:
        raise ScheduleError(f"{cron[:100]!r} is not a cron expression. {CRON_HELP}")
    return fields


def _either_day(dom: str, dow: str) -> bool:
    """Standard cron's rule: when neither day field starts with `*`, a day matching either runs."""
    return not dom.startswith("*") and not dow.startswith("*")


def weekdays(field: str) -> frozenset[int]:
    """The days (0 = Sunday .. 6 = Saturday) a standard cron weekday field names: numbers 0-7 (0
    and 7 are Sunday), names (sun, monday), ranges (mon-fri, 1-5; a range may end on Sunday as
    7: fri-sun), lists, and steps over a range or `*` (`*/2` = sun,tue,thu,sat). A range never
    wraps round the week (fri-mon), as in standard cron and APScheduler."""
    days: set[int] = set()
    for item in field.split(","):
        span, slash, step_text = item.partition("/")
        step = 1
        if slash:
            if not is_number(step_text) or not 1 <= int(step_text) <= 7:
                raise _weekday_error(f"the step in {item[:20]!r} must be a number from 1 to 7")
            step = int(step_text)
        if span == "*":
            first, last = 0, 7
        elif not span:
            raise _weekday_error(f"{field[:40]!r} has an empty item")
        elif "-" in span:
            a, _, b = span.partition("-")
            first, last = _weekday(a), _weekday(b)
            if last == 0 and first > 0:  # ...-sun: Sunday as 7
                last = 7
            if first > last:
                wrapped = ",".join(DAYS[d % 7] for d in [*range(first, 8), *range(1, last + 1)])
                raise _weekday_error(f"the weekday range {span[:20]!r} runs backwards, and cron ranges don't wrap round the week; write {wrapped!r}")
        elif slash:
            raise _weekday_error(f"a step needs a range or *, as in '1-5/2' or '*/2', not {item[:20]!r}")
        else:
            first = last = _weekday(span)
        days.update(d % 7 for d in range(first, last + 1, step))
    return frozenset(days)


def _weekday(token: str) -> int:
    if is_number(token):
        n = int(token)
        if n > 7:
            raise ScheduleError(f"Weekday {n if n < 10**6 else token[:10] + '…'} doesn't exist; use 0-7 (0 and 7 are Sunday) or sun..sat.")
        return n
    if token.lower() in _DAY_WORDS:
        return DAYS.index(_DAY_WORDS[token.lower()])
    raise _weekday_error(f"{token[:20]!r} is not a weekday")


def _weekday_error(reason: str) -> ScheduleError:
    return ScheduleError(f"That cron expression doesn't work: {reason}. Weekdays are 0-7 (0 and 7 are Sunday) or sun..sat, e.g. '30 7 * * mon-fri'.")


def weekday_field(days: frozenset[int]) -> str:
    """Days as a weekday field both standard cron and APScheduler read alike: `*` for all seven,
    else names from Sunday on, three or more days in a row from Monday to Saturday as a range."""
    if days == _ALL_DAYS:
        return "*"
    parts, run = [], []
    for d in [*range(7), None]:
        if d is not None and d in days and (not run or (d == run[-1] + 1 and d != 1)):
            run.append(d)
            continue
        if run:
            parts.append(f"{DAYS[run[0]]}-{DAYS[run[-1]]}" if len(run) >= 3 else ",".join(DAYS[x] for x in run))
        run = [d] if d is not None and d in days else []
    return ",".join(parts)


def _describe(minute: str, hour: str, dom: str, month: str, dow: str) -> str | None:
    """Plain English for the common shapes; None for the rest."""
    days = weekdays(dow)
    if month != "*":
        return None
    if _either_day(dom, dow) and days == _ALL_DAYS:
        dom = "*"
    if dom == "*":
        on = _days_phrase(days)
    elif all(is_number(d) and 1 <= int(d) <= 31 for d in dom.split(",")):
        monthly = f"on the {_and(_ordinal(int(d)) for d in dom.split(','))} of the month"
        if days == _ALL_DAYS:
            on = monthly
        elif _either_day(dom, dow):  # either day runs
            on = f"{monthly} and on {_and(_PLURAL[d] for d in sorted(days))}"
        else:
            return None  # `*/2`-style weekdays with a date: both must match, hard to say simply
    else:
        return None
    if is_number(minute) and int(minute) < 60:
        if is_number(hour) and int(hour) < 24:
            return f"{on} at {int(hour):02d}:{int(minute):02d}"
        if hour == "*":
            every = "every hour on the hour" if int(minute) == 0 else f"every hour at :{int(minute):02d}"
            return every if on == "every day" else f"{every}, {on if on.startswith('on ') else 'on ' + on}"
    return None


def _days_phrase(days: frozenset[int]) -> str:
    if days == _ALL_DAYS:
        return "every day"
    if days == frozenset(range(1, 6)):
        return "weekdays"
    if days == frozenset({0, 6}):
        return "weekends"
    return _and(_PLURAL[d] for d in sorted(days))


def _and(words) -> str:
    words = list(words)
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


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


def parse_schedule(
    text: str,
    timezone: str | None,
    default_timezone: str,
    min_minutes: int,
    *,
    current: Schedule | None = None,
    now: datetime | None = None,
) -> Schedule | None:
    """`text` as typed after `/news schedule`; None means "off". A trailing IANA timezone in the
    text wins over `timezone`, which wins over the channel's current one (`default_timezone`).
    A timezone alone (in the text or in `timezone`, with no text) keeps the times of `current`,
    the channel's schedule, and moves them to that zone. Quotation marks are left out: the
    examples quote cron ('30 7 * * mon-fri'), and no schedule or timezone holds one. `now` (the
    clock) is for the check that the schedule runs and not too often."""
    tokens = text.translate(_NO_QUOTES).split()
    timezone = timezone.translate(_NO_QUOTES) if timezone else timezone
    if tokens and _looks_like_timezone(tokens[-1]):
        timezone = tokens.pop()
        if not tokens and current is None:
            zone = resolve_timezone(timezone)
            raise ScheduleError(f"{zone} is a timezone; say when as well, for example: daily 08:00 {zone}")
    tz = resolve_timezone(timezone) if timezone else default_timezone
    if not tokens and current is not None and timezone:
        tokens = current.cron.split()  # only a timezone: the same times in the new zone
    if not tokens:
        raise ScheduleError(f"Say when, for example: {EXAMPLES}.")
    if len(tokens) == 1 and tokens[0].lower() in ("off", "none", "stop", "never"):
        return None
    cron = _cron_from_words(tokens) if len(tokens) != 5 else _normalise_cron(tokens)
    schedule = Schedule(cron, tz)
    try:
        runs = schedule.next_runs(now or datetime.now(ZoneInfo(tz)), count=48)
    except ValueError as exc:
        raise ScheduleError(f"That cron expression doesn't work ({exc}). {CRON_HELP}") from None
    if not runs:
        raise ScheduleError(f"{cron!r} never runs; pick a date that exists, e.g. {EXAMPLES}.")
    # One run per local date and time (the scheduler keeps one of an autumn night's two 02:30s).
    gaps = [b - a for a, b in zip(runs, runs[1:])]
    if gaps and min(gaps) < timedelta(minutes=min_minutes):
        hourly = "hourly, " if min_minutes <= 60 else ""
        raise ScheduleError(f"That would post more often than every {min_minutes} minutes; a digest needs time to gather news. Try {hourly}daily 08:00 or weekdays 07:30.")
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
    """Standard cron with its weekday field read as standard cron reads it and written as names
    (`0-6` -> `*`, `1-5` -> `mon-fri`, `*/2` -> `sun,tue,thu,sat`), keeping what it means: a
    restricted date with all seven days (`0 9 1 * 0-6`) runs every day, so it becomes `* *`; and
    `*/2` beside a date (`0 9 1 * */2`: the 1st when it is one of those days) stays as typed,
    since names there would mean "either day"."""
    minute, hour, dom, month, dow = fields
    days = weekdays(dow)
    if days == _ALL_DAYS:
        if _either_day(dom, dow):
            dom = "*"
        dow = "*"
    elif dow.startswith("*") and not dom.startswith("*"):
        dow = dow.lower()  # both must match, which only a field starting with * says
    else:
        dow = weekday_field(days)
    return " ".join([minute, hour, dom, month, dow])
