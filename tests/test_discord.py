"""The Discord adapter through discord.py's real code paths, against a local fake REST API:
login, command sync, INTERACTION_CREATE through the connection's parser, the recorded
interaction callbacks, follow-ups and channel messages."""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
import time
from datetime import datetime, timezone

import discord
import pytest
from sqlalchemy import select

from bot.commands import BY_NAME, CHANNEL_ALGORITHMS, subcommands
from bot.delivery import DeliveryRefused
from bot.discord_adapter import make_bot
from bot.messages import DigestView, Notice, Reply
from bot.render import discord as dr
from config.settings import STORY_COUNT_RANGE, WORDS_RANGE, DiscordSettings
from corpus.channels import Subscription, SubscriptionFeed
from corpus.models import Feed, Story
from digests.model import Digest
from tests.chatkit import add, article, hostile, make_service, run, strings
from tests.fake_discord import ADMIN_ROLE, APP_ID, CHANNEL_ID, GUILD_ID, MANAGE_GUILD, FakeDiscord, guild_create, interaction

EPHEMERAL = 64
CHANNEL_MESSAGE, DEFERRED = 4, 5


@contextlib.asynccontextmanager
async def discord_env(store, *, provider=None, **settings):
    server = await FakeDiscord().start()
    old_base = discord.http.Route.BASE
    service = make_service(store)
    if provider is not None:
        service.provider = provider
    bot = make_bot(DiscordSettings(api_url=server.base, **settings), service)
    finished: set[str] = set()
    answer = bot.answer

    async def tracked(inter, *args, **kwargs):
        try:
            await answer(inter, *args, **kwargs)
        finally:
            finished.add(str(inter.id))

    bot.answer = tracked
    bot.finished = finished
    try:
        await bot.login("fake-token")
        yield bot, server
    finally:
        await bot.close()
        discord.http.Route.BASE = old_base
        await server.stop()


async def invoke(bot, server, command: str, options: dict | None = None, **kw):
    """Feed one slash command to discord.py and return the requests it made for it."""
    payload = interaction(command, options, **kw)
    bot._connection.parse_interaction_create(payload)
    await server.wait_for(lambda: payload["id"] in bot.finished)
    return server.interaction_requests(payload["token"])


def callback(reqs):
    (cb,) = [r for r in reqs if r.path.endswith("/callback")]
    return cb


def embeds_of(reqs) -> list[dict]:
    out = []
    for r in reqs:
        if isinstance(r.body, dict):
            body = r.body.get("data", r.body)
            out += body.get("embeds") or []
    return out


def text_of(reqs) -> str:
    """The embeds' text as a reader sees it (markdown escapes removed)."""
    return "\n".join(re.sub(r"\\(.)", r"\1", s) for s in strings(embeds_of(reqs)))


def no_mentions_everywhere(reqs) -> None:
    for r in reqs:
        if r.method in ("POST", "PATCH") and isinstance(r.body, dict) and (r.body.get("data") or r.body).get("embeds"):
            assert (r.body.get("data") or r.body)["allowed_mentions"] == {"parse": []}, r


def run_async(coro):
    return asyncio.run(coro)


