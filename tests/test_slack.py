"""The Slack adapter through slack-bolt's real code paths: signed requests dispatched by the
App, the HTTP-mode server on 127.0.0.1, a Socket Mode envelope, and a local mock Web API."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from urllib.parse import parse_qsl, urlencode

import httpx
import pytest
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import func, select

from bot.provider import StoreDigestProvider
from bot.slack_adapter import SlackBot, _Server, http_app, plain_text
from bot.slack_manifest import render_manifest
from config.settings import SlackSettings
from corpus.channels import Subscription
from corpus.models import Feed
from tests.chatkit import add, article, hostile, make_service, strings
from tests.conftest import ROOT, SHARED
from tests.fake_slack import CHANNEL, EXTERNAL_ADMIN, MEMBER, SECRET, WORKSPACE_ADMIN, FakeSlack, ack_json, signed_headers, slash_body
from tests.test_discord import SlowProvider

TOKEN = "xoxb-1234-5678-secret-token-value"
OPSDROID_SLASH = SHARED / "robustness" / "payloads" / "opsdroid-slack" / "payload_slash_command.urlencoded"


@contextlib.asynccontextmanager
async def slack_env(store, *, provider=None, process_before_response=True, **settings):
    server = await FakeSlack().start()
    service = make_service(store)
    if provider is not None:
        service.provider = provider
    handled = []
    handle = service.handle
    service.handle = lambda req: handled.append(req) or handle(req)
    client = AsyncWebClient(token=TOKEN, base_url=server.api)
    cfg = SlackSettings(**{"bot_token": TOKEN, "signing_secret": SECRET, "mode": "http", **settings})
    bot = SlackBot(cfg, service, client, process_before_response=process_before_response)
    bot.handled = handled
    try:
        yield bot, server
    finally:
        await server.stop()


async def dispatch(bot: SlackBot, body: str, headers: dict | None = None):
    return await bot.app.async_dispatch(AsyncBoltRequest(body=body, headers=headers or signed_headers(body)))


def answers(resp, server: FakeSlack) -> list[dict]:
    """What the user was shown: the acknowledgement's message, then response_url messages."""
    first = ack_json(resp.body)
    return ([first] if first else []) + server.responses()


def shown(messages: list[dict]) -> str:
    return "\n".join(json.dumps(m, ensure_ascii=False) for m in messages)


def run_async(coro):
    return asyncio.run(coro)


READ_COMMANDS = [
    ("/digest", "", "News digest · 2 stories", "in_channel"),
    ("/digest", "lava", "News digest: lava · 2 stories", "in_channel"),
    ("/news", "search volcano", "Search: volcano", "in_channel"),
    ("/news", "story 1", "Story number 1 about volcanoes and lava", "in_channel"),
    ("/news", "sources 1", "<https://news1.example/story-1|Story number 1 about volcanoes and lava>", "in_channel"),
    ("/news", "feeds", "follows no feeds", "in_channel"),
    ("/news", "schedule", "No digest schedule", "in_channel"),
    ("/news", "filter", "Keyword filters", "in_channel"),
    ("/news", "help", "/news search &lt;query&gt; [page:N]", "ephemeral"),
    ("/news", "", "newsbot commands", "ephemeral"),
]


@pytest.mark.parametrize(("command", "text", "expected", "kind"), READ_COMMANDS)
def test_every_reading_command_answers_in_the_acknowledgement(sqlite_store, command, text, expected, kind):
    add(sqlite_store, article(1), article(2))

    async def scenario():
        async with slack_env(sqlite_store) as (bot, server):
            resp = await dispatch(bot, slash_body(server, command, text))
            assert resp.status == 200
            (message,) = answers(resp, server)
            assert message["response_type"] == kind and message["unfurl_links"] is False
            assert message["text"] and 1 <= len(message["blocks"]) <= 50
            assert expected in shown([message])

    run_async(scenario())


def test_a_post_refused_half_way_says_how_far_it_got(sqlite_store):
    from bot.delivery import DeliveryRefused
    from bot.messages import Notice, Reply
    from bot.render.slack import render

    reply = Reply.of(*(Notice(f"Part {i}: " + "word " * 2500) for i in range(3)))  # a message each
    parts = len(render(reply))
    assert parts >= 2

    async def scenario():
        async with slack_env(sqlite_store) as (bot, server):
            server.fail = {f"chat.postMessage:{CHANNEL}": [None, "not_in_channel"]}
            with pytest.raises(DeliveryRefused) as refused:
                await bot.deliver(CHANNEL, reply, "newsbot:1:2024-06-01T08:00", None)
            assert str(refused.value) == f"Slack refused the post: not_in_channel (after 1 of {parts} parts were posted)"
            assert refused.value.channel_gone

    run_async(scenario())


