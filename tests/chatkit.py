"""Helpers for the chat tests: stored articles (including a hostile one) and a command service."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.provider import StoreDigestProvider
from bot.service import Caller, CommandService, Place, Request
from config.settings import ChannelSettings
from corpus.ingest import Ingestor
from corpus.raw import RawArticle

HOSTILE_TITLE = "@everyone <!channel> read [https://good.example](https://evil.example) now"
HOSTILE_TEXT = (
    "Attention @everyone and @here: <@&123> <@456> <!channel> <!here> <!everyone> <#789>. "
    "Click [https://good.example](https://evil.example) for *details* & more <b>bold</b>. "
    "A control character \x07 and a bidi override \u202e hide here. The end of the hostile text."
)
HOSTILE_OUTLET = "Evil <@&123> News"

ADMIN = Caller("U_ADMIN", is_admin=True)
MEMBER = Caller("U_MEMBER", is_admin=False, admin_hint="the Manage Server permission")
HERE = Place("discord", "G1", "C1")


PLACES = ["Etna", "Kilauea", "Hekla", "Merapi", "Sakurajima", "Popocatepetl", "Villarrica", "Taal", "Erebus"]


def article(i: int, **kw) -> RawArticle:
    """Article i: a separate eruption (its own volcano, a week after the last), so each is a story of its own."""
    place = PLACES[(i - 1) % len(PLACES)]
    base = dict(
        title=f"Story number {i} about volcanoes and lava",
        text=" ".join(f"Sentence {j} of article {i} says the volcano {place} erupted again." for j in range(1, 8)),
        outlet=f"Outlet {i}",
        url=f"https://news{i}.example/story-{i}",
        published=datetime(2024, 5, 1, tzinfo=timezone.utc) + timedelta(days=7 * i),
        origin=f"test:{i}",
    )
    base.update(kw)
    return RawArticle(**base)


def hostile() -> RawArticle:
    return RawArticle(
        title=HOSTILE_TITLE, text=HOSTILE_TEXT, outlet=HOSTILE_OUTLET, url="https://hostile.example/a?x=1&y=<2>",
        published=datetime(2024, 6, 1, tzinfo=timezone.utc), origin="test:hostile",
    )


def add(store, *raws: RawArticle) -> list[int]:
    report = Ingestor(store).ingest(list(raws))
    assert not report.failed, report.summary()
    return report.new_ids


def make_service(store, **channel_settings) -> CommandService:
    return CommandService(store, StoreDigestProvider(store), ChannelSettings(**channel_settings))


def run(service: CommandService, command: str, caller: Caller = ADMIN, place: Place = HERE, **args):
    return service.handle(Request(command, caller, place, args))


def texts(reply) -> str:
    """Every string in a reply, for assertions."""
    from bot.render.terminal import render

    return render(reply)


def strings(obj) -> list[str]:
    """Every string inside a JSON-like payload."""
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for v in obj.values() for s in strings(v)]
    if isinstance(obj, list | tuple):
        return [s for v in obj for s in strings(v)]
    return []
