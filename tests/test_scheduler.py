"""The scheduler in one process, on a frozen clock (time-machine), on SQLite and PostgreSQL,
posting through the real Slack and Discord adapters to the fake platform servers."""

from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import time_machine
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import select, update

from bot.logs import _context as log_fields
from bot.provider import DigestScope, StoreDigestProvider
from bot.scheduler import DigestScheduler, current_slot, slot_key
from bot.schedules import Schedule
from corpus.channels import Subscription
from bot.stored_digest import digest_from_json
from corpus.deliveries import CLAIMED, EMPTY, FAILED, MISSED, POSTED, Delivery
from tests.chatkit import run, texts
from tests.fake_discord import Hold
from bot.service import Place
from tests.fake_slack import CHANNEL, TEAM, FakeSlack
from tests.http_server import Reply as Serve
from tests.schedkit import DISCORD_CHANNEL, SLACK_TOKEN, at, hours, news, rows, seed_due_job, slack_scheduler, subscribe
from tests.test_discord import discord_env

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def cfg(settings):
    settings.scheduler.sync_seconds = 30
    return settings


def go(coro):
    return asyncio.run(coro)


def test_a_slot_is_claimed_posted_and_recorded_once(store, cfg):
    sub = subscribe(store, "0 8 * * *", "Europe/Berlin")
    with time_machine.travel(at(2024, 5, 6, 5, 0), tick=False) as clock:
        news(store, 3, tag="monday")

        async def scenario():
            async with slack_scheduler(store, cfg) as (sched, slack, _):
                await sched.run_due()
                assert slack.posts() == []  # 07:00 in Berlin: not yet
                clock.move_to(at(2024, 5, 6, 6, 0, 5))  # 08:00:05 Berlin
                await sched.run_due()
                (post,) = slack.posts()
                assert post["text"].startswith("News digest · 3 stories")
                assert post["metadata"]["event_payload"] == {"marker": f"newsbot:{sub}:2024-05-06T08:00 Europe/Berlin", "part": 0}
                # The job running again for the same slot (a second process, a clock change) posts nothing.
                await sched.run_slot(sub)
                assert len(slack.posts()) == 1

        go(scenario())
    (row,) = rows(store, sub)
    assert (row.status, row.slot, row.message_ids) == (POSTED, "2024-05-06T08:00 Europe/Berlin", [post_ts(store, sub)])
    assert row.slot_at == at(2024, 5, 6, 6, 0) and row.payload["digest"]["stories"]


def test_a_channel_without_its_own_digest_size_gets_the_configured_one(store, cfg):
    own = subscribe(store, "0 8 * * *", "UTC", channel="COWN", story_count=3)
    default = subscribe(store, "0 8 * * *", "UTC", channel="CDEFAULT", story_count=None, words=None, algorithm=None)
    cfg.channels.story_count, cfg.channels.words = 2, 12
    with time_machine.travel(at(2024, 5, 6, 7, 0), tick=False) as clock:
        news(store, 4, tag="many")

        async def scenario():
            async with slack_scheduler(store, cfg) as (sched, slack, _):
                clock.move_to(at(2024, 5, 6, 8, 0))
                await sched.run_due()
                assert slack.posts("COWN")[0]["text"].startswith("News digest · 3 stories")
                assert slack.posts("CDEFAULT")[0]["text"].startswith("News digest · 2 stories")

        go(scenario())
    stories = rows(store, default)[0].payload["digest"]["stories"]
    assert all(sum(len(x["text"].split()) for x in st["sentences"]) <= 12 for st in stories)
    assert rows(store, own)[0].status == POSTED


def articles_in(delivery) -> set[str]:
    """The stored articles a delivered digest cites."""
    return {src["document_id"] for st in delivery.payload["digest"]["stories"] for src in st["sources"]}


def post_ts(store, sub):
    return rows(store, sub)[0].message_ids[0]


def test_the_next_digest_has_only_what_is_new_and_nothing_new_posts_nothing(store, cfg):
    quiet = subscribe(store, "0 8 * * *", "UTC", channel="CQUIET")
    chatty = subscribe(store, "0 8 * * *", "UTC", channel="CCHATTY", post_when_empty=True)
    with time_machine.travel(at(2024, 5, 6, 7, 0), tick=False) as clock:
        first = news(store, 2, tag="first")

        async def scenario():
            async with slack_scheduler(store, cfg) as (sched, slack, _):
                clock.move_to(at(2024, 5, 6, 8, 0))
                await sched.run_due()
                assert len(slack.posts("CQUIET")) == len(slack.posts("CCHATTY")) == 1
                clock.move_to(at(2024, 5, 6, 12, 0))
                second = news(store, 1, tag="second")
                clock.move_to(at(2024, 5, 7, 8, 0))
                await sched.run_due()
                new = slack.posts("CQUIET")[1]["text"]
                assert new.startswith("News digest · 1 story") and "second" in new and "first" not in new
                clock.move_to(at(2024, 5, 8, 8, 0))  # nothing arrived since yesterday's digest
                await sched.run_due()
                assert len(slack.posts("CQUIET")) == 2  # nothing posted...
                assert slack.posts("CCHATTY")[-1]["text"] == "No news since Tue 07 May 08:00 UTC."  # ...unless asked for
                return second

        go(scenario())
    assert [r.status for r in rows(store, quiet)] == [POSTED, POSTED, EMPTY]
    assert [r.status for r in rows(store, chatty)] == [POSTED, POSTED, POSTED]
    assert articles_in(rows(store, quiet)[0]) == {str(i) for i in first}


