"""The page-extraction worker process: `python -m corpus.extract_worker`.

It reads requests from stdin and writes results to stdout, each a 4-byte big-endian length and a
pickle: a request is (html, url, origin), a result a RawArticle or Skipped. Only the bot's own
parent process talks to it. A plain subprocess rather than multiprocessing: that re-imports the
parent's __main__, which fails (and respawns forever) when the bot is embedded or run from stdin."""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import pickle
import select
import subprocess
import sys
import threading
import time
from pathlib import Path

from corpus.raw import RawArticle, Skipped

log = logging.getLogger(__name__)
_ROOT = Path(__file__).resolve().parent.parent
_LEN = 4


def main() -> None:
    from corpus.pages import extract_article

    inp, out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the replies
    while True:
        header = inp.read(_LEN)
        if len(header) < _LEN:
            return
        html, url, origin = pickle.loads(inp.read(int.from_bytes(header, "big")))
        try:
            result = extract_article(html, url, origin)
        except Exception as exc:  # extract_article catches the parser's errors; this is the last net
            result = Skipped(origin, f"could not extract the article ({type(exc).__name__})")
        data = pickle.dumps(result)
        out.write(len(data).to_bytes(_LEN, "big") + data)
        out.flush()


class PageExtractor:
    """Extraction in one worker process, so that a page that takes too long (trafilatura needs
    ~20 s for some) is stopped at its deadline instead of running on in the background."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def extract(self, html: str | bytes, url: str | None, origin: str, timeout: float) -> RawArticle | Skipped:
        timeout = max(timeout, 0.5)
        with self._lock:
            deadline = time.monotonic() + timeout
            try:
                proc = self._proc or self._start()
                request = pickle.dumps((html, url, origin))
                proc.stdin.write(len(request).to_bytes(_LEN, "big") + request)
                proc.stdin.flush()
                size = int.from_bytes(_read(proc.stdout.fileno(), _LEN, deadline), "big")
                return pickle.loads(_read(proc.stdout.fileno(), size, deadline))
            except TimeoutError:
                log.info("extracting %s took longer than %g s; worker stopped", origin, timeout)
                self.close()
                return Skipped(origin, f"extracting the article took longer than {timeout:g} s")
            except (OSError, EOFError, pickle.UnpicklingError) as exc:
                log.warning("page extraction worker failed (%s); starting a new one", type(exc).__name__)
                self.close()
                return Skipped(origin, "the article extractor stopped unexpectedly")

    def _start(self) -> subprocess.Popen:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(_ROOT), os.environ.get("PYTHONPATH")])))
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "corpus.extract_worker"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=_ROOT,
        )  # fmt: skip
        return self._proc

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.kill()
            proc.wait()
            for pipe in (proc.stdin, proc.stdout):
                with contextlib.suppress(OSError):
                    pipe.close()


_default: PageExtractor | None = None


def default_extractor() -> PageExtractor:
    """The process-wide extractor, its worker started on first use and stopped at exit."""
    global _default
    if _default is None:
        _default = PageExtractor()
        atexit.register(_default.close)
    return _default


def _read(fd: int, size: int, deadline: float) -> bytes:
    buf = bytearray()
    while len(buf) < size:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise TimeoutError
        chunk = os.read(fd, size - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return bytes(buf)


if __name__ == "__main__":
    main()
