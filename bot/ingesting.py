"""Ingestion with progress shown: the `ingest` command and the start-up load of the corpus."""

from __future__ import annotations

import sys

from tqdm import tqdm

from bot.metrics import ARTICLES_INGESTED
from config.settings import Settings
from corpus.ingest import IngestReport, Ingestor
from corpus.sources import expand, is_url, read_target
from corpus.store import Store


def ingest_targets(store: Store, settings: Settings, targets: list[str], progress: bool = False) -> IngestReport:
    ingestor = Ingestor(store, settings.dedupe.near_duplicate_threshold)
    report = IngestReport()
    units = expand(targets)
    # The bar goes to stderr and only on a terminal (disable=None), so pipes stay clean.
    bar = tqdm(units, desc="ingesting", unit="src", file=sys.stderr, disable=None if progress else True, leave=False)
    for unit in bar:
        bar.set_postfix_str(f"{report.new} new, {report.duplicate} dup, {len(report.failed)} failed", refresh=False)
        before = report.new
        ingestor.ingest(read_target(unit, settings, store), report)
        ARTICLES_INGESTED.labels("url" if is_url(unit) else "file").inc(report.new - before)
    return report
