"""Run every benchmark module in this folder (bench_*.py), each through its main()."""

import importlib
import pkgutil
import sys
from pathlib import Path

if __name__ == "__main__":
    status = 0
    for info in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name):
        if info.name.startswith("bench_"):
            status |= importlib.import_module(f"bench.{info.name}").main() or 0
    sys.exit(status)
