"""Real bot processes (run_bot.py) against the fake Discord and Slack servers: a process killed
with SIGKILL in the middle of a delivery and started again, and two processes on one database.
The fake servers record every message a channel got."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from corpus.deliveries import CLAIMED, POSTED
from corpus.models import utcnow
from corpus.store import Store
from tests.conftest import PG_URL, drop_pg_schema, pg_store
from tests.fake_discord import CHANNEL_ID, FakeDiscord, Hold
from tests.fake_slack import SECRET, FakeSlack
from tests.helpers import ROOT, bot_env
from tests.schedkit import minute_just_past, news, rows, seed_due_job, subscribe

pytestmark = pytest.mark.slow
FAST = {
    "NEWSBOT_TERMINAL__ENABLED": "false",
    "NEWSBOT_LOG__LEVEL": "INFO",
    "NEWSBOT_SCHEDULER__LEADER_CHECK_SECONDS": "0.5",
    "NEWSBOT_SCHEDULER__SYNC_SECONDS": "1",
}


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    """A migrated database a bot process can open too: (store, url)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'data' / 'newsbot.db'}"
        st = Store(url)
        st.migrate()
        yield st, url
        st.dispose()
        return
    if not PG_URL:
        pytest.skip("PostgreSQL: NEWSBOT_TEST_DATABASE_URL is not set")
    st, schema = pg_store()
    try:
        st.migrate()
        yield st, make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    finally:
        st.dispose()
        drop_pg_schema(schema)


@pytest.fixture
def news_store(tmp_path):
    """A migrated SQLite database beside the bot's data, with enough news for a digest of several messages."""
    store = Store(f"sqlite:///{tmp_path / 'data' / 'newsbot.db'}")
    store.migrate()
    news(store, 25, tag="digest")
    yield store
    store.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Bot:
    """One run_bot.py process; its log goes to a file (read on failure)."""

    def __init__(self, tmp_path: Path, name: str, env: dict[str, str]) -> None:
        self.log = tmp_path / f"{name}.log"
        self.env = env
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> Bot:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, str(ROOT / "run_bot.py"), "run", cwd=ROOT, env=self.env,
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=self.log.open("wb"),
        )  # fmt: skip
        return self

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    @property
    def leads(self) -> bool:
        return "now runs the scheduler" in self.text()

    async def kill(self) -> None:
        if self.proc and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGKILL)
            await self.proc.wait()

    async def stop(self) -> int:
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            await asyncio.wait_for(self.proc.wait(), 30)
        return self.proc.returncode


async def until(predicate, what: str, bots: list[Bot], timeout: float = 60) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await asyncio.to_thread(predicate):
        for b in bots:
            assert b.proc.returncode is None or b.proc.returncode == -9, f"a bot ended: {b.text()[-3000:]}"
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}; logs:\n" + "\n----\n".join(b.text()[-3000:] for b in bots))
        await asyncio.sleep(0.1)


def status(store, sub: int) -> str | None:
    found = rows(store, sub)
    return found[0].status if found else None


def one_digest_due(store, platform: str, channel: str) -> int:
    """A channel whose daily slot just passed while no bot ran, with enough news for a digest
    of several messages."""
    cron, due = minute_just_past(utcnow())
    sub = subscribe(store, cron, "UTC", platform=platform, channel=channel, story_count=25, words=300)
    seed_due_job(store, sub, cron, "UTC", due)
    return sub


@pytest.mark.parametrize("when", ["before", "after"])
def test_discord_killed_mid_delivery_posts_each_part_once(tmp_path, news_store, when):
    """Killed while Discord handles the second message of a digest (before or after Discord made
    it), then started again: the channel has every part exactly once."""
    store = news_store
    sub = one_digest_due(store, "discord", CHANNEL_ID)

    async def scenario():
        server = await FakeDiscord().start()
        env = bot_env(tmp_path, **FAST, NEWSBOT_DISCORD__TOKEN="fake-token", NEWSBOT_DISCORD__API_URL=server.base)
        bots = []
        try:
            server.hold = hold = Hold(when, nth=2)
            bots.append(first := await Bot(tmp_path, "first", env).start())
            await until(lambda: hold.held.is_set(), "the second message to be under way", bots)
            await first.kill()
            assert status(store, sub) == CLAIMED
            server.hold = None
            hold.release.set()
            bots.append(second := await Bot(tmp_path, "second", env).start())
            await until(lambda: status(store, sub) == POSTED, "the digest to be finished", bots)
            assert await second.stop() == 0
            sent = [r.body["nonce"] for r in server.requests if r.method == "POST" and r.path.endswith("/messages")]
            return server.posts(CHANNEL_ID), sent, bots
        finally:
            for b in bots:
                await b.kill()
            await server.stop()

    made, nonces, bots = asyncio.run(scenario())
    assert len(made) >= 3 and len(set(nonces)) == len(made) == len({m["nonce"] for m in made})
    (row,) = rows(store, sub)
    assert row.message_ids == [m["id"] for m in made]
    assert "finishing an unfinished post" in bots[1].text() and "Traceback" not in bots[1].text()