def test_a_three_day_outage_gives_one_catch_up_and_older_slots_are_skipped(store, cfg, caplog):
    sub = subscribe(store, "0 8 * * *", "Europe/Berlin")
    caplog.set_level(logging.INFO, "newsbot")
    with time_machine.travel(at(2024, 5, 6, 5, 0), tick=False) as clock:
        news(store, 1, tag="monday")

        async def scenario():
            async with slack_scheduler(store, cfg) as (sched, slack, _):
                clock.move_to(at(2024, 5, 6, 6, 0))  # Monday 08:00 Berlin
                await sched.run_due()
                assert len(slack.posts()) == 1
            # Down from Monday noon until Thursday 09:30 Berlin; news keeps arriving.
            for day in (7, 8, 9):
                clock.move_to(at(2024, 5, day, 3, 0))
                news(store, 1, tag=f"day{day}")
            clock.move_to(at(2024, 5, 9, 7, 30))
            async with slack_scheduler(store, cfg) as (sched, slack, _):
                await sched.run_due()
                (catch_up,) = slack.posts()  # Tuesday's, Wednesday's and Thursday's slots: one post
                assert catch_up["text"].startswith("News digest · 3 stories")
                assert all(f"day{d}" in catch_up["text"] for d in (7, 8, 9)) and "monday" not in catch_up["text"]
                clock.move_to(at(2024, 5, 9, 12, 0))
                await sched.run_due()
                assert len(slack.posts()) == 1  # no burst later either
            # Down again until Friday 15:00 Berlin: 7 h after the slot, beyond the 6 h grace.
            clock.move_to(at(2024, 5, 10, 10, 0))
            news(store, 1, tag="friday")
            clock.move_to(at(2024, 5, 10, 13, 0))
            async with slack_scheduler(store, cfg) as (sched, slack, _):
                await sched.run_due()
                assert slack.posts() == []
                clock.move_to(at(2024, 5, 11, 6, 0))  # Saturday 08:00: covers Friday's news
                await sched.run_due()
                (saturday,) = slack.posts()
                assert "friday" in saturday["text"] and "day9" not in saturday["text"]

        go(scenario())
    assert [(r.slot, r.status) for r in rows(store, sub)] == [
        ("2024-05-06T08:00 Europe/Berlin", POSTED),
        ("2024-05-09T08:00 Europe/Berlin", POSTED),
        ("2024-05-10T08:00 Europe/Berlin", MISSED),
        ("2024-05-11T08:00 Europe/Berlin", POSTED),
    ]
    assert "skipped the digest due 2024-05-10T08:00 Europe/Berlin: the bot was down 7.0 h, longer than the 6.0 h catch-up grace" in caplog.text


@pytest.mark.parametrize("changed_after_the_slot", [False, True])
def test_a_slot_whose_job_moved_on_before_its_claim_is_posted_by_the_next_leader(store, cfg, caplog, changed_after_the_slot):
    """APScheduler stores a job's next run time before the job claims its slot: a leader that
    stops in between leaves the slot unclaimed and its job due only tomorrow."""
    caplog.set_level(logging.INFO, "newsbot")
    with time_machine.travel(at(2024, 5, 6, 5, 0), tick=False) as clock:
        sub = subscribe(store, "0 8 * * *", "Europe/Berlin")
        news(store, 2, tag="monday")
        if changed_after_the_slot:  # settings changed after 08:00: the schedule may date from then
            clock.move_to(at(2024, 5, 6, 6, 5))
            with store.session() as s:
                s.get(Subscription, sub).words = 50
        # The last leader's job moved on to Tuesday 08:00 Berlin; then it died before claiming Monday's slot.
        seed_due_job(store, sub, "0 8 * * *", "Europe/Berlin", at(2024, 5, 7, 6, 0))
        clock.move_to(at(2024, 5, 6, 6, 10))

        async def scenario():
            async with slack_scheduler(store, cfg) as (sched, slack, _):
                await sched.run_due()
                if changed_after_the_slot:
                    return slack.posts()
                await sched.run_slot(sub)  # the job firing too would not post it again
                posts = slack.posts()
            assert "its latest slot was neither posted nor due any more" in caplog.text
            caplog.clear()
            async with slack_scheduler(store, cfg) as (sched, slack, _):  # a restart with the slot posted
                await sched.run_due()
                assert slack.posts() == [] and "neither posted" not in caplog.text
            return posts

        posts = go(scenario())
    if changed_after_the_slot:
        assert posts == [] and rows(store, sub) == []
        return
    (post,) = posts
    assert post["metadata"]["event_payload"]["marker"] == f"newsbot:{sub}:2024-05-06T08:00 Europe/Berlin"
    assert [(r.slot, r.status) for r in rows(store, sub)] == [("2024-05-06T08:00 Europe/Berlin", POSTED)]


