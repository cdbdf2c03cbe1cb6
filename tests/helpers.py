"""Helpers for tests that run the bot as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bot_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment for a subprocess bot with its data under tmp_path, free of the caller's NEWSBOT_*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSBOT_")}
    env["NEWSBOT_DATA_DIR"] = str(tmp_path / "data")
    env["NEWSBOT_HEALTH__PORT"] = "0"  # any free port, so bots in parallel tests don't collide
    env.update(extra)
    return env


def run_bot(tmp_path: Path, *args: str, stdin: str = "", timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "run_bot.py"), *args],
        input=stdin, capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=bot_env(tmp_path, **env),
    )
