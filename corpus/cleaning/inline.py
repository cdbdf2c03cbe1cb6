"""Rules that cut a span out of a line and keep the rest: boilerplate glued to real text."""

from __future__ import annotations

import re

from corpus.cleaning.shape import DATE, PAREN_CREDIT as _PAREN_CREDIT

Cut = tuple[str, list[str]]  # the line left, the spans removed


def repeated_text(line: str) -> Cut:
    """A line that is one text twice over ("Click for full coverageClick for full coverage"):
    a link rendered twice by the extractor. One copy stays, for the other rules to judge."""
    for sep in ("", " "):
        half, odd = divmod(len(line) - len(sep), 2)
        if not odd and half >= 8 and line == line[:half] + sep + line[:half] and any(c.isalpha() for c in line):
            return line[:half], [line[:half]]
    return line, []


def inline_photo_credit(line: str) -> Cut:
    """A photo credit in parentheses inside a paragraph: the paragraph stays, the credit goes."""
    cuts = [m.group(0).strip() for m in _PAREN_CREDIT.finditer(line)]
    if not cuts:
        return line, []
    return _PAREN_CREDIT.sub("", line).strip(), cuts  # the space before the credit goes with it


_TRAILING_STAMP = re.compile(
    rf"(?<=[.!?\"”’)])\s+((?:uploaded|taped|filmed|recorded)\s+(?:on\s+)?{DATE})\s*\.?$", re.I
)


def trailing_video_stamp(line: str) -> Cut:
    """A video's upload date glued after the sentence that introduces it ("… in a long time.
    uploaded 2/27/12")."""
    m = _TRAILING_STAMP.search(line)
    if not m:
        return line, []
    return line[: m.start()].rstrip(), [m.group(1)]


_LABEL = re.compile(r"^((?:subscribe|sign up|advertisement|share|print|e-?mail this)\s*:)\s+(?=\S)", re.I)


def button_label(line: str) -> Cut:
    """A button's label glued to the start of a paragraph ("Subscribe: consumers need to …")."""
    m = _LABEL.match(line)
    return (line[m.end() :], [m.group(1)]) if m else (line, [])


# Applied before the line rules (so they judge the repaired line) and after them (on kept lines).
BEFORE = [repeated_text]
AFTER = [button_label, inline_photo_credit, trailing_video_stamp]
