"""A real bot process on a PostgreSQL server that restarts while a digest is being posted (its
own private server: the shared one stays up for the other tests). The bot reconnects; the post
under way is finished exactly once; a slot after the restart is posted once; a command during the
outage gets a clear reply."""

from __future__ import annotations

import asyncio

import pytest

from corpus.deliveries import POSTED
from corpus.models import utcnow
from corpus.store import Store
from tests.fake_discord import Hold
from tests.fake_slack import FakeSlack, post_command, slash_body
from tests.helpers import bot_env
from tests.pg_cluster import PgCluster
from tests.schedkit import minute_just_past, news, rows, slack_scheduler, subscribe
from tests.test_scheduler_processes import FAST, Bot, one_digest_due, slack_env, status, until

pytestmark = pytest.mark.slow


@pytest.fixture
def private_pg():
    cluster = PgCluster()
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.destroy()


def test_a_postgresql_restart_mid_delivery_loses_and_doubles_nothing(tmp_path, private_pg):
    store = Store(private_pg.url)
    store.migrate()
    news(store, 25, tag="restart")
    before = one_digest_due(store, "slack", "CBEFORE")

    async def scenario():
        server = await FakeSlack().start()
        env = bot_env(tmp_path, **FAST, **slack_env(server), NEWSBOT_DATABASE__URL=private_pg.url)
        bot = Bot(tmp_path, "bot", env)
        try:
            server.hold = hold = Hold("after", nth=2)
            await bot.start()
            await until(lambda: hold.held.is_set(), "the second message to be under way", [bot])

            await asyncio.to_thread(private_pg.stop)  # the database goes away mid-post
            hold.release.set()  # the platform answers; the bot can't record it yet
            url = f"http://127.0.0.1:{env['NEWSBOT_SLACK__HTTP_PORT']}/slack/events"
            during = await post_command(url, slash_body(server, "/news", "search restart"))
            await asyncio.sleep(3)
            await asyncio.to_thread(private_pg.start)

            server.hold = None
            await until(lambda: status(store, before) == POSTED, "the post under way to be recorded", [bot])
            after = one_digest_due(store, "slack", "CAFTER")
            await until(lambda: status(store, after) == POSTED, "a slot after the restart to be posted", [bot])
            after_search = await post_command(url, slash_body(server, "/news", "search restart"))
            assert await bot.stop() == 0
            return server, before, after, during, after_search, bot.text()
        finally:
            await bot.kill()
            await server.stop()

    server, before, after, during, after_search, log_text = asyncio.run(scenario())
    posts = server.posts("CBEFORE")
    parts = [p["metadata"]["event_payload"]["part"] for p in posts]
    assert len(posts) >= 3 and parts == list(range(len(posts))), parts  # each part once, none lost
    (row,) = rows(store, before)
    assert row.message_ids == [p["ts"] for p in posts]
    assert len(server.posts("CAFTER")) >= 1 and len(rows(store, after)) == 1

    replies = [during.text, *(str(r) for r in server.responses())]
    assert any("database" in r and "try again" in r for r in replies), replies
    assert "restart" in after_search.text or any("restart" in str(r) for r in server.responses()[-1:])
    assert "Traceback" not in log_text, log_text[-4000:]
    store.dispose()


def test_a_slot_whose_job_fires_while_the_database_is_down_is_claimed_once_it_is_back(private_pg, settings):
    """The job fired (APScheduler won't fire it again for this slot), but the claim can't be
    written: the scheduler keeps trying until the database answers, then posts the slot once."""
    store = Store(private_pg.url)
    store.migrate()
    news(store, 3, tag="down")
    cron, _ = minute_just_past(utcnow())
    sub = subscribe(store, cron, "UTC")

    async def scenario():
        async with slack_scheduler(store, settings) as (sched, slack, _):
            await asyncio.to_thread(private_pg.stop)
            run = asyncio.ensure_future(sched.run_slot(sub))
            await asyncio.sleep(2.5)
            assert not run.done()  # still trying, not given up
            await asyncio.to_thread(private_pg.start)
            await asyncio.wait_for(run, 30)
            await sched.run_slot(sub)  # the same slot again: nothing more
            return slack.posts()

    posts = asyncio.run(scenario())
    assert len(posts) == 1 and [r.status for r in rows(store, sub)] == [POSTED]
    store.dispose()
