"""Leader election: of all the bot processes on one database, one runs the scheduler.

- PostgreSQL: a session-level advisory lock, held on a connection kept open for as long as this
  process leads. The server drops the lock the moment that connection ends, so when the leader
  dies a standby gets it at its next check.
- SQLite: an exclusive `flock` on a lock file next to the database file (one host, as SQLite
  itself). The kernel drops it when the process dies, however it dies.

Standbys try every `leader_check_seconds`; the leader checks as often that it still holds the
lock (a PostgreSQL connection can break) and steps down if not."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url

from corpus.store import Store

log = logging.getLogger("newsbot.leader")
LOCK_NAME = "newsbot-scheduler"


class LeaderLock:
    def try_acquire(self) -> bool:
        raise NotImplementedError

    def still_held(self) -> bool:
        return True

    def release(self) -> None:
        raise NotImplementedError


class FileLock(LeaderLock):
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        import fcntl
        import os

        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())  # for people: who leads
        self._fd = fd
        return True

    def release(self) -> None:
        import os

        if self._fd is not None:
            os.close(self._fd)  # closing drops the flock
            self._fd = None


class AdvisoryLock(LeaderLock):
    """One lock per database and schema (several test schemas can share a server)."""

    KEY = f"hashtext('{LOCK_NAME}:' || current_database() || ':' || current_schema())"

    def __init__(self, store: Store) -> None:
        self.store = store
        self._conn: Connection | None = None

    def try_acquire(self) -> bool:
        if self._conn is not None:
            return self.still_held()
        conn = self.store.engine.connect()
        try:
            got = bool(conn.execute(text(f"SELECT pg_try_advisory_lock({self.KEY})")).scalar())
            conn.commit()
        except Exception:
            conn.invalidate()
            conn.close()
            raise
        if not got:
            conn.close()
            return False
        self._conn = conn
        return True

    def still_held(self) -> bool:
        """A session-level lock lasts as long as its session: the connection answering is enough."""
        if self._conn is None:
            return False
        try:
            self._conn.execute(text("SELECT 1"))
            self._conn.commit()
            return True
        except Exception as exc:
            log.warning("lost the connection that holds the scheduler lock: %s", str(exc).splitlines()[0])
            self._drop()
            return False

    def release(self) -> None:
        if self._conn is None:
            return
        try:
            self._conn.execute(text(f"SELECT pg_advisory_unlock({self.KEY})"))
            self._conn.commit()
        except Exception:
            pass  # the connection is gone, and the lock with it
        self._drop()

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.invalidate()  # never hand a lock-holding connection back to the pool
                conn.close()
            except Exception:
                pass


class ProcessLock(LeaderLock):
    """An in-memory SQLite database belongs to one process: that process leads."""

    def try_acquire(self) -> bool:
        return True

    def release(self) -> None:
        pass


def lock_for(store: Store) -> LeaderLock:
    url = make_url(store.url)
    if store.dialect == "postgresql":
        return AdvisoryLock(store)
    if store.dialect == "sqlite" and url.database and url.database != ":memory:":
        return FileLock(Path(url.database + ".scheduler.lock"))
    return ProcessLock()


async def lead(
    lock: LeaderLock,
    start: Callable[[], Awaitable[None]],
    stop_leading: Callable[[], Awaitable[None]],
    stop: asyncio.Event,
    check_seconds: float,
) -> None:
    """Until `stop` is set: take the lock when it is free and `start`; `stop_leading` when it is
    lost and at the end."""
    leading = False
    try:
        while not stop.is_set():
            try:
                if not leading:
                    if await asyncio.to_thread(lock.try_acquire):
                        log.info("this process now runs the scheduler (leader)")
                        leading = True
                        await start()
                elif not await asyncio.to_thread(lock.still_held):
                    log.warning("lost the scheduler lock; stepping down to standby")
                    leading = False
                    await stop_leading()
            except Exception as exc:  # the database is away: one line, and try again
                log.warning("leader election failed (%s); trying again in %.0f s", str(exc).strip().splitlines()[0][:300], check_seconds)
                if leading:
                    leading = False
                    await stop_leading()
                    await asyncio.to_thread(lock.release)
            try:
                await asyncio.wait_for(stop.wait(), check_seconds)
            except asyncio.TimeoutError:
                pass
    finally:
        if leading:
            await stop_leading()
        await asyncio.to_thread(lock.release)
