"""Feed and page URLs (placeholder until the feed and page fetchers land)."""

from __future__ import annotations

from collections.abc import Iterator

from config.settings import Settings
from corpus.raw import RawArticle, Skipped


def read_url(url: str, settings: Settings) -> Iterator[RawArticle | Skipped]:
    yield Skipped(url, "fetching URLs is not available in this build")
