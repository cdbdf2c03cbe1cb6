"""Rewrite a summarization file's documents in the layout of DUC/TDT newswire, to check that
segmentation copes with it: hard-wrapped at 70 columns, no blank lines, each paragraph after the
first indented three spaces, quotation marks as the LDC's `` and ''.

    python -m bench.wire_layout ../shared/eval/multiling2011.jsonl > /tmp/multiling-wire.jsonl
    python run_bot.py evaluate /tmp/multiling-wire.jsonl --words 100 --algorithms newsbot,lexrank
"""

from __future__ import annotations

import json
import sys
import textwrap


def ldc_quotes(paragraph: str) -> str:
    """Straight double quotes as `` and '', by turns."""
    out, opening = [], True
    for ch in paragraph:
        if ch == '"':
            out.append("``" if opening else "''")
            opening = not opening
        else:
            out.append(ch)
    return "".join(out)


def wire_text(text: str) -> str:
    paras = [p.strip() for p in text.split("\n") if p.strip()]
    lines: list[str] = []
    for i, p in enumerate(paras):
        lines += textwrap.wrap(ldc_quotes(p), 70, initial_indent="" if i == 0 else "   ", break_on_hyphens=False)
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m bench.wire_layout FILE.jsonl > OUT.jsonl", file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as f:
        for line in f:
            cluster = json.loads(line)
            for doc in cluster["documents"]:
                doc["text"] = wire_text(doc["text"])
            sys.stdout.write(json.dumps(cluster) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
