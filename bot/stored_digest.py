"""A digest as JSON for the delivery log: what was posted can be posted again exactly (after a
crash) and shown again (/digest)."""

from __future__ import annotations

from datetime import datetime

from digests.digest import in_zone
from digests.model import Digest, Source, Story, SummarySentence


def _time(t: datetime | None) -> str | None:
    return t.isoformat() if t else None


def _parse(t: str | None) -> datetime | None:
    return datetime.fromisoformat(t) if t else None


def digest_to_json(d: Digest) -> dict:
    return {
        "title": d.title,
        "generated_at": _time(d.generated_at),
        "zone": getattr(d.generated_at.tzinfo, "key", "UTC"),  # isoformat keeps only the offset
        "stories": [
            {
                "id": st.id,
                "headline": st.headline,
                "updated": _time(st.updated),
                "sentences": [{"text": s.text, "citations": list(s.citations)} for s in st.sentences],
                "sources": [
                    {"number": s.number, "document_id": s.document_id, "outlet": s.outlet, "title": s.title, "url": s.url, "published": _time(s.published)}
                    for s in st.sources
                ],
            }
            for st in d.stories
        ],
    }


def digest_from_json(data: dict) -> Digest:
    stories = tuple(
        Story(
            id=st["id"],
            headline=st["headline"],
            sentences=tuple(SummarySentence(s["text"], tuple(s["citations"])) for s in st["sentences"]),
            sources=tuple(
                Source(s["number"], s["document_id"], s["outlet"], s["title"], s["url"], _parse(s["published"])) for s in st["sources"]
            ),
            updated=_parse(st["updated"]),
        )
        for st in data["stories"]
    )
    return Digest(data["title"], in_zone(_parse(data["generated_at"]), data.get("zone", "UTC")), stories)
