"""Command-line interface: parses arguments, loads settings once, dispatches a subcommand."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

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
    from bot.terminal import print_search

    store = open_store(settings)
    query = " ".join(args.query)
    return 0 if print_search(store, query, limit=args.limit) else 1


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.terminal import run_terminal

    return run_terminal(settings, open_store(settings), sys.stdin, sys.stdout)


def cmd_cluster(args: argparse.Namespace, settings: Settings) -> int:
    from bot.clustering import cluster_config, cluster_file

    return cluster_file(Path(args.input), Path(args.output), cluster_config(settings))


def cmd_evaluate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.clustering import cluster_config
    from bot.evaluate_clusters import run

    try:
        run(args.path, config=cluster_config(settings))
    except OSError as exc:
        print(f"newsbot: cannot read {args.path}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return 1
    return 0


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
    se.add_argument("--limit", type=int, default=10)
    se.set_defaults(func=cmd_search)

    cl = sub.add_parser("cluster", help="group articles (JSON lines) into stories: writes {\"id\", \"story\"} lines")
    cl.add_argument("--input", required=True, metavar="ARTICLES.jsonl", help='one {"id", "title", "text", ...} a line')
    cl.add_argument("--output", required=True, metavar="LABELS.jsonl")
    cl.set_defaults(func=cmd_cluster)

    ev = sub.add_parser("evaluate", help="score the clustering against a file whose lines carry \"story\"")
    ev.add_argument("path", metavar="FILE.jsonl")
    ev.set_defaults(func=cmd_evaluate)
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
