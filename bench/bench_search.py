"""Full-text search over 100,000 stored articles, on SQLite and on PostgreSQL.

The articles are real text recombined: headlines and outlets from the UCI news stream, bodies of
6 to 20 sentences drawn from the Multi-News and MultiLing documents (../shared/eval). They are
inserted in bulk into the store's own tables, so SQLite's FTS5 triggers and PostgreSQL's
generated tsvector column index them exactly as ingestion does. Then a query mix (common and
rare words, several words, phrases with operators and junk, words that match nothing) runs
through corpus.search.search, a fresh session per query as the chat commands do, first page of
5 (the default page size) and sometimes the second.

Run: .venv/bin/python -m bench.bench_search [--articles 100000] [--queries 1000]
         [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test] [--sqlite-only]
PostgreSQL is used when --database-url or NEWSBOT_TEST_DATABASE_URL is given (a schema of its own,
dropped afterwards). Figures: bench/README.md."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import create_engine, func, insert, select, text

from corpus.models import Article
from corpus.search import query_words, search
from corpus.store import Store

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“A-Za-z0-9])")
T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
TARGET_P95_MS = 50.0


def real_text() -> tuple[list[tuple[str, str]], list[str]]:
    """(headline, outlet) pairs and a pool of sentences, from the evaluation files."""
    if not EVAL.is_dir():
        raise SystemExit(f"needs the evaluation data in {EVAL}")
    heads, sentences = [], []
    for line in (EVAL / "uci-stories.jsonl").open(encoding="utf-8"):
        a = json.loads(line)
        heads.append((a["title"], a["source"] or "Unknown"))
    for name in ("multinews-val-300.jsonl", "multiling2011.jsonl"):
        for line in (EVAL / name).open(encoding="utf-8"):
            for d in json.loads(line)["documents"]:
                if d.get("title"):
                    heads.append((d["title"], d.get("source") or "Unknown"))
                sentences += [s.strip() for s in _SENTENCE_END.split(" ".join(d["text"].split())) if 30 <= len(s.strip()) <= 400]
    return heads, sentences


def articles(n: int, rng: random.Random):
    heads, sentences = real_text()
    for i in range(n):
        title, outlet = rng.choice(heads)
        body = " ".join(rng.choices(sentences, k=rng.randint(6, 20)))
        host = re.sub(r"[^a-z0-9]+", "-", outlet.lower()).strip("-") or "news"
        yield {
            "title": title, "text": body, "outlet": outlet[:256], "canonical_url": f"https://{host}.example/bench/{i}",
            "published_at": T0 + timedelta(minutes=rng.randrange(525_600)), "fetched_at": T0,
            "content_hash": hashlib.sha256(f"{i}|{title}|{body}".encode()).hexdigest(),
        }


def fill(store: Store, n: int, batch: int = 5000) -> float:
    """Insert n articles in batches; the seconds it took (the FTS index is built meanwhile)."""
    rng = random.Random(20261121)
    rows, t = [], time.perf_counter()
    with store.engine.begin() as conn:
        for i, row in enumerate(articles(n, rng), 1):
            rows.append(row)
            if len(rows) == batch or i == n:
                conn.execute(insert(Article), rows)
                rows = []
                print(f"\r  {i:,} / {n:,} articles stored", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return time.perf_counter() - t


def query_mix(store: Store, count: int, rng: random.Random) -> list[tuple[str, str]]:
    """(kind, query) pairs drawn from the stored articles' own words."""
    with store.session() as s:
        sample = [t for (t,) in s.execute(select(Article.title).order_by(Article.id).limit(3000))]
        bodies = [t for (t,) in s.execute(select(Article.text).order_by(Article.id).limit(300))]
    freq = Counter(w.lower() for b in bodies for w in query_words(b) if len(w) > 3 and w.isalpha())
    ranked = [w for w, _ in freq.most_common()]
    common, rare = ranked[:200], [w for w, c in freq.items() if c == 1]
    kinds = {
        "common word": lambda: rng.choice(common),
        "rare word": lambda: rng.choice(rare),
        "two common words": lambda: f"{rng.choice(common)} {rng.choice(common)}",
        "headline words": lambda: " ".join(rng.sample(query_words(t := rng.choice(sample)), min(3, len(query_words(t))))),
        "operators and junk": lambda: rng.choice([
            f'"{rng.choice(common)}" OR ({rng.choice(common)}*', f"-{rng.choice(common)} NOT {rng.choice(rare)}",
            f"{rng.choice(common)} AND {rng.choice(common)} AND {rng.choice(common)}", "!!! ??? ***", f"🙂 {rng.choice(common)} ~~",
            " ".join(rng.choices(common, k=32)), f"NEAR({rng.choice(common)}, {rng.choice(common)})",
        ]),
        "no match": lambda: rng.choice(["zzqxvw", "qwertyuiopasdf", "xylophonequartz zzqxvw"]),
    }
    weights = {"common word": 30, "rare word": 15, "two common words": 20, "headline words": 20, "operators and junk": 10, "no match": 5}
    names = list(weights)
    return [(k, kinds[k]()) for k in rng.choices(names, [weights[k] for k in names], k=count)]


