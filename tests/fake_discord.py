"""A local stand-in for Discord's REST API (the last network hop), for discord.py's real code.

Point `discord.http.Route.BASE` at `server.base`, `await bot.login("token")`, then feed gateway
INTERACTION_CREATE payloads to `bot._connection.parse_interaction_create(payload)`; the server
records every request (method, path, query, JSON body) for the test to assert on."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import datetime, timezone

import discord.utils
from aiohttp import web

APP_ID = "900000000000000001"
BOT_ID = "900000000000000002"
GUILD_ID = "800000000000000001"
CHANNEL_ID = "700000000000000001"
ADMIN_ROLE = "600000000000000009"
MANAGE_GUILD = 1 << 5
SEND = (1 << 10) | (1 << 11)  # view channel, send messages

_last_id = 0


def _next_id() -> int:
    """A snowflake of the current time (as Discord's ids are: history's `after` compares them
    with a time), still growing when many are made within one millisecond or the clock is frozen."""
    global _last_id
    _last_id = max(_last_id + 1, discord.utils.time_snowflake(datetime.now(timezone.utc)))
    return _last_id


@dataclass
class Recorded:
    method: str
    path: str
    query: dict
    body: object

    @property
    def flags(self) -> int:
        data = self.body.get("data", self.body) if isinstance(self.body, dict) else {}
        return int(data.get("flags") or 0)


def user(uid: str, name: str = "someone", bot: bool = False) -> dict:
    return {"id": uid, "username": name, "discriminator": "0", "global_name": name, "avatar": None, "bot": bot}


def message(channel_id: str, body: dict) -> dict:
    return {
        "id": str(_next_id()), "channel_id": channel_id, "type": 0, "content": body.get("content") or "",
        "author": user(BOT_ID, "newsbot", bot=True), "embeds": body.get("embeds") or [], "attachments": [],
        "mentions": [], "mention_roles": [], "mention_everyone": False, "pinned": False, "tts": False,
        "timestamp": datetime.now(timezone.utc).isoformat(), "edited_timestamp": None, "flags": body.get("flags") or 0,
        "components": [], **({"nonce": body["nonce"]} if "nonce" in body else {}),  # Discord echoes it
    }


class Hold:
    """Stall one channel post, as a crash mid-post would see it: `before` the server makes the
    message, or `after` it made it but before the bot hears back. `held` is set once stalled."""

    def __init__(self, when: str = "after", nth: int = 1) -> None:
        assert when in ("before", "after")
        self.when, self.nth, self.seen = when, nth, 0
        self.held = asyncio.Event()
        self.release = asyncio.Event()

    async def point(self, when: str) -> bool:
        """Stall here if this is the point; True when it stalled. A request stalled `before`
        never reaches the platform: its sender died."""
        if when == self.when and self.seen == self.nth and not self.release.is_set():
            self.held.set()
            await self.release.wait()
            return True
        return False


class FakeDiscord:
    """Channel messages are kept per channel; a nonce sent with `enforce_nonce` returns the
    message already made with it, as Discord does (for a few minutes there; always here)."""

    def __init__(self, token: str = "fake-token") -> None:
        self.token = token  # the only bot token the fake accepts
        self.requests: list[Recorded] = []
        self.messages: dict[str, list[dict]] = {}
        self.nonces: dict[tuple[str, str], dict] = {}
        self.hold: Hold | None = None
        self.history_forbidden = False  # the bot lacks Read Message History
        self.refuse_edits = False  # edits of an interaction's answer fail with 400
        self.refuse_posts: dict[str, tuple] = {}  # channel: Discord's refusal of its posts
        self.runner: web.AppRunner | None = None
        self.base = ""
        self.sockets: list[web.WebSocketResponse] = []  # gateway connections
        self.identified: list[dict] = []
        self.sequence = 0

    async def start(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/gateway", self.gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.base = f"http://127.0.0.1:{port}/api/v10"
        return self

    async def stop(self) -> None:
        for ws in list(self.sockets):
            await ws.close()
        if self.runner:
            await self.runner.cleanup()

    async def handle(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        raw = await request.read()
        body = json.loads(raw) if raw and request.content_type == "application/json" else raw.decode() or None
        self.requests.append(Recorded(request.method, path, dict(request.query), body))
        parts = path.strip("/").split("/")
        # Interaction callbacks and webhooks carry their token in the path, not a bot token.
        if parts[0] not in ("interactions", "webhooks") and request.headers.get("Authorization") != f"Bot {self.token}":
            return self.json({"message": "401: Unauthorized", "code": 0}, status=401)
        if path == "/gateway/bot":
            limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
            return self.json({"url": self.base.replace("http://", "ws://").replace("/api/v10", "/gateway"), "shards": 1, "session_start_limit": limit})
        if path == "/users/@me":
            return self.json(user(BOT_ID, "newsbot", bot=True))
        if path == "/oauth2/applications/@me":
            return self.json({
                "id": APP_ID, "name": "newsbot", "description": "", "icon": None, "bot_public": True,
                "bot_require_code_grant": False, "owner": user("1", "owner"), "verify_key": "00", "flags": 0,
            })
        if parts[0] == "applications" and parts[-1] == "commands" and request.method == "PUT":
            return self.json([self.command(c) for c in body])
        if parts[0] == "interactions" and parts[-1] == "callback":
            data = body.get("data") or {}
            return self.json({"interaction": {
                "id": parts[1], "type": 2, "response_message_loading": body["type"] == 5,
                "response_message_ephemeral": bool((data.get("flags") or 0) & 64),
            }})
        if parts[0] == "webhooks" and request.method == "PATCH" and self.refuse_edits:
            return self.json({"message": "Invalid Form Body", "code": 50035}, status=400)
        if parts[0] == "webhooks" and request.method == "DELETE":
            return web.Response(status=204)
        if parts[0] == "webhooks":  # follow-ups and edits of the original response
            return self.json(message(CHANNEL_ID, body if isinstance(body, dict) else {}))
        if parts[0] == "channels" and parts[-1] == "messages" and request.method == "POST":
            refused = self.refuse_posts.get(parts[1])  # (status, code, message, once the channel has this many)
            if refused and len(self.messages.get(parts[1], [])) >= (refused[3] if len(refused) > 3 else 0):
                return self.json({"message": refused[2], "code": refused[1]}, status=refused[0])
            return self.json(await self.create_message(parts[1], body))
        if parts[0] == "channels" and parts[-1] == "messages" and request.method == "GET":
            if self.history_forbidden:
                return self.json({"message": "Missing Access", "code": 50001}, status=403)
            return self.json(self.history(parts[1], request.query))
        return self.json({"message": f"fake Discord has no route for {request.method} {path}", "code": 0}, status=404)

    async def create_message(self, channel: str, body: dict) -> dict:
        key = (channel, str(body.get("nonce")))
        if body.get("enforce_nonce") and key in self.nonces:
            return self.nonces[key]
        if self.hold:
            self.hold.seen += 1
            if await self.hold.point("before"):
                raise web.HTTPServiceUnavailable()
        made = message(channel, body)
        self.messages.setdefault(channel, []).append(made)
        if body.get("enforce_nonce"):
            self.nonces[key] = made
        if self.hold:
            await self.hold.point("after")
        return made

    def history(self, channel: str, query) -> list[dict]:
        """GET messages `after` an id (the oldest `limit` of them, newest first, as Discord
        answers), else the newest `limit`; without the nonce, which history does not carry."""
        limit = int(query.get("limit", 50))
        made = sorted(self.messages.get(channel, []), key=lambda m: int(m["id"]))
        if "after" in query:
            page = [m for m in made if int(m["id"]) > int(query["after"])][:limit]
        else:
            page = made[-limit:]
        return [{k: v for k, v in m.items() if k != "nonce"} for m in reversed(page)]

    def posts(self, channel: str = CHANNEL_ID) -> list[dict]:
        return self.messages.get(channel, [])

    async def gateway(self, request: web.Request) -> web.WebSocketResponse:
        """Just enough of the gateway for a bot to connect: HELLO, READY after IDENTIFY,
        heartbeat ACKs; `dispatch` pushes events to connected bots."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 41250}})
        async for msg in ws:
            data = json.loads(msg.data)
            if data["op"] == 2:
                self.identified.append(data["d"])
                shard = data["d"].get("shard", [0, 1])
                await self.dispatch("READY", {
                    "v": 10, "user": user(BOT_ID, "newsbot", bot=True), "guilds": [], "session_id": "fake-session",
                    "resume_gateway_url": self.base.replace("http://", "ws://").replace("/api/v10", "/gateway"),
                    "application": {"id": APP_ID, "flags": 0}, "shard": shard,
                }, ws)
            elif data["op"] == 1:
                await ws.send_json({"op": 11})
        self.sockets.remove(ws)
        return ws

    async def dispatch(self, event: str, payload: dict, ws: web.WebSocketResponse | None = None) -> None:
        self.sequence += 1
        for target in [ws] if ws else list(self.sockets):
            await target.send_json({"op": 0, "t": event, "s": self.sequence, "d": payload})

    @staticmethod
    def json(data, status: int = 200) -> web.Response:
        # discord.py only parses bodies whose Content-Type is exactly application/json.
        return web.Response(status=status, body=json.dumps(data).encode(), headers={"Content-Type": "application/json"})

    @staticmethod
    def command(c: dict) -> dict:
        return {"id": str(_next_id()), "application_id": APP_ID, "version": "1", "type": 1, "dm_permission": True, "nsfw": False, **c}

    def since(self, mark: int) -> list[Recorded]:
        return self.requests[mark:]

    def interaction_requests(self, token: str) -> list[Recorded]:
        return [r for r in self.requests if token in r.path]

    async def wait_for(self, predicate, timeout: float = 10.0) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while not predicate():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"timed out; recorded: {[(r.method, r.path) for r in self.requests]}")
            await asyncio.sleep(0.01)


