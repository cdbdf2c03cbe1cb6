"""Slack (slack-bolt 1.30, asyncio): the same commands as `/digest` and `/news`.

- Socket Mode by default (an app-level token, no public URL); HTTP mode optional, verified with
  the signing secret and served by uvicorn on the configured address (never bolt's 0.0.0.0
  development server);
- every command is acknowledged within Slack's 3 s: a command that finishes within
  `ack_after_seconds` is answered in the acknowledgement itself, a slower one is acknowledged
  empty and answered through its response_url;
- all article text is escaped (`&`, `<`, `>`) by the renderer;
- changing commands need a workspace admin or owner (users.info), or a configured user;
- scheduled posts: chat.postMessage, at most one message a second per channel, each carrying the
  slot's marker in its metadata; Slack has no idempotency key, so after a crash the channel
  history (conversations.history, `channels:history`/`groups:history`) is read for the marker
  and only the parts not found are posted.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from datetime import datetime

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.commands import TOP_LEVEL, UsageError, parse_text
from bot.delivery import DeliveryFailed, DeliveryRefused, parts_done
from bot.messages import DigestView, Reply
from bot.render.slack import render
from bot.service import Caller, CommandService, Place, Request
from config.settings import SlackSettings
from digests.model import Digest

log = logging.getLogger("newsbot.slack")
POST_EVENT = "newsbot_post"
CHANNEL_INTERVAL = 1.0  # seconds between messages to one channel
HISTORY_MARGIN = 300  # seconds before an attempt began that its posts are looked for (clock skew)
# Errors that won't go away by trying again: the channel, the app's access or the message is wrong.
REFUSALS = {
    "channel_not_found", "not_in_channel", "is_archived", "missing_scope", "restricted_action", "invalid_auth",
    "account_inactive", "token_revoked", "no_permission", "msg_too_long", "invalid_blocks", "ekm_access_denied",
    "msg_blocks_too_long",
}
CHANNEL_GONE = {"channel_not_found", "is_archived", "not_in_channel"}  # this channel's, not the token's
ADMIN_HINT = "workspace admin or owner rights"
AUTHORIZE_FAILED = (
    ":warning: I couldn't check this app's installation with Slack; try again in a minute. "
    "If it keeps failing, the bot token may have been revoked: a workspace admin can reinstall the app."
)
ADMIN_CACHE_SECONDS = 60
NO_UNFURL = {"unfurl_links": False, "unfurl_media": False}  # a digest links many pages: no previews
_SLACK_LINK = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


def plain_text(text: str) -> str:
    """A command's text as typed: Slack wraps links (`<https://x|x>`) and escapes &, <, >."""

    def unwrap(m: re.Match) -> str:
        target, label = m.group(1), m.group(2)
        return target if target.startswith(("http://", "https://")) else (label or target)

    text = _SLACK_LINK.sub(unwrap, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


class AdminCheckFailed(Exception):
    """Slack could not say whether a user is an admin (users.info failed); the message says why."""


class SlackBot:
    def __init__(self, settings: SlackSettings, service: CommandService, client: AsyncWebClient | None = None, *, process_before_response: bool = False) -> None:
        self.settings = settings
        self.service = service
        if client is None:
            assert settings.bot_token is not None
            client = AsyncWebClient(token=settings.bot_token.get_secret_value(), base_url=settings.api_url)
        # About one message a second per channel: wait out 429s as Slack asks, a few times.
        client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=3))
        self.client = client
        secret = settings.signing_secret.get_secret_value() if settings.signing_secret else ""
        # With an empty secret every HTTP request fails verification; Socket Mode skips it.
        self.app = AsyncApp(
            client=client, signing_secret=secret, process_before_response=process_before_response,
            # bolt checks the token (auth.test) until it first succeeds; its own words for a
            # failure ask for a reinstall, also when Slack was only briefly unreachable.
            user_facing_authorize_error_message=AUTHORIZE_FAILED,
        )
        self.verifier = SignatureVerifier(secret) if secret else None  # HTTP mode only: config requires a secret there
        self._admins: dict[tuple[str, str], tuple[float, bool]] = {}
        self._channel_locks: dict[str, asyncio.Lock] = {}
        self._last_post: dict[str, float] = {}
        for top in TOP_LEVEL:
            self.app.command(f"/{top}")(self.on_command)
        self.app.command(re.compile(r"^/"))(self.on_unknown_command)

    # --- commands ---------------------------------------------------------------------------------

    async def on_command(self, ack, command: dict, respond) -> None:
        work = asyncio.ensure_future(self.reply_to(command))
        done, _ = await asyncio.wait({work}, timeout=self.settings.ack_after_seconds)
        if not done:
            await ack()  # Slack's 3 s: acknowledge now, answer through response_url
        messages, kind = self.shape(await work)
        if done:
            first, *messages = messages
            await ack(text=first["text"], blocks=first["blocks"], response_type=kind, **NO_UNFURL)
        for message in messages:
            await respond(text=message["text"], blocks=message["blocks"], response_type=kind, replace_original=False, **NO_UNFURL)

    async def on_unknown_command(self, ack, command: dict) -> None:
        name = command.get("command", "?")[:40]
        reply = Reply.fail(f"I don't know {name}. My commands are /digest and /news; /news help lists them all.")
        (message,), kind = self.shape(reply)
        await ack(text=message["text"], blocks=message["blocks"], response_type=kind)

    @staticmethod
    def shape(reply: Reply) -> tuple[list[dict], str]:
        return render(reply), "ephemeral" if reply.ephemeral else "in_channel"

    async def reply_to(self, command: dict) -> Reply:
        try:
            spec, args = parse_text(command["command"], plain_text(command.get("text") or ""))
        except UsageError as exc:
            return Reply.fail(str(exc))
        try:
            user, team = command.get("user_id", ""), command.get("team_id") or ""
            # Only changes need rights; showing the schedule or filters doesn't.
            try:
                admin = bool(spec.admin and args) and await self.is_admin(user, team)
            except AdminCheckFailed as exc:
                return Reply.fail(f"I couldn't check your rights in this workspace ({exc}); try again in a minute. If it keeps failing, the app may need the users:read scope: reinstall it from config/slack-manifest.yml.")
            place = Place("slack", team, command.get("channel_id", ""))
            return await asyncio.to_thread(self.service.handle, Request(spec.name, Caller(user, admin, ADMIN_HINT), place, args))
        except Exception:
            log.exception("%s %s failed", command.get("command"), spec.name)
            return Reply.sorry()

    async def is_admin(self, user_id: str, team_id: str = "") -> bool:
        """Configured users, else admins and owners of the workspace the command came from
        (users.info, cached briefly). In a channel shared with another organisation (Slack
        Connect) users.info describes an outside member's own workspace, whose admins are not
        this one's. AdminCheckFailed when Slack can't say."""
        if user_id in self.settings.admin_user_ids:
            return True
        cached = self._admins.get((user_id, team_id))
        if cached and cached[0] > time.monotonic():
            return cached[1]
        try:
            info = (await self.client.users_info(user=user_id))["user"]
        except SlackApiError as exc:
            log.warning("users.info failed for %s: %s", user_id, str(exc).splitlines()[0])
            raise AdminCheckFailed(f"Slack said {exc.response.get('error') or 'an error'}") from None
        teams = {info.get("team_id"), *((info.get("enterprise_user") or {}).get("teams") or ())}
        here = not team_id or team_id in teams
        admin = here and not info.get("is_stranger") and bool(info.get("is_admin") or info.get("is_owner") or info.get("is_primary_owner"))
        self._admins[(user_id, team_id)] = (time.monotonic() + ADMIN_CACHE_SECONDS, admin)
        return admin

    # --- scheduled posts --------------------------------------------------------------------------

    async def post_reply(
        self, channel: str, reply: Reply, marker: str | None = None, posted: dict[int, str] | None = None, sent: list[str] | None = None
    ) -> list[str]:
        """Post to a channel (the bot needs chat:write.public, or to be a member); returns the
        messages' ts. `marker` and the part's number go into the message metadata, so a restart
        can find a post in the channel history; parts in `posted` (number: ts) are not sent again.
        `sent` collects the ts as they are made, for a caller whose post fails half-way."""
        ts = sent if sent is not None else []
        for part, message in enumerate(render(reply)):
            if posted and part in posted:
                ts.append(posted[part])
                continue
            extra = {"metadata": {"event_type": POST_EVENT, "event_payload": {"marker": marker, "part": part}}} if marker else {}
            async with self._pace(channel):
                resp = await self.client.chat_postMessage(
                    channel=channel, text=message["text"], blocks=message["blocks"], **NO_UNFURL, **extra
                )
            ts.append(resp["ts"])
        return ts

    async def post_digest(self, channel: str, digest: Digest, marker: str | None = None) -> list[str]:
        return await self.post_reply(channel, Reply.of(DigestView(digest)), marker)

    @contextlib.asynccontextmanager
    async def _pace(self, channel: str):
        """One message at a time per channel, at least CHANNEL_INTERVAL apart (Slack allows
        about one a second per channel; the retry handler waits out any 429 beyond that)."""
        lock = self._channel_locks.setdefault(channel, asyncio.Lock())
        async with lock:
            wait = self._last_post.get(channel, 0.0) + CHANNEL_INTERVAL - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                yield
            finally:
                self._last_post[channel] = time.monotonic()

    async def posted_parts(self, channel: str, marker: str, since: datetime) -> dict[int, str]:
        """The parts of the post with this marker already in the channel (number: ts)."""
        found: dict[int, str] = {}
        cursor = None
        oldest = f"{since.timestamp() - HISTORY_MARGIN:.6f}"
        while True:
            resp = await self.client.conversations_history(channel=channel, oldest=oldest, include_all_metadata=True, limit=200, cursor=cursor)
            for m in resp.get("messages") or []:
                meta = m.get("metadata") or {}
                payload = meta.get("event_payload") or {}
                if meta.get("event_type") == POST_EVENT and payload.get("marker") == marker:
                    found[int(payload.get("part") or 0)] = m["ts"]
            cursor = (resp.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return found

    # The scheduler's outlet (bot.delivery.Outlet).

    async def ready(self) -> None:
        return None  # the Web API needs no connection

    async def deliver(self, channel: str, reply: Reply, marker: str, resuming: datetime | None) -> list[str]:
        sent: list[str] = []
        try:
            posted = None
            if resuming is not None:
                try:
                    posted = await self.posted_parts(channel, marker, resuming)
                except SlackApiError as exc:
                    if exc.response.get("error") not in ("missing_scope", "not_in_channel", "channel_not_found"):
                        raise
                    # Can't look: posting again risks a double, not posting loses the digest.
                    log.warning("can't read %s's history to check for an earlier post (%s); posting it", channel, exc.response.get("error"))
                if posted:
                    log.info("found %d part(s) of %s already in the channel", len(posted), marker)
            return await self.post_reply(channel, reply, marker, posted, sent)
        except SlackApiError as exc:
            error = exc.response.get("error") or f"HTTP {exc.response.status_code}"
            if error in REFUSALS:
                raise DeliveryRefused(f"Slack refused the post: {error}{parts_done(sent, len(render(reply)))}", channel_gone=error in CHANNEL_GONE) from None
            raise DeliveryFailed(f"Slack error: {error}") from None  # worth another attempt (ratelimited, a 5xx)


# --- serving ----------------------------------------------------------------------------------------


def http_app(bot: SlackBot, path: str):
    """The Starlette app for HTTP mode: Slack's requests at `path`, a health check at /healthz."""
    from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, PlainTextResponse
    from starlette.routing import Route

    handler = AsyncSlackRequestHandler(bot.app)

    async def events(request):
        # Bolt parses the body before it checks the signature, so anyone could make it fail on
        # a body that isn't the JSON or form it claims (500s, a traceback logged for each).
        # Unsigned requests stop here, before their body is read whole (only a request with a
        # current timestamp, and at most MAX_BODY bytes of it); a signed one Bolt still can't
        # read is a 400.
        headers = dict(request.headers)
        if bot.verifier is None or not _current(headers.get("x-slack-request-timestamp"), bot.verifier.clock.now()):
            return JSONResponse({"error": "invalid request"}, status_code=401)
        try:
            body = await asyncio.wait_for(_read_body(request, MAX_BODY), BODY_SECONDS)
        except asyncio.TimeoutError:
            return JSONResponse({"error": "request body too slow"}, status_code=408)
        if body is None:
            return JSONResponse({"error": "request body too large"}, status_code=413)
        if not bot.verifier.is_valid_request(body, headers):
            return JSONResponse({"error": "invalid request"}, status_code=401)

        async def replay():  # Bolt reads the body again: give it what was read
            return {"type": "http.request", "body": body, "more_body": False}

        try:
            return await handler.handle(Request(request.scope, replay))
        except (ValueError, RecursionError) as exc:  # JSONDecodeError; a body nested past Python's limit
            log.warning("a signed Slack request could not be read (%s); answered 400", type(exc).__name__)
            return JSONResponse({"error": "unreadable request"}, status_code=400)

    async def health(request):
        return PlainTextResponse("ok")

    return Starlette(routes=[Route(path, events, methods=["POST"]), Route("/healthz", health, methods=["GET"])])


# Slack's requests are a few kilobytes (a command's text is at most 4,000 characters).
MAX_BODY = 1 << 20
BODY_SECONDS = 10.0  # a body dripped byte by byte would hold a connection for ever
_TIMESTAMP = re.compile(r"[0-9]{1,12}")


def _current(timestamp: str | None, now: float) -> bool:
    """Whether a request's timestamp is one Slack's signature check accepts (a number within five
    minutes): anything else is refused before the body is read, and slack_sdk's int() raised on
    "abc" (a 500 and a traceback for each such request)."""
    return bool(timestamp and _TIMESTAMP.fullmatch(timestamp) and abs(now - int(timestamp)) <= 300)


async def _read_body(request, limit: int) -> bytes | None:
    """The request's body, or None once it is longer than `limit` bytes."""
    if (length := request.headers.get("content-length", "")).isascii() and length.isdigit() and int(length) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


class _Server:
    """uvicorn without its own signal handling: the bot's process owns SIGINT/SIGTERM."""

    def __init__(self, app, host: str, port: int) -> None:
        import uvicorn

        class Server(uvicorn.Server):
            @contextlib.contextmanager
            def capture_signals(self):
                yield

        # log_config=None: uvicorn's lines go through the bot's own logging (JSON when asked).
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, lifespan="off", log_config=None)
        self.server = Server(config)
        self.address = f"{host}:{port}"
        self.task: asyncio.Task | None = None

    async def start(self) -> int:
        """Serve in the background; the bound port once listening."""
        self.task = asyncio.ensure_future(self._serve())
        while not self.server.started:
            if self.task.done():
                raise RuntimeError(f"the Slack HTTP server could not listen on {self.address}; is another process using it? (slack.http_host, slack.http_port)")
            await asyncio.sleep(0.02)
        return self.server.servers[0].sockets[0].getsockname()[1]

    async def _serve(self) -> None:
        # uvicorn logs why it can't start (the address in use) and calls sys.exit, whose
        # SystemExit asyncio would re-raise out of the event loop as a 40-line traceback.
        with contextlib.suppress(SystemExit):
            await self.server.serve()

    async def stop(self) -> None:
        self.server.should_exit = True
        if self.task:
            await self.task


async def run_slack(bot: SlackBot, stop: asyncio.Event) -> None:
    settings = bot.settings
    if settings.mode == "http":
        server = _Server(http_app(bot, settings.http_path), settings.http_host, settings.http_port)
        port = await server.start()
        log.info("Slack HTTP mode: listening on http://%s:%d%s", settings.http_host, port, settings.http_path)
        try:
            await stop.wait()
        finally:
            await server.stop()
        return
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    assert settings.app_token is not None
    handler = AsyncSocketModeHandler(bot.app, settings.app_token.get_secret_value())
    await handler.connect_async()
    log.info("Slack Socket Mode: connected")
    try:
        await stop.wait()
    finally:
        await handler.close_async()
