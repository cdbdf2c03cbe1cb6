"""Command-line interface: parses arguments, loads settings once, dispatches a subcommand."""

from __future__ import annotations

import argparse
import logging
import sys

from config import ConfigError, Settings, load_settings
from corpus.store import DatabaseUnavailable, Store

log = logging.getLogger("newsbot")


def open_store(settings: Settings) -> Store:
    store = Store(settings.database_url)
    store.migrate()
    return store


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from bot.ingesting import ingest_targets

    store = open_store(settings)
    report = ingest_targets(store, settings, args.targets, progress=True)
    print(report.summary())
    return 0 if report.new or report.duplicate or not report.failed else 1


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runner import build_service
    from bot.terminal import print_search

    settings.channels.search_page_size = max(1, min(args.limit, 10))
    service = build_service(settings, open_store(settings))
    return 0 if print_search(service, " ".join(args.query), sys.stdout) else 1


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from bot.ingesting import ingest_targets
    from bot.runner import serve

    store = open_store(settings)
    if settings.terminal.enabled:
        report = ingest_targets(store, settings, [str(d) for d in settings.corpus_dirs], progress=True)
        print(f"corpus: {report.summary()}", flush=True)
    return asyncio.run(serve(settings, store, sys.stdin, sys.stdout))


def build_parser() -> argparse.ArgumentParser:
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
    se.add_argument("--limit", type=int, default=10, help="results to show (at most 10)")
    se.set_defaults(func=cmd_search)
    return p




def main(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=[logging.WARNING, logging.INFO, logging.DEBUG][min(args.verbose, 2)],
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    func = getattr(args, "func", cmd_run)
    try:
        settings = load_settings()
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
