"""Secrets: tokens and signing secrets come only from the environment or a secret file, and never
appear in logs, error messages or replies. A full bot process (terminal, Slack in HTTP mode,
Discord against the local fakes) runs at DEBUG with JSON logs through good and failing commands,
and everything it wrote and sent is searched for every secret value and every token shape."""

from __future__ import annotations

import asyncio
import json
import re
from urllib.parse import quote

import pytest

from config import ConfigError, load_settings
from config.settings import Settings, _secret_paths
from tests.fake_discord import FakeDiscord, interaction
from tests.fake_slack import FakeSlack, post_command, signed_headers, slash_body
from tests.helpers import BotProcess, run_bot
from tests.test_runner import _free_port

# Values shaped like the real thing, so the shape rules are exercised as well as the value rules.
DISCORD_TOKEN = "MTEyMzQ1Njc4OTAxMjM0NTY3OA.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB"
SLACK_BOT_TOKEN = "xoxb-1111111111-2222222222-AbCdEfGhIjKlMnOpQrStUvWx"
SLACK_APP_TOKEN = "xapp-1-A0123456789-1234567890123-0123456789abcdef0123456789abcdef"
SIGNING_SECRET = "5c9e5f8d1b7a4e2f9c3d6b8a0e1f2d3c"
SECRETS = {"discord.token": DISCORD_TOKEN, "slack.bot_token": SLACK_BOT_TOKEN, "slack.app_token": SLACK_APP_TOKEN,
           "slack.signing_secret": SIGNING_SECRET}
# Token shapes, written independently of bot/logs.py: Slack tokens of every kind, Discord bot tokens.
TOKEN_SHAPES = re.compile(r"xox[abposr]-[\w-]{6,}|xapp-[\w-]{6,}|\b[MNO][\w-]{23,27}\.[\w-]{6}\.[\w-]{27,}")


def leaks(text: str) -> list[str]:
    found = [name for name, value in SECRETS.items() if value in text]
    return found + TOKEN_SHAPES.findall(text)


def test_every_secret_setting_is_known():
    assert {".".join(p) for p in _secret_paths(Settings)} == set(SECRETS)


# --- where secrets may come from -------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SECRETS))
def test_a_secret_in_a_config_file_is_refused_without_repeating_it(name, settings, tmp_path, monkeypatch):
    section, key = name.split(".")
    toml = tmp_path / "local.toml"
    toml.write_text(f'[{section}]\n{key} = "{SECRETS[name]}"\n')
    monkeypatch.setenv("NEWSBOT_CONFIG", str(toml))
    env = f"NEWSBOT_{section.upper()}__{key.upper()}"
    with pytest.raises(ConfigError) as e:
        load_settings()
    assert str(e.value) == f"{name}: secrets can't be set in a config file; set {env} or {env}_FILE in the environment"


@pytest.mark.parametrize("name", sorted(SECRETS))
def test_secrets_from_the_environment_or_a_file(name, settings, tmp_path, monkeypatch):
    section, key = name.split(".")
    env = f"NEWSBOT_{section.upper()}__{key.upper()}"
    if section == "slack":  # a bot token needs its mode's second secret
        monkeypatch.setenv("NEWSBOT_SLACK__MODE", "http")
        monkeypatch.setenv("NEWSBOT_SLACK__SIGNING_SECRET", SIGNING_SECRET)
    secret_file = tmp_path / "secret"
    secret_file.write_text(SECRETS[name] + "\n")
    monkeypatch.setenv(f"{env}_FILE", str(secret_file))
    loaded = load_settings()
    assert getattr(getattr(loaded, section), key).get_secret_value() == SECRETS[name]
    assert SECRETS[name] in loaded.secret_values()  # the log redactor knows it
    assert not leaks(repr(loaded) + str(loaded.model_dump()) + loaded.model_dump_json())

    monkeypatch.delenv(f"{env}_FILE")
    monkeypatch.setenv(env, SECRETS[name])
    assert getattr(getattr(load_settings(), section), key).get_secret_value() == SECRETS[name]

    monkeypatch.setenv(f"{env}_FILE", str(tmp_path / "missing"))
    with pytest.raises(ConfigError) as e:
        load_settings()
    assert str(e.value) == f"{env}_FILE: cannot read the secret file (FileNotFoundError); point it at a readable UTF-8 file"


