"""Which URLs the bot may fetch: the guard against server-side request forgery.

A URL given by a user (a feed to subscribe, a page to ingest, a link inside a feed) must not make
the bot reach into its own network. Only http and https on ports 80, 443 and configured extra
ports; the host's addresses, however written (`127.1`, `0x7f.1`, `2130706433`, `::ffff:7f00:1`),
must all be public. The fetcher calls `addresses()` again at connect time and connects to exactly
the addresses it vetted, so a name that resolves differently the second time (DNS rebinding)
gets nowhere."""

from __future__ import annotations

import concurrent.futures
import ipaddress
import re
import socket
from collections.abc import Callable, Iterable

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]  # host, port -> addresses as text
DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_URL_LENGTH = 2048
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LOOKUPS = concurrent.futures.ThreadPoolExecutor(max_workers=8, thread_name_prefix="dns")
_HOST = re.compile(r"^([0-9a-f:.]+(%25[a-z0-9_.-]+)?|[a-z0-9_.-]+)$", re.I)  # IPv6 literals (zone ids too), names
_NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}\.?$", re.I)


class URLRefused(Exception):
    """A URL the bot will not fetch; `reason` is one line for the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NameNotResolved(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def numeric_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The address of a host written the way inet_aton reads it: `127.1`, `0x7f.0.0.1`,
    `017700000001`, `2130706433`. Resolvers accept these forms, so the guard must too."""
    if not _NUMERIC_HOST.match(host):
        return None
    parts = []
    for p in host.rstrip(".").split("."):
        base = 16 if p[:2].lower() == "0x" else 8 if len(p) > 1 and p[0] == "0" else 10
        try:
            parts.append(int(p[2:] if base == 16 else p, base) if p.lower() != "0x" else 0)
        except ValueError:  # "08": not octal, and not an address either
            return None
    # The last part fills every byte left: a.b.c.d, a.b.(16 bits), a.(24 bits), (32 bits).
    *head, last = parts
    if any(x > 255 for x in head) or last >= 256 ** (4 - len(head)):
        return None
    value = last
    for i, x in enumerate(head):
        value |= x << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def address_kind(ip: IPAddress) -> str | None:
    """Why an address is off limits ("loopback", "private", ...), or None for a public one."""
    if isinstance(ip, ipaddress.IPv6Address):
        # An IPv6 address that carries an IPv4 one reaches whatever that IPv4 address reaches.
        if ip.ipv4_mapped is not None:
            return address_kind(ip.ipv4_mapped)
        embedded = ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and (kind := address_kind(embedded)):
            return kind
    for kind, flag in (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("site-local", isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local),  # fec0::/10, deprecated but routable inside
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
    ):
        if flag:
            return kind
    return None if ip.is_global else "non-public"


class Guard:
    """The fetch policy. `allow_private` (the setting http.allow_private_addresses) lifts the
    address rule, for tests against 127.0.0.1 and intranet feeds; `allowed_networks` lifts it for
    some networks only."""

    def __init__(
        self,
        allow_private: bool = False,
        extra_ports: Iterable[int] = (),
        resolver: Resolver | None = None,
        allowed_networks: Iterable[str] = (),
        resolve_timeout: float = 5.0,
    ) -> None:
        self.allow_private = allow_private
        self.ports = {80, 443, *extra_ports}
        self.resolver = resolver or system_resolver
        self.allowed_networks = [ipaddress.ip_network(n) for n in allowed_networks]
        self.resolve_timeout = resolve_timeout

    def check_url(self, url: str | httpx.URL) -> httpx.URL:
        """The URL parsed, or URLRefused when its form alone rules it out (no network used)."""
        text = str(url).strip()
        if len(text) > MAX_URL_LENGTH:
            raise URLRefused(f"URL longer than {MAX_URL_LENGTH} characters")
        try:
            parsed = httpx.URL(text)
        except (httpx.InvalidURL, ValueError, TypeError) as exc:
            raise URLRefused(f"not a valid URL ({exc})") from None
        if parsed.scheme not in DEFAULT_PORTS:
            raise URLRefused(f"only http:// and https:// URLs can be fetched, not {parsed.scheme or 'this'}://" if parsed.scheme else "not a URL: it needs http:// or https://")
        if not parsed.host:
            raise URLRefused("the URL has no host name")
        if not _HOST.match(parsed.raw_host.decode("ascii", "replace")):
            # Percent-encoded or odd characters: resolvers differ in how they read them.
            raise URLRefused("not a valid host name (only letters, digits, dots and hyphens)")
        if parsed.userinfo:
            raise URLRefused("URLs with a user name or password are not supported (they would be shown and stored)")
        port = parsed.port or DEFAULT_PORTS[parsed.scheme]
        if port not in self.ports:
            allowed = ", ".join(str(p) for p in sorted(self.ports))
            raise URLRefused(f"port {port} is not allowed (allowed: {allowed}; add ports to http.extra_ports)")
        if literal := self.literal_address(parsed.host):
            self.vet(literal)
        return parsed

    @staticmethod
    def literal_address(host: str) -> IPAddress | None:
        host = host.strip("[]")
        if ":" in host:
            try:
                return ipaddress.IPv6Address(host.split("%", 1)[0])
            except ValueError:
                raise URLRefused(f"not a valid IPv6 address: {host}") from None
        return numeric_ipv4(host)

    def addresses(self, host: str, port: int) -> list[IPAddress]:
        """Every address of `host`, all of them vetted; URLRefused if any one is off limits
        (a host with one private address among public ones is refused as a whole)."""
        if literal := self.literal_address(host):
            found = [literal]
        else:
            try:
                # getaddrinfo has no time-out of its own: wait for it in a helper thread.
                answer = _LOOKUPS.submit(self.resolver, host, port).result(self.resolve_timeout)
                found = [ipaddress.ip_address(a.split("%", 1)[0]) for a in answer]
            except concurrent.futures.TimeoutError:
                raise NameNotResolved(f"could not find the server {host} (no answer within {self.resolve_timeout:g} s)") from None
            except (OSError, UnicodeError) as exc:
                raise NameNotResolved(f"could not find the server {host} ({_gai_reason(exc)})") from None
            except ValueError:
                raise NameNotResolved(f"could not find the server {host} (bad address from the resolver)") from None
            if not found:
                raise NameNotResolved(f"could not find the server {host}")
        for ip in found:
            self.vet(ip)
        return found

    def vet(self, ip: IPAddress) -> None:
        if self.allow_private or any(ip in net for net in self.allowed_networks if net.version == ip.version):
            return
        if kind := address_kind(ip):
            shown = f"::ffff:{ip.ipv4_mapped}" if getattr(ip, "ipv4_mapped", None) else str(ip)
            raise URLRefused(f"refused: {shown} is {'an' if kind[0] in 'aeiou' else 'a'} {kind} address")


def _gai_reason(exc: BaseException) -> str:
    if isinstance(exc, socket.gaierror) and exc.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", -5)):
        return "no such host name"
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
