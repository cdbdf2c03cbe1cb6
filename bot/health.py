"""A small HTTP endpoint for operators: /healthz (alive), /readyz (database and platform
connections ready), /metrics (Prometheus text format)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

import bot.metrics  # noqa: F401  (registers our counters, so /metrics always lists them)

log = logging.getLogger(__name__)
Check = Callable[[], Awaitable[bool]]
CHECK_TIMEOUT = 3.0


class HealthServer:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.checks: dict[str, Check] = {}
        self._runner: web.AppRunner | None = None

    def add_check(self, name: str, check: Check) -> None:
        """Register a readiness check: an async callable that returns True when ready."""
        self.checks[name] = check

    async def start(self) -> None:
        app = web.Application()
        app.add_routes([web.get("/healthz", self._live), web.get("/readyz", self._ready), web.get("/metrics", self._metrics)])
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        log.info("health endpoint on http://%s:%s/healthz", self.host, self.port)

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def _live(self, _request: web.Request) -> web.Response:
        return web.json_response({"status": "alive"})

    async def _ready(self, _request: web.Request) -> web.Response:
        results = {}
        for name, check in self.checks.items():
            try:
                results[name] = bool(await asyncio.wait_for(check(), CHECK_TIMEOUT))
            except Exception:  # a failing check means "not ready", whatever the reason
                results[name] = False
        ok = all(results.values())
        return web.json_response({"status": "ready" if ok else "not ready", "checks": results}, status=200 if ok else 503)

    async def _metrics(self, _request: web.Request) -> web.Response:
        return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})


def database_check(store) -> Check:
    """Ready when a trivial query round-trips."""

    def ping() -> bool:
        with store.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        return True

    async def check() -> bool:
        return await asyncio.to_thread(ping)

    return check
