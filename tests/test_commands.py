"""The platform-neutral command service on the real store (SQLite and PostgreSQL)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.commands import COMMANDS, UsageError, parse_text
from bot.messages import DigestView, Fields, Links, Notice, StoryView
from bot.service import Caller, Place
from corpus.channels import Subscription, SubscriptionFeed
from corpus.models import Feed
from tests.chatkit import ADMIN, HERE, MEMBER, PLACES, add, article, make_service, run, texts


def test_text_parsing_follows_the_command_definitions():
    cmd, args = parse_text("news", "search defect army page:2")
    assert cmd.name == "news search" and args == {"query": "defect army", "page": 2}
    cmd, args = parse_text("/news", "filter exclude sports, celebrity news")
    assert args == {"mode": "exclude", "keywords": "sports, celebrity news"}
    cmd, args = parse_text("news", "schedule daily 08:00 Europe/Berlin")
    assert args == {"when": "daily 08:00 Europe/Berlin"}
    assert parse_text("news", "")[0].name == "news help"
    assert parse_text("digest", "")[1] == {}
    with pytest.raises(UsageError, match="no 'frobnicate' command"):
        parse_text("news", "frobnicate")
    with pytest.raises(UsageError, match="whole number"):
        parse_text("news", "search x page:two")
    with pytest.raises(UsageError, match="needs an id"):
        parse_text("news", "story")
    with pytest.raises(UsageError, match="must be one of include, exclude, clear"):
        parse_text("news", "filter sports")
    cmd, args = parse_text("news", "schedule daily 08:00 Europe/Berlin empty:post")
    assert args == {"when": "daily 08:00 Europe/Berlin", "empty": "post"} and "[empty:post|skip]" in cmd.usage
    cmd, args = parse_text("news", "settings stories:3 words:150 algorithm:LexRank")
    assert cmd.name == "news settings" and args == {"stories": 3, "words": 150, "algorithm": "lexrank"}
    assert parse_text("news", "settings reset")[1] == {"reset": "reset"}
    assert parse_text("news", "settings")[1] == {}
    with pytest.raises(UsageError, match="I can't read 'lexrank' in /news settings"):
        parse_text("news", "settings lexrank")  # options are named: algorithm:lexrank
    with pytest.raises(UsageError, match="stories must be from 1 to 25"):
        parse_text("news", "settings stories:0")
    with pytest.raises(UsageError, match="words must be from 10 to 400"):
        parse_text("news", "settings words:5000")
    with pytest.raises(UsageError, match="words must be a whole number from 10 to 400, like words:10"):
        parse_text("news", "settings words:abc")  # the example was words:2, itself refused
    with pytest.raises(UsageError, match="algorithm must be one of newsbot, lexrank"):
        parse_text("news", "settings algorithm:kl")  # cubic in sentences: not for a chat admin to pick
    # every description fits Discord's 100-character limit
    assert all(len(c.description) <= 100 and all(len(p.description) <= 100 for p in c.params) for c in COMMANDS)


def test_digest_search_story_and_sources(store):
    ids = add(store, *(article(i) for i in range(1, 8)))
    svc = make_service(store, story_count=3, search_page_size=2)

    digest = run(svc, "digest")
    (view,) = digest.messages
    assert isinstance(view, DigestView) and not digest.error
    assert [s.headline for s in view.digest.stories] == [f"Story number {i} about volcanoes and lava" for i in (7, 6, 5)]
    story = view.digest.stories[0]
    assert story.id == str(ids[6]) and story.sentences[0].citations == (1,)
    assert story.sources[0].url == "https://news7.example/story-7"
    assert sum(len(s.text.split()) for s in story.sentences) <= 80

    page1 = run(svc, "news search", query="volcano")
    (links,) = page1.messages
    assert isinstance(links, Links) and len(links.links) == 2 and "page:2" in links.footer
    page4 = run(svc, "news search", query="volcano", page=4)
    assert len(page4.messages[0].links) == 1 and "page:5" not in page4.messages[0].footer
    past = run(svc, "news search", query="volcano", page=9)
    assert past.error and "past the end" in texts(past)

    one = run(svc, "news story", id=str(ids[0]))
    assert isinstance(one.messages[0], StoryView) and one.messages[0].story.headline.startswith("Story number 1 ")
    src = run(svc, "news sources", id=f"#{ids[0]}")
    (links,) = src.messages
    assert links.links[0].number == 1 and links.links[0].url == "https://news1.example/story-1"
    assert links.links[0].outlet == "Outlet 1" and links.links[0].published == datetime(2024, 5, 8, tzinfo=timezone.utc)

    # Words of a headline instead of an id (Slack and the terminal have no suggestions to pick from).
    by_words = run(svc, "news story", id="story NUMBER 3")
    assert isinstance(by_words.messages[0], StoryView) and by_words.messages[0].story.id == str(ids[2])
    assert run(svc, "news sources", id="number 4 lava", page=1).messages[0].links[0].url == "https://news4.example/story-4"
    several = run(svc, "news story", id="volcanoes lava")
    (listed,) = several.messages
    assert isinstance(listed, Fields) and several.ephemeral and not several.error
    assert [row[0] for row in listed.rows] == [f"/news story {ids[i]}" for i in (6, 5, 4, 3, 2)]  # newest first, five
    assert "add a word" in listed.footer
    assert run(svc, "news sources", id="number 1").messages[0].links[0].url == "https://news1.example/story-1"  # one headline has both
    none = run(svc, "news story", id="tsunami")
    assert none.error and "No story's headline has 'tsunami'" in texts(none) and "Story ids look like 12" in texts(none)
    # A number among the words is a headline's word, not the start of an id ("-2031" is not 2031).
    (year,) = add(store, article(9, title="Story number 2031 about volcanoes and lava"))
    assert not str(year).startswith("2031") and not run(svc, "digest").error  # the digest forms its story
    dated = run(svc, "news story", id="-2031")
    assert isinstance(dated.messages[0], StoryView) and dated.messages[0].story.id == str(year)


def test_a_story_many_outlets_carried_shows_its_sources_a_page_at_a_time(store):
    # 45 headline-only reports of one merger (a feed of titles): the story shows, and its
    # sources come 20 a page.
    wordings = ["Chiquita and Fyffes merge to create the top banana company", "Chiquita, Fyffes merger makes the top banana company",
                "Banana giants Chiquita and Fyffes agree to merge"]
    add(store, *(article(k, title=f"{wordings[k % 3]}, report {k}", text="", published=datetime(2024, 3, 10, tzinfo=timezone.utc))
                 for k in range(1, 46)))
    svc = make_service(store)
    (view,) = run(svc, "digest").messages
    (story,) = view.digest.stories
    assert len(story.sources) == 45 and story.sentences  # other outlets' headlines as its lines
    pages = [run(svc, "news sources", id=story.id, page=n) for n in (1, 2, 3)]
    assert [len(p.messages[0].links) for p in pages] == [20, 20, 5]
    assert [x.number for p in pages for x in p.messages[0].links] == list(range(1, 46))
    assert pages[0].messages[0].footer == f"25 more: /news sources {story.id} page:2"
    assert "(page 3 of 3)" in pages[2].messages[0].title and pages[2].messages[0].footer == ""
    past = run(svc, "news sources", id=story.id, page=4)
    assert past.error and "has 3 pages of sources; give a page from 1 to 3" in texts(past)


def test_digest_topic_and_channel_filters(store):
    add(store, article(1, title="Flood warnings in the valley", text="Rivers rose after the storm. Towns were evacuated."),
        article(2), article(3, title="Football final tonight", text="The football match starts at eight. Fans gathered."))
    svc = make_service(store)
    topic = run(svc, "digest", topic="flood")
    assert [s.headline for s in topic.messages[0].digest.stories] == ["Flood warnings in the valley"]
    assert topic.messages[0].digest.title == "News digest: flood"
    none = run(svc, "digest", topic="zeppelin")
    assert none.error and "No stored story mentions 'zeppelin'" in texts(none)

    assert not run(svc, "news filter", mode="exclude", keywords="football, storm").error
    kept = [s.headline for s in run(svc, "digest").messages[0].digest.stories]
    assert kept == ["Story number 2 about volcanoes and lava"]
    run(svc, "news filter", mode="include", keywords="towns")
    assert run(svc, "digest").messages[0].__class__ is Notice  # include towns, exclude storm: nothing left
    shown = run(svc, "news filter", caller=MEMBER)
    assert "towns" in texts(shown) and "football, storm" in texts(shown)
    # include or exclude with no keywords is a question, not a wish to drop a filter
    for mode in ("include", "exclude"):
        bare = run(svc, "news filter", mode=mode, keywords=" , ")
        assert bare.error and f"/news filter {mode} needs keywords" in texts(bare) and "/news filter clear" in texts(bare)
    shown = run(svc, "news filter", caller=MEMBER)
    assert "towns" in texts(shown) and "football, storm" in texts(shown)
    # Words without commas are separate keywords, and the reply says how to write a phrase.
    words = run(svc, "news filter", mode="exclude", keywords="climate change")
    assert "Read as 2 separate words; for a phrase, separate keywords with commas: /news filter exclude climate change, ..." in texts(words)
    assert "separate words" not in texts(run(svc, "news filter", mode="exclude", keywords="climate change,"))
    run(svc, "news filter", mode="clear")
    assert len(run(svc, "digest").messages[0].digest.stories) == 3


def test_feeds_subscribe_unsubscribe(store):
    svc = make_service(store, max_feeds=2)
    empty = run(svc, "news feeds")
    assert "follows no feeds" in texts(empty)
    ok = run(svc, "news subscribe", url="https://example.com/feed.xml")
    assert not ok.error and "now follows https://example.com/feed.xml" in texts(ok)
    again = run(svc, "news subscribe", url="https://example.com/feed.xml ")
    assert again.error and "already follows" in texts(again)
    other = Place("discord", "G1", "C2")
    assert not run(svc, "news subscribe", place=other, url="https://example.com/feed.xml").error
    run(svc, "news subscribe", url="https://example.org/rss")
    full = run(svc, "news subscribe", url="https://example.net/rss")
    assert full.error and "the most allowed" in texts(full)
    listed = run(svc, "news feeds").messages[0]
    assert [x.url for x in listed.links] == ["https://example.com/feed.xml", "https://example.org/rss"]
    assert listed.links[0].note == "not checked yet"

    with store.session() as s:
        assert s.scalar(select(Feed.id).where(Feed.url == "https://example.com/feed.xml"))  # one row, two channels
        assert len(s.scalars(select(SubscriptionFeed)).all()) == 3

    gone = run(svc, "news unsubscribe", url="HTTPS://Example.COM:443/feed.xml/")  # as subscribe reads it
    assert "no longer follows" in texts(gone)
    missing = run(svc, "news unsubscribe", url="https://example.com/feed.xml")
    assert missing.error and "doesn't follow" in texts(missing)
    # the other channel keeps it
    assert [x.url for x in run(svc, "news feeds", place=other).messages[0].links] == ["https://example.com/feed.xml"]

    # A feed that moved (a 301 rewrote its address) is dropped by the address the admin typed.
    with store.session() as s:
        s.scalar(select(Feed).where(Feed.url == "https://example.org/rss")).url = "https://feeds.example.org/rss"
    moved = run(svc, "news unsubscribe", url="https://example.org/rss")
    assert not moved.error and "no longer follows https://feeds.example.org/rss" in texts(moved)


def test_subscribing_again_to_a_disabled_feed_enables_it(store):
    """The disabled-feed notice tells admins to subscribe again to retry: that must say so."""
    svc = make_service(store)
    run(svc, "news subscribe", url="https://example.com/feed.xml")
    with store.session() as s:
        feed = s.scalar(select(Feed).where(Feed.url == "https://example.com/feed.xml"))
        feed.disabled_at, feed.disabled_reason, feed.error_count = datetime.now(timezone.utc), "HTTP 404", 8
    again = run(svc, "news subscribe", url="https://example.com/feed.xml")
    assert not again.error and "enabled again" in texts(again)
    with store.session() as s:
        feed = s.scalar(select(Feed).where(Feed.url == "https://example.com/feed.xml"))
        assert feed.disabled_at is None and feed.error_count == 0
    assert "already follows" in texts(run(svc, "news subscribe", url="https://example.com/feed.xml"))


def test_a_channel_with_feeds_digests_only_their_articles(store):
    svc = make_service(store)
    run(svc, "news subscribe", url="https://example.com/feed.xml")
    with store.session() as s:
        feed_id = s.scalar(select(Feed.id))
    add(store, article(1), article(2, feed_id=feed_id))
    stories = run(svc, "digest").messages[0].digest.stories
    assert [s.headline for s in stories] == ["Story number 2 about volcanoes and lava"]
    assert len(run(svc, "digest", place=Place("discord", "G1", "C9")).messages[0].digest.stories) == 2


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/feed", "only http:// and https://"),
        ("javascript:alert(1)", "only http:// and https://"),
        ("example.com/feed", "not a URL: it needs http:// or https://"),
        ("https:///feed", "no host name"),
        ("http://127.0.0.1/feed", "127.0.0.1 is a loopback address"),
        ("http://localhost/rss", "127.0.0.1 is a loopback address"),  # the name is resolved too
        ("http://localhost:8080/rss", "port 8080 is not allowed"),
        ("http://[::1]/rss", "::1 is a loopback address"),
        ("http://10.1.2.3/rss", "10.1.2.3 is a private address"),
        ("https://user:pw@example.com/rss", "user name or password"),
        ("https://example.com:99999/rss", "port 99999 is not allowed"),
        ("https://example.com/" + "a" * 3000, "longer than 2048 characters"),
    ],
)
def test_bad_feed_urls_get_a_specific_reason(sqlite_store, url, reason):
    reply = run(make_service(sqlite_store), "news subscribe", url=url)
    assert reply.error and reply.ephemeral
    assert reason in texts(reply)
    # What to do next, where an address inside a network was refused.
    assert ("give the feed's address on the internet" in texts(reply)) == (" address" in reason and "user name" not in reason)
    with sqlite_store.session() as s:
        assert s.scalar(select(Feed.id)) is None


def test_schedule_set_show_and_off(store):
    fixed = datetime(2024, 3, 29, 12, 0, tzinfo=timezone.utc)  # a Friday, two days before DST starts
    svc = make_service(store)
    svc.clock = lambda: fixed
    assert "No digest schedule" in texts(run(svc, "news schedule", caller=MEMBER))
    set_ = run(svc, "news schedule", when="weekdays 07:30 europe/berlin")
    assert not set_.error
    fields = dict(set_.messages[0].rows)
    assert fields["When"] == "weekdays at 07:30 (Europe/Berlin)"
    # next runs: Mon 1 Apr 07:30 CEST (DST began on Sunday), Tue, Wed
    assert fields["Next runs"].splitlines() == [
        "Mon 01 Apr 2024, 07:30 CEST", "Tue 02 Apr 2024, 07:30 CEST", "Wed 03 Apr 2024, 07:30 CEST",
    ]
    with store.session() as s:
        sub = s.scalar(select(Subscription))
        assert (sub.cron, sub.timezone, sub.created_by) == ("30 7 * * mon-fri", "Europe/Berlin", "U_ADMIN")
    # a cron expression with weekday numbers in standard cron meaning (0 = Sunday)
    run(svc, "news schedule", when="0 9 * * 0", timezone="UTC")
    shown = dict(run(svc, "news schedule", caller=MEMBER).messages[0].rows)
    assert shown["Cron"] == "0 9 * * sun in UTC" and shown["Next runs"].startswith("Sun 31 Mar 2024, 09:00 UTC")
    # only a timezone: same times, new zone
    run(svc, "news schedule", timezone="Asia/Tokyo")
    assert dict(run(svc, "news schedule").messages[0].rows)["Cron"] == "0 9 * * sun in Asia/Tokyo"
    # typed as text (Slack, the terminal), the same
    assert not svc.handle_text("news", "schedule America/New_York", ADMIN, HERE).error
    assert dict(run(svc, "news schedule").messages[0].rows)["Cron"] == "0 9 * * sun in America/New_York"
    # quoted as the examples quote it, in any quotation marks
    for quoted in ("'30 7 * * mon-fri'", '"30 7 * * mon-fri" UTC', "‘30 7 * * mon-fri’", "“30 7 * * mon-fri”"):
        assert not run(svc, "news schedule", when=quoted, timezone="'UTC'").error, quoted
        assert dict(run(svc, "news schedule").messages[0].rows)["Cron"] == "30 7 * * mon-fri in UTC"
    assert "off" in texts(run(svc, "news schedule", when="off"))
    with store.session() as s:
        assert s.scalar(select(Subscription.cron)) is None


@pytest.mark.parametrize(
    ("when", "tz", "reason"),
    [
        ("daily 25:00", None, "not a time of day"),
        ("daily noonish", None, "not a time"),
        ("fortnightly 08:00", None, "not daily, weekdays, weekends or a day name"),
        ("daily 08:00 Europe/Berln", None, "Did you mean Europe/Berlin"),
        ("daily 08:00", "Mars/Olympus", "not a timezone I know"),
        ("61 * * * *", None, "cron expression doesn't work"),
        ("* * * * *", None, "more often than every 60 minutes"),
        ("*/5 9 * * mon", None, "more often than every 60 minutes"),
        ("0 0 30 2 *", None, "never runs"),
        ("0 8 * * 9", None, "Weekday 9 doesn't exist"),
        ("0 8 * * ²", None, "cron expression doesn't work"),
        ("every now and then", None, "can't read"),
        ("daily 08:00 Post", None, "write empty:post; for example: /news schedule daily 08:00 empty:post"),
        ("skip", None, "write empty:skip"),
    ],
)
def test_bad_schedules_get_a_specific_reason(sqlite_store, when, tz, reason):
    reply = run(make_service(sqlite_store), "news schedule", when=when, timezone=tz)
    assert reply.error and reply.ephemeral, texts(reply)
    assert reason in texts(reply)


def test_admin_commands_refuse_members_and_change_nothing(store):
    svc = make_service(store)
    for command, args in [
        ("news subscribe", {"url": "https://example.com/feed.xml"}),
        ("news unsubscribe", {"url": "https://example.com/feed.xml"}),
        ("news schedule", {"when": "daily 08:00"}),
        ("news filter", {"mode": "include", "keywords": "x"}),
        ("news filter", {"mode": "clear"}),
        ("news settings", {"stories": 3}),
        ("news settings", {"reset": "reset"}),
    ]:
        reply = run(svc, command, caller=MEMBER, **args)
        assert reply.error and reply.ephemeral
        assert "Only members with the Manage Server permission can" in texts(reply)
    with store.session() as s:
        assert s.scalar(select(Subscription.id)) is None and s.scalar(select(Feed.id)) is None


@pytest.mark.parametrize(
    ("command", "args", "reason"),
    [
        ("news story", {"id": "424242"}, "There is no story '424242'"),
        ("news story", {"id": "../etc/passwd"}, "Story ids look like 12"),
        ("news sources", {"id": "nope"}, "No story's headline has 'nope'"),
        ("news story", {"id": "% _"}, "No story's headline has '% _'"),  # LIKE's marks are plain characters
        ("news story", {"id": "¹"}, "There is no story '¹'"),  # isdigit() takes a superscript one, int() refuses it
        ("news search", {"query": ""}, "needs a query"),
        ("news search", {"query": "   "}, "needs a query"),
        ("news search", {"query": "x" * 5000}, "5,000 characters long; keep it under 200"),
        ("news search", {"query": '"*" () -'}, "no words to search for"),
        ("news search", {"query": "zeppelin"}, "No stored article matches 'zeppelin'"),
        ("news search", {"query": "lava", "page": 0}, "page must be between 1 and 100"),
        ("news filter", {"keywords": "x"}, "Say include, exclude or clear first"),
        ("news filter", {"mode": "include", "keywords": ",".join(f"k{i}" for i in range(30))}, "at most 20"),
        ("digest", {"topic": "y" * 300}, "keep it under 200"),
        ("news bogus", {}, "Unknown command /news bogus"),
    ],
)
def test_bad_input_gets_a_friendly_specific_reply(sqlite_store, command, args, reason):
    add(sqlite_store, article(1))
    reply = run(make_service(sqlite_store), command, **args)
    assert reply.error and reply.ephemeral
    assert reason in texts(reply)
    assert "Traceback" not in texts(reply)


def test_full_text_operators_are_searched_as_words_and_said_so(sqlite_store):
    add(sqlite_store, article(1))
    reply = run(make_service(sqlite_store), "news search", query='"volcano" AND (lava OR -ash*) NEAR/2')
    (links,) = reply.messages
    assert not reply.error and links.links
    assert "Searched for the words volcano lava ash 2" in links.footer and "operators" in links.footer


def test_an_unexpected_failure_is_logged_not_shown(sqlite_store, caplog):
    svc = make_service(sqlite_store)

    class Broken:
        def digest(self, scope):
            raise RuntimeError("database exploded: secret detail")

        def story(self, story_id):
            raise RuntimeError("boom")

    svc.provider = Broken()
    reply = run(svc, "digest")
    assert reply.error and "something went wrong on my side" in texts(reply)
    assert "secret detail" not in texts(reply)
    assert "database exploded" in caplog.text  # the traceback went to the log


def test_help_lists_every_command(sqlite_store):
    reply = run(make_service(sqlite_store), "news help", caller=Caller("u", admin_hint="workspace admin rights"))
    (fields,) = reply.messages
    assert isinstance(fields, Fields) and reply.ephemeral
    assert [r[0].split()[0] + (" " + r[0].split()[1] if r[0].startswith("/news") else "") for r in fields.rows] == [
        "/" + c.name for c in COMMANDS
    ]
    assert "workspace admin rights" in fields.footer


def test_channel_tables_keep_one_row_a_channel_and_cascade(store):
    from sqlalchemy import delete
    from sqlalchemy.exc import IntegrityError

    from bot.service import Request

    svc = make_service(store)
    run(svc, "news subscribe", url="https://example.com/feed.xml")
    with pytest.raises(IntegrityError), store.session() as s:
        s.add(Subscription(platform="discord", workspace="G1", channel="C1", timezone="UTC", include_keywords=[],
                           exclude_keywords=[], story_count=5, words=80, algorithm="lexrank", post_when_empty=False))
    # a second first-command in the same channel finds the row instead of failing
    with store.session() as s:
        assert svc.get_or_create(s, Request("news filter", MEMBER, Place("discord", "G1", "C1"))).channel == "C1"
    with store.session() as s:
        s.execute(delete(Feed))  # a feed deleted: the channel's link to it goes too
    with store.session() as s:
        assert s.scalars(select(SubscriptionFeed)).all() == [] and s.scalar(select(Subscription.id))
        s.execute(delete(Subscription))
    assert "follows no feeds" in texts(run(svc, "news feeds"))


def _digest_size(reply) -> tuple[int, int]:
    """Stories in a digest reply, and the most words any one story's summary has."""
    (view,) = reply.messages
    stories = view.digest.stories
    return len(stories), max(sum(len(x.text.split()) for x in st.sentences) for st in stories)


