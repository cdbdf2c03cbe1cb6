"""Boilerplate removal for extracted news text (placeholder: collapses blank runs, drops a
leading copy of the title). The full rule set replaces this in the cleaning work."""

from __future__ import annotations


def clean_text(text: str, title: str = "") -> str:
    lines = [ln.rstrip() for ln in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines and title and lines[0].strip() == title.strip():
        lines.pop(0)
    out: list[str] = []
    for ln in lines:
        if ln.strip() or (out and out[-1].strip()):
            out.append(ln)
    return "\n".join(out).strip()
