"""Schedules as people type them (bot/schedules.py): standard cron semantics over APScheduler 3,
the plain-English description, the next runs shown, and a timezone alone. Fixed clocks only."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.scheduler import current_slot, slot_key
from bot.schedules import Schedule, ScheduleError, parse_schedule

UTC = timezone.utc


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def parse(text: str, tz: str | None = None, now: datetime = at(2027, 3, 1, 0, 0), **kwargs) -> Schedule | None:
    return parse_schedule(text, tz, "UTC", 60, now=now, **kwargs)


def run_days(schedule: Schedule, now: datetime, count: int) -> list[str]:
    return [t.strftime("%a %d %b") for t in schedule.next_runs(now, count)]


# --- 1. the weekday field read as standard cron ------------------------------------------------------


@pytest.mark.parametrize(
    ("dow", "stored", "days"),
    [
        ("0-6", "*", ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]),  # was refused: sun-sat read as 6-5
        ("0-7", "*", ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]),
        ("*/2", "sun,tue,thu,sat", ["Tue", "Thu", "Sat", "Sun", "Tue", "Thu", "Sat"]),  # was Wed, Fri, Sun
        ("*/3", "sun,wed,sat", ["Wed", "Sat", "Sun", "Wed", "Sat", "Sun", "Wed"]),
        ("1-5/2", "mon,wed,fri", ["Mon", "Wed", "Fri", "Mon", "Wed", "Fri", "Mon"]),
        ("1-5", "mon-fri", ["Mon", "Tue", "Wed", "Thu", "Fri", "Mon", "Tue"]),
        ("mon-fri", "mon-fri", ["Mon", "Tue", "Wed", "Thu", "Fri", "Mon", "Tue"]),
        ("MON,Wed", "mon,wed", ["Mon", "Wed", "Mon", "Wed", "Mon", "Wed", "Mon"]),
        ("0", "sun", ["Sun"] * 7),
        ("7", "sun", ["Sun"] * 7),
        ("5-7", "sun,fri,sat", ["Fri", "Sat", "Sun", "Fri", "Sat", "Sun", "Fri"]),
        ("sat-sun", "sun,sat", ["Sat", "Sun", "Sat", "Sun", "Sat", "Sun", "Sat"]),  # a range may end on Sunday (7)
        ("0-3", "sun,mon-wed", ["Mon", "Tue", "Wed", "Sun", "Mon", "Tue", "Wed"]),
    ],
)
def test_the_weekday_field_is_read_as_standard_cron(dow, stored, days):
    schedule = parse(f"0 9 * * {dow}")
    assert schedule.cron == f"0 9 * * {stored}"
    runs = schedule.next_runs(at(2027, 3, 1, 0, 0), 7)  # Monday 1 March 2027
    assert [t.strftime("%a") for t in runs] == days
    assert all((t.hour, t.minute) == (9, 0) for t in runs)


@pytest.mark.parametrize(
    ("dow", "reason"),
    [
        ("fri-mon", "the weekday range 'fri-mon' runs backwards, and cron ranges don't wrap round the week; write 'fri,sat,sun,mon'"),
        ("5-1", "the weekday range '5-1' runs backwards"),
        ("7-1", "the weekday range '7-1' runs backwards"),
        ("8", "Weekday 8 doesn't exist"),
        ("1/2", "a step needs a range or *, as in '1-5/2' or '*/2', not '1/2'"),
        ("*/0", "the step in '*/0' must be a number from 1 to 7"),
        ("L", "'L' is not a weekday"),
        ("mon,,fri", "has an empty item"),
    ],
)
def test_wrong_weekday_fields_are_refused_with_a_one_line_reason(dow, reason):
    with pytest.raises(ScheduleError) as refused:
        parse(f"0 9 * * {dow}")
    assert reason in str(refused.value) and "\n" not in str(refused.value)


# --- 2. a date and a weekday: either runs, as in standard cron ----------------------------------------


def test_a_date_and_a_weekday_run_when_either_matches():
    # 1 April 2027 is a Thursday: standard cron runs on it and on every Monday
    schedule = parse("0 9 1 * mon")
    assert schedule.cron == "0 9 1 * mon"
    assert run_days(schedule, at(2027, 3, 28), 4) == ["Mon 29 Mar", "Thu 01 Apr", "Mon 05 Apr", "Mon 12 Apr"]
    # the scheduler's slot (bot/scheduler.py) is computed through the same trigger
    grace = timedelta(hours=6)
    assert current_slot(schedule, at(2027, 4, 1, 9, 30), grace) == at(2027, 4, 1, 9, 0)
    assert current_slot(schedule, at(2027, 4, 5, 9, 30), grace) == at(2027, 4, 5, 9, 0)
    assert current_slot(schedule, at(2027, 4, 6, 9, 30), grace) is None


def test_a_weekday_field_starting_with_a_star_still_needs_both():
    # standard cron: a day field starting with * makes both fields apply (the 1st, when a Sunday,
    # Tuesday, Thursday or Saturday); names there would mean "either", so the field stays as typed
    schedule = parse("0 9 1 * */2")
    assert schedule.cron == "0 9 1 * */2"
    assert run_days(schedule, at(2027, 1, 1), 3) == ["Thu 01 Apr", "Sat 01 May", "Tue 01 Jun"]
    assert parse("0 9 */2 * mon").cron == "0 9 */2 * mon"
    assert run_days(parse("0 9 */2 * mon"), at(2027, 3, 1), 3) == ["Mon 01 Mar", "Mon 15 Mar", "Mon 29 Mar"]


def test_a_date_or_any_day_is_every_day():
    schedule = parse("0 9 1 * 0-6")
    assert schedule.cron == "0 9 * * *"
    assert run_days(schedule, at(2027, 3, 2), 2) == ["Tue 02 Mar", "Wed 03 Mar"]


# --- 3. plain English ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cron", "described"),
    [
        ("0 9 * * mon", "Mondays at 09:00"),
        ("0 9 * * sun,tue,thu,sat", "Sundays, Tuesdays, Thursdays and Saturdays at 09:00"),
        ("0 9 * * */2", "Sundays, Tuesdays, Thursdays and Saturdays at 09:00"),  # a stored cron is read as standard cron
        ("30 7 * * mon-fri", "weekdays at 07:30"),
        ("0 8 * * sat,sun", "weekends at 08:00"),
        ("0 8 * * *", "every day at 08:00"),
        ("0 8 * * mon,fri", "Mondays and Fridays at 08:00"),
        ("0 * * * *", "every hour on the hour"),
        ("15 * * * mon-fri", "every hour at :15, on weekdays"),
        ("0 9 1 * *", "on the 1st of the month at 09:00"),
        ("0 9 1,22 * *", "on the 1st and 22nd of the month at 09:00"),
        ("0 9 1 * mon", "on the 1st of the month and on Mondays at 09:00"),
        ("0 9 1 * */2", "cron 0 9 1 * */2"),
        ("0 9 * 1 mon", "cron 0 9 * 1 mon"),
        ("0 9,17 * * *", "cron 0 9,17 * * *"),
    ],
)
def test_describe_says_it_in_plain_english_or_gives_the_cron(cron, described):
    assert Schedule(cron, "Europe/Berlin").describe() == f"{described} (Europe/Berlin)"


# --- 4. next runs around clock changes: the slots the scheduler posts --------------------------------


def shown(schedule: Schedule, now: datetime) -> list[str]:
    return [t.strftime("%a %d %b %Y, %H:%M %Z") for t in schedule.next_runs(now, count=3)]


def test_next_runs_around_the_autumn_clock_change_show_one_run_per_local_date():
    daily = Schedule("30 2 * * *", "Europe/Berlin")
    assert shown(daily, at(2027, 10, 30, 12, 0)) == [
        "Sun 31 Oct 2027, 02:30 CEST", "Mon 01 Nov 2027, 02:30 CET", "Tue 02 Nov 2027, 02:30 CET",
    ]
    # between the two 02:30s: the first was that date's run, the second is refused by the scheduler
    assert shown(daily, at(2027, 10, 31, 1, 0))[0] == "Mon 01 Nov 2027, 02:30 CET"


def test_next_runs_around_the_spring_clock_change_show_the_time_it_posts():
    daily = Schedule("30 2 * * *", "Europe/Berlin")
    assert shown(daily, at(2027, 3, 27, 12, 0)) == [
        "Sun 28 Mar 2027, 03:30 CEST", "Mon 29 Mar 2027, 02:30 CEST", "Tue 30 Mar 2027, 02:30 CEST",
    ]


@pytest.mark.parametrize("cron", ["30 2 * * *", "0 * * * *", "30 1,2,3 * * *", "0 2 1 * sun"])
@pytest.mark.parametrize("start", [at(2027, 3, 27, 12, 0), at(2027, 10, 30, 12, 0)])
def test_next_runs_are_the_slots_the_scheduler_claims(cron, start):
    """Walk the scheduler's clock every 5 minutes over two days: the distinct slots
    bot.scheduler.current_slot finds, at the instants it finds them, are the runs listed."""
    schedule = Schedule(cron, "Europe/Berlin")
    end = start + timedelta(days=2)
    claimed: dict[str, datetime] = {}
    t = start
    while t < end:
        slot = current_slot(schedule, t, timedelta(hours=6))  # the default catch-up grace
        if slot is not None and slot >= start:
            claimed.setdefault(slot_key(slot, "Europe/Berlin"), slot)  # a second claim of a slot fails
        t += timedelta(minutes=5)
    listed = [r for r in schedule.next_runs(start, count=200) if r < end - timedelta(minutes=5)]
    assert [r.astimezone(UTC) for r in listed] == sorted(claimed.values())
    assert [slot_key(r, "Europe/Berlin") for r in listed] == sorted(claimed, key=claimed.get)


def test_an_hourly_schedule_across_clock_changes_is_not_too_frequent():
    for now in (at(2027, 3, 27, 22, 0), at(2027, 10, 30, 22, 0)):
        assert parse("hourly", "Europe/Berlin", now=now).cron == "0 * * * *"


# --- 5. a timezone alone -----------------------------------------------------------------------------


def test_a_timezone_alone_keeps_the_times_and_moves_the_zone():
    current = Schedule("0 9 * * sun", "UTC")
    for text, tz in [("Asia/Tokyo", None), ("asia/tokyo", None), ("'Asia/Tokyo'", None), ("", "Asia/Tokyo"), ("Asia/Tokyo", "Europe/Berlin")]:
        assert parse(text, tz, current=current) == Schedule("0 9 * * sun", "Asia/Tokyo"), (text, tz)
    # a schedule stored before weekdays were read as standard cron is read as standard cron
    assert parse("UTC", current=Schedule("0 9 * * */2", "Europe/Berlin")) == Schedule("0 9 * * sun,tue,thu,sat", "UTC")


def test_a_timezone_alone_with_no_schedule_asks_when():
    with pytest.raises(ScheduleError) as refused:
        parse("Asia/Tokyo")
    assert str(refused.value) == "Asia/Tokyo is a timezone; say when as well, for example: daily 08:00 Asia/Tokyo"
    with pytest.raises(ScheduleError, match="not a timezone I know"):
        parse("Mars/Olympus", current=Schedule("0 9 * * sun", "UTC"))


def test_a_schedule_too_frequent_is_refused_with_examples_that_are_allowed():
    with pytest.raises(ScheduleError) as refused:
        parse_schedule("*/30 * * * *", None, "UTC", 60, now=at(2027, 3, 1))
    assert "Try hourly, daily 08:00" in str(refused.value)
    with pytest.raises(ScheduleError) as refused:  # hourly itself is too frequent here: not suggested
        parse_schedule("hourly", None, "UTC", 120, now=at(2027, 3, 1))
    assert "every 120 minutes" in str(refused.value) and "hourly" not in str(refused.value).split("Try")[1]