@pytest.mark.parametrize("name", sorted(SECRETS))
def test_a_secret_of_the_wrong_type_is_named_not_shown(name, settings, monkeypatch):
    section, key = name.split(".")
    monkeypatch.setenv(f"NEWSBOT_{section.upper()}", json.dumps({key: {"nested": SECRETS[name]}}))
    with pytest.raises(ConfigError) as e:
        load_settings()
    message = str(e.value)
    # Labelled with the variable that was set (the whole section, as JSON), and what to write.
    assert f"{name} (env NEWSBOT_{section.upper()}): must be text (a string)" in message
    assert not leaks(message)


def test_a_missing_second_slack_secret_names_it_not_the_first(settings, monkeypatch):
    monkeypatch.setenv("NEWSBOT_SLACK__BOT_TOKEN", SLACK_BOT_TOKEN)
    monkeypatch.setenv("NEWSBOT_SLACK__MODE", "http")
    with pytest.raises(ConfigError) as e:
        load_settings()
    assert "Slack http mode needs signing_secret (env NEWSBOT_SLACK__SIGNING_SECRET or NEWSBOT_SLACK__SIGNING_SECRET_FILE)" in str(e.value)
    assert not leaks(str(e.value))


@pytest.mark.parametrize(
    ("env", "value", "named", "fix"),
    [
        ("NEWSBOT_DATABASE__URL", "mysql://bob:hunter2pass@db.example/news", "database.url", "SQLite or PostgreSQL, not mysql"),
        ("NEWSBOT_DATABASE__URL", "bob:hunter2pass@db.example", "database.url", "use sqlite:///path/to/newsbot.db or postgresql+psycopg://"),
        ("NEWSBOT_HTTP__MAX_REDIRECTS", "lots-hunter2pass", "http.max_redirects", "must be a whole number"),
        ("NEWSBOT_HTTP__MAX_REDIRECTS", "2.5", "http.max_redirects", "must be a whole number"),
        ("NEWSBOT_HTTP__READ_TIMEOUT", "soon-hunter2pass", "http.read_timeout", "must be a number"),
        ("NEWSBOT_HTTP__EXTRA_PORTS", "[0]", "http.extra_ports.0", "must be at least 1"),
        ("NEWSBOT_HTTP__EXTRA_PORTS", '["hunter2pass"]', "http.extra_ports.0", "must be a whole number"),
        ("NEWSBOT_LOG__LEVEL", "LOUD-hunter2pass", "log.level", "must be DEBUG, INFO, WARNING or ERROR"),
        ("NEWSBOT_HEALTH__PORT", "70000", "health.port", "must be at most 65535"),
        ("NEWSBOT_HEALTH__ENABLED", "hunter2pass", "health.enabled", "must be true or false"),
        ("NEWSBOT_SLACK__MODE", "webhook-hunter2pass", "slack.mode", "must be socket or http"),
        ("NEWSBOT_DEDUPE__NEAR_DUPLICATE_THRESHOLD", "0", "dedupe.near_duplicate_threshold", "must be more than 0"),
        ("NEWSBOT_DISCORD__DEFER_AFTER_SECONDS", "3", "discord.defer_after_seconds", "must be less than 3"),
        ("NEWSBOT_DISCORD__API_URL", "ftp://hunter2pass.example/", "discord.api_url", "must be an http:// or https:// URL e.g. https://discord.com/api/v10"),
        ("NEWSBOT_SLACK__API_URL", "https://hunter2pass.example", "slack.api_url", "must be an http:// or https:// URL ending in /"),
        ("NEWSBOT_CHANNELS__TIMEZONE", "Mars/hunter2pass", "channels.timezone", "not an IANA timezone; use a name such as UTC or Europe/Berlin"),
        ("NEWSBOT_HTTP__USER_AGENT", "bot\nhunter2pass", "http.user_agent", "one line of printable ASCII (it is sent as the User-Agent header)"),
    ],
)
def test_config_errors_name_the_setting_and_the_fix_never_the_value(settings, monkeypatch, env, value, named, fix):
    monkeypatch.setenv(env, value)
    with pytest.raises(ConfigError) as e:
        load_settings()
    message = str(e.value)
    assert f"{named} (env {env}): " in message and fix in message, message
    assert "hunter2pass" not in message and (value not in message or value in fix)
    # pydantic's own wording says what is wrong in its terms, not what to write.
    assert not any(raw in message for raw in ("Input should", "String should match", "unable to", "pattern")), message


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'[http]\nuser_agent = "hunter2pass', "not valid TOML: Unterminated string (at end of document)"),
        (b'data_dir = "\\ud800hunter2pass"\n', "not valid TOML: Escaped character is not a Unicode scalar value"),
        (b'[http]\nuser_agent = "caf\xe9 hunter2pass"\n', "not UTF-8 text"),
    ],
)
def test_a_config_file_that_is_not_toml_is_one_line_without_its_content(settings, tmp_path, monkeypatch, body, reason):
    toml = tmp_path / "local.toml"
    toml.write_bytes(body)
    monkeypatch.setenv("NEWSBOT_CONFIG", str(toml))
    with pytest.raises(ConfigError) as e:
        load_settings()
    message = str(e.value)
    assert message.startswith(f"NEWSBOT_CONFIG ({toml}): {reason}") and "\n" not in message, message
    assert message.endswith("; fix it, or compare it with config/default.toml") and "hunter2pass" not in message


