"""Input from outside read into values the rest of the code can hold: JSON nested too deeply is
refused as invalid JSON, lone surrogates become U+FFFD, and NUL characters (which PostgreSQL
refuses in text, however JSON, YAML or a file got them in) are dropped.

json.loads raises RecursionError, not a JSONDecodeError, on a line of ten thousand "[": every
reader that skipped a bad line with a reason crashed on that one. And "\\ud800" is valid JSON
and YAML, which their parsers turn into a lone surrogate: a str that no UTF-8 encoder accepts, so
the database, an output file or a chat message would refuse it later, far from the line that
held it, and take the rest of a run down with it. (A surrogate pair, "\\ud83d\\ude00", is one
character to the parsers and stays one.)"""

from __future__ import annotations

import json
import re

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def json_loads(data: str | bytes) -> object:
    """json.loads, every string in the result (keys too) `storable`. Raises
    json.JSONDecodeError (a ValueError) on invalid JSON, nesting too deep included, and
    UnicodeDecodeError on bytes that are not UTF-8 or UTF-16/32."""
    try:
        return _storable_json(json.loads(data))
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", data if isinstance(data, str) else "", 0) from None


def is_number(text: str) -> bool:
    """Whether `text` is a whole number int() reads: ASCII digits only, since str.isdigit() also
    takes '¹', '²' and '①', which int() refuses."""
    return text.isascii() and text.isdigit()


def storable(text: str) -> str:
    """The text as both databases and UTF-8 can hold it: each lone surrogate as U+FFFD, without NUL."""
    return _LONE_SURROGATE.sub("\ufffd", text).replace("\x00", "")


def _storable_json(value: object) -> object:
    """The value with its strings fixed, containers changed in place; without recursion, since
    json.loads nests as deep as its own limit allows."""
    if isinstance(value, str):
        return storable(value)
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            for i, x in enumerate(item):
                if isinstance(x, str):
                    item[i] = storable(x)
                elif isinstance(x, (list, dict)):
                    stack.append(x)
        elif isinstance(item, dict):
            pairs = list(item.items())
            item.clear()
            for k, x in pairs:
                if isinstance(x, str):
                    x = storable(x)
                elif isinstance(x, (list, dict)):
                    stack.append(x)
                item[storable(k)] = x
    return value
