"""Running the channels side by side in one process, and settings for the chat platforms."""

from __future__ import annotations

import asyncio
import socket
import sys

import httpx
import pytest
from pydantic import SecretStr

from config import ConfigError, load_settings
from tests.fake_discord import FakeDiscord, interaction
from tests.fake_slack import SECRET, FakeSlack, post_command, slash_body
from tests.helpers import BotProcess


def _serve_with_a_bad_discord_token(settings, store) -> int:
    """The bot with only Discord, whose (fake) API refuses the token: serve's exit status."""
    from bot.runner import serve

    async def scenario():
        server = await FakeDiscord().start()
        try:
            settings.discord.token = SecretStr("bad-token")
            settings.discord.api_url = server.base
            settings.terminal.enabled = False
            return await serve(settings, store, sys.stdin, sys.stdout)
        finally:
            await server.stop()

    return asyncio.run(scenario())


def test_a_bad_discord_token_stops_the_bot_with_a_one_line_reason(settings, sqlite_store, capsys):
    assert _serve_with_a_bad_discord_token(settings, sqlite_store) == 1
    err = capsys.readouterr().err
    assert "newsbot: discord stopped: Improper token has been passed." in err
    assert "Traceback" not in err and "bad-token" not in err


def test_with_json_logs_a_platform_that_stops_says_so_in_json(settings, sqlite_store, caplog):
    """NEWSBOT_LOG__FORMAT=json: the last line, the reason the bot stops, was plain text."""
    settings.log.format = "json"
    assert _serve_with_a_bad_discord_token(settings, sqlite_store) == 1
    assert any(r.levelname == "ERROR" and r.getMessage() == "discord stopped: Improper token has been passed." for r in caplog.records)


def test_nothing_to_run_is_said_plainly(settings, sqlite_store, capsys):
    from bot.runner import serve

    settings.terminal.enabled = False
    assert asyncio.run(serve(settings, sqlite_store, sys.stdin, sys.stdout)) == 2
    assert "nothing to run" in capsys.readouterr().err


def test_tokens_come_from_the_environment_or_files_never_from_toml(settings, tmp_path, monkeypatch):
    token_file = tmp_path / "discord-token"
    token_file.write_text("file-token-value\n")
    monkeypatch.setenv("NEWSBOT_DISCORD__TOKEN_FILE", str(token_file))
    monkeypatch.setenv("NEWSBOT_SLACK__BOT_TOKEN", "xoxb-env-token")
    monkeypatch.setenv("NEWSBOT_SLACK__APP_TOKEN", "xapp-env-token")
    s = load_settings()
    assert s.discord.token.get_secret_value() == "file-token-value"
    assert s.slack.bot_token.get_secret_value() == "xoxb-env-token"
    assert "file-token-value" not in repr(s) and "xoxb-env-token" not in str(s.model_dump())

    toml = tmp_path / "local.toml"
    toml.write_text('[discord]\ntoken = "in-a-file-it-should-not-be-in"\n')
    monkeypatch.setenv("NEWSBOT_CONFIG", str(toml))
    with pytest.raises(ConfigError, match="discord.token: secrets can't be set in a config file; set NEWSBOT_DISCORD__TOKEN or NEWSBOT_DISCORD__TOKEN_FILE") as e:
        load_settings()
    assert "in-a-file" not in str(e.value)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"NEWSBOT_DISCORD__TOKEN_FILE": "/nonexistent/token"}, "NEWSBOT_DISCORD__TOKEN_FILE: cannot read the secret file"),
        ({"NEWSBOT_SLACK__BOT_TOKEN": "xoxb-1"}, "Slack socket mode needs app_token"),
        ({"NEWSBOT_SLACK__BOT_TOKEN": "xoxb-1", "NEWSBOT_SLACK__MODE": "http"}, "Slack http mode needs signing_secret"),
        ({"NEWSBOT_SLACK__MODE": "websocket"}, "slack.mode"),
        ({"NEWSBOT_CHANNELS__TIMEZONE": "Mars/Base"}, "not an IANA timezone"),
    ],
)
def test_bad_platform_settings_name_the_setting(settings, monkeypatch, env, message):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    with pytest.raises(ConfigError, match=message) as e:
        load_settings()
    assert "xoxb-1" not in str(e.value)