def test_sync_publishes_the_command_schema_globally_or_to_a_dev_guild(sqlite_store):
    async def scenario():
        async with discord_env(sqlite_store) as (bot, server):
            (put,) = [r for r in server.requests if r.method == "PUT"]
            assert put.path == f"/applications/{APP_ID}/commands"
            schema = {c["name"]: c for c in put.body}
            assert set(schema) == {"digest", "news"}
            assert schema["digest"]["description"] == BY_NAME["digest"].description
            assert [o["name"] for o in schema["digest"]["options"]] == ["topic"]
            subs = {o["name"]: o for o in schema["news"]["options"]}
            assert list(subs) == [c.sub for c in subcommands("news")]
            for c in subcommands("news"):
                sub = subs[c.sub]
                assert sub["type"] == 1 and sub["description"] == c.description
                got = [(o["name"], o["type"], o.get("required", False), o["description"]) for o in sub.get("options", [])]
                want = [(p.name, 4 if p.kind is int else 3, p.required, p.description) for p in c.params]
                assert sorted(got) == sorted(want)
            assert [ch["value"] for ch in next(o for o in subs["filter"]["options"] if o["name"] == "mode")["choices"]] == ["include", "exclude", "clear"]
            settings = {o["name"]: o for o in subs["settings"]["options"]}
            assert (settings["stories"]["min_value"], settings["stories"]["max_value"]) == STORY_COUNT_RANGE
            assert (settings["words"]["min_value"], settings["words"]["max_value"]) == WORDS_RANGE
            assert tuple(ch["value"] for ch in settings["algorithm"]["choices"]) == CHANNEL_ALGORITHMS
            assert schema["news"]["contexts"] == [0] and schema["digest"]["contexts"] == [0]  # guilds only
        async with discord_env(sqlite_store, dev_guild_id=int(GUILD_ID)) as (bot, server):
            (put,) = [r for r in server.requests if r.method == "PUT"]
            assert put.path == f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands"
            assert {c["name"] for c in put.body} == {"digest", "news"}

    run_async(scenario())


def test_commands_reply_with_embeds_and_never_mention(sqlite_store):
    add(sqlite_store, *(article(i) for i in range(1, 4)))

    async def scenario():
        async with discord_env(sqlite_store) as (bot, server):
            reqs = await invoke(bot, server, "digest")
            cb = callback(reqs)
            assert cb.body["type"] == CHANNEL_MESSAGE and not cb.flags & EPHEMERAL
            embeds = embeds_of(reqs)
            assert embeds[0]["title"].startswith("News digest · 3 stories")
            assert [e["title"] for e in embeds[1:]] == [f"Story number {i} about volcanoes and lava" for i in (3, 2, 1)]
            assert embeds[1]["url"] == "https://news3.example/story-3"
            assert "[1] [Outlet 3](https://news3.example/story-3)" in embeds[1]["description"]
            no_mentions_everywhere(reqs)

            reqs = await invoke(bot, server, "news search", {"query": "volcano", "page": 1})
            assert callback(reqs).body["type"] == CHANNEL_MESSAGE
            assert "[Story number 3 about volcanoes and lava](https://news3.example/story-3)" in text_of(reqs)
            no_mentions_everywhere(reqs)

            reqs = await invoke(bot, server, "news sources", {"id": "2"})
            assert "**[1]** [Story number 2 about volcanoes and lava](https://news2.example/story-2)" in text_of(reqs)

            reqs = await invoke(bot, server, "news story", {"id": "1"})
            assert embeds_of(reqs)[0]["title"] == "Story number 1 about volcanoes and lava"

            reqs = await invoke(bot, server, "news help")
            assert callback(reqs).flags & EPHEMERAL
            assert len(embeds_of(reqs)[0]["fields"]) == len(BY_NAME)

            reqs = await invoke(bot, server, "news schedule")
            assert "No digest schedule" in text_of(reqs)

    run_async(scenario())


@pytest.mark.parametrize(
    ("command", "options", "reason"),
    [
        ("news story", {"id": "99999"}, "There is no story '99999'"),
        ("news search", {"query": "x" * 5000}, "5,000 characters long"),
        ("news search", {"query": '"AND" OR (*)'}, "no words to search for"),
        ("news schedule", {"when": "daily 08:00", "timezone": "Europe/Berln"}, "Did you mean Europe/Berlin"),
        ("news schedule", {"when": "every blue moon"}, "can't read"),
        ("news subscribe", {"url": "gopher://example.com/feed"}, "only http:// and https://"),
    ],
)
def test_bad_input_gets_an_ephemeral_specific_reply(sqlite_store, command, options, reason):
    add(sqlite_store, article(1))

    async def scenario():
        async with discord_env(sqlite_store) as (bot, server):
            reqs = await invoke(bot, server, command, options, permissions=MANAGE_GUILD)
            cb = callback(reqs)
            assert cb.body["type"] == CHANNEL_MESSAGE and cb.flags & EPHEMERAL
            assert reason in text_of(reqs) and "Traceback" not in text_of(reqs)
            assert embeds_of(reqs)[0]["color"] == dr.RED
            no_mentions_everywhere(reqs)

    run_async(scenario())


