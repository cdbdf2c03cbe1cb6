"""Operations: structured logs with redaction, the health endpoint, check-config, healthcheck."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import socket
import threading

import httpx
import pytest

from bot.health import HealthServer, database_check
from bot.logs import log_context, setup_logging
from bot.metrics import COMMANDS_SERVED
from tests.helpers import run_bot


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for h in list(root.handlers):
        root.removeHandler(h)
    for h in handlers:
        root.addHandler(h)
    root.setLevel(level)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_json_logs_carry_context_and_hide_secrets(restore_logging):
    buf = io.StringIO()
    setup_logging("INFO", "json", secrets=["s3cr3t-token-value"], stream=buf)
    log = logging.getLogger("newsbot.test")
    with log_context(subscription=12, command="/news feeds"):
        log.info("posting with token %s", "s3cr3t-token-value")
    try:
        raise RuntimeError("auth failed for xoxb-1234567890-abcdefghij")
    except RuntimeError:
        log.exception("slack said no")
    log.info("a feed title with line ends: one\u2028two\x85three")  # escaped, so a record stays one line
    first, second, third = (json.loads(line) for line in buf.getvalue().splitlines())
    assert third["msg"] == "a feed title with line ends: one\u2028two\x85three"
    assert first["subscription"] == "12" and first["command"] == "/news feeds"
    assert first["msg"] == "posting with token [redacted]"
    assert "xoxb-" not in json.dumps(second) and "[redacted]" in second["exc"]
    assert "subscription" not in second  # the context ended with its block


def test_text_logs_show_context(restore_logging):
    buf = io.StringIO()
    setup_logging("INFO", "text", stream=buf)
    logging.getLogger("trafilatura.core").warning("discarding data: %s", None)  # ingestion says why itself
    with log_context(feed="https://user:pw@feeds.example/rss"):
        logging.getLogger("newsbot").warning("feed failed")
    line = buf.getvalue().strip()
    assert line.endswith("[feed=https://[redacted]@feeds.example/rss]") and "feed failed" in line
    assert "discarding" not in line
    # A private feed's credentials in its query, in the context and in httpx's own request line.
    private = "https://feeds.example/rss?passkey=PK_SECRET_1&x-api-key=AK_SECRET_2&page=2&Access_Token=AT_SECRET_3#top"
    with log_context(feed=private):
        logging.getLogger("httpx").warning('HTTP Request: GET %s "HTTP/1.1 200 OK"', private)
    line = buf.getvalue().splitlines()[-1]
    assert "SECRET" not in line and line.count("passkey=[redacted]&x-api-key=[redacted]&page=2&Access_Token=[redacted]#top") == 2


def test_health_endpoint_liveness_readiness_and_metrics(sqlite_store):
    async def scenario():
        port = free_port()
        server = HealthServer("127.0.0.1", port)
        server.add_check("database", database_check(sqlite_store))
        await server.start()
        try:
            COMMANDS_SERVED.labels("terminal", "help", "ok").inc()
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as c:
                live = await c.get("/healthz")
                ready = await c.get("/readyz")
                metrics = await c.get("/metrics")

                async def broken() -> bool:
                    raise ConnectionError("platform gateway closed")

                server.add_check("discord", broken)
                not_ready = await c.get("/readyz")
        finally:
            await server.stop()
        return live, ready, metrics, not_ready

    live, ready, metrics, not_ready = asyncio.run(scenario())
    assert live.status_code == 200
    assert ready.status_code == 200 and ready.json()["checks"] == {"database": True}
    assert 'newsbot_commands_served_total{command="help",outcome="ok",platform="terminal"}' in metrics.text
    assert "newsbot_articles_ingested_total" in metrics.text
    assert not_ready.status_code == 503 and not_ready.json()["checks"] == {"database": True, "discord": False}


def test_healthcheck_command(tmp_path):
    port = free_port()
    down = run_bot(tmp_path, "healthcheck", NEWSBOT_HEALTH__PORT=str(port))
    assert down.returncode == 1 and down.stderr.startswith("unhealthy: no answer from")

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    server = HealthServer("127.0.0.1", port)
    asyncio.run_coroutine_threadsafe(server.start(), loop).result(10)
    try:
        up = run_bot(tmp_path, "healthcheck", NEWSBOT_HEALTH__PORT=str(port))
        # Listening on every interface (a container's health.host): asked on loopback, not on
        # "http://0.0.0.0:..." or the unreadable "http://:::...".
        wildcard = run_bot(tmp_path, "healthcheck", NEWSBOT_HEALTH__PORT=str(port), NEWSBOT_HEALTH__HOST="0.0.0.0")
        ipv6 = run_bot(tmp_path, "healthcheck", NEWSBOT_HEALTH__PORT=str(port), NEWSBOT_HEALTH__HOST="::")

        async def never_ready() -> bool:
            return False

        server.add_check("slack", never_ready)
        not_ready = run_bot(tmp_path, "healthcheck", NEWSBOT_HEALTH__PORT=str(port))
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
    assert (up.returncode, up.stdout.strip()) == (0, "healthy")
    assert (wildcard.returncode, wildcard.stdout.strip()) == (0, "healthy")
    assert "Traceback" not in ipv6.stderr and ipv6.stderr.startswith("unhealthy: no answer from http://[::1]:")  # it listens on IPv4 here
    assert not_ready.returncode == 1 and "answered 503" in not_ready.stderr


def test_check_config_prints_settings_and_masks_passwords(tmp_path):
    r = run_bot(tmp_path, "check-config", NEWSBOT_DATABASE__URL="postgresql+psycopg://bob:hunter2pass@db.example/news")
    assert r.returncode == 0, r.stderr
    assert "hunter2pass" not in r.stdout + r.stderr
    assert 'url = "postgresql+psycopg://bob:***@db.example/news"' in r.stdout
    assert "[http]" in r.stdout and "max_redirects = 5" in r.stdout


def test_setting_from_a_file(tmp_path):
    f = tmp_path / "redirects"
    f.write_text("3\n", encoding="utf-8")
    r = run_bot(tmp_path, "check-config", NEWSBOT_HTTP__MAX_REDIRECTS_FILE=str(f))
    assert r.returncode == 0 and "max_redirects = 3" in r.stdout
    missing = run_bot(tmp_path, "check-config", NEWSBOT_HTTP__MAX_REDIRECTS_FILE=str(tmp_path / "nope"))
    assert missing.returncode == 2 and "NEWSBOT_HTTP__MAX_REDIRECTS_FILE: cannot read the secret file" in missing.stderr


def test_running_bot_answers_its_health_check(tmp_path):
    """The Docker HEALTHCHECK's command against a real running bot (terminal on a pipe)."""
    import subprocess
    import sys
    import time

    from tests.helpers import ROOT, bot_env

    port = free_port()
    env = bot_env(tmp_path, NEWSBOT_HEALTH__PORT=str(port))
    bot = subprocess.Popen([sys.executable, str(ROOT / "run_bot.py"), "run"], stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            check = run_bot(tmp_path, "healthcheck", NEWSBOT_HEALTH__PORT=str(port))
            if check.returncode == 0:
                break
            time.sleep(0.3)
        assert (check.returncode, check.stdout.strip()) == (0, "healthy"), check.stderr
        metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        assert "newsbot_digests_posted_total" in metrics
    finally:
        out, err = bot.communicate("", timeout=30)  # end of input stops the terminal-only bot
    assert bot.returncode == 0 and "bye" in out, err


def test_short_lived_credentials_libraries_log_are_redacted(restore_logging):
    """discord.py and slack_sdk log at DEBUG the interaction tokens in webhook URLs, gateway
    events with their "token", and Slack request bodies with response_url and token=."""
    buf = io.StringIO()
    setup_logging("DEBUG", "text", stream=buf)
    log = logging.getLogger("discord.webhook.async_")
    log.debug("POST https://discord.com/api/v10/interactions/1234/aW50ZXJhY3Rpb246MTIzNDp0b2tlbg/callback has returned 200")
    log.debug("WebSocket Event: %s", {"t": "INTERACTION_CREATE", "d": {"id": "1234", "token": "aW50ZXJhY3Rpb246MTIz"}})
    log.debug("body: token=legacyverif&team_id=T1&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1%2F2%2Fsecretpart&x=1")
    log.debug("%s", {"response_url": "https://hooks.slack.com/commands/T1/2/secretpart"})
    out = buf.getvalue()
    for secret in ("aW50ZXJhY3Rpb246MTIzNDp0b2tlbg", "aW50ZXJhY3Rpb246MTIz", "legacyverif", "secretpart"):
        assert secret not in out
    assert "/interactions/1234/[redacted]/callback" in out and "team_id=T1" in out


@pytest.mark.parametrize(("url", "shown"), [
    # A password as a query parameter, which libpq and psycopg accept: was printed as it is.
    ("postgresql+psycopg://user@db:5432/news?password=hunter2pw", "postgresql+psycopg://user@db:5432/news?password=***"),
    ("postgresql+psycopg://user@db/news?sslmode=require&sslpassword=hunter2pw&application_name=bot",
     "postgresql+psycopg://user@db/news?sslmode=require&sslpassword=***&application_name=bot"),
    # An unencoded "@" in the password: SQLAlchemy hid only the part before it (user:***@ter2pw@db).
    ("postgresql+psycopg://user:hun@ter2pw@db/news", "postgresql+psycopg://user:***@db/news"),
    ("postgresql+psycopg://user:hunter2pw@db/news?passfile=/run/hunter2pw", "postgresql+psycopg://user:***@db/news?passfile=***"),
])
def test_check_config_masks_every_password_in_a_database_url(tmp_path, url, shown):
    r = run_bot(tmp_path, "check-config", NEWSBOT_DATABASE__URL=url)
    assert r.returncode == 0, r.stderr
    assert "hunter2pw" not in r.stdout + r.stderr and "ter2pw" not in r.stdout + r.stderr
    assert f"# database in use: {shown}\n" in r.stdout and f'url = "{shown}"' in r.stdout


def test_check_config_says_when_run_would_have_nothing_to_run(tmp_path):
    """The Docker image turns the terminal off; without a token `run` stops at once, and
    check-config said "configuration OK"."""
    none = run_bot(tmp_path, "check-config", NEWSBOT_TERMINAL__ENABLED="false")
    assert none.returncode == 2 and "nothing to run: the terminal is disabled and no Discord or Slack token is set" in none.stderr
    slack = run_bot(tmp_path, "check-config", NEWSBOT_TERMINAL__ENABLED="false", NEWSBOT_SLACK__BOT_TOKEN="xoxb-1-fake", NEWSBOT_SLACK__APP_TOKEN="xapp-1-fake")
    assert slack.returncode == 0 and "configuration OK" in slack.stderr, slack.stderr
