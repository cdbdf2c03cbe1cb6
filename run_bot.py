#!/usr/bin/env python3
"""newsbot's one entry point: `python run_bot.py [COMMAND] ...` (`run` when none is given)."""

import sys

from bot.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
