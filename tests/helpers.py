"""Helpers for tests that run the bot as a subprocess."""

from __future__ import annotations

import os
import signal
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


class BotProcess:
    """`run_bot.py` as a real process under asyncio: write to its terminal, wait for its output.
    stderr is drained as it comes (a bot logging at DEBUG fills a pipe quickly)."""

    def __init__(self, proc) -> None:
        self.proc = proc
        self.out = ""  # stdout read so far
        self._err: list[bytes] = []
        self._drain = None

    @classmethod
    async def start(cls, tmp_path: Path, *args: str, **env: str) -> BotProcess:
        import asyncio

        proc = await asyncio.create_subprocess_exec(
            sys.executable, str(ROOT / "run_bot.py"), *args, cwd=ROOT, env=bot_env(tmp_path, **env),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        bot = cls(proc)
        bot._drain = asyncio.ensure_future(bot._read_stderr())
        return bot

    async def _read_stderr(self) -> None:
        while chunk := await self.proc.stderr.read(65536):
            self._err.append(chunk)

    @property
    def err(self) -> str:
        return b"".join(self._err).decode("utf-8", "replace")

    async def read_until(self, marker: str, timeout: float = 60) -> None:
        import asyncio

        while marker not in self.out:
            try:
                line = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
            except TimeoutError:
                raise AssertionError(f"no {marker!r} within {timeout:g} s; the bot wrote: {self.out[-2000:]}") from None
            assert line, f"the bot ended early: {self.out[-2000:]}\n{self.err[-3000:]}"
            self.out += line.decode()

    async def send(self, line: str) -> None:
        self.proc.stdin.write(line.encode() + b"\n")
        await self.proc.stdin.drain()

    async def stop(self, sig: int = signal.SIGINT, timeout: float = 30) -> int:
        """Signal the bot, wait for it, and collect the rest of its output; its exit status."""
        import asyncio

        self.proc.send_signal(sig)
        rest = await asyncio.wait_for(self.proc.stdout.read(), timeout)
        self.out += rest.decode()
        await asyncio.wait_for(self.proc.wait(), timeout)
        await self._drain
        return self.proc.returncode

    async def kill(self) -> None:
        if self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()
        if self._drain:
            await self._drain