def test_admin_commands_need_manage_server_or_the_configured_role(sqlite_store):
    async def scenario():
        async with discord_env(sqlite_store, admin_role_ids=[int(ADMIN_ROLE)]) as (bot, server):
            # The role counts before the server is in the cache (at start-up, in an outage): the
            # interaction carries the member's role ids.
            reqs = await invoke(bot, server, "news schedule", {"when": "daily 09:00"}, roles=(ADMIN_ROLE,))
            assert "Digest schedule set" in text_of(reqs), text_of(reqs)
            bot._connection.parse_guild_create(guild_create())
            for command, options in [
                ("news subscribe", {"url": "https://example.com/feed.xml"}),
                ("news schedule", {"when": "daily 08:00"}),
                ("news filter", {"mode": "exclude", "keywords": "sports"}),
                ("news unsubscribe", {"url": "https://example.com/feed.xml"}),
                ("news settings", {"stories": 3}),
            ]:
                reqs = await invoke(bot, server, command, options)
                assert callback(reqs).flags & EPHEMERAL
                assert "Only members with the Manage Server permission or a bot-admin role can" in text_of(reqs)
            with sqlite_store.session() as s:
                assert s.scalar(select(Feed.id)) is None

            reqs = await invoke(bot, server, "news subscribe", {"url": "https://example.com/feed.xml"}, permissions=MANAGE_GUILD)
            assert not callback(reqs).flags & EPHEMERAL and "now follows https://example.com/feed.xml" in text_of(reqs)
            reqs = await invoke(bot, server, "news schedule", {"when": "weekdays 07:30 Europe/Berlin"}, roles=(ADMIN_ROLE,))
            assert "weekdays at 07:30 (Europe/Berlin)" in text_of(reqs)
            reqs = await invoke(bot, server, "news settings", {"stories": 3, "words": 150, "algorithm": "lexrank"}, permissions=MANAGE_GUILD)
            assert "Digest settings set" in text_of(reqs) and "lexrank" in text_of(reqs)
            reqs = await invoke(bot, server, "news feeds")  # reading needs no rights
            assert "https://example.com/feed.xml" in text_of(reqs)

    run_async(scenario())


class SlowProvider:
    def __init__(self, inner, delay: float) -> None:
        self.inner, self.delay = inner, delay

    def digest(self, scope):
        time.sleep(self.delay)
        return self.inner.digest(scope)

    def story(self, story_id, scope=None):
        time.sleep(self.delay)
        return self.inner.story(story_id, scope)


