"""Digest cycle: 200 channels due in the same minute all get their digest within the minute, and
no slot is posted twice.

200 subscriptions (100 Slack, 100 Discord channels) whose daily slot is the current minute are
put in the job store as due, then a scheduler starts and posts through the real Slack and
Discord adapters to the fake platform servers of the test suite (local HTTP, so the figure is
our own work plus loopback HTTP, not the platforms' latency). The digests come from the digest
engine (stories clustered, summarised with citations) over the bundled corpus plus 60 generated
articles. A second run fires every slot a second time at once, besides APScheduler's own run (as
a second leader would if the leader lock failed, or the repeated hour of an autumn clock
change): the delivery log's unique claims must still keep every slot to one post.

Run: .venv/bin/python -m bench.bench_digest_cycle   (NEWSBOT_BENCH_DATABASE_URL=postgresql+psycopg://...
to run it on PostgreSQL; the schema is created and dropped)

Figures (2 cores, from the scheduler's start until the last post, each digest 5 stories of the
digest engine; medians of 3 runs): SQLite 4.7 s (every slot fired twice: 4.6 s), PostgreSQL 15 on
the same machine 5.5 s (5.9 s); every run: 200 channels reached, 200 posted, 0 doubled. Within
the minute with room. (With the earlier one-story-per-article stand-in: 2.1-2.3 s and 3.6-5.7 s.)
The slots' digests are built six at a time, in worker threads.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

from bot.provider import StoreDigestProvider
from bot.scheduler import DigestScheduler
from bot.slack_adapter import SlackBot
from config import load_settings
from config.settings import SlackSettings
from corpus.deliveries import POSTED, Delivery
from corpus.models import utcnow
from corpus.store import Store

CHANNELS = 200
RUNS = 3


def fresh_store(tmp: Path) -> tuple[Store, callable]:
    url = os.environ.get("NEWSBOT_BENCH_DATABASE_URL")
    if not url:
        store = Store(f"sqlite:///{tmp / f'{uuid.uuid4().hex}.db'}")
        store.migrate()
        return store, store.dispose
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    store = Store(url, connect_args={"options": f"-csearch_path={schema}"})
    store.migrate()

    def drop():
        store.dispose()
        with admin.begin() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return store, drop


def prepare(store: Store) -> list[int]:
    from bot.ingesting import ingest_targets
    from tests.schedkit import minute_just_past, news, seed_due_job, subscribe

    settings = load_settings()
    ingest_targets(store, settings, [str(d) for d in settings.corpus_dirs])
    news(store, 60, tag="bench")
    cron, due = minute_just_past(utcnow())
    subs = []
    for i in range(CHANNELS):
        platform = "slack" if i % 2 else "discord"
        channel = f"C{i:04d}" if platform == "slack" else str(700000000000001000 + i)
        subs.append(sub := subscribe(store, cron, "UTC", platform=platform, channel=channel))
        seed_due_job(store, sub, cron, "UTC", due)
    return subs


async def cycle(store: Store, subs: list[int], twice: bool) -> dict:
    import discord

    from bot.discord_adapter import make_bot
    from config.settings import DiscordSettings
    from tests.chatkit import make_service
    from tests.fake_discord import FakeDiscord
    from tests.fake_slack import SECRET, FakeSlack
    from slack_sdk.web.async_client import AsyncWebClient

    settings = load_settings()
    slack, disc = await FakeSlack().start(), await FakeDiscord().start()
    bot = make_bot(DiscordSettings(api_url=disc.base), make_service(store))
    await bot.login("fake-token")
    slack_bot = SlackBot(
        SlackSettings(bot_token="xoxb-bench", signing_secret=SECRET, mode="http"), make_service(store),
        AsyncWebClient(token="xoxb-bench", base_url=slack.api),
    )  # fmt: skip
    sched = DigestScheduler(store, StoreDigestProvider(store), settings, {"slack": slack_bot, "discord": bot})
    try:
        t0 = time.perf_counter()
        await sched.start()  # runs every due job
        if twice:
            await asyncio.gather(*(sched.run_slot(sub) for sub in subs))
        await sched.run_due()
        elapsed = time.perf_counter() - t0
        per_channel = Counter(
            [c.body["channel"] for c in slack.calls if c.method == "chat.postMessage"]
            + [r.path.split("/")[2] for r in disc.requests if r.method == "POST" and r.path.endswith("/messages")]
        )
        with store.session() as s:
            posted = s.scalar(select(func.count()).select_from(Delivery).where(Delivery.status == POSTED))
        return {"seconds": elapsed, "channels": len(per_channel), "doubled": sum(1 for n in per_channel.values() if n > 1), "posted": posted}
    finally:
        await sched.stop()
        await bot.close()
        discord.http.Route.BASE = "https://discord.com/api/v10"
        await slack.stop()
        await disc.stop()


def main() -> int:
    results: dict[bool, list[dict]] = {False: [], True: []}
    with tempfile.TemporaryDirectory() as tmp:
        for twice in results:
            for _ in range(RUNS):
                store, drop = fresh_store(Path(tmp))
                try:
                    subs = prepare(store)
                    results[twice].append(asyncio.run(cycle(store, subs, twice)))
                finally:
                    drop()
    ok = True
    for twice, runs in results.items():
        secs = statistics.median(r["seconds"] for r in runs)
        doubled = sum(r["doubled"] for r in runs)
        posted = {r["posted"] for r in runs}
        channels = {r["channels"] for r in runs}
        each = ", ".join(f"{r['seconds']:.2f}" for r in runs)
        print(f"{'every slot fired twice' if twice else 'one run per slot'}: {CHANNELS} channels due, median {secs:.2f} s until all posted (runs: {each}); "
              f"posted {posted}, channels reached {channels}, doubled {doubled}")
        ok &= doubled == 0 and posted == {CHANNELS} and channels == {CHANNELS} and secs < 60
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
