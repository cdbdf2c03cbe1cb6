"""The terminal channel: the embedded default when no chat platform is configured.

It prints the first digest at once, then reads the same commands the chat platforms take
(`/news search defect`, `/news sources 1`) from standard input, one a line, until end of input
or Ctrl-C. The person at the terminal is the bot's admin."""

from __future__ import annotations

import asyncio
import re
import threading
from datetime import datetime
from typing import TextIO

from bot.messages import DigestView, Reply
from bot.render.terminal import render
from bot.service import Caller, CommandService, Place, Request
from bot.text import clean
from digests.model import Digest

PLACE = Place("terminal", "", "terminal")
CALLER = Caller("terminal", is_admin=True, admin_hint="access to the terminal")
HELP = "Commands: /digest, /news search <words>, /news sources <story id>, /news help. Ctrl-D or Ctrl-C to quit."


def print_search(service: CommandService, query: str, out: TextIO, page: int = 1, limit: int | None = None) -> bool:
    """The `search` command's results: the chat's "More: /news search ... page:2" said as that
    command's own options (with its --limit, or page 2 would be another page size's)."""
    reply = service.handle(Request("news search", CALLER, PLACE, {"query": query, "page": page}))
    more = r"search \1" + (f" --limit {limit}" if limit else "") + r" --page \2"
    text = re.sub(r"/news search (.+?) page:(\d+)", more, render(reply))
    print(text, file=out)
    return not reply.error


def post_digest(out: TextIO, digest: Digest) -> None:
    print(render(Reply.of(DigestView(digest))), file=out, flush=True)


class TerminalOutlet:
    """The scheduler's outlet for the terminal channel: prints, with no message ids."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    async def ready(self) -> None:
        return None

    async def deliver(self, channel: str, reply: Reply, marker: str, resuming: datetime | None) -> list[str]:
        print(render(reply), file=self.out, flush=True)
        return []


async def run_terminal(service: CommandService, stdin: TextIO, out: TextIO, stop: asyncio.Event) -> None:
    """Print a digest, then answer commands until end of input or until `stop` is set."""
    first = await asyncio.to_thread(service.handle, Request("digest", CALLER, PLACE))
    print(render(first), file=out)
    print(HELP, file=out, flush=True)
    lines = _read_lines(stdin)
    while not stop.is_set():
        line_task = asyncio.ensure_future(lines.get())
        stop_task = asyncio.ensure_future(stop.wait())
        await asyncio.wait({line_task, stop_task}, return_when=asyncio.FIRST_COMPLETED)
        stop_task.cancel()
        if not line_task.done():
            line_task.cancel()
            break
        line = line_task.result()
        if line is None:
            break
        if answer := await asyncio.to_thread(answer_line, service, line):
            print(answer, file=out, flush=True)


def answer_line(service: CommandService, line: str) -> str:
    line = line.strip()
    if not line:
        return ""
    if not line.startswith("/"):
        word = clean(line.split()[0])[:30] or "hello"  # typed text, echoed: no control characters
        return f"Commands start with a slash, like /news search {word}. {HELP}"
    top, _, text = line[1:].partition(" ")
    return render(service.handle_text(top, text, CALLER, PLACE))


def _read_lines(stdin: TextIO) -> asyncio.Queue[str | None]:
    """Lines from a daemon thread, so a blocking read never holds up shutdown; None at the end."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def pump() -> None:
        try:
            for line in stdin:
                loop.call_soon_threadsafe(queue.put_nowait, line)
        except (OSError, ValueError):  # stdin closed under us
            pass
        finally:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, None)
            except RuntimeError:  # the loop has already closed
                pass

    threading.Thread(target=pump, name="stdin", daemon=True).start()
    return queue
