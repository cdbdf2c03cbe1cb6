"""One bounded HTTP fetcher for every outside URL (feeds, pages, links in feeds).

Bounds: connect and read time-outs plus a budget for the whole request, bytes read from the wire
and bytes after gzip/deflate decoding (counted while streaming, so a gzip bomb is stopped before it
is inflated), and redirects, which are followed here one hop at a time so that each hop passes the
guard (corpus/netguard.py). Connections go through corpus/guarded_connect.py, which resolves and
vets the host itself and connects to the address it vetted. Every failure becomes FetchError with a
one-line reason for the user."""

from __future__ import annotations

import ssl
import time
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from http import HTTPStatus

import httpcore
import httpx

from config.settings import HttpSettings
from corpus.guarded_connect import GuardedTransport, default_ssl_context
from corpus.netguard import DEFAULT_PORTS, Guard, NameNotResolved, Resolver, URLRefused
from corpus.untrusted import is_number

REDIRECTS = {301, 302, 303, 307, 308}
PERMANENT = {301, 308}
MAX_RETRY_AFTER = 7 * 24 * 3600  # a server asking for more than a week is not taken literally
ACCEPT_FEED = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
ACCEPT_PAGE = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
PAGE_TYPES = ("text/", "application/xhtml+xml", "application/xml", "application/octet-stream")
ACCEPT_ANY = ACCEPT_FEED.replace("*/*;q=0.5", "text/html;q=0.7, */*;q=0.5")


