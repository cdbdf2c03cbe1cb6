"""A private PostgreSQL server for the tests that stop and restart it (the shared one at
NEWSBOT_TEST_DATABASE_URL must stay up for everything else). Needs PostgreSQL's own programs
(initdb, pg_ctl) on PATH; as root, they run as the `postgres` user, as the server insists."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgCluster:
    def __init__(self) -> None:
        missing = [p for p in ("initdb", "pg_ctl") if shutil.which(p) is None]
        if missing:
            pytest.skip(f"PostgreSQL restart tests: {' and '.join(missing)} not on PATH (install the PostgreSQL server package)")
        self.prefix: list[str] = []
        # Not under pytest's tmp_path: its parents are private to the user running the tests.
        self.root = root = Path(tempfile.mkdtemp(prefix="newsbot-pg-"))
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                pytest.skip("PostgreSQL restart tests: running as root and there is no `postgres` user to run the server as")
            os.chown(root, owner.pw_uid, owner.pw_gid)
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self.data = root / "pgdata"
        self.port = _port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self.prefix, *args], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {done.stderr[-2000:]}")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "server.log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def destroy(self) -> None:
        try:
            self.stop("immediate")
        except RuntimeError:
            pass  # not running
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        path = self.root / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""
