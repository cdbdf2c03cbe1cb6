"""HTML fragments (feed summaries, content, titles) as plain text, one paragraph a line."""

from __future__ import annotations

import html
import re

import lxml.etree
import lxml.html

_BLOCKS = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "pre", "section",
    "table", "tr", "ul",
}  # fmt: skip
_DROP = {"script", "style", "noscript", "template", "iframe", "object", "svg", "math"}
# C0/C1 control characters other than tab and newline, which lxml refuses and chat platforms misrender.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"[^\S\n]+")  # any run of white space but a line break


def html_to_text(markup: str) -> str:
    """The text of an HTML fragment: tags dropped, entities decoded, a line per block."""
    markup = _CONTROL.sub("", markup or "")
    if "<" not in markup and "&" not in markup:
        return plain_text(markup)
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return _tidy(html.unescape(_TAG.sub(" ", markup)))
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue  # comments and processing instructions carry no text
        if el.tag in _DROP:
            el.drop_tree()
        elif el.tag in _BLOCKS:
            el.tail = "\n" + (el.tail or "")
            if el.tag != "br":
                el.text = "\n" + (el.text or "")
    return _tidy(root.text_content())


def plain_text(text: str) -> str:
    """Text that is already plain, with control characters removed and white space tidied."""
    return _tidy(_CONTROL.sub("", text or ""))


def one_line(text: str) -> str:
    return " ".join(text.split())


def _tidy(text: str) -> str:
    lines = (_SPACE.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)
