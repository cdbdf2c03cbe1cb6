"""Build a full-article clustering check from the shared summarization sets: every cluster of
Multi-News (validation sample) and MultiLing 2011 becomes one story, all mixed in one file.

Multi-News carries web-archive boilerplate in place of some articles ("Tweet with a location ...",
"These crawls are part of an effort to archive pages ..."); the same text stands in many
clusters, so it is not news and would only measure who groups the boilerplate. Such documents,
and documents under 30 words, are left out.

    python -m bench.full_articles OUT.jsonl && python run_bot.py evaluate OUT.jsonl
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

SHARED_EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
SOURCES = ("multinews-val-300.jsonl", "multiling2011.jsonl")
BOILERPLATE = re.compile(
    r"tweet with a location|add a location to your tweets|these crawls are part of|starting in 1996, alexa"
    r"|focused crawls are|archive-it|crawl of outlinks|web wide crawl|the seed for wide"
    r"|we have sent you a verification|sign in using|you must log in",
    re.I,
)


def is_boilerplate(text: str) -> bool:
    """Web-archive boilerplate standing in for an article, or too short to be one."""
    return bool(BOILERPLATE.search(text[:300])) or len(text.split()) < 30


def articles(eval_dir: Path = SHARED_EVAL):
    for name in SOURCES:
        with open(eval_dir / name, encoding="utf-8") as fh:
            for line in fh:
                cluster = json.loads(line)
                for k, doc in enumerate(cluster["documents"]):
                    text = doc.get("text", "")
                    if is_boilerplate(text):
                        continue
                    yield {"id": f"{cluster['id']}-{k}", "title": doc.get("title", ""), "text": text,
                           "source": doc.get("source", ""), "story": cluster["id"]}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    if not (SHARED_EVAL / SOURCES[0]).exists():
        print(f"no evaluation data at {SHARED_EVAL}", file=sys.stderr)
        return 1
    n = 0
    with open(argv[0], "w", encoding="utf-8") as out:
        for a in articles():
            out.write(json.dumps(a) + "\n")
            n += 1
    print(f"{n} articles -> {argv[0]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
