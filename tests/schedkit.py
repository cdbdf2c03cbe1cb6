"""Helpers for the scheduler tests: channels with schedules, articles that arrive at a given
time, and a scheduler whose outlets are the real Slack and Discord adapters pointed at the fake
platform servers."""

from __future__ import annotations

import contextlib
import random
from datetime import datetime, timedelta, timezone

from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select, update

from bot.provider import StoreDigestProvider
from bot.scheduler import DigestScheduler
from bot.slack_adapter import SlackBot
from config.settings import SlackSettings
from corpus.channels import Subscription
from corpus.deliveries import Delivery
from corpus.ingest import Ingestor
from corpus.models import Article
from corpus.raw import RawArticle
from tests.chatkit import make_service
from tests.fake_discord import CHANNEL_ID, GUILD_ID
from tests.fake_slack import CHANNEL, SECRET, TEAM, FakeSlack

UTC = timezone.utc
SLACK_TOKEN = "xoxb-scheduler-test-token"


def subscribe(store, cron: str | None, tz: str = "UTC", *, platform: str = "slack", channel: str = CHANNEL, **fields) -> int:
    """A channel with a schedule, as /news schedule leaves it."""
    workspace = {"slack": TEAM, "discord": GUILD_ID}.get(platform, "")
    with store.session() as s:
        sub = Subscription(
            platform=platform, workspace=workspace, channel=channel, cron=cron, timezone=tz, include_keywords=[], exclude_keywords=[],
            story_count=fields.pop("story_count", 5), words=fields.pop("words", 40), algorithm=fields.pop("algorithm", "lexrank"),
            post_when_empty=fields.pop("post_when_empty", False), created_by="U1", **fields,
        )  # fmt: skip
        s.add(sub)
        s.flush()
        return sub.id


def news(store, n: int, *, at: datetime | None = None, tag: str = "") -> list[int]:
    """`n` articles about `n` unrelated stories (made-up words, so the engine clusters each
    alone); `at` backdates when they were fetched (default: the clock's now). Titles start
    with `tag`."""
    rng = random.Random(f"{tag}{n}{at}")
    raws = []
    for _ in range(n):
        words = ["".join(rng.choice("bcdfghjklmnpqrstvwz") + rng.choice("aeiou") for _ in range(4)) for _ in range(12)]
        key = f"{tag}{rng.getrandbits(40):x}"
        text = " ".join(f"{words[j].capitalize()} {words[j + 1]} {words[j + 2]} {words[(j + 5) % 12]}." for j in range(9))
        raws.append(RawArticle(title=f"{tag} {words[0]} {words[1]}".strip(), text=text, outlet="Wire", url=f"https://news.example/{key}", origin=key))
    report = Ingestor(store).ingest(raws)
    assert report.new == n, report.summary()
    if at is not None:
        with store.session() as s:
            s.execute(update(Article).where(Article.id.in_(report.new_ids)).values(fetched_at=at))
    return report.new_ids


def rows(store, sub_id: int | None = None) -> list[Delivery]:
    with store.session() as s:
        q = select(Delivery).order_by(Delivery.id)
        return list(s.scalars(q.where(Delivery.subscription_id == sub_id) if sub_id else q))


def headlines(post: dict) -> str:
    return post.get("text") or str(post.get("embeds"))


@contextlib.asynccontextmanager
async def slack_scheduler(store, settings, server: FakeSlack | None = None):
    """A started scheduler posting to Slack (the real adapter) against a fake Slack (a new one,
    or `server`, which is then left running)."""
    own = server is None
    server = server or await FakeSlack().start()
    service = make_service(store)
    bot = SlackBot(SlackSettings(bot_token=SLACK_TOKEN, signing_secret=SECRET, mode="http"), service, AsyncWebClient(token=SLACK_TOKEN, base_url=server.api))
    sched = DigestScheduler(store, StoreDigestProvider(store), settings, {"slack": bot})
    service.on_schedule_change = sched.schedule_changed
    service.on_feed_added = sched.feeds_changed
    await sched.start()
    try:
        yield sched, server, service
    finally:
        await sched.stop()
        if own:
            await server.stop()


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0, sec: int = 0, tz=UTC) -> datetime:
    return datetime(y, mo, d, h, mi, sec, tzinfo=tz)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


DISCORD_CHANNEL = CHANNEL_ID


def seed_due_job(store, sub_id: int, cron: str, tz: str, due: datetime, grace: timedelta = timedelta(hours=6)) -> None:
    """Put a subscription's job in the job store with a run already due, as a bot that was down
    at `due` leaves it: the next leader runs it at start (a catch-up)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from bot.scheduler import add_digest_job

    async def seed():
        aps = AsyncIOScheduler(jobstores={"default": SQLAlchemyJobStore(engine=store.engine)}, timezone=UTC)
        aps.start(paused=True)  # paused: stores the job, runs nothing
        add_digest_job(aps, sub_id, cron, tz, grace, next_run_time=due)
        aps.shutdown(wait=False)

    with ThreadPoolExecutor(1) as pool:  # a loop of its own, whether or not the caller runs one
        pool.submit(asyncio.run, seed()).result()


def minute_just_past(now: datetime) -> tuple[str, datetime]:
    """A daily cron whose latest run was the start of the current minute (UTC), and that run."""
    due = now.astimezone(UTC).replace(second=0, microsecond=0)
    return f"{due.minute} {due.hour} * * *", due
