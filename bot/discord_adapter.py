"""Discord (discord.py 2.7): slash commands in a cog, replies as embeds, scheduled posts.

- `/digest` and the `/news` group, synced at start globally or to a development guild;
- a command that finishes within `defer_after_seconds` is answered at once; a slower one shows
  "thinking…" first (Discord allows 3 s before the first answer);
- errors are ephemeral: a public "thinking…" is deleted and the error sent privately instead;
- every message goes out with `AllowedMentions.none()`;
- changing commands need Manage Server (or a configured role);
- scheduled posts go through a partial messageable, so no member or channel cache is needed,
  with a nonce derived from the slot (`enforce_nonce`): Discord returns the message it already
  made for a nonce it saw in the last few minutes instead of posting it twice; finishing a post
  that an earlier attempt began, the bot first reads the channel's history since then for its own
  messages showing the same parts (the nonce window may have passed) and posts only the rest;
- intents: guilds only; sharding through AutoShardedBot with the shard count and ids from config.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Literal, Optional

import discord
from discord import app_commands
from discord.ext import commands

from bot.commands import BY_NAME, CHANNEL_ALGORITHMS, TOP_DESCRIPTIONS
from bot.delivery import DeliveryRefused, parts_done
from bot.messages import DigestView, Reply
from bot.render.discord import render
from bot.service import Caller, CommandService, Place, Request
from bot.text import clean, shorten
from config.settings import STORY_COUNT_RANGE, WORDS_RANGE, DiscordSettings
from digests.model import Digest

log = logging.getLogger("newsbot.discord")
discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False  # a news bot has no voice
NO_MENTIONS = discord.AllowedMentions.none()
ADMIN_HINT = "the Manage Server permission"
GUILDS_ONLY = app_commands.AppCommandContext(guild=True, dm_channel=False, private_channel=False)
# What the bot needs in a channel: see it, post embeds, and read its history to finish a post
# cut short without a double (scheduled posts). The README's invite link asks for these.
PERMISSIONS = discord.Permissions(view_channel=True, send_messages=True, embed_links=True, read_message_history=True)
HISTORY_MARGIN = timedelta(minutes=1)  # read history from a little before a claim: clocks differ
HISTORY_LIMIT = 500  # messages read back at most when finishing a post (5 requests)


def describe(name: str) -> str:
    return BY_NAME[name].description


def params(name: str) -> dict[str, str]:
    return {p.name: p.description for p in BY_NAME[name].params}


def embeds(message: dict) -> list[discord.Embed]:
    return [discord.Embed.from_dict(e) for e in message["embeds"]]


def looks(embed: dict) -> tuple:
    """What a reader sees of an embed, whitespace squashed: how a posted part is recognised in
    the channel's history, where Discord gives back no nonce."""

    def sq(value: object) -> str:
        return " ".join(str(value or "").split())

    fields = tuple((sq(f.get("name")), sq(f.get("value"))) for f in embed.get("fields") or ())
    return sq(embed.get("title")), sq(embed.get("description")), sq(embed.get("url")), fields, sq((embed.get("footer") or {}).get("text"))


def shown(label: str) -> str:
    """A suggestion's name: article text, so cleaned as the renderers clean it (no controls, no
    bidi overrides that disguise it), within Discord's 100 characters."""
    return shorten(clean(label), 100) or "?"


def part_nonce(base: str, part: int) -> str:
    """Discord nonces are at most 25 characters; each part of a split post needs its own."""
    return hashlib.sha256(f"{base}:{part}".encode()).hexdigest()[:25]