@pytest.mark.parametrize(
    ("nights", "change"),
    [
        ((at(2024, 3, 30), at(2024, 3, 31), at(2024, 4, 1)), "spring"),
        ((at(2024, 10, 26), at(2024, 10, 27), at(2024, 10, 28)), "autumn"),
    ],
)
def test_a_slot_inside_a_clock_change_posts_at_most_once_per_local_date(store, cfg, caplog, nights, change):
    """Europe/Berlin at 02:30: on the spring night that time doesn't exist, on the autumn night it
    happens twice (APScheduler fires at both); every other night, once."""
    sub = subscribe(store, "30 2 * * *", "Europe/Berlin", post_when_empty=True)
    caplog.set_level(logging.INFO, "newsbot")
    start = nights[0] - hours(2)
    with time_machine.travel(start, tick=False) as clock:

        async def scenario():
            async with slack_scheduler(store, cfg) as (sched, slack, _):
                t = start
                while t < nights[-1] + hours(24):
                    clock.move_to(t)
                    await sched.run_due()
                    t += hours(0.25)
                return [p["ts"] for p in slack.posts()]

        ts = go(scenario())
    done = rows(store, sub)
    assert [r.status for r in done] == [POSTED] * 3 and len(ts) == 3
    per_date = Counter(r.slot_at.astimezone(BERLIN).date() for r in done)
    assert sorted(per_date.values()) == [1, 1, 1] and len(per_date) == 3
    if change == "autumn":
        assert done[1].slot == "2024-10-27T02:30 Europe/Berlin" and done[1].slot_at == at(2024, 10, 27, 0, 30)  # the first 02:30
        assert "slot 2024-10-27T02:30 Europe/Berlin was already taken" in caplog.text  # the second fired and was refused
    else:
        assert done[1].slot_at == at(2024, 3, 31, 1, 30)  # 03:30 summer time, the first moment after the gap


def test_slots_and_their_keys_across_berlin_clock_changes():
    s = Schedule("30 2 * * *", "Europe/Berlin")
    grace = hours(6)
    first, second = current_slot(s, at(2024, 10, 27, 0, 45), grace), current_slot(s, at(2024, 10, 27, 1, 45), grace)
    assert (first, second) == (at(2024, 10, 27, 0, 30), at(2024, 10, 27, 1, 30))
    assert slot_key(first, "Europe/Berlin") == slot_key(second, "Europe/Berlin") == "2024-10-27T02:30 Europe/Berlin"
    assert current_slot(s, at(2024, 10, 27, 9, 0), grace) is None  # more than 6 h ago
    assert slot_key(current_slot(s, at(2024, 3, 31, 2, 0), grace), "Europe/Berlin") == "2024-03-31T03:30 Europe/Berlin"


def test_a_new_subscription_gets_a_bounded_backfill_not_the_archive(store, cfg):
    with time_machine.travel(at(2024, 5, 6, 9, 0), tick=False) as clock:
        for days in range(10, 0, -1):  # an archive: 40 articles over ten days...
            news(store, 4, at=at(2024, 5, 6, 9, 0) - hours(24 * days), tag=f"old{days}")
        fresh = news(store, 2, at=at(2024, 5, 6, 20, 0), tag="fresh")  # ...and two in the day before the first slot

        async def scenario():
            async with slack_scheduler(store, cfg) as (sched, slack, service):
                reply = run(service, "news schedule", place=place(), when="daily 08:00")  # 09:00 now: first slot tomorrow
                assert "Digest schedule set" in texts(reply)
                await sched.run_due()
                assert slack.posts() == []  # no catch-up for slots before the channel had a schedule
                clock.move_to(at(2024, 5, 7, 8, 0))
                await sched.run_due()
                return slack.posts()

        posts = go(scenario())
    (post,) = posts
    assert post["text"].startswith("News digest · 2 stories") and "fresh" in post["text"] and "old" not in post["text"]
    (row,) = rows(store)
    assert row.since == at(2024, 5, 6, 8, 0) and articles_in(row) == {str(i) for i in fresh}


