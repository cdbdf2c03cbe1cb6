"""Turns what a user names (files, folders, feed URLs, page URLs) into articles to ingest."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from config.settings import Settings
from corpus.files import iter_paths, read_file
from corpus.raw import RawArticle, Skipped
from corpus.store import Store


def is_url(target: str) -> bool:
    return target.lower().startswith(("http://", "https://"))


def expand(targets: list[str]) -> list[str]:
    """Each target, with folders opened into their files, so progress can be counted."""
    units: list[str] = []
    for t in targets:
        if t.strip() and not is_url(t) and Path(t).is_dir():  # Path("") is the current folder
            units.extend(str(p) for p in iter_paths(Path(t)))
        else:
            units.append(t)
    return units


def read_target(target: str, settings: Settings, store: Store | None = None) -> Iterator[RawArticle | Skipped]:
    """`store`: where the articles go (a feed's teasers stored there already are not fetched again)."""
    if not target.strip():  # an unset shell variable, say: never the current folder
        yield Skipped(repr(target), "an empty name; give a file, a folder or an http(s) URL")
        return
    if is_url(target):
        from corpus.web import read_url  # network stack only when a URL is given

        yield from read_url(target, settings, store=store)
        return
    if "://" in target:
        yield Skipped(target, "only http:// and https:// URLs can be ingested")
        return
    path = Path(target)
    if not path.exists():
        yield Skipped(target, "no such file or folder")
        return
    yield from read_file(path, settings.corpus.max_file_bytes)
