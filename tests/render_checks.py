"""What every rendered reply must satisfy, on each platform: the platform's limits, and nothing
that notifies anyone, hides text or shows one address while opening another. Used by
tests/test_render.py on hand-made replies and tests/test_hostile_text.py on generated ones."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from bot.messages import Reply
from bot.render import discord as dr
from bot.render import slack as sr
from bot.render import terminal as tr
from bot.text import WORD_JOINER
from tests.chatkit import strings

# What a reader takes for an address, found independently of bot.text's own rule: host name
# labels of letters and digits, hyphens only inside ("0-.AA" is no address).
_SHOWN_ADDRESS = re.compile(r"(?:[a-z][a-z0-9+.-]*://)?((?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,})(?![\w.])", re.I)
_BROADCASTS = re.compile(r"@(everyone|here|channel)", re.I)
# Discord markdown characters as they look once escaped with a backslash: stand-ins outside any
# text a renderer could produce (private use area).
_ESCAPED = {c: chr(0xE000 + i) for i, c in enumerate("\\*_~|`[]()<>#-+.:@!&")}
_UNESCAPE = {v: k for k, v in _ESCAPED.items()}


def hidden_characters(text: str) -> list[str]:
    """Characters no reply may carry: controls (but the newline), format characters (but the word
    joiner that breaks `@everyone`), surrogates, noncharacters."""
    bad = []
    for i, ch in enumerate(text):
        cat = unicodedata.category(ch)
        if ch == "\n" or (ch == WORD_JOINER and text[i - 1 : i] == "@"):
            continue
        if cat in ("Cc", "Cf", "Cs") or ch in "\ufffe\uffff":
            bad.append(f"U+{ord(ch):04X}")
    return bad


def shows_other_address(label: str, url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    for shown in _SHOWN_ADDRESS.findall(label):
        if not shown.rsplit(".", 1)[-1].isalpha():  # "0.A¼": ¼ is a number, no top-level domain's letter
            continue
        shown = shown.lower().removeprefix("www.")
        if host != shown and not host.endswith("." + shown):
            return True
    return False


def plain_text_is_harmless(text: str) -> None:
    assert not hidden_characters(text), (hidden_characters(text), text)
    text.encode("utf-8")  # no lone surrogate: the send would fail


# --- Discord --------------------------------------------------------------------------------------


def discord_limits_hold(messages: list[dict]) -> None:
    assert messages
    for m in messages:
        assert 1 <= len(m["embeds"]) <= dr.MESSAGE_EMBEDS
        assert sum(dr.embed_size(e) for e in m["embeds"]) <= dr.MESSAGE_CHARS
        for e in m["embeds"]:
            assert dr.embed_size(e) > 0 or e.get("url") is None, e  # an embed shows something
            assert len(e.get("title", "")) <= dr.TITLE
            assert len(e.get("description", "")) <= dr.DESCRIPTION
            assert len(e.get("fields", [])) <= dr.FIELDS
            assert all(1 <= len(f["name"]) <= dr.FIELD_NAME and 1 <= len(f["value"]) <= dr.FIELD_VALUE for f in e.get("fields", []))
            assert len(e.get("footer", {}).get("text", "")) <= dr.FOOTER


def live_markdown(text: str) -> str:
    """The text with every backslash-escaped character replaced by an inert stand-in: what is
    left is what Discord reads as markup."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in _ESCAPED:
            out.append(_ESCAPED[text[i + 1]])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def discord_is_harmless(messages: list[dict]) -> None:
    for m in messages:
        assert set(m) == {"embeds"}
        for e in m["embeds"]:
            if e.get("url"):
                assert e["url"].startswith(("http://", "https://")) and not shows_other_address(e.get("title", ""), e["url"]), e
            # Footers show plain text: Discord reads no markdown and no mentions there.
            footer = e.get("footer", {}).get("text", "")
            plain_text_is_harmless(footer)
            assert not _BROADCASTS.search(footer), footer
            marked_up = [e.get("title", ""), e.get("description", "")]
            marked_up += [f[k] for f in e.get("fields", []) for k in ("name", "value")]
            for text in marked_up:
                plain_text_is_harmless(text)
                live = live_markdown(text)
                assert "<" not in live, text  # no <@user>, <@&role>, <#channel>, </command:id>, <t:...>
                for label, url in re.findall(r"\[([^\[\]]*)\]\(([^()\s]*)\)", live):
                    assert url.startswith(("http://", "https://")), (label, url)
                    shown = "".join(_UNESCAPE.get(c, c) for c in label)
                    assert not shows_other_address(shown, url), (shown, url)
                shown = re.sub(r"\]\([^()\s]*\)", "]", live)  # link targets are not shown
                assert not _BROADCASTS.search(shown), text


# --- Slack ----------------------------------------------------------------------------------------

_SLACK_LINK = re.compile(r"<(https?://[^\s<>|]+)(?:\|([^<>]*))?>")


def slack_limits_hold(messages: list[dict]) -> None:
    assert messages
    for m in messages:
        assert m["text"].strip()
        assert 1 <= len(m["blocks"]) <= sr.BLOCKS
        # Slack refuses a message of much more than 12,000 characters of block text (msg_blocks_too_long).
        assert sum(len(t) for t in strings(m["blocks"]) if t not in ("section", "mrkdwn", "context", "divider")) <= sr.MESSAGE_TEXT
        for b in m["blocks"]:
            if b["type"] == "section":
                assert 1 <= len(b["text"]["text"].strip()) and len(b["text"]["text"]) <= sr.SECTION
            if b["type"] == "context":
                assert all(1 <= len(x["text"]) <= sr.SECTION for x in b["elements"])


def _text_objects(obj):
    if isinstance(obj, dict):
        if obj.get("type") in ("mrkdwn", "plain_text"):
            yield obj
        for v in obj.values():
            yield from _text_objects(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _text_objects(v)


def slack_is_harmless(messages: list[dict]) -> None:
    # Slack's own preprocessing (bare addresses linked, "certain mentions" parsed) stays off.
    assert all(t.get("verbatim") is True for t in _text_objects(messages) if t["type"] == "mrkdwn")
    for text in strings(messages):
        if text in ("section", "mrkdwn", "context", "divider"):
            continue
        plain_text_is_harmless(text)
        # & only as the three escapes Slack asks for, so "&lt;!channel&gt;" in an article shows as typed.
        assert not re.search(r"&(?!(amp|lt|gt);)", text), text
        for url, label in _SLACK_LINK.findall(text):
            assert not shows_other_address(label or "", url.replace("&amp;", "&")), (label, url)
        rest = _SLACK_LINK.sub("", text)
        assert "<" not in rest and ">" not in rest, text  # no <!channel>, <@U1>, <#C1>, half a link
        assert not _BROADCASTS.search(rest), text


# --- terminal -------------------------------------------------------------------------------------


def terminal_is_harmless(text: str) -> None:
    plain_text_is_harmless(text)  # no escape sequences, no bidi tricks, printable as UTF-8


def renders_safely(reply: Reply) -> None:
    """Every renderer's output for `reply` within its platform's limits and harmless."""
    d = dr.render(reply)
    discord_limits_hold(d)
    discord_is_harmless(d)
    s = sr.render(reply)
    slack_limits_hold(s)
    slack_is_harmless(s)
    terminal_is_harmless(tr.render(reply))