def place():
    from bot.service import Place

    return Place("slack", TEAM, CHANNEL)


def test_schedule_changes_reach_the_scheduler_at_once_or_at_the_next_sync(store, cfg):
    with time_machine.travel(at(2024, 5, 6, 9, 0), tick=False) as clock:

        async def scenario():
            async with slack_scheduler(store, cfg) as (sched, _, service):
                seen_context = []
                sync = sched._sync_quietly
                sched._sync_quietly = lambda *a: seen_context.append(log_fields.get()) or sync(*a)
                run(service, "news schedule", place=place(), when="daily 10:00", timezone="Europe/Berlin")
                await asyncio.sleep(0.05)  # the change is handed to the loop thread
                # ... without the command's log context, which tagged every later digest and poll
                assert seen_context == [{}]
                (job,) = [j for j in sched.aps.get_jobs() if j.id.startswith("digest:")]
                assert job.name == "0 10 * * * Europe/Berlin" and job.next_run_time == at(2024, 5, 7, 8, 0)
                # Another process changes it: seen at the next sync (every sync_seconds).
                with store.session() as s:
                    s.execute(update(Subscription).values(cron="0 7 * * mon-fri", timezone="UTC"))
                clock.move_to(at(2024, 5, 6, 9, 0, 31))
                await sched.run_due()
                (job,) = [j for j in sched.aps.get_jobs() if j.id.startswith("digest:")]
                assert job.name == "0 7 * * mon-fri UTC" and job.next_run_time == at(2024, 5, 7, 7, 0)
                # A job stored before cron was read the standard way keeps its name but not its
                # trigger: "*/2" stepped from Monday (Wednesday next), and is replaced (Tuesday).
                with store.session() as s:
                    s.execute(update(Subscription).values(cron="0 9 * * */2"))
                clock.move_to(at(2024, 5, 6, 9, 1, 2))
                await sched.run_due()
                assert sched.aps.get_job(job.id).name == "0 9 * * */2 UTC"
                sched.aps.reschedule_job(job.id, jobstore="default", trigger=CronTrigger.from_crontab("0 9 * * */2", timezone=ZoneInfo("UTC")))
                assert sched.aps.get_job(job.id).next_run_time == at(2024, 5, 8, 9, 0)
                clock.move_to(at(2024, 5, 6, 9, 1, 33))
                await sched.run_due()
                assert sched.aps.get_job(job.id).next_run_time == at(2024, 5, 7, 9, 0)
                run(service, "news schedule", place=place(), when="off")
                await asyncio.sleep(0.05)
                assert [j for j in sched.aps.get_jobs() if j.id.startswith("digest:")] == []

        go(scenario())


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_post_cut_short_is_finished_once_on_slack(store, cfg, when):
    """A digest of several messages; the process dies while Slack handles the second one (before
    or after Slack made it). The next leader reads the channel history, finds the parts already
    there by their marker, and posts only the rest."""
    sub = subscribe(store, "0 8 * * *", "UTC", story_count=25, words=300)
    with time_machine.travel(at(2024, 5, 6, 7, 0), tick=False) as clock:
        news(store, 25, tag="many")

        async def scenario():
            slack = await FakeSlack().start()
            try:
                async with slack_scheduler(store, cfg, slack) as (sched, _, _):
                    slack.hold = Hold(when, nth=2)
                    clock.move_to(at(2024, 5, 6, 8, 0))
                    sched.aps.wakeup()
                    await asyncio.wait_for(slack.hold.held.wait(), 10)
                    for task in list(sched._tasks):  # the process dies: its tasks stop where they are
                        task.cancel()
                    await asyncio.sleep(0.05)
                slack.hold.release.set()
                slack.hold = None
                assert [r.status for r in rows(store, sub)] == [CLAIMED]
                made = len(slack.posts())
                assert made == (1 if when == "before" else 2)
                clock.move_to(at(2024, 5, 6, 8, 5))
                async with slack_scheduler(store, cfg, slack) as (sched, _, _):
                    await sched.run_due()
                return slack
            finally:
                await slack.stop()

        slack = go(scenario())
    posts = slack.posts()
    parts = [p["metadata"]["event_payload"]["part"] for p in posts]
    assert len(posts) >= 3 and parts == list(range(len(posts)))  # every part once, in order
    assert {p["metadata"]["event_payload"]["marker"] for p in posts} == {f"newsbot:{sub}:2024-05-06T08:00 UTC"}
    assert "conversations.history" in slack.methods()
    (row,) = rows(store, sub)
    assert row.status == POSTED and row.message_ids == [p["ts"] for p in posts]


