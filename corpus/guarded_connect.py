"""Connections that go only where the guard allows: httpx's transport over a network backend
that resolves and vets the host at connect time, connects to an address it vetted, checks the
peer it reached, and never waits past the request's deadline."""

from __future__ import annotations

import ipaddress
import ssl
import time
from functools import cache

import httpcore
import httpx

from corpus.netguard import Guard


@cache
def default_ssl_context() -> ssl.SSLContext:
    return httpx.create_ssl_context()


class GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport over a connection pool whose network backend is GuardedBackend.
    httpx does not take a network backend as a parameter, so the pool is replaced after set-up
    (httpx is pinned; tests/test_netguard.py fails if this stops taking effect)."""

    def __init__(self, guard: Guard, deadline: float, ssl_context: ssl.SSLContext) -> None:
        super().__init__(verify=ssl_context, trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context, network_backend=GuardedBackend(guard, deadline), max_connections=4
        )


class GuardedBackend(httpcore.SyncBackend):
    """Resolves and vets the host at connect time and connects to an address it vetted; the
    streams it returns never wait past the request's deadline."""

    def __init__(self, guard: Guard, deadline: float) -> None:
        self.guard = guard
        self.deadline = deadline

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        error: Exception | None = None
        for ip in self.guard.addresses(host, port):
            try:
                stream = super().connect_tcp(str(ip), port, _clamp(timeout, self.deadline), local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
                continue
            try:
                # The peer we actually reached, checked too.
                self.guard.vet(_ip(stream.get_extra_info("server_addr")[0]))
            except BaseException:
                stream.close()
                raise
            return DeadlineStream(stream, self.deadline)
        assert error is not None
        raise error


class DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream, deadline: float) -> None:
        self.stream = stream
        self.deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.stream.read(max_bytes, _clamp(timeout, self.deadline, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.stream.write(buffer, _clamp(timeout, self.deadline, httpcore.WriteTimeout))

    def close(self) -> None:
        self.stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        tls = self.stream.start_tls(ssl_context, server_hostname, _clamp(timeout, self.deadline, httpcore.ConnectTimeout))
        return DeadlineStream(tls, self.deadline)

    def get_extra_info(self, info: str):
        return self.stream.get_extra_info(info)


def _clamp(timeout: float | None, deadline: float, error: type[Exception] = httpcore.ConnectTimeout) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the request's time budget is spent")
    return left if timeout is None else min(timeout, left)


def _ip(text: str):
    return ipaddress.ip_address(text.split("%", 1)[0])