def test_an_admin_of_another_organisation_is_no_admin_here_and_a_failed_check_says_so(sqlite_store):
    """In a channel shared with another organisation (Slack Connect), users.info describes an
    outside member's own workspace: its admins can't change this workspace's channel. When
    users.info fails, the user is told that the check failed, not that they are no admin."""
    async def scenario():
        async with slack_env(sqlite_store) as (bot, server):
            resp = await dispatch(bot, slash_body(server, "/news", "schedule daily 08:00", user=EXTERNAL_ADMIN))
            assert "Only members with workspace admin or owner rights can" in shown(answers(resp, server))
            server.fail = {"users.info": ["missing_scope"]}
            resp = await dispatch(bot, slash_body(server, "/news", "schedule daily 08:00", user=WORKSPACE_ADMIN))
            (message,) = answers(resp, server)
            assert message["response_type"] == "ephemeral"
            assert "I couldn't check your rights in this workspace (Slack said missing_scope); try again" in shown([message])
            resp = await dispatch(bot, slash_body(server, "/news", "schedule daily 08:00", user=WORKSPACE_ADMIN))
            assert "Digest schedule set" in shown(answers(resp, server))  # a failure is not cached
            with sqlite_store.session() as s:
                assert s.scalar(select(func.count()).select_from(Subscription)) == 1

    run_async(scenario())


def test_slack_unreachable_at_the_first_command_says_try_again_not_reinstall(sqlite_store):
    """bolt checks the token with auth.test until it first succeeds; a Slack outage then gave
    every command bolt's "your installation with this app is no longer available"."""
    async def scenario():
        async with slack_env(sqlite_store) as (bot, server):
            server.fail = {"auth.test": [500]}
            resp = await dispatch(bot, slash_body(server, "/news", "help"))
            assert "try again in a minute" in resp.body and "no longer available" not in resp.body
            resp = await dispatch(bot, slash_body(server, "/news", "help"))  # Slack is back
            assert "newsbot commands" in shown(answers(resp, server))

    run_async(scenario())


def test_admin_commands_for_workspace_admins_and_configured_users_only(sqlite_store):
    async def scenario():
        async with slack_env(sqlite_store, admin_user_ids=["U0CONFIGURED"]) as (bot, server):
            for text in ["subscribe https://example.com/feed.xml", "schedule daily 08:00", "filter exclude sports", "unsubscribe https://example.com/feed.xml", "settings stories:3"]:
                resp = await dispatch(bot, slash_body(server, "/news", text, user=MEMBER))
                (message,) = answers(resp, server)
                assert message["response_type"] == "ephemeral"
                assert "Only members with workspace admin or owner rights can" in shown([message])
            assert server.methods().count("users.info") == 1  # looked up once, then cached
            with sqlite_store.session() as s:
                assert s.scalar(select(Feed.id)) is None

            # Slack wraps links in <...>; the command still gets the plain URL
            resp = await dispatch(bot, slash_body(server, "/news", "subscribe <https://example.com/feed.xml>", user=WORKSPACE_ADMIN))
            assert "now follows https://example.com/feed.xml" in shown(answers(resp, server))
            resp = await dispatch(bot, slash_body(server, "/news", "schedule weekdays 07:30 Europe/Berlin", user=WORKSPACE_ADMIN))
            assert "weekdays at 07:30 (Europe/Berlin)" in shown(answers(resp, server))
            resp = await dispatch(bot, slash_body(server, "/news", "filter exclude sports, celebrity", user=WORKSPACE_ADMIN))
            assert "sports, celebrity" in shown(answers(resp, server))
            resp = await dispatch(bot, slash_body(server, "/news", "settings stories:3 algorithm:lexrank", user=WORKSPACE_ADMIN))
            assert "Digest settings set" in shown(answers(resp, server))
            resp = await dispatch(bot, slash_body(server, "/news", "settings", user=MEMBER))  # showing needs no rights
            (message,) = answers(resp, server)
            assert "Stories in each digest" in shown([message]) and "lexrank" in shown([message])
            before = server.methods().count("users.info")
            resp = await dispatch(bot, slash_body(server, "/news", "unsubscribe https://example.com/feed.xml", user="U0CONFIGURED"))
            assert "no longer follows" in shown(answers(resp, server))
            assert server.methods().count("users.info") == before  # configured users need no lookup

    run_async(scenario())


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("story 99999", "There is no story '99999'"),
        ("search", "needs a query"),
        ("search " + "x" * 5000, "5,000 characters long"),
        ('search "AND" OR (*)', "no words to search for"),
        ("schedule daily 08:00 Mars/Olympus", "not a timezone I know"),
        ("schedule sometimes", "can't read"),
        ("subscribe ftp://example.com/feed", "only http:// and https://"),
        ("frobnicate", "/news has no 'frobnicate' command"),
    ],
)
def test_bad_input_gets_an_ephemeral_specific_reply(sqlite_store, text, reason):
    add(sqlite_store, article(1))

    async def scenario():
        async with slack_env(sqlite_store) as (bot, server):
            resp = await dispatch(bot, slash_body(server, "/news", text, user=WORKSPACE_ADMIN))
            (message,) = answers(resp, server)
            assert message["response_type"] == "ephemeral" and message["text"].startswith(":warning:")
            assert reason in shown([message]).replace("&#39;", "'") and "Traceback" not in shown([message])

    run_async(scenario())