def test_a_failed_post_is_retried_and_a_refused_one_is_not(store, cfg, caplog):
    retry = subscribe(store, "0 8 * * *", "UTC", channel="CRETRY")
    gone = subscribe(store, "0 8 * * *", "UTC", channel="CGONE")
    with time_machine.travel(at(2024, 5, 6, 7, 0), tick=False) as clock:
        news(store, 2, tag="retry")

        async def scenario():
            async with slack_scheduler(store, cfg) as (sched, slack, _):
                slack.fail = {"chat.postMessage:CRETRY": [500], "chat.postMessage:CGONE": ["channel_not_found"]}
                clock.move_to(at(2024, 5, 6, 8, 0))
                await sched.run_due()
                assert slack.posts("CRETRY") == [] and slack.posts("CGONE") == []
                # What /news schedule shows for the last digest: Slack's error, not its API's address.
                assert [(r.status, r.attempts, r.error) for r in rows(store, retry)] == [(CLAIMED, 1, "Slack error: fatal_error")]
                clock.move_to(at(2024, 5, 6, 8, 0, 20))  # a sweep before the retry time: not yet
                await sched.tick()
                assert slack.posts("CRETRY") == []
                clock.move_to(at(2024, 5, 6, 8, 0, 31))  # the next sweep after it
                await sched.tick()
                await sched.idle()
                return slack

        slack = go(scenario())
    assert len(slack.posts("CRETRY")) == 1 and slack.posts("CGONE") == []
    (done,) = rows(store, retry)
    assert (done.status, done.attempts, len(done.message_ids)) == (POSTED, 1, 1)
    (refused,) = rows(store, gone)
    assert (refused.status, refused.attempts, refused.error) == (FAILED, 0, "Slack refused the post: channel_not_found")
    assert "posting to slack failed (attempt 1 of 5): Slack error: fatal_error" in caplog.text
    assert SLACK_TOKEN not in caplog.text


def test_a_channel_that_is_gone_has_its_schedule_turned_off_after_three_refused_digests(store, cfg):
    """A deleted or archived channel refused every digest, and a digest was built for it at
    every slot, forever. After three refused in a row its schedule is off, and /news schedule
    says why; another refusal (a message too long) does not count as the channel being gone."""
    gone = subscribe(store, "0 8 * * *", "UTC", channel="CGONE")
    other = subscribe(store, "0 8 * * *", "UTC", channel="CLONG")
    with time_machine.travel(at(2024, 5, 6, 7, 0), tick=False) as clock:

        async def scenario():
            async with slack_scheduler(store, cfg) as (sched, slack, service):
                slack.fail = {"chat.postMessage:CGONE": ["channel_not_found"] * 4, "chat.postMessage:CLONG": ["msg_too_long"] * 4}
                for day in range(6, 9):
                    news(store, 1, tag=f"day{day}")
                    clock.move_to(at(2024, 5, day, 8, 0))
                    await sched.run_due()
                    await sched.idle()
                    with store.session() as s:
                        cron = s.get(Subscription, gone).cron
                    assert (cron is None) == (day == 8), day
                clock.move_to(at(2024, 5, 8, 8, 1))
                await sched.run_due()  # the next sync removes the job
                assert [j.id for j in sched.aps.get_jobs() if j.id.startswith("digest:")] == [f"digest:{other}"]
                shown = run(service, "news schedule", place=Place("slack", TEAM, "CGONE"))
                assert "Scheduled digests are off for this channel; the last one was refused (Slack refused the post: channel_not_found)" in texts(shown)

        go(scenario())
    assert [r.error for r in rows(store, gone)] == ["Slack refused the post: channel_not_found"] * 3
    with store.session() as s:
        assert s.get(Subscription, other).cron == "0 8 * * *"


def test_a_story_that_grew_is_told_by_what_is_new_not_by_what_the_channel_was_sent(store, cfg):
    """Day 1 the harbour story is posted; day 2 another outlet adds to it. The day-2 digest
    repeated day 1's sentences word for word, and the new report was cited by nothing."""
    from corpus.ingest import Ingestor
    from corpus.raw import RawArticle

    first = ("The northern harbour of Port Vell was closed on Monday after a crane collapsed onto the main pier. "
             "Harbour officials said the crane had been inspected in March and passed every test. "
             "Ferries to the islands were moved to the southern harbour until further notice.")
    later = ("Port Vell harbour will reopen on Thursday, officials said, once engineers finish checking the main pier. "
             "The crane that collapsed onto the pier in the harbour on Monday will be cut up and taken away by barge. "
             "Ferry operators said the southern harbour could not cope with the summer crowds for long.")

    def report(text: str, outlet: str, day: int) -> RawArticle:
        return RawArticle(title=f"Port Vell harbour crane collapse, {outlet}", text=text, outlet=outlet, url=f"https://{outlet}.example/{day}",
                          published=at(2024, 5, day, 6, 0), origin=outlet)  # fmt: skip

    sub = subscribe(store, "0 8 * * *", "UTC", words=200)
    with time_machine.travel(at(2024, 5, 6, 7, 0), tick=False) as clock:
        assert Ingestor(store).ingest([report(first, "wire", 6)]).new == 1

        async def scenario():
            async with slack_scheduler(store, cfg) as (sched, slack, _):
                clock.move_to(at(2024, 5, 6, 8, 0))
                await sched.run_due()
                assert Ingestor(store).ingest([report(later, "paper", 7)]).new == 1
                clock.move_to(at(2024, 5, 7, 8, 0))
                await sched.run_due()
                return slack

        slack = go(scenario())
    assert len(slack.posts()) == 2
    with store.session() as s:
        told = [digest_from_json(r.payload["digest"]).stories for r in s.scalars(select(Delivery).where(Delivery.subscription_id == sub).order_by(Delivery.id))]
    day1 = [x.text for story in told[0] for x in story.sentences]
    day2 = [x.text for story in told[1] for x in story.sentences]
    assert any("crane collapsed onto the main pier" in t for t in day1)
    assert any("reopen on Thursday" in t for t in day2) and not set(day1) & set(day2)


