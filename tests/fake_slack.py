"""A local stand-in for Slack's Web API and response URLs (the last network hop), for
slack-bolt's and slack_sdk's real code: `AsyncWebClient(base_url=server.api)`, and slash-command
bodies whose response_url points at `server.respond_url(...)`."""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from aiohttp import web
from slack_sdk.signature import SignatureVerifier

from tests.fake_discord import Hold

TEAM = "T01ND2P8N91"
CHANNEL = "C01N639ECTY"
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
WORKSPACE_ADMIN = "U0ADMIN"
EXTERNAL_ADMIN = "U0EXTERNAL"  # an admin of another organisation, in a shared channel
MEMBER = "U01NK1K9L68"  # the user in the recorded opsdroid payload
_ts = itertools.count(1)


@dataclass
class Recorded:
    method: str  # a Web API method ("chat.postMessage") or "respond"
    body: dict
    headers: dict
    at: float = field(default_factory=time.monotonic)  # when it arrived


class FakeSlack:
    """Posted messages are kept per channel (with their metadata) and conversations.history
    reads them back, newest first, a page at a time. `fail` maps a Web API method (or
    "method:channel") to errors to answer with, one per call (an HTTP status or a Slack error)."""

    def __init__(self, echo_token_in_errors: bool = False) -> None:
        # users.info answers invalid_auth quoting the request's token, as a careless proxy might:
        # the bot must keep even that out of its logs.
        self.echo_token_in_errors = echo_token_in_errors
        self.calls: list[Recorded] = []
        self.messages: dict[str, list[dict]] = {}
        self.hold: Hold | None = None
        self.fail: dict[str, list[int | str]] = {}
        self.runner: web.AppRunner | None = None
        self.root = ""

    @property
    def api(self) -> str:
        return f"{self.root}/api/"

    def respond_url(self, key: str = "1") -> str:
        return f"{self.root}/commands/{TEAM}/{key}/respond"

    async def start(self) -> FakeSlack:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self.web_api)
        app.router.add_post("/commands/{team}/{key}/respond", self.respond)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.root = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
        return self

    async def stop(self) -> None:
        if self.runner:
            await self.runner.cleanup()

    async def web_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.content_type == "application/json":
            body = await request.json()
        else:
            body = {**request.query, **dict(parse_qsl((await request.read()).decode()))}
        self.calls.append(Recorded(method, body, dict(request.headers)))
        failing = next((k for k in (f"{method}:{body.get('channel')}", method) if self.fail.get(k)), None)
        error = self.fail[failing].pop(0) if failing else None  # None in the list: that call succeeds
        if error is not None:
            if isinstance(error, int):
                return web.json_response({"ok": False, "error": "fatal_error"}, status=error, headers={"Retry-After": "0"} if error == 429 else {})
            return web.json_response({"ok": False, "error": error})
        if method == "auth.test":
            return web.json_response({"ok": True, "url": "https://opsdroidtests.slack.com/", "team": "opsdroidtests", "user": "newsbot", "team_id": TEAM, "user_id": "UBOT", "bot_id": "BBOT"})
        if method == "users.info" and self.echo_token_in_errors:
            return web.json_response({"ok": False, "error": "invalid_auth", "sent": request.headers.get("Authorization", "")})
        if method == "users.info":
            uid = body.get("user")
            # An admin of another organisation, in a channel shared with it (Slack Connect).
            team, admin = ("TEXTERNAL", True) if uid == EXTERNAL_ADMIN else (TEAM, uid == WORKSPACE_ADMIN)
            return web.json_response({"ok": True, "user": {"id": uid, "team_id": team, "is_admin": admin, "is_owner": False, "is_primary_owner": False}})
        if method == "chat.postMessage":
            return web.json_response(await self.post_message(body))
        if method == "conversations.history":
            return web.json_response(self.history(body))
        return web.json_response({"ok": False, "error": "unknown_method"})

    async def post_message(self, body: dict) -> dict:
        if self.hold:
            self.hold.seen += 1
            if await self.hold.point("before"):
                raise web.HTTPServiceUnavailable()
        ts = f"{time.time():.0f}.{next(_ts):06d}"
        made = {"type": "message", "user": "UBOT", "bot_id": "BBOT", "text": body.get("text"), "ts": ts}
        if body.get("metadata"):
            made["metadata"] = body["metadata"]
        self.messages.setdefault(body.get("channel"), []).append(made)
        if self.hold:
            await self.hold.point("after")
        return {"ok": True, "channel": body.get("channel"), "ts": ts, "message": made}

    def history(self, body: dict) -> dict:
        oldest = float(body.get("oldest") or 0)
        found = [m for m in reversed(self.messages.get(body.get("channel"), [])) if float(m["ts"]) > oldest]
        if str(body.get("include_all_metadata")).lower() not in ("1", "true"):
            found = [{k: v for k, v in m.items() if k != "metadata"} for m in found]
        start, limit = int(body.get("cursor") or 0), min(int(body.get("limit") or 100), 3)  # small pages: paging is exercised
        page, more = found[start : start + limit], start + limit < len(found)
        return {"ok": True, "messages": page, "has_more": more, "response_metadata": {"next_cursor": str(start + limit) if more else ""}}

    def posts(self, channel: str = CHANNEL) -> list[dict]:
        return self.messages.get(channel, [])

    async def respond(self, request: web.Request) -> web.Response:
        self.calls.append(Recorded("respond", await request.json(), dict(request.headers)))
        return web.Response(text="ok")

    def methods(self) -> list[str]:
        return [c.method for c in self.calls]

    def responses(self) -> list[dict]:
        return [c.body for c in self.calls if c.method == "respond"]


def slash_body(server: FakeSlack, command: str, text: str = "", user: str = MEMBER, **extra: str) -> str:
    """A slash-command request body shaped like Slack's (form-encoded)."""
    fields = {
        "token": "here-comes-some-token", "team_id": TEAM, "team_domain": "opsdroidtests", "channel_id": CHANNEL,
        "channel_name": "random", "user_id": user, "user_name": "someone", "command": command, "text": text,
        "api_app_id": "A01NK2M4ABE", "is_enterprise_install": "false", "response_url": server.respond_url(),
        "trigger_id": "2093168434705.1761091294307.7f8d01a322363a013721e32e83af484b",
    }
    fields.update(extra)
    return urlencode(fields)


def signed_headers(body: str, timestamp: int | None = None, secret: str = SECRET) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    sig = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {"content-type": "application/x-www-form-urlencoded", "x-slack-request-timestamp": ts, "x-slack-signature": sig}


def ack_json(body: str) -> dict:
    return json.loads(body) if body else {}


async def post_command(url: str, body: str, headers: dict[str, str] | None = None, secret: str = SECRET):
    """POST a slash command to a bot's HTTP endpoint, signed with `secret` unless `headers` are
    given; waits for a bot that is still starting to listen."""
    import asyncio

    import httpx

    async with httpx.AsyncClient(timeout=30) as client:
        for _ in range(100):
            try:
                return await client.post(url, content=body, headers=headers or signed_headers(body, secret=secret))
            except httpx.ConnectError:
                await asyncio.sleep(0.1)
        return await client.post(url, content=body, headers=headers or signed_headers(body, secret=secret))