def test_slow_work_is_deferred_then_answered_and_slow_errors_stay_private(sqlite_store):
    add(sqlite_store, article(1))
    from bot.provider import StoreDigestProvider

    async def scenario():
        slow = SlowProvider(StoreDigestProvider(sqlite_store), delay=0.6)
        async with discord_env(sqlite_store, provider=slow, defer_after_seconds=0.2) as (bot, server):
            reqs = await invoke(bot, server, "digest")
            assert [(r.method, r.path.split("/")[-1]) for r in reqs] == [("POST", "callback"), ("PATCH", "@original")]
            assert callback(reqs).body["type"] == DEFERRED and not callback(reqs).flags & EPHEMERAL
            assert embeds_of(reqs)[0]["title"].startswith("News digest · 1 story")
            no_mentions_everywhere(reqs)

            reqs = await invoke(bot, server, "news story", {"id": "777"})
            token = reqs[0].path.split("/")[3]
            assert [(r.method, r.path) for r in reqs] == [
                ("POST", reqs[0].path), ("DELETE", f"/webhooks/{APP_ID}/{token}/messages/@original"), ("POST", f"/webhooks/{APP_ID}/{token}"),
            ]
            assert callback(reqs).body["type"] == DEFERRED
            follow = reqs[2]
            assert follow.flags & EPHEMERAL
            assert "There is no story '777'" in text_of([follow])

            # quick work is answered at once, without "thinking…"
            reqs = await invoke(bot, server, "news help")
            assert callback(reqs).body["type"] == CHANNEL_MESSAGE

            # An error after the public "thinking…" (Discord refuses the answer): the "thinking…"
            # goes and the apology is private, or it would take the public visibility.
            server.refuse_edits = True
            token = (await invoke(bot, server, "digest"))[0].path.split("/")[3]
            await server.wait_for(lambda: len(server.interaction_requests(token)) >= 4)  # the error handler runs after
            reqs = server.interaction_requests(token)
            assert [(r.method, r.path.split("/")[-1]) for r in reqs] == [("POST", "callback"), ("PATCH", "@original"), ("DELETE", "@original"), ("POST", token)]
            assert reqs[-1].flags & EPHEMERAL and "Sorry" in text_of([reqs[-1]])

    run_async(scenario())


def test_a_long_digest_is_split_into_follow_ups_within_limits(sqlite_store):
    def long_text(i: int) -> str:  # distinct words, or deduplication would keep only one article
        return " ".join(f"Sentence {j} of report {i} says " + " ".join(f"w{i}x{j}y{k}" for k in range(8)) + "." for j in range(50))

    add(sqlite_store, *(article(i, text=long_text(i)) for i in range(1, 26)))

    async def scenario():
        async with discord_env(sqlite_store) as (bot, server):
            from sqlalchemy import update

            from corpus.channels import Subscription
            await invoke(bot, server, "news filter", {"mode": "clear"}, permissions=MANAGE_GUILD)  # creates the channel row
            with sqlite_store.session() as s:
                s.execute(update(Subscription).values(story_count=25, words=400))
            reqs = await invoke(bot, server, "digest")
            # Answered at once or, on a loaded machine (this digest takes about a second), after
            # "thinking…": either way the answer and at least two follow-ups carry it.
            follow_ups = [r for r in reqs if r.method == "POST" and r.path.startswith("/webhooks/")]
            answer = callback(reqs) if callback(reqs).body["type"] == CHANNEL_MESSAGE else reqs[1]
            assert len(follow_ups) >= 2 and answer.path.endswith(("/callback", "/@original"))
            for r in [answer, *follow_ups]:
                body = r.body.get("data", r.body)
                assert len(body["embeds"]) <= 10
                assert sum(dr.embed_size(e) for e in body["embeds"]) <= 6000
                assert all(len(e.get("description", "")) <= 4096 and len(e.get("title", "")) <= 256 for e in body["embeds"])
                assert body["allowed_mentions"] == {"parse": []} and not r.flags & EPHEMERAL
            titles = [e["title"] for e in embeds_of(reqs) if e.get("title", "").startswith("Story number")]
            assert len(titles) == 25

    run_async(scenario())


def test_hostile_article_text_is_shown_not_acted_on(sqlite_store):
    (aid,) = add(sqlite_store, hostile())

    async def scenario():
        async with discord_env(sqlite_store) as (bot, server):
            for command, options in [("digest", None), ("news story", {"id": str(aid)}), ("news sources", {"id": str(aid)}), ("news search", {"query": "attention"})]:
                reqs = await invoke(bot, server, command, options)
                no_mentions_everywhere(reqs)
                out = "\n".join(str(v) for e in embeds_of(reqs) for v in strings(e))
                assert not re.search(r"(?<!\\)<[@#!]", out), out
                assert not re.search(r"@(everyone|here)", out)
                assert "](https://evil.example)" not in out
                assert "\x07" not in out and "\u202e" not in out

    run_async(scenario())