class NewsCog(commands.Cog):
    """The commands, each a thin call into the command service."""

    news = app_commands.Group(name="news", description=TOP_DESCRIPTIONS["news"], allowed_contexts=GUILDS_ONLY)

    def __init__(self, bot: NewsBot) -> None:
        self.bot = bot

    @app_commands.command(name="digest", description=describe("digest"))
    @app_commands.describe(**params("digest"))
    @app_commands.allowed_contexts(guilds=True, dms=False, private_channels=False)
    async def digest(self, interaction: discord.Interaction, topic: Optional[str] = None) -> None:
        await self.bot.answer(interaction, "digest", topic=topic)

    @news.command(name="search", description=describe("news search"))
    @app_commands.describe(**params("news search"))
    async def search(self, interaction: discord.Interaction, query: str, page: Optional[int] = None) -> None:
        await self.bot.answer(interaction, "news search", query=query, page=page)

    @news.command(name="story", description=describe("news story"))
    @app_commands.describe(**params("news story"))
    async def story(self, interaction: discord.Interaction, id: str) -> None:
        await self.bot.answer(interaction, "news story", id=id)

    @news.command(name="sources", description=describe("news sources"))
    @app_commands.describe(**params("news sources"))
    async def sources(self, interaction: discord.Interaction, id: str, page: Optional[int] = None) -> None:
        await self.bot.answer(interaction, "news sources", id=id, page=page)

    @story.autocomplete("id")
    @sources.autocomplete("id")
    async def story_ids(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        """The newest stories matching what is typed, by id or headline, so no one needs /digest
        first to find an id."""
        place = self.bot.place(interaction)
        found = await self.bot.suggest(self.bot.service.story_choices, place, current)
        return [app_commands.Choice(name=shown(label), value=value) for value, label in found]

    @news.command(name="subscribe", description=describe("news subscribe"))
    @app_commands.describe(**params("news subscribe"))
    async def subscribe(self, interaction: discord.Interaction, url: str) -> None:
        await self.bot.answer(interaction, "news subscribe", url=url)

    @news.command(name="unsubscribe", description=describe("news unsubscribe"))
    @app_commands.describe(**params("news unsubscribe"))
    async def unsubscribe(self, interaction: discord.Interaction, url: str) -> None:
        await self.bot.answer(interaction, "news unsubscribe", url=url)

    @unsubscribe.autocomplete("url")
    async def followed_feeds(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        found = await self.bot.suggest(self.bot.service.feed_choices, self.bot.place(interaction), current)
        return [app_commands.Choice(name=shown(url), value=url) for url in found if len(url) <= 100]

    @news.command(name="feeds", description=describe("news feeds"))
    async def feeds(self, interaction: discord.Interaction) -> None:
        await self.bot.answer(interaction, "news feeds")

    @news.command(name="schedule", description=describe("news schedule"))
    @app_commands.describe(**params("news schedule"))
    async def schedule(
        self, interaction: discord.Interaction, when: Optional[str] = None, timezone: Optional[str] = None, empty: Optional[Literal["post", "skip"]] = None
    ) -> None:
        await self.bot.answer(interaction, "news schedule", when=when, timezone=timezone, empty=empty)

    @news.command(name="filter", description=describe("news filter"))
    @app_commands.describe(**params("news filter"))
    async def filter(
        self, interaction: discord.Interaction, mode: Optional[Literal["include", "exclude", "clear"]] = None, keywords: Optional[str] = None
    ) -> None:
        await self.bot.answer(interaction, "news filter", mode=mode, keywords=keywords)

    @news.command(name="settings", description=describe("news settings"))
    @app_commands.describe(**params("news settings"))
    async def settings(
        self,
        interaction: discord.Interaction,
        stories: Optional[app_commands.Range[int, STORY_COUNT_RANGE[0], STORY_COUNT_RANGE[1]]] = None,
        words: Optional[app_commands.Range[int, WORDS_RANGE[0], WORDS_RANGE[1]]] = None,
        algorithm: Optional[Literal[CHANNEL_ALGORITHMS]] = None,  # type: ignore[valid-type]  # the names, as choices
        reset: Optional[Literal["reset"]] = None,
    ) -> None:
        await self.bot.answer(interaction, "news settings", stories=stories, words=words, algorithm=algorithm, reset=reset)

    @news.command(name="help", description=describe("news help"))
    async def help(self, interaction: discord.Interaction) -> None:
        await self.bot.answer(interaction, "news help")


class NewsBot(commands.AutoShardedBot):
    def __init__(self, settings: DiscordSettings, service: CommandService) -> None:
        intents = discord.Intents.none()
        intents.guilds = True  # guild and role cache for the admin-role check; no members, no messages
        super().__init__(
            command_prefix=commands.when_mentioned,  # unused: no message-content intent, slash commands only
            intents=intents,
            shard_count=settings.shard_count,
            shard_ids=settings.shard_ids,
            allowed_mentions=NO_MENTIONS,
            help_command=None,
        )
        self.settings = settings
        self.service = service
        # Suggestions get threads of their own: lookups abandoned after 2 s keep running, and in
        # asyncio's shared pool a burst of slow ones held up every command.
        self._suggesting = ThreadPoolExecutor(max_workers=2, thread_name_prefix="suggest")
        discord.http.Route.BASE = settings.api_url.rstrip("/")  # one bot a process: the class-wide base is ours
        self.tree.on_error = self.on_app_command_error

    async def close(self) -> None:
        self._suggesting.shutdown(wait=False, cancel_futures=True)
        await super().close()

    def connected(self) -> bool:
        """Logged in and every shard's gateway open (not reconnecting): what /readyz reports."""
        return self.is_ready() and not self.is_closed() and bool(self.shards) and not any(s.is_closed() for s in self.shards.values())

    async def setup_hook(self) -> None:
        invite = discord.utils.oauth_url(self.application_id, permissions=PERMISSIONS, scopes=("bot", "applications.commands"))
        log.info("to add the bot to a server: %s", invite)
        await self.add_cog(NewsCog(self))
        if self.settings.sync_commands:
            await self.sync_commands()

    async def sync_commands(self) -> list[app_commands.AppCommand]:
        if self.settings.dev_guild_id:
            guild = discord.Object(id=self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
        else:
            synced = await self.tree.sync()
        log.info("synced %d slash commands %s", len(synced), f"to guild {self.settings.dev_guild_id}" if self.settings.dev_guild_id else "globally")
        return synced

    # --- commands ---------------------------------------------------------------------------------

    def caller(self, interaction: discord.Interaction) -> Caller:
        perms = interaction.permissions
        admin = perms.manage_guild or perms.administrator
        if not admin and self.settings.admin_role_ids:
            # The role ids the interaction carries: Member.roles resolves them through the guild
            # cache, empty at start-up and while a server is unavailable.
            role_ids = getattr(interaction.user, "_roles", None) or [r.id for r in getattr(interaction.user, "roles", [])]
            admin = any(r in self.settings.admin_role_ids for r in role_ids)
        hint = ADMIN_HINT + (" or a bot-admin role" if self.settings.admin_role_ids else "")
        return Caller(str(interaction.user.id), admin, hint)

    @staticmethod
    def place(interaction: discord.Interaction) -> Place:
        return Place("discord", str(interaction.guild_id or ""), str(interaction.channel_id))

    async def suggest(self, lookup, place: Place, typed: str) -> list:
        """Autocomplete's suggestions, or none when they can't be had in time (Discord waits 3 s
        and shows none on an error): typing must never meet a traceback."""
        try:
            work = asyncio.get_running_loop().run_in_executor(self._suggesting, lookup, place, typed or "")
            return await asyncio.wait_for(work, timeout=2.0)
        except Exception as exc:
            log.warning("suggestions for %r failed: %s", (typed or "")[:40], type(exc).__name__)
            return []

    async def answer(self, interaction: discord.Interaction, command: str, **args: object) -> None:
        place = self.place(interaction)
        request = Request(command, self.caller(interaction), place, {k: v for k, v in args.items() if v is not None})
        work = asyncio.ensure_future(asyncio.to_thread(self.service.handle, request))
        done, _ = await asyncio.wait({work}, timeout=self.settings.defer_after_seconds)
        deferred = not done
        if deferred:
            await interaction.response.defer(thinking=True)
        await self.send_reply(interaction, await work, deferred)

    async def send_reply(self, interaction: discord.Interaction, reply: Reply, deferred: bool) -> None:
        messages = render(reply)
        if not deferred:
            first, *rest = messages
            await interaction.response.send_message(embeds=embeds(first), ephemeral=reply.ephemeral, allowed_mentions=NO_MENTIONS)
        elif reply.ephemeral:
            # A public "thinking…" can't become private: remove it and answer privately.
            await interaction.delete_original_response()
            rest = messages
        else:
            first, *rest = messages
            await interaction.edit_original_response(embeds=embeds(first), allowed_mentions=NO_MENTIONS)
        interaction.extras["answered"] = True  # the "thinking…" is gone or is the answer now
        for message in rest:
            await interaction.followup.send(embeds=embeds(message), ephemeral=reply.ephemeral, allowed_mentions=NO_MENTIONS)

    async def on_app_command_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        log.error("/%s failed", interaction.command.qualified_name if interaction.command else "?", exc_info=error)
        reply = Reply.sorry()
        try:
            if interaction.response.is_done():
                if interaction.response.type == discord.InteractionResponseType.deferred_channel_message and not interaction.extras.get("answered"):
                    # A public "thinking…" is still up: the first follow-up would take its public
                    # visibility, so remove it and say sorry privately, as a private answer does.
                    with contextlib.suppress(discord.HTTPException):
                        await interaction.delete_original_response()
                await interaction.followup.send(embeds=embeds(render(reply)[0]), ephemeral=True, allowed_mentions=NO_MENTIONS)
            else:
                await interaction.response.send_message(embeds=embeds(render(reply)[0]), ephemeral=True, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException:
            log.warning("could not tell the user about the error (the interaction may have expired)")

    # --- scheduled posts --------------------------------------------------------------------------

    async def post_reply(
        self, channel_id: int, reply: Reply, nonce: str | None = None, posted: dict[int, int] | None = None, sent: list[int] | None = None
    ) -> list[int]:
        """Post to a channel by id, with no cache needed; returns the message ids. With a nonce
        (derived from the delivery slot), Discord refuses to post the same part twice. `posted`:
        parts already in the channel (number: message id), not sent again. `sent` collects the
        ids as they are made, for a caller whose post fails half-way."""
        channel = self.get_partial_messageable(channel_id)
        ids = sent if sent is not None else []
        for i, message in enumerate(render(reply)):
            if posted and i in posted:
                ids.append(posted[i])
                continue
            sent = await channel.send(embeds=embeds(message), allowed_mentions=NO_MENTIONS, nonce=part_nonce(nonce, i) if nonce else None)
            ids.append(sent.id)
        return ids

    async def posted_parts(self, channel_id: int, reply: Reply, since: datetime) -> dict[int, int]:
        """The parts of `reply` already in the channel since `since` (number: message id): the
        bot's own messages whose embeds look the same, each taken once, in order."""
        wanted: dict[tuple, list[int]] = {}
        for i, message in enumerate(render(reply)):
            wanted.setdefault(tuple(looks(e) for e in message["embeds"]), []).append(i)
        found: dict[int, int] = {}
        channel = self.get_partial_messageable(channel_id)
        async for m in channel.history(after=since - HISTORY_MARGIN, limit=HISTORY_LIMIT, oldest_first=True):
            parts = wanted.get(tuple(looks(e.to_dict()) for e in m.embeds)) if self.user and m.author.id == self.user.id else None
            if parts:
                found[parts.pop(0)] = m.id
        return found

    async def post_digest(self, channel_id: int, digest: Digest, nonce: str | None = None) -> list[int]:
        return await self.post_reply(channel_id, Reply.of(DigestView(digest)), nonce)

    # The scheduler's outlet (bot.delivery.Outlet).

    async def ready(self) -> None:
        """Posting needs only the REST API: wait for the login, not the gateway."""
        while self.user is None:
            await asyncio.sleep(0.1)

    async def deliver(self, channel: str, reply: Reply, marker: str, resuming: datetime | None) -> list[str]:
        """Every attempt at a slot sends the same nonces, so a repeat within Discord's nonce
        window returns the messages it already made; when resuming, the parts found in the
        channel's history are not sent again, however long ago the first attempt was."""
        sent: list[int] = []
        try:
            posted = None
            if resuming is not None:
                try:
                    posted = await self.posted_parts(int(channel), reply, resuming)
                except discord.Forbidden as exc:
                    # Can't look (no Read Message History): posting again risks a double, not posting loses the digest.
                    log.warning("can't read channel %s's history to check for an earlier post (%s); posting it", channel, exc.text or exc.status)
                if posted:
                    log.info("found %d part(s) of %s already in the channel", len(posted), marker)
            return [str(i) for i in await self.post_reply(int(channel), reply, nonce=marker, posted=posted, sent=sent)]
        except (discord.Forbidden, discord.NotFound) as exc:
            gone = exc.code in CHANNEL_GONE
            reason = f"Discord answered {exc.status}: {exc.text or 'no access to the channel'}{parts_done(sent, len(render(reply)))}"
            raise DeliveryRefused(reason, channel_gone=gone) from None


# Unknown Channel, Unknown Guild, Missing Access (the bot was removed or can't see the channel).
CHANNEL_GONE = {10003, 10004, 50001}


def make_bot(settings: DiscordSettings, service: CommandService) -> NewsBot:
    return NewsBot(settings, service)


async def run_discord(bot: NewsBot, stop: asyncio.Event) -> None:
    """Log in, connect and serve until `stop` is set. A bad token ends with LoginFailure."""
    settings = bot.settings
    assert settings.token is not None
    async with bot:
        running = asyncio.ensure_future(bot.start(settings.token.get_secret_value()))
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if running.done():
            running.result()  # raise what ended it
        await bot.close()
        running.cancel()
