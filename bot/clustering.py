"""Clustering article files: the `cluster` command's work, and the settings it runs with."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from bot.cluster_files import read_articles
from bot.jsonl import dumps_line, same_file
from config.settings import Settings
from digests.cluster import ClusterConfig, cluster
from digests.model import Document


def cluster_config(settings: Settings) -> ClusterConfig:
    s = settings.stories
    return ClusterConfig(threshold=s.threshold, window_hours=s.window_hours, decay_hours=s.decay_hours)


def label_documents(documents: Sequence[Document], config: ClusterConfig) -> dict[str, str]:
    """Story labels "s1", "s2", ... numbered in the order each story first appears in `documents`."""
    position = {d.id: i for i, d in enumerate(documents)}
    stories = sorted(cluster(documents, config=config), key=lambda s: min(position[d.id] for d in s.documents))
    return {d.id: f"s{n}" for n, s in enumerate(stories, 1) for d in s.documents}


def cluster_file(input_path: Path, output_path: Path, config: ClusterConfig) -> int:
    """Read articles, cluster them, write {"id", "story"} lines in input order. Returns an exit code."""
    if same_file(input_path, output_path):
        print(f"newsbot: {output_path} is the input file; writing the labels there would replace the articles. Choose another --output", file=sys.stderr)
        return 2
    try:
        data = read_articles(input_path)
    except OSError as exc:
        print(f"newsbot: cannot read {input_path}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    for problem in data.problems:
        print(f"warning: {problem}", file=sys.stderr)
    labels = label_documents(data.documents, config)
    try:
        with open(output_path, "w", encoding="utf-8") as fh:
            for d in data.documents:
                fh.write(dumps_line({"id": data.ids[d.id], "story": labels[d.id]}) + "\n")
    except OSError as exc:
        print(f"newsbot: cannot write {output_path}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    stories = len(set(labels.values()))
    print(f"{len(data.documents)} articles in {stories} stories -> {output_path}"
          + (f" ({len(data.problems)} lines with problems, see above)" if data.problems else ""), file=sys.stderr)
    return 0 if data.documents or not data.problems else 1
