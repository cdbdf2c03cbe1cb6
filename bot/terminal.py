"""The terminal channel: the embedded default when no chat platform is configured."""

from __future__ import annotations

from typing import TextIO

from sqlalchemy import select

from config.settings import Settings
from corpus.models import Article
from corpus.search import search
from corpus.store import Store

HELP = "commands: /news search <words>, /digest, /news help; Ctrl-D or Ctrl-C to quit"


def print_search(store: Store, query: str, limit: int = 10, out: TextIO | None = None) -> bool:
    import sys

    out = out or sys.stdout
    with store.session() as s:
        page = search(s, query, limit=limit)
    if not page.hits:
        print(f"No stored article matches {query!r}.", file=out)
        return False
    for i, h in enumerate(page.hits, 1):
        date = h.published_at.date().isoformat() if h.published_at else "undated"
        print(f"{i}. {h.title}\n   {h.outlet or 'unknown outlet'} · {date} · {h.url or '(no link)'}", file=out)
    return True


def print_article_list(store: Store, out: TextIO) -> None:
    with store.session() as s:
        articles = s.scalars(select(Article).order_by(Article.published_at.desc().nulls_last(), Article.id)).all()
        print(f"== {len(articles)} stored articles ==", file=out)
        for a in articles:
            date = a.published_at.date().isoformat() if a.published_at else "undated"
            print(f"- {a.title} ({a.outlet or 'unknown outlet'}, {date})\n  {a.canonical_url or ''}", file=out)


def run_terminal(settings: Settings, store: Store, stdin: TextIO, out: TextIO) -> int:
    from bot.ingesting import ingest_targets

    report = ingest_targets(store, settings, [str(d) for d in settings.corpus_dirs], progress=True)
    print(f"corpus: {report.summary()}", file=out)
    print_article_list(store, out)
    try:  # from the prompt on, Ctrl-C is a clean exit (a signal right after the flush included)
        print(HELP, file=out, flush=True)
        for line in stdin:
            line = line.strip()
            if not line:
                continue
            if line.startswith("/news search "):
                print_search(store, line[len("/news search ") :], out=out)
            elif line == "/digest":
                print_article_list(store, out)
            else:
                print(HELP, file=out)
            out.flush()
    except KeyboardInterrupt:
        pass
    print("bye", file=out)
    return 0
