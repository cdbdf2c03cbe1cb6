"""What boilerplate cleaning removes: every removed line of the bundled seed articles with its
rule, and on the shared evaluation texts (../shared/eval) how many lines and words go, by rule,
with examples to read.

    .venv/bin/python -m bench.cleaning_report [--examples N]

Multi-News texts come as one paragraph each (tokenised, mostly lower-cased), so on them the
line rules barely apply; the "one sentence a line" variants split every paragraph into
sentences first, the harder test: a real sentence standing alone on its line must survive."""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from corpus.cleaning import clean_text, explain, rule_reason
from corpus.files import read_file
from corpus.raw import RawArticle

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "articles"
SHARED_EVAL = ROOT.parent / "shared" / "eval"
SUMMARY_FILES = ("multinews-val-300.jsonl", "multiling2011.jsonl")
HEADLINES = "uci-stories.jsonl"
EVAL_FILES = (*SUMMARY_FILES, HEADLINES)


def seed_articles() -> list[RawArticle]:
    """The bundled articles as ingestion reads them: front matter parsed, raw text."""
    return [a for p in sorted(SEEDS.glob("*.md")) for a in read_file(p, 10**7) if isinstance(a, RawArticle)]


def _sentences_a_line(text: str) -> str:
    import punkt

    tok = _sentences_a_line.tok = getattr(_sentences_a_line, "tok", None) or punkt.PunktSentenceTokenizer(
        punkt.load_model("english")
    )
    paras = [p for p in text.split("\n") if p.strip()]
    return "\n\n".join("\n".join(tok.tokenize(p)) for p in paras)


def eval_sets(eval_dir: Path = SHARED_EVAL) -> dict[str, list[tuple[str, str]]]:
    """(title, text) of every evaluation document, as given and one sentence a line; the human
    reference summaries, one sentence a line: real prose that should lose nothing; and real
    headlines, each a text of its own line: live-blog headings look like them and must stay."""
    sets: dict[str, list[tuple[str, str]]] = {}
    references: list[tuple[str, str]] = []
    for name in SUMMARY_FILES:
        clusters = _jsonl(eval_dir / name)
        docs = [(d.get("title") or "", d.get("text") or "") for c in clusters for d in c["documents"]]
        stem = name.removesuffix(".jsonl")
        sets[f"{stem} (as given)"] = docs
        sets[f"{stem} (one sentence a line)"] = [(t, _sentences_a_line(x)) for t, x in docs]
        references += [("", _sentences_a_line(r)) for c in clusters for r in c.get("references", [])]
    sets["reference summaries of both (one sentence a line)"] = references
    sets["uci-stories headlines (one a text)"] = [("", row["title"]) for row in _jsonl(eval_dir / HEADLINES)]
    return sets


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(ln) for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]


@dataclass
class Tally:
    docs: int = 0
    lines: int = 0
    words: int = 0
    lines_removed: int = 0
    words_removed: int = 0
    rules: Counter = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @property
    def line_rate(self) -> float:
        return self.lines_removed / self.lines if self.lines else 0.0

    @property
    def word_rate(self) -> float:
        return self.words_removed / self.words if self.words else 0.0


def _words(text: str) -> int:
    return len(text.split())


def measure(docs: list[tuple[str, str]], keep_examples: int = 10**9) -> Tally:
    t = Tally()
    for title, text in docs:
        t.docs += 1
        t.lines += sum(1 for ln in text.splitlines() if ln.strip())
        t.words += _words(text)
        t.words_removed += _words(text) - _words(clean_text(text, title))
        for r in explain(text, title):
            t.rules[r.rule] += 1
            t.lines_removed += not r.inline
            if len(t.examples[r.rule]) < keep_examples:
                t.examples[r.rule].append(r.text)
    return t


def seed_lines() -> Iterator[str]:
    total: Counter = Counter()
    for a in seed_articles():
        removals = explain(a.text, a.title)
        kept = clean_text(a.text, a.title)
        yield f"\n### {Path(a.origin).name}\n"
        yield f"{_words(a.text)} words in, {_words(kept)} kept; {sum(not r.inline for r in removals)} lines removed\n"
        yield "```"
        yield from (str(r) for r in removals)
        yield "```"
        total.update(r.rule for r in removals)
    yield "\n### Removals per rule, all seeds\n"
    yield from _rule_table(total)


def _rule_table(counts: Counter) -> Iterator[str]:
    yield "| rule | removals | why |"
    yield "|---|---:|---|"
    for rule, n in counts.most_common():
        yield f"| {rule} | {n} | {rule_reason(rule)} |"


def eval_lines(examples: int) -> Iterator[str]:
    if not all((SHARED_EVAL / f).exists() for f in EVAL_FILES):
        yield f"(evaluation data not found under {SHARED_EVAL}; nothing measured)"
        return
    yield "| texts | documents | lines | words | lines removed | words removed |"
    yield "|---|---:|---:|---:|---:|---:|"
    tallies = {name: measure(docs, examples) for name, docs in eval_sets().items()}
    for name, t in tallies.items():
        yield (
            f"| {name} | {t.docs} | {t.lines:,} | {t.words:,} | {t.lines_removed} ({t.line_rate:.2%}) "
            f"| {t.words_removed} ({t.word_rate:.2%}) |"
        )
    for name, t in tallies.items():
        if not t.rules:
            continue
        yield f"\n#### {name}: removals by rule\n"
        yield from _rule_table(t.rules)
        yield ""
        for rule, texts in t.examples.items():
            yield f"- `{rule}`: " + " · ".join(f"“{x[:120]}”" for x in texts)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--examples", type=int, default=12, help="removed lines shown per rule on the eval texts")
    args = ap.parse_args(argv)
    print("## Seeds: every removed line (line number, rule, text)")
    for line in seed_lines():
        print(line)
    print("\n## Evaluation texts (../shared/eval)\n")
    for line in eval_lines(args.examples):
        print(line)


if __name__ == "__main__":
    main()
