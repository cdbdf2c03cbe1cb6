"""Articles from files and folders.

The bundled corpus format (corpus/README.md) is Markdown or text with a YAML front-matter
block for title, outlet, url, published and author. Plain .txt, .md, .html and .json files
(one article, a list of them, or a JSON Feed) and .jsonl (an article a line) work too."""

from __future__ import annotations

import codecs
import json
import re
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import yaml

from corpus import untrusted
from corpus.dates import to_utc
from corpus.raw import RawArticle, Skipped

SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl"}
_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def iter_paths(path: Path) -> Iterator[Path]:
    """The article files under `path`, sorted; dotfiles and READMEs are documentation, not news."""
    if path.is_dir():
        for p in sorted(path.rglob("*")):
            rel = p.relative_to(path).parts
            if p.is_file() and not any(part.startswith(".") for part in rel) and not p.name.upper().startswith("README"):
                yield p
    else:
        yield path


def read_path(path: Path, max_bytes: int) -> Iterator[RawArticle | Skipped]:
    """Every article in a file or folder, or a Skipped with its reason for each file that fails."""
    if not path.exists():
        yield Skipped(str(path), "no such file or folder")
        return
    for p in iter_paths(path):
        yield from read_file(p, max_bytes)


def read_file(path: Path, max_bytes: int) -> Iterator[RawArticle | Skipped]:
    origin = str(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        yield Skipped(origin, f"unsupported file type {suffix or '(none)'}; use .txt, .md, .html, .json or .jsonl")
        return
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            # A device or a pipe (/dev/zero behind a link named x.jsonl) would be read forever.
            yield Skipped(origin, "not a regular file (a device, pipe or socket)")
            return
        if st.st_size > max_bytes:
            yield Skipped(origin, f"file too large ({st.st_size:,} bytes; the limit is corpus.max_file_bytes = {max_bytes:,})")
            return
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)  # the size may have grown since stat()
        if len(data) > max_bytes:
            yield Skipped(origin, f"file too large (over {max_bytes:,} bytes, the limit set by corpus.max_file_bytes)")
            return
    except OSError as exc:
        yield Skipped(origin, f"unreadable: {exc.strerror or exc}")
        return
    # Text saved as UTF-16 or UTF-32 (Windows' "Unicode") says so in its byte order mark; without
    # one, or when what follows the mark is no such text, its NUL bytes make it binary.
    text = _unicode_with_mark(data)
    if text is None:
        if b"\x00" in data[:8192]:
            yield Skipped(origin, "binary file, not text")
            return
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            yield Skipped(origin, f"not UTF-8 (bad byte at offset {exc.start}); save it as UTF-8")
            return
    if not text.strip():
        yield Skipped(origin, "empty file")
        return
    if suffix in (".html", ".htm"):
        yield _from_html(text, origin)
    elif suffix == ".json":
        yield from _from_json(text, origin)
    elif suffix == ".jsonl":
        yield from _from_jsonl(text, origin)
    else:
        yield _from_text(text, origin, markdown=suffix != ".txt")


def _unicode_with_mark(data: bytes) -> str | None:
    codec = next((c for bom, c in _UNICODE_BOMS if data.startswith(bom)), None)
    try:
        return data.decode(codec) if codec else None
    except UnicodeDecodeError:
        return None


# UTF-32's marks first: UTF-32-LE's begins with UTF-16-LE's. The codecs drop the mark.
_UNICODE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


def _from_text(text: str, origin: str, markdown: bool) -> RawArticle | Skipped:
    meta: dict = {}
    if m := _FRONT.match(text):
        try:
            meta = yaml.safe_load(m.group(1)) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 2}" if mark else ""
            return Skipped(origin, f"front matter is not valid YAML{where}")
        if not isinstance(meta, dict):
            return Skipped(origin, "front matter must be key: value lines")
        text = text[m.end() :]
    if markdown:
        text = _MD_LINK.sub(r"\1", text)
    title = _scalar(meta, "title")
    if not title:
        title = _first_line_title(text, markdown)
    return _article(meta, title, text, origin)


def _first_line_title(text: str, markdown: bool) -> str:
    for line in text.splitlines():
        if line.strip():
            if markdown and (h := _MD_HEADING.match(line)):
                return h.group(1)
            return line.strip()[:300]
    return ""


def _article(meta: dict, title: str, text: str, origin: str) -> RawArticle | Skipped:
    if not text.strip() and not title:
        return Skipped(origin, "no title and no text")
    return RawArticle(
        title=title,
        text=text,
        outlet=_scalar(meta, "outlet", "source", "sitename"),
        url=_scalar(meta, "url") or None,
        author=_scalar(meta, "author") or None,
        published=to_utc(meta.get("published") or meta.get("date")),
        guid=_scalar(meta, "guid") or None,
        origin=origin,
    )


def _scalar(meta: dict, *keys: str) -> str:
    """The first of `keys` that holds a value, as text; a list or a table is no title, author or
    link (and in YAML, aliases can make one whose text never ends: a "billion laughs")."""
    value = next((meta[k] for k in keys if meta.get(k)), "")
    return str(value).strip() if isinstance(value, (str, int, float, date)) else ""


def _from_html(html: str, origin: str) -> RawArticle | Skipped:
    from corpus.pages import extract_article  # trafilatura is slow to import; only when needed

    return extract_article(html, url=None, origin=origin)


def _from_json(text: str, origin: str) -> Iterator[RawArticle | Skipped]:
    try:
        data = untrusted.json_loads(text)
    except json.JSONDecodeError as exc:
        yield Skipped(origin, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}")
        return
    if isinstance(data, dict) and str(data.get("version", "")).startswith("https://jsonfeed.org/"):
        from corpus.feeds import parse_json_feed

        yield from parse_json_feed(data, origin)
        return
    items = data if isinstance(data, list) else [data]
    for i, item in enumerate(items):
        where = origin if len(items) == 1 else f"{origin}[{i}]"
        yield _from_mapping(item, where)


def _from_jsonl(text: str, origin: str) -> Iterator[RawArticle | Skipped]:
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = untrusted.json_loads(line)
        except json.JSONDecodeError as exc:
            yield Skipped(f"{origin}:{n}", f"invalid JSON: {exc.msg}")
            continue
        yield _from_mapping(item, f"{origin}:{n}")


def _from_mapping(item: object, origin: str) -> RawArticle | Skipped:
    if not isinstance(item, dict):
        return Skipped(origin, "expected an object with title and text")
    title = _scalar(item, "title")
    text = item.get("text") or item.get("content") or ""
    if not isinstance(text, str):
        return Skipped(origin, "'text' must be a string")
    return _article(item, title, text, origin)