@pytest.mark.parametrize("nonces_forgotten", [False, True])
@pytest.mark.parametrize("when", ["before", "after"])
def test_a_post_cut_short_is_finished_once_on_discord(store, cfg, when, nonces_forgotten):
    """The next attempt at a slot reads the channel's history and sends only the parts not there,
    with the same nonces; that holds when Discord has forgotten them (its nonce window is a few
    minutes; every process may have been down for longer)."""
    sub = subscribe(store, "0 8 * * *", "UTC", platform="discord", channel=DISCORD_CHANNEL, story_count=25, words=300)
    with time_machine.travel(at(2024, 5, 6, 7, 0), tick=False) as clock:
        news(store, 25, tag="many")

        async def scenario():
            async with discord_env(store) as (bot, server):
                first = DigestScheduler(store, StoreDigestProvider(store), cfg, {"discord": bot})
                await first.start()
                server.hold = Hold(when, nth=2)
                clock.move_to(at(2024, 5, 6, 8, 0))
                first.aps.wakeup()
                await asyncio.wait_for(server.hold.held.wait(), 10)
                for task in list(first._tasks):  # the process dies mid-post
                    task.cancel()
                await first.stop()
                server.hold.release.set()
                server.hold = None
                if nonces_forgotten:
                    server.nonces.clear()
                clock.move_to(at(2024, 5, 6, 8, 5))
                second = DigestScheduler(store, StoreDigestProvider(store), cfg, {"discord": bot})
                await second.start()
                await second.run_due()
                await second.stop()
                posts = [r for r in server.requests if r.method == "POST" and r.path.endswith("/messages")]
                return server.posts(DISCORD_CHANNEL), posts

        made, attempts = go(scenario())
    nonces = [a.body["nonce"] for a in attempts]
    assert len(made) >= 3 and len({m["id"] for m in made}) == len(made)
    assert len({m["nonce"] for m in made}) == len(made)  # every part exactly once
    # The first attempt sent parts 0 and 1; Discord made part 1 only "after". The second sent
    # only the parts the history did not show, part 1's again with its nonce when it was lost.
    in_channel = 1 if when == "before" else 2
    assert nonces[2:] == [m["nonce"] for m in made[in_channel:]]
    assert len(attempts) == 2 + len(made) - in_channel
    (row,) = rows(store, sub)
    assert row.status == POSTED and row.message_ids == [m["id"] for m in made]


def test_digest_shows_the_latest_digest_this_channel_was_sent(store, cfg):
    subscribe(store, "0 8 * * *", "Europe/Berlin")
    with time_machine.travel(at(2024, 5, 6, 5, 0), tick=False) as clock:
        news(store, 2, tag="delivered")

        async def scenario():
            async with slack_scheduler(store, cfg) as (sched, slack, service):
                before = texts(run(service, "digest", place=place()))
                clock.move_to(at(2024, 5, 6, 6, 0))
                await sched.run_due()
                assert slack.posts(CHANNEL)[0]["text"].startswith("News digest · 2 stories · 2024-05-06 08:00 CEST")
                news(store, 1, tag="later")
                clock.move_to(at(2024, 5, 6, 9, 0))
                return before, texts(run(service, "digest", place=place())), texts(run(service, "digest", place=place(), topic="later"))

        before, after, topical = go(scenario())
    # Its time in the channel's timezone, as built now and as stored with the delivery
    assert "News digest · 2 stories · 2024-05-06 07:00 CEST" in before and "Posted" not in before  # none delivered yet: built now
    assert "News digest · 2 stories · 2024-05-06 08:00 CEST" in after and "later" not in after.split("Posted")[0]
    assert "Posted Mon 06 May 08:00 CEST; the next is due Tue 07 May 08:00" in after
    assert "later" in topical and "Posted" not in topical