def test_scheduled_posts_go_through_a_partial_messageable_with_a_nonce(sqlite_store):
    add(sqlite_store, article(1), article(2))

    async def scenario():
        async with discord_env(sqlite_store) as (bot, server):
            mark = len(server.requests)
            from bot.provider import DigestScope, StoreDigestProvider

            digest = StoreDigestProvider(sqlite_store).digest(DigestScope())
            ids = await bot.post_digest(int(CHANNEL_ID), digest, nonce="sub7-2024-06-01T08:00")
            (post,) = server.since(mark)
            assert post.method == "POST" and post.path == f"/channels/{CHANNEL_ID}/messages"
            assert post.body["allowed_mentions"] == {"parse": []}
            assert post.body["enforce_nonce"] is True and len(post.body["nonce"]) <= 25
            assert [e.get("title") for e in post.body["embeds"]][1:] == [f"Story number {i} about volcanoes and lava" for i in (2, 1)]
            assert len(ids) == 1 and isinstance(ids[0], int)
            # the same slot gives the same nonce, so Discord can refuse a repeat after a crash
            await bot.post_digest(int(CHANNEL_ID), Digest("x", digest.generated_at, digest.stories), nonce="sub7-2024-06-01T08:00")
            assert server.requests[-1].body["nonce"] == post.body["nonce"]

    run_async(scenario())


@pytest.mark.parametrize(("status", "code", "message", "gone"), [
    (404, 10003, "Unknown Channel", True),  # deleted
    (403, 50001, "Missing Access", True),  # the bot was removed, or can't see the channel
    (403, 50013, "Missing Permissions", False),  # can see it, may not post there: an admin can fix it
])
def test_a_refused_scheduled_post_says_whether_the_channel_is_gone(sqlite_store, status, code, message, gone):
    async def scenario():
        async with discord_env(sqlite_store) as (bot, server):
            server.refuse_posts[CHANNEL_ID] = (status, code, message)
            with pytest.raises(DeliveryRefused) as refused:
                await bot.deliver(CHANNEL_ID, Reply.of(Notice("No news since Monday.")), "sub7-2024-06-01T08:00", None)
            assert str(refused.value) == f"Discord answered {status}: {message}" and refused.value.channel_gone is gone

    run_async(scenario())


def test_a_post_refused_half_way_says_how_far_it_got(sqlite_store):
    """The bot lost Send Messages after the first of several parts: the channel shows that part,
    and the record said only "not posted"."""
    add(sqlite_store, *(article(i, text=" ".join(f"Sentence {j} of report {i} says w{i}x{j} and y{i}z{j} happened." for j in range(30))) for i in range(1, 13)))

    async def scenario():
        async with discord_env(sqlite_store) as (bot, server):
            from bot.provider import DigestScope, StoreDigestProvider

            digest = StoreDigestProvider(sqlite_store).digest(DigestScope(story_count=12, words=300))
            parts = len(dr.render(Reply.of(DigestView(digest))))
            assert parts >= 2
            server.refuse_posts[CHANNEL_ID] = (403, 50013, "Missing Permissions", 1)
            with pytest.raises(DeliveryRefused) as refused:
                await bot.deliver(CHANNEL_ID, Reply.of(DigestView(digest)), "sub7-2024-06-01T08:00", None)
            assert str(refused.value) == f"Discord answered 403: Missing Permissions (after 1 of {parts} parts were posted)"
            assert len(server.messages[CHANNEL_ID]) == 1

    run_async(scenario())