def test_slow_work_is_acknowledged_at_once_and_answered_through_the_response_url(sqlite_store):
    add(sqlite_store, article(1))

    async def scenario():
        slow = SlowProvider(StoreDigestProvider(sqlite_store), delay=0.6)
        async with slack_env(sqlite_store, provider=slow, ack_after_seconds=0.2) as (bot, server):
            started = time.monotonic()
            resp = await dispatch(bot, slash_body(server, "/digest"))
            assert resp.status == 200 and resp.body == ""  # an empty acknowledgement
            (message,) = server.responses()
            assert message["response_type"] == "in_channel" and message["replace_original"] is False
            assert "Story number 1 about volcanoes and lava" in shown([message])
            assert time.monotonic() - started >= 0.6

            resp = await dispatch(bot, slash_body(server, "/news", "story 4242"))
            assert resp.body == ""
            assert server.responses()[-1]["response_type"] == "ephemeral"
            assert "There is no story '4242'" in shown(server.responses()[-1:]).replace("&#39;", "'")

    run_async(scenario())


def test_in_production_mode_the_acknowledgement_does_not_wait_for_slow_work(sqlite_store):
    """process_before_response=False, as served: bolt answers Slack as soon as ack() is called."""
    add(sqlite_store, article(1))

    async def scenario():
        slow = SlowProvider(StoreDigestProvider(sqlite_store), delay=1.0)
        async with slack_env(sqlite_store, provider=slow, ack_after_seconds=0.2, process_before_response=False) as (bot, server):
            started = time.monotonic()
            resp = await dispatch(bot, slash_body(server, "/digest"))
            assert resp.status == 200 and resp.body == ""
            assert time.monotonic() - started < 0.9  # well inside Slack's 3 s, before the work is done
            deadline = time.monotonic() + 10
            while not server.responses() and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            (message,) = server.responses()
            assert "Story number 1 about volcanoes and lava" in shown([message])

            quick = await dispatch(bot, slash_body(server, "/news", "help"))
            assert "newsbot commands" in quick.body  # quick work rides in the acknowledgement

    run_async(scenario())


def test_http_mode_on_a_port_in_use_fails_in_one_line(sqlite_store):
    """uvicorn exits when it can't bind; its SystemExit went past the bot's shutdown as a
    40-line traceback with exit code 3."""
    async def scenario():
        async with slack_env(sqlite_store) as (bot, _):
            first = _Server(http_app(bot, "/slack/events"), "127.0.0.1", 0)
            port = await first.start()
            try:
                with pytest.raises(RuntimeError, match=rf"could not listen on 127.0.0.1:{port}; is another process using it"):
                    await _Server(http_app(bot, "/slack/events"), "127.0.0.1", port).start()
            finally:
                await first.stop()

    run_async(scenario())


