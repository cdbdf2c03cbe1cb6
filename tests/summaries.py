"""Story fixtures for the summarization tests: the bundled seed corpus and small hand-made stories."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from corpus.cleaning import clean_text
from corpus.files import read_path
from corpus.raw import RawArticle
from digests.model import Document

ROOT = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def _seed() -> tuple[Document, ...]:
    docs = []
    for item in read_path(ROOT / "corpus" / "articles", 5_000_000):
        assert isinstance(item, RawArticle), item
        docs.append(
            Document(
                id=Path(item.origin).name, title=item.title, text=clean_text(item.text, item.title),
                outlet=item.outlet, url=item.url, published=item.published,
            )
        )
    return tuple(sorted(docs, key=lambda d: d.id))


def seed_documents() -> list[Document]:
    """The five bundled articles about the Syrian defections (one story)."""
    return list(_seed())


def write_clusters(path: Path, documents: Sequence[Document], copies: int = 4) -> Path:
    """A summarization file of `copies` clusters of these documents, each with the documents'
    first sentences as its reference: input for the benchmark scripts' tests."""
    reference = " ".join(d.text.split(". ")[0] for d in documents)
    docs = [{"title": d.title, "text": d.text, "source": d.outlet} for d in documents]
    with path.open("w") as out:
        for k in range(copies):
            out.write(json.dumps({"id": str(k), "documents": docs, "references": [reference]}) + "\n")
    return path
