"""The database: engine set-up for SQLite or PostgreSQL, migrations, sessions."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from config.settings import database_url_secrets, safe_database_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
CONNECT_TIMEOUT = 10  # seconds to connect to PostgreSQL (libpq's connect_timeout)
MIGRATION_LOCK = 0x6E657773  # "news": the advisory lock key that serialises migrations on PostgreSQL


class DatabaseUnavailable(Exception):
    """The database can't be reached or opened; the message says what to check."""


def make_engine(url: str, **kwargs) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseUnavailable(
                    f"cannot create the folder {folder} for the SQLite database ({exc.strerror or type(exc).__name__}); "
                    "check database.url (env NEWSBOT_DATABASE__URL) or data_dir (env NEWSBOT_DATA_DIR)"
                ) from None
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    # A server that accepts the connection and then says nothing (a frozen host, a stuck proxy)
    # held libpq's connect forever, and with it the health endpoint and the scheduler's loop:
    # give up after CONNECT_TIMEOUT seconds, unless the URL says otherwise.
    # Keepalives and a TCP user timeout notice a host that went away under an open connection
    # (powered off, cut off) in about a minute rather than the system's default of hours.
    bounds = {"connect_timeout": CONNECT_TIMEOUT, "keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10,
              "keepalives_count": 3, "tcp_user_timeout": 60_000}  # fmt: skip
    connect_args = {**{k: v for k, v in bounds.items() if k not in parsed.query}, **kwargs.pop("connect_args", {})}
    # pre_ping: survive a database restart by replacing dead pooled connections.
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)


class Store:
    """One engine and its session factory. Everything that touches the database goes through here.

    On SQLite, Python's driver opens a transaction only before a write, so a SAVEPOINT
    (`session.begin_nested()`) that is a session's first write commits when it is released. That
    is harmless for idempotent inserts (an article, a channel's row); code that needs a claim to
    stay private until the outer commit must not rely on it (the scheduler marks claims itself).
    Making the driver BEGIN every transaction would fix it but make read-then-write sessions fail
    at once under concurrent writers instead of waiting, so it is left as is."""

    def __init__(self, url: str, **engine_kwargs) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> None:
        """Bring the schema to the newest revision (idempotent)."""
        cfg = AlembicConfig()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        sqlite = self.dialect == "sqlite"
        try:
            with self._migration_lock(), self.engine.connect() as conn:
                try:
                    if sqlite:
                        # SQLite changes a column by rebuilding its table (Alembic's batch mode);
                        # with foreign keys on, dropping the old table would cascade-delete every
                        # row that refers to it (a channel's feeds, its delivery log). The pragma
                        # only takes effect outside a transaction.
                        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                        conn.commit()
                    with conn.begin():
                        if not sqlite:  # held to the end of the transaction; the others wait, then find it done
                            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
                        cfg.attributes["connection"] = conn
                        command.upgrade(cfg, "head")
                        if sqlite and (broken := conn.exec_driver_sql("PRAGMA foreign_key_check").first()):
                            raise RuntimeError(f"the migration left a row of {broken[0]} pointing at nothing in {broken[2]}")
                finally:
                    if sqlite:
                        _foreign_keys_on(conn)
        except DBAPIError as exc:  # can't connect, can't open the file, not a database
            fix = (
                "check database.url (env NEWSBOT_DATABASE__URL): it must name an SQLite database file (or a new one) in a writable folder"
                if self.dialect == "sqlite"
                else "check database.url (env NEWSBOT_DATABASE__URL) and that the server is running"
            )
            raise DatabaseUnavailable(f"cannot open the database at {self.safe_url}: {self._masked(_first_line(exc.orig))}; {fix}") from None

    @contextmanager
    def _migration_lock(self) -> Iterator[None]:
        """One process migrates at a time: processes started together on a new database (the
        README's several bots on one database) raced to create the same tables, and all but one
        died with "table feeds already exists". PostgreSQL takes an advisory lock in the
        migration's transaction; an SQLite file, an flock on a file beside it."""
        database = make_url(self.url).database
        if self.dialect != "sqlite" or not database or database == ":memory:":
            yield
            return
        import fcntl  # POSIX; SQLite's processes share one host

        fd = os.open(f"{database}.migrate.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing drops the flock

    @property
    def safe_url(self) -> str:
        return safe_database_url(self.url)

    def _masked(self, text: str) -> str:
        """A driver's message without the URL's secrets: psycopg repeats parts of the URL ("failed
        to resolve host 'tpw@db'" for a password holding an unencoded "@")."""
        secrets = database_url_secrets(self.url)
        pieces = [p for secret in secrets for p in secret.split("@") if len(p) > 2]
        for secret in sorted({*secrets, *pieces}, key=len, reverse=True):
            text = text.replace(secret, "***")
        return text

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error."""
        with self.sessions() as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

    def dispose(self) -> None:
        self.engine.dispose()


def _foreign_keys_on(conn) -> None:
    """Back on before the connection returns to the pool; one that can't be is dropped (a
    `:memory:` database lives in its connection, so it is only dropped then)."""
    try:
        conn.rollback()  # outside a transaction, where the pragma takes effect
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        conn.commit()
        if conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1:
            return
    except DBAPIError:
        pass
    conn.invalidate()


def unreachable(exc: BaseException) -> str | None:
    """Why the database can't be used just now (down, restarting, the connection broke), in one
    line; None for any other error. Such a failure passes: the pool reconnects once it is back."""
    if not isinstance(exc, DBAPIError):
        return None
    why = _first_line(exc.orig if exc.orig is not None else exc)
    if exc.connection_invalidated:
        return why
    if not isinstance(exc, (OperationalError, InterfaceError)):
        return None
    # SQLite reports a missing table or bad SQL as OperationalError too: a bug, not an outage.
    if type(exc.orig).__module__ == "sqlite3" and not why.startswith(_SQLITE_PASSING):
        return None
    return why


_SQLITE_PASSING = ("database is locked", "unable to open database file", "disk I/O error")


def _first_line(err: object) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
