"""Logging: human-readable or JSON lines, each record carrying the subscription, feed or command
it is about, and every secret redacted before anything is written (library loggers included)."""

from __future__ import annotations

import contextvars
import logging
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

from bot.jsonl import dumps_line
from bot.text import URL_SECRET

_context: contextvars.ContextVar[dict] = contextvars.ContextVar("log_context", default={})

# Token shapes worth hiding even when we don't know the value: Slack tokens, Discord bot tokens,
# and credentials in URLs.
_TOKEN_SHAPES = re.compile(
    r"xox[abposr]-[A-Za-z0-9-]{8,}|xapp-[A-Za-z0-9-]{8,}"
    r"|[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,}"
    r"|(?<=://)[^/\s:@]+:[^/\s@]+(?=@)"
)
REDACTED = "[redacted]"
# Credentials that libraries log at DEBUG, kept by what precedes them: Discord interaction and
# webhook tokens in URL paths, Slack's response_url (valid 30 minutes), and any "token" field or
# parameter (Slack's verification token, Discord's interaction token in gateway events).
_TOKEN_AFTER = re.compile(
    r"(/(?:interactions|webhooks)/\d+/)[\w.-]{8,}"
    r"|((?:\b|_)response_url['\"]?\s*[:=]\s*['\"]?)[^\s'\"&,}]+"
    r"|(['\"]token['\"]\s*:\s*['\"])[^'\"]+"
    r"|((?:\b|_)token=)[^&\s'\"]+"
)


@contextmanager
def log_context(**fields: object) -> Iterator[None]:
    """Within this block, every log record carries these fields (e.g. subscription=12)."""
    token = _context.set({**_context.get(), **{k: v for k, v in fields.items() if v is not None}})
    try:
        yield
    finally:
        _context.reset(token)


class _Redactor(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # Longest first, so a secret that contains another is replaced whole.
        self.secrets = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for s in self.secrets:
            text = text.replace(s, REDACTED)
        text = _TOKEN_AFTER.sub(lambda m: next(g for g in m.groups() if g is not None) + REDACTED, text)
        text = URL_SECRET.sub(lambda m: m.group(1) + REDACTED, text)
        return _TOKEN_SHAPES.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        record.ctx = {k: self.redact(str(v)) for k, v in _context.get().items()}
        return True


class _TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        ctx = " ".join(f"{k}={v}" for k, v in getattr(record, "ctx", {}).items())
        return f"{line} [{ctx}]" if ctx else line


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            **getattr(record, "ctx", {}),
        }
        if record.exc_text:
            out["exc"] = record.exc_text
        return dumps_line(out)


def setup_logging(level: str = "INFO", fmt: str = "text", secrets: Iterable[str] = (), stream=None) -> logging.Handler:
    """Configure the root logger once; returns the handler (tests read what it wrote)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(_Redactor(secrets))
    handler.setFormatter(
        _JsonFormatter() if fmt == "json" else _TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # Alembic narrates every start-up at INFO; keep that for debugging.
    logging.getLogger("alembic").setLevel(level if level == "DEBUG" else "WARNING")
    # APScheduler logs every job run at INFO; the scheduler logs what each run did.
    logging.getLogger("apscheduler").setLevel(level if level == "DEBUG" else "WARNING")
    # trafilatura warns "discarding data: None" for a page without an article, which the reason
    # ingestion gives ("no article text found in the page") already says.
    logging.getLogger("trafilatura").setLevel(level if level == "DEBUG" else "ERROR")
    return handler
