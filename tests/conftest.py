"""Shared fixtures: a migrated store on SQLite and (when NEWSBOT_TEST_DATABASE_URL is set)
on PostgreSQL, each PostgreSQL test in a schema of its own."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from corpus.store import Store

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
PG_URL = os.environ.get("NEWSBOT_TEST_DATABASE_URL", "")
_pg_skips: list[str] = []


def pytest_collection_modifyitems(config, items):
    if os.environ.get("NEWSBOT_RUN_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="slow end-to-end test; set NEWSBOT_RUN_SLOW=1 (as .ci/run does) to run it")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    if _pg_skips:
        terminalreporter.write_line(
            f"PostgreSQL was skipped for {len(_pg_skips)} store tests (they ran on SQLite only). "
            "To run them on PostgreSQL too: "
            "NEWSBOT_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test make test",
            yellow=True,
        )


def pg_store() -> tuple[Store, str]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return Store(PG_URL, connect_args={"options": f"-csearch_path={schema}"}), schema


def drop_pg_schema(schema: str) -> None:
    admin = create_engine(PG_URL)
    with admin.begin() as c:
        c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def blank_store(request, tmp_path):
    """A store on each engine with no tables yet (PostgreSQL: in a schema of its own)."""
    if request.param == "sqlite":
        st = Store(f"sqlite:///{tmp_path / 'newsbot.db'}")
        yield st
        st.dispose()
        return
    if not PG_URL:
        _pg_skips.append(request.node.nodeid)
        pytest.skip("PostgreSQL: NEWSBOT_TEST_DATABASE_URL is not set")
    st, schema = pg_store()
    try:
        yield st
    finally:
        st.dispose()
        drop_pg_schema(schema)


@pytest.fixture
def store(blank_store):
    """A migrated, empty store on each engine."""
    blank_store.migrate()
    return blank_store


@pytest.fixture
def sqlite_store(tmp_path):
    st = Store(f"sqlite:///{tmp_path / 'newsbot.db'}")
    st.migrate()
    yield st
    st.dispose()


@pytest.fixture
def settings(tmp_path, monkeypatch):
    """Settings isolated from the developer's environment, with data under tmp_path."""
    for key in list(os.environ):
        if key.startswith("NEWSBOT_") and key not in ("NEWSBOT_TEST_DATABASE_URL", "NEWSBOT_RUN_SLOW"):
            monkeypatch.delenv(key)
    from config import load_settings

    return load_settings(data_dir=tmp_path / "data")


@pytest.fixture
def http_server():
    """A programmable HTTP server on 127.0.0.1 (tests/http_server.py)."""
    from tests.http_server import LocalHTTPServer

    srv = LocalHTTPServer()
    yield srv
    srv.close()


@pytest.fixture
def net_settings(settings, http_server):
    """Settings that let the fetcher reach the test server: private addresses allowed (the
    explicit setting, off by default) and the server's port added to the allowed ports."""
    settings.http.allow_private_addresses = True
    settings.http.extra_ports = [http_server.port]
    return settings
