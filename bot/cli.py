"""Command-line interface: parses arguments, loads settings once, dispatches a subcommand."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from bot.logs import setup_logging
from config import ConfigError, Settings, load_settings
from corpus.store import DatabaseUnavailable, Store

log = logging.getLogger("newsbot")


def open_store(settings: Settings) -> Store:
    store = Store(settings.database_url)
    store.migrate()
    return store


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from bot.clustering import cluster_config
    from bot.ingesting import ingest_targets
    from bot.stories import update_stories

    store = open_store(settings)
    report = ingest_targets(store, settings, args.targets, progress=True)
    print(report.summary())
    if report.new:
        print(f"stories: {update_stories(store, cluster_config(settings)).summary()}")
    return 0 if report.new or report.duplicate or report.completed or not report.failed else 1


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runner import build_service
    from bot.terminal import print_search

    settings.channels.search_page_size = min(args.limit, 10)
    service = build_service(settings, open_store(settings))
    limit = settings.channels.search_page_size if args.limit != 10 else None
    return 0 if print_search(service, " ".join(args.query), sys.stdout, args.page, limit) else 1


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from bot.ingesting import ingest_targets
    from bot.runner import serve

    store = open_store(settings)
    if settings.terminal.enabled:
        report = ingest_targets(store, settings, [str(d) for d in settings.corpus_dirs], progress=True)
        print(f"corpus: {report.summary()}", flush=True)
    return asyncio.run(serve(settings, store, sys.stdin, sys.stdout))


def cmd_digest(args: argparse.Namespace, settings: Settings) -> int:
    """Ingest the configured corpus folders (already stored articles are skipped), then print a
    digest of everything stored."""
    from bot.commands import UsageError
    from bot.ingesting import ingest_targets
    from bot.messages import DigestView, Reply
    from bot.provider import DigestScope
    from bot.render.terminal import render
    from bot.runner import build_service
    from bot.service import check_query

    topic = (args.topic or "").strip() or None
    if topic:
        try:
            check_query(topic, "topic")
        except UsageError as exc:
            print(f"newsbot: {exc}", file=sys.stderr)
            return 2
    store = open_store(settings)
    report = ingest_targets(store, settings, [str(d) for d in settings.corpus_dirs], progress=True)
    if report.failed:
        print(f"corpus: {report.summary()}", file=sys.stderr)
    scope = DigestScope(
        topic=topic, story_count=args.stories, words=args.words or settings.channels.words,
        algorithm=args.algorithm or settings.channels.algorithm,
        title=f"News digest: {topic}" if topic else "News digest", zone=settings.channels.timezone,
    )
    digest = build_service(settings, store).provider.digest(scope)
    if not digest.stories:
        if topic:
            print(f"No stored story mentions {topic!r}. Try a broader word, or leave out --topic.", file=sys.stderr)
        else:
            print("No stories to show: ingest some articles first (python run_bot.py ingest PATH_OR_URL).", file=sys.stderr)
        return 1
    print(render(Reply.of(DigestView(digest))))
    return 0


def cmd_check_config(args: argparse.Namespace, settings: Settings) -> int:
    from bot.configdump import effective_config

    from bot.runner import NOTHING_TO_RUN, nothing_to_run

    print(effective_config(settings))
    if nothing_to_run(settings):  # valid settings, but `run` would stop at once (the Docker image without its tokens)
        print(f"newsbot: {NOTHING_TO_RUN}", file=sys.stderr)
        return 2
    print("configuration OK", file=sys.stderr)
    return 0


def cmd_healthcheck(args: argparse.Namespace, settings: Settings) -> int:
    """What the Docker HEALTHCHECK runs: exit 0 when the running bot says it is ready."""
    import httpx

    # A wildcard address is every interface: ask on loopback. An IPv6 address goes in brackets.
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(settings.health.host, settings.health.host)
    url = f"http://{f'[{host}]' if ':' in host else host}:{settings.health.port}/readyz"
    try:
        r = httpx.get(url, timeout=args.timeout)
    except httpx.HTTPError as exc:
        print(f"unhealthy: no answer from {url} ({type(exc).__name__})", file=sys.stderr)
        return 1
    if r.status_code != 200:
        print(f"unhealthy: {url} answered {r.status_code}: {r.text.strip()}", file=sys.stderr)
        return 1
    print("healthy")
    return 0


def cmd_cluster(args: argparse.Namespace, settings: Settings) -> int:
    from bot.clustering import cluster_config, cluster_file

    return cluster_file(Path(args.input), Path(args.output), cluster_config(settings))


def cmd_summarize(args: argparse.Namespace, settings: Settings) -> int:
    from bot.offline import InputError, summarize_file

    try:
        clusters, empty = summarize_file(args.input, args.output, args.words, args.algorithm, progress=sys.stderr.isatty())
    except InputError as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return 2
    print(f"summarized {clusters} clusters into {args.output} ({empty} empty)", file=sys.stderr)
    return 0


def cmd_evaluate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.evaluate import run
    from bot.offline import InputError

    try:
        from bot.clustering import cluster_config

        return run(args.files, args.words, args.limit, args.algorithms, cluster_config(settings))
    except InputError as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return 2


def positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n <= 0:
        raise argparse.ArgumentTypeError(f"expected a whole number above 0, got {value!r}")
    return n


def build_parser() -> argparse.ArgumentParser:
    from digests.algorithms import ALGORITHMS, DEFAULT_ALGORITHM  # names only: sumy is not loaded

    p = argparse.ArgumentParser(prog="run_bot.py", description="newsbot: news digests for Discord, Slack and the terminal.")
    p.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", help="start the bot (the default): the terminal, plus Discord/Slack when configured")
    run.set_defaults(func=cmd_run)

    ing = sub.add_parser("ingest", help="ingest files, folders, feed URLs and page URLs")
    ing.add_argument("targets", nargs="+", metavar="PATH_OR_URL")
    ing.set_defaults(func=cmd_ingest)

    se = sub.add_parser("search", help="full-text search over the stored articles")
    se.add_argument("query", nargs="+")
    se.add_argument("--limit", type=positive_int, default=10, help="results to show (at most 10)")
    se.add_argument("--page", type=positive_int, default=1, help="which page of results (default 1)")
    se.set_defaults(func=cmd_search)
    dg = sub.add_parser("digest", help="print a digest of the stored articles (the bundled corpus by default)")
    dg.add_argument("--stories", type=positive_int, default=10, help="how many stories (default 10)")
    dg.add_argument("--words", type=positive_int, help="words per story summary (default: channels.words)")
    dg.add_argument("--topic", help="only stories about these words")
    dg.add_argument("--algorithm", choices=ALGORITHMS, help="summarizer (default: channels.algorithm)")
    dg.set_defaults(func=cmd_digest)

    cc = sub.add_parser("check-config", help="validate the configuration and print it, secrets masked")
    cc.set_defaults(func=cmd_check_config)

    hc = sub.add_parser("healthcheck", help="exit 0 if the running bot's health endpoint says it is ready")
    hc.add_argument("--timeout", type=float, default=3.0)
    hc.set_defaults(func=cmd_healthcheck)

    cl = sub.add_parser("cluster", help="group articles (JSON lines) into stories: writes {\"id\", \"story\"} lines")
    cl.add_argument("--input", required=True, metavar="ARTICLES.jsonl", help='one {"id", "title", "text", ...} a line')
    cl.add_argument("--output", required=True, metavar="LABELS.jsonl")
    cl.set_defaults(func=cmd_cluster)



    sm = sub.add_parser("summarize", help="summarise each cluster of a JSON Lines file (does not cluster)")
    sm.add_argument("--input", type=Path, required=True, metavar="CLUSTERS.jsonl",
                    help='one cluster a line: {"id", "documents": [{"title", "text", "source", "url"?, "published"?}]}')
    sm.add_argument("--output", type=Path, required=True, metavar="OUT.jsonl", help='one {"id", "summary"} a line')
    sm.add_argument("--words", type=positive_int, required=True, metavar="N", help="at most N words, whole sentences only")
    sm.add_argument("--algorithm", choices=ALGORITHMS, default=DEFAULT_ALGORITHM,
                    help=f"{DEFAULT_ALGORITHM} (the default: the project's selector) or a plain sumy algorithm")
    sm.set_defaults(func=cmd_summarize)

    ev = sub.add_parser("evaluate", help="ROUGE of every summarizer side by side on files with human references")
    ev.add_argument("files", nargs="*", metavar="FILE",
                    help="JSON Lines with references (default: the files in ../shared/eval)")
    ev.add_argument("--words", type=positive_int, help="summary budget (default: 250 for multinews files, else 100)")
    ev.add_argument("--limit", type=positive_int, metavar="K", help="only the first K clusters of each file")
    ev.add_argument("--algorithms", metavar="A,B,...",
                    help="which summarizers to run (default: all); --algorithms=-kl leaves one out: KL is about cubic "
                         "in the number of sentences (minutes on 1,000)")
    ev.set_defaults(func=cmd_evaluate)
    return p




def main(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", cmd_run)
    try:
        settings = load_settings()
        # One-shot commands stay quiet unless asked; the running bot logs at the configured level.
        level = settings.log.level if func is cmd_run else "WARNING"
        level = ["INFO", "DEBUG"][min(args.verbose, 2) - 1] if args.verbose else level
        setup_logging(level, settings.log.format, settings.secret_values())
        return func(args, settings)
    except ConfigError as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return 2
    except DatabaseUnavailable as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nnewsbot: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into `head` and the like: not an error. Silence the final flush too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
