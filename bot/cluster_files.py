"""Article files for the `cluster` and `evaluate` commands: one JSON object a line,
{"id", "title", "text", "source"?, "url"?, "published"?}, extra keys (such as "story") kept aside.

A bad line is reported with its number and reason and skipped; the rest are still read."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from corpus import untrusted
from corpus.dates import to_utc
from digests.model import Document


@dataclass
class ArticleFile:
    documents: list[Document] = field(default_factory=list)
    ids: dict[str, object] = field(default_factory=dict)  # document id -> the id as the file wrote it
    stories: dict[str, str] = field(default_factory=dict)  # document id -> "story" label, when given
    problems: list[str] = field(default_factory=list)


def read_articles(path: Path) -> ArticleFile:
    """Read an article file. Raises OSError when the file can't be opened."""
    out = ArticleFile()
    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, 1):
            problem = _read_line(raw, out)
            if problem:
                out.problems.append(f"{path.name} line {number}: {problem}")
    return out


def _read_line(raw: bytes, out: ArticleFile) -> str | None:
    try:
        line = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        return "not UTF-8 text; skipped"
    if not line:
        return None
    try:
        item = untrusted.json_loads(line)
    except json.JSONDecodeError as exc:
        return f"not JSON ({exc.msg} at column {exc.colno}); skipped"
    if not isinstance(item, dict):
        return f"expected a JSON object, found {type(item).__name__}; skipped"
    raw_id = item.get("id")
    if not isinstance(raw_id, (str, int)) or isinstance(raw_id, bool) or str(raw_id).strip() == "":
        return 'no "id" (a string or number); skipped'
    doc_id = str(raw_id)
    if doc_id in out.ids:
        return f"id {doc_id!r} repeats an earlier line; skipped"
    title, text = item.get("title", ""), item.get("text", "")
    if not isinstance(title, str) or not isinstance(text, str):
        return f'id {doc_id!r}: "title" and "text" must be strings; skipped'
    source = item.get("source", "")
    url = item.get("url")
    published = to_utc(item.get("published")) if isinstance(item.get("published"), (str, int, float)) else None
    problem = None
    if item.get("published") not in (None, "") and published is None:
        problem = f"id {doc_id!r}: unreadable \"published\" {str(item.get('published'))[:40]!r}; clustered as undated"
    if not title.strip() and not text.strip():
        problem = f"id {doc_id!r}: empty title and text; it forms a story of its own"
    out.documents.append(
        Document(
            id=doc_id,
            title=title,
            text=text,
            outlet=source if isinstance(source, str) else "",
            url=url if isinstance(url, str) else None,
            published=published,
        )
    )
    out.ids[doc_id] = raw_id
    if "story" in item and isinstance(item["story"], (str, int)):
        out.stories[doc_id] = str(item["story"])
    return problem