@pytest.mark.parametrize(("url", "shown", "again"), [
    ("https://gone.example/feed.xml", "https://gone.example/feed.xml", "/news subscribe https://gone.example/feed.xml"),
    # a private feed's passkey is not for the channel
    ("https://gone.example/rss?passkey=PK_SECRET", "https://gone.example/rss?passkey=…", "/news subscribe and its full address"),
])
def test_a_disabled_feed_is_announced_once_in_every_channel_that_follows_it(store, cfg, url, shown, again):
    from corpus.channels import SubscriptionFeed
    from corpus.models import Feed

    with store.session() as s:
        feed, other = Feed(url=url), Feed(url="https://fine.example/feed.xml")
        s.add_all([feed, other])
        s.flush()
        feed_id, other_id = feed.id, other.id
    a, b = subscribe(store, None, channel="CA"), subscribe(store, "0 8 * * *", channel="CB")
    c = subscribe(store, None, channel="CC")
    with store.session() as s:
        s.add_all([SubscriptionFeed(subscription_id=a, feed_id=feed_id), SubscriptionFeed(subscription_id=b, feed_id=feed_id),
                   SubscriptionFeed(subscription_id=c, feed_id=other_id)])  # fmt: skip
    with time_machine.travel(at(2024, 5, 6, 7, 0), tick=False):
        with store.session() as s:  # as the poller leaves a feed after its last failure
            f = s.get(Feed, feed_id)
            f.disabled_at, f.disabled_reason = at(2024, 5, 6, 7, 0), "disabled after 6 failed checks in a row; the last: HTTP 500"

        async def scenario():
            async with slack_scheduler(store, cfg) as (sched, slack, _):
                await sched.feed_disabled(feed_id)
                await sched.feed_disabled(feed_id)  # told twice (two polls, two processes): posted once
                return slack

        slack = go(scenario())
    for channel in ("CA", "CB"):
        (post,) = slack.posts(channel)
        assert post["text"] == (
            f"I stopped checking the feed {shown}: disabled after 6 failed checks in a row; the last: HTTP 500. "
            f"An admin can try it again with {again}, or drop it with /news unsubscribe {shown}."
        )
    assert slack.posts("CC") == []
    assert [r.kind for r in rows(store, b)] == ["notice"]
    assert all(r.status == POSTED for r in rows(store))


def test_one_slack_channel_gets_at_most_about_one_message_a_second(store, cfg):
    from bot.messages import Notice, Reply

    async def scenario():
        async with slack_scheduler(store, cfg) as (sched, slack, _):
            bot = sched.outlets["slack"]
            slack.fail = {"chat.postMessage:C2": [429]}  # Slack says slow down: the retry handler waits and tries again
            posts = [bot.deliver("C1", Reply.of(Notice(f"post {i}")), f"m{i}", None) for i in range(3)]
            await asyncio.gather(*posts, bot.deliver("C2", Reply.of(Notice("elsewhere")), "m9", None))
            return slack

    slack = go(scenario())
    c1 = [c.at for c in slack.calls if c.method == "chat.postMessage" and c.body["channel"] == "C1"]
    c2 = [c.at for c in slack.calls if c.method == "chat.postMessage" and c.body["channel"] == "C2"]
    assert len(c1) == 3 and min(b - a for a, b in zip(c1, c1[1:])) >= 0.95
    assert len(c2) == 2 and c2[0] < c1[1]  # another channel doesn't wait for this one
    assert len(slack.posts("C2")) == 1