@pytest.mark.parametrize("when", ["before", "after"])
def test_slack_killed_mid_delivery_posts_each_part_once(tmp_path, news_store, when):
    store = news_store
    sub = one_digest_due(store, "slack", "CKILL")

    async def scenario():
        server = await FakeSlack().start()
        bots = []
        try:
            server.hold = hold = Hold(when, nth=2)
            for name in ("first", "second"):
                env = bot_env(tmp_path, **FAST, **slack_env(server))
                bots.append(bot := await Bot(tmp_path, name, env).start())
                if name == "first":
                    await until(lambda: hold.held.is_set(), "the second message to be under way", bots)
                    await bot.kill()
                    assert status(store, sub) == CLAIMED
                    server.hold = None
                    hold.release.set()
            await until(lambda: status(store, sub) == POSTED, "the digest to be finished", bots)
            assert await bots[1].stop() == 0
            return server.posts("CKILL"), bots
        finally:
            for b in bots:
                await b.kill()
            await server.stop()

    posts, bots = asyncio.run(scenario())
    parts = [p["metadata"]["event_payload"]["part"] for p in posts]
    assert len(posts) >= 3 and parts == list(range(len(posts)))
    (row,) = rows(store, sub)
    assert row.message_ids == [p["ts"] for p in posts]
    assert "finishing an unfinished post" in bots[1].text() and "Traceback" not in bots[1].text()


def slack_env(server: FakeSlack) -> dict[str, str]:
    return {
        "NEWSBOT_SLACK__BOT_TOKEN": "xoxb-process-test", "NEWSBOT_SLACK__SIGNING_SECRET": SECRET, "NEWSBOT_SLACK__MODE": "http",
        "NEWSBOT_SLACK__HTTP_PORT": str(free_port()), "NEWSBOT_SLACK__API_URL": server.api,
    }  # fmt: skip


def test_two_processes_on_one_database_post_each_slot_once_and_a_standby_takes_over(tmp_path, db):
    store, url = db
    news(store, 3, tag="two")
    subs = {f"C{i}": one_digest_due(store, "slack", f"C{i}") for i in range(4)}

    async def scenario():
        server = await FakeSlack().start()
        bots = []
        try:
            for name in ("one", "two"):
                env = bot_env(tmp_path, **FAST, **slack_env(server), NEWSBOT_DATABASE__URL=url)
                bots.append(await Bot(tmp_path, name, env).start())
            await until(lambda: all(status(store, s) == POSTED for s in subs.values()), "every slot to be posted", bots)
            await until(lambda: all("Slack HTTP mode: listening" in b.text() for b in bots), "both bots to serve Slack", bots)
            leaders = [b for b in bots if b.leads]
            assert len(leaders) == 1, [b.text()[-2000:] for b in bots]
            (standby,) = [b for b in bots if b is not leaders[0]]
            await leaders[0].kill()
            subs["CNEXT"] = one_digest_due(store, "slack", "CNEXT")
            t = asyncio.get_running_loop().time()
            await until(lambda: status(store, subs["CNEXT"]) == POSTED, "the standby to take over", bots, timeout=30)
            took = asyncio.get_running_loop().time() - t
            assert standby.leads
            assert await standby.stop() == 0
            return {channel: server.posts(channel) for channel in subs}, took
        finally:
            for b in bots:
                await b.kill()
            await server.stop()

    posts, took = asyncio.run(scenario())
    assert {c: len(p) for c, p in posts.items()} == {c: 1 for c in subs}
    assert took < 10  # leader_check_seconds 0.5 + sync_seconds 1, plus start-up