@pytest.mark.parametrize(("path", "what"), [("/dev/zero", "not a file"), ("/", "not a file"), ("/no/such/newsbot.toml", "no such file")])
def test_a_config_path_that_is_no_file_says_which(settings, monkeypatch, path, what):
    monkeypatch.setenv("NEWSBOT_CONFIG", path)
    with pytest.raises(ConfigError) as e:
        load_settings()
    assert str(e.value) == f"NEWSBOT_CONFIG: {what} {path!r}; point it at a TOML file like config/default.toml"


def test_a_secret_file_that_never_ends_is_refused(settings, monkeypatch):
    monkeypatch.setenv("NEWSBOT_DISCORD__TOKEN_FILE", "/dev/zero")  # was read until memory ran out
    with pytest.raises(ConfigError) as e:
        load_settings()
    assert str(e.value).startswith("NEWSBOT_DISCORD__TOKEN_FILE: the secret file is over 64 KB, too large for a token")


@pytest.mark.parametrize(
    ("env", "value", "fix"),
    [
        ("NEWSBOT_HTTP__EXTRA_PORTS", "8080,8443", "a list is written as [8080, 8443]"),
        ("NEWSBOT_SLACK__ADMIN_USER_IDS", '["U1", hunter2pass', "a list is written as"),
        ("NEWSBOT_HTTP__EXTRA_PORTS", "[" * 5000 + "]" * 5000, "a list is written as"),  # json.loads: RecursionError
        ("NEWSBOT_HTTP", "{hunter2pass", "a section is written as a JSON object, or set its settings one by one (NEWSBOT_HTTP__NAME)"),
    ],
)
def test_a_list_or_section_in_the_environment_that_is_not_json_is_named(settings, monkeypatch, env, value, fix):
    monkeypatch.setenv(env, value)
    with pytest.raises(ConfigError) as e:
        load_settings()
    message = str(e.value)
    assert f"{env}: not valid JSON; {fix}" in message and "hunter2pass" not in message, message


def test_check_config_masks_every_secret(tmp_path):
    r = run_bot(tmp_path, "check-config", NEWSBOT_DISCORD__TOKEN=DISCORD_TOKEN, NEWSBOT_SLACK__BOT_TOKEN=SLACK_BOT_TOKEN,
                NEWSBOT_SLACK__APP_TOKEN=SLACK_APP_TOKEN, NEWSBOT_SLACK__SIGNING_SECRET=SIGNING_SECRET)
    assert r.returncode == 0, r.stderr
    assert not leaks(r.stdout + r.stderr) and 'token = "**********"' in r.stdout


