"""How long the chat commands take on the bundled corpus, and how long rendering a large digest
takes on each platform. Discord and Slack allow 3 s before the first answer; the adapters answer
inline under ~1 s and defer otherwise, so these figures show which commands ever need deferring.

Run: .venv/bin/python -m bench.bench_chat_commands

Figures (2 cores, SQLite, the 5 bundled articles, median of 50 runs, with the stand-in
one-story-per-article digest provider): /digest 8.0 ms, /digest turkey 11.6 ms, /news search
0.6 ms, /news story and sources 1.0 ms, setting a schedule 6.4 ms (APScheduler computes 48 runs to
check the interval), everything else under 0.5 ms. Rendering a 25-story digest of 8 sentences
each: Discord 1.7 ms (9 messages: 6,000 characters a message), Slack 1.4 ms (3 messages),
terminal 0.7 ms. So on this corpus every command is answered inline; the digest engine's
clustering and summaries are what will make /digest defer."""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from bot.ingesting import ingest_targets
from bot.messages import DigestView, Reply
from bot.render import discord, slack, terminal
from bot.runner import build_service
from bot.service import Caller, Place, Request
from config import load_settings
from corpus.store import Store
from digests.model import Digest, Source, Story, SummarySentence

RUNS = 50
ADMIN = Caller("bench", is_admin=True)
PLACE = Place("terminal", "", "bench")


def median_ms(fn, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def big_digest(stories: int = 25, sentences: int = 8) -> Digest:
    now = datetime.now(timezone.utc)
    src = tuple(Source(n, f"d{n}", f"Outlet {n}", f"Title {n}", f"https://o{n}.example/a", now) for n in (1, 2, 3))
    sents = tuple(SummarySentence("A sentence of about twenty words that reports what happened and who said it today. " * 2, (1, 2)) for _ in range(sentences))
    return Digest("Bench digest", now, tuple(Story(str(i), f"Headline {i} of the day", sents, src, now) for i in range(stories)))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(data_dir=Path(tmp))
        store = Store(settings.database_url)
        store.migrate()
        ingest_targets(store, settings, [str(d) for d in settings.corpus_dirs])
        service = build_service(settings, store)
        commands = [
            ("digest", {}), ("digest", {"topic": "turkey"}), ("news search", {"query": "defect army"}),
            ("news story", {"id": "1"}), ("news sources", {"id": "1"}), ("news feeds", {}),
            ("news schedule", {"when": "weekdays 07:30 Europe/Berlin"}), ("news schedule", {}),
            ("news filter", {"mode": "exclude", "keywords": "sports"}), ("news help", {}),
        ]
        print(f"command service on the bundled corpus (SQLite), median of {RUNS}:")
        for name, args in commands:
            ms = median_ms(lambda: service.handle(Request(name, ADMIN, PLACE, args)))
            print(f"  /{name} {' '.join(map(str, args.values()))}".ljust(52) + f"{ms:7.2f} ms")
        store.dispose()
    reply = Reply.of(DigestView(big_digest()))
    print("rendering a 25-story digest (8 sentences each):")
    for name, module in (("discord", discord), ("slack", slack), ("terminal", terminal)):
        out = module.render(reply)
        parts = len(out) if isinstance(out, list) else 1
        print(f"  {name}".ljust(52) + f"{median_ms(lambda: module.render(reply)):7.2f} ms  ({parts} message(s))")


if __name__ == "__main__":
    main()