def test_killing_the_bot_leaves_no_stale_lock_behind(tmp_path):
    """A lock file left by a killed leader is no obstacle: the kernel dropped the lock with it."""
    store = Store(f"sqlite:///{tmp_path / 'data' / 'newsbot.db'}")
    store.migrate()

    async def scenario():
        server = await FakeSlack().start()
        env = bot_env(tmp_path, **FAST, **slack_env(server))
        bots = [await Bot(tmp_path, "first", env).start()]
        try:
            await until(lambda: bots[0].leads, "the first bot to lead", bots)
            await bots[0].kill()
            assert (tmp_path / "data" / "newsbot.db.scheduler.lock").exists()
            bots.append(await Bot(tmp_path, "second", {**env, "NEWSBOT_SLACK__HTTP_PORT": str(free_port())}).start())
            await until(lambda: bots[1].leads, "the second bot to lead", bots, timeout=30)
            assert await bots[1].stop() == 0
        finally:
            for b in bots:
                await b.kill()
            await server.stop()

    asyncio.run(scenario())
    store.dispose()
    assert os.path.exists(tmp_path / "data" / "newsbot.db")


# --- SIGTERM in the middle of a delivery -----------------------------------------------------------


async def platform_server(platform: str):
    """A started fake platform server, the bot's environment for it, and the channel to post to."""
    if platform == "discord":
        server = await FakeDiscord().start()
        return server, {"NEWSBOT_DISCORD__TOKEN": "fake-token", "NEWSBOT_DISCORD__API_URL": server.base}, CHANNEL_ID
    server = await FakeSlack().start()
    return server, slack_env(server), "CTERM"


def posted_parts(platform: str, posts: list[dict]) -> list:
    """What identifies each message of a digest: Discord's nonce, Slack's part marker."""
    if platform == "discord":
        return [p["nonce"] for p in posts]
    return [p["metadata"]["event_payload"]["part"] for p in posts]


@pytest.mark.parametrize("platform", ["discord", "slack"])
def test_sigterm_mid_delivery_finishes_the_post_then_exits(tmp_path, news_store, platform):
    """SIGTERM while the platform is slow to take the second message of a digest: the bot stays
    connected until the post is finished, records it, and exits 0."""
    store = news_store

    async def scenario():
        server, env, channel = await platform_server(platform)
        sub = one_digest_due(store, platform, channel)
        bot = Bot(tmp_path, "bot", bot_env(tmp_path, **FAST, **env))
        try:
            server.hold = hold = Hold("after", nth=2)
            await bot.start()
            await until(lambda: hold.held.is_set(), "the second message to be under way", [bot])
            bot.proc.send_signal(signal.SIGTERM)
            await asyncio.sleep(1.5)
            assert bot.proc.returncode is None, "the bot left before its post was finished"
            hold.release.set()
            assert await asyncio.wait_for(bot.proc.wait(), 30) == 0
            return sub, server.posts(channel), bot.text()
        finally:
            await bot.kill()
            await server.stop()

    sub, posts, log_text = asyncio.run(scenario())
    (row,) = rows(store, sub)
    assert row.status == POSTED and len(posts) >= 3
    assert row.message_ids == [p.get("id") or p.get("ts") for p in posts]
    assert len(set(posted_parts(platform, posts))) == len(posts)
    assert "posted to" in log_text and "Traceback" not in log_text


@pytest.mark.parametrize("platform", ["discord", "slack"])
def test_sigterm_when_a_post_cannot_finish_releases_it_to_the_next_start(tmp_path, news_store, platform):
    """SIGTERM while the platform never answers: after shutdown_wait_seconds the bot gives the
    post up, still claimed, and exits 0; the next start finishes it, every part exactly once."""
    store = news_store

    async def scenario():
        server, env, channel = await platform_server(platform)
        sub = one_digest_due(store, platform, channel)
        env = bot_env(tmp_path, **FAST, **env, NEWSBOT_SCHEDULER__SHUTDOWN_WAIT_SECONDS="1")
        bots = [Bot(tmp_path, "first", env)]
        try:
            server.hold = hold = Hold("before", nth=2)
            await bots[0].start()
            await until(lambda: hold.held.is_set(), "the second message to be under way", bots)
            assert await bots[0].stop() == 0
            assert status(store, sub) == CLAIMED
            server.hold = None
            hold.release.set()
            bots.append(await Bot(tmp_path, "second", env).start())
            await until(lambda: status(store, sub) == POSTED, "the digest to be finished", bots[1:])
            assert await bots[1].stop() == 0
            return sub, server.posts(channel), bots
        finally:
            for b in bots:
                await b.kill()
            await server.stop()

    sub, posts, bots = asyncio.run(scenario())
    (row,) = rows(store, sub)
    assert len(posts) >= 3 and len(set(posted_parts(platform, posts))) == len(posts)
    assert row.message_ids == [p.get("id") or p.get("ts") for p in posts]
    assert "finishing an unfinished post" in bots[1].text()
    assert not any("Traceback" in b.text() for b in bots)