def test_a_misspelt_setting_is_named_with_the_one_meant(settings, tmp_path, monkeypatch):
    # "wordz = 5" under [channels] was silently the default before.
    toml = tmp_path / "local.toml"
    toml.write_text("[channels]\nwordz = 5\n[stories]\nthreshhold = 0.2\n")
    monkeypatch.setenv("NEWSBOT_CONFIG", str(toml))
    with pytest.raises(ConfigError) as e:
        load_settings()
    # Named where they were written: the file and its key, not an environment variable.
    assert f"channels.wordz ({toml}, [channels] wordz): not a setting (did you mean words?); config/default.toml" in str(e.value)
    assert f"stories.threshhold ({toml}, [stories] threshhold): not a setting (did you mean threshold?)" in str(e.value)
    monkeypatch.delenv("NEWSBOT_CONFIG")
    monkeypatch.setenv("NEWSBOT_FEEDS__POLL_MINUTE", "5")
    with pytest.raises(ConfigError, match=r"feeds.poll_minute .*\(did you mean poll_minutes\?\)"):
        load_settings()
    monkeypatch.delenv("NEWSBOT_FEEDS__POLL_MINUTE")
    monkeypatch.setenv("NEWSBOT_HTTP__ZZZ", "1")
    with pytest.raises(ConfigError, match=r"http.zzz \(env NEWSBOT_HTTP__ZZZ\): not a setting; config/default.toml lists them all"):
        load_settings()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_discord_slack_and_the_terminal_run_side_by_side_in_one_process(tmp_path):
    """A real bot process: Discord through a fake REST API and gateway, Slack in HTTP mode
    against a mock Web API, and the terminal on a pipe, all answering at once."""
    slack_port, health_port = _free_port(), _free_port()

    async def scenario():
        discord_api, slack_api = await FakeDiscord().start(), await FakeSlack().start()
        bot = await BotProcess.start(
            tmp_path, "-v", "run",
            NEWSBOT_DISCORD__TOKEN="fake-token", NEWSBOT_DISCORD__API_URL=discord_api.base,
            NEWSBOT_SLACK__BOT_TOKEN="xoxb-side-by-side", NEWSBOT_SLACK__SIGNING_SECRET=SECRET, NEWSBOT_SLACK__MODE="http",
            NEWSBOT_SLACK__HTTP_PORT=str(slack_port), NEWSBOT_SLACK__API_URL=slack_api.api, NEWSBOT_HEALTH__PORT=str(health_port),
        )
        discord_up = True
        try:
            await bot.read_until("Ctrl-C to quit")
            await discord_api.wait_for(lambda: discord_api.identified and any(r.method == "PUT" for r in discord_api.requests), 60)

            await bot.send("/news search defect")
            await bot.read_until("== Search: defect ==")

            payload = interaction("news sources", {"id": "1"})
            await discord_api.dispatch("INTERACTION_CREATE", payload)
            await discord_api.wait_for(lambda: discord_api.interaction_requests(payload["token"]), 30)
            (cb,) = discord_api.interaction_requests(payload["token"])
            assert "BREAKING: Senior Syrian Officers Defect" in str(cb.body) and cb.body["data"]["allowed_mentions"] == {"parse": []}

            # The defection story, citing the Monitor among its sources.
            r = await post_command(f"http://127.0.0.1:{slack_port}/slack/events", slash_body(slack_api, "/news", "story 1"))
            assert r.status_code == 200 and "The Christian Science Monitor" in r.text and "csmonitor.com" in r.text

            bot.proc.stdin.close()  # end of input: Discord and Slack keep going
            await bot.read_until("keep running until Ctrl-C")
            payload = interaction("news help")
            await discord_api.dispatch("INTERACTION_CREATE", payload)
            await discord_api.wait_for(lambda: discord_api.interaction_requests(payload["token"]), 30)

            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{health_port}", timeout=10) as health:
                for _ in range(100):  # discord.py is ready once the servers it is in have arrived (about 2 s)
                    if (ready := await health.get("/readyz")).status_code == 200:
                        break
                    await asyncio.sleep(0.1)
                assert ready.status_code == 200 and ready.json()["checks"]["discord"] is True, ready.text
                # Discord's gateway goes away: the bot keeps reconnecting, and is not ready meanwhile
                # (discord.py logs each failed attempt with its traceback).
                before_outage = bot.err
                await discord_api.stop()
                discord_up = False
                for _ in range(100):
                    if (await health.get("/readyz")).status_code == 503:
                        break
                    await asyncio.sleep(0.1)
                not_ready = await health.get("/readyz")
                assert not_ready.status_code == 503 and not_ready.json()["checks"]["discord"] is False, not_ready.text

            assert await bot.stop() == 0, bot.err
            assert bot.out.rstrip().endswith("bye")
            assert "Traceback" not in before_outage
            assert "fake-token" not in bot.err and "xoxb-side-by-side" not in bot.err and SECRET not in bot.err
        finally:
            await bot.kill()
            if discord_up:
                await discord_api.stop()
            await slack_api.stop()

    asyncio.run(scenario())


def test_a_blank_token_means_the_platform_is_off(settings, monkeypatch):
    monkeypatch.setenv("NEWSBOT_DISCORD__TOKEN", "")
    monkeypatch.setenv("NEWSBOT_SLACK__BOT_TOKEN", "   ")
    s = load_settings()
    assert s.discord.token is None and s.slack.bot_token is None
