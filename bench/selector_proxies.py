"""The selector's quality on every proxy at once, for other settings of its `SelectorConfig`,
with the sentence model cross-validated: what a change to the mixing weights must show.

    .venv/bin/python -m bench.selector_proxies [SETTING ...] [--random N] [--seed 0]

SETTING: `name=value[,name=value...]` for SelectorConfig fields (e.g. `learned=1.5` or
`centrality=0.5,position=1.5`), or `default`. `--random N` adds N settings drawn around the
defaults, every relevance weight (centrality, position, support, phrase_support, learned,
concepts, ilp_relevance) multiplied by e^N(0, 0.4). Each row: Multi-News 250 words F1 and its
clusters of 3+ articles at 100 words recall, each cluster summarised with a sentence model fitted
on the other folds (the folds of bench/train_sentence_model.py); MultiLing at 100 and 250 words
recall, with the model fitted on every Multi-News cluster (MultiLing is never used for fitting).
"""

from __future__ import annotations

import argparse
from dataclasses import fields, replace
from pathlib import Path

import numpy as np

from bench.train_sentence_model import DEFAULT_FILE, fit, targets
from bot.offline import read_clusters
from digests.selector import DEFAULT, SelectorConfig, scoring
from digests.summarize import summarize
from digests.units import split_documents

NEWSWIRE = DEFAULT_FILE.with_name("multiling2011.jsonl")
MIXING = ("centrality", "position", "support", "phrase_support", "learned", "concepts", "ilp_relevance")


def parse(setting: str) -> SelectorConfig:
    if setting == "default":
        return DEFAULT
    types = {f.name: type(getattr(DEFAULT, f.name)) for f in fields(SelectorConfig)}
    changes = {}
    for part in setting.split(","):
        name, _, value = part.partition("=")
        if name not in types:
            raise SystemExit(f"{name!r}: not a SelectorConfig field")
        changes[name] = types[name](value)
    return replace(DEFAULT, **changes)


def drawn(n: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    return [",".join(f"{k}={getattr(DEFAULT, k) * np.exp(rng.normal(0, 0.4)):.3f}" for k in MIXING) for _ in range(n)]


def prepare(path: Path, tokenize):
    out = []
    for c in read_clusters(path):
        if not (c.documents and c.references):
            continue
        units = split_documents(c.documents)
        s = scoring(units, c.documents)
        eligible = s.features.eligible
        table = s.learning_table(units) if len(eligible) else np.zeros((0, 0))
        out.append((c, units, table, targets(units, eligible, c.references, tokenize)))
    return out


def main(argv: list[str] | None = None) -> int:
    from rouge_score import rouge_scorer, tokenizers

    p = argparse.ArgumentParser(prog="bench.selector_proxies")
    p.add_argument("settings", nargs="*")
    p.add_argument("--file", type=Path, default=DEFAULT_FILE)
    p.add_argument("--newswire", type=Path, default=NEWSWIRE)
    p.add_argument("--random", type=int, default=0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--folds", type=int, default=5)
    args = p.parse_args(argv)
    settings = (args.settings or ["default"]) + drawn(args.random, args.seed)
    configs = [parse(s) for s in settings]
    tokenize = tokenizers.DefaultTokenizer(use_stemmer=True).tokenize
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=True)

    def rouge(cluster, text) -> np.ndarray:
        s = [scorer.score(r, text) for r in cluster.references]
        return np.array([np.mean([x[m].recall for x in s]) for m in ("rouge1", "rouge2")] + [np.mean([x[m].fmeasure for x in s]) for m in ("rouge1", "rouge2")])

    stories = prepare(args.file, tokenize)
    wire = prepare(args.newswire, tokenize) if args.newswire.is_file() else []
    fitted = [k for k, st in enumerate(stories) if len(st[3])]
    order = np.random.default_rng(args.seed).permutation(len(stories))  # the same folds as bench.train_sentence_model
    folds = []
    for fold in range(args.folds):
        held = set(order[fold :: args.folds].tolist())
        train = [k for k in fitted if k not in held]
        folds.append((sorted(held), fit([stories[k][2] for k in train], [stories[k][3] for k in train], 10.0)))
    everything = fit([stories[k][2] for k in fitted], [stories[k][3] for k in fitted], 10.0)
    many = [k for k, st in enumerate(stories) if len(st[0].documents) >= 3]
    print(f"{args.file.name}: {len(stories)} clusters ({len(many)} of 3+ articles), {args.folds}-fold; {args.newswire.name}: {len(wire)} clusters")
    print("Multi-News 250 w F1 R-1 / R-2 | 3+ articles 100 w recall | MultiLing 100 w recall | 250 w recall | setting")
    for setting, config in zip(settings, configs):
        f250, r100 = np.zeros(4), np.zeros(4)
        for held, model in folds:
            for k in held:
                c, units = stories[k][:2]
                f250 += rouge(c, summarize(c.documents, 250, config=config, units=units, model=model).text)
                if k in many:
                    r100 += rouge(c, summarize(c.documents, 100, config=config, units=units, model=model).text)
        newswire = [sum((rouge(c, summarize(c.documents, w, config=config, units=u, model=everything).text) for c, u, *_ in wire), np.zeros(4)) for w in (100, 250)]
        a, b = 100 * f250 / len(stories), 100 * r100 / max(len(many), 1)
        n, m = (100 * x / max(len(wire), 1) for x in newswire)
        print(f"{a[2]:.2f} / {a[3]:.2f} | {b[0]:.2f} / {b[1]:.2f} | {n[0]:.2f} / {n[1]:.2f} | {m[0]:.2f} / {m[1]:.2f} | {setting}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