def test_finishing_a_post_skips_only_the_bots_own_parts_posted_since_the_claim(sqlite_store, caplog):
    """Resuming, the bot reads the channel's history since the claim (Discord forgets nonces after
    a few minutes): its own messages that look like a part are not sent again; a look-alike from
    someone else, or the bot's from before the claim, is no part of this post. Without Read
    Message History it posts, and says so."""
    from datetime import datetime, timedelta, timezone

    from bot.messages import DigestView, Reply
    from bot.provider import DigestScope, StoreDigestProvider
    from tests.fake_discord import user

    add(sqlite_store, article(1), article(2))

    async def scenario():
        async with discord_env(sqlite_store) as (bot, server):
            reply = Reply.of(DigestView(StoreDigestProvider(sqlite_store).digest(DigestScope())))
            (part,) = dr.render(reply)
            await bot.post_reply(int(CHANNEL_ID), reply)
            claimed = datetime.now(timezone.utc)
            (mine,) = server.posts()
            # the same digest posted by the bot two hours before the claim, and someone else's copy since
            before = {**mine, "id": str(discord.utils.time_snowflake(claimed - timedelta(hours=2)))}
            server.messages[CHANNEL_ID] = [before, {**mine, "author": user("42", "mimic")}]
            server.nonces.clear()
            first = await bot.deliver(CHANNEL_ID, reply, "sub7-2024-06-01T08:00", claimed)
            assert len(server.posts()) == 3 and first == [server.posts()[-1]["id"]]
            # once the part is in the channel, a repeat finds it and sends nothing
            mark = len(server.requests)
            server.nonces.clear()
            again = await bot.deliver(CHANNEL_ID, reply, "sub7-2024-06-01T08:00", claimed)
            assert again == first and [r.method for r in server.since(mark)] == ["GET"]
            assert "found 1 part(s) of sub7-2024-06-01T08:00 already in the channel" in caplog.text
            server.history_forbidden = True
            server.nonces.clear()
            await bot.deliver(CHANNEL_ID, reply, "sub7-2024-06-01T08:00", claimed)
            assert len(server.posts()) == 4 and part["embeds"][0]["title"] == server.posts()[-1]["embeds"][0]["title"]
            assert f"can't read channel {CHANNEL_ID}'s history to check for an earlier post" in caplog.text

    with caplog.at_level("INFO", logger="newsbot.discord"):
        run_async(scenario())


def test_the_invite_link_asks_for_what_the_bot_needs_and_the_readme_gives_the_same(sqlite_store, caplog):
    from bot.discord_adapter import PERMISSIONS
    from tests.helpers import ROOT

    async def scenario():
        async with discord_env(sqlite_store):
            pass

    with caplog.at_level("INFO", logger="newsbot.discord"):
        run_async(scenario())
    (link,) = re.findall(r"to add the bot to a server: (\S+)", caplog.text)
    assert f"client_id={APP_ID}" in link and f"permissions={PERMISSIONS.value}" in link and "applications.commands" in link
    assert PERMISSIONS.read_message_history and PERMISSIONS.embed_links and not PERMISSIONS.administrator
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.findall(r"discord\.com/oauth2/authorize\?\S*permissions=(\d+)", readme) == [str(PERMISSIONS.value)]


def test_sharding_and_intents_come_from_config(sqlite_store):
    async def scenario():
        old_base = discord.http.Route.BASE
        bot = make_bot(DiscordSettings(shard_count=4, shard_ids=[1, 3]), make_service(sqlite_store))
        discord.http.Route.BASE = old_base
        assert isinstance(bot, discord.AutoShardedClient)
        assert (bot.shard_count, bot.shard_ids) == (4, [1, 3])
        assert bot.intents.value == discord.Intents(guilds=True).value
        assert bot.allowed_mentions.to_dict() == {"parse": []}

    run_async(scenario())


def test_shard_ids_are_checked_against_the_shard_count():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="shard_ids must lie in 0..1"):
        DiscordSettings(shard_count=2, shard_ids=[2])
    with pytest.raises(ValidationError, match="needs shard_count"):
        DiscordSettings(shard_ids=[0])


