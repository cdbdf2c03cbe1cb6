"""One asyncio process running every configured channel side by side: the terminal, Discord
(when a token is set) and Slack (when a bot token is set)."""

from __future__ import annotations

import asyncio
import functools
import logging
import signal
import sys
from collections.abc import Callable
from typing import TextIO

from bot.clustering import cluster_config
from bot.delivery import Outlet
from bot.health import HealthServer, database_check
from bot.provider import StoreDigestProvider
from bot.service import CommandService
from config.settings import Settings
from corpus import polling
from corpus.store import Store

log = logging.getLogger("newsbot")


def build_service(settings: Settings, store: Store) -> CommandService:
    # The feed guard follows the http settings (tests allow loopback feed servers explicitly).
    add_feed = functools.partial(polling.add_feed, settings=settings)
    probe_feed = functools.partial(polling.probe_feed, settings=settings)
    provider = StoreDigestProvider(store, cluster_config(settings), settings.summaries.citation_similarity)
    return CommandService(store, provider, settings.channels, add_feed=add_feed, probe_feed=probe_feed)


NOTHING_TO_RUN = "nothing to run: the terminal is disabled and no Discord or Slack token is set"


def nothing_to_run(settings: Settings) -> bool:
    """Whether `run` would have neither a chat platform nor the terminal to serve."""
    return not settings.terminal.enabled and settings.discord.token is None and settings.slack.bot_token is None


async def serve(settings: Settings, store: Store, stdin: TextIO, out: TextIO) -> int:
    """Run until Ctrl-C/SIGTERM, until the terminal's input ends when the terminal runs alone,
    or until a platform fails to start (exit status 1)."""
    service = build_service(settings, store)
    stop = asyncio.Event()  # Ctrl-C, SIGTERM, the end of the terminal's input, a platform failing
    # The platforms stay connected until the scheduler has let go, so that a post under way at
    # SIGTERM can finish.
    closing = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    platforms: dict[str, asyncio.Task] = {}
    outlets: dict[str, Outlet] = {}
    if settings.discord.token is not None:
        from bot.discord_adapter import make_bot, run_discord

        outlets["discord"] = discord_bot = make_bot(settings.discord, service)
        platforms["discord"] = asyncio.create_task(run_discord(discord_bot, closing), name="discord")
    if settings.slack.bot_token is not None:
        from bot.slack_adapter import SlackBot, run_slack

        outlets["slack"] = slack_bot = SlackBot(settings.slack, service)
        platforms["slack"] = asyncio.create_task(run_slack(slack_bot, closing), name="slack")
    terminal = None
    if settings.terminal.enabled:
        from bot.terminal import TerminalOutlet, run_terminal

        outlets["terminal"] = TerminalOutlet(out)
        terminal = asyncio.create_task(run_terminal(service, stdin, out, stop), name="terminal")
    if nothing_to_run(settings):
        print(f"newsbot: {NOTHING_TO_RUN}", file=sys.stderr)
        return 2
    connected = {"discord": discord_bot.connected} if "discord" in platforms else {}
    health = await start_health(settings, store, platforms, connected)
    leading = start_scheduler(settings, store, service, outlets, stop)

    status = 0
    pending = {*platforms.values(), *([terminal] if terminal else [])}
    while pending and not stop.is_set():
        stopper = asyncio.ensure_future(stop.wait())
        done, pending = await asyncio.wait(pending | {stopper}, return_when=asyncio.FIRST_COMPLETED)
        pending.discard(stopper)
        stopper.cancel()
        for task in done - {stopper}:
            if task is terminal:
                if task.cancelled() or task.exception() is not None:
                    log.error("the terminal stopped: %s", "cancelled" if task.cancelled() else task.exception())
                    status = 1
                if not platforms:
                    stop.set()  # the terminal alone: its end of input ends the bot
                else:
                    print(f"end of input: {' and '.join(platforms)} keep running until Ctrl-C", file=out, flush=True)
            elif task.cancelled() or task.exception() is not None:
                exc = None if task.cancelled() else task.exception()
                log.debug("%s stopped", task.get_name(), exc_info=exc)
                if settings.log.format == "json":  # one JSON object a line, this one too
                    log.error("%s stopped: %s", task.get_name(), exc or "cancelled")
                else:
                    print(f"newsbot: {task.get_name()} stopped: {exc or 'cancelled'}", file=sys.stderr, flush=True)
                status = 1
                stop.set()
            elif not stop.is_set():
                stop.set()
    stop.set()
    if leading is not None:
        await leading  # the scheduler first: posts under way finish while the platforms still run
    closing.set()
    if pending:
        _, still = await asyncio.wait(pending, timeout=10)
        for task in still:
            task.cancel()
    if health is not None:
        await health.stop()
    if terminal is not None:
        print("bye", file=out, flush=True)
    return status


def start_scheduler(settings: Settings, store: Store, service: CommandService, outlets: dict[str, Outlet], stop: asyncio.Event) -> asyncio.Task | None:
    """Scheduled digests and feed polling, in whichever process holds the leader lock; the
    others wait as standbys and take over when it goes."""
    if not settings.scheduler.enabled:
        return None
    from bot.leader import lead, lock_for
    from bot.scheduler import DigestScheduler

    scheduler = DigestScheduler(store, service.provider, settings, outlets)
    service.on_schedule_change = scheduler.schedule_changed
    service.on_feed_added = scheduler.feeds_changed
    check = settings.scheduler.leader_check_seconds
    return asyncio.create_task(lead(lock_for(store), scheduler.start, scheduler.stop, stop, check), name="scheduler")


async def start_health(
    settings: Settings, store: Store, platforms: dict[str, asyncio.Task], connected: dict[str, Callable[[], bool]] | None = None
) -> HealthServer | None:
    """The operators' endpoint; ready means the database answers and every platform still runs
    and, where it keeps a connection (Discord's gateway), is connected."""
    if not settings.health.enabled:
        return None
    server = HealthServer(settings.health.host, settings.health.port)
    server.add_check("database", database_check(store))
    for name, task in platforms.items():

        async def alive(task: asyncio.Task = task, up: Callable[[], bool] = (connected or {}).get(name, lambda: True)) -> bool:
            return not task.done() and up()

        server.add_check(name, alive)
    try:
        await server.start()
    except OSError as exc:
        # Another bot (or anything else) holds the port: run without the endpoint rather than not at all.
        log.warning("health endpoint not started on %s:%s (%s); set health.port", settings.health.host, settings.health.port, exc.strerror)
        return None
    return server
