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
        return run(args.files, args.words, args.limit, args.algorithms)
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

    from digests.algorithms import ALGORITHMS, DEFAULT_ALGORITHM

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