def test_story_ids_and_followed_feeds_are_suggested_as_they_are_typed(sqlite_store):
    """Discord's autocomplete: /news story and /news sources offer the newest stories by id or
    headline words, /news unsubscribe the channel's own feeds; a failing lookup offers nothing."""
    add(sqlite_store, *(article(i) for i in range(1, 4)), article(4, title="Harbour 100%_done reopens"),
        article(5, title="Evil \u202etxt.exe\x07 headline " + "long " * 40, published=datetime(2024, 1, 1, tzinfo=timezone.utc)))

    async def suggestions(bot, server, command: str, options: dict, focused: str) -> list[dict]:
        payload = interaction(command, options, focused=focused)
        bot._connection.parse_interaction_create(payload)
        await server.wait_for(lambda: server.interaction_requests(payload["token"]))
        (cb,) = server.interaction_requests(payload["token"])
        assert cb.path.endswith("/callback") and cb.body["type"] == 8  # APPLICATION_COMMAND_AUTOCOMPLETE_RESULT
        return cb.body["data"]["choices"]

    async def scenario():
        async with discord_env(sqlite_store) as (bot, server):
            run(bot.service, "digest")  # groups the articles into stories
            with sqlite_store.session() as s:
                ids = {headline: str(sid) for sid, headline in s.execute(select(Story.id, Story.headline))}
            every = await suggestions(bot, server, "news story", {"id": ""}, "id")
            evil = next(h for h in ids if h.startswith("Evil"))
            assert [c["value"] for c in every] == [ids[h] for h in ("Harbour 100%_done reopens", *(f"Story number {i} about volcanoes and lava" for i in (3, 2, 1)), evil)]
            assert every[-1]["name"].startswith(f"{ids[evil]} · Evil txt.exe headline long") and len(every[-1]["name"]) <= 100  # no bidi override, no bell
            assert every[1]["name"] == f"{ids['Story number 3 about volcanoes and lava']} · Story number 3 about volcanoes and lava"
            by_words = await suggestions(bot, server, "news sources", {"id": "number 2 VOLCANOES"}, "id")
            assert [c["value"] for c in by_words] == [ids["Story number 2 about volcanoes and lava"]]
            assert [c["value"] for c in await suggestions(bot, server, "news story", {"id": "100%_"}, "id")] == [ids["Harbour 100%_done reopens"]]
            assert await suggestions(bot, server, "news story", {"id": "%"}, "id") == [c for c in every if "%" in c["name"]]
            by_id = await suggestions(bot, server, "news story", {"id": ids["Story number 1 about volcanoes and lava"]}, "id")
            assert ids["Story number 1 about volcanoes and lava"] in [c["value"] for c in by_id]

            assert await suggestions(bot, server, "news unsubscribe", {"url": ""}, "url") == []
            with sqlite_store.session() as s:
                feeds = [Feed(url=f"https://{name}.example/rss") for name in ("harbour", "volcano")]
                s.add_all(feeds)
                s.flush()
                sub = Subscription(platform="discord", workspace=GUILD_ID, channel=CHANNEL_ID, timezone="UTC", include_keywords=[], exclude_keywords=[])
                s.add(sub)
                s.flush()
                s.add_all(SubscriptionFeed(subscription_id=sub.id, feed_id=f.id) for f in feeds)
            urls = await suggestions(bot, server, "news unsubscribe", {"url": "VOLC"}, "url")
            assert urls == [{"name": "https://volcano.example/rss", "value": "https://volcano.example/rss"}]

            def broken(place, typed):
                raise RuntimeError("the database is gone")

            bot.service.story_choices = broken
            assert await suggestions(bot, server, "news story", {"id": "1"}, "id") == []

            # Lookups that hang (a locked database) while someone types: each is given up after
            # 2 s but keeps its thread. They have threads of their own, so commands still run;
            # in the shared pool eight of them held every thread and /news help waited for them.
            release = threading.Event()
            bot.service.story_choices = lambda place, typed: release.wait(30) and []
            try:
                for _ in range(8):
                    bot._connection.parse_interaction_create(interaction("news story", {"id": "1"}, focused="id"))
                await asyncio.sleep(0.1)
                assert "newsbot commands" in text_of(await invoke(bot, server, "news help"))
            finally:
                release.set()

    run_async(scenario())