class FetchError(Exception):
    """A fetch that failed. `reason` is one line for the user; `retry_after` (seconds) is set when
    the server asked to be left alone for a while (429/503 with Retry-After)."""

    def __init__(self, reason: str, status: int | None = None, retry_after: float | None = None, refused: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after
        self.refused = refused


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int  # 200-299, or 304 for a conditional GET that found nothing new
    headers: httpx.Headers
    body: bytes
    permanent_url: str | None = None  # where every redirect on the way was permanent (301/308)
    redirects: int = 0  # HTTP redirects followed to get here

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for param in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "charset" and value.strip(" \"'"):
                return value.strip(" \"'")
        return None


class Fetcher:
    def __init__(
        self,
        settings: HttpSettings,
        resolver: Resolver | None = None,
        guard: Guard | None = None,
        ssl_context: ssl.SSLContext | None = None,  # the system's CA bundle (certifi) by default
    ) -> None:
        self.settings = settings
        self.ssl_context = ssl_context
        self.guard = guard or Guard(
            settings.allow_private_addresses, settings.extra_ports, resolver, resolve_timeout=settings.connect_timeout
        )

    def fetch(
        self,
        url: str,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = ACCEPT_ANY,
        budget: float | None = None,
        body_types: tuple[str, ...] | None = None,
        redirects_used: int = 0,
    ) -> Response:
        """GET `url`, following redirects; the body of a 2xx answer, or a 304 with an empty body
        when `etag`/`last_modified` were given and nothing changed. With `body_types` (content
        type prefixes), a body of another declared type is refused unread. `redirects_used`: hops
        already taken to reach `url` (a page's meta refresh), counted against http.max_redirects.
        Raises FetchError."""
        s = self.settings
        budget = min(budget or s.total_timeout, s.total_timeout)
        deadline = time.monotonic() + budget
        headers = {"User-Agent": s.user_agent, "Accept": accept, "Accept-Encoding": "gzip, deflate"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        timeout = httpx.Timeout(connect=s.connect_timeout, read=s.read_timeout, write=s.read_timeout, pool=s.connect_timeout)
        permanent: str | None = None
        all_permanent = True
        try:
            with httpx.Client(
                transport=GuardedTransport(self.guard, deadline, self.ssl_context or default_ssl_context()),
                timeout=timeout,
                follow_redirects=False,
                trust_env=False,  # an environment proxy would connect on our behalf, past the guard
            ) as client:
                for hop in range(max(s.max_redirects - redirects_used, 0) + 1):
                    target = self.guard.check_url(url)
                    # Refuse before sending anything; the transport checks again when it connects.
                    self.guard.addresses(target.raw_host.decode("ascii"), target.port or DEFAULT_PORTS[target.scheme])
                    with client.stream("GET", target, headers=headers) as resp:
                        if resp.status_code in REDIRECTS and "location" in resp.headers:
                            url = _next_hop(resp)
                            all_permanent = all_permanent and resp.status_code in PERMANENT
                            permanent = url if all_permanent else None
                            continue
                        if resp.status_code == 304 and (etag or last_modified):
                            return Response(str(resp.url), 304, resp.headers, b"", permanent, hop)
                        if not 200 <= resp.status_code < 300:
                            raise _status_error(resp)
                        ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
                        if body_types and ctype and not ctype.startswith(body_types):
                            raise FetchError(f"unexpected content type {ctype}")
                        body = read_body(resp, s, deadline, budget)
                        return Response(str(resp.url), resp.status_code, resp.headers, body, permanent, hop)
                raise FetchError(f"too many redirects (more than {s.max_redirects}, the http.max_redirects limit)")
        except FetchError:
            raise
        except URLRefused as exc:
            raise FetchError(exc.reason, refused=True) from None
        except NameNotResolved as exc:
            raise FetchError(exc.reason) from None
        except (httpx.TimeoutException, httpcore.TimeoutException) as exc:
            raise FetchError(_timeout_reason(exc, deadline, budget, s)) from None
        except (httpx.HTTPError, httpcore.NetworkError, httpcore.ProtocolError, ssl.SSLError, OSError) as exc:
            raise FetchError(_network_reason(exc)) from None


def read_body(resp: httpx.Response, s: HttpSettings, deadline: float, budget: float) -> bytes:
    """The decoded body, read as it streams in; stops at the first limit crossed."""
    declared = resp.headers.get("content-length", "")
    if is_number(declared) and int(declared) > s.max_response_bytes:
        raise FetchError(f"response larger than {s.max_response_bytes:,} bytes (it announced {int(declared):,})")
    decoder = _Decoder(resp.headers.get("content-encoding", ""))
    out = bytearray()
    wire = 0
    for chunk in resp.iter_raw():
        wire += len(chunk)
        if wire > s.max_response_bytes:
            raise FetchError(f"response larger than {s.max_response_bytes:,} bytes")
        out += decoder.feed(chunk, s.max_decompressed_bytes - len(out) + 1)
        if len(out) > s.max_decompressed_bytes:
            raise FetchError(f"response larger than {s.max_decompressed_bytes:,} bytes once decompressed")
        if time.monotonic() > deadline:
            raise FetchError(f"timed out after {budget:g} s")
    decoder.finish()
    return bytes(out)


class _Decoder:
    """gzip or deflate, inflated at most `room` bytes at a time."""

    def __init__(self, encoding: str) -> None:
        codings = [c.strip().lower() for c in encoding.split(",") if c.strip().lower() not in ("", "identity")]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise FetchError(f"unsupported content encoding {encoding.strip()!r}")
        self.coding = codings[0] if codings else None
        self.fed = False
        # deflate as the RFC says has a zlib header; many servers send it raw: tried on failure.
        self.wbits = 16 + zlib.MAX_WBITS if self.coding in ("gzip", "x-gzip") else zlib.MAX_WBITS
        self.z = zlib.decompressobj(self.wbits)

    def feed(self, data: bytes, room: int) -> bytes:
        if self.coding is None:
            return data
        first, self.fed = not self.fed, True
        out = bytearray()
        try:
            while data and len(out) < room:
                if self.z.eof:
                    if not data.startswith(b"\x1f\x8b"):
                        break  # padding after the last member: nothing more to inflate
                    self.z = zlib.decompressobj(self.wbits)  # gzip allows members back to back
                out += self.z.decompress(data, room - len(out))
                data = self.z.unconsumed_tail or (self.z.unused_data if self.z.eof else b"")
        except zlib.error:
            if first and self.wbits == zlib.MAX_WBITS and not out:
                self.wbits, self.z, self.fed = -zlib.MAX_WBITS, zlib.decompressobj(-zlib.MAX_WBITS), False
                return self.feed(data, room)
            raise FetchError(f"the {self.coding}-compressed response is corrupt") from None
        return bytes(out)

    def finish(self) -> None:
        if self.coding is not None and self.fed and not self.z.eof:
            raise FetchError(f"the {self.coding}-compressed response was cut short")


def _next_hop(resp: httpx.Response) -> str:
    location = resp.headers["location"].strip()
    try:
        return str(resp.url.join(location))
    except (httpx.InvalidURL, ValueError):
        raise FetchError(f"HTTP {resp.status_code} redirect to an invalid URL") from None


def _status_error(resp: httpx.Response) -> FetchError:
    code = resp.status_code
    try:
        phrase = HTTPStatus(code).phrase
    except ValueError:
        phrase = resp.reason_phrase or "error"
    retry = retry_after_seconds(resp.headers.get("retry-after")) if code in (429, 503) else None
    reason = f"HTTP {code} {phrase}"
    if retry is not None:
        reason += f"; the server asks to retry after {_duration(retry)}"
    return FetchError(reason, status=code, retry_after=retry)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if is_number(value):
        return float(min(int(value), MAX_RETRY_AFTER))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    delta = (when - (now or datetime.now(timezone.utc))).total_seconds()
    return float(min(max(delta, 0.0), MAX_RETRY_AFTER))


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:g} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _timeout_reason(exc: Exception, deadline: float, budget: float, s: HttpSettings) -> str:
    if time.monotonic() >= deadline - 0.05:
        return f"timed out after {budget:g} s"
    if isinstance(exc, (httpx.ConnectTimeout, httpcore.ConnectTimeout)):
        return f"could not connect within {s.connect_timeout:g} s"
    return f"timed out after {s.read_timeout:g} s without data from the server"


def _network_reason(exc: BaseException) -> str:
    text = str(exc).lower()
    if isinstance(exc, ssl.SSLCertVerificationError) or "certificate" in text:
        return "the server's TLS certificate could not be verified"
    if isinstance(exc, ssl.SSLError) or "ssl" in text or "tls" in text:
        return "TLS handshake with the server failed"
    if "refused" in text:
        return "connection refused by the server"
    if "reset" in text:
        return "the server reset the connection"
    if isinstance(exc, (httpx.RemoteProtocolError, httpcore.RemoteProtocolError)):
        if "without sending" in text or "incomplete" in text or "peer closed" in text:
            return "the server closed the connection before the response was complete"
        return "the server sent a malformed HTTP response"
    if isinstance(exc, (httpx.ConnectError, httpcore.ConnectError)):
        return "could not connect to the server" + (f" ({exc})" if str(exc) else "")
    return f"network error ({type(exc).__name__})"