def test_http_mode_server_verifies_signatures_and_serves_the_real_slash_command_body(sqlite_store):
    if not OPSDROID_SLASH.exists():
        pytest.skip(f"the recorded Slack payloads are not here ({OPSDROID_SLASH}); they live in ../shared")
    real = OPSDROID_SLASH.read_text().strip()
    add(sqlite_store, article(1))

    async def scenario():
        async with slack_env(sqlite_store) as (bot, server):
            http = _Server(http_app(bot, "/slack/events"), "127.0.0.1", 0)
            port = await http.start()
            url = f"http://127.0.0.1:{port}/slack/events"
            try:
                async with httpx.AsyncClient(timeout=10) as web:
                    assert (await web.get(f"http://127.0.0.1:{port}/healthz")).text == "ok"

                    # the recorded body, byte for byte: its /testcommand is not ours, answered at once
                    r = await web.post(url, content=real, headers=signed_headers(real))
                    assert r.status_code == 200
                    assert r.json()["response_type"] == "ephemeral" and "I don't know /testcommand" in r.text
                    assert bot.handled == [] and server.responses() == []  # nothing went to hooks.slack.com

                    # the same recorded request as /news help, answered at our local response URL
                    fields = dict(parse_qsl(real, keep_blank_values=True))
                    fields.update(command="/news", text="help", response_url=server.respond_url("2086715431956"))
                    body = urlencode(fields)
                    r = await web.post(url, content=body, headers=signed_headers(body))
                    assert r.status_code == 200 and "newsbot commands" in r.text
                    assert bot.handled[-1].place.workspace == "T01ND2P8N91" and bot.handled[-1].caller.user_id == "U01NK1K9L68"
                    for command, text, expected, kind in READ_COMMANDS:  # every reading command over HTTP too
                        fields.update(command=command, text=text)
                        body = urlencode(fields)
                        r = await web.post(url, content=body, headers=signed_headers(body))
                        assert r.status_code == 200 and r.json()["response_type"] == kind
                        assert expected.replace("2 stories", "1 story") in shown([r.json()])

                    handled, calls = len(bot.handled), len(server.calls)
                    bad_sig = {**signed_headers(body), "x-slack-signature": "v0=" + "0" * 64}
                    stale = signed_headers(body, timestamp=int(time.time()) - 301)
                    tampered_body = body.replace("channel_id=C01N639ECTY", "channel_id=CEVIL0000")
                    assert tampered_body != body
                    wrong_secret = signed_headers(body, secret="not-the-secret")
                    for content, headers in [(body, bad_sig), (body, stale), (tampered_body, signed_headers(body)), (body, wrong_secret), (body, {"content-type": "application/x-www-form-urlencoded"})]:
                        r = await web.post(url, content=content, headers=headers)
                        assert r.status_code == 401, (headers, r.text)
                    assert len(bot.handled) == handled and len(server.calls) == calls  # no handler ran, no API call

                    # Bodies slack-bolt can't parse: it parses before it checks the signature, so
                    # unsigned ones made it answer 500 and log a traceback each.
                    for junk in ["payload=not-json", "payload=" + "%5B" * 3000, '{"type": ', "[" * 3000]:
                        for ctype in ("application/x-www-form-urlencoded", "application/json"):
                            forged = {"content-type": ctype, "x-slack-request-timestamp": str(int(time.time())), "x-slack-signature": "v0=" + "0" * 64}
                            r = await web.post(url, content=junk, headers=forged)
                            assert r.status_code == 401, (junk[:20], ctype, r.text)
                            r = await web.post(url, content=junk, headers={**signed_headers(junk), "content-type": ctype})
                            assert r.status_code in (400, 404), (junk[:20], ctype, r.text)  # 404: a form without a command
                    assert len(bot.handled) == handled and len(server.calls) == calls

                    # A timestamp slack_sdk can't read made it raise (a 500 and a traceback each).
                    for stamp in ("abc", "", "1e9", "9" * 5000, "12.5", "-1", "0x10"):
                        r = await web.post(url, content=body, headers={**signed_headers(body), "x-slack-request-timestamp": stamp})
                        assert r.status_code == 401, (stamp[:20], r.text)
                    # A body far beyond any Slack request is refused before it is read whole,
                    # whether its length is declared or streamed.
                    big = b"x" * (2 << 20)
                    r = await web.post(url, content=big, headers=signed_headers(big.decode()))
                    assert r.status_code == 413

                    async def streamed():
                        for _ in range(64):
                            yield b"y" * 65536

                    r = await web.post(url, content=streamed(), headers=signed_headers(""))
                    assert r.status_code == 413

                    # A body dripped slower than BODY_SECONDS (here made 0.5 s) is given up on.
                    import bot.slack_adapter

                    async def dripped():
                        for _ in range(20):
                            await asyncio.sleep(0.1)
                            yield b"z"

                    bot.slack_adapter.BODY_SECONDS, before = 0.5, bot.slack_adapter.BODY_SECONDS
                    try:
                        r = await web.post(url, content=dripped(), headers=signed_headers(""))
                    finally:
                        bot.slack_adapter.BODY_SECONDS = before
                    assert r.status_code == 408
                    r = await web.post(url, content=body, headers=signed_headers(body))  # and it still answers
                    assert r.status_code == 200 and r.json()["response_type"] == kind
            finally:
                await http.stop()

    run_async(scenario())


