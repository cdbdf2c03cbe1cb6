"""One JSON value a line, as JSON Lines files and JSON logs need it."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

# json.dumps escapes every C0 control, "\n" included, but with ensure_ascii=False writes these
# as they are: line ends to str.splitlines() and to some editors and log shippers, which would
# read half an object a line.
_LINE_ENDS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def dumps_line(value: object) -> str:
    """`value` as JSON on one line (without the newline), non-ASCII text written as it is."""
    return json.dumps(value, ensure_ascii=False).translate(_LINE_ENDS)


def same_file(input_path: Path, output_path: Path) -> bool:
    """Whether the output would overwrite the input: the same regular file, under its own name or
    through a link (never so for /dev/stdin and /dev/stdout, which may both be one terminal)."""
    try:
        here, there = os.stat(input_path), os.stat(output_path)
    except OSError:
        return False
    return stat.S_ISREG(here.st_mode) and (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)