def test_settings_show_set_and_reset_a_channels_digest_size(store):
    words = "ash lava smoke roads schools flights farms rivers bridges homes power water crops cattle ports tourists clinics markets trains radios".split()

    def text(i: int) -> str:  # sentences that share little, so a summary has several to choose
        pick = random.Random(i)
        return " ".join(f"Near {PLACES[i - 1]} the eruption hit {', '.join(pick.sample(words, 4))} and {pick.choice(words)}." for _ in range(12))

    add(store, *(article(i, text=text(i)) for i in range(1, 9)))
    svc = make_service(store, story_count=4, words=60)

    shown = run(svc, "news settings", caller=MEMBER)
    assert not shown.error and dict(shown.messages[0].rows) == {
        "Stories in each digest": "4 (the bot's default)",
        "Words in each story's summary": "60 (the bot's default)",
        "Summarizer": "newsbot (the bot's default)",
    }
    count, longest = _digest_size(run(svc, "digest"))
    assert count == 4 and 40 < longest <= 60

    set_ = run(svc, "news settings", stories=2, words=25, algorithm="lexrank")
    assert not set_.error and dict(set_.messages[0].rows) == {
        "Stories in each digest": "2", "Words in each story's summary": "25", "Summarizer": "lexrank",
    }
    assert "From the next digest on" in texts(set_) and "From the next" not in texts(shown)
    count, longest = _digest_size(run(svc, "digest"))
    assert count == 2 and 0 < longest <= 25
    # /news story summarises with the channel's words too (it took the built-in 100 before).
    (view,) = run(svc, "news story", id="1").messages
    assert 0 < sum(len(x.text.split()) for x in view.story.sentences) <= 25
    assert sum(len(x.text.split()) for x in run(svc, "news story", place=Place("discord", "G1", "C9"), id="1").messages[0].story.sentences) > 25
    with store.session() as s:
        assert svc.scope_for(svc.find(s, HERE)).algorithm == "lexrank"

    run(svc, "news settings", words=40)  # one setting changes, the others stay
    assert dict(run(svc, "news settings").messages[0].rows)["Stories in each digest"] == "2"
    count, longest = _digest_size(run(svc, "digest"))
    assert count == 2 and 25 < longest <= 40

    reset = run(svc, "news settings", reset="reset")
    assert all(v.endswith("(the bot's default)") for v in dict(reset.messages[0].rows).values())
    assert _digest_size(run(svc, "digest"))[0] == 4


