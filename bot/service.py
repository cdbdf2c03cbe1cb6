"""The command service: one set of commands for every platform.

Each command is a function from a request (who asks, where, with which arguments) to a neutral
`Reply`. Nothing here knows Discord or Slack; adapters turn platform events into `Request`s and
render the replies. Mistakes the user can fix get a specific one-line answer; anything else is
logged with its traceback and the user gets an apology, never the traceback."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session

from bot.commands import BY_NAME, COMMANDS, MAX_QUERY_CHARS, UsageError, check_args, parse_text
from bot.logs import log_context
from bot.messages import DigestView, Fields, Link, Links, Notice, Reply, StoryView
from bot.provider import DigestProvider, DigestScope
from bot.metrics import COMMANDS_SERVED
from bot.schedules import ScheduleError, Schedule, parse_schedule
from config.settings import ChannelSettings
from bot.stored_digest import digest_from_json
from bot.stories import story_headlines
from bot.text import without_secrets
from corpus.channels import Subscription, SubscriptionFeed
from corpus import polling
from corpus.deliveries import FAILED, Delivery, last_run, latest_posted_digest
from corpus.models import Feed, utcnow
from corpus.polling import InvalidFeedURL, feed_key
from corpus.search import query_words, search
from corpus.store import Store, unreachable
from digests.digest import bare_headline
from digests.model import Story

log = logging.getLogger("newsbot.commands")

_OPERATORS = re.compile(r"[\"*()^~:+]|(?:^|\s)-\w|\b(?:AND|OR|NOT|NEAR)\b", re.IGNORECASE)
STORY_MATCHES = 5  # stories listed when words of a headline match several
MAX_KEYWORDS = 20
MAX_PAGE = 100
SOURCES_PAGE = 20


@dataclass(frozen=True)
class Caller:
    user_id: str
    is_admin: bool = False
    admin_hint: str = "admin rights"  # what this platform requires, said when refusing


@dataclass(frozen=True)
class Place:
    platform: str  # "discord", "slack", "terminal"
    workspace: str  # guild id, team id, or "" where there is none
    channel: str


@dataclass(frozen=True)
class Request:
    command: str  # a name from bot.commands, e.g. "news search"
    caller: Caller
    place: Place
    args: Mapping[str, object] = field(default_factory=dict)


class Refused(Exception):
    """The caller may not do this; the message says who may."""


AddFeed = Callable[[Store, str], Feed]
ProbeFeed = Callable[[str], str | None]  # why a URL can't be followed as a feed, or None


class CommandService:
    def __init__(
        self,
        store: Store,
        provider: DigestProvider,
        channels: ChannelSettings | None = None,
        add_feed: AddFeed = polling.add_feed,
        clock: Callable[[], datetime] = utcnow,
        probe_feed: ProbeFeed | None = None,
    ) -> None:
        self.store = store
        self.provider = provider
        self.defaults = channels or ChannelSettings()
        self.add_feed = add_feed
        self.probe_feed = probe_feed  # None: a feed is followed unchecked, and its first poll tells
        self.clock = clock
        # Told the subscription id after a schedule changes (the scheduler, when this process runs it).
        self.on_schedule_change: Callable[[int], None] | None = None
        # Told when a channel followed a feed: the scheduler polls it now rather than at its next sweep.
        self.on_feed_added: Callable[[], None] | None = None

    # --- entry points ---------------------------------------------------------------------------

    def handle(self, req: Request) -> Reply:
        """Run one command. Never raises."""
        with log_context(command="/" + req.command, channel=f"{req.place.platform}:{req.place.channel}"):
            reply = self._dispatch(req)
        outcome = "failed" if reply in (Reply.sorry(), Reply.unavailable()) else "refused" if reply.error else "ok"
        COMMANDS_SERVED.labels(req.place.platform, req.command, outcome).inc()
        return reply

    def _dispatch(self, req: Request) -> Reply:
        handler = getattr(self, "cmd_" + req.command.replace(" ", "_"), None)
        if handler is None or req.command not in BY_NAME:
            return Reply.fail(f"Unknown command /{req.command[:40]}; try /news help.")
        try:
            return handler(req, check_args(BY_NAME[req.command], dict(req.args)))
        except (UsageError, ScheduleError, Refused) as exc:
            return Reply.fail(str(exc))
        except Exception as exc:
            if (why := unreachable(exc)) is not None:
                log.warning("command /%s: the database is unreachable (%s)", req.command, why)
                return Reply.unavailable()
            log.exception("command /%s failed in %s", req.command, req.place)
            return Reply.sorry()

    def handle_text(self, top: str, text: str, caller: Caller, place: Place) -> Reply:
        """A command typed as text: `/news search defect` is top="news", text="search defect"."""
        try:
            command, args = parse_text(top, text)
        except UsageError as exc:
            return Reply.fail(str(exc))
        return self.handle(Request(command.name, caller, place, args))

    # --- reading ----------------------------------------------------------------------------------

    def cmd_digest(self, req: Request, args: dict) -> Reply:
        topic = str(args.get("topic") or "").strip()
        if topic:
            check_query(topic, "topic")
        with self.store.session() as s:
            sub = self.find(s, req.place)
            if sub is not None and not topic and (latest := latest_posted_digest(s, sub.id)):
                return self._delivered(sub, latest)
            scope = self.scope_for(sub, topic or None)
            has_feeds = scope.feed_ids is not None
        digest = self.provider.digest(scope)
        if digest.stories:
            hint = "Read one story: /news story <id> · its links: /news sources <id>"
            return Reply.of(DigestView(digest, footer=hint))
        if topic:
            return Reply.fail(f"No stored story mentions {topic!r}. Try a broader word, or /digest without a topic.")
        if has_feeds:
            return Reply.of(Notice("No news yet from the feeds this channel follows. New articles show up after the next feed check; /news feeds shows their status."))
        return Reply.of(Notice("No articles are stored yet. An admin can follow a feed with /news subscribe <feed url>."))

    def _delivered(self, sub: Subscription, delivery: Delivery) -> Reply:
        """The digest this channel was last sent, saying when, and when the next one is due."""
        zone = ZoneInfo(sub.timezone)
        note = f"Posted {delivery.finished_at.astimezone(zone):%a %d %b %H:%M %Z}"
        if sub.cron and (runs := Schedule(sub.cron, sub.timezone).next_runs(self.clock(), count=1)):
            note += f"; the next is due {runs[0]:%a %d %b %H:%M}"
        footer = f"{note}. /digest <topic> builds one on a topic now · Read one story: /news story <id>"
        return Reply.of(DigestView(digest_from_json(delivery.payload["digest"]), footer=footer))

    def cmd_news_search(self, req: Request, args: dict) -> Reply:
        query = str(args["query"]).strip()
        words = check_query(query, "query")
        page = int(args["page"]) if args.get("page") is not None else 1
        if not 1 <= page <= MAX_PAGE:
            raise UsageError(f"page must be between 1 and {MAX_PAGE}.")
        size = self.defaults.search_page_size
        note = ""
        if _OPERATORS.search(query):
            note = f"Searched for the words {' '.join(words)}: quotes, brackets and operators such as AND, OR, NOT, - and * are ignored."
        with self.store.session() as s:
            feeds = self.scope_for(self.find(s, req.place)).feed_ids  # a channel's own feeds, if it has any
            result = search(s, " ".join(words), limit=size, offset=(page - 1) * size, feed_ids=feeds)
        if not result.hits:
            if page > 1:
                return Reply.fail(f"There are no more results for {query!r}; page {page} is past the end.")
            return Reply.fail(f"No stored article matches {query!r}. Try fewer or different words.")
        links = tuple(Link(h.title, h.url, h.outlet or "unknown outlet", h.published_at, h.snippet) for h in result.hits)
        typed = " ".join(query.split())  # as typed: "S-300", not the words "S 300"
        more = f"More: /news search {typed} page:{page + 1}" if result.has_more else ""
        footer = " · ".join(x for x in (note, more) if x)
        return Reply.of(Links(f"Search: {typed}" + (f" (page {page})" if page > 1 else ""), links, footer))

    def cmd_news_story(self, req: Request, args: dict) -> Reply:
        story = self._story(req, str(args["id"]), "story")
        return story if isinstance(story, Reply) else Reply.of(StoryView(story))

    def cmd_news_sources(self, req: Request, args: dict) -> Reply:
        story = self._story(req, str(args["id"]), "sources")
        if isinstance(story, Reply):
            return story
        # A page at a time: a story that 170 outlets carried took 8 Discord messages whole.
        pages = max(1, math.ceil(len(story.sources) / SOURCES_PAGE))
        page = int(args["page"]) if args.get("page") is not None else 1
        if not 1 <= page <= pages:
            raise UsageError(f"Story {story.id} has {pages} page{'s' if pages > 1 else ''} of sources; give a page from 1 to {pages}.")
        shown = story.sources[(page - 1) * SOURCES_PAGE : page * SOURCES_PAGE]
        links = tuple(Link(src.title, src.url, src.outlet, src.published, number=src.number) for src in shown)
        title = f"Sources of story {story.id}: {story.headline}" + (f" (page {page} of {pages})" if pages > 1 else "")
        more = f"{len(story.sources) - page * SOURCES_PAGE} more: /news sources {story.id} page:{page + 1}" if page < pages else ""
        return Reply.of(Links(title, links, more))

    def cmd_news_feeds(self, req: Request, args: dict) -> Reply:
        with self.store.session() as s:
            sub = self.find(s, req.place)
            feeds = list(sub.feeds) if sub else []
            if not feeds:
                return Reply.of(Notice("This channel follows no feeds, so its digests draw on every stored article. An admin can add one: /news subscribe https://example.com/feed.xml"))
            links = tuple(Link(f.title or without_secrets(f.url), without_secrets(f.url), note=_feed_status(f)) for f in feeds)
        return Reply.of(Links(f"Feeds this channel follows ({len(links)})", links))

    def cmd_news_help(self, req: Request, args: dict) -> Reply:
        rows = tuple((c.usage, c.description) for c in COMMANDS)
        footer = "Story ids come from /digest; words of a headline work too. Changing feeds, the schedule, filters or digest settings needs " + req.caller.admin_hint + "."
        return Reply.of(Fields("newsbot commands", rows, footer), ephemeral=True)

    # --- suggestions while a command is typed (Discord's autocomplete) -----------------------------

    def story_choices(self, place: Place, typed: str) -> list[tuple[str, str]]:
        """(story id, label) of the newest stories this channel's digests draw on that match what
        was typed so far (an id's first digits or words of the headline)."""
        with self.store.session() as s:
            feed_ids = self.scope_for(self.find(s, place)).feed_ids  # as /news story reads them
        found = story_headlines(self.store, typed[:MAX_QUERY_CHARS], CHOICES, feed_ids)
        return [(str(sid), f"{sid} · {bare_headline(headline) or 'untitled'}") for sid, headline in found]

    def feed_choices(self, place: Place, typed: str) -> list[str]:
        """The addresses of the feeds this channel follows that contain what was typed so far."""
        with self.store.session() as s:
            sub = self.find(s, place)
            urls = [without_secrets(f.url) for f in sub.feeds] if sub else []
        typed = typed.strip().lower()
        return [u for u in urls if typed in u.lower()][:CHOICES]

    # --- changing (admins) ------------------------------------------------------------------------

    def cmd_news_subscribe(self, req: Request, args: dict) -> Reply:
        self._require_admin(req, "change this channel's feeds")
        with self.store.session() as s:  # before add_feed, which enables a disabled feed again
            sub = self.find(s, req.place)
            disabled = {f.id for f in (sub.feeds if sub else []) if f.disabled_at is not None}
        try:
            if self.probe_feed is not None and (reason := self.probe_feed(str(args["url"]))) is not None:
                return Reply.fail(f"Can't follow that feed: {reason}. /news subscribe takes the address of an RSS, Atom or JSON feed.")
            feed = self.add_feed(self.store, str(args["url"]))
        except InvalidFeedURL as exc:
            private = " The bot fetches only public addresses: give the feed's address on the internet." if str(exc).startswith("refused:") else ""
            return Reply.fail(f"Can't follow that feed: {exc}.{private}")
        if feed.id in disabled:
            if self.on_feed_added is not None:
                self.on_feed_added()
            return Reply.of(Notice(f"{without_secrets(feed.url)} was disabled after repeated failures; it is enabled again and will be checked shortly."))
        with self.store.session() as s:
            sub = self.get_or_create(s, req)
            if any(f.id == feed.id for f in sub.feeds):
                return Reply.fail(f"This channel already follows {without_secrets(feed.url)}.")
            if len(sub.feeds) >= self.defaults.max_feeds:
                return Reply.fail(f"This channel follows {len(sub.feeds)} feeds, the most allowed; /news unsubscribe one first.")
            s.add(SubscriptionFeed(subscription_id=sub.id, feed_id=feed.id))
        if self.on_feed_added is not None:
            self.on_feed_added()  # after the commit, so the sweep sees the feed
        return Reply.of(Notice(f"This channel now follows {without_secrets(feed.url)}. Its new articles will appear in this channel's digests."))

    def cmd_news_unsubscribe(self, req: Request, args: dict) -> Reply:
        self._require_admin(req, "change this channel's feeds")
        url = str(args["url"]).strip()
        with self.store.session() as s:
            sub = self.find(s, req.place)
            # As typed or as shown (its credentials left out), before or after the feed moved (a 301
            # changes its address).
            known = lambda f: {feed_key(u) for a in (f.url, f.added_url or f.url) for u in (a, without_secrets(a))}  # noqa: E731
            feed = next((f for f in (sub.feeds if sub else []) if feed_key(url) in known(f)), None)
            if feed is None:
                return Reply.fail(f"This channel doesn't follow {without_secrets(url[:200])}. /news feeds lists the feeds it follows.")
            s.execute(delete(SubscriptionFeed).where(SubscriptionFeed.subscription_id == sub.id, SubscriptionFeed.feed_id == feed.id))
        return Reply.of(Notice(f"This channel no longer follows {without_secrets(feed.url)}."))

    def cmd_news_schedule(self, req: Request, args: dict) -> Reply:
        when, tz, empty = str(args.get("when") or "").strip(), args.get("timezone"), args.get("empty")
        if when.lower().endswith((" post", " skip")) or when.lower() in ("post", "skip"):
            last = when.split()[-1].lower()
            raise UsageError(f"To {last} when nothing is new, write empty:{last}; for example: /news schedule daily 08:00 empty:{last}")
        with self.store.session() as s:
            sub = self.find(s, req.place)
            if not when and not tz and empty is None:
                return self._show_schedule(sub)
            self._require_admin(req, "change this channel's schedule")
            schedule = current = Schedule(sub.cron, sub.timezone) if sub and sub.cron else None
            if when or tz:  # a timezone alone keeps the current times and moves their zone
                zone = sub.timezone if sub else self.defaults.timezone
                schedule = parse_schedule(when, str(tz) if tz else None, zone, self.defaults.min_schedule_minutes, current=current)
            sub = self.get_or_create(s, req)
            if empty is not None:
                sub.post_when_empty = empty == "post"
            if schedule is None and not (when or tz):  # only `empty`, and no schedule yet
                reply = Reply.of(Notice("Noted. This channel has no digest schedule yet; an admin can set one: /news schedule daily 08:00 Europe/Berlin"))
            elif schedule is None:
                sub.cron = None
                reply = Reply.of(Notice("Scheduled digests are off for this channel. /digest still builds one on demand."))
            else:
                sub.cron, sub.timezone = schedule.cron, schedule.timezone
                reply = self._show_schedule(sub, "Digest schedule set")
            sub_id = sub.id
        if self.on_schedule_change is not None:
            self.on_schedule_change(sub_id)  # after the commit, so the scheduler reads the new one
        return reply

    def cmd_news_filter(self, req: Request, args: dict) -> Reply:
        mode = args.get("mode")
        with self.store.session() as s:
            sub = self.find(s, req.place)
            if mode is None:
                if args.get("keywords"):
                    raise UsageError("Say include, exclude or clear first: /news filter include climate, energy")
                return self._show_filters(sub, "Keyword filters")
            self._require_admin(req, "change this channel's filters")
            sub = self.get_or_create(s, req)
            keywords = _keywords(str(args.get("keywords") or ""))
            if mode != "clear" and not keywords:
                # Not a way to empty one list: a bare "/news filter include" is more often a
                # question than a wish to drop the channel's filter.
                raise UsageError(f"/news filter {mode} needs keywords; for example: /news filter {mode} climate, energy. "
                                 "To see the filters: /news filter; to remove both lists: /news filter clear")
            if mode == "clear":
                sub.include_keywords, sub.exclude_keywords = [], []
            elif mode == "include":
                sub.include_keywords = keywords
            else:
                sub.exclude_keywords = keywords
            text = str(args.get("keywords") or "")
            # Without commas each word is a keyword: say so, since "climate change" meant as a
            # phrase would also match every story that says "change".
            hint = (f"Read as {len(keywords)} separate words; for a phrase, separate keywords with commas: "
                    f"/news filter {mode} {' '.join(keywords)}, ..." if "," not in text and len(keywords) > 1 else "")
            return self._show_filters(sub, "Keyword filters set", hint)

    def cmd_news_settings(self, req: Request, args: dict) -> Reply:
        changes = {name: args.get(param) for name, param in _SETTINGS.items() if args.get(param) is not None}
        reset = args.get("reset") is not None
        with self.store.session() as s:
            sub = self.find(s, req.place)
            if not changes and not reset:
                return self._show_settings(sub, "Digest settings")
            self._require_admin(req, "change this channel's digest settings")
            sub = self.get_or_create(s, req)
            for name in _SETTINGS if reset else ():
                setattr(sub, name, None)
            for name, value in changes.items():
                setattr(sub, name, value)
            return self._show_settings(sub, "Digest settings set", "From the next digest on; /digest <topic> builds one with them now.")

    # --- channel state ----------------------------------------------------------------------------

    @staticmethod
    def find(s: Session, place: Place) -> Subscription | None:
        return s.scalar(
            select(Subscription).where(
                Subscription.platform == place.platform,
                Subscription.workspace == place.workspace,
                Subscription.channel == place.channel,
            )
        )

    def get_or_create(self, s: Session, req: Request) -> Subscription:
        sub = self.find(s, req.place)
        if sub is not None:
            return sub
        d = self.defaults
        try:
            with s.begin_nested():
                sub = Subscription(
                    platform=req.place.platform, workspace=req.place.workspace, channel=req.place.channel,
                    timezone=d.timezone, include_keywords=[], exclude_keywords=[], post_when_empty=False,
                    created_by=req.caller.user_id,
                )
                s.add(sub)
        except IntegrityError:  # a command in the same channel created it a moment ago
            sub = self.find(s, req.place)
        return sub

    def scope_for(self, sub: Subscription | None, topic: str | None = None) -> DigestScope:
        """What a channel's digest covers: its feeds (all stored articles when it has none),
        its filters and its size."""
        d = self.defaults
        if sub is None:
            return DigestScope(topic=topic, story_count=d.story_count, words=d.words, algorithm=d.algorithm, title=_title(topic), zone=d.timezone)
        return subscription_scope(sub, d, topic)

    # --- helpers ----------------------------------------------------------------------------------

    def _require_admin(self, req: Request, what: str) -> None:
        if not req.caller.is_admin:
            raise Refused(f"Only members with {req.caller.admin_hint} can {what}.")

    def _story(self, req: Request, typed: str, command: str) -> Story | Reply:
        """The story with the id typed; or, for words, the one story whose headline has them all,
        else a reply that lists those that do (newest first) with their ids."""
        story_id = typed.strip().lstrip("#")
        with self.store.session() as s:
            scope = self.scope_for(self.find(s, req.place))  # the channel's feeds, words and summarizer
        if not story_id.isdigit():
            words = query_words(story_id)
            # Words only: "-1" is the word 1 of a headline, not ids starting with 1.
            found = story_headlines(self.store, " ".join(words), STORY_MATCHES + 1, scope.feed_ids, ids=False) if words else []
            if not found:
                raise UsageError(f"No story's headline has {story_id[:100]!r}. Story ids look like 12: /digest shows each story with its id, and /news search <words> finds articles.")
            if len(found) > 1:
                rows = tuple((f"/news {command} {sid}", bare_headline(headline) or "untitled") for sid, headline in found[:STORY_MATCHES])
                more = "; more match: add a word" if len(found) > STORY_MATCHES else ""
                return Reply.of(Fields(f"Stories whose headline has {story_id[:100]!r}", rows, f"Pick one by its id{more}."), ephemeral=True)
            story_id = str(found[0][0])
        story = self.provider.story(story_id, scope)
        if story is None:
            raise UsageError(f"There is no story {story_id!r}. /digest lists the current stories with their ids, and /news search <words> finds articles.")
        return story

    def _show_schedule(self, sub: Subscription | None, title: str = "Digest schedule") -> Reply:
        if sub is None or not sub.cron:
            last = last_run(object_session(sub), sub.id) if sub is not None else None
            if last is not None and last.status == FAILED and not last.attempts:
                # Turned off by the scheduler after refused posts, or by an admin after one.
                return Reply.of(Notice(f"Scheduled digests are off for this channel; the last one was refused ({last.error}). "
                                       "Once the bot can post here, an admin can set a schedule again: /news schedule daily 08:00"))
            return Reply.of(Notice("No digest schedule is set for this channel. An admin can set one: /news schedule daily 08:00 Europe/Berlin"))
        schedule = Schedule(sub.cron, sub.timezone)
        runs = schedule.next_runs(self.clock(), count=3)
        when = "\n".join(t.strftime("%a %d %b %Y, %H:%M %Z") for t in runs) or "never"
        quiet = "a one-line note" if sub.post_when_empty else "nothing (change with /news schedule empty:post)"
        rows = (("When", schedule.describe()), ("Next runs", when), ("Cron", f"{sub.cron} in {sub.timezone}"), ("When nothing is new", quiet))
        if last := last_run(object_session(sub), sub.id):
            rows += (("Last digest", f"{_LAST[last.status]}, {last.slot_at.astimezone(ZoneInfo(sub.timezone)):%a %d %b %H:%M %Z}" + (f": {last.error}" if last.error else "")),)
        return Reply.of(Fields(title, rows, "Turn it off with /news schedule off"))

    def _show_settings(self, sub: Subscription | None, title: str, note: str = "") -> Reply:
        d = self.defaults

        def shown(own: object, default: object) -> str:
            return f"{own}" if own is not None else f"{default} (the bot's default)"

        rows = (
            ("Stories in each digest", shown(sub and sub.story_count, d.story_count)),
            ("Words in each story's summary", shown(sub and sub.words, d.words)),
            ("Summarizer", shown(sub and sub.algorithm, d.algorithm)),
        )
        how = "Set with /news settings stories:3 words:150 algorithm:lexrank; /news settings reset goes back to the defaults"
        return Reply.of(Fields(title, rows, f"{note} {how}" if note else how))

    def _show_filters(self, sub: Subscription | None, title: str, hint: str = "") -> Reply:
        include = ", ".join(sub.include_keywords) if sub and sub.include_keywords else "(any)"
        exclude = ", ".join(sub.exclude_keywords) if sub and sub.exclude_keywords else "(none)"
        rows = (("Only stories mentioning", include), ("Never stories mentioning", exclude))
        footer = "Set with /news filter include|exclude <keywords>; /news filter clear removes both"
        return Reply.of(Fields(title, rows, f"{hint} {footer}" if hint else footer))


CHOICES = 25  # suggestions at most (Discord's limit)

# /news settings' options, by the Subscription column each one sets.
_SETTINGS = {"story_count": "stories", "words": "words", "algorithm": "algorithm"}

_LAST = {"claimed": "being posted", "posted": "posted", "empty": "nothing new, nothing posted", "failed": "not posted", "missed": "skipped (the bot was down)"}


def _title(topic: str | None) -> str:
    return "News digest" + (f": {topic}" if topic else "")


def subscription_scope(
    sub: Subscription, defaults: ChannelSettings, topic: str | None = None, since: datetime | None = None, news_since: datetime | None = None
) -> DigestScope:
    """A channel's digest: its feeds (all stored articles when it has none), filters, size and
    summarizer (its own, else the configured defaults); `since` limits it to stories new or grown
    after then (the scheduler's "new since the last digest"), `news_since` to stories with news
    from then on (a first digest's backfill)."""
    return DigestScope(
        feed_ids=tuple(f.id for f in sub.feeds) or None,
        include=tuple(sub.include_keywords or ()),
        exclude=tuple(sub.exclude_keywords or ()),
        topic=topic,
        since=since,
        news_since=news_since,
        story_count=sub.story_count or defaults.story_count,
        words=sub.words or defaults.words,
        algorithm=sub.algorithm or defaults.algorithm,
        title=_title(topic),
        zone=sub.timezone,
    )


def check_query(query: str, what: str) -> list[str]:
    """The query's plain words, or a UsageError that says what to type instead."""
    if not query:
        raise UsageError("Tell me what to look for, for example: /news search election results")
    if len(query) > MAX_QUERY_CHARS:
        raise UsageError(f"That {what} is {len(query):,} characters long; keep it under {MAX_QUERY_CHARS}. A few distinctive words work best.")
    # In any case, as docs/chat.md says operators are ignored: "Not Guilty" is a search for guilty.
    words = [w for w in query_words(query) if w.upper() not in ("AND", "OR", "NOT", "NEAR")]
    if not words:
        raise UsageError(f"There are no words to search for in {query[:50]!r}; use plain words, like: /news search election results")
    return words


def _keywords(text: str) -> list[str]:
    """Keywords separated by commas (so phrases work), else by spaces; lower-cased, deduplicated."""
    parts = text.split(",") if "," in text else text.split()
    words = list(dict.fromkeys(" ".join(p.split()).lower() for p in parts if p.strip()))
    if len(words) > MAX_KEYWORDS:
        raise UsageError(f"That is {len(words)} keywords; a filter takes at most {MAX_KEYWORDS}.")
    if any(len(w) > 64 for w in words):
        raise UsageError("Keep each keyword under 64 characters.")
    return words


def _feed_status(f: Feed) -> str:
    if f.disabled_reason:
        return f"disabled: {f.disabled_reason}"
    if f.last_error:
        return f"failing ({f.error_count}x): {f.last_error}"
    if f.last_checked_at:
        return f"checked {f.last_checked_at:%Y-%m-%d %H:%M} UTC"
    return "not checked yet"
