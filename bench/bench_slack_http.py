"""Slack HTTP mode under load: concurrent clients sending signed slash commands to the real bot
process (`run_bot.py run`, its Slack endpoint served by uvicorn on 127.0.0.1) for a fixed time,
with a local mock of Slack's Web API and response URLs (tests/fake_slack.py). Reports requests per
second and the time to `ack` (the HTTP response Slack waits 3 s for): p50, p90, p99, max.

Run: .venv/bin/python -m bench.bench_slack_http [--seconds 60] [--clients 50]

The load generator is this process (aiohttp, keep-alive connections); the bot is another
process, so on a 2-core machine each has about one core. Figures: bench/README.md."""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from tests.fake_slack import FakeSlack, signed_headers, slash_body

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-signing-secret-0123456789abcdef"
# What people type, weighted: searches (common and rare words, several words, junk), stories,
# sources, the channel's feeds and schedule, help, and the occasional digest.
MIX = [
    (12, "/news", "search syria"), (8, "/news", "search defect army officers"), (6, "/news", "search pilot jordan asylum"),
    (4, "/news", "search zanzibar"), (4, "/news", 'search "turkey" OR (jet*'), (10, "/news", "story 3"),
    (8, "/news", "story 5"), (10, "/news", "sources 1"), (8, "/news", "feeds"), (8, "/news", "schedule"),
    (8, "/news", "help"), (4, "/news", "filter"), (6, "/digest", ""), (4, "/digest", "turkey"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bot_env(data: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSBOT_")}
    env.update(NEWSBOT_DATA_DIR=str(data), NEWSBOT_HEALTH__ENABLED="false", **extra)
    return env


async def wait_listening(url: str, session: aiohttp.ClientSession, bot: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if bot.poll() is not None:
            raise SystemExit(f"the bot exited with {bot.returncode} before listening")
        try:
            async with session.get(url) as r:
                if r.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise SystemExit(f"the bot did not listen on {url} within {timeout:g} s")


async def client(session: aiohttp.ClientSession, url: str, api: FakeSlack, until: float, out: list, rng: random.Random) -> None:
    weights, commands = zip(*((w, (c, t)) for w, c, t in MIX))
    while time.monotonic() < until:
        command, text = rng.choices(commands, weights)[0]
        body = slash_body(api, command, text, user=f"U{rng.randrange(10**6):06d}")
        headers = signed_headers(body, secret=SECRET)
        t = time.perf_counter()
        try:
            async with session.post(url, data=body.encode(), headers=headers) as r:
                payload = await r.read()
                out.append((time.perf_counter() - t, r.status, not payload))
        except aiohttp.ClientError as exc:
            out.append((time.perf_counter() - t, type(exc).__name__, False))


async def run(seconds: float, clients: int, warmup: float) -> int:
    port = free_port()
    url = f"http://127.0.0.1:{port}/slack/events"
    api = await FakeSlack().start()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        ingest = subprocess.run([sys.executable, "run_bot.py", "ingest", "corpus/articles"], cwd=ROOT,
                                env=bot_env(data), capture_output=True, text=True)
        if ingest.returncode:
            raise SystemExit(f"ingest failed: {ingest.stderr}")
        env = bot_env(
            data, NEWSBOT_TERMINAL__ENABLED="false", NEWSBOT_SLACK__MODE="http", NEWSBOT_SLACK__BOT_TOKEN="xoxb-bench",
            NEWSBOT_SLACK__SIGNING_SECRET=SECRET, NEWSBOT_SLACK__HTTP_PORT=str(port), NEWSBOT_SLACK__API_URL=api.api,
        )
        bot = subprocess.Popen([sys.executable, "run_bot.py", "run"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            connector = aiohttp.TCPConnector(limit=clients, force_close=False)
            async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as session:
                await wait_listening(f"http://127.0.0.1:{port}/healthz", session, bot)
                rng = random.Random(6)
                await asyncio.gather(*(client(session, url, api, time.monotonic() + warmup, [], rng) for _ in range(clients)))
                results: list = []
                started = time.monotonic()
                await asyncio.gather(*(client(session, url, api, started + seconds, results, rng) for _ in range(clients)))
                elapsed = time.monotonic() - started
                await asyncio.sleep(1.5)  # answers still on their way to response URLs
        finally:
            bot.send_signal(signal.SIGINT)
            try:
                _, err = bot.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                bot.kill()
                _, err = bot.communicate()
            await api.stop()
    return report(results, elapsed, clients, api, err.decode(errors="replace"))


def report(results: list, elapsed: float, clients: int, api: FakeSlack, bot_stderr: str) -> int:
    ok = [t for t, status, _ in results if status == 200]
    failed = [status for _, status, _ in results if status != 200]
    deferred = sum(1 for _, status, empty in results if status == 200 and empty)
    ms = sorted(t * 1000 for t in ok)

    def pct(p: float) -> float:
        return ms[min(len(ms) - 1, int(round(p / 100 * (len(ms) - 1))))] if ms else float("nan")

    print(f"Slack HTTP mode, {clients} concurrent clients, {elapsed:.0f} s on 127.0.0.1 ({os.cpu_count()} cores)")
    print(f"  requests          {len(results):,} ({len(results) / elapsed:,.0f}/s), {len(failed)} failed {sorted(set(map(str, failed)))}")
    print(f"  time to ack       p50 {pct(50):.1f} ms, p90 {pct(90):.1f} ms, p99 {pct(99):.1f} ms, max {ms[-1] if ms else float('nan'):.1f} ms, mean {statistics.fmean(ms) if ms else float('nan'):.1f} ms")
    print(f"  answered in the ack {len(ok) - deferred:,}; acknowledged first and answered by response_url {deferred:,} "
          f"({len(api.responses()):,} response_url posts received)")
    if "Traceback" in bot_stderr:
        print("  the bot logged a traceback:\n" + bot_stderr[-3000:])
    met = bool(ms) and pct(99) < 500 and not failed
    print(f"  target p99 < 500 ms: {'met' if met else 'NOT met'}")
    return 0 if met else 1


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.bench_slack_http", description=__doc__.split("\n\n")[0])
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--warmup", type=float, default=3)
    args = p.parse_args(argv)
    return asyncio.run(run(args.seconds, args.clients, args.warmup))


if __name__ == "__main__":
    sys.exit(main())