# --- a full run ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_no_secret_in_the_logs_errors_or_replies_of_a_full_run(tmp_path):
    """Terminal, Slack (HTTP mode) and Discord in one process at DEBUG with JSON logs; commands
    that work and commands that fail on each; a Slack Web API that quotes the token back in an
    error. Nothing the bot printed, logged or sent contains a secret or anything token-shaped."""
    slack_port = _free_port()
    token_file = tmp_path / "discord-token"
    token_file.write_text(DISCORD_TOKEN + "\n")

    async def scenario():
        discord_api = await FakeDiscord(token=DISCORD_TOKEN).start()
        slack_api = await FakeSlack(echo_token_in_errors=True).start()
        bot = await BotProcess.start(
            tmp_path, "run",
            NEWSBOT_LOG__LEVEL="DEBUG", NEWSBOT_LOG__FORMAT="json",
            NEWSBOT_DISCORD__TOKEN_FILE=str(token_file), NEWSBOT_DISCORD__API_URL=discord_api.base,
            NEWSBOT_SLACK__BOT_TOKEN=SLACK_BOT_TOKEN, NEWSBOT_SLACK__APP_TOKEN=SLACK_APP_TOKEN,
            NEWSBOT_SLACK__SIGNING_SECRET=SIGNING_SECRET, NEWSBOT_SLACK__MODE="http",
            NEWSBOT_SLACK__HTTP_PORT=str(slack_port), NEWSBOT_SLACK__API_URL=slack_api.api,
        )
        acks = []
        try:
            await bot.read_until("Ctrl-C to quit")
            await discord_api.wait_for(lambda: discord_api.identified and any(r.method == "PUT" for r in discord_api.requests), 60)
            assert discord_api.identified[0]["token"] == DISCORD_TOKEN  # the token is in use...

            for line, answer in [
                ("/news search defect", "== Search: defect =="),
                ("/news story 424242", "! There is no story '424242'"),
                ("/news subscribe http://127.0.0.1/feed", "refused: 127.0.0.1 is a loopback address"),
                (f"/news subscribe https://x:{SLACK_BOT_TOKEN}@feeds.example/rss", "user name or password"),
                ("/bogus", "! There is no /bogus command"),
                ("/news schedule every blue moon", "! I can't read 'every blue moon' as a schedule"),
            ]:
                await bot.send(line)
                await bot.read_until(answer)

            payloads = (
                interaction("news sources", {"id": "999"}),
                interaction("news subscribe", {"url": "http://10.0.0.1/rss"}),  # a member: not allowed
                interaction("news help"),
            )
            for payload in payloads:
                await discord_api.dispatch("INTERACTION_CREATE", payload)
                await discord_api.wait_for(lambda p=payload: discord_api.interaction_requests(p["token"]), 30)

            url = f"http://127.0.0.1:{slack_port}/slack/events"
            for command, text in [("/news", "story 5"), ("/news", "subscribe http://10.0.0.1/rss"), ("/news", "story nope"), ("/bogus", "")]:
                acks.append(await post_command(url, slash_body(slack_api, command, text), secret=SIGNING_SECRET))
            body = slash_body(slack_api, "/news", "help")
            forged = await post_command(url, body, headers=signed_headers(body, secret="not-the-secret"))
            assert forged.status_code == 401
            assert any(c.method == "users.info" for c in slack_api.calls), [a.text for a in acks]  # ...the echoing error was met
            assert all(a.status_code == 200 for a in acks)

            assert await bot.stop() == 0, bot.err[-3000:]
        finally:
            await bot.kill()
            await discord_api.stop()
            await slack_api.stop()

        logs = bot.err
        records = [json.loads(line) for line in logs.splitlines() if line.strip()]  # JSON, every line
        assert len(records) > 50 and {r["level"] for r in records} >= {"DEBUG", "INFO"}  # DEBUG really was on
        replies = [json.dumps(r.body) for r in discord_api.requests] + [json.dumps(c.body) for c in slack_api.calls]
        replies += [a.text for a in acks]
        for where, text in [("stderr (logs)", logs), ("stdout (terminal)", bot.out), ("replies", "\n".join(replies))]:
            assert not leaks(text), (where, leaks(text))
        # Short-lived credentials the libraries log at DEBUG: interaction tokens, response URLs.
        assert "[redacted]" in logs
        for short_lived in [p["token"] for p in payloads] + [slack_api.respond_url(), quote(slack_api.respond_url(), safe="")]:
            assert short_lived not in logs

    asyncio.run(scenario())


@pytest.mark.parametrize("url", [
    "postgresql+psycopg://u:s3cretpw@127.0.0.1:1/x",
    "postgresql+psycopg://u@127.0.0.1:1/x?password=s3cretpw",
    "postgresql+psycopg://u:s3c@retpw@127.0.0.1:1/x",  # unencoded "@": psycopg repeats "retpw@127.0.0.1"
])
def test_an_unreachable_database_is_named_without_its_password(url):
    from corpus.store import DatabaseUnavailable, Store

    with pytest.raises(DatabaseUnavailable) as e:
        Store(url).migrate()
    assert "check database.url" in str(e.value)
    assert "s3c" not in str(e.value) and "retpw" not in str(e.value), str(e.value)