def test_a_channel_follows_the_configured_defaults_until_it_sets_its_own(store):
    """A channel's row (made by /news schedule or /news filter) no longer freezes the defaults of
    the day it was made: the operator's later [channels] change reaches it."""
    add(store, *(article(i) for i in range(1, 9)))
    run(make_service(store, story_count=5, words=100), "news filter", mode="exclude", keywords="football")
    changed = make_service(store, story_count=2, words=20)  # the operator edited [channels] and restarted
    count, longest = _digest_size(run(changed, "digest"))
    assert count == 2 and longest <= 20
    run(changed, "news settings", stories=3)
    assert _digest_size(run(make_service(store, story_count=7), "digest"))[0] == 3


def test_a_channel_with_feeds_looks_up_only_what_its_feeds_carried(store):
    """/news search, and /news story and /news sources by id or by headline words, in a channel that follows feeds:
    another channel's (perhaps private) feed is not theirs to read, nor its article in a story
    both feeds carried."""
    svc = make_service(store)
    a, b = Place("slack", "TA", "CA"), Place("discord", "G1", "C9")
    run(svc, "news subscribe", place=a, url="https://a.example/feed.xml")
    run(svc, "news subscribe", place=b, url="https://b.example/feed.xml")
    with store.session() as s:
        feed_a, feed_b = (s.scalar(select(Feed.id).where(Feed.url == f"https://{x}.example/feed.xml")) for x in "ab")
    secret = article(1, title="Acme confidential merger talks", feed_id=feed_a)
    when = secret.published + timedelta(days=30)
    shared = [article(2, published=when, feed_id=feed_a, title="Kilauea erupts again, Outlet A reports"),
              article(2, published=when + timedelta(hours=2), feed_id=feed_b, outlet="Outlet B", url="https://b.example/kilauea",
                      origin="test:b", text=article(2).text.replace("erupted again", "erupted again on Tuesday"))]
    add(store, secret, *shared)
    ids = {st.headline: st.id for st in run(svc, "digest", place=a).messages[0].digest.stories}
    secret_id, shared_id = ids["Acme confidential merger talks"], next(v for k, v in ids.items() if "Kilauea" in k)
    anywhere = Place("discord", "G2", "C2")  # follows no feeds
    assert len(run(svc, "news sources", place=anywhere, id=shared_id).messages[0].links) == 2  # both feeds' articles: one story

    hidden = run(svc, "news search", place=b, query="Acme merger")
    assert hidden.error and "confidential" not in texts(hidden)
    assert "confidential" in texts(run(svc, "news search", place=a, query="Acme merger"))
    assert "b.example/kilauea" in texts(run(svc, "news search", place=b, query="Kilauea"))
    assert "news2.example" not in texts(run(svc, "news search", place=b, query="Kilauea"))
    for command in ("news story", "news sources"):
        for typed in (secret_id, "Acme merger"):
            reply = run(svc, command, place=b, id=typed)
            assert reply.error and "confidential" not in texts(reply), (command, typed)
        assert "confidential" in texts(run(svc, command, place=a, id=secret_id))  # its own channel reads it
    shown = texts(run(svc, "news story", place=b, id=shared_id))
    assert "b.example/kilauea" in shown and "news2.example" not in shown and "Outlet A reports" not in shown
    sources = run(svc, "news sources", place=b, id=shared_id).messages[0].links
    assert [x.url for x in sources] == ["https://b.example/kilauea"]
    # The shared story's headline is the other feed's title: B neither finds it by those words
    # nor sees it among the suggestions, which name the story by B's own article.
    assert run(svc, "news story", place=b, id="Outlet A reports").error
    assert [label for _, label in svc.story_choices(b, str(shared_id))] == [f"{shared_id} · Story number 2 about volcanoes and lava"]
    assert "Outlet A reports" in str(svc.story_choices(a, str(shared_id)))
    # A channel that follows no feeds reads every stored article, as its digests do.
    assert "confidential" in texts(run(svc, "news story", place=anywhere, id=secret_id))
    assert "confidential" in texts(run(svc, "news search", place=anywhere, query="Acme merger"))


def test_a_private_feeds_credentials_are_never_shown_in_the_channel(store):
    """A feed's "?passkey=" or "&api_key=" typed by an admin is not echoed to the channel, in
    replies, /news feeds or suggestions; the address as shown still unsubscribes."""
    svc = make_service(store)
    url = "https://tracker.example/rss?passkey=PK_SECRET_1&cat=7&api_key=AK_SECRET_2"
    replies = [run(svc, "news subscribe", url=url), run(svc, "news subscribe", url=url), run(svc, "news feeds")]
    shown = "\n".join(texts(r) for r in replies) + str(svc.feed_choices(HERE, "tracker"))
    assert "SECRET" not in shown and "https://tracker.example/rss?passkey=…&cat=7&api_key=…" in shown
    assert "now follows" in texts(replies[0]) and "already follows" in texts(replies[1])
    with store.session() as s:
        assert s.scalar(select(Feed.url)) == url  # polled with its credentials
    masked = svc.feed_choices(HERE, "tracker")[0]
    gone = run(svc, "news unsubscribe", url=masked)
    assert not gone.error and "no longer follows" in texts(gone) and "SECRET" not in texts(gone)