def test_a_socket_mode_envelope_runs_through_the_handler_without_a_websocket(sqlite_store):
    add(sqlite_store, article(1))

    async def scenario():
        async with slack_env(sqlite_store, mode="socket", app_token="xapp-1-test", signing_secret=None) as (bot, server):
            handler = AsyncSocketModeHandler(bot.app, app_token="xapp-1-test")
            sent: list[dict] = []

            async def send_message(message: str) -> None:  # the websocket: the last hop
                sent.append(json.loads(message))

            handler.client.send_message = send_message
            payload = dict(parse_qsl(slash_body(server, "/news", "search volcano"), keep_blank_values=True))
            envelope = {"envelope_id": "57d6a792-4d35-4d0b-b6aa-3361493e1caf", "type": "slash_commands", "accepts_response_payload": True, "payload": payload}
            await handler.client.run_message_listeners(envelope, json.dumps(envelope))
            (ack,) = sent
            assert ack["envelope_id"] == envelope["envelope_id"]
            assert ack["payload"]["response_type"] == "in_channel" and "Search: volcano" in json.dumps(ack["payload"])
            assert bot.handled[-1].place.channel == CHANNEL
            await handler.client.close()

    run_async(scenario())


def test_hostile_article_text_never_notifies_anyone(sqlite_store):
    (aid,) = add(sqlite_store, hostile())

    async def scenario():
        async with slack_env(sqlite_store) as (bot, server):
            for command, text in [("/digest", ""), ("/news", f"story {aid}"), ("/news", f"sources {aid}"), ("/news", "search attention")]:
                resp = await dispatch(bot, slash_body(server, command, text))
                out = "\n".join(strings(answers(resp, server)))
                assert not re.search(r"<[@#!]", out), out
                assert not re.search(r"@(everyone|here|channel)", out)
                assert "&lt;!channel&gt;" in out or command == "/news" and text.startswith("sources")
                assert "\x07" not in out and "\u202e" not in out

    run_async(scenario())


def test_scheduled_posts_go_through_chat_post_message_and_tokens_stay_out_of_logs(sqlite_store, caplog):
    add(sqlite_store, article(1), article(2))
    caplog.set_level(logging.DEBUG)

    async def scenario():
        async with slack_env(sqlite_store) as (bot, server):
            from bot.provider import DigestScope

            digest = StoreDigestProvider(sqlite_store).digest(DigestScope())
            ts = await bot.post_digest(CHANNEL, digest, marker="sub7/2024-06-01T08:00")
            (post,) = [c for c in server.calls if c.method == "chat.postMessage"]
            assert post.body["channel"] == CHANNEL and post.body["unfurl_links"] is False
            assert post.body["text"].startswith("News digest · 2 stories") and len(post.body["blocks"]) <= 50
            assert post.body["metadata"] == {"event_type": "newsbot_post", "event_payload": {"marker": "sub7/2024-06-01T08:00", "part": 0}}
            assert post.headers["Authorization"] == f"Bearer {TOKEN}"  # the token reached only the API
            assert len(ts) == 1 and re.match(r"^\d+\.\d{6}$", ts[0])

    run_async(scenario())
    assert "chat.postMessage" in caplog.text  # slack_sdk logged the request at DEBUG...
    assert TOKEN not in caplog.text  # ...with the token redacted


def test_slack_text_is_unwrapped_to_what_the_user_typed():
    assert plain_text("subscribe <https://example.com/feed?a=1&amp;b=2|example.com/feed>") == "subscribe https://example.com/feed?a=1&b=2"
    assert plain_text("search &lt;tag&gt; &amp; <@U123|bob>") == "search <tag> & bob"


def test_the_slack_manifest_is_in_step_with_the_command_definitions():
    path = ROOT / "config" / "slack-manifest.yml"
    assert path.read_text(encoding="utf-8") == render_manifest(), "regenerate: python -m bot.slack_manifest > config/slack-manifest.yml"
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert [c["command"] for c in data["features"]["slash_commands"]] == ["/digest", "/news"]
    assert "search <query> [page:N]" in data["features"]["slash_commands"][1]["usage_hint"]
    assert data["settings"]["socket_mode_enabled"] is True
    assert {"commands", "chat:write", "users:read"} <= set(data["oauth_config"]["scopes"]["bot"])
