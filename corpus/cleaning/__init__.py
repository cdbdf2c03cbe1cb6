"""Boilerplate removal for extracted news text, before anything is stored.

`clean_text(text, title)` returns the text without boilerplate lines; `explain(text, title)`
lists what was removed and by which rule. Paragraph breaks, section headings of live-blog posts
and datelines stay: the story clustering splits posts into sections at those headings.

The rules (corpus/cleaning/rules.py) judge a line by its shape and its neighbours; inline rules
(corpus/cleaning/inline.py) cut boilerplate glued to a real line."""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.cleaning import inline, rules
from corpus.cleaning.shape import normalise


@dataclass(frozen=True)
class Removal:
    line: int  # 1-based line number in the input text
    rule: str
    text: str  # the removed line, or the span cut from it when `inline`
    inline: bool = False

    def __str__(self) -> str:
        return f"{self.line:>4} {self.rule:<19} {'(span) ' if self.inline else ''}{self.text}"


def explain(text: str, title: str = "") -> list[Removal]:
    """Everything clean_text removes from `text`, in line order."""
    return _clean(text, title)[1]


def clean_text(text: str, title: str = "") -> str:
    return _clean(text, title)[0]


def _clean(text: str, title: str) -> tuple[str, list[Removal]]:
    lines = [normalise(ln) for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    title = normalise(title)
    removed: list[Removal] = []
    alive = list(range(len(lines)))  # the input lines still kept, blank ones included
    # Removing a line makes new neighbours (an echo no longer separated, a run now closing the
    # text), so passes repeat until nothing changes: cleaning cleaned text changes nothing.
    for _ in range(_MAX_PASSES):
        changed = _cut(lines, inline.BEFORE, removed, alive)
        doc = rules.Doc([lines[i] for i in alive], title)
        marks = _mark(doc)
        removed += [Removal(alive[k] + 1, name, doc.lines[k]) for k, name in marks.items()]
        alive = [i for k, i in enumerate(alive) if k not in marks]
        changed |= _cut(lines, inline.AFTER, removed, alive)
        if not changed and not marks:
            break
    out: list[str] = []
    for i in alive:
        if lines[i] or (out and out[-1]):  # one blank line between paragraphs, never more
            out.append(lines[i])
    removed.sort(key=lambda r: (r.line, not r.inline))
    return "\n".join(out).strip(), removed


_MAX_PASSES = 5


def _mark(doc: rules.Doc) -> dict[int, str]:
    """Which lines of doc are boilerplate, and by which rule: line rules first, then the rules
    that judge a line by what is marked around it."""
    marks: dict[int, str] = {}
    for rule in rules.LINE_RULES:
        for i in doc.nonblank:
            if i not in marks and rule(doc, i):
                marks[i] = rule.__name__
    for context_rule in rules.CONTEXT_RULES:
        for i, name in context_rule(doc, marks).items():
            marks.setdefault(i, name)
    return marks


def _cut(lines: list[str], cutters, removed: list[Removal], alive: list[int]) -> bool:
    """Apply the inline cutters to the kept lines in place; True if anything was cut."""
    changed = False
    for i in alive:
        for cutter in cutters:
            if lines[i]:
                lines[i], spans = cutter(lines[i])
                removed += [Removal(i + 1, cutter.__name__, s, inline=True) for s in spans]
                changed |= bool(spans)
    return changed


def rule_reason(rule: str) -> str:
    """Why a rule exists: the first sentence of its docstring (for reports)."""
    fn = getattr(rules, rule, None) or getattr(inline, rule, None)
    doc = " ".join((getattr(fn, "__doc__", "") or "").split())
    return re.split(r"(?<=[\w)\]”\"])\.\s+(?=[A-Z])", doc)[0].rstrip(".") if doc else rule


__all__ = ["Removal", "clean_text", "explain", "rule_reason"]