def test_feeds_are_polled_by_the_scheduler_and_a_failing_one_is_disabled_and_announced(store, net_settings, http_server):
    from corpus import polling
    from corpus.channels import SubscriptionFeed
    from corpus.models import Article, Feed
    from bot.metrics import ARTICLES_INGESTED, FEEDS_FAILING

    ingested = ARTICLES_INGESTED.labels("feed")._value.get()
    cfg = net_settings
    cfg.feeds.max_failures, cfg.feeds.backoff_base_minutes = 2, 5
    good = polling.add_feed(store, http_server.route("/good.xml", Serve(body=RSS, headers={"Content-Type": "application/rss+xml"})), cfg)
    bad = polling.add_feed(store, http_server.route("/bad.xml", Serve(500, b"oops")), cfg)
    followers = [subscribe(store, None, channel=c) for c in ("CA", "CB")]
    other = subscribe(store, None, channel="CC")
    with store.session() as s:
        s.add_all([SubscriptionFeed(subscription_id=f, feed_id=bad.id) for f in followers] + [SubscriptionFeed(subscription_id=other, feed_id=good.id)])
    with time_machine.travel(at(2024, 5, 6, 7, 0), tick=False) as clock:

        async def scenario():
            async with slack_scheduler(store, cfg) as (sched, slack, _):
                await sched.run_due()  # every feed is due at start
                assert http_server.hits("/good.xml") == http_server.hits("/bad.xml") == 1
                assert all(slack.posts(c) == [] for c in ("CA", "CB", "CC"))
                clock.move_to(at(2024, 5, 6, 7, 2))  # the next check: the bad feed backs off 5 minutes
                await sched.run_due()
                assert http_server.hits("/bad.xml") == 1
                clock.move_to(at(2024, 5, 6, 7, 6))
                await sched.run_due()  # second failure in a row: disabled
                return slack

        slack = go(scenario())
    assert http_server.hits("/bad.xml") == 2
    for channel in ("CA", "CB"):
        (notice,) = slack.posts(channel)
        assert notice["text"].startswith(f"I stopped checking the feed {bad.url}: disabled after 2 failed checks in a row; the last: HTTP 500")
    assert slack.posts("CC") == []
    with store.session() as s:
        assert s.get(Feed, bad.id).disabled_at is not None
        assert sorted(s.scalars(select(Article.title).where(Article.feed_id == good.id))) == ["Harbour reopens", "Tariff vote delayed"]
    assert FEEDS_FAILING._value.get() == 1
    assert ARTICLES_INGESTED.labels("feed")._value.get() - ingested == 2  # /metrics counts what polls store


RSS = (
    "<rss version='2.0'><channel><title>Good</title>"
    + "".join(
        f"<item><title>{t}</title><guid isPermaLink='false'>{t}</guid><description>{t}. {'A sentence long enough to count as a whole article, not a teaser. ' * 20}</description></item>"
        for t in ("Harbour reopens", "Tariff vote delayed")
    )
    + "</channel></rss>"
).encode()


def test_the_schedule_shows_what_became_of_the_last_digest_and_empty_can_be_set(store, cfg):
    with time_machine.travel(at(2024, 5, 6, 7, 0), tick=False) as clock:

        async def scenario():
            async with slack_scheduler(store, cfg) as (sched, slack, service):
                assert "no digest schedule yet" in texts(run(service, "news schedule", place=place(), empty="post"))
                shown = texts(run(service, "news schedule", place=place(), when="daily 08:00"))
                assert "When nothing is new\n    a one-line note" in shown and "Last digest" not in shown
                clock.move_to(at(2024, 5, 6, 8, 0))
                await sched.run_due()  # nothing stored at all: the one-line note
                assert slack.posts()[0]["text"].startswith("No news since Sun 05 May 08:00 UTC")
                run(service, "news schedule", place=place(), empty="skip")
                return texts(run(service, "news schedule", place=place()))

        shown = go(scenario())
    assert "Last digest\n    posted, Mon 06 May 08:00 UTC" in shown and "When nothing is new\n    nothing" in shown


def test_a_stored_digest_comes_back_exactly(store):
    from bot.stored_digest import digest_from_json, digest_to_json

    with time_machine.travel(at(2024, 5, 6, 7, 0), tick=False):
        news(store, 3, tag="kept")
        digest = StoreDigestProvider(store).digest(DigestScope(zone="Asia/Tokyo"))
    assert len(digest.stories) == 3 and all(st.sources and st.sentences for st in digest.stories)
    stored = json.loads(json.dumps(digest_to_json(digest)))
    back = digest_from_json(stored)
    assert back == digest and f"{back.generated_at:%H:%M %Z}" == "16:00 JST"  # its zone too, not only the offset
    del stored["zone"]  # as stored before digests had a zone
    assert f"{digest_from_json(stored).generated_at:%H:%M %Z}" == "07:00 UTC"


def test_a_feed_a_channel_follows_is_polled_at_once_not_at_the_next_sweep(store, net_settings, http_server):
    from corpus import polling
    from corpus.models import Article

    cfg = net_settings
    cfg.scheduler.feed_check_seconds = 3600  # the next regular sweep is an hour away
    url = http_server.route("/good.xml", Serve(body=RSS, headers={"Content-Type": "application/rss+xml"}))

    async def scenario():
        async with slack_scheduler(store, cfg) as (sched, _, service):
            await sched.run_due()  # the sweep at start: no feeds yet
            service.add_feed = lambda st, u: polling.add_feed(st, u, cfg)
            reply = await asyncio.to_thread(run, service, "news subscribe", place=place(), url=url)
            assert "now follows" in texts(reply)
            for _ in range(200):
                if http_server.hits("/good.xml"):
                    break
                await asyncio.sleep(0.05)
            await sched.idle()

    go(scenario())
    assert http_server.hits("/good.xml") == 1
    with store.session() as s:
        assert sorted(s.scalars(select(Article.title))) == ["Harbour reopens", "Tariff vote delayed"]