def interaction(
    command: str, options: dict | None = None, *, permissions: int = SEND, roles: tuple[str, ...] = (), user_id: str = "300000000000000001",
    focused: str | None = None,
) -> dict:
    """An INTERACTION_CREATE payload for `/digest` or `/news <sub>` in a guild text channel; with
    `focused`, the autocomplete request Discord sends while that option is being typed."""
    iid = str(_next_id())
    opts = [{"type": 4 if isinstance(v, int) else 3, "name": k, "value": v, **({"focused": True} if k == focused else {})}
            for k, v in (options or {}).items() if v is not None]  # fmt: skip
    top, _, sub = command.partition(" ")
    data = {"id": str(_next_id()), "name": top, "type": 1, "options": [{"type": 1, "name": sub, "options": opts}] if sub else opts}
    return {
        "id": iid, "application_id": APP_ID, "type": 4 if focused else 2, "token": f"token-{iid}", "version": 1,
        "guild_id": GUILD_ID, "channel_id": CHANNEL_ID,
        "channel": {"id": CHANNEL_ID, "type": 0, "guild_id": GUILD_ID, "name": "news", "position": 0, "permission_overwrites": [], "nsfw": False, "parent_id": None},
        "member": {"user": user(user_id), "roles": list(roles), "permissions": str(permissions), "joined_at": "2024-01-01T00:00:00+00:00", "deaf": False, "mute": False, "flags": 0},
        "data": data, "locale": "en-US", "guild_locale": "en-US", "app_permissions": str(SEND), "entitlements": [],
        "authorizing_integration_owners": {"0": GUILD_ID}, "context": 0, "attachment_size_limit": 8388608,
    }


def guild_create() -> dict:
    """A GUILD_CREATE payload with the admin role, so discord.py's role cache knows it."""
    role = {"id": ADMIN_ROLE, "name": "news-admins", "color": 0, "hoist": False, "position": 1, "permissions": str(SEND), "managed": False, "mentionable": False, "flags": 0}
    everyone = {**role, "id": GUILD_ID, "name": "@everyone", "position": 0}
    return {
        "id": GUILD_ID, "name": "Test guild", "icon": None, "owner_id": "1", "roles": [everyone, role], "emojis": [], "stickers": [],
        "features": [], "channels": [], "threads": [], "members": [], "member_count": 2, "large": False, "unavailable": False,
        "verification_level": 0, "default_message_notifications": 0, "explicit_content_filter": 0, "mfa_level": 0, "nsfw_level": 0,
        "premium_tier": 0, "preferred_locale": "en-US", "system_channel_flags": 0, "joined_at": "2024-01-01T00:00:00+00:00",
        "voice_states": [], "presences": [], "stage_instances": [], "guild_scheduled_events": [],
    }
