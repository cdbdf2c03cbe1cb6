"""A real HTTP server on 127.0.0.1 whose answers a test programs: status, headers, body, delays,
a hang after the headers, a connection reset, a body streamed lazily (1 GB without holding it).

    server.route("/feed", Reply(body=RSS, headers={"Content-Type": "application/rss+xml"}))
    server.route("/flaky", Reply(status=500), Reply(body=RSS))   # in turn; the last one repeats
    server.route("/cond", lambda req: Reply(status=304) if req.headers.get("If-None-Match") else ...)
"""

from __future__ import annotations

import socket
import ssl
import struct
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes | Callable[[], Iterable[bytes]] = b""  # a callable yields the body lazily
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # before the status line
    hang: float = 0.0  # after the headers, before the body
    drip: float = 0.0  # between body chunks
    reset: bool = False  # read the request, then reset the connection (TCP RST)
    chunked: bool = False  # Transfer-Encoding: chunked instead of Content-Length
    length: int | None = None  # the Content-Length to announce, when not the body's own


@dataclass
class Request:
    path: str
    headers: dict[str, str]


class LocalHTTPServer:
    def __init__(self, host: str = "127.0.0.1", tls: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, list[Reply] | Callable[[Request], Reply]] = {}
        self.requests: list[Request] = []
        self.sent: dict[str, int] = defaultdict(int)  # body bytes written per path
        self.stop = threading.Event()
        handler = type("Handler", (_Handler,), {"owner": self})
        self.httpd = ThreadingHTTPServer((host, 0), handler)
        self.httpd.daemon_threads = True
        self.host, self.port = self.httpd.server_address[:2]
        self.scheme = "https" if tls else "http"
        if tls:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str = "/") -> str:
        return f"{self.scheme}://{self.host}:{self.port}{path}"

    def route(self, path: str, *replies: Reply | Callable[[Request], Reply]) -> str:
        """Program `path`; returns its URL."""
        if len(replies) == 1 and callable(replies[0]):
            self.routes[path] = replies[0]
        else:
            self.routes[path] = list(replies)
        return self.url(path)

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path == path)

    def close(self) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def _reply_for(self, req: Request) -> Reply:
        route = self.routes.get(req.path.split("?", 1)[0])
        if route is None:
            return Reply(404, b"not found", {"Content-Type": "text/plain"})
        if callable(route):
            return route(req)
        return route.pop(0) if len(route) > 1 else route[0]


class _Handler(BaseHTTPRequestHandler):
    owner: LocalHTTPServer
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        server = self.owner
        req = Request(self.path, {k: v for k, v in self.headers.items()})
        server.requests.append(req)
        reply = server._reply_for(req)
        if reply.reset:
            # SO_LINGER with a zero timeout turns close() into a reset.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if reply.delay and server.stop.wait(reply.delay):
            return
        try:
            self._send(reply)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            pass  # the client stopped reading: that is what the size caps are for
        self.close_connection = True

    def _send(self, reply: Reply) -> None:
        server = self.owner
        self.send_response_only(reply.status)
        names = {k.lower() for k in reply.headers}
        for k, v in reply.headers.items():
            self.send_header(k, v)
        body = reply.body
        if reply.chunked:
            self.send_header("Transfer-Encoding", "chunked")
        elif "content-length" not in names:
            size = reply.length if reply.length is not None else (len(body) if isinstance(body, bytes) else None)
            if size is not None:
                self.send_header("Content-Length", str(size))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.flush()
        if reply.hang and server.stop.wait(reply.hang):
            return
        chunks = [body] if isinstance(body, bytes) else body()
        for chunk in chunks:
            if server.stop.is_set():
                return
            if not chunk:
                continue
            if reply.chunked:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            else:
                self.wfile.write(chunk)
            self.wfile.flush()
            server.sent[self.path] += len(chunk)
            if reply.drip and server.stop.wait(reply.drip):
                return
        if reply.chunked:
            self.wfile.write(b"0\r\n\r\n")


def zeros(total: int, chunk: int = 65536) -> Callable[[], Iterable[bytes]]:
    """A body of `total` zero bytes, made as it is sent."""

    def gen():
        block = b"\0" * chunk
        left = total
        while left > 0:
            yield block[: min(chunk, left)]
            left -= chunk

    return gen
