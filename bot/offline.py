"""File-to-file commands: `summarize` reads clusters as JSON Lines and writes one summary a
line. Reading, checking and writing live here; the algorithms live in digests/."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

from bot.jsonl import dumps_line, same_file
from corpus import untrusted
from corpus.dates import to_utc
from digests.model import Document
from digests.summarize import summarize


class InputError(Exception):
    """The input file as a whole can't be read, or the output can't be written; the message says
    what to do."""


@dataclass(frozen=True)
class Cluster:
    line: int
    id: str
    documents: list[Document]
    references: list[str]


def _shown(cluster_id: str) -> str:
    """An id as a one-line message shows it: as written when it is short and printable, else
    quoted with its line breaks and control characters escaped, and cut."""
    return cluster_id if cluster_id.isprintable() and len(cluster_id) <= 80 else repr(cluster_id[:80])


def _text(value: object) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def read_clusters(path: Path, warn: TextIO = sys.stderr) -> Iterator[Cluster]:
    """Clusters from a JSON Lines file, one a line. A bad line is reported on `warn` with its
    number and skipped (or, when it has an id, kept with no documents); nothing raises after
    the file is opened."""
    with _open_input(path) as handle:
        yield from _clusters(handle, warn)


def _open_input(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}; give a JSON Lines file, one cluster a line") from None


def _clusters(handle: BinaryIO, warn: TextIO) -> Iterator[Cluster]:
    for n, raw in enumerate(handle, start=1):
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            # Most often Windows-1252 text saved as is; read it as that, else replace the bytes.
            try:
                line, how = raw.decode("cp1252"), "read as Windows-1252"
            except UnicodeDecodeError:
                line, how = raw.decode("utf-8", errors="replace"), "undecodable bytes replaced"
            print(f"line {n}: not valid UTF-8; {how}", file=warn)
        try:
            item = untrusted.json_loads(line)
        except json.JSONDecodeError as exc:
            print(f"line {n}: not valid JSON ({exc.msg}); skipped", file=warn)
            continue
        if not isinstance(item, dict) or "id" not in item:
            print(f'line {n}: expected an object with "id" and "documents"; skipped', file=warn)
            continue
        cid = _text(item["id"])
        docs = item.get("documents")
        if not isinstance(docs, list) or not docs:
            # An article of a `cluster` input ({"id", "title", "text"}) is the likely mix-up.
            hint = ' (this looks like one article, as `cluster` reads; summarize wants {"id", "documents": [...]} a line)' if "documents" not in item and "text" in item else ""
            print(f"line {n} (id {_shown(cid)}): no documents; empty summary{hint}", file=warn)
            docs = []
        documents = []
        for k, d in enumerate(docs):
            if not isinstance(d, dict):
                print(f"line {n} (id {_shown(cid)}): document {k + 1} is not an object; ignored", file=warn)
                continue
            documents.append(
                Document(
                    id=f"{cid}/{k}",
                    title=_text(d.get("title")),
                    text=_text(d.get("text")),
                    outlet=_text(d.get("source") or d.get("outlet")),
                    url=_text(d.get("url")) or None,
                    published=to_utc(d.get("published")),
                )
            )
        refs = item.get("references")
        references = [r for r in refs if isinstance(r, str)] if isinstance(refs, list) else []
        yield Cluster(n, cid, documents, references)


def summarize_file(
    input_path: Path, output_path: Path, words: int, algorithm: str, warn: TextIO = sys.stderr, progress: bool = True
) -> tuple[int, int]:
    """Summarise every cluster of `input_path` into `output_path`; returns (clusters, empty)."""
    # The input is opened first: an existing output is not emptied for an input that can't be
    # read, nor is the input itself, named as the output too, emptied before it is read.
    with _open_input(input_path) as handle:
        if same_file(input_path, output_path):
            raise InputError(f"{output_path} is the input file; writing the summaries there would erase the clusters before they are read. Choose another --output")
        try:
            out = output_path.open("w", encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write {output_path}: {exc.strerror or exc}; choose an --output in a folder that exists and that you may write to") from None
        with out:
            return _summarize_all(_clusters(handle, warn), out, words, algorithm, warn, progress)


def _summarize_all(items: Iterator[Cluster], out: TextIO, words: int, algorithm: str, warn: TextIO, progress: bool) -> tuple[int, int]:
    from tqdm import tqdm

    clusters = empty = 0
    for cluster in tqdm(items, desc="summarize", unit=" clusters", disable=not progress, file=sys.stderr):
        summary = summarize(cluster.documents, words, algorithm).text if cluster.documents else ""
        if cluster.documents and not summary:
            print(f"line {cluster.line} (id {_shown(cluster.id)}): no sentence fits {words} words; empty summary", file=warn)
        out.write(dumps_line({"id": cluster.id, "summary": summary}) + "\n")
        clusters += 1
        empty += not summary
    return clusters, empty