def measure(store: Store, queries: list[tuple[str, str]], rng: random.Random) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {}
    for kind, q in queries:
        offset = 5 if rng.random() < 0.2 else 0  # sometimes the second page
        t = time.perf_counter()
        with store.session() as s:
            search(s, q, limit=5, offset=offset)
        times.setdefault(kind, []).append((time.perf_counter() - t) * 1000)
    return times


def pct(values: list[float], p: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def bench(name: str, store: Store, n: int, count: int) -> bool:
    print(f"{name}: storing {n:,} articles...", file=sys.stderr)
    took = fill(store, n)
    with store.session() as s:
        stored = s.scalar(select(func.count()).select_from(Article))
    if store.dialect == "postgresql":
        with store.engine.begin() as c:
            c.execute(text("ANALYZE articles"))
    rng = random.Random(7)
    queries = query_mix(store, count + 100, rng)
    measure(store, queries[:100], rng)  # warm-up: caches, connections
    times = measure(store, queries[100:], rng)
    every = [t for ts in times.values() for t in ts]
    p95 = pct(every, 95)
    print(f"\n{name}: {stored:,} articles (stored in {took:.0f} s), {len(every):,} queries, page size 5")
    print(f"  {'kind':<20} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind, ts in sorted(times.items()):
        print(f"  {kind:<20} {len(ts):>5} {statistics.median(ts):>8.1f} {pct(ts, 95):>8.1f} {max(ts):>8.1f}")
    print(f"  {'all':<20} {len(every):>5} {statistics.median(every):>8.1f} {p95:>8.1f} {max(every):>8.1f}")
    print(f"  target p95 < {TARGET_P95_MS:g} ms: {'met' if p95 < TARGET_P95_MS else 'NOT met'}")
    return p95 < TARGET_P95_MS


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.bench_search", description=__doc__.split("\n\n")[0])
    p.add_argument("--articles", type=int, default=100_000)
    p.add_argument("--queries", type=int, default=1000)
    p.add_argument("--database-url", default=os.environ.get("NEWSBOT_TEST_DATABASE_URL", ""), help="PostgreSQL to test as well")
    p.add_argument("--sqlite-only", action="store_true")
    args = p.parse_args(argv)
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/bench.db")
        store.migrate()
        ok &= bench("SQLite (FTS5)", store, args.articles, args.queries)
        store.dispose()
    if args.database_url and not args.sqlite_only:
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(args.database_url)
        with admin.begin() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            store = Store(args.database_url, connect_args={"options": f"-csearch_path={schema}"})
            store.migrate()
            ok &= bench("PostgreSQL (tsvector, GIN)", store, args.articles, args.queries)
            store.dispose()
        finally:
            with admin.begin() as c:
                c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    elif not args.sqlite_only:
        print("\nPostgreSQL skipped: give --database-url or set NEWSBOT_TEST_DATABASE_URL", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
